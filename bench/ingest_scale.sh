#!/usr/bin/env bash
# Ingest at scale: generate N reports (default 100,000), ingest them into a fresh store,
# and print docs/s end to end, peak memory, store and index size, then search latency
# (20 typical queries, in-process). A second, smaller run (N/10) shows whether memory
# stays flat as the corpus grows. Appends nothing to RESULTS.md by itself: copy the
# summary it prints.
#
#   bench/ingest_scale.sh              # 100,000 documents (needs ~1 GB of disk for the
#                                      # corpus and ~4 GB for the store)
#   N=20000 bench/ingest_scale.sh      # smaller
#
# The corpus is kept in target/bench-scale/corpus-N (regenerated only when missing).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
N=${N:-100000}
SEED=${SEED:-11}
W=$ROOT/target/bench-scale
TOOLS=$ROOT/target/release
mkdir -p "$W"
log() { echo "ingest_scale: $*" >&2; }
wall_s() { awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, a, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + a[i]; print s }' "$1"; }
maxrss_mb() { awk -F': ' '/Maximum resident set size/ { printf "%.1f", $2 / 1024 }' "$1"; }

log "building (release)"
cargo build --release -q -p sitrep -p sitrep-bench --features sitrep-bench/store

run_one() {
  local n=$1 corpus=$W/corpus-$1 data=$W/data-$1
  if [[ ! -d $corpus ]]; then
    log "generating $n documents (seed $SEED)"
    "$TOOLS/sitrep-bench" gen-corpus --n "$n" --seed "$SEED" --out "$corpus.tmp" 2> "$W/gen-$n.log"
    mv "$corpus.tmp" "$corpus"
  fi
  rm -rf "$data"
  log "ingest of $n documents"
  /usr/bin/time -v -o "$W/ingest-$n.time" "$TOOLS/sitrep" ingest "$corpus" --data "$data" \
    > "$W/ingest-$n.out" 2>&1
  local s rss mb db ix stored
  s=$(wall_s "$W/ingest-$n.time")
  rss=$(maxrss_mb "$W/ingest-$n.time")
  mb=$(du -sk "$corpus" | awk '{printf "%.1f", $1 / 1024}')
  db=$(du -sk "$data"/sitrep.db* | awk '{s += $1} END {printf "%.1f", s / 1024}')
  ix=$(du -sk "$data/index" | awk '{printf "%.1f", $1 / 1024}')
  stored=$(grep -o 'ingested [0-9]*, duplicates [0-9]*, failed [0-9]*' "$W/ingest-$n.out" | tail -n 1)
  printf '| %d | %.1f | %s | %.0f | %s | %s | %s | %s |\n' "$n" "$mb" "$s" \
    "$(echo "$n / $s" | bc -l)" "$rss" "$db" "$ix" "$stored" >> "$W/summary.md"
  log "search latency over $n documents"
  "$TOOLS/search-latency" --data "$data" --rounds 10 | tee -a "$W/search-$n.out" >&2
}

: > "$W/summary.md"
echo '| documents | corpus MB | wall s | docs/s | peak RSS MB | SQLite MB | index MB | outcome |' >> "$W/summary.md"
echo '|---:|---:|---:|---:|---:|---:|---:|---|' >> "$W/summary.md"
run_one $((N / 10))
run_one "$N"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo)"
cat "$W/summary.md"
grep -h '^search-latency' "$W"/search-*.out
