//! petgraph's algorithms run on the lineage graph through its visitor traits
//! (`lineage::graph::visit`), on a synthetic ecosystem from `lineage::synth` (seed 1), next to
//! the crate's own passes where it has one; and the crate's union-find against petgraph's.
//!
//! ```text
//! cargo bench --bench petgraph                                  # 10^5 models
//! LINEAGE_BENCH_MODELS=1000000 cargo bench --bench petgraph     # 10^6 models
//! ```
//!
//! Searches from one model start at the base with the most children (the largest family).
//! The inputs are generated into a temporary directory and removed at the end.
//!
//! `condensation(_, true)` (merge parallel edges) is timed once, outside criterion, and
//! printed: it merges through `Graph::update_edge`, which scans the source's edge list, so a
//! base with many children costs time quadratic in their number (8.9 s at 10^6 models, against
//! 0.57 s without merging).
//! Criterion measures `condensation(_, false)`, which keeps parallel edges.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion, SamplingMode};
use petgraph::algo::dominators::simple_fast;
use petgraph::algo::{
    condensation, dijkstra, has_path_connecting, kosaraju_scc, tarjan_scc, toposort,
};
use petgraph::unionfind::UnionFind;
use petgraph::visit::{Bfs, EdgeRef, IntoEdgeReferences, Reversed, Topo, Walker};
use petgraph::Graph;

use lineage::algo::authors::{collaboration, BotFilter};
use lineage::algo::depth::depths;
use lineage::algo::derivatives::{descendant_counts, descendants_of};
use lineage::algo::topo::{strongly_connected, topological_order};
use lineage::algo::KindSet;
use lineage::graph::visit::acyclic;
use lineage::graph::{BuildOptions, LineageGraph};
use lineage::ingest::open_input;
use lineage::model::EdgeKind;
use lineage::synth::{self, SynthConfig};

const DEFAULT_MODELS: usize = 100_000;

fn models() -> usize {
    match std::env::var("LINEAGE_BENCH_MODELS") {
        Err(std::env::VarError::NotPresent) => DEFAULT_MODELS,
        Err(e) => panic!("LINEAGE_BENCH_MODELS: {e}"),
        Ok(text) => text.trim().replace('_', "").parse().unwrap_or_else(|_| {
            panic!("LINEAGE_BENCH_MODELS must be a number of models such as 1000000, not {text:?}")
        }),
    }
}

fn generate(models: usize) -> LineageGraph {
    let started = Instant::now();
    let dir = tempfile::Builder::new()
        .prefix("lineage-bench-petgraph-")
        .tempdir()
        .expect("creating a temporary directory for the synthetic inputs");
    synth::write(&SynthConfig { models, seed: 1 }, dir.path()).expect("writing the inputs");
    let inputs: Vec<_> = ["details.csv", "leaderboard.csv", "commits.csv"]
        .iter()
        .map(|f| open_input(&dir.path().join(f), None).expect("opening an input"))
        .collect();
    let (g, _) = lineage::build(&inputs, BuildOptions::default(), None).expect("building");
    eprintln!(
        "[{models} synthetic models -> {} models, {} edges, {} cycle edges, in {:.1} s]",
        g.model_count(),
        g.edge_count(),
        g.cycle_edges(),
        started.elapsed().as_secs_f64()
    );
    g
}

/// The crate's union-find (`src/algo/mod.rs`): path halving, the lower root wins.
fn find(parent: &mut [u32], mut a: u32) -> u32 {
    while parent[a as usize] != a {
        let up = parent[parent[a as usize] as usize];
        parent[a as usize] = up;
        a = up;
    }
    a
}

fn union(parent: &mut [u32], a: u32, b: u32) {
    let (ra, rb) = (find(parent, a), find(parent, b));
    if ra != rb {
        parent[ra.max(rb) as usize] = ra.min(rb);
    }
}

/// The graph copied into a petgraph `Graph`, which `condensation` takes by value.
fn copy(g: &LineageGraph) -> Graph<(), EdgeKind> {
    let mut copy = Graph::<(), EdgeKind>::with_capacity(g.model_count(), g.edge_count());
    for _ in 0..g.model_count() {
        copy.add_node(());
    }
    copy.extend_with_edges(
        g.edge_references()
            .map(|e| (e.source(), e.target(), e.kind())),
    );
    copy
}

