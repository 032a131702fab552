"""Hub statistics snapshots written by pyarrow (an independent Parquet writer), and an
independent count of what a snapshot holds, for tests/it/parquet.rs.

Usage:
  python3 tests/parquet_snapshot.py write DIR   writes the test snapshots into DIR
  python3 tests/parquet_snapshot.py count FILE  prints, as JSON, what FILE describes

`count` follows methodology section 1 on its own: one model per id compared without case,
parents from baseModels, `base_model:[RELATION:]ID` tags and the card's base_model, a parent
no row describes becomes a stub, one edge per (parent, child), self-references dropped. It
reads the columns with pyarrow, one row group at a time.

Exits 2 when pyarrow is missing.
"""

import json
import sys

try:
    import pyarrow as pa
    import pyarrow.parquet as pq
except ImportError:
    print(
        "pyarrow is missing: install it with python3 -m pip install -r tests/setup/requirements.txt",
        file=sys.stderr,
    )
    sys.exit(2)

UTC = pa.timestamp("us", tz="UTC")
BASE_MODELS = pa.struct(
    [
        ("relation", pa.string()),
        ("models", pa.list_(pa.struct([("_id", pa.string()), ("id", pa.string())]))),
    ]
)
SAFETENSORS = pa.struct(
    [("parameters", pa.map_(pa.string(), pa.int64())), ("total", pa.int64())]
)
SIBLINGS = pa.list_(pa.struct([("rfilename", pa.string())]))
FULL = pa.schema(
    [
        ("_id", pa.string()),
        ("id", pa.string()),
        ("author", pa.string()),
        ("createdAt", UTC),
        ("lastModified", UTC),
        ("likes", pa.int64()),
        ("downloads", pa.int64()),
        ("downloadsAllTime", pa.int64()),
        ("trendingScore", pa.float64()),
        ("pipeline_tag", pa.string()),
        ("library_name", pa.string()),
        ("gated", pa.string()),
        ("tags", pa.list_(pa.string())),
        ("baseModels", BASE_MODELS),
        ("safetensors", SAFETENSORS),
        ("cardData", pa.string()),
        ("siblings", SIBLINGS),
        ("config", pa.string()),
    ]
)


def ts(text):
    import datetime

    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))


def bm(relation, *ids):
    return {"relation": relation, "models": [{"_id": None, "id": i} for i in ids]}


def row(**kw):
    return {name: kw.get(name) for name in FULL.names}


# Every row below is pinned by a test in tests/it/parquet.rs.
ROWS = [
    # The Hub's first day: "at or before".
    row(id="org/base", author="org", createdAt=ts("2022-03-02T23:29:04Z"), likes=10,
        downloads=100, tags=["transformers", "license:apache-2.0"],
        safetensors={"parameters": [("BF16", 7_241_732_096)], "total": 7_241_732_096},
        cardData='{"license": "apache-2.0"}', library_name="transformers",
        pipeline_tag="text-generation",
        siblings=[{"rfilename": f"model-{i:05}.safetensors"} for i in range(200)],
        config='{"architectures": ["MistralForCausalLM"]}'),
    # One parent named three ways: one fine-tune edge.
    row(id="me/tuned", author="me", createdAt=ts("2024-01-05T10:00:00Z"),
        baseModels=bm("finetune", "org/base"),
        tags=["base_model:org/base", "base_model:finetune:org/base"],
        cardData='{"base_model": "org/base", "base_model_relation": "finetune"}'),
    # Two parents, one of which no row describes (a stub): a merge.
    row(id="me/merged", createdAt=ts("2024-02-01T00:00:00Z"),
        cardData='{"base_model": ["org/base", "Other/Base2"], "license": "mit"}'),
    # Ids differing only in case: one model.
    row(id="me/Quant", createdAt=ts("2024-03-01T00:00:00Z"), baseModels=bm("quantized", "me/tuned")),
    row(id="ME/quant", downloads=7),
    # A relation outside the four spellings the Hub uses: an issue, the edge unspecified.
    row(id="me/odd", baseModels=bm("distillation", "org/base")),
    # Upper-case spelling of a known relation.
    row(id="me/adapter", baseModels=bm("ADAPTER", "org/base")),
    # No id: a rejected row.
    row(id=None, author="ghost"),
    # Nothing but an id: nulls everywhere else.
    row(id="x/nulls"),
    # Card data that is not JSON: an issue naming row group, row and column.
    row(id="x/badcard", cardData="{not json"),
    # A parent no row describes, named by a tag only.
    row(id="x/child", tags=["base_model:adapter:nobody/described"]),
]

