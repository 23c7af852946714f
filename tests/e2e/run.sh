#!/usr/bin/env bash
# End-to-end browser test: start `sitrep demo` on a free port, drive headless Chromium
# through search → document → entity → timeline → brief → map, save screenshots under
# target/e2e/, and check with --dump-dom that each page shows what it should.
#
#   tests/e2e/run.sh            # builds target/debug/sitrep if needed
#   SITREP_BIN=target/release/sitrep tests/e2e/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=target/e2e
mkdir -p "$OUT"

if ! command -v chromium >/dev/null 2>&1; then
  echo "installing chromium…"
  if [ "$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null
  else sudo apt-get update -qq && sudo apt-get install -y -qq chromium >/dev/null; fi
fi

BIN=${SITREP_BIN:-target/debug/sitrep}
if [ ! -x "$BIN" ]; then cargo build -p sitrep; fi

DATA=$(mktemp -d)
PROFILE=$(mktemp -d)
LOG="$OUT/server.log"
"$BIN" demo --no-browser --addr 127.0.0.1:0 --data "$DATA/store" >"$LOG" 2>&1 &
PID=$!
cleanup() { kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; rm -rf "$DATA" "$PROFILE"; }
trap cleanup EXIT

URL=""
for _ in $(seq 1 240); do
  URL=$(grep -o 'http://127\.0\.0\.1:[0-9]*/' "$LOG" | head -1 || true)
  [ -n "$URL" ] && break
  kill -0 "$PID" 2>/dev/null || { cat "$LOG"; echo "FAIL: the demo exited"; exit 1; }
  sleep 0.5
done
[ -n "$URL" ] || { cat "$LOG"; echo "FAIL: no URL printed"; exit 1; }
echo "demo at $URL"

SIZE=1400,900
chrome() {
  chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
    --disable-component-update --disable-sync --no-first-run --disable-dev-shm-usage \
    --user-data-dir="$PROFILE" --window-size="$SIZE" "$@" 2>/dev/null
}

FAILS=0
# visit NAME PATH EXPECTED...: screenshot + DOM, and every expected string in the DOM.
visit() {
  local name=$1 path=$2; shift 2
  chrome --screenshot="$OUT/$name.png" "$URL${path#/}" >/dev/null || true
  chrome --dump-dom "$URL${path#/}" >"$OUT/$name.html" || true
  for want in "$@"; do
    if ! grep -qF -- "$want" "$OUT/$name.html"; then
      echo "FAIL: $name ($path) lacks: $want"; FAILS=$((FAILS + 1))
    fi
  done
  if grep -qiE '<script|onerror=|href="javascript:' "$OUT/$name.html"; then
    echo "FAIL: $name has script markup"; FAILS=$((FAILS + 1))
  fi
  [ -s "$OUT/$name.png" ] || { echo "FAIL: no screenshot for $name"; FAILS=$((FAILS + 1)); }
  echo "ok: $name → $OUT/$name.png"
}

# before() NAME FIRST SECOND: FIRST appears before SECOND in the page's DOM
before() {
  local a b
  a=$(grep -boF -- "$2" "$OUT/$1.html" | head -1 | cut -d: -f1)
  b=$(grep -boF -- "$3" "$OUT/$1.html" | head -1 | cut -d: -f1)
  if [ -z "$a" ] || [ -z "$b" ] || [ "$a" -ge "$b" ]; then
    echo "FAIL: $1: '$2' is not before '$3'"; FAILS=$((FAILS + 1))
  fi
}
# status PATH CODE: the HTTP status of a page
status() {
  local got
  got=$(curl -s -o /dev/null -w '%{http_code}' "$URL${1#/}")
  [ "$got" = "$2" ] || { echo "FAIL: $1 answered $got, not $2"; FAILS=$((FAILS + 1)); }
}

visit 0-home "/" "The corpus at a glance" "Events per week by type" 'class="series"' \
  "Latest events" "Top entities" "Sources" 'href="/watchlists"' "Latest documents"
visit 1-search "/?q=Timbuktu" "Search the reports" "documents match" "Timbuktu" "Entities"
# stemming: the singular finds what the plural does
# stemming: the corpus says only "soldiers"; the singular finds and marks it
visit 1b-stem "/?q=soldier" "documents match" "oldiers</b>"
if grep -q '>0 documents match' "$OUT/1b-stem.html"; then echo "FAIL: no stemming"; FAILS=$((FAILS + 1)); fi
visit 1c-page2 "/?q=Mali&limit=3&page=2" 'rel="prev"' 'rel="next"' "page 2 of"
if command -v curl >/dev/null 2>&1; then
  status "/?from=2013-13-45" 400
  status "/?type=riot" 400
  status "/api/v1/search?from=2013-13-45" 400
  status "/timeline?type=riot" 400
fi
DOC=$(grep -o 'href="/doc/[0-9]*"' "$OUT/1-search.html" | head -1 | sed 's/href="//; s/"//')
[ -n "$DOC" ] || { echo "FAIL: no document link in the search results"; exit 1; }
visit 2-document "$DOC" "Events reported here" "Entities" 'class="ent"'
ENT=$(grep -o 'href="/entity/[^"]*"' "$OUT/2-document.html" | head -1 | sed 's/href="//; s/"//')
[ -n "$ENT" ] || { echo "FAIL: no entity link in the document"; exit 1; }
visit 3-entity "$ENT" "Mentions over time" "Appears with" "Documents"
visit 4-timeline "/timeline" "Timeline" "merged events" "Credibility" "Corroboration" \
  'class="series"' 'class="bar"' '<h2 class="day">' "Events per week by type"
visit 4b-timeline-day "/timeline?group=day&from=2012-03&to=2012-04" "Events per day by type" \
  'name="group"' 'value="2012-03"'
visit 7-watchlists "/watchlists" "Watchlists" "New watchlist" 'name="token"' 'type="password"'

# 390 px: results come before the facets, and the pages still render
SIZE=390,844
visit m1-search "/?q=Timbuktu" "documents match" 'class="facets"'
before m1-search 'class="results"' 'class="facets"'
visit m2-document "$DOC" "Events reported here"
visit m3-timeline "/timeline" 'class="series"'
SIZE=1400,900
visit 5-brief "/brief?q=Timbuktu" "SITREP: Timbuktu" "Key developments" "Main actors" "Sources"
visit 6-map "/map" "Map" "Places" "Bamako"

# Every page, and the exported brief (its own policy, its stylesheet inline): no Content
# Security Policy violation in the browser's console, so the stylesheet applies.
for path in "/?q=Timbuktu" "/timeline" "/map" "/brief?q=Timbuktu" "/api/v1/export/brief-html?q=Timbuktu"; do
  chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
    --disable-component-update --disable-sync --no-first-run --disable-dev-shm-usage \
    --user-data-dir="$PROFILE" --window-size="$SIZE" --enable-logging=stderr --v=0 \
    --dump-dom "$URL${path#/}" >"$OUT/csp.html" 2>"$OUT/csp.log" || true
  if grep -q "Content Security Policy" "$OUT/csp.log"; then
    echo "FAIL: $path breaks its own Content Security Policy:"
    grep "Content Security Policy" "$OUT/csp.log" | head -3
    FAILS=$((FAILS + 1))
  fi
  grep -qF "</html>" "$OUT/csp.html" || { echo "FAIL: $path gave no page"; FAILS=$((FAILS + 1)); }
done
grep -qF "Key developments" "$OUT/csp.html" || { echo "FAIL: the exported brief lacks its sections"; FAILS=$((FAILS + 1)); }

if [ "$FAILS" -gt 0 ]; then echo "$FAILS check(s) failed"; exit 1; fi
echo "e2e: all pages passed; screenshots in $OUT/"