fn benches(c: &mut Criterion) {
    let g = generate(models());
    let g = &g;
    let n = g.model_count();
    let root = (0..n as u32)
        .max_by_key(|&v| (g.children_of(v).len(), std::cmp::Reverse(v)))
        .expect("a graph with models");
    // A model the root does not reach, so a path query searches all the root reaches.
    let elsewhere = (0..n as u32)
        .find(|&v| v != root && g.parents_of(v).is_empty())
        .expect("a second root");
    let family = Bfs::new(g, root).iter(g).count();
    eprintln!("[root {} reaches {family} models]", g.name(root));

    let mut group = c.benchmark_group("petgraph");
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));

    group.bench_function("bfs_from_largest_base", |b| {
        b.iter(|| Bfs::new(g, root).iter(g).count())
    });
    group.bench_function("bfs_reversed_ancestors_of_every_100th", |b| {
        b.iter(|| {
            (0..n as u32)
                .step_by(100)
                .map(|v| Bfs::new(Reversed(g), v).iter(Reversed(g)).count())
                .sum::<usize>()
        })
    });
    group.bench_function("topo_walk_acyclic", |b| {
        b.iter(|| {
            let dag = acyclic(g);
            Topo::new(&dag).iter(&dag).count()
        })
    });
    group.bench_function("toposort_acyclic", |b| {
        b.iter(|| toposort(&acyclic(g), None).expect("acyclic").len())
    });
    group.bench_function("crate_topological_order", |b| {
        b.iter(|| topological_order(g).ordered)
    });
    group.bench_function("kosaraju_scc", |b| b.iter(|| kosaraju_scc(g).len()));
    group.bench_function("tarjan_scc_recursive", |b| b.iter(|| tarjan_scc(g).len()));
    group.bench_function("crate_strongly_connected", |b| {
        b.iter(|| strongly_connected(&g.children).len())
    });
    group.bench_function("has_path_connecting_unreachable", |b| {
        b.iter(|| has_path_connecting(g, root, elsewhere, None))
    });
    group.bench_function("dominators_simple_fast", |b| {
        b.iter(|| black_box(simple_fast(g, root)))
    });
    group.bench_function("dijkstra_merge_hops", |b| {
        b.iter(|| dijkstra(g, root, None, |e| u32::from(e.kind() == EdgeKind::Merge)).len())
    });
    group.bench_function("copy_into_petgraph_graph", |b| {
        b.iter(|| copy(g).edge_count())
    });
    group.bench_function("condensation_keeping_parallel_edges_with_copy", |b| {
        b.iter(|| condensation(copy(g), false).node_count())
    });
    group.bench_function("crate_descendants_of_largest_base", |b| {
        b.iter(|| descendants_of(g, root, KindSet::ALL, true).len())
    });
    group.bench_function("crate_descendant_counts_every_model", |b| {
        b.iter(|| black_box(descendant_counts(g)))
    });
    group.bench_function("crate_depths", |b| b.iter(|| black_box(depths(g))));
    let bots = BotFilter::builtin();
    group.bench_function("crate_author_collaboration", |b| {
        b.iter(|| collaboration(g, &bots).components.len())
    });

    // Weakly connected components by union-find over every edge, then a find per model:
    // the pattern of the author components and the derivative join groups.
    group.bench_function("union_find_crate", |b| {
        b.iter(|| {
            let mut parent: Vec<u32> = (0..n as u32).collect();
            for e in g.edge_references() {
                union(&mut parent, e.source(), e.target());
            }
            (0..n as u32).filter(|&v| find(&mut parent, v) == v).count()
        })
    });
    group.bench_function("union_find_petgraph", |b| {
        b.iter(|| {
            let mut sets = UnionFind::<u32>::new(n);
            for e in g.edge_references() {
                sets.union(e.source(), e.target());
            }
            (0..n as u32).filter(|&v| sets.find_mut(v) == v).count()
        })
    });
    // The author components' own pattern: every repo's contributors joined to its first.
    let repos: Vec<&[u32]> = (0..n as u32)
        .map(|v| g.contributors.row(v))
        .filter(|row| !row.is_empty())
        .collect();
    let authors = g.authors.len();
    group.bench_function("author_union_find_crate", |b| {
        b.iter(|| {
            let mut parent: Vec<u32> = (0..authors as u32).collect();
            for row in &repos {
                for &a in &row[1..] {
                    union(&mut parent, row[0], a);
                }
            }
            (0..authors as u32)
                .filter(|&a| find(&mut parent, a) == a)
                .count()
        })
    });
    group.bench_function("author_union_find_petgraph", |b| {
        b.iter(|| {
            let mut sets = UnionFind::<u32>::new(authors);
            for row in &repos {
                for &a in &row[1..] {
                    sets.union(row[0], a);
                }
            }
            (0..authors as u32)
                .filter(|&a| sets.find_mut(a) == a)
                .count()
        })
    });
    group.finish();

    let started = Instant::now();
    let merged = condensation(copy(g), true);
    eprintln!(
        "[condensation(_, true) with copy, timed once: {:.1} s, {} components, {} edges]",
        started.elapsed().as_secs_f64(),
        merged.node_count(),
        merged.edge_count()
    );
}

criterion_group!(petgraph_benches, benches);
criterion_main!(petgraph_benches);
