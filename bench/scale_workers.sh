#!/usr/bin/env bash
# Ingest with several workers on one PostgreSQL store, beside SQLite: generate N reports
# (default 5,000), ingest them into a fresh SQLite store (`sitrep ingest`), then into a
# fresh PostgreSQL database with 1, 2 and 4 `sitrep worker` processes sharing its job
# queue, and print docs/s for each.
#
#   bench/scale_workers.sh            # 5,000 documents
#   bench/scale_workers.sh 20000      # more
#   WORKERS="1 2 4 8" PG_URL=postgres://me@dbhost/scratch bench/scale_workers.sh 100000
#
# Without PG_URL a throwaway cluster is started (initdb into a temporary folder, Unix
# socket only, default durability settings), as `nobody` when run as root. With PG_URL,
# each run recreates the database `sitrep_bench_W` on that server (the URL's database is
# used only to connect). On a bigger machine, start the workers on several machines
# instead: the figures here are for workers sharing one machine with the database.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
N=${1:-5000}
SEED=${SEED:-25}
WORKERS=${WORKERS:-"1 2 4"}
W=$ROOT/target/bench-workers
TOOLS=$ROOT/target/release
mkdir -p "$W"
log() { echo "scale_workers: $*" >&2; }

log "building (release)"
[[ -n ${SKIP_BUILD:-} ]] || cargo build --release -q -p sitrep -p sitrep-bench

corpus=$W/corpus-$N
if [[ ! -d $corpus ]]; then
  log "generating $N documents (seed $SEED)"
  "$TOOLS/sitrep-bench" gen-corpus --n "$N" --seed "$SEED" --out "$corpus.tmp" 2> "$W/gen.log"
  mv "$corpus.tmp" "$corpus"
fi

now() { date +%s.%N; }

# SQLite + tantivy: one process, its own worker threads.
rm -rf "$W/sqlite"
t0=$(now)
"$TOOLS/sitrep" ingest "$corpus" --data "$W/sqlite" > "$W/sqlite.out" 2>&1 || true
t1=$(now)
sqlite_s=$(echo "$t1 - $t0" | bc -l)

# PostgreSQL: a throwaway cluster unless PG_URL is given.
CLUSTER=""
if [[ -z ${PG_URL:-} ]]; then
  BIN=$(dirname "$(command -v initdb || ls /usr/lib/postgresql/*/bin/initdb | sort | tail -n 1)")
  CLUSTER=$(mktemp -d /tmp/sitrep-bench-pg.XXXXXX)
  AS=()
  if [[ $(id -u) == 0 ]]; then chown nobody "$CLUSTER"; AS=(runuser -u nobody --); fi
  "${AS[@]}" "$BIN/initdb" -D "$CLUSTER/data" -A trust -U postgres -E UTF8 --no-locale > "$W/initdb.log" 2>&1
  "${AS[@]}" "$BIN/pg_ctl" -D "$CLUSTER/data" -l "$CLUSTER/server.log" -w \
    -o "-k $CLUSTER -c listen_addresses= -c max_connections=100 -c shared_buffers=256MB" start > /dev/null
  trap '"${AS[@]}" "$BIN/pg_ctl" -D "$CLUSTER/data" -m fast stop > /dev/null; rm -rf "$CLUSTER"' EXIT
  enc=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$CLUSTER")
  PG_URL="postgres://postgres@$enc/postgres"
fi
base=${PG_URL%/*}
query=""
[[ $PG_URL == *\?* ]] && query="?${PG_URL#*\?}"

summary=$W/summary.md
{
  echo "| store | workers | documents | wall s | docs/s | outcome |"
  echo "|---|---:|---:|---:|---:|---|"
  printf '| SQLite + tantivy | 1 process | %d | %.1f | %.0f | %s |\n' "$N" "$sqlite_s" \
    "$(echo "$N / $sqlite_s" | bc -l)" "$(grep -o 'ingested [0-9]*, duplicates [0-9]*, failed [0-9]*' "$W/sqlite.out" | tail -n 1)"
} > "$summary"

for k in $WORKERS; do
  db=sitrep_bench_$k
  psql -q "${base}/postgres${query}" -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" > /dev/null
  url="${base}/${db}${query}"
  "$TOOLS/sitrep" enqueue "$corpus" --data "$url" 2> "$W/enqueue-$k.log"
  t0=$(now)
  pids=()
  for i in $(seq 1 "$k"); do
    "$TOOLS/sitrep" worker --data "$url" --exit-when-empty --batch 64 > /dev/null 2> "$W/worker-$k-$i.log" &
    pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p"; done
  t1=$(now)
  s=$(echo "$t1 - $t0" | bc -l)
  docs=$(psql -tA "$url" -c "SELECT (SELECT count(*) FROM documents) || ' stored, ' || (SELECT count(*) FROM ingest_status WHERE state = 'duplicate') || ' duplicates, ' || (SELECT count(*) FROM ingest_status WHERE state = 'failed') || ' failed'")
  printf '| PostgreSQL | %d | %d | %.1f | %.0f | %s |\n' "$k" "$N" "$s" "$(echo "$N / $s" | bc -l)" "$docs" >> "$summary"
  log "$k workers: ${s}s"
done
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo), load before: $(cut -d' ' -f1-3 /proc/loadavg)"
cat "$summary"
