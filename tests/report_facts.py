#!/usr/bin/env python3
"""Independent check of numbers behind `lineage report` on the real 2024 data.

Reads ../shared/data/openllm-2024/{details,leaderboard,commits}.csv with the csv module
only (no lineage code) and prints the facts that tests/report.rs pins. It follows the
rules the methodology states: one node per repo id (case-insensitive), the leaderboard row
with the best average wins, the v1 Flagged column is inverted, flagged models are left out
of counts, a Hub metadata row that copies another repo's metadata is not used, a model
without a Hub creation date is dated by its repo's first commit, names
ending in "bot" and the names listed in graphs/bots.txt are bots.

Run: python3 tests/report_facts.py [--json]
With --json it prints the same facts as one JSON object (tests/it/report.rs reads it).
"""
import ast
import collections
import csv
import datetime
import json
import os
import sys

AS_JSON = "--json" in sys.argv[1:]
FACTS = {}


def fact(name, value, *text):
    """Records a fact for --json and prints it for a reader otherwise."""
    FACTS[name] = value
    if not AS_JSON:
        print(*text)

DATA = os.path.join(os.path.dirname(__file__), "..", "..", "shared", "data", "openllm-2024")
if not os.path.isdir(DATA):
    sys.exit(f"missing {DATA}")


def pylist(s):
    s = s.strip()
    if not s:
        return []
    try:
        v = ast.literal_eval(s)
    except (ValueError, SyntaxError):
        return []
    return v if isinstance(v, list) else [v]


# Legacy ids (`gpt2`) are the repo the project's alias table names (graphs/aliases.csv).
ALIASES = {}
with open(os.path.join(os.path.dirname(__file__), "..", "graphs", "aliases.csv"), encoding="utf-8") as f:
    for line in f:
        if line.startswith("#") or not line.strip() or line.startswith("alias,target"):
            continue
        a, t = line.rstrip("\n").split(",", 1)
        ALIASES[a.strip().lower()] = t.strip()

models = {}  # lower id -> dict


def node(i):
    i = ALIASES.get(i.strip().lower(), i)
    return models.setdefault(i.lower(), {"id": i, "created": None, "license": None, "type": None,
                                          "flagged": False, "contributors": set()})


# Details: first, as the build reads it first. A row whose metadata repeats the previous
# row's under another name is a failed lookup's copy: its metadata is not used (a run of
# copies is compared with the model the metadata came from).
previous = None  # (metadata, lower-cased name of the model it belongs to)
with open(os.path.join(DATA, "details.csv"), encoding="utf-8", newline="") as f:
    r = csv.reader(f)
    header = next(r)
    name_i = header.index("name")
    for row in r:
        i = row[name_i].strip()
        if not i:
            continue
        m = node(i)
        meta = tuple(row[name_i + 1:])
        if not any(x.strip() for x in meta):
            previous = None
        elif previous is not None and previous[0] == meta and previous[1] != i.lower():
            continue  # a copy; `previous` keeps pointing at the origin
        else:
            previous = (meta, i.lower())
        rec = dict(zip(header, row))
        c = rec["created_at"].strip()
        if c and m["created"] is None:
            m["created"] = c[:10]
        for tag in pylist(rec["tags"]):
            if isinstance(tag, str) and tag.startswith("license:") and m["license"] is None:
                m["license"] = tag[len("license:"):]

# Leaderboard: the best-average row per repo.
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
        k = i.lower()
        if k not in best:
            best[k] = (row, avg)
        else:
            old = best[k][1]
            if avg is not None and (old is None or avg > old):
                best[k] = (row, avg)

TYPES = [("🟢", "pretrained"), ("🟩", "continuously pretrained"), ("🔶", "fine-tuned"),
         ("💬", "chat"), ("🤝", "merge")]


def mtype(label):
    label = label.strip()
    for emoji, name in TYPES:
        if label.startswith(emoji):
            return name
    return "unknown"


