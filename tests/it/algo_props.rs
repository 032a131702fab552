//! Property tests for the lineage analyses: on random small graphs (merges, diamonds,
//! cycles, self-loops, stubs, flagged models, bots) each analysis equals a brute-force
//! reference written the obvious way, and the parallel answer equals the single-threaded one.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet};

use lineage::algo::authors::{collaboration_with, BotFilter, Collaboration};
use lineage::algo::depth::{depths, Depths};
use lineage::algo::derivatives::{derivatives_with, DerivativeOptions, Derivatives};
use lineage::algo::improvements::{
    all_improvements, improvements, Improvement, ImprovementOptions, Normalize,
};
use lineage::algo::KindSet;
use lineage::graph::{BuildOptions, GraphBuilder, LineageGraph};
use lineage::ingest::{ModelRecord, ParentRef, Scores, Sink};
use lineage::model::{Board, Day, EdgeKind, Flags, HUB_EPOCH};
use proptest::prelude::*;

/// One random model: parents by index (an index past the models names a stub).
#[derive(Debug, Clone)]
struct Spec {
    parents: Vec<usize>,
    relation: Option<EdgeKind>,
    merged: bool,
    flagged: bool,
    /// Average 40 + k/2: few values, so ties happen.
    average: Option<u8>,
    /// Days after the Hub epoch, times 3 (0 is the epoch itself).
    created: Option<u8>,
    commits: Vec<usize>,
}

const AUTHORS: [&str; 8] = ["ann", "bob", "Bob", "cat", "dan", "xbot", "system", "eve"];

fn spec(targets: usize) -> impl Strategy<Value = Spec> {
    (
        prop::collection::vec(0..targets, 0..=3),
        prop::option::of(prop::sample::select(EdgeKind::ALL.to_vec())),
        prop::bool::weighted(0.15),
        prop::bool::weighted(0.15),
        prop::option::weighted(0.8, 0u8..12),
        prop::option::weighted(0.85, 0u8..8),
        prop::collection::vec(0..AUTHORS.len(), 0..=3),
    )
        .prop_map(
            |(parents, relation, merged, flagged, average, created, commits)| Spec {
                parents,
                relation,
                merged,
                flagged,
                average,
                created,
                commits,
            },
        )
}

fn specs() -> impl Strategy<Value = Vec<Spec>> {
    (2usize..=9).prop_flat_map(|n| prop::collection::vec(spec(n + 2), n))
}

fn name(i: usize, n: usize) -> String {
    if i < n {
        format!("m{i}/model")
    } else {
        format!("s{i}/stub")
    }
}

fn build(specs: &[Spec]) -> LineageGraph {
    let n = specs.len();
    let mut b = GraphBuilder::new(BuildOptions::default());
    b.begin_file("random");
    for (i, s) in specs.iter().enumerate() {
        b.record(ModelRecord {
            id: name(i, n),
            line: i as u64 + 2,
            parents: s
                .parents
                .iter()
                .map(|&p| ParentRef {
                    raw: name(p, n),
                    relation: s.relation,
                    field: "base_model",
                })
                .collect(),
            merged: s.merged.then_some(true),
            flagged: s.flagged.then_some(true),
            scores: s.average.map(|k| Scores {
                board: Board::V1,
                average: 40.0 + f32::from(k) / 2.0,
                benchmarks: Vec::new(),
            }),
            created: s.created.map(|k| Day(HUB_EPOCH.0 + 3 * i32::from(k))),
            contributors: s.commits.iter().map(|&a| AUTHORS[a].to_string()).collect(),
            ..Default::default()
        });
    }
    b.finish().0
}

