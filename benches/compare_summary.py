"""Puts lineage's figures (lineage.txt: phase, seconds, MB per process) next to each Python
tool's (TOOL.json from compare.py / compare_duckdb.py) and prints the ratios that
benches/RESULTS.md records. Used by benches/compare.sh.

    python benches/compare_summary.py RESULTS_DIR
"""

import json
import pathlib
import sys

# The whole-workload ratios benches/RESULTS.md holds lineage to, tool by tool.
TARGETS = {"igraph": 15, "networkx": 100, "duckdb": 5}
PASSES = ["descendants", "merge_depth", "author_components"]
# lineage's process for each pass; each includes loading the graph file.
LINEAGE_PASS = {"descendants": "derivatives", "merge_depth": "merge-depth", "author_components": "authors"}


def lineage_counts(outputs):
    """The counts lineage's own outputs give, to set beside each tool's."""
    info = json.loads((outputs / "info.json").read_text())
    derivatives = json.loads((outputs / "derivatives.json").read_text())
    depth = json.loads((outputs / "merge-depth.json").read_text())
    authors = json.loads((outputs / "authors.json").read_text())
    return {
        "models": info["models"],
        "edges": info["edges"],
        "max_descendants": max((d["descendants"] for d in derivatives), default=0),
        "max_merge_depth": max((d["depth"] for d in depth["distribution"]), default=0),
        "author_components": authors["components"],
    }


def main():
    results = pathlib.Path(sys.argv[1])
    lineage = {}
    for line in (results / "lineage.txt").read_text().splitlines():
        name, s, mb = line.split()
        lineage[name] = (float(s), float(mb))
    tools = {}
    for f in sorted(results.glob("*.json")):
        tools[f.stem] = json.loads(f.read_text())
    ours = {"read + build": lineage["build"][0]}
    for p in PASSES:
        ours[p] = lineage[LINEAGE_PASS[p]][0]
    ours_total = sum(ours.values())

    names = list(tools)
    print()
    print("| phase | lineage | " + " | ".join(tools[n]["tool"] if n == "duckdb" else n for n in names) + " |")
    print("|---|---:|" + "---:|" * len(names))

    def phase(t, p):
        ph = t["phases_s"]
        if p == "read + build":
            return ph.get("read", 0) + ph.get("build", 0)
        return ph.get(p, float("nan"))

    for p in ["read + build"] + PASSES:
        cells = [f"{phase(tools[n], p):.2f} s" for n in names]
        print(f"| {p} | {ours[p]:.2f} s | " + " | ".join(cells) + " |")
    print(f"| whole workload | {ours_total:.2f} s | " + " | ".join(f"{tools[n]['total_s']:.2f} s" for n in names) + " |")
    peak = max(mb for _, mb in lineage.values())
    print(f"| peak memory | {peak:.0f} MB | " + " | ".join(f"{tools[n]['peak_mb']} MB" for n in names) + " |")
    counts = lineage_counts(results / "lineage")
    for key in ["models", "edges", "max_descendants", "max_merge_depth", "author_components"]:
        print(f"| {key} | {counts[key]} | " + " | ".join(str(tools[n][key]) for n in names) + " |")
    print()
    for n in names:
        t = tools[n]
        ratio = t["total_s"] / ours_total
        line = f"{n}: whole workload {ratio:.1f}x lineage's"
        if n in TARGETS:
            line += f" (target {TARGETS[n]}x: {'met' if ratio >= TARGETS[n] else 'missed'})"
        print(line)
    if "duckdb" in tools:
        ph = tools["duckdb"]["phases_s"]
        duck_ingest = ph["read"] + ph["build"]
        print(
            f"ingest: lineage build {ours['read + build']:.2f} s, DuckDB read + edges {duck_ingest:.2f} s "
            f"({'faster' if ours['read + build'] < duck_ingest else 'slower'})"
        )


if __name__ == "__main__":
    main()
