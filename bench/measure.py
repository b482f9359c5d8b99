#!/usr/bin/env python3
"""Times the redshield binary end to end on the generated corpora and prints a table.

    bench/measure.py --bin target/release/redshield [--corpus-dir target/bench-corpus]
                     [--sizes 100,1000,10000] [--big-mb 50] [--max-seconds 120]
                     [--formats hcl,plan,cfn] [--json OUT.json]

Corpora are generated on first use and cached in --corpus-dir (regenerated when the generator
changes). Each case runs `redshield check --format json INPUT` with stdout discarded:

  * one probe run: exit status, peak RSS (GNU time's %M, else ru_maxrss from os.wait4), and
    the report's resource count;
  * then the wall time: hyperfine (-N, one warmup run) when it is installed, else repeated runs
    here; the table gives the median. Runs per case: 20 under 0.1 s, 10 under 1 s, 5 under 10 s,
    else 3.

With --parse-floor (examples/parse_floor.rs, built by bench/run.sh), each case is also read by
the parsers alone (hcl-edit, saphyr-parser, serde_json) with the same parallelism, and the table
gives that time and the ratio of the full run to it.

Cases: one small file per format (startup, the pre-commit case); N stacks per format (one file
or directory per stack, passed as one directory); one plan of about --big-mb MB holding many
stacks as modules; and "warehouses per module" (bench/gen_warehouses.py): one unit of N, 2N
and 4N clusters (--warehouses N; a quarter of it for plans, which spend 6 kB a cluster, and half
for templates, which stay under the YAML node limit) per format, whose time must grow linearly: the table gives the
exponent of the growth (log(t(4N)/t(N))/log 4; 1 is linear, 2 quadratic), and a format whose
exponent is over --max-exponent is reported and fails the run (exit 1). A size is skipped when one run would take longer than --max-seconds,
extrapolated from the format's two largest measured sizes (at least linearly); a case whose
probe run takes over a fifth of --max-seconds is not repeated.
"""

from __future__ import annotations

import argparse
import hashlib
import math
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

BENCH = os.path.dirname(os.path.abspath(__file__))
GENERATOR_FILES = ["gen_corpus.py", "gen_big_plan.py", "gen_warehouses.py", "tfast.py", "plan.py", "cfn.py", "plan_schema.json"]


def generator_stamp(extra: str) -> str:
    h = hashlib.sha256(extra.encode())
    for name in GENERATOR_FILES:
        with open(os.path.join(BENCH, name), "rb") as fh:
            h.update(fh.read())
    return h.hexdigest()


def cached(path: str, stamp: str, make) -> None:
    stamp_file = path.rstrip("/") + ".stamp"
    if os.path.exists(path) and os.path.exists(stamp_file) and open(stamp_file).read() == stamp:
        return
    if os.path.isdir(path):
        shutil.rmtree(path)
    elif os.path.exists(path):
        os.remove(path)
    t = time.perf_counter()
    make()
    print(f"  generated {os.path.relpath(path)} in {time.perf_counter() - t:.1f} s", flush=True)
    with open(stamp_file, "w") as fh:
        fh.write(stamp)


def input_bytes(path: str) -> int:
    if os.path.isfile(path):
        return os.path.getsize(path)
    total = 0
    for root, _, files in os.walk(path):
        for f in files:
            total += os.path.getsize(os.path.join(root, f))
    return total


TIME = "/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else None


