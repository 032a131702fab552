//! The frozen lineage graph: model nodes in a dense table, lineage edges as compact
//! adjacency in both directions, and the side tables (tags, datasets, contributors).
//!
//! Memory grows linearly: per model about 100 bytes of node data plus its id's bytes;
//! per lineage edge 14 bytes (forward and reverse adjacency, kind, cycle mark); per
//! tag, dataset or contributor entry 4 bytes.

pub mod array;
pub mod builder;
pub mod csr;
pub mod file;
pub mod info;
pub mod model_table;
pub mod visit;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

pub use array::Array;
pub use builder::{BuildOptions, DateCorrection, GraphBuilder, RecordValues};
pub use csr::Csr;
pub use model_table::Models;

use crate::intern::{Names, NONE};
use crate::model::{Board, EdgeKind, Model};

/// One input file a graph was built from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Source {
    /// The file as given to the build.
    pub path: String,
    /// Its format's name.
    pub format: String,
    /// Rows read.
    pub rows: u64,
    /// Records it gave.
    pub records: u64,
}

/// The frozen lineage graph: every model, its lineage edges in both directions, and the side
/// tables. Build it with [`crate::build`], save and load it with [`mod@file`].
///
/// The large fixed-width tables (names, adjacency, scores, side tables) are [`Array`]s, read
/// in place from a loaded graph file; the models are fixed-width rows, checked when the file
/// is loaded and decoded on first use ([`Models`]; [`model_table`]: a new [`Model`] field
/// goes there); every other field is written to the
/// file with serde, so a new field of that kind needs nothing more than its declaration (and
/// a format version bump). A new fixed-width table is `#[serde(skip)]` and listed in
/// [`mod@file`]'s sections.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LineageGraph {
    /// Model ids; the index is the model's dense id.
    #[serde(skip)]
    pub names: Names,
    /// Node data; the index is the model's dense id.
    #[serde(skip)]
    pub models: Models,
    /// Author names (namespaces and commit authors).
    #[serde(skip)]
    pub authors: Names,
    /// Attribute values (architecture, license, precision, library, pipeline, tags, datasets).
    #[serde(skip)]
    pub symbols: Names,
    /// Benchmark names: the columns of the score table.
    pub benchmarks: Vec<String>,
    /// The leaderboard each benchmark column belongs to.
    pub benchmark_boards: Vec<Board>,
    /// Score rows of `benchmarks.len()` values; NaN where a benchmark is missing.
    #[serde(skip)]
    pub scores: Array<f32>,
    /// Parent -> children. The position of a child in the targets array is the edge id.
    #[serde(skip)]
    pub children: Csr,
    /// Child -> parents.
    #[serde(skip)]
    pub parents: Csr,
    /// Edge id of each entry of `parents`.
    #[serde(skip)]
    pub parent_edges: Array<u32>,
    /// Kind of each edge, by edge id.
    #[serde(skip)]
    pub edge_kinds: Array<EdgeKind>,
    /// Edges that close a cycle: skipped by queries that need an acyclic graph.
    #[serde(skip)]
    pub edge_closes_cycle: Array<bool>,
    /// Tags of each model (symbol ids).
    #[serde(skip)]
    pub tags: Csr,
    /// Datasets of each model (symbol ids).
    #[serde(skip)]
    pub datasets: Csr,
    /// Commit authors of each model (author ids).
    #[serde(skip)]
    pub contributors: Csr,
    /// Strongly connected components of more than one model.
    pub cycles: Vec<Vec<u32>>,
    /// The inputs it was built from.
    pub sources: Vec<Source>,
    /// Whole-graph facts worked out on first use.
    #[serde(skip)]
    facts: Facts,
}

/// Facts about the whole graph that every chart note asks for: each costs a pass over all
/// models, so a server answering many requests works them out once. Derived from the
/// frozen models, so two graphs with equal models have equal facts and comparisons ignore
/// them.
#[derive(Debug, Clone, Default)]
struct Facts {
    default_board: std::sync::OnceLock<Board>,
    last_created: std::sync::OnceLock<Option<crate::model::Day>>,
}

