#!/usr/bin/env bash
# End-to-end comparison on one synthetic ecosystem: the release binary of lineage against the
# same workload written with pandas + networkx and pandas + igraph (benches/compare.py) and in
# DuckDB SQL (benches/compare_duckdb.py).
#
#   bash benches/compare.sh [MODELS]        # default 1000000: about an hour, networkx 33 min
#   TOOLS="igraph duckdb" bash benches/compare.sh   # leave out networkx
#
# Prints lineage's wall seconds and peak memory per process, then one table of every tool's
# phases and the ratios of the whole workload (build + descendants + merge depth + author
# components) against lineage; paste both into benches/RESULTS.md with the machine and
# commit printed first. The Python side runs in its own venv (pip install pandas networkx
# igraph duckdb).
set -euo pipefail
cd "$(dirname "$0")/.."
models=${1:-1000000}
work=${BENCH_DIR:-/tmp/lineage-bench}
data="$work/synth-$models"
venv="$work/venv"
mkdir -p "$work"

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -m); commit $(git rev-parse --short HEAD)"
cargo build --release --quiet
bin="${CARGO_TARGET_DIR:-target}/release/lineage"

if [ ! -d "$venv" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check pandas networkx igraph duckdb
fi
[ -f "$data/details.csv" ] || "$bin" synth --models "$models" --seed 1 --out "$data" 2>/dev/null
# Every tool reads the CSVs from the page cache: read them once before anything is timed, so the
# first tool does not pay the disk for the others (on a slow disk, 660 MB is seconds).
cat "$data/details.csv" "$data/leaderboard.csv" "$data/commits.csv" >/dev/null

# One timed run, its output kept in $out: prints "seconds peak_mb".
measure() {
  /usr/bin/time -f "%e %M" -o "$work/time" "$@" >"$out" 2>"$work/stderr" || {
    cat "$work/stderr" >&2
    exit 1
  }
  awk '{printf "%.2f %.0f", $1, $2 / 1024}' "$work/time"
}

graph="$work/graph-$models.graph"
results="$work/results-$models"
rm -rf "$results"
mkdir -p "$results/lineage"
echo
echo "| phase | lineage s | lineage MB |"
echo "|---|---:|---:|"
row() { # name seconds mb
  echo "| $1 | $2 | $3 |"
  echo "$1 $2 $3" >>"$results/lineage.txt"
}
: >"$results/lineage.txt"
out=/dev/null
read -r s m <<<"$(measure "$bin" build -q "$data/details.csv" "$data/leaderboard.csv" "$data/commits.csv" --out "$graph")"
row build "$s" "$m"
out="$results/lineage/info.json"
read -r s m <<<"$(measure "$bin" info --graph "$graph" --format json)"
row load "$s" "$m"
for q in derivatives merge-depth authors "improvements --all"; do
  out="$results/lineage/${q%% *}.json"
  # shellcheck disable=SC2086
  read -r s m <<<"$(measure "$bin" query $q --graph "$graph" --format json)"
  row "${q%% *}" "$s" "$m"
done

# The same workload in Python: pandas + networkx, pandas + igraph, and DuckDB (SQL).
for tool in ${TOOLS:-igraph duckdb networkx}; do
  echo "$tool ..." >&2
  if [ "$tool" = duckdb ]; then
    "$venv/bin/python" benches/compare_duckdb.py --data "$data" --threads "$(nproc)" >"$results/$tool.json"
  else
    "$venv/bin/python" benches/compare.py --data "$data" --tool "$tool" >"$results/$tool.json"
  fi
done
"$venv/bin/python" benches/compare_summary.py "$results"
