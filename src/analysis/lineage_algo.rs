//! Derivative counts and improvement families, with the same API as `crate::algo`
//! (`algo::derivatives::derivatives`, `algo::improvements::{improvements, all_improvements}`),
//! for the lineage figures until that module is part of the crate. Switching is the
//! `use lineage_algo as algo` line in `analysis/mod.rs`; then this file goes.

use crate::graph::LineageGraph;
use crate::model::{EdgeKind, Flags};

fn counted(g: &LineageGraph, v: u32, include_flagged: bool) -> bool {
    include_flagged || !g.models[v as usize].is_flagged()
}

fn made_by(g: &LineageGraph, v: u32) -> Option<EdgeKind> {
    let mut first = None;
    for (_, kind) in g.parent_edges_of(v) {
        if kind == EdgeKind::Merge {
            return Some(EdgeKind::Merge);
        }
        first = first.or(Some(kind));
    }
    first
}

fn is_merge(g: &LineageGraph, v: u32) -> bool {
    g.models[v as usize].flags.has(Flags::MERGED)
        || g.parent_edges_of(v).any(|(_, k)| k == EdgeKind::Merge)
}

/// Distinct models below `v` through acyclic edges, `v` excluded, in visiting order.
/// With `skip`, a model for which it is true is neither returned nor passed through.
fn below(g: &LineageGraph, v: u32, skip: &dyn Fn(u32) -> bool, seen: &mut [bool]) -> Vec<u32> {
    let mut out = Vec::new();
    let mut stack = vec![v];
    seen[v as usize] = true;
    while let Some(x) = stack.pop() {
        for (c, _) in g.dag_children(x) {
            if !seen[c as usize] && !skip(c) {
                seen[c as usize] = true;
                out.push(c);
                stack.push(c);
            }
        }
    }
    seen[v as usize] = false;
    for &c in &out {
        seen[c as usize] = false;
    }
    out
}

pub mod derivatives {
    use super::*;

    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    pub struct Derivatives {
        pub direct: u32,
        pub descendants: u32,
        /// Descendants by how each was made, indexed like [`EdgeKind::ALL`].
        pub by_kind: [u32; 5],
    }

    /// Derivatives of every model; flagged models are not counted but pass their
    /// descendants on. O(sum of descendants).
    pub fn derivatives(g: &LineageGraph) -> Vec<Derivatives> {
        let n = g.model_count();
        let mut seen = vec![false; n];
        (0..n as u32)
            .map(|v| {
                let mut d = Derivatives::default();
                let mut kids: Vec<u32> = g.children_of(v).to_vec();
                kids.sort_unstable();
                kids.dedup();
                d.direct = kids.iter().filter(|&&c| counted(g, c, false)).count() as u32;
                if kids.is_empty() {
                    return d;
                }
                for c in below(g, v, &|_| false, &mut seen) {
                    if counted(g, c, false) {
                        d.descendants += 1;
                        if let Some(k) = made_by(g, c) {
                            d.by_kind[k as usize] += 1;
                        }
                    }
                }
                d
            })
            .collect()
    }
}

pub mod improvements {
    use super::*;
    use crate::model::Day;

    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    pub enum Normalize {
        #[default]
        Log,
        Count,
        None,
    }

    impl Normalize {
        pub fn divisor(self, scored: usize) -> Option<f64> {
            match self {
                Normalize::Log if scored >= 2 => Some((scored as f64).ln()),
                Normalize::Count if scored >= 1 => Some(scored as f64),
                Normalize::None => Some(1.0),
                _ => None,
            }
        }
    }

    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    pub struct ImprovementOptions {
        pub include_merges: bool,
        pub include_flagged: bool,
        pub normalize: Normalize,
    }

    #[derive(Debug, Clone, PartialEq)]
    pub struct Member {
        pub model: u32,
        pub created: Option<Day>,
        pub days_since_release: Option<i32>,
        pub average: f32,
        pub improvement_pct: Option<f64>,
        pub normalized: Option<f64>,
        pub on_frontier: bool,
    }

    #[derive(Debug, Clone, PartialEq)]
    pub struct FrontierStep {
        pub model: u32,
        pub created: Day,
        pub days_since_release: Option<i32>,
        pub average: f32,
        pub improvement_pct: Option<f64>,
        pub normalized: Option<f64>,
    }