/// A larger random graph (hundreds to thousands of models) so that parallel passes split
/// their work into many chunks: mostly trees, some merges, a few edges upward (cycles).
fn build_large(seed: u64) -> LineageGraph {
    let mut rng = fastrand::Rng::with_seed(seed);
    let n = rng.usize(200..2000);
    let mut b = GraphBuilder::new(BuildOptions::default());
    b.begin_file("random");
    for i in 0..n {
        let mut parents = Vec::new();
        if i > 0 && rng.f32() < 0.8 {
            let k = if rng.f32() < 0.15 {
                rng.usize(2..=3)
            } else {
                1
            };
            for _ in 0..k {
                // Prefer early models, as the Hub prefers popular bases.
                let x = rng.f32();
                parents.push(((x * x) * i as f32) as usize);
            }
            if rng.f32() < 0.02 {
                parents.push(rng.usize(i..n));
            }
        }
        b.record(ModelRecord {
            id: format!("m{i}/model"),
            parents: parents
                .into_iter()
                .map(|p| ParentRef {
                    raw: format!("m{p}/model"),
                    relation: None,
                    field: "base_model",
                })
                .collect(),
            flagged: (rng.f32() < 0.05).then_some(true),
            scores: (rng.f32() < 0.7).then(|| Scores {
                board: Board::V1,
                average: 40.0 + rng.u8(0..40) as f32 / 2.0,
                benchmarks: Vec::new(),
            }),
            created: Some(Day(HUB_EPOCH.0 + rng.i32(1..300))),
            contributors: (0..rng.usize(0..3))
                .map(|_| format!("author{}", rng.usize(0..n / 3 + 1)))
                .collect(),
            ..Default::default()
        });
    }
    b.finish().0
}

// ---- brute-force references ----

fn counted(g: &LineageGraph, v: u32, include_flagged: bool) -> bool {
    include_flagged || !g.models[v as usize].flags.has(Flags::FLAGGED)
}

/// Every model reachable from `v` through edges of `kinds`, `v` excluded.
fn reach(g: &LineageGraph, v: u32, kinds: KindSet) -> BTreeSet<u32> {
    let mut seen = BTreeSet::from([v]);
    let mut queue = vec![v];
    while let Some(u) = queue.pop() {
        for (c, k) in g.child_edges(u) {
            if kinds.contains(k) && seen.insert(c) {
                queue.push(c);
            }
        }
    }
    seen.remove(&v);
    seen
}

fn made_by(g: &LineageGraph, v: u32) -> EdgeKind {
    let kinds: Vec<EdgeKind> = g.parent_edges_of(v).map(|(_, k)| k).collect();
    if kinds.contains(&EdgeKind::Merge) {
        EdgeKind::Merge
    } else {
        kinds.first().copied().unwrap_or(EdgeKind::Unspecified)
    }
}

fn reference_derivatives(g: &LineageGraph, kinds: KindSet, incl: bool) -> Vec<Derivatives> {
    (0..g.model_count() as u32)
        .map(|v| {
            let children: BTreeSet<u32> = g
                .child_edges(v)
                .filter(|&(c, k)| kinds.contains(k) && counted(g, c, incl))
                .map(|(c, _)| c)
                .collect();
            let mut d = Derivatives {
                direct: children.len() as u32,
                ..Default::default()
            };
            for c in reach(g, v, kinds) {
                if counted(g, c, incl) {
                    d.descendants += 1;
                    d.by_kind[made_by(g, c) as usize] += 1;
                }
            }
            d
        })
        .collect()
}

/// Longest path ending at `v` over the acyclic edges, by trying every path.
fn longest(g: &LineageGraph, v: u32, merges_only: bool) -> u32 {
    g.dag_parents(v)
        .filter(|&(_, k)| !merges_only || k == EdgeKind::Merge)
        .map(|(p, _)| 1 + longest(g, p, merges_only))
        .max()
        .unwrap_or(0)
}

fn is_merge(g: &LineageGraph, v: u32) -> bool {
    g.models[v as usize].flags.has(Flags::MERGED)
        || g.parent_edges_of(v).any(|(_, k)| k == EdgeKind::Merge)
}

/// The family by the methodology's words: descendants of `base`, without merges and
/// without anything a simple path from the base reaches through a merge.
fn reference_family(g: &LineageGraph, base: u32, opts: &ImprovementOptions) -> BTreeSet<u32> {
    fn walk(
        g: &LineageGraph,
        u: u32,
        path: &mut Vec<u32>,
        through_merge: bool,
        reached: &mut BTreeSet<u32>,
        tainted: &mut BTreeSet<u32>,
    ) {
        for &c in g.children_of(u) {
            if path.contains(&c) {
                continue;
            }
            let merge = through_merge || is_merge(g, c);
            reached.insert(c);
            if merge {
                tainted.insert(c);
            }
            path.push(c);
            walk(g, c, path, merge, reached, tainted);
            path.pop();
        }
    }
    let (mut reached, mut tainted) = (BTreeSet::new(), BTreeSet::new());
    walk(g, base, &mut vec![base], false, &mut reached, &mut tainted);
    reached
        .into_iter()
        .filter(|&v| {
            (opts.include_merges || !tainted.contains(&v)) && counted(g, v, opts.include_flagged)
        })
        .collect()
}

