"""Reads lineage's Parquet export (nodes.parquet, edges.parquet) back with pyarrow, DuckDB and,
when asked, local Spark, and checks it against the JSON export of the same graph (read with
the json module) and the counts `lineage info --format json` gives.

Usage: python3 tests/parquet_export_check.py DIR EXPORT.json INFO.json [--spark]

Checks: row counts; column types (dates as date32, counts as integers, flags as booleans,
scores as doubles); `kind` dictionary-encoded; every node's values equal to the JSON
export's; every edge present; DuckDB's counts per edge kind equal to the JSON export's; with
--spark, Spark's vertex and edge counts and GraphFrames' column names.

Exits 0 when everything matches, 1 listing every mismatch, 2 when a reader is missing.
"""

import json
import math
import os
import sys

try:
    import duckdb
    import pyarrow as pa
    import pyarrow.parquet as pq
except ImportError as e:
    print(
        f"{e.name} is missing: install it with python3 -m pip install -r tests/setup/requirements.txt",
        file=sys.stderr,
    )
    sys.exit(2)

problems = []


def check(ok, message):
    if not ok:
        problems.append(message)


def main():
    directory, export_json, info_json = sys.argv[1:4]
    spark = "--spark" in sys.argv[4:]
    nodes_path = os.path.join(directory, "nodes.parquet")
    edges_path = os.path.join(directory, "edges.parquet")
    graph = json.load(open(export_json))
    info = json.load(open(info_json))
    nodes = pq.read_table(nodes_path)
    edges = pq.read_table(edges_path)
    models = info["models"] if isinstance(info["models"], int) else info["models"]["total"]

    check(nodes.num_rows == len(graph["nodes"]), f"nodes: {nodes.num_rows} rows, JSON has {len(graph['nodes'])}")
    check(nodes.num_rows == models, f"nodes: {nodes.num_rows} rows, lineage info says {models} models")
    check(edges.num_rows == len(graph["edges"]), f"edges: {edges.num_rows} rows, JSON has {len(graph['edges'])}")

    s = nodes.schema
    check(s.names[0] == "id", f"the first node column is {s.names[0]}, not id")
    check(edges.schema.names[:2] == ["src", "dst"], f"edge columns start {edges.schema.names[:2]}")
    expected_types = {
        "id": pa.string(), "created": pa.date32(), "last_modified": pa.date32(),
        "downloads": pa.int64(), "likes": pa.int64(), "descendants": pa.int32(),
        "merge_depth": pa.int32(), "generation": pa.int32(), "flagged": pa.bool_(),
        "stub": pa.bool_(), "params_b": pa.float64(), "average": pa.float64(),
    }
    for name, ty in expected_types.items():
        check(name in s.names, f"nodes lack column {name}")
        if name in s.names:
            check(s.field(name).type == ty, f"{name} is {s.field(name).type}, expected {ty}")
    meta = pq.ParquetFile(edges_path).metadata
    for g in range(meta.num_row_groups):
        kind = meta.row_group(g).column(2)
        check(kind.path_in_schema == "kind", f"edge column 2 is {kind.path_in_schema}")
        check("RLE_DICTIONARY" in kind.encodings, f"kind is not dictionary-encoded: {kind.encodings}")
    kinds = pq.read_table(edges_path, read_dictionary=["kind"]).schema.field("kind").type
    check(pa.types.is_dictionary(kinds), f"kind does not read as a dictionary: {kinds}")

    # Every node's values against the JSON export (which leaves missing values out).
    by_id = {n["id"]: n for n in graph["nodes"]}
    rows = nodes.to_pylist()
    for r in rows:
        j = by_id.get(r["id"])
        if j is None:
            check(False, f"node {r['id']} is not in the JSON export")
            continue
        for name, value in r.items():
            if name == "id":
                continue
            if value is None:
                check(name not in j, f"{r['id']}: {name} is null, JSON has {j.get(name)!r}")
                continue
            if hasattr(value, "isoformat"):
                value = value.isoformat()
            expected = j.get(name)
            if isinstance(value, float):
                ok = isinstance(expected, (int, float)) and math.isclose(value, expected, rel_tol=1e-9)
            else:
                ok = value == expected and type(value) is type(expected)
            check(ok, f"{r['id']}: {name} is {value!r} in Parquet, {expected!r} in JSON")
    json_edges = sorted((e["source"], e["target"], e["kind"]) for e in graph["edges"])
    pq_edges = sorted(zip(*(edges.column(c).to_pylist() for c in ("src", "dst", "kind"))))
    check(pq_edges == json_edges, "the edges differ from the JSON export's")

    # DuckDB reads the files on its own.
    con = duckdb.connect()
    n = con.execute(f"select count(*) from read_parquet('{nodes_path}')").fetchone()[0]
    check(n == models, f"DuckDB counts {n} nodes, lineage info {models}")
    per_kind = dict(con.execute(
        f"select kind, count(*) from read_parquet('{edges_path}') group by kind").fetchall())
    json_kinds = {}
    for e in graph["edges"]:
        json_kinds[e["kind"]] = json_kinds.get(e["kind"], 0) + 1
    check(per_kind == json_kinds, f"DuckDB edges per kind {per_kind}, JSON {json_kinds}")
    joined = con.execute(
        f"select count(*) from read_parquet('{edges_path}') e "
        f"join read_parquet('{nodes_path}') s on e.src = s.id "
        f"join read_parquet('{nodes_path}') d on e.dst = d.id").fetchone()[0]
    check(joined == edges.num_rows, f"{edges.num_rows - joined} edges name a node not in nodes.parquet")
    top = con.execute(
        f"select id, descendants from read_parquet('{nodes_path}') order by descendants desc, id limit 1"
    ).fetchone()
    best = max(graph["nodes"], key=lambda x: (x["descendants"], [-ord(c) for c in x["id"]]))
    check(top[1] == best["descendants"], f"DuckDB's most-derived model has {top}, JSON {best['descendants']}")

    if spark:
        check_spark(nodes_path, edges_path, nodes.num_rows, edges.num_rows)

    if problems:
        print("\n".join(problems))
        sys.exit(1)
    print(f"pyarrow and DuckDB{' and Spark' if spark else ''} read {nodes.num_rows} nodes and {edges.num_rows} edges back")


def check_spark(nodes_path, edges_path, n_nodes, n_edges):
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        print("pyspark is missing: install it with python3 -m pip install -r tests/setup/requirements.txt",
              file=sys.stderr)
        sys.exit(2)
    spark = (SparkSession.builder.master("local[1]").appName("lineage-check")
             .config("spark.ui.enabled", "false")
             .config("spark.sql.shuffle.partitions", "1")
             .config("spark.driver.bindAddress", "127.0.0.1")
             .config("spark.driver.host", "127.0.0.1")
             .getOrCreate())
    try:
        v = spark.read.parquet(nodes_path)
        e = spark.read.parquet(edges_path)
        check(v.count() == n_nodes, f"Spark counts {v.count()} vertices, expected {n_nodes}")
        check(e.count() == n_edges, f"Spark counts {e.count()} edges, expected {n_edges}")
        # GraphFrame(v, e) needs exactly these columns.
        check("id" in v.columns, f"vertices lack id: {v.columns}")
        check({"src", "dst"} <= set(e.columns), f"edges lack src/dst: {e.columns}")
        kinds = {r["kind"] for r in e.select("kind").distinct().collect()}
        check(kinds <= {"finetune", "adapter", "quantized", "merge", "unspecified"}, f"Spark reads kinds {kinds}")
    finally:
        spark.stop()


if __name__ == "__main__":
    main()
