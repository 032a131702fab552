//! Derivative counts (methodology section 3, paper figure 6): for every model its direct
//! children and its distinct transitive descendants, split by how each descendant was
//! made. The top models by descendants answer "which base models does the community build on?".

use rayon::prelude::*;

use super::topo::topological_order;
use super::{chunk_len, counted, made_by, KindSet, Visited};
use crate::graph::LineageGraph;
use crate::model::EdgeKind;

/// The derivatives of one model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Derivatives {
    /// Distinct children.
    pub direct: u32,
    /// Distinct models reachable through one or more lineage edges, the model itself excluded.
    pub descendants: u32,
    /// The descendants split by how each was made ([`super::made_by`]: the kind of its own
    /// parent edges), indexed like [`EdgeKind::ALL`]. So for a base model `by_kind[merge]` is
    /// how many merges sit anywhere below it, and the five counts add up to `descendants`.
    pub by_kind: [u32; 5],
}

impl Derivatives {
    pub fn of_kind(&self, kind: EdgeKind) -> u32 {
        self.by_kind[kind as usize]
    }
}

/// What [`derivatives_with`] follows and counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DerivativeOptions {
    /// Follow only edges of these kinds (all by default): with `finetune` and `adapter` only,
    /// a quantization of a fine-tune is not a descendant, nor is anything below it.
    pub kinds: KindSet,
    /// Count flagged models too.
    pub include_flagged: bool,
}

/// Derivatives of every model, indexed by model id, following every edge and leaving
/// flagged models out of the counts (they still pass their descendants on).
///
/// ```
/// use lineage::ingest::Input;
/// let csv = b"Unnamed: 0,name,author,created_at,last_modified,downloads,library_name,tags,language,datasets,base_model\n\
/// 0,o/base,o,2024-01-01,,,,[],,,\n\
/// 1,a/tune,a,2024-02-01,,,,[],,,o/base\n\
/// 2,b/other,b,2024-02-01,,,,[],,,\n\
/// 3,c/merge,c,2024-03-01,,,,[],,,\"['a/tune', 'b/other']\"\n";
/// let (g, _) = lineage::build(&[Input::embedded("d.csv", csv).unwrap()], Default::default(), None).unwrap();
/// let d = lineage::algo::derivatives::derivatives(&g);
/// let base = &d[g.lookup("o/base").unwrap() as usize];
/// assert_eq!((base.direct, base.descendants), (1, 2));
/// assert_eq!(base.by_kind, [0, 0, 0, 1, 1]); // one merge, one of unspecified kind
/// ```
pub fn derivatives(g: &LineageGraph) -> Vec<Derivatives> {
    derivatives_with(g, &DerivativeOptions::default())
}

/// Number of distinct descendants of every model (flagged ones not counted).
pub fn descendant_counts(g: &LineageGraph) -> Vec<u32> {
    derivatives(g).into_iter().map(|d| d.descendants).collect()
}

