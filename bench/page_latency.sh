#!/usr/bin/env bash
# Page latency of `sitrep serve` over an existing store: the first request (which loads
# the window of recent documents and builds their timeline) and then p50/p95 over ROUNDS
# requests per page (the first request of a date range loads that range; it counts).
#
#   bench/page_latency.sh DATA_DIR [ROUNDS]
#   bench/page_latency.sh target/bench-scale/data-10000 20
#
# (bench/ingest_scale.sh builds stores of 10,000 and 100,000 generated documents.)
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=${1:?usage: bench/page_latency.sh DATA_DIR [ROUNDS]}
ROUNDS=${2:-20}
PORT=${PORT:-18737}
BASE=http://127.0.0.1:$PORT
cargo build --release -q -p sitrep
target/release/sitrep serve --data "$DATA" --addr "127.0.0.1:$PORT" > /tmp/page_latency.log 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true' EXIT
START=$(date +%s.%N)
for _ in $(seq 1 3000); do curl -sf -o /dev/null "$BASE/static/style.css" && break; sleep 0.2; done
echo "server listening after $(echo "$(date +%s.%N) - $START" | bc) s"

t() { curl -sf -o /dev/null -w '%{time_total}\n' "$1" || echo "FAILED $1" >&2; }
echo "first request (loads the corpus, builds the timeline when not done yet): $(t "$BASE/timeline") s"
echo "first request of a new date range (loads that range): $(t "$BASE/timeline?from=2011-01&to=2011-06") s"
echo "server RSS after loading: $(awk '/VmRSS/ {printf "%.0f MB", $2 / 1024}' /proc/$PID/status)"
KEY=$(curl -s "$BASE/api/v1/entities" | python3 -c 'import json,sys; d=json.load(sys.stdin); d=d.get("entities",d) if isinstance(d,dict) else d; print(d[0]["key"])')
ENC=$(python3 -c 'import sys,urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$KEY")
printf '%-40s %9s %9s\n' page p50_ms p95_ms
for page in "/" "/?q=coup" "/?q=Security+Council+resolution" "/doc/1" "/entity/$ENC" "/entity/unsc" "/timeline" \
    "/timeline?page=5" "/timeline?from=2012-01&to=2012-12" "/map" "/brief" "/brief?from=2013-01&to=2013-03" \
    "/api/v1/search?q=ceasefire" "/?q=soldier&page=2" "/timeline?group=day&from=2012-03&to=2012-04" "/watchlists" "/api/v1/documents/1" "/api/v1/entities/$ENC" "/api/v1/timeline"; do
  for _ in $(seq 1 "$ROUNDS"); do t "$BASE$page"; done | sort -n | awk -v p="$page" '
    { v[NR] = $1 * 1000 }
    END { i50 = int(NR * 0.5 + 0.5); i95 = int(NR * 0.95 + 0.5); if (i95 > NR) i95 = NR;
          printf "%-40s %9.1f %9.1f\n", substr(p, 1, 40), v[i50], v[i95] }'
done
