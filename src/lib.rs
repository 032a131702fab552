//! `lineage`: graph analytics over the lineage of machine-learning models.
//!
//! Models on the Hugging Face Hub are built from other models: fine-tunes, adapters,
//! quantizations, merges. This library reads the files that describe them (leaderboard
//! exports, Hub metadata, commit histories, Hub API dumps) into one compact lineage graph
//! ([`graph::LineageGraph`]), saves it as a versioned, checksummed file, and computes the
//! analyses of the methodology over it. The command-line tool is a thin layer on top.
//!
//! # The model
//! - **Nodes** are model repos. Every record of one repo id, from any input, merges into one
//!   node (ids compare case-insensitively); for each attribute the first source in priority
//!   order that gives a value wins. A node's id is a dense `u32` (`0..model_count()`):
//!   [`LineageGraph::name`](graph::LineageGraph::name) and
//!   [`lookup`](graph::LineageGraph::lookup) convert, and node data is
//!   [`graph.models[id]`](model::Model).
//! - **Stubs** are models that some input names as a parent but none describes: they are
//!   nodes (so lineage runs through them) with only an id ([`model::Model::is_stub`]).
//!   **Flagged** models (flagged on the leaderboard) are nodes too; the analyses leave them
//!   out of counts and scores unless asked.
//! - **Edges** point from parent to child and carry an [`model::EdgeKind`]: `finetune`,
//!   `adapter`, `quantized`, `merge` or `unspecified`. A child with two or more parents is a
//!   merge; a single parent keeps the relation its source states. Edge ids are positions in
//!   [`edge_kinds`](graph::LineageGraph::edge_kinds); adjacency is compressed sparse rows in
//!   both directions ([`children_of`](graph::LineageGraph::children_of),
//!   [`parents_of`](graph::LineageGraph::parents_of), [`child_edges`](graph::LineageGraph::child_edges)).
//! - **Cycles** happen in real metadata. They stay in the graph: the build lists them
//!   ([`cycles`](graph::LineageGraph::cycles)) and marks one edge of each as closing it;
//!   analyses that need an acyclic graph skip the marked edges
//!   ([`dag_children`](graph::LineageGraph::dag_children)) and say how many they skipped.
//! - **Side tables** hold tags, datasets and commit authors per model, and the leaderboard
//!   scores; names and attribute values are interned once ([`intern`]).
//! - **The graph file** ([`graph::file`]) is a header (magic bytes, format version, payload
//!   length, CRC-32) and the graph encoded with bincode, written to a temporary file and
//!   renamed into place. [`graph::file::load`] checks all four and the graph's structure
//!   before handing it out, so a damaged file is an error, never a panic.
//!
//! The frozen graph implements petgraph's visitor traits ([`graph::visit`]), so petgraph's
//! walkers and algorithms run on it without a copy.
//!
//! ```
//! use lineage::ingest::Input;
//! use lineage::model::EdgeKind;
//! use petgraph::visit::{Bfs, Reversed, Walker};
//!
//! let csv = b"Unnamed: 0,name,author,created_at,last_modified,downloads,library_name,tags,language,datasets,base_model\n\
//! 0,org/base,org,2024-01-01 00:00:00+00:00,,10,transformers,[],,,\n\
//! 1,me/tuned,me,2024-02-01 00:00:00+00:00,,5,transformers,[],,,org/base\n\
//! 2,you/merged,you,2024-03-01 00:00:00+00:00,,5,transformers,[],,,\"['me/tuned', 'org/other']\"\n";
//! let input = Input::embedded("details.csv", csv).unwrap();
//! let (graph, report) = lineage::build(&[input], Default::default(), None).unwrap();
//! // org/other is named as a parent but described nowhere: a stub.
//! assert_eq!((graph.model_count(), report.stubs, report.edges), (4, 1, 3));
//! let other = graph.lookup("ORG/OTHER").unwrap();
//! assert!(graph.models[other as usize].is_stub());
//!
//! // Edges and their kinds.
//! let base = graph.lookup("org/base").unwrap();
//! let tuned = graph.lookup("me/tuned").unwrap();
//! assert_eq!(graph.child_edges(base).collect::<Vec<_>>(), [(tuned, EdgeKind::Unspecified)]);
//! let merged = graph.lookup("you/merged").unwrap();
//! assert!(graph.parent_edges_of(merged).all(|(_, kind)| kind == EdgeKind::Merge));
//!
//! // The crate's analyses...
//! let d = lineage::algo::derivatives::derivatives(&graph);
//! assert_eq!(d[base as usize].descendants, 2);
//! // ... and petgraph's, on the same graph: everything `you/merged` descends from.
//! let up: Vec<&str> = Bfs::new(Reversed(&graph), merged)
//!     .iter(Reversed(&graph))
//!     .skip(1)
//!     .map(|v| graph.name(v))
//!     .collect();
//! assert_eq!(up.len(), 3);
//!
//! // Saved and loaded, the graph is the same.
//! let dir = tempfile::tempdir().unwrap();
//! let path = dir.path().join("lineage.graph");
//! lineage::graph::file::save(&graph, &path).unwrap();
//! assert_eq!(lineage::graph::file::load(&path).unwrap(), graph);
//! ```
//!
//! # Where things are
//! [`ingest`] reads the input formats, [`graph`] builds and stores the graph, [`algo`] holds
//! the lineage analyses (descendants, depths, improvements, author components), [`queries`]
//! answers the command line's queries as plain values, [`analysis`] and [`report`] compute
//! and write the papers' figures, [`export`] writes GraphML, GEXF, DOT, JSON and CSV, and
//! [`synth`] generates synthetic ecosystems of any size. `examples/` holds short programs
//! that use the library.