fn check_improvement(g: &LineageGraph, base: u32, opts: &ImprovementOptions, imp: &Improvement) {
    let family = reference_family(g, base, opts);
    assert_eq!(imp.family_size as usize, family.len(), "family of {base}");
    let avg = |v: u32| g.models[v as usize].average(Board::V1);
    let created = |v: u32| g.models[v as usize].created;
    let mut scored: Vec<u32> = family
        .iter()
        .copied()
        .filter(|&v| avg(v).is_some())
        .collect();
    scored.sort_by_key(|&v| {
        let c = created(v);
        (c.is_none(), c, Reverse(ordered(avg(v).unwrap_or(0.0))), v)
    });
    assert_eq!(imp.scored_members as usize, scored.len());
    let members: Vec<u32> = imp.members.iter().map(|m| m.model).collect();
    assert_eq!(members, scored);
    assert_eq!(
        imp.undated_members as usize,
        scored.iter().filter(|&&v| created(v).is_none()).count()
    );
    let reference = match avg(base).filter(|_| counted(g, base, opts.include_flagged)) {
        Some(_) => Some(base),
        None => scored.first().copied(),
    };
    assert_eq!(imp.reference_model, reference);
    assert_eq!(imp.reference_is_base, reference == Some(base));
    let earliest = scored.iter().filter_map(|&v| created(v)).min();
    let release = match created(base) {
        Some(d) if d != HUB_EPOCH => Some(d),
        _ => earliest,
    };
    assert_eq!(imp.release, release);
    let Some(reference) = reference else {
        assert!(imp.frontier.is_empty() && imp.total_improvement_pct.is_none());
        return;
    };
    let r = f64::from(avg(reference).unwrap_or(0.0));
    let dated: Vec<u32> = scored
        .iter()
        .copied()
        .filter(|&v| created(v).is_some())
        .collect();
    let frontier: Vec<(u32, Option<i32>)> = dated
        .iter()
        .enumerate()
        .filter(|&(i, &v)| {
            let a = f64::from(avg(v).unwrap_or(0.0));
            a > r
                && dated[..i]
                    .iter()
                    .all(|&w| f64::from(avg(w).unwrap_or(0.0)) < a)
        })
        .map(|(_, &v)| (v, release.and_then(|d| created(v).map(|c| c.0 - d.0))))
        .collect();
    let got: Vec<(u32, Option<i32>)> = imp
        .frontier
        .iter()
        .map(|s| (s.model, s.days_since_release))
        .collect();
    assert_eq!(got, frontier, "frontier of {base}");
    let best = scored
        .iter()
        .map(|&v| f64::from(avg(v).unwrap_or(0.0)))
        .fold(f64::NEG_INFINITY, f64::max);
    if scored.is_empty() || r == 0.0 {
        assert!(imp.total_improvement_pct.is_none());
    } else {
        let total = imp.total_improvement_pct.unwrap_or(f64::NAN);
        assert!((total - (best - r) / r * 100.0).abs() < 1e-9);
    }
    // The best model: the first of the members in their order with the best average.
    let best_model = scored
        .iter()
        .copied()
        .find(|&v| f64::from(avg(v).unwrap_or(0.0)) == best);
    assert_eq!(imp.best_model, best_model, "best model of {base}");
    // Every member's and every step's improvement in points, in percent of the reference,
    // and normalised: divided by ln(scored members) (undefined below two), by their number,
    // or not at all.
    let n = scored.len() as f64;
    let divisor = match opts.normalize {
        Normalize::Log => (scored.len() >= 2).then(|| n.ln()),
        Normalize::Count => (!scored.is_empty()).then_some(n),
        Normalize::None => Some(1.0),
    };
    assert_eq!(imp.divisor, divisor);
    let close = |got: Option<f64>, want: Option<f64>, what: &str, v: u32| match (got, want) {
        (Some(x), Some(y)) => assert!((x - y).abs() < 1e-9, "{what} of {v}: {x}, want {y}"),
        _ => assert_eq!(got, want, "{what} of {v}"),
    };
    let pct = |v: u32| {
        let a = f64::from(avg(v).unwrap_or(0.0));
        (r != 0.0).then(|| (a - r) / r * 100.0)
    };
    let normalized = |v: u32| pct(v).and_then(|p| divisor.map(|d| p / d));
    for m in &imp.members {
        let a = f64::from(avg(m.model).unwrap_or(0.0));
        close(m.improvement_points, Some(a - r), "points", m.model);
        close(m.improvement_pct, pct(m.model), "percent", m.model);
        close(m.normalized, normalized(m.model), "normalised", m.model);
        let days = release.and_then(|d| created(m.model).map(|c| c.0 - d.0));
        assert_eq!(m.days_since_release, days, "days of {}", m.model);
        assert_eq!(
            m.on_frontier,
            frontier.iter().any(|&(f, _)| f == m.model),
            "frontier mark of {}",
            m.model
        );
    }
    for s in &imp.frontier {
        let a = f64::from(avg(s.model).unwrap_or(0.0));
        close(
            Some(s.improvement_points),
            Some(a - r),
            "step points",
            s.model,
        );
        close(s.improvement_pct, pct(s.model), "step percent", s.model);
        close(
            s.normalized,
            normalized(s.model),
            "step normalised",
            s.model,
        );
    }
}