impl PartialEq for Facts {
    fn eq(&self, _: &Facts) -> bool {
        true
    }
}

impl LineageGraph {
    /// How many models, stubs included.
    pub fn model_count(&self) -> usize {
        self.models.len()
    }

    /// How many lineage edges.
    pub fn edge_count(&self) -> usize {
        self.children.len()
    }

    /// The id of model `model`, as spelt by its source.
    pub fn name(&self, model: u32) -> &str {
        self.names.name(model)
    }

    /// Case-insensitive id lookup.
    pub fn lookup(&self, id: &str) -> Option<u32> {
        self.names.lookup(id)
    }

    /// The text of symbol `id`; `None` for [`crate::intern::NONE`].
    pub fn symbol(&self, id: u32) -> Option<&str> {
        self.symbols.get_name(id)
    }

    /// The name of author `id`; `None` for [`crate::intern::NONE`].
    pub fn author_name(&self, id: u32) -> Option<&str> {
        self.authors.get_name(id)
    }

    /// The children of `v`: models that name it as a parent.
    #[inline]
    pub fn children_of(&self, v: u32) -> &[u32] {
        self.children.row(v)
    }

    /// The parents of `v`.
    #[inline]
    pub fn parents_of(&self, v: u32) -> &[u32] {
        self.parents.row(v)
    }

    /// Edge ids of `v`'s child edges, in the order of [`children_of`](Self::children_of).
    /// An edge id indexes [`edge_kinds`](Self::edge_kinds) and
    /// [`edge_closes_cycle`](Self::edge_closes_cycle).
    #[inline]
    pub fn child_edge_ids(&self, v: u32) -> std::ops::Range<u32> {
        let range = self.children.range(v);
        range.start as u32..range.end as u32
    }

    /// Edge ids of `v`'s parent edges, in the order of [`parents_of`](Self::parents_of).
    #[inline]
    pub fn parent_edge_ids(&self, v: u32) -> &[u32] {
        &self.parent_edges[self.parents.range(v)]
    }

