#!/usr/bin/env python3
"""Independent check of numbers behind `lineage report` on the real 2024 data.

Reads ../shared/data/openllm-2024/{details,leaderboard,commits}.csv with the csv module
only (no lineage code) and prints the facts that tests/it/report.rs pins: at least one for
each figure of queries/paper.toml that is not a lineage figure (those are in
tests/lineage_facts.py). It follows the
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
        print(*text, *([value] if len(text) == 1 else []))

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
        if m.get("downloads") is None and rec["downloads"].strip():
            try:
                m["downloads"] = int(float(rec["downloads"]))
            except ValueError:
                pass
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
    m["row"] = row
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
        apr[min(n, 30)] += 1
fact("authors_per_repo", sorted(apr.items()), "authors per repo", sorted(apr.items()))


# ---------------------------------------------------------------- the other figures
# One fact for each of the remaining figures, from the same model table. A model's
# architecture, parameter count and average are those of its best leaderboard row; its
# downloads those of its first Hub metadata row that is not a copy.

def average_of(m):
    try:
        return float(m["row"]["Average ⬆️"]) if "row" in m else None
    except ValueError:
        return None


def params_of(m):
    try:
        p = float(m["row"]["#Params (B)"]) if "row" in m else None
    except ValueError:
        return None
    return p if p is not None and p > 0 else None


SUFFIXES = ["ForCausalLM", "ForCasualLM", "ForConditionalGeneration", "LMHeadCustomModel",
            "LMHeadModel", "Model"]
PRETTY = {"GPT2": "GPT-2", "GPTNeoX": "GPT-NeoX", "GPTNeo": "GPT-Neo", "GPTJ": "GPT-J",
          "Rwkv": "RWKV", "QWen": "Qwen", "StableLm": "StableLM", "Xglm": "XGLM", "RW": "Falcon"}


def architecture(m):
    """The readable architecture (`MistralForCausalLM` -> `Mistral`), or None."""
    raw = m["row"]["Architecture"].strip() if "row" in m else ""
    if "," in raw and all(len(p) == 1 for p in raw.split(",")):
        raw = raw.replace(",", "")
    if raw in ("", "?") or raw.lower() == "unknown":
        return None
    for suffix in SUFFIXES:
        if raw.endswith(suffix) and raw != suffix:
            raw = raw[: -len(suffix)]
            break
    return PRETTY.get(raw, raw)


# The papers' groups: an architecture of more than 50 models, flagged ones included.
arch_total = collections.Counter(architecture(m) for m in models.values() if architecture(m))
GROUPS = {a for a, n in arch_total.items() if n > 50}
fact("architecture_groups", sorted(GROUPS), "architecture groups", sorted(GROUPS))


def group(m):
    a = architecture(m)
    return "unknown" if a is None else a if a in GROUPS else "other"


wk = collections.Counter(group(m) for m in counted
                         if m["created"] and week_start(m["created"]) == "2024-01-08")
fact("architecture_week_2024_01_08", dict(wk), "week of 2024-01-08 by architecture", dict(wk))


# Authors over time, by month: an author (a commit author, as the papers count them, bots
# left out) is new in the month of their first model; active in every month they have a
# model in.
def people(m):
    return {a for a in m["contributors"] if not bot(a)}


first_month, active = {}, collections.defaultdict(set)
for m in counted:
    if not m["created"]:
        continue
    month = m["created"][:7]
    for a in people(m):
        first_month[a] = min(first_month.get(a, month), month)
        active[month].add(a)
fact("authors_2024_01", {"new_authors": sum(1 for f in first_month.values() if f == "2024-01"),
                         "total_authors": sum(1 for f in first_month.values() if f <= "2024-01"),
                         "active_authors": len(active["2024-01"])},
     "authors in 2024-01: new, total, active")

# Score by type, January 2024: scored models created that month, their mean and best.
jan_scores = collections.defaultdict(list)
for m in counted:
    if m["created"] and m["created"].startswith("2024-01") and average_of(m) is not None:
        jan_scores[m["type"] or "unknown"].append((average_of(m), m["id"]))
fact("scores_2024_01", {t: {"new_scored": len(v), "best": max(v)[0],
                            "average": round(sum(a for a, _ in v) / len(v), 4)}
                        for t, v in jan_scores.items()}, "scores of 2024-01 by type")

# Parameter counts of the Mistral group: models with a count, and their median.
mistral_params = sorted(params_of(m) for m in counted
                        if group(m) == "Mistral" and params_of(m) is not None)
n = len(mistral_params)
median = (mistral_params[(n - 1) // 2] + mistral_params[n // 2]) / 2
fact("mistral_params", {"models": n, "median_b": median, "max_b": mistral_params[-1]},
     "Mistral params", n, median)

# Size classes cut at 1.5, 4, 8, 15, 40, 80 B (a model of exactly a boundary goes above it).
EDGES = [1.5, 4, 8, 15, 40, 80]
LABELS = ["<1.5B", "1.5–4B", "4–8B", "8–15B", "15–40B", "40–80B", "≥80B"]


def size(m):
    p = params_of(m)
    return None if p is None else LABELS[sum(1 for e in EDGES if e <= p)]


dl = [m for m in counted if size(m) == "4–8B" and m.get("downloads") is not None]
top_dl = max(dl, key=lambda m: m["downloads"])
fact("downloads_4_8b", {"models": len(dl), "total_downloads": sum(m["downloads"] for m in dl),
                        "top_model": top_dl["id"], "top_downloads": top_dl["downloads"]},
     "downloads 4-8B")

# The best score of each size class; on a tie every model with that score is listed.
scored_by_size = collections.defaultdict(list)
for m in counted:
    if average_of(m) is not None and size(m) is not None:
        scored_by_size[size(m)].append((average_of(m), m["id"]))
best_by_size = {}
for s, v in scored_by_size.items():
    top_average = max(a for a, _ in v)
    best_by_size[s] = {"scored_models": len(v), "best_average": top_average,
                       "best_models": sorted(i for a, i in v if a == top_average)}
fact("best_by_size", best_by_size, "best by size", best_by_size)

# Parameters per point: the best-scoring model created in January 2024, its size over its
# average.
jan = [m for m in counted if m["created"] and m["created"].startswith("2024-01")
       and average_of(m) is not None and params_of(m) is not None]
top = max(jan, key=lambda m: average_of(m))
fact("params_per_point_2024_01", {"best_model": top["id"], "params_b": params_of(top),
                                  "average": average_of(top),
                                  "params_b_per_point": round(params_of(top) / average_of(top), 4)},
     "params per point 2024-01")

# Release effect: the share of Mistral models among the models created in the 90 days from
# Mistral 7B's release (2023-09-27, its day included), and in the 90 days before it.
release = datetime.date(2023, 9, 27)


def days_from_release(m):
    return (datetime.date.fromisoformat(m["created"]) - release).days


after = [m for m in counted if m["created"] and 0 <= days_from_release(m) < 90]
before = [m for m in counted if m["created"] and -90 <= days_from_release(m) < 0]
fact("mistral_release_window", {"new_models_after": len(after),
                                "mistral_after": sum(1 for m in after if group(m) == "Mistral"),
                                "new_models_before": len(before),
                                "mistral_before": sum(1 for m in before if group(m) == "Mistral")},
     "Mistral 7B release window")

# Top authors: the five commit authors (bots left out) with the most models, their scored
# models, mean and best average, and the first and last creation dates of their models.
by_author = collections.defaultdict(list)
for m in counted:
    for a in set(m["contributors"]):
        if not bot(a):
            by_author[a].append(m)
top_authors = []
for a, ms in sorted(by_author.items(), key=lambda kv: (-len(kv[1]), kv[0]))[:5]:
    scores = [average_of(m) for m in ms if average_of(m) is not None]
    dates = sorted(m["created"] for m in ms if m["created"])
    top_authors.append({"author": a, "models": len(ms), "scored": len(scores),
                        "mean_average": round(sum(scores) / len(scores), 4),
                        "best_average": max(scores),
                        "first_model": dates[0], "last_model": dates[-1]})
fact("top_authors", top_authors, "top authors", top_authors)

if AS_JSON:
    json.dump(FACTS, sys.stdout, indent=1, sort_keys=True)
    print()
