//! `lineage`: graph analytics over the lineage of machine-learning models.
//!
//! Models on the Hugging Face Hub are built from other models: fine-tunes, adapters,
//! quantizations, merges. This library reads the files that describe them (leaderboard
//! exports, Hub metadata, commit histories, Hub API dumps) into one compact lineage graph
//! ([`graph::LineageGraph`]), saves it as a versioned, checksummed file, and computes the
//! analyses of the methodology over it. The command-line tool is a thin layer on top.
//!
//! ```
//! use lineage::ingest::{Input, report::BuildReport};
//! let csv = b"Unnamed: 0,name,author,created_at,last_modified,downloads,library_name,tags,language,datasets,base_model\n\
//! 0,org/base,org,2024-01-01 00:00:00+00:00,,10,transformers,[],,,\n\
//! 1,me/tuned,me,2024-02-01 00:00:00+00:00,,5,transformers,[],,,org/base\n";
//! let input = Input::embedded("details.csv", csv).unwrap();
//! let (graph, report) = lineage::build(&[input], Default::default(), None).unwrap();
//! assert_eq!(graph.model_count(), 2);
//! assert_eq!(report.edges, 1);
//! let base = graph.lookup("ORG/BASE").unwrap();
//! assert_eq!(graph.name(graph.children_of(base)[0]), "me/tuned");
//! ```

#![warn(missing_docs)]

pub mod algo;
pub mod analysis;
pub mod error;
pub mod export;
pub mod fetch;
pub mod graph;
pub mod ingest;
pub mod intern;
pub mod model;
pub mod queries;
pub mod render;
pub mod report;
pub mod synth;

use error::Result;
use graph::{BuildOptions, GraphBuilder, LineageGraph};
use ingest::report::BuildReport;
use ingest::{Input, ModelRecord, Sink};

/// Reads `inputs` (any mix of formats) into one graph. Inputs are read in source-priority
/// order whatever order they are given in, so the result does not depend on it.
/// `progress` is called now and then with the bytes read so far, over all inputs.
///
/// Parsing and graph building overlap: each input is parsed on a thread of its own and
/// handed over in batches through a bounded channel, while this thread merges the batches
/// into the graph in priority order. At most a few batches per input wait in memory.
pub fn build(
    inputs: &[Input],
    options: BuildOptions,
    mut progress: Option<Box<dyn FnMut(u64) + Send>>,
) -> Result<(LineageGraph, BuildReport)> {
    let mut order: Vec<usize> = (0..inputs.len()).collect();
    order.sort_by_key(|&i| inputs[i].format);
    let mut builder = GraphBuilder::new(options);
    std::thread::scope(|scope| -> Result<()> {
        // Readers start together but block once their channel is full, so only the input
        // being merged and the next one are parsed at any moment.
        let readers: Vec<_> = order
            .iter()
            .map(|&i| {
                let input = &inputs[i];
                let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Event>>(4);
                let handle = scope.spawn(move || {
                    let mut sink = ChannelSink {
                        tx,
                        batch: Vec::with_capacity(BATCH),
                    };
                    let summary = ingest::read_input(input, &mut sink);
                    sink.flush();
                    summary
                });
                (input, rx, handle)
            })
            .collect();
        // Bytes of the inputs already merged, so progress counts over all of them.
        let mut done = 0u64;
        for (input, rx, handle) in readers {
            builder.begin_file(&input.name.display().to_string());
            for batch in rx {
                for event in batch {
                    match event {
                        Event::Record(r) => builder.record(r),
                        Event::Issue(i) => builder.issue(i),
                        Event::Progress(bytes) => {
                            if let Some(p) = progress.as_mut() {
                                p(done + bytes)
                            }
                        }
                    }
                }
            }
            // A reader that panicked is a bug: let it surface as one.
            let summary = handle
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))?;
            done += input.len;
            builder.end_file(summary);
        }
        Ok(())
    })?;
    Ok(builder.finish())
}

const BATCH: usize = 2048;

/// What a reader thread hands to the builder. Records are by far the most common event, so
/// boxing them to shrink the rare ones would only add an allocation per row.
#[allow(clippy::large_enum_variant)]
enum Event {
    Record(ModelRecord),
    Issue(ingest::RowIssue),
    Progress(u64),
}

/// A sink that batches events into a channel. A closed channel means the build stopped
/// (another input failed): the reader then runs on without sending, and its result is
/// never looked at.
struct ChannelSink {
    tx: std::sync::mpsc::SyncSender<Vec<Event>>,
    batch: Vec<Event>,
}

impl ChannelSink {
    fn push(&mut self, e: Event) {
        self.batch.push(e);
        if self.batch.len() >= BATCH {
            self.flush();
        }
    }

    fn flush(&mut self) {
        if !self.batch.is_empty() {
            let batch = std::mem::replace(&mut self.batch, Vec::with_capacity(BATCH));
            let _ = self.tx.send(batch);
        }
    }
}

impl Sink for ChannelSink {
    fn record(&mut self, record: ModelRecord) {
        self.push(Event::Record(record));
    }
    fn issue(&mut self, issue: ingest::RowIssue) {
        self.push(Event::Issue(issue));
    }
    fn progress(&mut self, bytes: u64) {
        self.push(Event::Progress(bytes));
    }
}
