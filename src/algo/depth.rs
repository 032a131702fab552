//! Merge-chain depth and generation depth (methodology section 3): how many merges of
//! merges stand behind a model, and how many generations of any kind. One pass in
//! topological order; the edges that close a cycle are skipped and counted.

use super::counted;
use super::topo::topological_order;
use crate::graph::LineageGraph;
use crate::model::EdgeKind;

/// Depths of every model, indexed by model id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Depths {
    /// Edges on the longest path ending at the model that uses merge edges only
    /// (0 for a model that is not a merge; 1 for a merge of models that are not merges).
    pub merge_depth: Vec<u32>,
    /// Edges on the longest lineage path of any kind ending at the model (0 for a root).
    pub generation: Vec<u32>,
    /// Edges that close a cycle, left out of both.
    pub skipped_cycle_edges: usize,
}

/// Merge depth and generation of every model.
///
/// O(n + m) time and memory: both are longest paths in the acyclic graph, taken in one pass
/// parents first. The pass is sequential; it costs about as much as reading the adjacency once.
///
/// ```
/// use lineage::ingest::Input;
/// let csv = b"Unnamed: 0,name,author,created_at,last_modified,downloads,library_name,tags,language,datasets,base_model\n\
/// 0,o/a,o,2024-01-01,,,,[],,,\n\
/// 1,o/b,o,2024-01-01,,,,[],,,o/a\n\
/// 2,o/c,o,2024-01-01,,,,[],,,\n\
/// 3,m/ab,m,2024-02-01,,,,[],,,\"['o/b', 'o/c']\"\n\
/// 4,m/abc,m,2024-03-01,,,,[],,,\"['m/ab', 'o/c']\"\n";
/// let (g, _) = lineage::build(&[Input::embedded("d.csv", csv).unwrap()], Default::default(), None).unwrap();
/// let d = lineage::algo::depth::depths(&g);
/// let top = g.lookup("m/abc").unwrap();
/// assert_eq!(d.merge_depth[top as usize], 2); // c -> ab -> abc
/// assert_eq!(d.generation[top as usize], 3); // a -> b -> ab -> abc
/// let chain: Vec<&str> = d.merge_chain(&g, top).iter().map(|&v| g.name(v)).collect();
/// assert_eq!(chain, ["o/b", "m/ab", "m/abc"]);
/// ```
pub fn depths(g: &LineageGraph) -> Depths {
    let n = g.model_count();
    let mut merge_depth = vec![0u32; n];
    let mut generation = vec![0u32; n];
    // Models an unmarked cycle kept out of the order come last; they see whatever their
    // parents have by then, which keeps the pass finite on any graph.
    for &v in &topological_order(g).order {
        let (mut m, mut gen) = (0, 0);
        for (p, kind) in g.dag_parents(v) {
            gen = gen.max(generation[p as usize].saturating_add(1));
            if kind == EdgeKind::Merge {
                m = m.max(merge_depth[p as usize].saturating_add(1));
            }
        }
        merge_depth[v as usize] = m;
        generation[v as usize] = gen;
    }
    Depths {
        merge_depth,
        generation,
        skipped_cycle_edges: g.cycle_edges(),
    }
}

impl Depths {
    /// The longest merge chain ending at `v`, its start first: `merge_depth[v] + 1` models,
    /// each a merge of the one before. Where several chains are as long, the parent with the
    /// deepest generation (then the lowest id) is taken.
    pub fn merge_chain(&self, g: &LineageGraph, v: u32) -> Vec<u32> {
        self.chain(g, v, &self.merge_depth, true)
    }

    /// The longest lineage path of any kind ending at `v`, its root first.
    pub fn generation_chain(&self, g: &LineageGraph, v: u32) -> Vec<u32> {
        self.chain(g, v, &self.generation, false)
    }

    fn chain(&self, g: &LineageGraph, v: u32, depth: &[u32], merges_only: bool) -> Vec<u32> {
        let mut chain = vec![v];
        let mut at = v;
        while depth[at as usize] > 0 {
            let want = depth[at as usize] - 1;
            let next = g
                .dag_parents(at)
                .filter(|&(p, k)| {
                    (!merges_only || k == EdgeKind::Merge) && depth[p as usize] == want
                })
                .map(|(p, _)| p)
                .max_by_key(|&p| (self.generation[p as usize], std::cmp::Reverse(p)));
            match next {
                Some(p) => {
                    chain.push(p);
                    at = p;
                }
                // Only on a graph whose cycle marks are wrong.
                None => break,
            }
        }
        chain.reverse();
        chain
    }

