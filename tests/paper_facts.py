#!/usr/bin/env python3
"""The papers' numbers, computed from methodology section 5 alone on openllm-2024.

Reads ../shared/data/openllm-2024/{leaderboard,details,commits}.csv with the csv module only
(no lineage code) and prints one `key value` line per fact; tests/it/papers.rs runs it and
compares each line with what `lineage` answers.

Section 5, as applied here:
- leaderboard rows of one repo: the row with the best average; Flagged/Merged columns are
  inverted ("False" means flagged / merged); flagged models are removed;
- authors are commit authors (names ending in "bot" dropped); top-k share = sum of the k
  largest repos-per-author counts over the sum of all of them;
- architecture groups: architectures with more than 50 models in the deduplicated data
  (flagged models included);
- the name method: merges (type "base merges and moerges", a tag containing `merge`, the
  Merged flag, and `merge` in the name, as the papers' R code matched names) and
  every model whose base model is a removed model are removed, as are models with no type;
  members contain the pattern in their normalised name (after the `/`, lower-cased, `-` `_` `.`
  removed) and have exactly the given parameter count (none for the Phi bases); undated
  members are left out; members are ordered by creation timestamp, the first is the
  reference; improvement is average minus the reference's, in points.

Run: python3 tests/paper_facts.py [--commit-dates]
With --commit-dates a model without a Hub creation date takes its first commit's date.
"""
import ast
import collections
import csv
import datetime
import math
import os
import sys

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "data",
                    "openllm-2024")
for f in ("leaderboard.csv", "details.csv", "commits.csv"):
    if not os.path.isfile(os.path.join(DATA, f)):
        sys.exit(f"missing {os.path.join(DATA, f)}")
COMMIT_DATES = "--commit-dates" in sys.argv[1:]


def pylist(s):
    s = s.strip()
    if not s:
        return []
    try:
        v = ast.literal_eval(s)
    except (ValueError, SyntaxError):
        return [s]
    return v if isinstance(v, list) else [v]


# Leaderboard: best-average row per repo (first on ties).
best = {}
with open(os.path.join(DATA, "leaderboard.csv"), encoding="utf-8", newline="") as f:
    for row in csv.DictReader(f, delimiter=";"):
        key = row["model_name_for_query"].strip().lower()
        if not key:
            continue
        try:
            avg = float(row["Average ⬆️"])
        except ValueError:
            continue
        if key not in best or avg > best[key][1]:
            best[key] = (row, avg)

# Architecture groups: more than 50 models in the deduplicated data, flagged included.
arch = collections.Counter(r["Architecture"].strip() for r, _ in best.values())
groups = sorted(a for a, n in arch.items() if n > 50 and a not in ("", "?"))
print("architecture_groups", ",".join(groups))

details = {}
with open(os.path.join(DATA, "details.csv"), encoding="utf-8", newline="") as f:
    for row in csv.DictReader(f):
        details.setdefault(row["name"].strip().lower(), row)
first_commit = {}
with open(os.path.join(DATA, "commits.csv"), encoding="utf-8", newline="") as f:
    commit_rows = list(csv.DictReader(f))
for row in commit_rows:
    if row["first_commit"].strip():
        first_commit.setdefault(row["name"].strip().lower(), row["first_commit"].strip()[:19])

# Step 1: clean, unflagged, typed models; merges and their descendants removed.
models = {}
for key, (row, avg) in best.items():
    if row["Flagged"].strip() == "False":
        continue
    d = details.get(key, {})
    tags = [t for t in pylist(d.get("tags", "")) if isinstance(t, str)]
    parents = [p.lower() for p in pylist(d.get("base_model", "")) if isinstance(p, str) and "/" in p]
    parents += [t.split(":")[-1].lower() for t in tags if t.startswith("base_model:")]
    created = d.get("created_at", "").strip()[:19] or None
    if created is None and COMMIT_DATES:
        created = first_commit.get(key)
    if key == "meta-llama/meta-llama-3-8b":
        created = "2024-04-17 00:00:00"
    try:
        params = float(row["#Params (B)"])
    except ValueError:
        params = None
    models[key] = {
        "type": row["TypeString"].strip(),
        "merge": row["TypeString"].startswith("🤝") or any("merge" in t for t in tags)
        or row["Merged"].strip() == "False" or "merge" in key.split("/", 1)[-1],
        "parents": set(parents),
        "created": created,
        "avg": avg,
        "params": params,
        "name": key.split("/", 1)[-1].replace("-", "").replace("_", "").replace(".", ""),
    }
removed = {k for k, m in models.items() if m["merge"]}
children = collections.defaultdict(set)
for k, m in models.items():
    for p in m["parents"]:
        children[p].add(k)