def run_once(cmd: list[str], capture: bool) -> tuple[float, int, int, bytes]:
    """(wall seconds, peak RSS in KiB, exit status, stdout).

    Peak RSS comes from GNU time (%M) when installed: a child forked from this Python process
    would count the parent's pages in its ru_maxrss until it execs."""
    out = tempfile.TemporaryFile() if capture else subprocess.DEVNULL
    with tempfile.NamedTemporaryFile("r", suffix=".rss") as rss:
        full = [TIME, "-f", "%M", "-o", rss.name, *cmd] if TIME else cmd
        t = time.perf_counter()
        proc = subprocess.Popen(full, stdout=out, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t
        peak = int(rss.read().strip().splitlines()[-1]) if TIME else usage.ru_maxrss
    data = b""
    if capture:
        out.seek(0)
        data = out.read()
        out.close()
    return wall, peak, os.waitstatus_to_exitcode(status), data


def runs_for(seconds: float) -> int:
    return 20 if seconds < 0.1 else 10 if seconds < 1 else 5 if seconds < 10 else 3


def wall_median(cmd: list[str], probe: float, max_seconds: float) -> tuple[float, int, str]:
    runs = runs_for(probe)
    if probe > max_seconds / 5:
        return probe, 1, "single run"
    if shutil.which("hyperfine"):
        with tempfile.NamedTemporaryFile(suffix=".json") as tmp:
            subprocess.run(
                ["hyperfine", "-N", "-i", "--warmup", "1", "--runs", str(runs), "--style", "none",
                 "--export-json", tmp.name, " ".join(cmd)],
                check=True,
                capture_output=True,
            )
            result = json.load(open(tmp.name))["results"][0]
        return result["median"], runs, "hyperfine"
    times = [run_once(cmd, False)[0] for _ in range(runs)]
    return statistics.median(times), runs, "python"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bin", required=True)
    ap.add_argument("--corpus-dir", default="target/bench-corpus")
    ap.add_argument("--sizes", default="100,1000,10000")
    ap.add_argument("--formats", default="hcl,plan,cfn")
    ap.add_argument("--big-mb", type=float, default=50)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--max-seconds", type=float, default=120)
    ap.add_argument("--json", help="also write the results here")
    ap.add_argument("--warehouses", type=int, default=8000, help="N of the warehouses-per-module case (0: none)")
    ap.add_argument("--warehouse-formats", default="hcl,plan,cfn")
    ap.add_argument("--max-exponent", type=float, default=1.3)
    ap.add_argument("--parse-floor", default="",
                    help="the parse_floor example binary: also time the parsers alone on each input")
    a = ap.parse_args()
    sizes = [int(s) for s in a.sizes.split(",") if s]
    formats = [f for f in a.formats.split(",") if f]
    os.makedirs(a.corpus_dir, exist_ok=True)

    print("corpora:", flush=True)
    for n in sorted(set(sizes) | {min(sizes + [100])}):
        d = os.path.join(a.corpus_dir, f"n{n}")
        cached(
            d,
            generator_stamp(f"corpus {n} {a.seed}"),
            lambda d=d, n=n: subprocess.run(
                [sys.executable, os.path.join(BENCH, "gen_corpus.py"), str(n), d, "--seed", str(a.seed)],
                check=True,
                stdout=subprocess.DEVNULL,
            ),
        )
    big = os.path.join(a.corpus_dir, f"plan-{a.big_mb:g}mb.json")
    if a.big_mb > 0:
        cached(
            big,
            generator_stamp(f"big {a.big_mb} {a.seed}"),
            lambda: subprocess.run(
                [sys.executable, os.path.join(BENCH, "gen_big_plan.py"), str(a.big_mb), big, "--seed", str(a.seed)],
                check=True,
                stdout=subprocess.DEVNULL,
            ),
        )

    small = os.path.join(a.corpus_dir, f"n{min(sizes + [100])}")
    single = {
        "hcl": os.path.join(small, "hcl", "stack_00001", "main.tf"),
        "plan": os.path.join(small, "plan", "stack_00001.json"),
        "cfn": os.path.join(small, "cfn", "stack_00001.yaml"),
    }
    cases = [(f, "1 file", 1, single[f]) for f in formats]
    for n in sizes:
        cases += [(f, f"{n}", n, os.path.join(a.corpus_dir, f"n{n}", f)) for f in formats]
    if a.big_mb > 0 and "plan" in formats:
        stacks = json.load(open(big + ".expected.json"))["stacks"]
        cases.append(("plan", f"1 file, {stacks} stacks", stacks, big))

    load_before = os.getloadavg()
    results = []
    skipped = []
    medians: dict = {}
    print("measuring (redshield check --format json INPUT > /dev/null):", flush=True)
    for fmt, label, n, path in cases:
        scaling = label == str(n)  # one of --sizes, not a single file or the big plan
        smaller = sorted(m for (f, m) in medians if f == fmt and m < n)
        if scaling and smaller:
            # Extrapolate from the growth seen between the two largest sizes (at least linear).
            last = medians[(fmt, smaller[-1])]
            growth = n / smaller[-1]
            if len(smaller) >= 2:
                prev = medians[(fmt, smaller[-2])]
                growth = max(growth, (last / prev) ** (math.log(n / smaller[-1]) / math.log(smaller[-1] / smaller[-2])))
            predicted = last * growth
            if predicted > a.max_seconds:
                skipped.append(
                    f"{fmt} N={n}: one run would take about {predicted:,.0f} s "
                    f"(N={smaller[-1]} took {last:.2f} s), over --max-seconds {a.max_seconds:g}"
                )
                continue
        cmd = [os.path.abspath(a.bin), "check", "--format", "json", path]
        probe, rss_kib, code, out = run_once(cmd, True)
        if code not in (0, 1):
            print(f"  {fmt} {label}: exit status {code} (input errors?)", file=sys.stderr)
        summary = json.loads(out)["summary"] if out else {}
        median, runs, how = wall_median(cmd, probe, a.max_seconds)
        if scaling:
            medians[(fmt, n)] = median
        floor = None
        if a.parse_floor:
            floor_cmd = [os.path.abspath(a.parse_floor), path]
            floor_probe = run_once(floor_cmd, False)[0]
            floor = wall_median(floor_cmd, floor_probe, a.max_seconds)[0]
        size = input_bytes(path)
        row = {
            "format": fmt,
            "n": label,
            "stacks": n,
            "resources": summary.get("resources"),
            "findings": summary.get("findings"),
            "errors": summary.get("errors"),
            "bytes": size,
            "wall_median_s": median,
            "runs": runs,
            "timer": how,
            "peak_rss_mib": rss_kib / 1024,
            "parse_floor_s": floor,
        }
        results.append(row)
        print(
            f"  {fmt:4} {label:>22}: {median:8.3f} s median of {runs} ({how}), peak RSS {rss_kib / 1024:7.1f} MiB"
            + (f", parse floor {floor:.3f} s ({median / floor:.2f}x)" if floor else ""),
            flush=True,
        )

    linearity = []
    if a.warehouses > 0:
        print("warehouses per module (one unit of N, 2N, 4N clusters):", flush=True)
        for fmt in [f for f in a.warehouse_formats.split(",") if f]:
            times = []
            # A plan spends about 6 kB per warehouse: a quarter of N keeps 4N under the
            # 100 MB limit on one input. A template about 31 YAML nodes: half of N keeps 4N
            # under the limit of a million nodes.
            base = max(1, a.warehouses // {"plan": 4, "cfn": 2}.get(fmt, 1))
            broken = False
            for n in (base, 2 * base, 4 * base):
                path = os.path.join(a.corpus_dir, f"warehouses-{fmt}-{n}" + ("" if fmt == "hcl" else ".json" if fmt == "plan" else ".yaml"))
                cached(
                    path,
                    generator_stamp(f"warehouses {fmt} {n}"),
                    lambda path=path, n=n, fmt=fmt: subprocess.run(
                        [sys.executable, os.path.join(BENCH, "gen_warehouses.py"), str(n), path, "--format", fmt],
                        check=True,
                    ),
                )
                cmd = [os.path.abspath(a.bin), "check", "--format", "json", path]
                probe, rss_kib, code, out = run_once(cmd, True)
                if code not in (0, 1):
                    print(f"  warehouses {fmt} {n}: exit status {code} (input errors?)", file=sys.stderr)
                    broken = True
                summary = json.loads(out)["summary"] if out else {}
                median, runs, how = wall_median(cmd, probe, a.max_seconds)
                times.append(median)
                results.append({
                    "format": fmt, "n": f"{n} warehouses, 1 unit", "stacks": 1,
                    "resources": summary.get("resources"), "findings": summary.get("findings"),
                    "errors": summary.get("errors"), "bytes": input_bytes(path), "wall_median_s": median,
                    "runs": runs, "timer": how, "peak_rss_mib": rss_kib / 1024,
                })
                print(f"  {fmt:4} {n:>8} warehouses: {median:8.3f} s median of {runs} ({how}), peak RSS {rss_kib / 1024:7.1f} MiB", flush=True)
            # A run that stopped at an input error measures nothing: no exponent (the run fails).
            exponent = math.log(times[2] / times[0]) / math.log(4) if times[0] > 0 and not broken else float("nan")
            steps = [math.log(times[i + 1] / times[i]) / math.log(2) for i in range(2) if times[i] > 0]
            linearity.append({"format": fmt, "n": base, "seconds": times, "exponent": exponent, "steps": steps})
            print(f"  {fmt}: growth exponent {exponent:.2f} (N→2N {steps[0]:.2f}, 2N→4N {steps[1]:.2f})", flush=True)

    load_after = os.getloadavg()
    load = f"load average {load_before[0]:.2f} before, {load_after[0]:.2f} after, on {os.cpu_count()} CPUs"
    print()
    print(table(results))
    for s in skipped:
        print(f"skipped: {s}")
    for lin in linearity:
        print(f"warehouses per module, {lin['format']}: time grows as N^{lin['exponent']:.2f} "
              f"from N={lin['n']} to {4 * lin['n']}")
    print(load)
    too_steep = [lin for lin in linearity if not lin["exponent"] <= a.max_exponent]
    for lin in too_steep:
        print(f"NOT LINEAR: {lin['format']} warehouses per module grow as N^{lin['exponent']:.2f}, "
              f"over --max-exponent {a.max_exponent:g}", file=sys.stderr)
    if a.json:
        meta = {
            "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, {cpu_model()}",
            "commit": git_commit(),
            "rustc": subprocess.run(["rustc", "--version"], capture_output=True, text=True).stdout.strip(),
            "skipped": skipped,
            "load": load,
            "linearity": linearity,
        }
        with open(a.json, "w") as fh:
            json.dump({"meta": meta, "results": results}, fh, indent=1)
            fh.write("\n")
    return 1 if too_steep else 0


def table(results: list[dict]) -> str:
    floors = any(r.get("parse_floor_s") for r in results)
    head = "| format | N (stacks) | resources | MB | wall median (s) | resources/s | MB/s | peak RSS (MB) |"
    lines = [head + (" parse floor (s) | run / floor |" if floors else ""),
             "|---|---:|---:|---:|---:|---:|---:|---:|" + ("---:|---:|" if floors else "")]
    for r in results:
        mb = r["bytes"] / 1e6
        res = r["resources"] or 0
        t = r["wall_median_s"]
        line = (
            f"| {r['format']} | {r['n']} | {res:,} | {mb:.2f} | {t:.3f} | {res / t:,.0f} | {mb / t:.1f} | "
            f"{r['peak_rss_mib'] * 1.048576:.0f} |"
        )
        if floors:
            f = r.get("parse_floor_s")
            line += f" {f:.3f} | {t / f:.2f} |" if f else " | |"
        lines.append(line)
    return "\n".join(lines)


def cpu_model() -> str:
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def git_commit() -> str:
    rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=BENCH).stdout.strip()
    dirty = subprocess.run(["git", "status", "--porcelain", "--", "src", "Cargo.toml", "Cargo.lock"], capture_output=True, text=True, cwd=BENCH).stdout.strip()
    return rev + (" + uncommitted changes in src/" if dirty else "")


if __name__ == "__main__":
    sys.exit(main())
