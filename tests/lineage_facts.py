#!/usr/bin/env python3
"""Independent check of the lineage numbers on the real 2024 data.

Reads ../shared/data/openllm-2024/{details,leaderboard,commits}.csv with the csv and ast
modules only (no lineage code) and prints, as one JSON object, the facts that
tests/it/query.rs pins: the descendants of Mistral-7B-v0.1 by kind, the models with the most
descendants, the distribution of merge-chain depths and the deepest chain, and the improvement
of Mistral-7B-v0.1's family over it.

It follows the methodology's rules:
- one node per repo id, case-insensitive, legacy ids through graphs/aliases.csv; a base no
  input describes is a stub node;
- edges from details.csv's `base_model` field (an id, a list of ids, or a free-text name the
  alias table resolves, or that is a model's id or its `namespace_name` spelling) and its
  `base_model:ID` / `base_model:RELATION:ID` tags, de-duplicated;
  a model naming itself gets no edge; a Hub metadata row that repeats the previous row's under
  another name is a failed lookup's copy and is not used;
- a child with two or more parents is a merge (all its edges `merge`); one parent: the
  relation its tag states, else `merge` when the child is marked a merge (leaderboard type 🤝,
  the inverted Merged column, a `merge` tag), else `unspecified`;
- the leaderboard row with the best average stands for its repo; its inverted Flagged column
  marks flagged models, which lineage runs through but no count includes;
- a creation date is the Hub's (details.csv), else the repo's first commit, after the
  shipped date corrections (graphs/date-corrections.csv).

Run: python3 tests/lineage_facts.py
"""
import ast
import collections
import csv
import datetime
import json
import os
import sys

from project_tables import ALIASES, CORRECTIONS

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "..", "shared", "data", "openllm-2024")
if not os.path.isdir(DATA):
    sys.exit(f"missing {DATA}")

RELATIONS = {"finetune", "adapter", "quantized", "merge"}
PLACEHOLDERS = {"", "unknown", "none", "[]", "nan"}
MISTRAL = "mistralai/mistral-7b-v0.1"




def pylist(s):
    s = s.strip()
    if not s:
        return []
    try:
        v = ast.literal_eval(s)
    except (ValueError, SyntaxError):
        return [s]
    return v if isinstance(v, list) else [v]


names = {}  # lower id -> id as first written


def key(i):
    i = ALIASES.get(i.strip().lower(), i.strip())
    k = i.lower()
    names.setdefault(k, i)
    return k


pending = []  # (child, free-text name, relation): resolved once every input is read


def reference(value, child, relation=None):
    """The node a base_model value names, or None (a placeholder, or free text left for
    later: a name without `/` that the alias table does not know)."""
    if not isinstance(value, str):
        return None
    v = value.strip()
    if v.lower() in PLACEHOLDERS:
        return None
    if "/" not in v and v.lower() not in ALIASES:
        pending.append((child, v, relation))
        return None
    return key(v)


described = set()
created = {}
license_of = {}  # lower id -> the license its tags, else its leaderboard row, declare
merge_tagged = set()
named = collections.defaultdict(dict)  # child -> {parent: stated relation or None}

previous = None
with open(os.path.join(DATA, "details.csv"), encoding="utf-8", newline="") as f:
    r = csv.reader(f)
    header = next(r)
    name_i = header.index("name")
    for row in r:
        i = row[name_i].strip()
        if not i:
            continue
        child = key(i)
        described.add(child)
        meta = tuple(row[name_i + 1:])
        if not any(x.strip() for x in meta):
            previous = None
        elif previous is not None and previous[0] == meta and previous[1] != child:
            continue  # a failed lookup's copy; `previous` keeps pointing at the origin
        else:
            previous = (meta, child)
        rec = dict(zip(header, row))
        c = rec["created_at"].strip()
        if c and child not in created:
            created[child] = c[:10]
        tags = [t for t in pylist(rec["tags"]) if isinstance(t, str)]
        for t in tags:
            if t.startswith("license:") and child not in license_of:
                license_of[child] = t[len("license:"):]
        if "merge" in tags:
            merge_tagged.add(child)
        parents = named[child]
        for value in pylist(rec["base_model"]):
            p = reference(value, child)
            if p is not None:
                parents.setdefault(p, None)
        for t in tags:
            if not t.startswith("base_model:"):
                continue
            rest = t[len("base_model:"):]
            relation = None
            head, _, tail = rest.partition(":")
            if tail and head in RELATIONS:
                relation, rest = head, tail
            p = reference(rest, child, relation)
            if p is not None and (relation is not None or p not in parents):
                parents[p] = relation if relation is not None else parents.get(p)

