//! The frozen graph seen through petgraph's visitor traits, so that petgraph's walkers and
//! algorithms run on a lineage graph as it is: no copy, only views of its adjacency.
//!
//! `&LineageGraph` is a petgraph graph reference. Its node ids are the dense model ids
//! (`u32`), its edge ids are the lineage edge ids (the index into
//! [`LineageGraph::edge_kinds`]), and an edge's weight is its [`EdgeKind`]. Edges point from
//! parent to child, so `Outgoing` neighbours are children and `Incoming` ones are parents;
//! wrap the graph in [`petgraph::visit::Reversed`] to walk towards ancestors, and use
//! [`acyclic`] for the graph without the edges that close a cycle.
//!
//! ```
//! use lineage::ingest::Input;
//! use petgraph::visit::{Bfs, Reversed, Walker};
//! let csv = b"Unnamed: 0,name,author,created_at,last_modified,downloads,library_name,tags,language,datasets,base_model\n\
//! 0,o/base,o,2024-01-01,,,,[],,,\n\
//! 1,o/tuned,o,2024-02-01,,,,[],,,o/base\n\
//! 2,o/quant,o,2024-03-01,,,,[],,,o/tuned\n";
//! let (g, _) = lineage::build(&[Input::embedded("d.csv", csv).unwrap()], Default::default(), None).unwrap();
//! let base = g.lookup("o/base").unwrap();
//! let quant = g.lookup("o/quant").unwrap();
//! assert!(petgraph::algo::has_path_connecting(&g, base, quant, None));
//! // Ancestors: a breadth-first walk on the reversed graph.
//! let ancestors: Vec<&str> = Bfs::new(Reversed(&g), quant).iter(Reversed(&g)).map(|v| g.name(v)).collect();
//! assert_eq!(ancestors, ["o/quant", "o/tuned", "o/base"]);
//! ```
//!
//! # Which petgraph algorithms are safe on deep lineage
//! Real lineage chains are short, but a graph file can hold any chain. petgraph's walkers
//! and most of its algorithms keep their own stack and run at any depth; a few recurse once
//! per level and overflow the thread's stack on a chain some tens of thousands of models deep.
//! Checked on a 200,000-deep chain (`tests/it/petgraph_view.rs`, on a test thread's 2 MiB stack):
//!
//! | iterative: safe at any depth | recursive: overflows on deep chains |
//! |---|---|
//! | `Bfs`, `Dfs`, `DfsPostOrder`, `Topo` | `algo::tarjan_scc`, `algo::TarjanScc` |
//! | `algo::toposort`, `algo::has_path_connecting` | `visit::depth_first_search` |
//! | `algo::kosaraju_scc`, `algo::condensation` | `algo::is_cyclic_directed` (uses the above) |
//! | `algo::dominators::simple_fast`, `algo::dijkstra` | |
//!
//! The crate's own strongly connected search ([`crate::algo::topo::strongly_connected`]) is
//! an iterative Tarjan for that reason.

use std::iter::{Copied, Zip};
use std::ops::Range;
use std::slice;

use fixedbitset::FixedBitSet;
use petgraph::visit::{
    Data, EdgeCount, EdgeFiltered, EdgeIndexable, EdgeRef, GraphBase, GraphProp,
    IntoEdgeReferences, IntoEdges, IntoEdgesDirected, IntoNeighbors, IntoNeighborsDirected,
    IntoNodeIdentifiers, IntoNodeReferences, NodeCompactIndexable, NodeCount, NodeIndexable,
    Visitable,
};
use petgraph::{Directed, Direction};

use super::LineageGraph;
use crate::model::{EdgeKind, Model};

impl GraphBase for LineageGraph {
    type NodeId = u32;
    type EdgeId = u32;
}

impl Data for LineageGraph {
    type NodeWeight = Model;
    type EdgeWeight = EdgeKind;
}

impl GraphProp for LineageGraph {
    type EdgeType = Directed;
}

impl NodeCount for LineageGraph {
    fn node_count(&self) -> usize {
        self.model_count()
    }
}

impl NodeIndexable for LineageGraph {
    fn node_bound(&self) -> usize {
        self.model_count()
    }
    fn to_index(&self, a: u32) -> usize {
        a as usize
    }
    fn from_index(&self, i: usize) -> u32 {
        i as u32
    }
}

impl NodeCompactIndexable for LineageGraph {}

impl EdgeCount for LineageGraph {
    fn edge_count(&self) -> usize {
        LineageGraph::edge_count(self)
    }
}

impl EdgeIndexable for LineageGraph {
    fn edge_bound(&self) -> usize {
        LineageGraph::edge_count(self)
    }
    fn to_index(&self, a: u32) -> usize {
        a as usize
    }
    fn from_index(&self, i: usize) -> u32 {
        i as u32
    }
}

impl Visitable for LineageGraph {
    type Map = FixedBitSet;
    fn visit_map(&self) -> FixedBitSet {
        FixedBitSet::with_capacity(self.model_count())
    }
    fn reset_map(&self, map: &mut FixedBitSet) {
        map.clear();
        map.grow(self.model_count());
    }
}

