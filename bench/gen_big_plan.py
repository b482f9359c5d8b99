#!/usr/bin/env python3
"""Writes one large Terraform plan JSON: many stacks as local modules of one root module.

    bench/gen_big_plan.py SIZE_MB OUT [--seed S] [--region R]

The root calls `module "stack_NNNNN" { source = "./stacks/stack_NNNNN" }` once per stack (a
monorepo composing per-team stacks), so every resource address is
`module.stack_NNNNN.<type>.<name>` and the configuration holds each module's resources with
module-relative references, as Terraform writes them. Stacks are the same as gen_corpus.py's
(same flags and seed), all in one region because one root has one default provider. Stacks are
added until the file reaches SIZE_MB (10^6 bytes); the output is compact, like
`terraform show -json`.

Also writes OUT's expected findings to OUT.expected.json. The plan is one analysis unit, so
cross-stack rules see every stack (RS302: once a trail is in scope, every Spectrum bucket is
judged; see gen_corpus.predict_unit).
"""

from __future__ import annotations

import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import gen_corpus  # noqa: E402
from plan import TERRAFORM_VERSION, TIMESTAMP, go_json_unsorted, provider_config, stack_parts  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("size_mb", type=float)
    ap.add_argument("out")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--region", default="us-east-1")
    a = ap.parse_args()
    target = int(a.size_mb * 1_000_000)
    j = go_json_unsorted

    changes, planned, calls, relevant, stacks = [], [], [], [], []
    # The fixed part of the document, around the per-stack lists.
    overhead = 600
    size = overhead
    i = 0
    while size < target:
        st = gen_corpus.make_stack(i, a.seed)
        st.region = a.region
        p = stack_parts(st, modules=True)
        name = f"stack_{i:05d}"
        parts = (
            [j(c) for c in p["changes"]],
            j({"resources": p["planned"], "address": p["prefix"][:-1]}),
            j(name) + ":" + j({"source": f"./stacks/{name}", "module": {"resources": p["config"]}}),
            [j(r) for r in p["relevant"]],
        )
        changes.extend(parts[0])
        planned.append(parts[1])
        calls.append(parts[2])
        relevant.extend(parts[3])
        stacks.append(st)
        size += sum(len(x) + 1 for x in parts[0]) + len(parts[1]) + len(parts[2]) + sum(len(x) + 1 for x in parts[3]) + 3
        i += 1

    with open(a.out, "w", encoding="utf-8") as out:
        out.write('{"format_version":"1.2","terraform_version":' + j(TERRAFORM_VERSION))
        out.write(',"planned_values":{"root_module":{"child_modules":[' + ",".join(planned) + "]}}")
        out.write(',"resource_changes":[' + ",".join(changes) + "]")
        out.write(',"configuration":{"provider_config":' + j(provider_config(a.region)))
        out.write(',"root_module":{"module_calls":{' + ",".join(calls) + "}}}")
        out.write(',"relevant_attributes":[' + ",".join(relevant) + "]")
        out.write(',"timestamp":' + j(TIMESTAMP) + ',"applyable":true,"complete":true,"errored":false}\n')
    found = gen_corpus.predict_unit(stacks, "plan")
    resources = len(changes)
    doc = {
        "generator": "bench/gen_big_plan.py",
        "stacks": len(stacks),
        "resources": resources,
        "seed": a.seed,
        "bytes": os.path.getsize(a.out),
        "findings": {"plan": {r: found[r] for r in gen_corpus.RULES}},
    }
    with open(a.out + ".expected.json", "w") as fh:
        json.dump(doc, fh, indent=1)
        fh.write("\n")
    print(f"wrote {a.out}: {doc['bytes']} bytes, {len(stacks)} stacks, {resources} resources")


if __name__ == "__main__":
    main()