/// f32 as a totally ordered integer key (the averages here are never NaN).
fn ordered(x: f32) -> i64 {
    (f64::from(x) * 1000.0).round() as i64
}

fn reference_collaboration(g: &LineageGraph, bots: &BotFilter, incl: bool) -> Collaboration {
    let n = g.authors.len();
    let mut repos_of = vec![0u32; n];
    let mut links = BTreeSet::new();
    let mut adjacent: BTreeMap<u32, BTreeSet<u32>> = BTreeMap::new();
    let mut per_repo: BTreeMap<u32, u32> = BTreeMap::new();
    let mut bot_names = BTreeSet::new();
    let mut repo_authors: Vec<BTreeSet<u32>> = Vec::new();
    for v in 0..g.model_count() as u32 {
        let row = g.contributors.row(v);
        if row.is_empty() || !counted(g, v, incl) {
            continue;
        }
        let humans: BTreeSet<u32> = row
            .iter()
            .copied()
            .filter(|&a| {
                let bot = bots.is_bot(g.authors.name(a));
                if bot {
                    bot_names.insert(a);
                }
                !bot
            })
            .collect();
        *per_repo.entry(humans.len() as u32).or_default() += 1;
        for &a in &humans {
            repos_of[a as usize] += 1;
            adjacent.entry(a).or_default();
            for &b in &humans {
                if a < b {
                    links.insert((a, b));
                    adjacent.entry(a).or_default().insert(b);
                    adjacent.entry(b).or_default().insert(a);
                }
            }
        }
        if !humans.is_empty() {
            repo_authors.push(humans);
        }
    }
    let mut sizes = Vec::new();
    let mut seen = BTreeSet::new();
    for &a in adjacent.keys() {
        if !seen.insert(a) {
            continue;
        }
        let (mut queue, mut size) = (vec![a], 0);
        while let Some(u) = queue.pop() {
            size += 1;
            for &w in &adjacent[&u] {
                if seen.insert(w) {
                    queue.push(w);
                }
            }
        }
        sizes.push(size);
    }
    sizes.sort_unstable_by(|a, b| b.cmp(a));
    let mut ranking: Vec<u32> = adjacent.keys().copied().collect();
    ranking.sort_by_key(|&a| {
        let name = g.authors.name(a);
        (
            Reverse(repos_of[a as usize]),
            name.to_ascii_lowercase(),
            name.to_string(),
            a,
        )
    });
    let share = |k: usize| {
        let top: BTreeSet<u32> = ranking.iter().take(k).copied().collect();
        let covered = repo_authors
            .iter()
            .filter(|h| h.iter().any(|a| top.contains(a)))
            .count();
        if repo_authors.is_empty() {
            0.0
        } else {
            covered as f64 / repo_authors.len() as f64
        }
    };
    let mut per_author: BTreeMap<u32, u32> = BTreeMap::new();
    for &a in &ranking {
        *per_author.entry(repos_of[a as usize]).or_default() += 1;
    }
    let (top10_coverage, top2_coverage) = (share(10), share(2));
    // The papers' share: the top authors' repos per author over all authors'.
    let contributions = |k: usize| {
        let all: u32 = ranking.iter().map(|&a| repos_of[a as usize]).sum();
        let top: u32 = ranking.iter().take(k).map(|&a| repos_of[a as usize]).sum();
        if all == 0 {
            0.0
        } else {
            f64::from(top) / f64::from(all)
        }
    };
    let (top10_share, top2_share) = (contributions(10), contributions(2));
    // Only the fields compared below are filled in.
    Collaboration {
        authors: ranking.len() as u32,
        links: links.len() as u64,
        bots: bot_names.len() as u32,
        repos: repo_authors.len() as u32,
        components: sizes
            .into_iter()
            .map(|s| lineage::algo::authors::Component {
                members: vec![0; s],
                repos: 0,
            })
            .collect(),
        component_of: Vec::new(),
        repos_of,
        ranking,
        repos_per_author: per_author.into_iter().collect(),
        authors_per_repo: per_repo.into_iter().collect(),
        top10_share,
        // The top-2 shares: with a handful of authors, 200 would cover them all.
        top200_share: top2_share,
        top10_coverage,
        top200_coverage: top2_coverage,
    }
}