impl IntoNodeIdentifiers for &LineageGraph {
    type NodeIdentifiers = Range<u32>;
    fn node_identifiers(self) -> Range<u32> {
        0..self.model_count() as u32
    }
}

impl<'a> IntoNodeReferences for &'a LineageGraph {
    type NodeRef = (u32, &'a Model);
    type NodeReferences = Zip<Range<u32>, slice::Iter<'a, Model>>;
    fn node_references(self) -> Self::NodeReferences {
        (0..self.model_count() as u32).zip(self.models.iter())
    }
}

impl<'a> IntoNeighbors for &'a LineageGraph {
    type Neighbors = Copied<slice::Iter<'a, u32>>;
    /// The children of `a`.
    fn neighbors(self, a: u32) -> Self::Neighbors {
        self.children_of(a).iter().copied()
    }
}

impl<'a> IntoNeighborsDirected for &'a LineageGraph {
    type NeighborsDirected = Copied<slice::Iter<'a, u32>>;
    /// Children (`Outgoing`) or parents (`Incoming`) of `n`.
    fn neighbors_directed(self, n: u32, d: Direction) -> Self::NeighborsDirected {
        match d {
            Direction::Outgoing => self.children_of(n),
            Direction::Incoming => self.parents_of(n),
        }
        .iter()
        .copied()
    }
}

/// One lineage edge as petgraph sees it: parent (source), child (target), edge id and kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineageEdge<'a> {
    source: u32,
    target: u32,
    id: u32,
    kind: &'a EdgeKind,
    closes_cycle: bool,
}

impl LineageEdge<'_> {
    /// How the child was made from the parent.
    pub fn kind(&self) -> EdgeKind {
        *self.kind
    }

    /// Whether this edge closes a cycle ([`LineageGraph::edge_closes_cycle`]): analyses that
    /// need an acyclic graph leave it out.
    pub fn closes_cycle(&self) -> bool {
        self.closes_cycle
    }

    fn new(g: &LineageGraph, source: u32, target: u32, id: u32) -> LineageEdge<'_> {
        LineageEdge {
            source,
            target,
            id,
            kind: &g.edge_kinds[id as usize],
            closes_cycle: g.edge_closes_cycle[id as usize],
        }
    }
}

impl EdgeRef for LineageEdge<'_> {
    type NodeId = u32;
    type EdgeId = u32;
    type Weight = EdgeKind;
    fn source(&self) -> u32 {
        self.source
    }
    fn target(&self) -> u32 {
        self.target
    }
    fn weight(&self) -> &EdgeKind {
        self.kind
    }
    fn id(&self) -> u32 {
        self.id
    }
}

/// The edges of one model, to its children or from its parents.
#[derive(Debug, Clone)]
pub struct Edges<'a> {
    graph: &'a LineageGraph,
    node: u32,
    side: Side<'a>,
}

#[derive(Debug, Clone)]
enum Side<'a> {
    Children(Zip<slice::Iter<'a, u32>, Range<u32>>),
    Parents(Zip<slice::Iter<'a, u32>, slice::Iter<'a, u32>>),
}

impl<'a> Iterator for Edges<'a> {
    type Item = LineageEdge<'a>;
    fn next(&mut self) -> Option<LineageEdge<'a>> {
        match &mut self.side {
            Side::Children(it) => it
                .next()
                .map(|(&child, id)| LineageEdge::new(self.graph, self.node, child, id)),
            Side::Parents(it) => it
                .next()
                .map(|(&parent, &id)| LineageEdge::new(self.graph, parent, self.node, id)),
        }
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        match &self.side {
            Side::Children(it) => it.size_hint(),
            Side::Parents(it) => it.size_hint(),
        }
    }
}

impl ExactSizeIterator for Edges<'_> {}

fn child_edges(g: &LineageGraph, v: u32) -> Edges<'_> {
    Edges {
        graph: g,
        node: v,
        side: Side::Children(g.children_of(v).iter().zip(g.child_edge_ids(v))),
    }
}

impl<'a> IntoEdges for &'a LineageGraph {
    type Edges = Edges<'a>;
    /// The edges from `a` to its children.
    fn edges(self, a: u32) -> Edges<'a> {
        child_edges(self, a)
    }
}

impl<'a> IntoEdgesDirected for &'a LineageGraph {
    type EdgesDirected = Edges<'a>;
    /// The edges from `a` to its children (`Outgoing`) or from its parents to `a`
    /// (`Incoming`).
    fn edges_directed(self, a: u32, dir: Direction) -> Edges<'a> {
        match dir {
            Direction::Outgoing => child_edges(self, a),
            Direction::Incoming => Edges {
                graph: self,
                node: a,
                side: Side::Parents(self.parents_of(a).iter().zip(self.parent_edge_ids(a))),
            },
        }
    }
}

/// Every edge of the graph, by parent in id order.
#[derive(Debug, Clone)]
pub struct AllEdges<'a> {
    graph: &'a LineageGraph,
    next_parent: u32,
    current: Edges<'a>,
    left: usize,
}

