#!/usr/bin/env bash
# End-to-end comparison on one synthetic ecosystem: the release binary of lineage against the
# same workload written with pandas + networkx and pandas + igraph (benches/compare.py).
#
#   bash benches/compare.sh [MODELS]        # default 1000000
#
# Prints a markdown table of wall seconds and peak memory per phase; paste it into
# benches/RESULTS.md with the machine and commit it prints first.
set -euo pipefail
cd "$(dirname "$0")/.."
models=${1:-1000000}
work=${BENCH_DIR:-/tmp/lineage-bench}
data="$work/synth-$models"
venv="$work/venv"
mkdir -p "$work"

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -m); commit $(git rev-parse --short HEAD)"
cargo build --release --quiet
bin=target/release/lineage

if [ ! -d "$venv" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check pandas networkx igraph
fi
[ -f "$data/details.csv" ] || "$bin" synth --models "$models" --seed 1 --out "$data" 2>/dev/null

# One timed run: prints "seconds peak_mb".
measure() {
  /usr/bin/time -f "%e %M" -o "$work/time" "$@" >/dev/null 2>"$work/stderr" || {
    cat "$work/stderr" >&2
    exit 1
  }
  awk '{printf "%.2f %.0f", $1, $2 / 1024}' "$work/time"
}

graph="$work/graph-$models.graph"
echo
echo "| phase | lineage s | lineage MB |"
echo "|---|---:|---:|"
read -r s m <<<"$(measure "$bin" build -q "$data/details.csv" "$data/leaderboard.csv" "$data/commits.csv" --out "$graph")"
echo "| build (read CSV, intern, graph, save) | $s | $m |"
read -r s m <<<"$(measure "$bin" info --graph "$graph")"
echo "| load graph file (info) | $s | $m |"
for q in derivatives merge-depth authors "improvements --all"; do
  # shellcheck disable=SC2086
  read -r s m <<<"$(measure "$bin" query $q --graph "$graph" --format json)"
  echo "| load + query $q | $s | $m |"
done

for tool in networkx igraph; do
  echo
  echo "$tool:"
  /usr/bin/time -f "%e s wall, %M KB peak" "$venv/bin/python" benches/compare.py --data "$data" --tool "$tool"
done
