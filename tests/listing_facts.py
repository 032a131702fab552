#!/usr/bin/env python3
"""Independent count of the lineage in the Hub listing of September 2024.

Reads ../shared/data/hub-listing-2024/models.csv with the csv and ast modules only (no
lineage code) and prints, as one JSON object, the facts that tests/it/ingest_real.rs pins:
rows, distinct parents named by tags and how many of them the listing does not describe,
self-references, models with a parent, edges by kind, and the models with a creation date.

The rules are the methodology's: lineage is in the `base_model:ID` and
`base_model:RELATION:ID` tags; ids are compared case-insensitively after the alias table
(graphs/aliases.csv); a model naming itself gets no edge; an edge is a merge when its child
has two or more parents, else the relation its tag states, else a merge when the child is
tagged `merge` or `mergekit`, else unspecified. A listing has no creation dates: the only
dated models are those the shipped date corrections (graphs/date-corrections.csv) date.

Run: python3 tests/listing_facts.py
"""
import ast
import collections
import csv
import json
import os
import sys

from project_tables import ALIASES, CORRECTIONS

HERE = os.path.dirname(os.path.abspath(__file__))
LISTING = os.path.join(HERE, "..", "..", "shared", "data", "hub-listing-2024", "models.csv")
if not os.path.isfile(LISTING):
    sys.exit(f"missing {LISTING}")

RELATIONS = {"finetune", "adapter", "quantized", "merge"}




def key(i):
    i = i.strip()
    return ALIASES.get(i.lower(), i).lower()


def tags_of(s):
    try:
        v = ast.literal_eval(s)
    except (ValueError, SyntaxError):
        return []
    return [t for t in v if isinstance(t, str)] if isinstance(v, list) else []


rows = 0
described = {}  # lower id -> id as written
parents_of = {}  # lower child id -> {lower parent id: stated relation or None}
merge_tagged = set()
self_references = 0
with open(LISTING, encoding="utf-8", newline="") as f:
    for row in csv.DictReader(f):
        rows += 1
        child = key(row["modelId"])
        described[child] = row["modelId"].strip()
        tags = tags_of(row["tags"])
        if "merge" in tags or "mergekit" in tags:
            merge_tagged.add(child)
        named = {}
        for t in tags:
            if not t.startswith("base_model:"):
                continue
            rest = t[len("base_model:"):]
            relation = None
            head, _, tail = rest.partition(":")
            if tail and head in RELATIONS:
                relation, rest = head, tail
            parent = key(rest)
            if relation is not None or parent not in named:
                named[parent] = relation if relation is not None else named.get(parent)
        if child in named:
            self_references += 1
            del named[child]
        if named:
            parents_of[child] = named

parents = {p for named in parents_of.values() for p in named}
kinds = collections.Counter()
for child, named in parents_of.items():
    for parent, relation in named.items():
        if len(named) >= 2:
            kinds["merge"] += 1
        elif relation is not None:
            kinds[relation] += 1
        elif child in merge_tagged:
            kinds["merge"] += 1
        else:
            kinds["unspecified"] += 1

models = set(described) | parents
dated = sorted((described.get(m, m), CORRECTIONS[m]) for m in models if m in CORRECTIONS)
facts = {
    "rows": rows,
    "described": len(described),
    "parents": len(parents),
    "stubs": len(parents - set(described)),
    "self_references": self_references,
    "with_parent": len(parents_of),
    "edges": sum(kinds.values()),
    "edges_by_kind": {k: kinds[k] for k in ["finetune", "adapter", "quantized", "merge", "unspecified"]},
    "dated": dated,
}
json.dump(facts, sys.stdout, indent=1, sort_keys=True)
print()