fn in_pool<T: Send>(threads: usize, f: impl FnOnce() -> T + Send) -> T {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("a thread pool")
        .install(f)
}

/// Everything the analyses compute, for comparing runs.
#[derive(Debug, PartialEq)]
struct All {
    derivatives: Vec<Derivatives>,
    by_finetune: Vec<Derivatives>,
    depths: Depths,
    improvements: Vec<Improvement>,
    with_merges: Vec<Improvement>,
    collaboration: Collaboration,
}

fn everything(g: &LineageGraph) -> All {
    let merges = ImprovementOptions {
        include_merges: true,
        include_flagged: true,
        normalize: Normalize::Count,
        board: None,
    };
    All {
        derivatives: derivatives_with(g, &DerivativeOptions::default()),
        by_finetune: derivatives_with(
            g,
            &DerivativeOptions {
                kinds: KindSet::of(&[EdgeKind::Unspecified, EdgeKind::Finetune]),
                include_flagged: true,
            },
        ),
        depths: depths(g),
        improvements: all_improvements(g, 1, &ImprovementOptions::default()),
        with_merges: all_improvements(g, 1, &merges),
        collaboration: collaboration_with(g, &BotFilter::builtin(), false),
    }
}

fn kind_set() -> impl Strategy<Value = KindSet> {
    prop::collection::vec(prop::sample::select(EdgeKind::ALL.to_vec()), 0..=5)
        .prop_map(|k| KindSet::of(&k))
}

