#!/usr/bin/env python3
"""Derives bench/plan_schema.json from real `terraform show -json` plans of generated stacks.

    bench/real_plans.sh /tmp/real 0 1 2 ...      # plan some stacks with Terraform
    bench/extract_plan_schema.py /tmp/real/*.json > bench/plan_schema.json

For every resource type the schema records what the provider adds to a planned object beyond
what the configuration sets: attributes with their planned default (or unknown), which
attributes are lists or maps (needed to write `after_sensitive` for unknown values), which are
sensitive, and, for nested blocks, the defaults of their elements and whether Terraform treats
them as attributes (`ingress`, `route`, ...) or real blocks (`parameter`, ...). plan.py combines
this with the generated configuration. Only stacks generated with the default seed (1) can be
read back; the file name gives the stack index.
"""

from __future__ import annotations

import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import gen_corpus  # noqa: E402
from tfast import Blk  # noqa: E402

UNK = {"$unknown": True}


def full_value(after, unknown):
    """Merge `after` and `after_unknown` into one value with UNK markers."""
    if unknown is True:
        return UNK
    if isinstance(after, dict) or isinstance(unknown, dict):
        after = after or {}
        unknown = unknown if isinstance(unknown, dict) else {}
        keys = list(after) + [k for k in unknown if k not in after]
        return {k: full_value(after.get(k), unknown.get(k, False)) for k in keys}
    if isinstance(after, list):
        unknown = unknown if isinstance(unknown, list) else [False] * len(after)
        return [full_value(a, u) for a, u in zip(after, unknown)]
    return after


def kind_of(value, sensitive):
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict) and value is not UNK and value != UNK:
        return "map"
    if isinstance(sensitive, list):
        return "list"
    if isinstance(sensitive, dict):
        return "map"
    if value is None or value == UNK:
        return None
    return "prim"


def literal(v):
    return isinstance(v, (str, int, float, bool)) or v is None


def matches(elem: dict, blk: Blk) -> bool:
    for k, v in blk.body:
        if isinstance(v, Blk) or not literal(v) and not (isinstance(v, list) and all(map(literal, v))):
            continue
        if elem.get(k) != v:
            return False
    return True


def merge_attr(spec: dict, name: str, value, sens, in_config: bool, where: str) -> None:
    a = spec.setdefault(name, {})
    k = kind_of(value, sens)
    if k and a.get("kind") not in (None, k):
        print(f"warning: {where}.{name}: kind {a['kind']} vs {k}", file=sys.stderr)
    if k and not a.get("kind"):
        a["kind"] = k
    if sens is True:
        a["sensitive"] = True
    if not in_config:
        if "default" in a and a["default"] != value:
            a.setdefault("varies", [a["default"]])
            if value not in a["varies"]:
                a["varies"].append(value)
        else:
            a["default"] = value


def merge_blocks(spec: dict, name: str, elems: list, sens_elems, blks: list[Blk], mode: str | None, where: str):
    b = spec.setdefault(name, {"attrs": {}, "blocks": {}})
    if mode:
        b["mode"] = mode
    sens_elems = sens_elems if isinstance(sens_elems, list) else [{}] * len(elems)
    for blk in blks:
        found = [j for j, e in enumerate(elems) if matches(e, blk)]
        if not found:
            print(f"warning: {where}.{name}: no planned element matches {blk.body}", file=sys.stderr)
            continue
        e = elems[found[0]]
        s = sens_elems[found[0]] if found[0] < len(sens_elems) else {}
        set_keys = {k for k, _ in blk.body}
        for k, v in e.items():
            sub = [x for kk, x in blk.body if kk == k and isinstance(x, Blk)]
            if sub:
                merge_blocks(b["blocks"], k, v if isinstance(v, list) else [], s.get(k) if isinstance(s, dict) else None, sub, "block", f"{where}.{name}")
            else:
                merge_attr(b["attrs"], k, v, s.get(k) if isinstance(s, dict) else None, k in set_keys, f"{where}.{name}")


def extract(paths: list[str]) -> dict:
    schema: dict = {}
    for path in paths:
        m = re.search(r"stack_(\d+)\.json$", path)
        if not m:
            sys.exit(f"{path}: expected a stack_NNNNN.json name")
        st = gen_corpus.make_stack(int(m.group(1)), 1)
        _, resources = gen_corpus.tf_resources(st)
        by_addr = {r.addr: r for r in resources}
        plan = json.load(open(path))
        config = {r["address"]: r for r in plan["configuration"]["root_module"]["resources"]}
        versions = {r["address"]: r["schema_version"] for r in plan["planned_values"]["root_module"]["resources"]}
        for rc in plan["resource_changes"]:
            res = by_addr[rc["address"]]
            ch = rc["change"]
            t = schema.setdefault(rc["type"], {"schema_version": versions[rc["address"]], "attrs": {}, "blocks": {}})
            full = full_value(ch["after"], ch["after_unknown"])
            sens = ch["after_sensitive"]
            body_keys = {k for k, _ in res.body}
            for name, value in full.items():
                blks = [v for k, v in res.body if k == name and isinstance(v, Blk)]
                if blks:
                    expr = config[rc["address"]]["expressions"].get(name)
                    mode = "attr" if isinstance(expr, dict) else "block"
                    merge_blocks(t["blocks"], name, value if isinstance(value, list) else [], sens.get(name), blks, mode, rc["type"])
                    continue
                if name == "tags_all" and "tags" in body_keys:
                    continue  # tags_all is tags when tags are set (no default_tags)
                merge_attr(t["attrs"], name, value, sens.get(name), name in body_keys, rc["type"])
            for name, s in sens.items():
                if name not in full:
                    merge_attr(t["attrs"], name, None, s, name in body_keys, rc["type"])
    return dict(sorted(schema.items()))


def main() -> None:
    schema = extract(sys.argv[1:])
    for t, spec in schema.items():
        for name, a in spec["attrs"].items():
            if "varies" in a:
                print(f"note: {t}.{name} varies: {a['varies']}", file=sys.stderr)
    json.dump(schema, sys.stdout, indent=1, sort_keys=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