/// Derivatives of every model, following the edges of `options.kinds`.
///
/// Exact distinct counts without a traversal per model: a model is *simple* when everything
/// below it is a tree (each model below it has one parent edge that is followed, and no edge
/// below it closes a cycle); its counts are the sums of its children's, computed children
/// first in one topological pass. Only the other models (those above a merge or a cycle)
/// need a traversal, and it stops at every simple model it meets, adding that model's
/// counts. These traversals run in parallel, each thread with one visited-mark array.
///
/// Time O(n + m) plus, for each non-simple model, the non-simple part below it; memory
/// O(n) per thread. On Hub-like graphs merges are a minority and the traversals small.
pub fn derivatives_with(g: &LineageGraph, options: &DerivativeOptions) -> Vec<Derivatives> {
    let n = g.model_count();
    let kinds = options.kinds;
    let weight = |v: u32| counted(g, v, options.include_flagged) as u32;
    let made: Vec<u8> = (0..n as u32)
        .into_par_iter()
        .map(|v| made_by(g, v).map_or(EdgeKind::Unspecified as u8, |k| k as u8))
        .collect();
    // Followed in-edges per model, over every edge (cycle-closing ones included).
    let mut in_followed = vec![0u32; n];
    for (e, &c) in g.children.targets().iter().enumerate() {
        if kinds.contains(g.edge_kinds[e]) {
            in_followed[c as usize] = in_followed[c as usize].saturating_add(1);
        }
    }

    // Children first: simple models get their counts from their children's.
    let topo = topological_order(g);
    let mut simple = vec![false; n];
    let mut out = vec![Derivatives::default(); n];
    for &v in topo.order[..topo.ordered].iter().rev() {
        let mut d = Derivatives::default();
        let mut is_simple = true;
        for e in g.children.range(v) {
            if !kinds.contains(g.edge_kinds[e]) {
                continue;
            }
            let c = g.children.targets()[e];
            let w = weight(c);
            d.direct += w;
            if g.edge_closes_cycle[e] || in_followed[c as usize] != 1 || !simple[c as usize] {
                is_simple = false;
            } else {
                let dc = &out[c as usize];
                d.descendants += w + dc.descendants;
                d.by_kind[made[c as usize] as usize] += w;
                for (sum, x) in d.by_kind.iter_mut().zip(dc.by_kind) {
                    *sum += x;
                }
            }
        }
        simple[v as usize] = is_simple;
        if is_simple {
            out[v as usize] = d;
        } else {
            out[v as usize].direct = d.direct;
        }
    }
    for &v in &topo.order[topo.ordered..] {
        out[v as usize].direct = g
            .child_edges(v)
            .filter(|&(c, k)| kinds.contains(k) && weight(c) == 1)
            .count() as u32;
    }

    // The rest: one traversal each, stopping at simple models.
    let roots: Vec<u32> = (0..n as u32).filter(|&v| !simple[v as usize]).collect();
    let found: Vec<(u32, u32, [u32; 5])> = roots
        .par_chunks(chunk_len(roots.len()))
        .flat_map_iter(|chunk| {
            let mut visited = Visited::new(n);
            let mut stack = Vec::new();
            let (out, simple, made) = (&out, &simple, &made);
            chunk
                .iter()
                .map(move |&root| {
                    visited.clear();
                    visited.insert(root);
                    stack.clear();
                    stack.push(root);
                    let mut descendants = 0u32;
                    let mut by_kind = [0u32; 5];
                    while let Some(u) = stack.pop() {
                        for (c, kind) in g.child_edges(u) {
                            if !kinds.contains(kind) || !visited.insert(c) {
                                continue;
                            }
                            let w = weight(c);
                            descendants += w;
                            by_kind[made[c as usize] as usize] += w;
                            if simple[c as usize] {
                                let dc = &out[c as usize];
                                descendants += dc.descendants;
                                for (sum, x) in by_kind.iter_mut().zip(dc.by_kind) {
                                    *sum += x;
                                }
                            } else {
                                stack.push(c);
                            }
                        }
                    }
                    (root, descendants, by_kind)
                })
                .collect::<Vec<_>>()
        })
        .collect();
    for (root, descendants, by_kind) in found {
        let d = &mut out[root as usize];
        d.descendants = descendants;
        d.by_kind = by_kind;
    }
    out
}

/// The distinct descendants of `v` through edges of `kinds`, flagged ones left out unless
/// `include_flagged`; in traversal order. O(size of the part of the graph below `v`).
pub fn descendants_of(g: &LineageGraph, v: u32, kinds: KindSet, include_flagged: bool) -> Vec<u32> {
    let mut visited = Visited::new(g.model_count());
    visited.clear();
    visited.insert(v);
    let mut stack = vec![v];
    let mut found = Vec::new();
    while let Some(u) = stack.pop() {
        for (c, kind) in g.child_edges(u) {
            if kinds.contains(kind) && visited.insert(c) {
                if counted(g, c, include_flagged) {
                    found.push(c);
                }
                stack.push(c);
            }
        }
    }
    found
}

