//! What `lineage info` reports about a graph file.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{LineageGraph, Source};
use crate::model::{Board, Day, EdgeKind, Flags};

/// What `lineage info` reports about a graph: counts of models, edges, authors and sources.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct GraphInfo {
    /// Models, stubs included.
    pub models: usize,
    /// Models some input describes.
    pub described: usize,
    /// Models only named as a parent.
    pub stubs: usize,
    /// Models with a leaderboard score.
    pub scored: usize,
    /// Models with an average, per leaderboard board.
    pub scored_by_board: BTreeMap<String, usize>,
    /// Models the leaderboard flags.
    pub flagged: usize,
    /// Repos whose Hub owner differs from their namespace.
    pub moved: usize,
    /// Rows marked suspicious (metadata copied from another row).
    pub suspicious: usize,
    /// Lineage edges.
    pub edges: usize,
    /// Keyed by kind, as in the build report.
    pub edges_by_kind: BTreeMap<String, usize>,
    /// Strongly connected components of more than one model.
    pub cycles: usize,
    /// Edges that close a cycle.
    pub cycle_edges: usize,
    /// Names in the author table (namespaces, Hub owners, commit authors).
    pub authors: usize,
    /// Distinct namespaces of the described models.
    pub owners: usize,
    /// Distinct commit authors.
    pub contributors: usize,
    /// Earliest creation date, ISO 8601.
    pub first_created: Option<String>,
    /// Latest creation date, ISO 8601.
    pub last_created: Option<String>,
    /// The inputs the graph was built from.
    pub sources: Vec<Source>,
}

impl GraphInfo {
    /// The counts of `g`.
    pub fn of(g: &LineageGraph) -> GraphInfo {
        let count = |bit| g.models.iter().filter(|m| m.flags.has(bit)).count();
        let dates = g.models.iter().filter_map(|m| m.created);
        let (first, last) = dates.fold((None::<Day>, None::<Day>), |(lo, hi), d| {
            (
                Some(lo.map_or(d, |x| x.min(d))),
                Some(hi.map_or(d, |x| x.max(d))),
            )
        });
        let mut owners: Vec<u32> = g
            .models
            .iter()
            .filter(|m| !m.is_stub())
            .map(|m| m.author)
            .collect();
        owners.sort_unstable();
        owners.dedup();
        let mut contributors = g.contributors.targets().to_vec();
        contributors.sort_unstable();
        contributors.dedup();
        GraphInfo {
            models: g.model_count(),
            described: g.model_count() - count(Flags::STUB),
            stubs: count(Flags::STUB),
            scored: g.models.iter().filter(|m| m.is_scored()).count(),
            scored_by_board: Board::ALL
                .iter()
                .map(|&b| {
                    let n = g.models.iter().filter(|m| m.average(b).is_some()).count();
                    (b.as_str().to_string(), n)
                })
                .filter(|(_, n)| *n > 0)
                .collect(),
            flagged: count(Flags::FLAGGED),
            moved: count(Flags::MOVED),
            suspicious: count(Flags::SUSPICIOUS),
            edges: g.edge_count(),
            edges_by_kind: EdgeKind::ALL
                .iter()
                .zip(g.edges_by_kind())
                .map(|(k, c)| (k.as_str().to_string(), c))
                .collect(),
            cycles: g.cycles.len(),
            cycle_edges: g.cycle_edges(),
            authors: g.authors.len(),
            owners: owners.len(),
            contributors: contributors.len(),
            first_created: first.map(|d| d.to_string()),
            last_created: last.map(|d| d.to_string()),
            sources: g.sources.clone(),
        }
    }
}