    #[derive(Debug, Clone, PartialEq)]
    pub struct Improvement {
        pub base: u32,
        pub reference_model: Option<u32>,
        pub reference_average: Option<f32>,
        pub family_size: u32,
        pub scored_members: u32,
        pub total_improvement_pct: Option<f64>,
        pub frontier: Vec<FrontierStep>,
        pub members: Vec<Member>,
    }

    fn family(g: &LineageGraph, base: u32, o: &ImprovementOptions, seen: &mut [bool]) -> Vec<u32> {
        let skip = |v: u32| !o.include_merges && is_merge(g, v);
        below(g, base, &skip, seen)
            .into_iter()
            .filter(|&v| counted(g, v, o.include_flagged))
            .collect()
    }

    fn score(g: &LineageGraph, base: u32, fam: &[u32], o: &ImprovementOptions) -> Improvement {
        let mut scored: Vec<(u32, Option<Day>, f32)> = fam
            .iter()
            .filter_map(|&v| {
                let m = &g.models[v as usize];
                m.average.map(|a| (v, m.created, a))
            })
            .collect();
        scored.sort_by_key(|a| (a.1.is_none(), a.1, a.0));
        let bm = &g.models[base as usize];
        let (reference_model, reference_average) = match bm.average {
            Some(a) => (Some(base), Some(a)),
            None => match scored.iter().find(|s| s.1.is_some()).or(scored.first()) {
                Some(&(v, _, a)) => (Some(v), Some(a)),
                None => (None, None),
            },
        };
        let release = bm.created.or_else(|| scored.iter().find_map(|s| s.1));
        let divisor = o.normalize.divisor(scored.len());
        let pct = |a: f32| {
            reference_average
                .filter(|r| *r > 0.0)
                .map(|r| (a as f64 - r as f64) / r as f64 * 100.0)
        };
        let mut best: Option<f32> = None;
        let mut frontier = Vec::new();
        let members = scored
            .iter()
            .map(|&(v, created, a)| {
                let improvement_pct = pct(a);
                let normalized = improvement_pct.zip(divisor).map(|(p, d)| p / d);
                let days_since_release = created.zip(release).map(|(c, r)| c.0 - r.0);
                let on_frontier = created.is_some() && best.is_none_or(|b| a > b);
                if let (true, Some(c)) = (on_frontier, created) {
                    best = Some(a);
                    frontier.push(FrontierStep {
                        model: v,
                        created: c,
                        days_since_release,
                        average: a,
                        improvement_pct,
                        normalized,
                    });
                }
                Member {
                    model: v,
                    created,
                    days_since_release,
                    average: a,
                    improvement_pct,
                    normalized,
                    on_frontier,
                }
            })
            .collect::<Vec<_>>();
        let top = scored
            .iter()
            .map(|s| s.2)
            .fold(None, |m: Option<f32>, a| Some(m.map_or(a, |m| m.max(a))));
        Improvement {
            base,
            reference_model,
            reference_average,
            family_size: fam.len() as u32,
            scored_members: scored.len() as u32,
            total_improvement_pct: top.and_then(pct),
            frontier,
            members,
        }
    }

    pub fn improvements(g: &LineageGraph, base: u32, o: &ImprovementOptions) -> Improvement {
        let mut seen = vec![false; g.model_count()];
        let fam = family(g, base, o, &mut seen);
        score(g, base, &fam, o)
    }

    pub fn all_improvements(
        g: &LineageGraph,
        min_family: usize,
        o: &ImprovementOptions,
    ) -> Vec<Improvement> {
        let mut seen = vec![false; g.model_count()];
        let mut out: Vec<Improvement> = (0..g.model_count() as u32)
            .filter(|&v| !g.children_of(v).is_empty() && counted(g, v, o.include_flagged))
            .filter_map(|base| {
                let fam = family(g, base, o, &mut seen);
                let scored = fam
                    .iter()
                    .filter(|&&v| g.models[v as usize].average.is_some())
                    .count();
                (scored >= min_family.max(1)).then(|| score(g, base, &fam, o))
            })
            .collect();
        out.sort_by(|a, b| {
            b.scored_members
                .cmp(&a.scored_members)
                .then(a.base.cmp(&b.base))
        });
        out
    }
}