    /// Children of `v` with the kind of each edge.
    pub fn child_edges(&self, v: u32) -> impl Iterator<Item = (u32, EdgeKind)> + '_ {
        let range = self.children.range(v);
        self.children.targets()[range.clone()]
            .iter()
            .zip(&self.edge_kinds[range])
            .map(|(&c, &k)| (c, k))
    }

    /// Parents of `v` with the kind of each edge.
    pub fn parent_edges_of(&self, v: u32) -> impl Iterator<Item = (u32, EdgeKind)> + '_ {
        let range = self.parents.range(v);
        self.parents.targets()[range.clone()]
            .iter()
            .zip(&self.parent_edges[range])
            .map(|(&p, &e)| (p, self.edge_kinds[e as usize]))
    }

    /// Children through edges that do not close a cycle: with these the graph is acyclic.
    pub fn dag_children(&self, v: u32) -> impl Iterator<Item = (u32, EdgeKind)> + '_ {
        let range = self.children.range(v);
        self.children.targets()[range.clone()]
            .iter()
            .zip(range)
            .filter(|(_, e)| !self.edge_closes_cycle[*e])
            .map(|(&c, e)| (c, self.edge_kinds[e]))
    }

    /// Parents through edges that do not close a cycle.
    pub fn dag_parents(&self, v: u32) -> impl Iterator<Item = (u32, EdgeKind)> + '_ {
        let range = self.parents.range(v);
        self.parents.targets()[range.clone()]
            .iter()
            .zip(&self.parent_edges[range])
            .filter(|(_, &e)| !self.edge_closes_cycle[e as usize])
            .map(|(&p, &e)| (p, self.edge_kinds[e as usize]))
    }

    /// How many edges close a cycle.
    pub fn cycle_edges(&self) -> usize {
        self.edge_closes_cycle.iter().filter(|&&b| b).count()
    }

    /// The benchmark scores of `v` on every board, as `(benchmark, value)`.
    pub fn scores_of(&self, v: u32) -> Vec<(&str, f32)> {
        self.board_scores(v, None)
    }

    /// The benchmark scores of `v` on `board`, as `(benchmark, value)`.
    pub fn scores_on(&self, v: u32, board: Board) -> Vec<(&str, f32)> {
        self.board_scores(v, Some(board))
    }

    fn board_scores(&self, v: u32, board: Option<Board>) -> Vec<(&str, f32)> {
        let row = self.models[v as usize].scores_row;
        if row == NONE || self.benchmarks.is_empty() {
            return Vec::new();
        }
        let w = self.benchmarks.len();
        let start = row as usize * w;
        self.benchmarks
            .iter()
            .zip(&self.benchmark_boards)
            .zip(&self.scores[start..start + w])
            .filter(|((_, &b), v)| !v.is_nan() && board.is_none_or(|x| x == b))
            .map(|((b, _), &v)| (b.as_str(), v))
            .collect()
    }

    /// How many described, unflagged models have an average on `board`.
    pub fn scored_on(&self, board: Board) -> usize {
        self.models
            .iter()
            .filter(|m| !m.is_stub() && !m.is_flagged() && m.average(board).is_some())
            .count()
    }

    /// The board score-based analyses use unless told otherwise: the one with more scored
    /// (unflagged) models; v1 on a tie.
    pub fn default_board(&self) -> Board {
        *self.facts.default_board.get_or_init(|| {
            if self.scored_on(Board::V2) > self.scored_on(Board::V1) {
                Board::V2
            } else {
                Board::V1
            }
        })
    }

    /// The latest creation date of any model.
    pub fn last_created(&self) -> Option<crate::model::Day> {
        *self
            .facts
            .last_created
            .get_or_init(|| self.models.iter().filter_map(|m| m.created).max())
    }

    /// The boards with at least one scored model.
    pub fn boards(&self) -> Vec<Board> {
        Board::ALL
            .into_iter()
            .filter(|&b| self.models.iter().any(|m| m.average(b).is_some()))
            .collect()
    }

    /// Edge counts by kind, in [`EdgeKind::ALL`] order.
    pub fn edges_by_kind(&self) -> [usize; 5] {
        let mut counts = [0usize; 5];
        for &k in self.edge_kinds.iter() {
            counts[k as usize] += 1;
        }
        counts
    }

    /// Checks the structure after loading untrusted bytes, so that no later index panics.
    pub fn validate(&self) -> Result<(), String> {
        self.validate_tables()?;
        let bounds = self.model_bounds();
        // Millions of rows, each checked on its own: in parallel, the first bad one reported.
        if let Some(why) = self
            .models
            .par_iter()
            .with_min_len(1 << 14)
            .find_map_first(|m| bounds.problem(m))
        {
            return Err(why.into());
        }
        Ok(())
    }

    /// What a model's ids may refer to, for [`ModelBounds::problem`].
    pub(crate) fn model_bounds(&self) -> ModelBounds {
        let w = self.benchmarks.len();
        ModelBounds {
            symbols: self.symbols.len(),
            authors: self.authors.len(),
            score_rows: self.scores.len().checked_div(w).unwrap_or(0),
        }
    }

    /// [`LineageGraph::validate`] without the per-model checks ([`ModelBounds::problem`]),
    /// which a load makes on each model as it decodes it.
    pub(crate) fn validate_tables(&self) -> Result<(), String> {
        let n = self.models.len();
        let e = self.children.len();
        // Each name table was checked when it was made (`Names::from_parts` for a loaded
        // one): only its length is left to compare.
        if self.names.len() != n {
            return Err("model names do not match the model table".into());
        }
        self.children.validate(n, n)?;
        self.parents.validate(n, n)?;
        self.tags.validate(n, self.symbols.len())?;
        self.datasets.validate(n, self.symbols.len())?;
        self.contributors.validate(n, self.authors.len())?;
        if self.parents.len() != e
            || self.parent_edges.len() != e
            || self.edge_kinds.len() != e
            || self.edge_closes_cycle.len() != e
            || self.parent_edges.iter().any(|&x| x as usize >= e)
        {
            return Err("edge tables disagree in length".into());
        }
        // The parent table is the child table reversed: the algorithms count parents in one
        // and walk children in the other (a topological order counts down in-degrees), so a
        // file whose two tables disagree would make them underflow. Each parent entry names
        // its edge, which must run from that parent to this model; every edge once.
        // Checked for all models in parallel; each edge's bit says it was named once.
        use std::sync::atomic::{AtomicU64, Ordering};
        let seen: Vec<AtomicU64> = (0..e.div_ceil(64)).map(|_| AtomicU64::new(0)).collect();
        let mirrors = (0..n as u32)
            .into_par_iter()
            .with_min_len(1 << 14)
            .all(|c| {
                let range = self.parents.range(c);
                let mut entries = self.parents.targets()[range.clone()]
                    .iter()
                    .zip(&self.parent_edges[range]);
                entries.all(|(&p, &edge)| {
                    let edge = edge as usize;
                    let bit = 1u64 << (edge % 64);
                    let before = seen[edge / 64].fetch_or(bit, Ordering::Relaxed);
                    before & bit == 0
                        && self.children.targets()[edge] == c
                        && self.children.range(p).contains(&edge)
                })
            });
        if !mirrors {
            return Err("the parent table does not mirror the child table".into());
        }
        let w = self.benchmarks.len();
        if w > 0 && self.scores.len() % w != 0 {
            return Err("score table is ragged".into());
        }
        if self.benchmark_boards.len() != w {
            return Err("benchmarks and their boards disagree in length".into());
        }
        if self.cycles.iter().flatten().any(|&v| v as usize >= n) {
            return Err("a cycle member is out of range".into());
        }
        Ok(())
    }
}

