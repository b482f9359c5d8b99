#!/usr/bin/env python3
"""The scaling benchmark: for each dimension a configuration grows in, the time of one run at
sizes N, 2N, 4N and 8N, and the exponent of its growth.

    bench/scaling.py --bin target/release/redshield [--n 1000] [--runs 3]
                     [--only DIM,DIM] [--max-exponent 1.2] [--corpus-dir target/scaling-corpus]
                     [--json OUT.json] [--parse-floor target/release/examples/parse_floor]

Inputs come from bench/gen_scaling.py (cached in --corpus-dir, regenerated when a generator
changes). Each run is `redshield check --format json INPUT`, output kept to read its summary;
a size's time is the median of --runs runs, in CPU seconds (user + system of the process: on a
machine shared with other jobs, the work done, not the time spent waiting for a core) and wall
seconds. The exponent is the least-squares slope of log(CPU time) against log(size) over the
four sizes: 1 is linear, 2 quadratic (the wall-time exponent is shown beside it). A dimension
whose exponent is over --max-exponent is named and the script exits 1.

With --parse-floor, each input is also read by the parse-floor program (examples/parse_floor.rs:
the parsers alone, same parallelism) and the table gives full run / parse floor at 8N.

Some dimensions cost more per unit than others (a plan spends about 6 kB per cluster, a
template is capped by the YAML node limit), so N is scaled per dimension (SCALE below).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

BENCH = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, BENCH)

import gen_scaling  # noqa: E402

GENERATOR_FILES = ["gen_scaling.py", "gen_warehouses.py", "tfast.py", "plan.py", "plan_schema.json"]

# Multiplier of --n per dimension, so that the smallest size is well above start-up cost and
# the largest stays in seconds. Module instances come from one `count`, which stops at the
# instance limit (10,000 by default): keep 8N under it.
SCALE = {
    "warehouses-per-module": 1.0,
    "subnets-per-group": 1.0,
    "subnets-sharing-acl": 1.0,
    "acl-entries": 1.0,
    "acl-shared-and-entries": 0.5,
    "security-group-rules": 1.0,
    "security-groups-per-warehouse": 1.0,
    "route-tables": 1.0,
    "buckets-and-policies": 0.5,
    "trails-and-buckets": 0.25,
    "modules": 0.5,
    "module-instances": 1.0,
    "vpcs-with-endpoints": 0.5,
    "cfn-resources": 1.0,
    "plan-resources": 0.25,
}


def stamp() -> str:
    h = hashlib.sha256()
    for name in GENERATOR_FILES:
        with open(os.path.join(BENCH, name), "rb") as fh:
            h.update(fh.read())
    return h.hexdigest()


def input_path(corpus: str, dim: str, n: int) -> str:
    kind = gen_scaling.DIMENSIONS[dim][0]
    ext = {"hcl": "", "cfn": ".yaml", "plan": ".json"}[kind]
    return os.path.join(corpus, f"{dim}-{n}{ext}")


def ensure_input(corpus: str, dim: str, n: int, st: str) -> str:
    path = input_path(corpus, dim, n)
    stamp_file = path + ".stamp"
    if os.path.exists(path) and os.path.exists(stamp_file) and open(stamp_file).read() == st:
        return path
    if os.path.isdir(path):
        shutil.rmtree(path)
    elif os.path.exists(path):
        os.remove(path)
    gen_scaling.write(dim, n, path)
    with open(stamp_file, "w") as fh:
        fh.write(st)
    return path


def timed(cmd: list[str]) -> tuple[float, float, str, int]:
    """Wall seconds, CPU seconds (user + system of the child), stdout, exit status."""
    t = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        p = subprocess.Popen(cmd, stdout=out, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t
        p.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read().decode()
    return wall, usage.ru_utime + usage.ru_stime, text, p.returncode


def slope(xs: list[float], ys: list[float]) -> float:
    """Least-squares slope of log(y) on log(x)."""
    lx = [math.log(x) for x in xs]
    ly = [math.log(max(y, 1e-6)) for y in ys]
    mx, my = statistics.fmean(lx), statistics.fmean(ly)
    num = sum((a - mx) * (b - my) for a, b in zip(lx, ly))
    den = sum((a - mx) ** 2 for a in lx)
    return num / den


def measure(bin_: str, path: str, runs: int, floor: str | None) -> dict:
    times, cpu, summary, status = [], [], {}, None
    for _ in range(runs):
        t, c, out, status = timed([bin_, "check", "--format", "json", path])
        times.append(t)
        cpu.append(c)
        if not summary and out:
            summary = json.loads(out).get("summary", {})
    row = {"seconds": statistics.median(times), "cpu_seconds": statistics.median(cpu), "status": status,
           "resources": summary.get("resources"), "findings": summary.get("findings"),
           "input_errors": summary.get("errors")}
    if floor:
        ft = [timed([floor, path])[0] for _ in range(runs)]
        row["floor_seconds"] = statistics.median(ft)
    return row


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bin", default="target/release/redshield")
    ap.add_argument("--n", type=int, default=1000, help="the smallest size N (scaled per dimension)")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--only", default="", help="comma-separated dimensions (default: all)")
    ap.add_argument("--max-exponent", type=float, default=1.2)
    ap.add_argument("--corpus-dir", default="target/scaling-corpus")
    ap.add_argument("--json", default="")
    ap.add_argument("--parse-floor", default="", help="the parse_floor example binary")
    a = ap.parse_args()

    dims = [d for d in a.only.split(",") if d] or list(gen_scaling.DIMENSIONS)
    for d in dims:
        if d not in gen_scaling.DIMENSIONS:
            ap.error(f"unknown dimension {d}; known: {', '.join(gen_scaling.DIMENSIONS)}")
    os.makedirs(a.corpus_dir, exist_ok=True)
    st = stamp()

    results = []
    print("| dimension | sizes | resources at 8N | findings at 8N | CPU seconds (N, 2N, 4N, 8N) | exponent "
          "| wall seconds | wall exponent |" + (" run / parse floor at 8N (wall) |" if a.parse_floor else ""))
    print("|---|---|---:|---:|---|---:|---|---:|" + ("---:|" if a.parse_floor else ""), flush=True)
    failed = []
    for d in dims:
        n0 = max(1, int(a.n * SCALE[d]))
        sizes = [n0, 2 * n0, 4 * n0, 8 * n0]
        rows = [measure(a.bin, ensure_input(a.corpus_dir, d, n, st), a.runs, a.parse_floor or None) for n in sizes]
        exp = slope(sizes, [r["cpu_seconds"] for r in rows])
        wall_exp = slope(sizes, [r["seconds"] for r in rows])
        last = rows[-1]
        line = (f"| {d} | {n0}…{8 * n0} | {last['resources']} | {last['findings']} | "
                + ", ".join(f"{r['cpu_seconds']:.3f}" for r in rows) + f" | {exp:.2f} | "
                + ", ".join(f"{r['seconds']:.3f}" for r in rows) + f" | {wall_exp:.2f} |")
        if a.parse_floor:
            line += f" {last['seconds'] / max(last['floor_seconds'], 1e-6):.2f} |"
        print(line, flush=True)
        if any(r["input_errors"] for r in rows):
            print(f"  {d}: input errors {[r['input_errors'] for r in rows]}", flush=True)
        counts = [r["resources"] or 0 for r in rows]
        if any(b < c for c, b in zip(counts, counts[1:])):
            # A larger size with fewer resources (a `count` over its limit, say) measures nothing.
            print(f"  {d}: the resources shrink as the size grows: {counts}", flush=True)
            failed.append(d)
        elif exp > a.max_exponent:
            failed.append(d)
        results.append({"dimension": d, "sizes": sizes, "runs": rows, "exponent": exp})
    if a.json:
        with open(a.json, "w") as fh:
            json.dump(results, fh, indent=1)
    if failed:
        print(f"\nexponent over {a.max_exponent}, or resources that shrink: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