best = {}
with open(os.path.join(DATA, "leaderboard.csv"), encoding="utf-8", newline="") as f:
    for row in csv.DictReader(f, delimiter=";"):
        i = row["model_name_for_query"].strip()
        if not i:
            continue
        try:
            avg = float(row["Average ⬆️"])
        except ValueError:
            avg = None
        k = key(i)
        described.add(k)
        if k not in best or (avg is not None and (best[k][1] is None or avg > best[k][1])):
            best[k] = (row, avg)
flagged = {k for k, (row, _) in best.items() if row["Flagged"].strip() == "False"}
for k, (row, _) in best.items():
    hub = row["Hub License"].strip()
    if k not in license_of and hub.lower() not in {"", "?", "none", "nan"}:
        license_of[k] = hub
marked_merge = {k for k, (row, _) in best.items()
                if row["Merged"].strip() == "False" or row["Type"].strip().startswith("🤝")
                or row["TypeString"].strip().startswith("🤝")} | merge_tagged
average = {k: a for k, (_, a) in best.items() if a is not None}

with open(os.path.join(DATA, "commits.csv"), encoding="utf-8", newline="") as f:
    for row in csv.DictReader(f):
        k = key(row["name"])
        described.add(k)
        first = row["first_commit"].strip()
        if k not in created and first:
            created[k] = first[:10]
# Free text that names a model after all: an id exactly (legacy ids such as `gpt2`), or the
# leaderboard's `namespace_name` spelling of one (the first `_` for the `/`).
for child, v, relation in pending:
    ns, _, rest = v.partition("_")
    for candidate in [v.lower(), f"{ns}/{rest}".lower() if rest else None]:
        if candidate in names:
            ps = named[child]
            if relation is not None or candidate not in ps:
                ps[candidate] = relation if relation is not None else ps.get(candidate)
            break
for k, day in CORRECTIONS.items():
    if k in names:
        created[k] = day

children = collections.defaultdict(list)
parents_of = collections.defaultdict(list)
kind_of = {}  # child -> the kind of its parent edges
for child, ps in named.items():
    ps.pop(child, None)  # self-references get no edge
    if not ps:
        continue
    for p, relation in ps.items():
        if len(ps) >= 2:
            kind = "merge"
        elif relation is not None:
            kind = relation
        elif child in marked_merge:
            kind = "merge"
        else:
            kind = "unspecified"
        kind_of[child] = kind
        children[p].append(child)
        parents_of[child].append(p)
nodes = set(names)


def descendants(v):
    seen, stack = set(), [v]
    while stack:
        for c in children[stack.pop()]:
            if c not in seen:
                seen.add(c)
                stack.append(c)
    return seen


counted = lambda v: v not in flagged  # noqa: E731
per_model = {}  # models not flagged with descendants not flagged
for v in filter(counted, nodes):
    d = [c for c in descendants(v) if counted(c)]
    if d:
        per_model[v] = (len(d), sum(1 for c in children[v] if counted(c)))
top = sorted(per_model, key=lambda v: (-per_model[v][0], -per_model[v][1], v))[:3]
mistral = [c for c in descendants(MISTRAL) if counted(c)]
by_kind = collections.Counter(kind_of[c] for c in mistral)

# Merge depth: the longest path of merge edges ending at each model (the data has no cycles).
sys.setrecursionlimit(100000)
memo = {}


def merge_depth(v):
    if v not in memo:
        memo[v] = 0
        if kind_of.get(v) == "merge":
            memo[v] = 1 + max(merge_depth(p) for p in parents_of[v])
    return memo[v]


depth_of = {v: merge_depth(v) for v in nodes if counted(v)}
distribution = collections.Counter(depth_of.values())
deepest = max(depth_of.values())
at_deepest = sorted(names[v] for v, d in depth_of.items() if d == deepest)

# Improvement: the family is what Mistral reaches without entering a merge, flagged models
# passed through but not counted; record-setters in date order over the base's average.
is_merge = lambda v: kind_of.get(v) == "merge" or v in marked_merge  # noqa: E731


def family_of(base):
    """The base's counted descendants, merges and what lies below them left out."""
    fam, seen, stack = [], {base}, [base]
    while stack:
        for c in children[stack.pop()]:
            if is_merge(c) or c in seen:
                continue
            seen.add(c)
            if counted(c):
                fam.append(c)
            stack.append(c)
    return fam


