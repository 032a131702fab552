//! The embedded sample: a synthetic ecosystem written by `lineage synth`, compiled into the
//! binary, so `lineage build` and the examples run with no data at hand.

use crate::error::{IngestError, Result};
use crate::graph::LineageGraph;
use crate::ingest::Input;

/// The sample's files, by the names messages give them.
pub const FILES: [(&str, &[u8]); 4] = [
    (
        "graphs/sample/details.csv",
        include_bytes!("../graphs/sample/details.csv"),
    ),
    (
        "graphs/sample/leaderboard.csv",
        include_bytes!("../graphs/sample/leaderboard.csv"),
    ),
    (
        "graphs/sample/commits.csv",
        include_bytes!("../graphs/sample/commits.csv"),
    ),
    (
        "graphs/sample/models.jsonl",
        include_bytes!("../graphs/sample/models.jsonl"),
    ),
];

/// The sample's files as inputs, their formats detected.
pub fn inputs() -> Result<Vec<Input>, IngestError> {
    FILES
        .iter()
        .map(|(name, bytes)| Input::embedded(name, bytes))
        .collect()
}

/// The graph `lineage build` makes of the sample with its default options.
pub fn graph() -> Result<LineageGraph> {
    Ok(crate::build(&inputs()?, Default::default(), None)?.0)
}
