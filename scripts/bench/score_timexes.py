#!/usr/bin/env python3
"""Runs ../shared/bench/score_timex.py on `timexes` instead of `dates`.

`sitrep extract --json` keeps `dates` to calendar values (the extraction schema:
YYYY, YYYY-MM, YYYY-MM-DD) and gives every TimeML expression (DATE, TIME, DURATION,
SET, with values such as 2013-W11, P3D, PRESENT_REF) in `timexes`. The TimeML scorer
reads `dates`; this wrapper hands it each document's `timexes` in their place, and
their `type`, so that the whole tagger is scored. Same arguments as score_timex.py.

    python3 scripts/bench/score_timexes.py --bin target/release/sitrep [--verbose]
"""
import importlib.util
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SCORER = os.path.normpath(os.path.join(HERE, "..", "..", "..", "shared", "bench", "score_timex.py"))


class _Json:
    """json with `timexes` read as `dates`."""

    dumps = staticmethod(json.dumps)
    JSONDecodeError = json.JSONDecodeError

    @staticmethod
    def loads(s, *a, **k):
        o = json.loads(s, *a, **k)
        if isinstance(o, dict) and "timexes" in o:
            o["dates"] = o["timexes"]
        return o


def main():
    path = os.environ.get("SCORE_TIMEX", SCORER)
    if not os.path.exists(path):
        sys.exit(f"score_timexes.py: no scorer at {path}; set SCORE_TIMEX to score_timex.py")
    spec = importlib.util.spec_from_file_location("score_timex", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    mod.json = _Json
    mod.main()


if __name__ == "__main__":
    main()
