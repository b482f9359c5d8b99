#!/usr/bin/env bash
# Checks the corpus generator against the analyzer: generates N stacks (default 20) in every
# format into a temporary directory, runs the release binary on each format, and compares the
# findings per rule with the generator's expected.json. Also checks a small multi-module plan
# from gen_big_plan.py (one analysis unit holding several stacks).
#
#   bench/check_corpus.sh [N]
#
# REDSHIELD=path overrides the binary (default target/release/redshield, built if missing).
# Exits 1 when any count differs (the stacks that differ are listed), 2 on a usage or run error.
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
N=${1:-20}
BIN=${REDSHIELD:-$ROOT/target/release/redshield}
if [[ ! -x $BIN ]]; then
  (cd "$ROOT" && cargo build --release --locked) || exit 2
fi
TMP=$(mktemp -d /tmp/redshield-corpus-check.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

python3 "$ROOT/bench/gen_corpus.py" "$N" "$TMP/corpus" || exit 2
python3 "$ROOT/bench/gen_big_plan.py" 0.5 "$TMP/modules.json" || exit 2

status=0
check() { # format, input, expected.json
  "$BIN" check --format json "$2" >"$TMP/report.json"
  local rc=$?
  if [[ $rc -ne 0 && $rc -ne 1 ]]; then
    echo "$1: redshield exited $rc" >&2
    status=1
  fi
  python3 "$ROOT/bench/compare_findings.py" "$TMP/report.json" "$3" "$4" "$1" || status=1
}
for fmt in hcl plan cfn; do
  check "$fmt" "$TMP/corpus/$fmt" "$TMP/corpus/expected.json" "$fmt"
done
check "plan (one plan, modules)" "$TMP/modules.json" "$TMP/modules.json.expected.json" plan
exit $status
