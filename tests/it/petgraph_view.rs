//! petgraph's algorithms run on the lineage graph through its visitor traits
//! (`lineage::graph::visit`), and agree with the crate's own analyses and with brute force:
//! on the real 2024 graph, on random graphs with cycles, self-loops and stubs, and on a
//! chain 200,000 models deep (which petgraph algorithms are safe at depth).

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::sync::OnceLock;

use lineage::algo::depth::depths;
use lineage::algo::derivatives::{derivatives_with, descendants_of, DerivativeOptions};
use lineage::algo::topo::{strongly_connected, topological_order};
use lineage::algo::KindSet;
use lineage::graph::visit::acyclic;
use lineage::graph::{BuildOptions, GraphBuilder, LineageGraph};
use lineage::ingest::{ModelRecord, ParentRef, Sink};
use lineage::model::EdgeKind;
use petgraph::algo::dominators::simple_fast;
use petgraph::algo::{condensation, dijkstra, has_path_connecting, kosaraju_scc, toposort};
use petgraph::visit::{
    Bfs, Dfs, DfsPostOrder, EdgeRef, IntoEdgeReferences, IntoEdgesDirected, IntoNodeIdentifiers,
    NodeIndexable, Reversed, Topo, Walker,
};
use petgraph::{Direction, Graph};
use proptest::prelude::*;

use crate::common::*;

/// The real 2024 graph (details, leaderboard and commits), built once for this module.
fn real() -> &'static LineageGraph {
    static GRAPH: OnceLock<LineageGraph> = OnceLock::new();
    GRAPH.get_or_init(|| {
        build_files(&[
            shared_data("openllm-2024/details.csv"),
            shared_data("openllm-2024/leaderboard.csv"),
            shared_data("openllm-2024/commits.csv"),
        ])
        .0
    })
}

/// Builds a graph from `(model, parents, relation)`: model `i` is `m{i}/x`; a parent index
/// past the models names a stub.
fn build(models: &[(Vec<usize>, Option<EdgeKind>, bool)]) -> LineageGraph {
    let n = models.len();
    let name = |i: usize| {
        if i < n {
            format!("m{i}/x")
        } else {
            format!("s{i}/stub")
        }
    };
    let mut b = GraphBuilder::new(BuildOptions::default());
    b.begin_file("random");
    for (i, (parents, relation, flagged)) in models.iter().enumerate() {
        b.record(ModelRecord {
            id: name(i),
            line: i as u64 + 2,
            parents: parents
                .iter()
                .map(|&p| ParentRef {
                    raw: name(p),
                    relation: *relation,
                    field: "base_model",
                })
                .collect(),
            flagged: flagged.then_some(true),
            ..Default::default()
        });
    }
    b.finish().0
}

/// Distance in edges from `from` to every model (`u32::MAX`: unreachable), with `avoid`
/// taken out of the graph: the test's own breadth-first search over `children_of`, or over
/// `parents_of` when `up`.
fn distances(g: &LineageGraph, from: u32, avoid: Option<u32>, up: bool) -> Vec<u32> {
    let mut dist = vec![u32::MAX; g.model_count()];
    dist[from as usize] = 0;
    let mut queue = VecDeque::from([from]);
    while let Some(v) = queue.pop_front() {
        let next = if up {
            g.parents_of(v)
        } else {
            g.children_of(v)
        };
        for &c in next {
            if Some(c) != avoid && dist[c as usize] == u32::MAX {
                dist[c as usize] = dist[v as usize] + 1;
                queue.push_back(c);
            }
        }
    }
    dist
}

/// The models `dist` reaches, with their distance.
fn reached(dist: &[u32]) -> HashMap<u32, u32> {
    (0..dist.len() as u32)
        .filter(|&v| dist[v as usize] != u32::MAX)
        .map(|v| (v, dist[v as usize]))
        .collect()
}

fn sorted_components(mut sccs: Vec<Vec<u32>>) -> BTreeSet<Vec<u32>> {
    for c in &mut sccs {
        c.sort_unstable();
    }
    sccs.into_iter().collect()
}

