//! The analyses of the methodology (section 3) as pure functions over the frozen graph:
//! derivative counts, improvement over a base, merge-chain depth, author collaboration.
//! Nothing here prints, reads files or exits; passes whose work is per model run on rayon.
//!
//! Two rules hold throughout:
//! - Flagged models stay in the graph, so lineage runs through them, but they are left out
//!   of every count and score unless an option asks for them.
//! - Analyses that need an acyclic graph (depths, topological passes) skip the edges that
//!   close a cycle ([`LineageGraph::dag_children`]) and report how many they skipped;
//!   reachability (descendants, families) follows every edge, since it is well defined on
//!   any graph.

pub mod authors;
pub mod depth;
pub mod derivatives;
pub mod improvements;
pub mod resolve;
#[cfg(test)]
pub(crate) mod testgraph;
pub mod topo;

use crate::graph::LineageGraph;
use crate::model::{EdgeKind, Flags};

/// A set of edge kinds, for analyses that follow only some kinds of lineage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KindSet(u8);

impl KindSet {
    /// Every kind.
    pub const ALL: KindSet = KindSet(0b1_1111);
    /// No kind.
    pub const EMPTY: KindSet = KindSet(0);

    /// The set of `kinds`.
    pub fn of(kinds: &[EdgeKind]) -> KindSet {
        let mut set = KindSet::EMPTY;
        for &k in kinds {
            set.insert(k);
        }
        set
    }

    /// Adds `kind`.
    pub fn insert(&mut self, kind: EdgeKind) {
        self.0 |= 1 << kind as u8;
    }

    /// Whether `kind` is in the set.
    #[inline]
    pub fn contains(self, kind: EdgeKind) -> bool {
        self.0 & (1 << kind as u8) != 0
    }

    /// Whether every kind is in the set.
    pub fn is_all(self) -> bool {
        self == KindSet::ALL
    }

    /// Whether no kind is in the set.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The kinds in the set, in [`EdgeKind::ALL`] order.
    pub fn iter(self) -> impl Iterator<Item = EdgeKind> {
        EdgeKind::ALL.into_iter().filter(move |&k| self.contains(k))
    }
}

impl Default for KindSet {
    fn default() -> Self {
        KindSet::ALL
    }
}

/// Whether model `v` counts in counts and scores: flagged models do not, unless asked for.
#[inline]
pub fn counted(g: &LineageGraph, v: u32, include_flagged: bool) -> bool {
    include_flagged || !g.models.flags(v).has(crate::model::Flags::FLAGGED)
}

/// How model `v` was made from its parents: `merge` if any of its parent edges is a merge,
/// otherwise the kind of its first parent edge; `None` for a model without parents.
///
/// Graphs from [`crate::build`] give every parent edge of a model the same kind (a model
/// with two or more parents is a merge), so this is simply the kind of its parent edges.
pub fn made_by(g: &LineageGraph, v: u32) -> Option<EdgeKind> {
    let mut first = None;
    for (_, kind) in g.parent_edges_of(v) {
        if kind == EdgeKind::Merge {
            return Some(EdgeKind::Merge);
        }
        first = first.or(Some(kind));
    }
    first
}

/// Whether model `v` is a merge: it has a merge parent edge, or its source marks it as one.
pub fn is_merge(g: &LineageGraph, v: u32) -> bool {
    g.models.flags(v).has(Flags::MERGED) || g.parent_edges_of(v).any(|(_, k)| k == EdgeKind::Merge)
}

/// A visited mark per model for many traversals on one thread: each traversal takes a new
/// epoch, so starting one costs nothing however large the graph.
pub(crate) struct Visited {
    stamps: Vec<u32>,
    epoch: u32,
}

impl Visited {
    pub(crate) fn new(models: usize) -> Visited {
        Visited {
            stamps: vec![0; models],
            epoch: 0,
        }
    }

    /// Forgets every mark.
    pub(crate) fn clear(&mut self) {
        self.epoch = self.epoch.wrapping_add(1);
        if self.epoch == 0 {
            self.stamps.fill(0);
            self.epoch = 1;
        }
    }

    /// Marks `v`; true if it was not marked yet.
    #[inline]
    pub(crate) fn insert(&mut self, v: u32) -> bool {
        let slot = &mut self.stamps[v as usize];
        if *slot == self.epoch {
            false
        } else {
            *slot = self.epoch;
            true
        }
    }
}

/// Chunk length for parallel work over `items` roots that each need scratch space: enough
/// chunks to balance the load, few enough that allocating the scratch is negligible.
pub(crate) fn chunk_len(items: usize) -> usize {
    let threads = rayon::current_num_threads().max(1);
    (items / (threads * 16)).max(64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kind_sets_hold_what_was_put_in() {
        let s = KindSet::of(&[EdgeKind::Merge, EdgeKind::Adapter]);
        assert!(s.contains(EdgeKind::Merge) && s.contains(EdgeKind::Adapter));
        assert!(!s.contains(EdgeKind::Finetune));
        assert_eq!(
            s.iter().collect::<Vec<_>>(),
            vec![EdgeKind::Adapter, EdgeKind::Merge]
        );
        assert!(KindSet::of(&EdgeKind::ALL).is_all());
        assert!(KindSet::EMPTY.is_empty());
    }

    #[test]
    fn visited_marks_reset_per_epoch() {
        let mut v = Visited::new(3);
        v.clear();
        assert!(v.insert(1));
        assert!(!v.insert(1));
        v.clear();
        assert!(v.insert(1));
        v.epoch = u32::MAX;
        v.clear();
        assert!(v.insert(1) && v.insert(2));
    }
}
