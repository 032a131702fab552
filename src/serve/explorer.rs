//! The lineage explorer's data: one model, its ancestors and its descendants to a given
//! depth, as a small graph of nodes and edges. Long lists of descendants come in pages, so a
//! base with a hundred thousand derivatives answers as fast as one with ten.

use rustc_hash::FxHashSet;
use serde::Serialize;

use crate::graph::LineageGraph;
use crate::model::{Board, EdgeKind};

/// Which part of the lineage around a model to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Window {
    /// The model at the centre.
    pub model: u32,
    /// Generations of descendants to walk, 1 to [`MAX_DEPTH`].
    pub depth: u32,
    /// Descendants to skip, in breadth-first order (nearest generation first).
    pub offset: usize,
    /// Descendants to show, at most [`MAX_LIMIT`].
    pub limit: usize,
    /// Follow only edges of these kinds going down; empty follows every edge.
    pub kinds: Vec<EdgeKind>,
}

/// Deepest descendant walk served.
pub const MAX_DEPTH: u32 = 10;
/// Most descendants in one page.
pub const MAX_LIMIT: usize = 2000;
/// Most ancestors shown (lineage above a model is short; this only bounds odd graphs).
pub const MAX_ANCESTORS: usize = 1000;

/// One model shown.
#[derive(Debug, Clone, Serialize)]
pub struct Node<'a> {
    /// Its repo id.
    pub id: &'a str,
    /// Where it stands: `focus`, `ancestor` or `descendant`.
    pub role: &'static str,
    /// Generations from the focus: negative above it, positive below.
    pub level: i32,
    /// Its author.
    pub author: Option<&'a str>,
    /// Its creation date.
    pub created: Option<String>,
    /// Its license.
    pub license: Option<&'a str>,
    /// Its leaderboard type.
    pub model_type: &'static str,
    /// Its architecture.
    pub architecture: Option<&'a str>,
    /// Parameters in billions.
    pub params_b: Option<f32>,
    /// Leaderboard average (v1, else v2).
    pub average: Option<f32>,
    /// All its descendants in the graph.
    pub descendants: u32,
    /// Named by derivatives only.
    pub stub: bool,
    /// Flagged on the leaderboard.
    pub flagged: bool,
}

/// One lineage edge between shown models.
#[derive(Debug, Clone, Serialize)]
pub struct Edge<'a> {
    /// The parent.
    pub source: &'a str,
    /// The derivative.
    pub target: &'a str,
    /// How the derivative was made.
    pub kind: &'static str,
}

/// The part of the lineage a [`Window`] selects.
#[derive(Debug, Clone, Serialize)]
pub struct Subgraph<'a> {
    /// The model at the centre.
    pub focus: &'a str,
    /// The root its first parents lead to (itself when it has none): whose frontier to show.
    pub base: &'a str,
    /// Ancestors shown (all of them, up to [`MAX_ANCESTORS`]).
    pub ancestors: usize,
    /// Descendants within `depth` generations.
    pub descendants_total: usize,
    /// The page shown starts here.
    pub offset: usize,
    /// Descendants in this page.
    pub descendants_shown: usize,
    /// The depth walked.
    pub depth: u32,
    /// Models shown: the focus, its ancestors, then this page of descendants.
    pub nodes: Vec<Node<'a>>,
    /// Edges between shown models.
    pub edges: Vec<Edge<'a>>,
    /// Ids of the shown models, for exports.
    #[serde(skip)]
    pub ids: Vec<u32>,
}

/// Walks the window. O(ancestors + descendants within depth + edges of shown models).
pub fn subgraph<'a>(g: &'a LineageGraph, descendants: &[u32], w: &Window) -> Subgraph<'a> {
    let depth = w.depth.clamp(1, MAX_DEPTH);
    let limit = w.limit.min(MAX_LIMIT);
    let follow = |k: EdgeKind| w.kinds.is_empty() || w.kinds.contains(&k);
    let mut seen: FxHashSet<u32> = FxHashSet::default();
    seen.insert(w.model);
    // Ancestors, nearest first.
    let mut up: Vec<(u32, i32)> = Vec::new();
    let mut frontier = vec![w.model];
    let mut level = 0;
    while !frontier.is_empty() && up.len() < MAX_ANCESTORS {
        level -= 1;
        let mut next = Vec::new();
        for &v in &frontier {
            for &p in g.parents_of(v) {
                if up.len() < MAX_ANCESTORS && seen.insert(p) {
                    up.push((p, level));
                    next.push(p);
                }
            }
        }
        frontier = next;
    }
    // Descendants, breadth first.
    let mut down: Vec<(u32, i32)> = Vec::new();
    let mut frontier = vec![w.model];
    for level in 1..=depth as i32 {
        let mut next = Vec::new();
        for &v in &frontier {
            for (c, k) in g.child_edges(v) {
                if follow(k) && seen.insert(c) {
                    down.push((c, level));
                    next.push(c);
                }
            }
        }
        if next.is_empty() {
            break;
        }
        frontier = next;
    }
    let total = down.len();
    let start = w.offset.min(total);
    let page = &down[start..(start + limit).min(total)];
    // The base: follow first parents to a root (bounded against cycles).
    let mut base = w.model;
    for _ in 0..MAX_ANCESTORS {
        match g.parents_of(base).first() {
            Some(&p) if p != w.model => base = p,
            _ => break,
        }
    }
    let node = |v: u32, role: &'static str, level: i32| {
        let m = &g.models[v as usize];
        let sym = |id: u32| g.symbol(id).filter(|s| !s.is_empty());
        Node {
            id: g.name(v),
            role,
            level,
            author: g.author_name(m.author),
            created: m.created.map(|d| d.to_string()),
            license: sym(m.license),
            model_type: m.model_type.as_str(),
            architecture: sym(m.architecture),
            params_b: m.params_b.filter(|x| x.is_finite()),
            average: m.average(Board::V1).or(m.average(Board::V2)),
            descendants: descendants.get(v as usize).copied().unwrap_or(0),
            stub: m.is_stub(),
            flagged: m.is_flagged(),
        }
    };
    let mut ids = vec![w.model];
    let mut nodes = vec![node(w.model, "focus", 0)];
    for &(v, l) in &up {
        ids.push(v);
        nodes.push(node(v, "ancestor", l));
    }
    for &(v, l) in page {
        ids.push(v);
        nodes.push(node(v, "descendant", l));
    }
    let shown: FxHashSet<u32> = ids.iter().copied().collect();
    let mut edges = Vec::new();
    for &v in &ids {
        for (p, kind) in g.parent_edges_of(v) {
            if shown.contains(&p) {
                edges.push(Edge {
                    source: g.name(p),
                    target: g.name(v),
                    kind: kind.as_str(),
                });
            }
        }
    }
    Subgraph {
        focus: g.name(w.model),
        base: g.name(base),
        ancestors: up.len(),
        descendants_total: total,
        offset: start,
        descendants_shown: page.len(),
        depth,
        nodes,
        edges,
        ids,
    }
}