/// The sizes of the tables a model's ids point into.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ModelBounds {
    symbols: usize,
    authors: usize,
    score_rows: usize,
}

impl ModelBounds {
    /// Why `m` could not have come from a build, if it could not.
    pub(crate) fn problem(&self, m: &Model) -> Option<&'static str> {
        let sym_ok = |s: u32| s == NONE || (s as usize) < self.symbols;
        let author_ok = |a: u32| a == NONE || (a as usize) < self.authors;
        if !(m.scores_row == NONE || (m.scores_row as usize) < self.score_rows)
            || !sym_ok(m.architecture)
            || !sym_ok(m.license)
            || !sym_ok(m.precision)
            || !sym_ok(m.library)
            || !sym_ok(m.pipeline)
            || !author_ok(m.author)
            || !author_ok(m.owner)
        {
            return Some("a model refers outside the graph's tables");
        }
        // The readers keep only finite, positive sizes and finite averages; a file with
        // others was not written by a build.
        if m.params_b.is_some_and(|p| !(p.is_finite() && p > 0.0))
            || m.averages.iter().flatten().any(|a| !a.is_finite())
        {
            return Some("a model has a size or average that is not a finite number");
        }
        let days = [m.created, m.last_modified, m.first_commit, m.last_commit];
        if days.iter().flatten().any(|d| !d.in_calendar()) {
            return Some("a model has a date outside the calendar");
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use crate::algo::testgraph::{graph, m};

    #[test]
    fn a_size_or_average_no_build_writes_is_rejected() {
        let ok = graph(vec![m("a/base"), m("a/child").of(&["a/base"]).avg(50.0)]);
        assert_eq!(ok.validate(), Ok(()));
        for bad in [f32::NAN, f32::INFINITY, -1.0, 0.0] {
            let mut g = ok.clone();
            g.models[0].params_b = Some(bad);
            assert!(g.validate().is_err(), "size {bad} accepted");
        }
        let mut g = ok.clone();
        g.models[1].averages[0] = Some(f32::NAN);
        assert!(g.validate().is_err(), "a NaN average accepted");
        // A day no calendar holds (only a damaged file has one) overflowed when printed.
        let mut g = ok.clone();
        g.models[1].last_commit = Some(crate::model::Day(i32::MAX));
        assert!(g.validate().is_err(), "a day outside the calendar accepted");
        assert_eq!(crate::model::Day(i32::MAX).to_string(), "-262143-01-01");
    }
}