family = family_of(MISTRAL)
scored = [(created.get(v), -average[v], v) for v in family if v in average]
scored.sort(key=lambda s: (s[0] is None, s[0] or "", s[1], s[2]))
base_day = datetime.date.fromisoformat(created[MISTRAL])
running, frontier = average[MISTRAL], []
for day, neg, v in scored:
    if -neg > running:
        running = -neg
        days = (datetime.date.fromisoformat(day) - base_day).days if day else None
        frontier.append([names[v], days, -neg])
total = (max(-s[1] for s in scored) - average[MISTRAL]) / average[MISTRAL] * 100

# The lineage method for each base of the papers' figures 11 and 12 (their repo ids): the
# same family walk; the reference is the base's average when the base is scored and not
# flagged, else the earliest scored member (dated first by day, best of a day first);
# improvement in points = best member's average minus the reference's.
PAPER_BASES = ["meta-llama/Meta-Llama-3-8B", "mistralai/Mistral-7B-v0.1",
               "mistralai/Mixtral-8x7B-v0.1", "meta-llama/Llama-2-7b-hf",
               "microsoft/Phi-3-mini-4k-instruct", "microsoft/phi-2",
               "meta-llama/Meta-Llama-3-70B", "huggyllama/llama-30b", "huggyllama/llama-7b",
               "meta-llama/Llama-2-70b-hf", "microsoft/Phi-3-medium-4k-instruct"]


def lineage_improvement(base):
    fam = family_of(base)
    sc = [(created.get(v), -average[v], v) for v in fam if v in average]
    sc.sort(key=lambda s: (s[0] is None, s[0] or "", s[1], s[2]))
    if base in average and counted(base):
        ref = average[base]
    elif sc:
        ref = -sc[0][1]
    else:
        return {"scored_members": 0}
    running, records = ref, 0
    for day, neg, _ in sc:
        if day is not None and -neg > running:
            running, records = -neg, records + 1
    out = {"scored_members": len(sc), "reference_average": ref, "records": records}
    if sc:
        top_avg = max(-s[1] for s in sc)
        out["best_average"] = top_avg
        out["points"] = round(top_avg - ref, 4)
    return out


paper_bases_lineage = {}
for repo in PAPER_BASES:
    k = ALIASES.get(repo.lower(), repo).lower()
    paper_bases_lineage[repo] = lineage_improvement(k) if k in names else None

# License drift: lineage edges by (base license, derivative license), lower case, list
# brackets and quotes removed, "(none)" where none is declared; edges with a flagged end are
# left out.
def license_name(v):
    lic = license_of.get(v)
    if lic is None:
        return "(none)"
    return lic.strip().strip("[]").strip("'\" ").lower() or "(none)"


drift = collections.Counter((license_name(p), license_name(c))
                            for c, ps in parents_of.items() for p in ps
                            if counted(p) and counted(c))

edge_kinds = collections.Counter(kind_of[c] for c, ps in parents_of.items() for _ in ps)
facts = {
    "models": len(nodes),
    "edges": sum(edge_kinds.values()),
    "edges_by_kind": {k: edge_kinds[k] for k in ["finetune", "adapter", "quantized", "merge", "unspecified"]},
    "stubs": len(nodes - described),
    "mistral_descendants": {
        "direct": sum(1 for c in children[MISTRAL] if counted(c)),
        "descendants": len(mistral),
        "by_kind": {k: by_kind[k] for k in ["finetune", "adapter", "quantized", "merge", "unspecified"]},
    },
    "models_with_descendants": len(per_model),
    "top_by_descendants": [[names[v], per_model[v][0]] for v in top],
    "merge_depth_distribution": sorted(distribution.items()),
    "deepest_merge_chain": {"depth": deepest, "models": at_deepest},
    "license_pairs": [[b, d, n] for (b, d), n in drift.most_common()
                      if (b, d) in {("cc-by-nc-4.0", "apache-2.0"), ("llama2", "apache-2.0"),
                                    ("llama2", "mit"), ("cc-by-sa-4.0", "apache-2.0")}],
    "mistral_improvement": {
        "family_size": len(family),
        "scored_members": len(scored),
        "reference_average": average[MISTRAL],
        "frontier": frontier,
        "total_improvement_pct": round(total, 4),
    },
    "paper_bases_lineage": paper_bases_lineage,
}
json.dump(facts, sys.stdout, indent=1, sort_keys=True)
print()
