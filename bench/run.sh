#!/usr/bin/env bash
# The benchmark: builds the release binary, generates the corpora (cached in
# target/bench-corpus/), and times `redshield check` end to end on each format and size, a
# ~50 MB plan, and a single small file, and the parsers alone on each (the parse floor). Prints
# a Markdown table (see README, "Benchmarks").
#
#   bench/run.sh [measure.py options]     e.g. bench/run.sh --sizes 100,1000 --big-mb 0
#
# Uses hyperfine when installed (`apt-get install hyperfine`), else repeats the runs itself.
# Results are also written to target/bench-results.json. Not run by CI.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
cargo build --release --locked --bin redshield --example parse_floor
exec python3 bench/measure.py --bin target/release/redshield --corpus-dir target/bench-corpus \
  --parse-floor target/release/examples/parse_floor --json target/bench-results.json "$@"
