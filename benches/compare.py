"""The lineage workload written the way a Python user would: pandas to read the CSV files,
then networkx or igraph for the graph. Used by benches/compare.sh to put lineage's figures
next to these tools' on the same files.

    python benches/compare.py --data DIR --tool networkx|igraph

Prints one JSON object: seconds per phase, counts (to check that every tool computed the
same thing) and peak memory.
"""

import argparse
import ast
import json
import resource
import sys
import time
from collections import defaultdict

import pandas as pd

PLACEHOLDERS = {"", "unknown", "[]", "none", "null", "nan", "removed"}
RELATIONS = {"finetune", "adapter", "quantized", "merge"}


def parse_list(cell):
    if not isinstance(cell, str) or not cell.startswith("["):
        return None
    try:
        value = ast.literal_eval(cell)
    except (ValueError, SyntaxError):
        return []
    return [str(x) for x in value if x is not None] if isinstance(value, list) else []


def read(data):
    # Malformed rows: pandas can only skip them (lineage reports and keeps them).
    details = pd.read_csv(f"{data}/details.csv", dtype=str, keep_default_na=False, on_bad_lines="skip")
    board = pd.read_csv(f"{data}/leaderboard.csv", sep=";", dtype=str, keep_default_na=False, on_bad_lines="skip")
    commits = pd.read_csv(f"{data}/commits.csv", dtype=str, keep_default_na=False, on_bad_lines="skip")
    return details, board, commits


def lineage_edges(details, board):
    """(parent, child, merge?) with ids lower-cased, as the methodology defines them."""
    merged = set()
    for name, flag, kind in zip(board["model_name_for_query"], board["Merged"], board["TypeString"]):
        # The v1 export's Merged column is inverted.
        if flag == "False" or kind.startswith("\U0001f91d"):
            merged.add(name.lower())
    parents = defaultdict(set)
    for name, base, tags in zip(details["name"], details["base_model"], details["tags"]):
        child = name.lower()
        refs = parse_list(base)
        refs = refs if refs is not None else [base]
        for tag in parse_list(tags) or []:
            if tag.startswith("base_model:"):
                rest = tag[len("base_model:"):]
                rel, _, ident = rest.partition(":")
                refs.append(ident if rel in RELATIONS and ident else rest)
                if rel == "merge":
                    merged.add(child)
            elif tag == "merge":
                merged.add(child)
        for ref in refs:
            ref = ref.strip().lower()
            if ref in PLACEHOLDERS or ref.count("/") != 1 or ref == child:
                continue
            parents[child].add(ref)
    edges = []
    for child, ps in parents.items():
        merge = len(ps) >= 2 or child in merged
        edges.extend((p, child, merge) for p in ps)
    return edges


def collaboration_pairs(commits):
    """Author links: consecutive committers of one repo (enough for components)."""
    pairs, authors = [], set()
    for cell in commits["authors"]:
        people = sorted({a for a in parse_list(cell) or [] if a and not a.lower().endswith("bot")})
        authors.update(people)
        pairs.extend(zip(people, people[1:]))
    return authors, pairs


def run_networkx(details, board, commits, t):
    import networkx as nx

    edges = lineage_edges(details, board)
    g = nx.DiGraph()
    g.add_nodes_from(n.lower() for n in details["name"])
    g.add_edges_from((p, c, {"merge": m}) for p, c, m in edges)
    t("build")
    # Edges that close a cycle are dropped, as lineage does, so every pass sees a DAG.
    dag = g.copy()
    for component in nx.strongly_connected_components(g):
        if len(component) < 2:
            continue
        sub = g.subgraph(component).copy()
        try:
            while True:
                u, v = nx.find_cycle(sub)[-1][:2]
                sub.remove_edge(u, v)
                dag.remove_edge(u, v)
        except nx.NetworkXNoCycle:
            pass
    descendants = {v: len(nx.descendants(dag, v)) for v in dag}
    t("descendants")
    merge_depth = {}
    for v in nx.topological_sort(dag):
        merge_depth[v] = max(
            (merge_depth[p] + 1 for p in dag.predecessors(v) if dag.edges[p, v]["merge"]),
            default=0,
        )
    t("merge_depth")
    authors, pairs = collaboration_pairs(commits)
    collab = nx.Graph()
    collab.add_nodes_from(authors)
    collab.add_edges_from(pairs)
    components = nx.number_connected_components(collab)
    t("author_components")
    return g.number_of_nodes(), g.number_of_edges(), max(descendants.values()), max(merge_depth.values()), components


def run_igraph(details, board, commits, t):
    import igraph as ig

    edges = lineage_edges(details, board)
    names = {n.lower() for n in details["name"]}
    names.update(p for p, _, _ in edges)
    index = {n: i for i, n in enumerate(sorted(names))}
    g = ig.Graph(n=len(index), edges=[(index[p], index[c]) for p, c, _ in edges], directed=True)
    g.es["merge"] = [m for _, _, m in edges]
    t("build")
    if not g.is_dag():
        g.delete_edges(g.feedback_arc_set(algo="ip") if g.vcount() < 10_000 else g.feedback_arc_set())
    descendants = [len(g.subcomponent(v, mode="out")) - 1 for v in range(g.vcount())]
    t("descendants")
    order = g.topological_sorting(mode="out")
    merge = g.es["merge"]
    depth = [0] * g.vcount()
    for v in order:
        for e in g.incident(v, mode="in"):
            if merge[e]:
                depth[v] = max(depth[v], depth[g.es[e].source] + 1)
    t("merge_depth")
    authors, pairs = collaboration_pairs(commits)
    aindex = {a: i for i, a in enumerate(sorted(authors))}
    collab = ig.Graph(n=len(aindex), edges=[(aindex[a], aindex[b]) for a, b in pairs])
    components = len(collab.connected_components())
    t("author_components")
    return g.vcount(), g.ecount(), max(descendants), max(depth), components


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--tool", choices=["networkx", "igraph"], required=True)
    args = ap.parse_args()
    phases = {}
    last = [time.perf_counter()]

    def t(name):
        now = time.perf_counter()
        phases[name] = round(now - last[0], 3)
        last[0] = now

    details, board, commits = read(args.data)
    t("read")
    run = run_networkx if args.tool == "networkx" else run_igraph
    nodes, edges, max_desc, max_merge, components = run(details, board, commits, t)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    json.dump(
        {
            "tool": args.tool,
            "phases_s": phases,
            "total_s": round(sum(phases.values()), 3),
            "models": nodes,
            "edges": edges,
            "max_descendants": max_desc,
            "max_merge_depth": max_merge,
            "author_components": components,
            "peak_mb": round(peak_mb),
        },
        sys.stdout,
    )
    print()


if __name__ == "__main__":
    main()
