#!/bin/sh
# Runs bench/spacy_extract.py in the bench venv, with sitrep's `extract --json` arguments.
here=$(cd "$(dirname "$0")" && pwd)
exec "$here/../target/bench-venv/bin/python" "$here/spacy_extract.py" "$@"
