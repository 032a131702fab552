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

pub mod algo;
pub mod analysis;
pub mod error;
pub mod export;
pub mod graph;
pub mod ingest;
pub mod intern;
pub mod model;
pub mod query;
pub mod render;
pub mod synth;

use error::Result;
use graph::{BuildOptions, GraphBuilder, LineageGraph};
use ingest::report::BuildReport;
use ingest::Input;

/// Reads `inputs` (any mix of formats) into one graph. Inputs are read in source-priority
/// order whatever order they are given in, so the result does not depend on it.
/// `progress` is called with (input index, bytes read in it) now and then.
pub fn build(
    inputs: &[Input],
    options: BuildOptions,
    progress: Option<Box<dyn FnMut(usize, u64) + Send>>,
) -> Result<(LineageGraph, BuildReport)> {
    let mut order: Vec<usize> = (0..inputs.len()).collect();
    order.sort_by_key(|&i| inputs[i].format);
    let mut builder = GraphBuilder::new(options);
    let progress = progress.map(|p| std::sync::Arc::new(std::sync::Mutex::new(p)));
    for (rank, &i) in order.iter().enumerate() {
        let input = &inputs[i];
        if let Some(p) = &progress {
            let p = p.clone();
            builder.set_progress(Box::new(move |bytes| {
                if let Ok(mut f) = p.lock() {
                    f(rank, bytes)
                }
            }));
        }
        builder.begin_file(&input.name.display().to_string());
        let summary = ingest::read_input(input, &mut builder)?;
        builder.end_file(summary);
    }
    Ok(builder.finish())
}
