#!/usr/bin/env bash
# Coverage-guided fuzzing of sitrep's parsers with cargo-fuzz (libFuzzer).
#
#   scripts/fuzz.sh                  build every target (same as `build`)
#   scripts/fuzz.sh build-only       build every target, run nothing (CI)
#   scripts/fuzz.sh run SECONDS [TARGET...]
#                                    build, then run each target (all by default) for SECONDS,
#                                    one after the other, and print executions per target
#   scripts/fuzz.sh list             list the targets
#
# Only a stable toolchain is needed: RUSTC_BOOTSTRAP=1 lets stable rustc accept the
# nightly-only flags cargo-fuzz passes (-Zsanitizer=address, -Cpasses=sancov-module, ...).
# Targets are built with AddressSanitizer and debug assertions (integer overflow panics).
# Set FUZZ_SANITIZER=none for a faster build without ASan, FUZZ_JOBS=N to limit parallel
# build jobs (CARGO_BUILD_JOBS). Install cargo-fuzz with `cargo install cargo-fuzz`.
#
# Inputs: seeds are committed under fuzz/seeds/<target>/ (regenerate with
# `python3 fuzz/make_seeds.py`); the working corpus grows in fuzz/corpus/<target>/ and
# crashes land in fuzz/artifacts/<target>/ (both ignored by git).
set -euo pipefail
cd "$(dirname "$0")/../fuzz"

export RUSTC_BOOTSTRAP=1
SANITIZER="${FUZZ_SANITIZER:-address}"
BUILD_FLAGS=(--release --debug-assertions --sanitizer "$SANITIZER")
if [[ -n "${FUZZ_JOBS:-}" ]]; then
  export CARGO_BUILD_JOBS="$FUZZ_JOBS"
fi

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "fuzz.sh: cargo-fuzz is missing; install it with: cargo install cargo-fuzz" >&2
  exit 2
fi

targets() { cargo fuzz list; }

build() {
  echo "fuzz.sh: cargo fuzz build ${BUILD_FLAGS[*]}" >&2
  cargo fuzz build "${BUILD_FLAGS[@]}"
}

run_one() {
  local target="$1" secs="$2" log
  mkdir -p "corpus/$target" "artifacts/$target"
  log="$(mktemp)"
  local seeds=()
  [[ -d "seeds/$target" ]] && seeds=("seeds/$target")
  set +e
  cargo fuzz run "${BUILD_FLAGS[@]}" "$target" "corpus/$target" "${seeds[@]}" -- \
    -max_total_time="$secs" -print_final_stats=1 -rss_limit_mb=4096 -timeout=10 \
    >"$log" 2>&1
  local rc=$?
  set -e
  local execs cov
  execs="$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || true)"
  cov="$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 | grep -o '[0-9]*$' || true)"
  if [[ $rc -eq 0 ]]; then
    printf '%-12s %12s execs in %ss  (coverage %s)  ok\n' "$target" "${execs:-?}" "$secs" "${cov:-?}"
  else
    printf '%-12s %12s execs in %ss  (coverage %s)  FAILED (rc %d), see below\n' \
      "$target" "${execs:-?}" "$secs" "${cov:-?}" "$rc"
    grep -E 'panicked|ERROR|SUMMARY|Test unit written|Base64' "$log" | head -n 20 >&2 || true
    FAILED=1
  fi
  rm -f "$log"
}

mode="${1:-build}"
case "$mode" in
  build | build-only)
    build
    ;;
  list)
    targets
    ;;
  run)
    secs="${2:?usage: scripts/fuzz.sh run SECONDS [TARGET...]}"
    shift 2
    build
    FAILED=0
    if [[ $# -gt 0 ]]; then list=("$@"); else mapfile -t list < <(targets); fi
    printf '%-12s %12s\n' target executions
    for t in "${list[@]}"; do
      run_one "$t" "$secs"
    done
    exit "$FAILED"
    ;;
  *)
    echo "usage: scripts/fuzz.sh [build-only | run SECONDS [TARGET...] | list]" >&2
    exit 2
    ;;
esac