MISSING = {"", "?", "none", "nan"}
for k, (row, _) in best.items():
    m = node(row["model_name_for_query"].strip())
    if m["type"] is None:
        m["type"] = mtype(row["TypeString"] or row["Type"])
    if m["license"] is None and row["Hub License"].strip().lower() not in MISSING:
        m["license"] = row["Hub License"].strip()
    if row["Flagged"].strip() == "False":  # inverted in this export
        m["flagged"] = True

with open(os.path.join(DATA, "commits.csv"), encoding="utf-8", newline="") as f:
    for row in csv.DictReader(f):
        m = node(row["name"].strip())
        for a in pylist(row["authors"]):
            m["contributors"].add(a.strip().lower())
        # No Hub creation date: the first commit's date stands in (as `lineage build` does
        # unless --no-commit-dates).
        first = row["first_commit"].strip()
        if m["created"] is None and first:
            m["created"] = first[:10]
            m["from_commit"] = True

counted = [m for m in models.values() if not m["flagged"]]
from_commit = sum(1 for m in models.values() if m.get("from_commit"))
fact("models", len(models), "models", len(models), "counted", len(counted),
     "dated by first commit", from_commit)
FACTS["counted"] = len(counted)
FACTS["dated_by_first_commit"] = from_commit

# New models per month by type, January 2024.
jan = collections.Counter(m["type"] or "unknown" for m in counted
                          if m["created"] and m["created"].startswith("2024-01"))
fact("new_models_2024_01", dict(jan, total=sum(jan.values())),
     "2024-01 by type", dict(jan), "total", sum(jan.values()))

# New models per ISO week by type (the report counts weeks, as the papers' figure 4 does):
# the week starting Monday 2024-01-08.
def week_start(created):
    d = datetime.date.fromisoformat(created[:10])
    return (d - datetime.timedelta(days=d.weekday())).isoformat()


week = collections.Counter(m["type"] or "unknown" for m in counted
                           if m["created"] and week_start(m["created"]) == "2024-01-08")
fact("new_models_week_2024_01_08", dict(week, total=sum(week.values())),
     "week of 2024-01-08 by type", dict(week), "total", sum(week.values()))


# License distribution (lower case, list brackets removed).
def norm(lic):
    if lic is None:
        return "(none)"
    return lic.strip().strip("[]").strip("'\" ").lower() or "(none)"


lic = collections.Counter(norm(m["license"]) for m in counted)
fact("licenses_top8", lic.most_common(8), "licenses", lic.most_common(8))


# Repos per author: commit authors (the papers' definition of an author, the report's
# default), bots left out.
BOT_LIST = set()
with open(os.path.join(os.path.dirname(__file__), "..", "graphs", "bots.txt"), encoding="utf-8") as f:
    for line in f:
        name = line.split("#")[0].strip().lower()
        if name:
            BOT_LIST.add(name)


def bot(a):
    return a.lower().endswith("bot") or a.strip().lower() in BOT_LIST


per_author = collections.Counter()
for m in counted:
    for a in set(m["contributors"]):
        if not bot(a):
            per_author[a] += 1
edges = [1, 2, 3, 4, 5, 6, 11, 21, 51, 101]
hist = collections.Counter()
for c in per_author.values():
    lo = max(e for e in edges if e <= c)
    hist[lo] += 1
fact("repos_per_author", [(e, hist[e]) for e in edges],
     "repos per author", [(e, hist[e]) for e in edges], "authors", len(per_author))
FACTS["authors"] = len(per_author)

# Authors per repo: distinct non-bot commit authors of repos with commit data.
apr = collections.Counter()
for m in counted:
    if not m["contributors"]:
        continue
    n = len([a for a in m["contributors"] if not bot(a)])
    if n:
        apr[min(n, 10)] += 1
fact("authors_per_repo", sorted(apr.items()), "authors per repo", sorted(apr.items()))

if AS_JSON:
    json.dump(FACTS, sys.stdout, indent=1, sort_keys=True)
    print()