/// Models ranked by descendants, then direct children, then id (flagged models left out
/// unless `include_flagged`). Models without descendants are not ranked.
pub fn ranking(g: &LineageGraph, counts: &[Derivatives], include_flagged: bool) -> Vec<u32> {
    let mut ranked: Vec<u32> = (0..counts.len() as u32)
        .filter(|&v| counts[v as usize].descendants > 0 && counted(g, v, include_flagged))
        .collect();
    ranked.par_sort_unstable_by(|&a, &b| {
        let (da, db) = (&counts[a as usize], &counts[b as usize]);
        db.descendants
            .cmp(&da.descendants)
            .then(db.direct.cmp(&da.direct))
            .then_with(|| g.name(a).cmp(g.name(b)))
    });
    ranked
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::algo::testgraph::{graph, id, m};

    /// base -> ft1 -> {ft2 (finetune), quant (quantized)}; ft2 + other -> merge;
    /// base -> flag (flagged) -> child.
    fn family() -> LineageGraph {
        graph(vec![
            m("b/base"),
            m("t/ft1").of(&["b/base"]),
            m("t/ft2").of(&["t/ft1"]).kind(EdgeKind::Finetune),
            m("q/quant").of(&["t/ft1"]).kind(EdgeKind::Quantized),
            m("x/other"),
            m("m/merge").of(&["t/ft2", "x/other"]),
            m("f/flag").of(&["b/base"]).flagged(),
            m("c/child").of(&["f/flag"]),
        ])
    }

    #[test]
    fn counts_split_by_how_each_descendant_was_made() {
        let g = family();
        let d = derivatives(&g);
        let base = d[id(&g, "b/base") as usize];
        // ft1, ft2, quant, merge and child; flag is passed through but not counted.
        assert_eq!((base.direct, base.descendants), (1, 5));
        assert_eq!(base.by_kind, [1, 0, 1, 1, 2]);
        assert_eq!(base.by_kind.iter().sum::<u32>(), base.descendants);
        let ft1 = d[id(&g, "t/ft1") as usize];
        assert_eq!((ft1.direct, ft1.descendants), (2, 3));
        assert_eq!(d[id(&g, "x/other") as usize].descendants, 1);
        assert_eq!(d[id(&g, "m/merge") as usize], Derivatives::default());
        assert_eq!(descendant_counts(&g)[id(&g, "b/base") as usize], 5);
    }

    #[test]
    fn flagged_models_count_when_asked() {
        let g = family();
        let opts = DerivativeOptions {
            include_flagged: true,
            ..Default::default()
        };
        let base = derivatives_with(&g, &opts)[id(&g, "b/base") as usize];
        assert_eq!((base.direct, base.descendants), (2, 6));
        assert_eq!(base.of_kind(EdgeKind::Unspecified), 3);
    }

    #[test]
    fn kinds_limit_what_is_followed() {
        let g = family();
        let opts = DerivativeOptions {
            kinds: KindSet::of(&[EdgeKind::Finetune, EdgeKind::Unspecified]),
            include_flagged: false,
        };
        let base = derivatives_with(&g, &opts)[id(&g, "b/base") as usize];
        // ft1, ft2 and child; not the quantization, not the merge.
        assert_eq!(base.descendants, 3);
        assert_eq!(base.by_kind, [1, 0, 0, 0, 2]);
    }

    #[test]
    fn diamonds_count_once_and_cycles_terminate() {
        let g = graph(vec![
            m("d/top"),
            m("d/l").of(&["d/top"]),
            m("d/r").of(&["d/top"]),
            m("d/bottom").of(&["d/l", "d/r"]),
            m("c/a").of(&["c/b"]),
            m("c/b").of(&["c/a"]),
            m("c/below").of(&["c/b"]),
        ]);
        let d = derivatives(&g);
        assert_eq!(d[id(&g, "d/top") as usize].descendants, 3);
        assert_eq!(d[id(&g, "d/l") as usize].descendants, 1);
        // Each cycle member reaches the other and what hangs below; never itself.
        assert_eq!(d[id(&g, "c/a") as usize].descendants, 2);
        assert_eq!(d[id(&g, "c/b") as usize].descendants, 2);
        let top = id(&g, "d/top");
        let ranked = ranking(&g, &d, false);
        assert_eq!(ranked[0], top);
        assert_eq!(descendants_of(&g, top, KindSet::ALL, false).len(), 3);
    }
}