impl<'a> Iterator for AllEdges<'a> {
    type Item = LineageEdge<'a>;
    fn next(&mut self) -> Option<LineageEdge<'a>> {
        loop {
            if let Some(e) = self.current.next() {
                self.left -= 1;
                return Some(e);
            }
            if self.left == 0 || self.next_parent as usize >= self.graph.model_count() {
                return None;
            }
            self.current = child_edges(self.graph, self.next_parent);
            self.next_parent += 1;
        }
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left, Some(self.left))
    }
}

impl ExactSizeIterator for AllEdges<'_> {}

impl<'a> IntoEdgeReferences for &'a LineageGraph {
    type EdgeRef = LineageEdge<'a>;
    type EdgeReferences = AllEdges<'a>;
    fn edge_references(self) -> AllEdges<'a> {
        AllEdges {
            graph: self,
            next_parent: 0,
            current: Edges {
                graph: self,
                node: 0,
                side: Side::Parents([].iter().zip([].iter())),
            },
            left: LineageGraph::edge_count(self),
        }
    }
}

/// The graph without the edges that close a cycle, as petgraph sees it: acyclic, so
/// `toposort` succeeds and `Topo` visits every model.
pub type Acyclic<'a> = EdgeFiltered<&'a LineageGraph, fn(LineageEdge<'a>) -> bool>;

/// `g` without the edges that close a cycle ([`LineageGraph::dag_children`] as a petgraph
/// graph).
///
/// ```
/// # use lineage::ingest::Input;
/// let csv = b"Unnamed: 0,name,author,created_at,last_modified,downloads,library_name,tags,language,datasets,base_model\n\
/// 0,o/a,o,2024-01-01,,,,[],,,o/b\n\
/// 1,o/b,o,2024-02-01,,,,[],,,o/a\n";
/// let (g, _) = lineage::build(&[Input::embedded("d.csv", csv).unwrap()], Default::default(), None).unwrap();
/// assert!(petgraph::algo::toposort(&g, None).is_err());
/// let order = petgraph::algo::toposort(&lineage::graph::visit::acyclic(&g), None).unwrap();
/// assert_eq!(order.len(), 2);
/// ```
pub fn acyclic(g: &LineageGraph) -> Acyclic<'_> {
    EdgeFiltered(g, |e| !e.closes_cycle())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::algo::testgraph::{graph, m};
    use petgraph::visit::{Reversed, Walker};

    #[test]
    fn edges_in_both_directions_carry_the_same_id_and_kind() {
        let g = graph(vec![
            m("o/base"),
            m("o/tuned").of(&["o/base"]).kind(EdgeKind::Adapter),
            m("o/merge").of(&["o/base", "o/tuned"]),
        ]);
        let all: Vec<(u32, u32, u32, EdgeKind)> = g
            .edge_references()
            .map(|e| (e.source(), e.target(), e.id(), e.kind()))
            .collect();
        assert_eq!(all.len(), 3);
        assert_eq!(g.edge_references().len(), 3);
        let mut ids: Vec<u32> = all.iter().map(|e| e.2).collect();
        ids.sort_unstable();
        assert_eq!(ids, [0, 1, 2]);
        for &(s, t, id, kind) in &all {
            assert_eq!(g.edge_kinds[id as usize], kind);
            let incoming: Vec<_> = g
                .edges_directed(t, Direction::Incoming)
                .map(|e| (e.source(), e.target(), e.id(), e.kind()))
                .collect();
            assert!(incoming.contains(&(s, t, id, kind)), "{incoming:?}");
        }
        let merge = g.lookup("o/merge").unwrap();
        assert_eq!(g.edges_directed(merge, Direction::Incoming).len(), 2);
        let tuned = g.lookup("o/tuned").unwrap();
        let base = g.lookup("o/base").unwrap();
        let e = g.edges_directed(tuned, Direction::Incoming).next().unwrap();
        assert_eq!((e.source(), e.kind()), (base, EdgeKind::Adapter));
    }

    #[test]
    fn reversed_walks_reach_the_ancestors() {
        let g = graph(vec![
            m("o/a"),
            m("o/b").of(&["o/a"]),
            m("o/c"),
            m("o/d").of(&["o/b", "o/c"]),
        ]);
        let d = g.lookup("o/d").unwrap();
        let mut up: Vec<&str> = petgraph::visit::Bfs::new(Reversed(&g), d)
            .iter(Reversed(&g))
            .map(|v| g.name(v))
            .collect();
        up.sort_unstable();
        assert_eq!(up, ["o/a", "o/b", "o/c", "o/d"]);
    }

    #[test]
    fn the_acyclic_view_drops_exactly_the_cycle_edges() {
        let g = graph(vec![
            m("o/a").of(&["o/c"]),
            m("o/b").of(&["o/a"]),
            m("o/c").of(&["o/b"]),
            m("o/d").of(&["o/c"]),
        ]);
        assert_eq!(g.cycle_edges(), 1);
        let kept = acyclic(&g).edge_references().count();
        assert_eq!(kept, g.edge_count() - 1);
        assert!(petgraph::algo::toposort(&g, None).is_err());
        let order = petgraph::algo::toposort(&acyclic(&g), None).unwrap();
        assert_eq!(order.len(), 4);
    }
}
