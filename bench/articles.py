#!/usr/bin/env python3
"""sitrep and trafilatura on the article-extraction benchmark's dev pages, in one run.

    target/bench-venv/bin/python bench/articles.py [--set ../shared/bench/articles] [--rounds 3]

Quality: both outputs scored with the benchmark's own metric, as implemented in
../shared/bench/score_articles.py (sitrep: `document.text` of `sitrep extract --json --with-text`;
trafilatura: `trafilatura.extract(html)` with its defaults). Speed, one core each, in CPU seconds:
sitrep's reader + cleaner in one process (`read-clean-probe`: user + system time of the process,
reading the files included) against `trafilatura.extract` over the same decompressed pages
(process time of this Python process, parsing only); the median of --rounds runs each.
Prints one Markdown table.
"""
import argparse
import gzip
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.join(ROOT, "..", "shared", "bench")
sys.path.insert(0, SHARED)
import score_articles as sa  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--set", default=os.path.join(SHARED, "articles"))
    ap.add_argument("--bin", default=os.path.join(ROOT, "target/release/sitrep"))
    ap.add_argument("--probe", default=os.path.join(ROOT, "target/release/read-clean-probe"))
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    import trafilatura

    gold = json.load(open(os.path.join(args.set, "ground-truth.json"), encoding="utf8"))
    ids = sorted(gold)
    work = tempfile.mkdtemp(prefix="articles.")
    paths, htmls = {}, {}
    for k in ids:
        raw = gzip.open(os.path.join(args.set, "html", k + ".html.gz")).read()
        paths[k] = os.path.join(work, k + ".html")
        open(paths[k], "wb").write(raw)
        htmls[k] = raw.decode("utf8", "replace")
    os.environ["RAYON_NUM_THREADS"] = "1"
    pred_s, _ = sa.run_sitrep(args.bin, paths)
    m_s, _ = sa.evaluate(gold, pred_s, ids, 200)
    pred_t = {}
    t_rounds = []
    for r in range(args.rounds):
        t0 = time.process_time()
        for k in ids:
            out = trafilatura.extract(htmls[k])
            if r == 0:
                pred_t[k] = out or ""
        t_rounds.append(time.process_time() - t0)
    m_t, _ = sa.evaluate(gold, pred_t, ids, 200)
    s_rounds = []
    for _ in range(args.rounds):
        # CPU time of the probe process (user + system), as for trafilatura: on a loaded
        # machine wall time would count other processes' work
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run([args.probe] + [paths[k] for k in ids], capture_output=True, text=True, check=True)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        s_rounds.append((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))
    ts, ss = statistics.median(t_rounds), statistics.median(s_rounds)
    n = len(ids)
    print(f"| extractor | F1 | precision | recall | pages per CPU-second (median of {args.rounds}) |")
    print("|---|---:|---:|---:|---:|")
    print(f"| sitrep reader + cleaner (`extract` for quality) | {m_s['f1']:.3f} | {m_s['precision']:.3f} | {m_s['recall']:.3f} | {n / ss:.1f} |")
    print(f"| trafilatura {trafilatura.__version__} `extract` | {m_t['f1']:.3f} | {m_t['precision']:.3f} | {m_t['recall']:.3f} | {n / ts:.1f} |")
    print(f"\n{n} pages; speed ratio sitrep / trafilatura: {ts / ss:.1f}x")


if __name__ == "__main__":
    main()
