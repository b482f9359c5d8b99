#!/usr/bin/env python3
"""Compares synthesized plans with real `terraform show -json` plans of the same stacks.

    bench/real_plans.sh /tmp/real 0 1 2 ...
    bench/validate_plan.py /tmp/real/*.json

Differences in set order (Terraform orders sets of objects by hash), `timestamp` and
`relevant_attributes` order are ignored. Exits 1 on any other difference.
"""

from __future__ import annotations

import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import gen_corpus  # noqa: E402
from plan import plan_document  # noqa: E402


def canon(v):
    """Order-insensitive form for lists of objects (sets) and the relevant_attributes list."""
    if isinstance(v, dict):
        return {k: canon(x) for k, x in v.items()}
    if isinstance(v, list):
        items = [canon(x) for x in v]
        if items and all(isinstance(x, dict) for x in items):
            return sorted(items, key=lambda x: json.dumps(x, sort_keys=True))
        return items
    return v


def diff(a, b, path, out):
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            if k not in a:
                out.append(f"{path}.{k}: only in real: {json.dumps(b[k])[:200]}")
            elif k not in b:
                out.append(f"{path}.{k}: only in synthetic: {json.dumps(a[k])[:200]}")
            else:
                diff(a[k], b[k], f"{path}.{k}", out)
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for n, (x, y) in enumerate(zip(a, b)):
            diff(x, y, f"{path}[{n}]", out)
    elif a != b or type(a) is not type(b):
        out.append(f"{path}: synthetic {json.dumps(a)[:300]} != real {json.dumps(b)[:300]}")


def main() -> int:
    bad = 0
    for path in sys.argv[1:]:
        i = int(re.search(r"stack_(\d+)\.json$", path).group(1))
        real = json.load(open(path))
        mine = json.loads(json.dumps(plan_document([gen_corpus.make_stack(i, 1)])))
        for doc in (real, mine):
            doc.pop("timestamp", None)
            doc["relevant_attributes"] = sorted(doc["relevant_attributes"], key=lambda r: json.dumps(r))
        out: list[str] = []
        diff(canon(mine), canon(real), "", out)
        if out:
            bad += 1
            print(f"{path}: {len(out)} differences")
            for line in out[:40]:
                print("  " + line)
        else:
            print(f"{path}: identical")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