OLD = pa.schema(
    [
        ("id", pa.string()),
        ("author", pa.string()),
        ("createdAt", UTC),
        ("likes", pa.int64()),
        ("downloads", pa.int64()),
        ("tags", pa.list_(pa.string())),
    ]
)
OLD_ROWS = [
    {"id": "old/base", "author": "old", "createdAt": ts("2022-03-02T23:29:04Z"),
     "likes": 1, "downloads": 2, "tags": ["pytorch"]},
    {"id": "old/child", "author": "old", "createdAt": None, "likes": None,
     "downloads": None, "tags": ["base_model:old/base", None]},
]

# Values of the wrong type: likes as text, createdAt as text that is no date.
TYPES = pa.schema([("id", pa.string()), ("likes", pa.string()), ("createdAt", pa.string())])
TYPES_ROWS = [
    {"id": "t/one", "likes": "12", "createdAt": "2024-01-01T00:00:00Z"},
    {"id": "t/two", "likes": None, "createdAt": "yesterday"},
]


# Shapes the column walk does not take, read through the record reader instead: tags as a
# struct, baseModels as a list, a parameter count as text. Each is a counted issue.
ODD = pa.schema(
    [
        ("id", pa.string()),
        ("tags", pa.struct([("first", pa.string())])),
        ("baseModels", pa.list_(pa.string())),
        ("safetensors", pa.struct([("total", pa.string())])),
        ("likes", pa.uint32()),
    ]
)
ODD_ROWS = [
    {"id": "o/one", "tags": {"first": "base_model:o/two"}, "baseModels": ["o/two"],
     "safetensors": {"total": "7B"}, "likes": 3},
    {"id": "o/two", "tags": None, "baseModels": None, "safetensors": None, "likes": None},
]


def many_rows(n):
    """Rows whose lists vary in length (null, empty, null entries, up to 14 tags) so that
    lists cross data pages and rows cross row groups; parents are earlier rows."""
    import random

    rng = random.Random(7)
    rows = []
    for i in range(n):
        r = {"id": f"p/m{i}"}
        roll = rng.random()
        if roll < 0.1:
            tags = None
        elif roll < 0.15:
            tags = []
        else:
            tags = [rng.choice(["transformers", "safetensors", "license:mit", None, "dataset:d/x"])
                    for _ in range(rng.randrange(0, 12))]
            if i and rng.random() < 0.4:
                tags.append(f"base_model:p/m{rng.randrange(i)}")
            if i and rng.random() < 0.2:
                tags.append(f"base_model:finetune:p/m{rng.randrange(i)}")
        r["tags"] = tags
        roll = rng.random()
        if roll < 0.4 or i == 0:
            r["baseModels"] = None
        elif roll < 0.45:
            r["baseModels"] = {"relation": None, "models": None}
        elif roll < 0.5:
            r["baseModels"] = {"relation": "merge", "models": []}
        else:
            models = []
            for _ in range(rng.randrange(1, 5)):
                kind = rng.random()
                if kind < 0.08:
                    models.append(None)
                elif kind < 0.16:
                    models.append({"_id": "x", "id": None})
                else:
                    models.append({"_id": None, "id": f"p/m{rng.randrange(i)}"})
            r["baseModels"] = {"relation": rng.choice(["finetune", "adapter", "merge", None]),
                               "models": models}
        if i and rng.random() < 0.1:
            r["cardData"] = json.dumps({"base_model": f"p/m{rng.randrange(i)}"})
        r["createdAt"] = None if rng.random() < 0.1 else ts("2024-01-01T00:00:00Z")
        r["likes"] = None if rng.random() < 0.1 else rng.randrange(100)
        rows.append(row(**r))
    return rows


