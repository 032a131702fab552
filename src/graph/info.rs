//! What `lineage info` reports about a graph file.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{LineageGraph, Source};
use crate::model::{Board, Day, EdgeKind, Flags, Model};

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
        use rayon::prelude::*;
        // One pass over the models, split over the threads; the namespaces seen are marked
        // in a bit set per part, joined at the end.
        let authors = g.authors.len();
        let tally = g
            .models
            .par_each()
            .with_min_len(1 << 15)
            .fold(
                || Tally::new(authors),
                |mut t, m| {
                    t.add(&m, authors);
                    t
                },
            )
            .reduce(|| Tally::new(authors), Tally::join);
        let first = tally.first;
        let last = tally.last;
        let owners = tally.owners.iter().map(|w| w.count_ones() as usize).sum();
        // Distinct ids by marking, not sorting: linear in the entries.
        let contributors = {
            let mut seen = vec![false; authors];
            let mut n = 0;
            for &a in g.contributors.targets().iter() {
                if let Some(s) = seen.get_mut(a as usize) {
                    n += usize::from(!*s);
                    *s = true;
                }
            }
            n
        };
        let count = |bit: u16| tally.flags[bit.trailing_zeros() as usize];
        GraphInfo {
            models: g.model_count(),
            described: g.model_count() - count(Flags::STUB),
            stubs: count(Flags::STUB),
            scored: tally.scored,
            scored_by_board: Board::ALL
                .iter()
                .map(|&b| (b.as_str().to_string(), tally.by_board[b.index()]))
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
            owners,
            contributors,
            first_created: first.map(|d| d.to_string()),
            last_created: last.map(|d| d.to_string()),
            sources: g.sources.clone(),
        }
    }
}

/// What one pass over part of the models counts for [`GraphInfo::of`].
struct Tally {
    /// Models with each flag bit set, by bit position.
    flags: [usize; 16],
    scored: usize,
    by_board: [usize; 2],
    first: Option<Day>,
    last: Option<Day>,
    /// Namespaces of described models, one bit per author id (the last bit for models
    /// without a namespace: one value too).
    owners: Vec<u64>,
}

impl Tally {
    fn new(authors: usize) -> Tally {
        Tally {
            flags: [0; 16],
            scored: 0,
            by_board: [0; 2],
            first: None,
            last: None,
            owners: vec![0; (authors + 1).div_ceil(64)],
        }
    }

    fn add(&mut self, m: &Model, authors: usize) {
        let mut bits = m.flags.0;
        while bits != 0 {
            self.flags[bits.trailing_zeros() as usize] += 1;
            bits &= bits - 1;
        }
        self.scored += usize::from(m.is_scored());
        for b in Board::ALL {
            self.by_board[b.index()] += usize::from(m.average(b).is_some());
        }
        self.first = self.first.into_iter().chain(m.created).min();
        self.last = self.last.into_iter().chain(m.created).max();
        if !m.is_stub() {
            let slot = if m.author == crate::intern::NONE {
                authors
            } else {
                m.author as usize
            };
            if slot <= authors {
                self.owners[slot / 64] |= 1 << (slot % 64);
            }
        }
    }

    fn join(mut self, other: Tally) -> Tally {
        for (a, b) in self.flags.iter_mut().zip(other.flags) {
            *a += b;
        }
        self.scored += other.scored;
        for (a, b) in self.by_board.iter_mut().zip(other.by_board) {
            *a += b;
        }
        self.first = self.first.into_iter().chain(other.first).min();
        self.last = self.last.into_iter().chain(other.last).max();
        for (a, b) in self.owners.iter_mut().zip(&other.owners) {
            *a |= b;
        }
        self
    }
}
