#!/usr/bin/env bash
# The DOT pictures read by Graphviz itself: `redshield graph --format dot` of the example and of
# every RS100 fixture through `dot -Tsvg`. Graphviz is installed from the Debian archive when it
# is missing and the machine allows it; otherwise this says so and skips (tests/graph.rs checks
# the DOT structure either way).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v dot >/dev/null; then
  if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
    echo "graphviz: installing the Debian package" >&2
    (timeout 300 apt-get install -y -qq --no-install-recommends graphviz >/dev/null 2>&1 ||
      { timeout 300 apt-get update -qq >/dev/null 2>&1 &&
        timeout 300 apt-get install -y -qq --no-install-recommends graphviz >/dev/null 2>&1; }) || true
  fi
fi
if ! command -v dot >/dev/null; then
  echo "graphviz (dot) not installable here: the DOT check by dot skipped" >&2
  exit 0
fi
bin=target/debug/redshield
checked=0
for input in testdata/examples/redshift-analytics testdata/hcl/rs100/*.tf; do
  out=$("$bin" graph --format dot "$input")
  if ! printf '%s\n' "$out" | dot -Tsvg >/dev/null; then
    echo "error: dot rejects the graph of $input" >&2
    exit 1
  fi
  checked=$((checked + 1))
done
echo "graphviz: dot -Tsvg accepts the DOT graph of $checked inputs"