stack = list(removed)
while stack:
    for c in children[stack.pop()]:
        if c not in removed:
            removed.add(c)
            stack.append(c)
kept = {k: m for k, m in models.items() if k not in removed and m["type"]}

BASES = [("llama3", 8), ("mistral7b", 7), ("mixtral8x7b", 46), ("llama27b", 7),
         ("phi3mini", None), ("phi2", None), ("llama3", 70), ("llama", 30), ("llama7b", 7),
         ("llama2", 70), ("phi3medium", None)]
for pattern, size in BASES:
    members = sorted(
        ((m["created"], k, m["avg"]) for k, m in kept.items()
         if pattern in m["name"] and (size is None or m["params"] == size) and m["created"]),
    )
    label = f"{pattern}/{size if size is not None else 'none'}"
    if not members:
        print(f"name {label} members 0")
        continue
    ref = members[0][2]
    running, records, above10 = -math.inf, 0, "-"
    day0 = datetime.date.fromisoformat(members[0][0][:10])
    for created, _, a in members:
        if a > running:
            running, records = a, records + 1
            if a - ref > 10 and above10 == "-":
                above10 = (datetime.date.fromisoformat(created[:10]) - day0).days
    top = max(a for _, _, a in members)
    print(f"name {label} members {len(members)} reference {ref:.2f} best {top:.2f} "
          f"points {top - ref:+.2f} records {records} first {members[0][0][:10]} "
          f"above10 {above10}")

# Authors: commit authors, names ending in "bot" dropped; top-k share of contributions.
per_author = collections.Counter()
for row in commit_rows:
    for a in set(x.strip() for x in pylist(row["authors"]) if isinstance(x, str)):
        if a and not a.lower().endswith("bot"):
            per_author[a] += 1
counts = sorted(per_author.values(), reverse=True)
total = sum(counts)
print("authors", len(counts), "contributions", total)
for k in (10, 200):
    print(f"top{k}_share {sum(counts[:k]) / total:.6f}")

# The journal version's tables 1-4, by the rules lineage states for its authors and repos:
# flagged repos left out; a repo is one id, case ignored; authors are commit authors with
# names ending in "bot" and the names of graphs/bots.txt left out, case ignored.
# Printed as `tableN rank name value...`.
flagged = {k for k, (row, _) in best.items() if row["Flagged"].strip() == "False"}
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "graphs", "bots.txt"),
          encoding="utf-8") as f:
    BOTS = {line.strip().lower() for line in f if line.strip() and not line.startswith("#")}


def is_bot(name):
    return name.lower().endswith("bot") or name.lower() in BOTS


# Table 1: the top models by average (ARC, MMLU, GSM8K).
ranked = sorted(((avg, key, row) for key, (row, avg) in best.items() if key not in flagged),
                key=lambda t: (-t[0], t[1]))
for i, (avg, key, row) in enumerate(ranked[:10]):
    print(f"table1 {i + 1} {key} {avg:.2f} {float(row['ARC']):.2f} {float(row['MMLU']):.2f} "
          f"{float(row['GSM8K']):.2f} {row['#Params (B)']}")

# Table 2: the most downloaded repositories (details.csv, the first row of a repo).
downloads = []
for key, d in details.items():
    if key in flagged or not d.get("downloads", "").strip():
        continue
    downloads.append((-int(float(d["downloads"])), key))
for i, (neg, key) in enumerate(sorted(downloads)[:10]):
    print(f"table2 {i + 1} {key} {-neg}")

# Tables 3 and 4 from commits.csv (the first row of a repo).
repos = {}
for row in commit_rows:
    repos.setdefault(row["name"].strip().lower(), row)
per_author = collections.Counter()
for key, row in repos.items():
    if key in flagged:
        continue
    for a in {x.strip().lower() for x in pylist(row["authors"]) if isinstance(x, str)}:
        if a and not is_bot(a):
            per_author[a] += 1
total = sum(per_author.values())
print("table3 contributions", total, "authors", len(per_author))
for i, (a, n) in enumerate(sorted(per_author.items(), key=lambda t: (-t[1], t[0]))[:10]):
    print(f"table3 {i + 1} {a} {n} {n / total:.6f}")
committed = []
for key, row in repos.items():
    if key in flagged or not row["num_of_commits"].strip():
        continue
    humans = {x.strip().lower() for x in pylist(row["authors"]) if isinstance(x, str)}
    humans = {a for a in humans if a and not is_bot(a)}
    committed.append((-int(row["num_of_commits"]), -len(humans), key, row))
for i, (neg, neg_h, key, row) in enumerate(sorted(committed)[:10]):
    print(f"table4 {i + 1} {key} {-neg} {-neg_h} {row['first_commit'][:10]} "
          f"{row['last_commit'][:10]}")
