#!/usr/bin/env bash
# The 10^6-model targets as whole processes: the build from the three CSVs (three runs, then
# one pinned to one core), `lineage info` (five runs) and each all-model query (three runs),
# with wall time, user time and peak memory from /usr/bin/time.
#
#   bash benches/targets.sh BINARY LABEL [DATA_DIR]
#
# DATA_DIR holds `lineage synth --models 1000000 --seed 1` output (made there if missing).
# Run two binaries one after the other to compare them; the load average is printed before
# and after.
set -euo pipefail
bin=$1
label=$2
data=${3:-/tmp/lineage-bench/synth-1000000}
graph=$(mktemp --suffix .graph)
trap 'rm -f "$graph" "$graph.time"' EXIT
[ -f "$data/details.csv" ] || "$bin" synth --models 1000000 --seed 1 --out "$data" 2>/dev/null
run() { # what, then the command
  local what=$1
  shift
  /usr/bin/time -f "%e %U %M" -o "$graph.time" "$@" >/dev/null
  awk -v l="$label" -v w="$what" \
    '{printf "%s %s: wall %.2f s, user %.2f s, peak %d MB\n", l, w, $1, $2, $3 / 1024}' "$graph.time"
}
echo "load average $(cut -d' ' -f1-3 /proc/loadavg)"
inputs=("$data/details.csv" "$data/leaderboard.csv" "$data/commits.csv")
for _ in 1 2 3; do run build "$bin" build -q "${inputs[@]}" -o "$graph"; done
run "build on one core" taskset -c 0 "$bin" build -q "${inputs[@]}" -o "$graph"
for _ in 1 2 3 4 5; do run info "$bin" info --graph "$graph"; done
for q in derivatives merge-depth authors "improvements --all"; do
  # shellcheck disable=SC2086
  for _ in 1 2 3; do run "$q" "$bin" query $q --graph "$graph" --format json; done
done
echo "load average $(cut -d' ' -f1-3 /proc/loadavg)"
