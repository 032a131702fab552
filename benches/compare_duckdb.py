"""The lineage workload written the way a SQL user would, in DuckDB: read_csv for the three
files, the lineage edges by SQL (list cells taken apart with regular expressions), every
model's descendants by a recursive CTE with USING KEY, the longest merge chain by peeling
merge edges round by round, and author components by label propagation. Used by
benches/compare.sh.

    python benches/compare_duckdb.py --data DIR [--threads 2]

Prints one JSON object in the shape benches/compare.py prints.
"""

import argparse
import json
import resource
import sys
import time

import duckdb

PLACEHOLDERS = "('', 'unknown', '[]', 'none', 'null', 'nan', 'removed')"
# Items of a Python list literal: the text between single quotes.
ITEMS = r"""regexp_extract_all({col}, '''([^'']*)''', 1)"""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    con = duckdb.connect()
    con.execute(f"SET threads = {args.threads}")
    phases = {}
    last = [time.perf_counter()]

    def t(name):
        now = time.perf_counter()
        phases[name] = round(now - last[0], 3)
        last[0] = now

    d = args.data
    con.execute(
        f"CREATE TABLE details AS SELECT * FROM read_csv('{d}/details.csv', all_varchar = true, "
        "ignore_errors = true, header = true)"
    )
    con.execute(
        f"CREATE TABLE board AS SELECT * FROM read_csv('{d}/leaderboard.csv', delim = ';', "
        "all_varchar = true, ignore_errors = true, header = true)"
    )
    con.execute(
        f"CREATE TABLE commits AS SELECT * FROM read_csv('{d}/commits.csv', all_varchar = true, "
        "ignore_errors = true, header = true)"
    )
    t("read")

    # Lineage edges as benches/compare.py defines them: base_model (an id or a list) and
    # base_model:[RELATION:]ID tags; ids lower-cased; two parents or a merge mark make a merge.
    con.execute(
        f"""
        CREATE TABLE refs AS
        WITH d AS (SELECT lower(name) AS child, base_model, tags FROM details),
        from_base AS (
            SELECT child, unnest(CASE WHEN starts_with(base_model, '[')
                                      THEN {ITEMS.format(col="base_model")}
                                      ELSE [base_model] END) AS ref
            FROM d
        ),
        tag AS (
            SELECT child, unnest({ITEMS.format(col="tags")}) AS tag FROM d
            WHERE starts_with(tags, '[')
        ),
        from_tags AS (
            SELECT child,
                   CASE WHEN split_part(rest, ':', 1) IN ('finetune', 'adapter', 'quantized', 'merge')
                             AND split_part(rest, ':', 2) <> ''
                        THEN substr(rest, length(split_part(rest, ':', 1)) + 2)
                        ELSE rest END AS ref
            FROM (SELECT child, substr(tag, 12) AS rest FROM tag WHERE starts_with(tag, 'base_model:'))
        )
        SELECT DISTINCT lower(trim(ref)) AS parent, child
        FROM (SELECT * FROM from_base UNION ALL SELECT * FROM from_tags)
        WHERE lower(trim(ref)) NOT IN {PLACEHOLDERS}
          AND length(ref) - length(replace(ref, '/', '')) = 1
          AND lower(trim(ref)) <> child
        """
    )
    con.execute(
        """
        CREATE TABLE merged AS
        SELECT DISTINCT lower(model_name_for_query) AS child FROM board
        WHERE "Merged" = 'False' OR starts_with("TypeString", '🤝')
        UNION
        SELECT DISTINCT child FROM (
            SELECT lower(name) AS child, unnest(regexp_extract_all(tags, '''([^'']*)''', 1)) AS tag
            FROM details WHERE starts_with(tags, '[')
        ) WHERE tag = 'merge' OR starts_with(tag, 'base_model:merge:')
        """
    )
    con.execute(
        """
        CREATE TABLE edges AS
        SELECT r.parent, r.child,
               (count(*) OVER (PARTITION BY r.child) >= 2 OR m.child IS NOT NULL) AS merge
        FROM refs r LEFT JOIN merged m ON m.child = r.child
        """
    )
    nodes = con.execute(
        "SELECT count(*) FROM (SELECT lower(name) FROM details UNION SELECT parent FROM edges)"
    ).fetchone()[0]
    edge_count = con.execute("SELECT count(*) FROM edges").fetchone()[0]
    t("build")

    # Every model's descendants: pairs (root, node) reached, each key kept once, so cycles
    # end the recursion.
    max_desc = con.execute(
        """
        WITH RECURSIVE reach(root, node) USING KEY (root, node) AS (
            SELECT parent, child FROM edges
            UNION
            SELECT r.root, e.child FROM reach r JOIN edges e ON e.parent = r.node
            WHERE e.child <> r.root
        )
        SELECT coalesce(max(n), 0) FROM (SELECT root, count(*) AS n FROM reach GROUP BY root)
        """
    ).fetchone()[0]
    t("descendants")

    # Longest merge chain by peeling (Kahn's algorithm): a model's depth is the round in which
    # its last merge parent was placed. A recursive CTE that follows merge edges never ends on a
    # cycle of merges (the synthetic ecosystem has some, as the Hub does); peeling simply leaves
    # the models of a cycle, and those below it, without a depth.
    con.execute("CREATE TABLE medges AS SELECT DISTINCT parent, child FROM edges WHERE merge")
    con.execute(
        "CREATE TABLE waiting AS SELECT child AS node, count(*) AS n FROM medges GROUP BY child"
    )
    con.execute(
        "CREATE TABLE frontier AS SELECT DISTINCT parent AS node FROM medges "
        "WHERE parent NOT IN (SELECT node FROM waiting)"
    )
    max_merge = 0
    while con.execute("SELECT count(*) FROM frontier").fetchone()[0] > 0:
        con.execute(
            """
            CREATE OR REPLACE TABLE arrived AS
            SELECT e.child AS node, count(*) AS n FROM medges e JOIN frontier f ON f.node = e.parent
            GROUP BY e.child
            """
        )
        con.execute(
            "UPDATE waiting SET n = waiting.n - a.n FROM arrived a WHERE a.node = waiting.node"
        )
        con.execute(
            "CREATE OR REPLACE TABLE frontier AS SELECT w.node FROM waiting w "
            "JOIN arrived a ON a.node = w.node WHERE w.n = 0"
        )
        if con.execute("SELECT count(*) FROM frontier").fetchone()[0] > 0:
            max_merge += 1
    t("merge_depth")

    # Author components: consecutive committers of one repo linked, then label propagation
    # (every author takes the smallest label among its neighbours until nothing changes).
    con.execute(
        """
        CREATE TABLE people AS
        SELECT DISTINCT repo, a AS author FROM (
            SELECT repo, unnest(regexp_extract_all(authors, '''([^'']*)''', 1)) AS a
            FROM (SELECT row_number() OVER () AS repo, authors FROM commits)
            WHERE starts_with(authors, '[')
        ) WHERE a <> '' AND NOT ends_with(lower(a), 'bot')
        """
    )
    con.execute(
        """
        CREATE TABLE links AS
        WITH per_repo AS (
            SELECT repo, author, lead(author) OVER (PARTITION BY repo ORDER BY author) AS next
            FROM (SELECT DISTINCT repo, author FROM people)
        )
        SELECT author AS a, next AS b FROM per_repo WHERE next IS NOT NULL
        UNION ALL SELECT next, author FROM per_repo WHERE next IS NOT NULL
        """
    )
    con.execute(
        "CREATE TABLE label AS SELECT DISTINCT author, author AS l FROM people"
    )
    while True:
        changed = con.execute(
            """
            WITH best AS (
                SELECT k.a AS author, min(lb.l) AS l FROM links k JOIN label lb ON lb.author = k.b
                GROUP BY k.a
            )
            UPDATE label SET l = best.l FROM best
            WHERE label.author = best.author AND best.l < label.l
            """
        ).fetchone()[0]
        if changed == 0:
            break
    components = con.execute("SELECT count(DISTINCT l) FROM label").fetchone()[0]
    t("author_components")

    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    json.dump(
        {
            "tool": f"duckdb {duckdb.__version__} ({args.threads} threads)",
            "phases_s": phases,
            "total_s": round(sum(phases.values()), 3),
            "models": nodes,
            "edges": edge_count,
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