#![warn(missing_docs)]

pub mod algo;
pub mod analysis;
pub mod columnar;
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
pub mod sample;
pub mod serve;
pub mod synth;

use error::Result;
use graph::{BuildOptions, GraphBuilder, LineageGraph, RecordValues};
use ingest::report::BuildReport;
use ingest::{Input, ModelRecord, Sink};
use intern::NameTable;

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
    builder.reserve_for_input(inputs.iter().map(|i| i.len).sum());
    std::thread::scope(|scope| -> Result<()> {
        // Readers start together but block once their channel is full, so only the input
        // being merged and the next one are parsed at any moment.
        let readers: Vec<_> = order
            .iter()
            .enumerate()
            .map(|(reader, &i)| {
                let input = &inputs[i];
                let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Event>>(4);
                let (spare_tx, spare) = std::sync::mpsc::channel::<Vec<Event>>();
                let handle = scope.spawn(move || {
                    let mut sink = ChannelSink {
                        tx,
                        spare,
                        batch: Vec::with_capacity(BATCH),
                        reader: reader as u32,
                        symbols: NameTable::exact(),
                        contributors: NameTable::exact(),
                    };
                    let summary = ingest::read_input(input, &mut sink);
                    sink.flush();
                    summary
                });
                (input, rx, spare_tx, handle)
            })
            .collect();
        // Bytes of the inputs already merged, so progress counts over all of them.
        let mut done = 0u64;
        for (input, rx, spare, handle) in readers {
            builder.begin_file(&input.name.display().to_string());
            for mut batch in rx {
                for event in batch.drain(..) {
                    match event {
                        Event::Record(r, side) => builder.record_with_local_values(r, side),
                        Event::Value {
                            reader,
                            contributor,
                            value,
                        } => builder.local_value(reader, contributor, value),
                        Event::Issue(i) => builder.issue(i),
                        Event::Progress(bytes) => {
                            if let Some(p) = progress.as_mut() {
                                p(done + bytes)
                            }
                        }
                    }
                }
                // The emptied batch goes back to be filled again: a fresh one would be a
                // megabyte of new pages for the kernel to zero every 2,048 rows. A reader
                // that has finished no longer listens, and the batch is dropped.
                let _ = spare.send(batch);
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
    /// A record, its tags, datasets and contributors moved out into reader-table ids.
    Record(ModelRecord, RecordValues),
    /// A string that got the next id of one of the reader's tables: sent before the first
    /// record that uses it.
    Value {
        reader: u32,
        contributor: bool,
        value: Box<str>,
    },
    Issue(ingest::RowIssue),
    Progress(u64),
}

/// A sink that batches events into a channel. A closed channel means the build stopped
/// (another input failed): the reader then runs on without sending, and its result is
/// never looked at.
///
/// It interns each record's tags, datasets and contributors into tables of its own, so that
/// the merging thread maps small ids instead of hashing strings: those values are most of
/// the strings a build sees (about eight tags per model).
struct ChannelSink {
    tx: std::sync::mpsc::SyncSender<Vec<Event>>,
    /// Batches the merging thread has emptied, to be filled again.
    spare: std::sync::mpsc::Receiver<Vec<Event>>,
    batch: Vec<Event>,
    reader: u32,
    symbols: NameTable,
    contributors: NameTable,
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
            let next = self
                .spare
                .try_recv()
                .unwrap_or_else(|_| Vec::with_capacity(BATCH));
            let batch = std::mem::replace(&mut self.batch, next);
            let _ = self.tx.send(batch);
        }
    }
}

impl ChannelSink {
    /// The id of `value` in one of this reader's tables, announcing new ones.
    fn local(&mut self, contributor: bool, value: &str) -> u32 {
        let table = if contributor {
            &mut self.contributors
        } else {
            &mut self.symbols
        };
        let (id, new) = table.intern(value);
        if new {
            self.push(Event::Value {
                reader: self.reader,
                contributor,
                value: value.into(),
            });
        }
        id
    }
}

impl Sink for ChannelSink {
    fn record(&mut self, mut record: ModelRecord) {
        let mut side = RecordValues {
            reader: self.reader,
            ..Default::default()
        };
        let tags = std::mem::take(&mut record.tags);
        side.tags
            .extend(tags.iter().map(|tag| self.local(false, tag)));
        let datasets = std::mem::take(&mut record.datasets);
        side.datasets
            .extend(datasets.iter().map(|d| self.local(false, d)));
        let contributors = std::mem::take(&mut record.contributors);
        side.contributors
            .extend(contributors.iter().map(|c| self.local(true, c.trim())));
        self.push(Event::Record(record, side));
    }
    fn issue(&mut self, issue: ingest::RowIssue) {
        self.push(Event::Issue(issue));
    }
    fn progress(&mut self, bytes: u64) {
        self.push(Event::Progress(bytes));
    }
}