def write(directory):
    import os

    table = pa.Table.from_pylist(ROWS, schema=FULL)
    # Three rows per row group, so that issues name groups past the first.
    pq.write_table(table, os.path.join(directory, "snapshot.parquet"), row_group_size=3,
                   compression="snappy")
    pq.write_table(pa.Table.from_pylist(OLD_ROWS, schema=OLD),
                   os.path.join(directory, "old.parquet"), compression="zstd")
    pq.write_table(pa.Table.from_pylist(TYPES_ROWS, schema=TYPES),
                   os.path.join(directory, "types.parquet"))
    pq.write_table(pa.Table.from_pylist(ODD_ROWS, schema=ODD),
                   os.path.join(directory, "odd.parquet"))
    many = pa.Table.from_pylist(many_rows(40_000), schema=FULL)
    # Pages of a few hundred bytes and row groups of 20,000 rows: lists cross page
    # boundaries, in version 1 pages with dictionaries and in version 2 pages without, and
    # each row group is more than one of the reader's chunks (16,384 rows).
    pq.write_table(many, os.path.join(directory, "pages.parquet"), row_group_size=20_000,
                   data_page_size=256, write_batch_size=16, compression="snappy")
    pq.write_table(many, os.path.join(directory, "pages-v2.parquet"), row_group_size=20_000,
                   data_page_size=256, write_batch_size=16, data_page_version="2.0", use_dictionary=False,
                   compression="zstd")
    no_id = pa.table({"modelId": ["a/b"], "likes": [1]})
    pq.write_table(no_id, os.path.join(directory, "no-id.parquet"))
    whole = open(os.path.join(directory, "snapshot.parquet"), "rb").read()
    with open(os.path.join(directory, "truncated.parquet"), "wb") as f:
        f.write(whole[: len(whole) // 2])
    with open(os.path.join(directory, "not-parquet.parquet"), "wb") as f:
        f.write(bytes(range(256)) * 4)


RELATIONS = {"finetune", "adapter", "quantized", "merge"}


def count(path):
    f = pq.ParquetFile(path)
    names = set(f.schema_arrow.names)
    columns = [c for c in ("id", "tags", "baseModels", "cardData") if c in names]
    rows = 0
    entries_without_id = 0
    described = set()
    parents = {}
    for g in range(f.num_row_groups):
        t = f.read_row_group(g, columns=columns).to_pydict()
        for i, mid in enumerate(t["id"]):
            rows += 1
            if mid is None or not mid.strip():
                continue
            child = mid.strip().lower()
            described.add(child)
            named = parents.setdefault(child, set())
            for tag in (t["tags"][i] if "tags" in t else None) or []:
                if tag and tag.startswith("base_model:"):
                    rest = tag[len("base_model:"):]
                    rel, _, pid = rest.partition(":")
                    named.add((pid if pid and rel in RELATIONS else rest).lower())
            b = t["baseModels"][i] if "baseModels" in t else None
            for m in (b or {}).get("models") or []:
                if m and m.get("id"):
                    named.add(m["id"].lower())
                else:
                    entries_without_id += 1
            card = t["cardData"][i] if "cardData" in t else None
            if card:
                try:
                    c = json.loads(card)
                except ValueError:
                    c = None
                base = c.get("base_model") if isinstance(c, dict) else None
                for p in [base] if isinstance(base, str) else base or []:
                    if isinstance(p, str):
                        named.add(p.lower())
    edges = set()
    stubs = set()
    for child, ps in parents.items():
        for p in ps:
            if p == child or p.count("/") != 1:
                continue
            edges.add((p, child))
            if p not in described:
                stubs.add(p)
    print(json.dumps({
        "rows": rows,
        "row_groups": f.num_row_groups,
        "models": len(described) + len(stubs),
        "described": len(described),
        "stubs": len(stubs),
        "edges": len(edges),
        "entries_without_id": entries_without_id,
        "edge_list": sorted(f"{p} -> {c}" for p, c in edges),
    }))


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("write", "count"):
        print(__doc__, file=sys.stderr)
        sys.exit(64)
    (write if sys.argv[1] == "write" else count)(sys.argv[2])