proptest! {
    #[test]
    fn derivatives_equal_a_search_from_every_model(specs in specs(), kinds in kind_set(), incl in any::<bool>()) {
        let g = build(&specs);
        for kinds in [KindSet::ALL, kinds] {
            let opts = DerivativeOptions { kinds, include_flagged: incl };
            prop_assert_eq!(derivatives_with(&g, &opts), reference_derivatives(&g, kinds, incl));
        }
    }

    #[test]
    fn depths_equal_the_longest_of_all_paths(specs in specs()) {
        let g = build(&specs);
        let d = depths(&g);
        prop_assert_eq!(d.skipped_cycle_edges, g.edge_closes_cycle.iter().filter(|&&c| c).count());
        for v in 0..g.model_count() as u32 {
            prop_assert_eq!(d.merge_depth[v as usize], longest(&g, v, true));
            prop_assert_eq!(d.generation[v as usize], longest(&g, v, false));
            for (chain, merges_only) in [(d.merge_chain(&g, v), true), (d.generation_chain(&g, v), false)] {
                let depth = if merges_only { d.merge_depth[v as usize] } else { d.generation[v as usize] };
                prop_assert_eq!(chain.len() as u32, depth + 1);
                prop_assert_eq!(chain.last(), Some(&v));
                for pair in chain.windows(2) {
                    prop_assert!(g.dag_parents(pair[1]).any(|(p, k)| p == pair[0] && (!merges_only || k == EdgeKind::Merge)));
                }
            }
        }
        let dist = d.merge_distribution(&g, false);
        let counted_models = (0..g.model_count() as u32).filter(|&v| counted(&g, v, false)).count();
        prop_assert_eq!(dist.iter().map(|&(_, c)| c as usize).sum::<usize>(), counted_models);
    }

    #[test]
    fn improvements_equal_the_definition(
        specs in specs(),
        merges in any::<bool>(),
        flagged in any::<bool>(),
        normalize in prop::sample::select(Normalize::ALL.to_vec()),
    ) {
        let g = build(&specs);
        let opts = ImprovementOptions { include_merges: merges, include_flagged: flagged, normalize, board: None };
        for base in 0..g.model_count() as u32 {
            check_improvement(&g, base, &opts, &improvements(&g, base, &opts));
        }
        let all = all_improvements(&g, 1, &opts);
        let expected: Vec<u32> = (0..g.model_count() as u32)
            .filter(|&v| !g.children_of(v).is_empty() && counted(&g, v, flagged))
            .filter(|&v| improvements(&g, v, &opts).scored_members >= 1)
            .collect();
        let mut bases: Vec<u32> = all.iter().map(|i| i.base).collect();
        bases.sort_unstable();
        prop_assert_eq!(bases, expected);
        for imp in &all {
            prop_assert_eq!(imp, &improvements(&g, imp.base, &opts));
        }
    }

    #[test]
    fn collaboration_equals_a_search_of_the_author_graph(specs in specs(), incl in any::<bool>()) {
        let g = build(&specs);
        let bots = BotFilter::builtin();
        let c = collaboration_with(&g, &bots, incl);
        let r = reference_collaboration(&g, &bots, incl);
        prop_assert_eq!(c.authors, r.authors);
        prop_assert_eq!(c.links, r.links);
        prop_assert_eq!(c.bots, r.bots);
        prop_assert_eq!(c.repos, r.repos);
        let sizes: Vec<usize> = c.components.iter().map(|x| x.members.len()).collect();
        let expected: Vec<usize> = r.components.iter().map(|x| x.members.len()).collect();
        prop_assert_eq!(sizes, expected);
        prop_assert_eq!(&c.repos_of, &r.repos_of);
        prop_assert_eq!(&c.ranking, &r.ranking);
        prop_assert_eq!(&c.repos_per_author, &r.repos_per_author);
        prop_assert_eq!(&c.authors_per_repo, &r.authors_per_repo);
        prop_assert!((c.top10_share - r.top10_share).abs() < 1e-12);
        prop_assert!((c.top_contribution_share(2) - r.top200_share).abs() < 1e-12);
        prop_assert_eq!(c.top10_coverage, r.top10_coverage);
        prop_assert_eq!(c.top_coverage(&g, 2, incl), r.top200_coverage);
        prop_assert_eq!(c.components.iter().map(|x| x.repos).sum::<u32>(), c.repos);
        for (i, comp) in c.components.iter().enumerate() {
            for &a in &comp.members {
                prop_assert_eq!(c.component_of[a as usize], i as u32);
            }
        }
    }

    #[test]
    fn parallel_equals_sequential_on_small_graphs(specs in specs()) {
        let g = build(&specs);
        prop_assert_eq!(in_pool(1, || everything(&g)), in_pool(4, || everything(&g)));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]

    #[test]
    fn parallel_equals_sequential_and_brute_force_on_larger_graphs(seed in any::<u64>()) {
        let g = build_large(seed);
        let one = in_pool(1, || everything(&g));
        let four = in_pool(4, || everything(&g));
        prop_assert_eq!(&one.derivatives, &reference_derivatives(&g, KindSet::ALL, false));
        prop_assert_eq!(one, four);
    }
}