/// Every check of this module on one graph; `roots` are the models searched from.
fn check_all(g: &LineageGraph, roots: &[u32]) {
    let n = g.model_count();

    // Descendants: a petgraph Bfs from every model counts what the crate counts.
    for include_flagged in [false, true] {
        let options = DerivativeOptions {
            kinds: KindSet::ALL,
            include_flagged,
        };
        let ours = derivatives_with(g, &options);
        for v in g.node_identifiers() {
            let bfs = Bfs::new(g, v)
                .iter(g)
                .filter(|&u| u != v && (include_flagged || !g.models[u as usize].is_flagged()))
                .count();
            assert_eq!(
                ours[v as usize].descendants as usize,
                bfs,
                "descendants of {} (flagged counted: {include_flagged})",
                g.name(v)
            );
        }
    }

    // Strongly connected components: kosaraju_scc, the crate's Tarjan and the cycle table.
    let kosaraju = kosaraju_scc(g);
    assert_eq!(
        sorted_components(kosaraju.clone()),
        sorted_components(strongly_connected(&g.children))
    );
    let cycles: BTreeSet<Vec<u32>> = kosaraju
        .iter()
        .filter(|c| c.len() > 1)
        .map(|c| {
            let mut c = c.clone();
            c.sort_unstable();
            c
        })
        .collect();
    assert_eq!(cycles, sorted_components(g.cycles.clone()));

    // Topological order: the graph sorts only without its cycle edges; petgraph's `Topo`
    // and `toposort` then order every model, as the crate's Kahn order does.
    let has_cycle = g.cycle_edges() > 0 || g.edge_references().any(|e| e.source() == e.target());
    assert_eq!(toposort(g, None).is_err(), has_cycle);
    let dag = acyclic(g);
    let topo: Vec<u32> = Topo::new(&dag).iter(&dag).collect();
    let sorted = toposort(&dag, None).expect("the graph without its cycle edges is acyclic");
    let kahn = topological_order(g);
    assert_eq!(kahn.ordered, n);
    for order in [&topo, &sorted, &kahn.order] {
        assert_eq!(order.len(), n);
        let mut position = vec![usize::MAX; n];
        for (i, &v) in order.iter().enumerate() {
            position[v as usize] = i;
        }
        for e in g.edge_references().filter(|e| !e.closes_cycle()) {
            assert!(position[e.source() as usize] < position[e.target() as usize]);
        }
    }

    // Generation depth is the longest path in topological order.
    let mut generation = vec![0u32; n];
    for &v in &topo {
        for e in g.edges_directed(v, Direction::Outgoing) {
            if !e.closes_cycle() {
                let c = e.target() as usize;
                generation[c] = generation[c].max(generation[v as usize] + 1);
            }
        }
    }
    assert_eq!(generation, depths(g).generation);

    // Condensation: one node per strongly connected component, acyclic, an edge per pair of
    // components that an edge joins.
    let mut copy = Graph::<u32, EdgeKind>::with_capacity(n, g.edge_count());
    for v in g.node_identifiers() {
        copy.add_node(v);
    }
    copy.extend_with_edges(
        g.edge_references()
            .map(|e| (e.source(), e.target(), e.kind())),
    );
    let condensed = condensation(copy, true);
    assert_eq!(condensed.node_count(), kosaraju.len());
    assert!(toposort(&condensed, None).is_ok());
    let mut component = vec![0usize; n];
    for (i, c) in kosaraju.iter().enumerate() {
        for &v in c {
            component[v as usize] = i;
        }
    }
    let joined: BTreeSet<(usize, usize)> = g
        .edge_references()
        .map(|e| {
            (
                component[e.source() as usize],
                component[e.target() as usize],
            )
        })
        .filter(|(a, b)| a != b)
        .collect();
    assert_eq!(condensed.edge_count(), joined.len());

    for &root in roots {
        let reach = reached(&distances(g, root, None, false));
        // Dijkstra with unit weights is the breadth-first distance.
        let unit: HashMap<u32, u32> = dijkstra(g, root, None, |_| 1u32).into_iter().collect();
        assert_eq!(unit, reach, "dijkstra from {}", g.name(root));
        // A weight from the edge kind: the fewest merge edges on a path.
        let merges = dijkstra(g, root, None, |e| u32::from(e.kind() == EdgeKind::Merge));
        assert_eq!(merges.len(), reach.len());
        // has_path_connecting agrees with the crate's descendants.
        let below: BTreeSet<u32> = descendants_of(g, root, KindSet::ALL, true)
            .into_iter()
            .collect();
        for v in g.node_identifiers() {
            let path = has_path_connecting(g, root, v, None);
            assert_eq!(path, v == root || below.contains(&v));
            assert_eq!(path, reach.contains_key(&v));
        }
        // Ancestors: a Bfs on the reversed graph finds what a search up the parents finds.
        let up: BTreeSet<u32> = Bfs::new(Reversed(g), root).iter(Reversed(g)).collect();
        let up_by_search: BTreeSet<u32> = reached(&distances(g, root, None, true))
            .into_keys()
            .collect();
        assert_eq!(up, up_by_search);
        // Dominators against brute force: d dominates v when v is unreachable from the
        // root without d.
        let dom = simple_fast(g, root);
        let mut brute: HashMap<u32, BTreeSet<u32>> = reach
            .keys()
            .map(|&v| (v, BTreeSet::from([root, v])))
            .collect();
        for &d in reach.keys().filter(|&&d| d != root) {
            let without = distances(g, root, Some(d), false);
            for (&v, doms) in brute.iter_mut() {
                if without[v as usize] == u32::MAX {
                    doms.insert(d);
                }
            }
        }
        for (&v, doms) in &brute {
            let ours: BTreeSet<u32> = dom.dominators(v).expect("reachable").collect();
            assert_eq!(
                &ours,
                doms,
                "dominators of {} from {}",
                g.name(v),
                g.name(root)
            );
        }
        // Dfs and DfsPostOrder visit the same models as Bfs.
        let dfs: BTreeSet<u32> = Dfs::new(g, root).iter(g).collect();
        let post: BTreeSet<u32> = DfsPostOrder::new(g, root).iter(g).collect();
        let keys: BTreeSet<u32> = reach.keys().copied().collect();
        assert_eq!(dfs, keys);
        assert_eq!(post, keys);
    }
}

