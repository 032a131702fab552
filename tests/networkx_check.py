"""Reads lineage's GraphML, GEXF and node-link JSON exports back with networkx and checks
them against what the graph holds: an independent reader, so the exports are correct for
the tools people use and not only for our own eyes.

Usage: python3 tests/networkx_check.py SPEC.json

SPEC is written by tests/export.rs:
  {"files": {"graphml": PATH, "gexf": PATH, "json": PATH},
   "nodes": N, "edges": M,
   "checks": {FORMAT: [{"id": ID, "attrs": {NAME: VALUE}, "absent": [NAME]}]},
   "edges_present": {FORMAT: [[SOURCE, TARGET, KIND]]},
   "derived": true}
Each expected value's JSON type is the Python type the attribute must have (string -> str,
integer -> int, float -> float, boolean -> bool); floats compare to 1e-6 relative, since the
graph stores them as 32-bit floats. With "derived", descendants, merge_depth and generation
are recomputed for every node with networkx's own algorithms.

Exits 0 when everything matches, 1 listing every mismatch, 2 when networkx is missing
or older than 3.6.
"""

import json
import math
import re
import sys

try:
    import networkx as nx
except ImportError:
    print(
        f"networkx is not installed for {sys.executable}; "
        "install with: python3 -m pip install networkx",
        file=sys.stderr,
    )
    sys.exit(2)

# node_link_graph reads the "edges" key by default from 3.6 on ("links" before).
_version = re.match(r"(\d+)\.(\d+)", nx.__version__)
if _version is None or (int(_version[1]), int(_version[2])) < (3, 6):
    print(
        f"networkx {nx.__version__} is too old for these checks (3.6 or later reads "
        "node-link edges by default); upgrade with: python3 -m pip install 'networkx>=3.6'",
        file=sys.stderr,
    )
    sys.exit(2)


def read(fmt, path):
    if fmt == "graphml":
        return nx.read_graphml(path)
    if fmt == "gexf":
        return nx.read_gexf(path)
    if fmt == "json":
        with open(path, encoding="utf-8") as f:
            return nx.node_link_graph(json.load(f))
    raise ValueError(f"unknown format {fmt}")


def same(expected, actual):
    if type(expected) is not type(actual):
        return False
    if isinstance(expected, float):
        return math.isclose(expected, actual, rel_tol=1e-6, abs_tol=1e-9)
    return expected == actual


def check_derived(G, fmt, failures):
    if not nx.is_directed_acyclic_graph(G):
        failures.append(f"{fmt}: the graph has cycles; derived values not checked")
        return
    order = list(nx.topological_sort(G))
    generation, merge_depth = {}, {}
    for v in order:
        generation[v] = max((generation[p] + 1 for p in G.predecessors(v)), default=0)
        merge_depth[v] = max(
            (merge_depth[p] + 1 for p in G.predecessors(v) if G.edges[p, v]["kind"] == "merge"),
            default=0,
        )
    wrong = []
    for v, data in G.nodes(data=True):
        want = {
            # flagged models are not counted, as in `lineage query derivatives`
            "descendants": sum(1 for d in nx.descendants(G, v) if not G.nodes[d].get("flagged")),
            "merge_depth": merge_depth[v],
            "generation": generation[v],
        }
        for name, value in want.items():
            if data.get(name) != value:
                wrong.append(f"{v!r} {name}={data.get(name)!r}, networkx says {value}")
    if wrong:
        failures.append(f"{fmt}: {len(wrong)} derived values differ, e.g. " + "; ".join(wrong[:5]))


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        spec = json.load(f)
    failures = []
    for fmt, path in spec["files"].items():
        try:
            G = read(fmt, path)
        except Exception as e:  # a parse error is the finding
            failures.append(f"{fmt}: networkx cannot read {path}: {type(e).__name__}: {e}")
            continue
        if not G.is_directed():
            failures.append(f"{fmt}: read as undirected")
        if G.number_of_nodes() != spec["nodes"]:
            failures.append(f"{fmt}: {G.number_of_nodes()} nodes, expected {spec['nodes']}")
        if G.number_of_edges() != spec["edges"]:
            failures.append(f"{fmt}: {G.number_of_edges()} edges, expected {spec['edges']}")
        for check in spec["checks"].get(fmt, []):
            node = check["id"]
            if node not in G:
                failures.append(f"{fmt}: no node {node!r}")
                continue
            data = G.nodes[node]
            for name, want in check.get("attrs", {}).items():
                got = data.get(name)
                if not same(want, got):
                    failures.append(
                        f"{fmt}: {node!r} {name} = {got!r} ({type(got).__name__}), "
                        f"expected {want!r} ({type(want).__name__})"
                    )
            for name in check.get("absent", []):
                if name in data:
                    failures.append(f"{fmt}: {node!r} has {name} = {data[name]!r}, expected none")
        for source, target, kind in spec.get("edges_present", {}).get(fmt, []):
            if not G.has_edge(source, target):
                failures.append(f"{fmt}: no edge {source!r} -> {target!r}")
                continue
            data = G.edges[source, target]
            if data.get("kind") != kind or not same(1.0, data.get("weight")):
                failures.append(f"{fmt}: edge {source!r} -> {target!r} has {data}, expected kind {kind}, weight 1.0")
        for u, v, data in G.edges(data=True):
            if data.get("kind") not in ("finetune", "adapter", "quantized", "merge", "unspecified"):
                failures.append(f"{fmt}: edge {u!r} -> {v!r} has kind {data.get('kind')!r}")
                break
        if spec.get("derived"):
            check_derived(G, fmt, failures)
    if failures:
        print("\n".join(failures))
        sys.exit(1)
    print(
        f"networkx {nx.__version__}: {', '.join(spec['files'])} read back, "
        f"{spec['nodes']} nodes and {spec['edges']} edges each, all checks pass"
    )


if __name__ == "__main__":
    main()