    /// How many models have each merge depth, as `(depth, models)` for every depth from 0 to
    /// the deepest. Flagged models are left out unless `include_flagged`.
    pub fn merge_distribution(&self, g: &LineageGraph, include_flagged: bool) -> Vec<(u32, u32)> {
        distribution(g, &self.merge_depth, include_flagged)
    }

    /// How many models have each generation depth, as `(depth, models)`.
    pub fn generation_distribution(
        &self,
        g: &LineageGraph,
        include_flagged: bool,
    ) -> Vec<(u32, u32)> {
        distribution(g, &self.generation, include_flagged)
    }

    /// The `top` models with the deepest merge chains (then the deepest generation, then by
    /// id), flagged models left out unless `include_flagged`.
    pub fn deepest(&self, g: &LineageGraph, top: usize, include_flagged: bool) -> Vec<u32> {
        let mut ranked: Vec<u32> = (0..g.model_count() as u32)
            .filter(|&v| counted(g, v, include_flagged))
            .collect();
        let key = |v: u32| {
            (
                std::cmp::Reverse(self.merge_depth[v as usize]),
                std::cmp::Reverse(self.generation[v as usize]),
                v,
            )
        };
        if top < ranked.len() {
            ranked.select_nth_unstable_by_key(top, |&v| key(v));
            ranked.truncate(top);
        }
        ranked.sort_unstable_by_key(|&v| key(v));
        ranked
    }
}

fn distribution(g: &LineageGraph, depth: &[u32], include_flagged: bool) -> Vec<(u32, u32)> {
    let mut counts: Vec<u32> = Vec::new();
    for (v, &d) in depth.iter().enumerate() {
        if !counted(g, v as u32, include_flagged) {
            continue;
        }
        if counts.len() <= d as usize {
            counts.resize(d as usize + 1, 0);
        }
        counts[d as usize] += 1;
    }
    counts
        .into_iter()
        .enumerate()
        .map(|(d, c)| (d as u32, c))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::algo::testgraph::{graph, id, m};

    #[test]
    fn merge_chains_skip_other_kinds_and_cycles() {
        let g = graph(vec![
            m("o/a"),
            m("o/b"),
            m("x/ab").of(&["o/a", "o/b"]),
            m("x/tuned").of(&["x/ab"]),
            m("x/again").of(&["x/tuned", "o/b"]),
            m("x/marked").of(&["x/again"]).merged(),
            m("c/p").of(&["c/q"]),
            m("c/q").of(&["c/p"]),
            m("c/m").of(&["c/q", "o/a"]).flagged(),
        ]);
        let d = depths(&g);
        let at = |name: &str| {
            let v = id(&g, name) as usize;
            (d.merge_depth[v], d.generation[v])
        };
        assert_eq!(at("x/ab"), (1, 1));
        // A fine-tune of a merge is not a merge: the merge chain starts again.
        assert_eq!(at("x/tuned"), (0, 2));
        assert_eq!(at("x/again"), (1, 3));
        // A single parent, but marked as a merge: a merge edge.
        assert_eq!(at("x/marked"), (2, 4));
        assert_eq!(d.skipped_cycle_edges, 1);
        assert_eq!(at("c/m").0, 1);
        let chain: Vec<&str> = d
            .merge_chain(&g, id(&g, "x/marked"))
            .iter()
            .map(|&v| g.name(v))
            .collect();
        assert_eq!(chain, ["x/tuned", "x/again", "x/marked"]);
        let lineage: Vec<&str> = d
            .generation_chain(&g, id(&g, "x/marked"))
            .iter()
            .map(|&v| g.name(v))
            .collect();
        assert_eq!(lineage.len(), 5);
        assert_eq!(lineage[1..], ["x/ab", "x/tuned", "x/again", "x/marked"]);
        // The flagged merge is left out of the distribution, counted when asked.
        let dist = d.merge_distribution(&g, false);
        assert_eq!(dist, vec![(0, 5), (1, 2), (2, 1)]);
        assert_eq!(d.merge_distribution(&g, true)[1], (1, 3));
        assert_eq!(d.deepest(&g, 1, false), vec![id(&g, "x/marked")]);
    }
}