#[test]
fn petgraph_agrees_with_the_crate_on_the_real_2024_graph() {
    let g = real();
    assert!(g.model_count() > 5_000 && g.edge_count() > 2_000);
    // Searched from the five bases with the most direct children, and the largest cycle's
    // first member if there is one.
    let mut bases: Vec<u32> = g.node_identifiers().collect();
    bases.sort_by_key(|&v| (std::cmp::Reverse(g.children_of(v).len()), v));
    let mut roots: Vec<u32> = bases[..5].to_vec();
    roots.extend(g.cycles.first().map(|c| c[0]));
    check_all(g, &roots);
}

#[test]
fn the_largest_family_has_the_dominator_tree_of_its_lineage() {
    // A model with one parent is immediately dominated by it; merges by the closest model
    // that every path passes through. Checked by hand on the real graph's largest family.
    let g = real();
    let root = g
        .node_identifiers()
        .max_by_key(|&v| {
            (
                descendants_of(g, v, KindSet::ALL, true).len(),
                std::cmp::Reverse(v),
            )
        })
        .unwrap();
    let dom = simple_fast(g, root);
    let reach = reached(&distances(g, root, None, false));
    assert!(
        reach.len() > 100,
        "{} reaches {}",
        g.name(root),
        reach.len()
    );
    let mut single = 0;
    for &v in reach.keys().filter(|&&v| v != root) {
        let parents: BTreeSet<u32> = g
            .parents_of(v)
            .iter()
            .copied()
            .filter(|p| reach.contains_key(p))
            .collect();
        if parents.len() == 1 {
            single += 1;
            assert_eq!(dom.immediate_dominator(v), parents.first().copied());
        }
    }
    assert!(single > 100, "{single}");
}

