//! What `lineage info` reports about a graph file.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{LineageGraph, Source};
use crate::model::{Day, EdgeKind, Flags};

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct GraphInfo {
    pub models: usize,
    pub described: usize,
    pub stubs: usize,
    pub scored: usize,
    pub flagged: usize,
    pub moved: usize,
    pub suspicious: usize,
    pub edges: usize,
    /// Keyed by kind, as in the build report.
    pub edges_by_kind: BTreeMap<String, usize>,
    pub cycles: usize,
    pub cycle_edges: usize,
    pub authors: usize,
    pub owners: usize,
    pub contributors: usize,
    pub first_created: Option<String>,
    pub last_created: Option<String>,
    pub sources: Vec<Source>,
}

impl GraphInfo {
    pub fn of(g: &LineageGraph) -> GraphInfo {
        let count = |bit| g.models.iter().filter(|m| m.flags.has(bit)).count();
        let dates = g.models.iter().filter_map(|m| m.created);
        let (first, last) = dates.fold((None::<Day>, None::<Day>), |(lo, hi), d| {
            (
                Some(lo.map_or(d, |x| x.min(d))),
                Some(hi.map_or(d, |x| x.max(d))),
            )
        });
        // Distinct ids by marking, not sorting: linear in the models and entries.
        let distinct = |ids: &mut dyn Iterator<Item = u32>| {
            // One more slot for models without a namespace (no author id): one value too.
            let mut seen = vec![false; g.authors.len() + 1];
            let mut n = 0;
            for a in ids {
                let slot = if a == crate::intern::NONE {
                    g.authors.len()
                } else {
                    a as usize
                };
                if let Some(s) = seen.get_mut(slot) {
                    n += usize::from(!*s);
                    *s = true;
                }
            }
            n
        };
        let owners = distinct(&mut g.models.iter().filter(|m| !m.is_stub()).map(|m| m.author));
        let contributors = distinct(&mut g.contributors.targets().iter().copied());
        GraphInfo {
            models: g.model_count(),
            described: g.model_count() - count(Flags::STUB),
            stubs: count(Flags::STUB),
            scored: g.models.iter().filter(|m| m.average.is_some()).count(),
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
            owners,
            contributors,
            first_created: first.map(|d| d.to_string()),
            last_created: last.map(|d| d.to_string()),
            sources: g.sources.clone(),
        }
    }
}
