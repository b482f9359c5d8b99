#!/usr/bin/env python3
"""Compares a `redshield check --format json` report with a generator's expected.json.

    bench/compare_findings.py REPORT.json EXPECTED.json FORMAT [LABEL]

Prints the count per rule (found / expected) and, on a mismatch, the stacks that differ.
Exits 1 on any mismatch, or when the report has input errors.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter, defaultdict


def main() -> int:
    report_path, expected_path, fmt = sys.argv[1:4]
    label = sys.argv[4] if len(sys.argv) > 4 else fmt
    report = json.load(open(report_path))
    expected = json.load(open(expected_path))
    want = expected["findings"][fmt]
    got = Counter(f["rule_id"] for f in report["findings"])
    ok = True
    if report["errors"]:
        ok = False
        print(f"{label}: {len(report['errors'])} input errors, first: {report['errors'][0]}")
    rules = sorted(set(want) | set(got))
    print(f"{label}: {report['summary']['files']} files, {report['summary']['resources']} resources")
    print(f"  {'rule':6} {'found':>7} {'expected':>8}")
    for r in rules:
        if not want.get(r, 0) and not got.get(r, 0):
            continue
        mark = "" if want.get(r, 0) == got.get(r, 0) else "  MISMATCH"
        ok &= not mark
        print(f"  {r:6} {got.get(r, 0):7} {want.get(r, 0):8}{mark}")
    per_stack = expected.get("per_stack", {}).get(fmt)
    if not ok and per_stack is not None:
        found: dict = defaultdict(Counter)
        for f in report["findings"]:
            m = re.search(r"stack_\d+", f["location"]["path"])
            found[m.group(0) if m else f["location"]["path"]][f["rule_id"]] += 1
        shown = 0
        for stem in sorted(set(per_stack) | set(found)):
            w = Counter(per_stack.get(stem, {}))
            g = found.get(stem, Counter())
            if w != g and shown < 20:
                shown += 1
                diff = {r: (g[r], w[r]) for r in sorted(set(w) | set(g)) if g[r] != w[r]}
                print(f"  {stem}: (found, expected) {diff}")
    print(f"  {'ok' if ok else 'MISMATCH'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