fn random_graph() -> impl Strategy<Value = Vec<(Vec<usize>, Option<EdgeKind>, bool)>> {
    (1usize..=24).prop_flat_map(|n| {
        prop::collection::vec(
            (
                // Parents anywhere, stubs past the models: cycles and self-loops happen.
                prop::collection::vec(0..n + 3, 0..=3),
                prop::option::of(prop::sample::select(EdgeKind::ALL.to_vec())),
                prop::bool::weighted(0.2),
            ),
            n,
        )
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn petgraph_agrees_with_the_crate_on_random_graphs(models in random_graph()) {
        let g = build(&models);
        let roots: Vec<u32> = g.node_identifiers().take(4).collect();
        check_all(&g, &roots);
        // The traits' edge ids are the graph's edge ids, seen from either end.
        let mut ids: Vec<u32> = g.edge_references().map(|e| e.id()).collect();
        ids.sort_unstable();
        prop_assert_eq!(ids, (0..g.edge_count() as u32).collect::<Vec<_>>());
        let mut incoming: Vec<(u32, u32, u32)> = g
            .node_identifiers()
            .flat_map(|v| g.edges_directed(v, Direction::Incoming).map(|e| (e.id(), e.source(), e.target())).collect::<Vec<_>>())
            .collect();
        incoming.sort_unstable();
        let mut outgoing: Vec<(u32, u32, u32)> = g.edge_references().map(|e| (e.id(), e.source(), e.target())).collect();
        outgoing.sort_unstable();
        prop_assert_eq!(incoming, outgoing);
        prop_assert_eq!(g.node_bound(), g.model_count());
    }
}

/// A lineage 200,000 models deep, `m0/x` the root: the iterative petgraph algorithms run on
/// it on a test thread's stack (the recursive ones, `tarjan_scc` and `depth_first_search`,
/// would overflow it and are not called).
#[test]
fn iterative_petgraph_algorithms_run_on_a_200000_deep_chain() {
    let n = 200_000u32;
    let models: Vec<(Vec<usize>, Option<EdgeKind>, bool)> = (0..n as usize)
        .map(|i| (if i == 0 { vec![] } else { vec![i - 1] }, None, false))
        .collect();
    let g = build(&models);
    assert_eq!(
        (g.model_count(), g.edge_count()),
        (n as usize, n as usize - 1)
    );
    let (first, last) = (
        g.lookup("m0/x").unwrap(),
        g.lookup(&format!("m{}/x", n - 1)).unwrap(),
    );
    let g = &g;

    assert_eq!(Bfs::new(g, first).iter(g).count(), n as usize);
    assert_eq!(Dfs::new(g, first).iter(g).count(), n as usize);
    assert_eq!(DfsPostOrder::new(g, first).iter(g).next(), Some(last));
    assert_eq!(
        Bfs::new(Reversed(g), last).iter(Reversed(g)).count(),
        n as usize
    );
    let topo: Vec<u32> = Topo::new(g).iter(g).collect();
    assert_eq!(
        (topo.len(), topo[0], topo[n as usize - 1]),
        (n as usize, first, last)
    );
    let sorted = toposort(g, None).unwrap();
    assert_eq!((sorted[0], sorted[n as usize - 1]), (first, last));
    assert!(has_path_connecting(g, first, last, None));
    assert!(!has_path_connecting(g, last, first, None));
    assert_eq!(kosaraju_scc(g).len(), n as usize);
    let dom = simple_fast(g, first);
    assert_eq!(
        dom.immediate_dominator(last),
        g.parents_of(last).first().copied()
    );
    assert_eq!(dom.dominators(last).unwrap().count(), n as usize);
    let dist = dijkstra(g, first, Some(last), |_| 1u32);
    assert_eq!(dist[&last], n - 1);
    let mut copy = Graph::<(), EdgeKind>::with_capacity(n as usize, n as usize);
    for _ in 0..n {
        copy.add_node(());
    }
    copy.extend_with_edges(
        g.edge_references()
            .map(|e| (e.source(), e.target(), e.kind())),
    );
    assert_eq!(condensation(copy, true).node_count(), n as usize);
    // The crate's own passes at the same depth.
    assert_eq!(depths(g).generation[last as usize], n - 1);
    let d = derivatives_with(g, &DerivativeOptions::default());
    assert_eq!(d[first as usize].descendants, n - 1);
}

/// How many of each kind of edge petgraph's edge references report: the graph's own count.
#[test]
fn edge_weights_are_the_edge_kinds() {
    let g = real();
    let mut counts = BTreeMap::new();
    for e in g.edge_references() {
        assert_eq!(*e.weight(), g.edge_kinds[e.id() as usize]);
        *counts.entry(*e.weight() as usize).or_insert(0usize) += 1;
    }
    let by_kind = g.edges_by_kind();
    for (k, &c) in by_kind.iter().enumerate() {
        assert_eq!(counts.get(&k).copied().unwrap_or(0), c);
    }
    assert_eq!(g.edge_references().len(), g.edge_count());
}
