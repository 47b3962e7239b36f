#!/usr/bin/env python3
"""Runs tapegrad's benchmarks and the peers' scripts in one go and prints the speed issue's
ratios, each from medians measured side by side in this run.

    python3 peers/compare.py [--python PEERS_PYTHON] [--steps 1000] [--repeats 5]
                             [--data-parallel-runs 3]

PEERS_PYTHON is a Python with torch and jax installed (see peers/README.md); without it the
peer rows are skipped. The peers run pinned to one core (taskset -c 0) with single-threaded
math libraries, as the issue's goals are stated per core.
"""
import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCHES = ["cheap_gradient", "micrograd_step", "nn_step", "reference_tape"]
ONE_THREAD = {
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "XLA_FLAGS": "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1",
}


STARTED = time.time()


def criterion_median_ns(group, name):
    path = ROOT / "target" / "criterion" / group / name / "new" / "estimates.json"
    if path.stat().st_mtime < STARTED:
        sys.exit(f"{path} was not written by this run: is the benchmark still named {group}/{name}?")
    return json.loads(path.read_text())["median"]["point_estimate"]


def cargo_bench(bench):
    print(f"== cargo bench --bench {bench}", flush=True)
    return subprocess.run(
        ["cargo", "bench", "--bench", bench, "--", "--noplot"],
        cwd=ROOT, check=True, capture_output=True, text=True,
    ).stdout


def run_benches():
    """Runs every benchmark but goal 4's; returns goal 1's peak memory in bytes per input."""
    peak = None
    for bench in BENCHES:
        for line in cargo_bench(bench).splitlines():
            found = re.search(r"memory: peak ([0-9.]+) bytes per input", line)
            if found:
                peak = float(found.group(1))
                print("   ", line)
    return peak


def run_data_parallel(runs):
    """Goal 4's benchmark `runs` times: its one-thread and two-thread medians (microseconds)
    of each run. Its ratio moves more from run to run than any other goal's on a noisy
    machine, since both cores have to be free at once, so the table gives the median run."""
    medians = []
    for _ in range(runs):
        cargo_bench("data_parallel")
        medians.append((criterion_median_ns("data_parallel", "one_thread") / 1000.0,
                        criterion_median_ns("data_parallel", "two_threads") / 1000.0))
    return medians


def run_peer(python, script, steps, repeats):
    """Median microseconds per step over `repeats` runs of a peer script."""
    pin = ["taskset", "-c", "0"] if shutil.which("taskset") else []
    times = []
    for _ in range(repeats):
        out = subprocess.run(
            pin + [python, script, str(steps)], cwd=ROOT / "peers", check=True,
            capture_output=True, text=True, env={**os.environ, **ONE_THREAD},
        ).stdout
        times.append(float(re.search(r"us_per_step=([0-9.]+)", out).group(1)))
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--python", default=os.environ.get("PEERS_PYTHON", "/tmp/peers-venv/bin/python"))
    parser.add_argument("--steps", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--data-parallel-runs", type=int, default=3)
    args = parser.parse_args()

    peak = run_benches()
    data_parallel = run_data_parallel(args.data_parallel_runs)
    us = lambda group, name: criterion_median_ns(group, name) / 1000.0
    rows = []
    f64, ours = us("cheap_gradient", "f64"), us("cheap_gradient", "tapegrad")
    rows.append(("1 cheap gradient, 10^6 inputs", f"{ours / 1000:.1f} ms", f"f64 loop {f64 / 1000:.2f} ms",
                 f"{ours / f64:.2f}x f64", "<= 3x"))
    recording = us("cheap_gradient", "tapegrad_record")
    rows.append(("1 of which recording", f"{recording / 1000:.1f} ms", f"backward and reading {(ours - recording) / 1000:.1f} ms",
                 "", ""))
    rows.append(("1 peak memory, same work", f"{peak:.0f} bytes per input", "", "", "<= 128 bytes"))
    reference = us("reference_tape", "cheap_gradient")
    rows.append(("1 same work, reference tape", f"{reference / 1000:.1f} ms",
                 f"recording {us('reference_tape', 'cheap_gradient_record') / 1000:.1f} ms",
                 f"{reference / f64:.2f}x f64", ""))

    peers = {}
    if Path(args.python).exists():
        for peer in ["torch", "jax"]:
            print(f"== {peer}_moons.py", flush=True)
            peers[peer] = run_peer(args.python, f"{peer}_moons.py", args.steps, args.repeats)
    else:
        print(f"(no peer Python at {args.python}: peer rows skipped; see peers/README.md)")

    micrograd_style = us("micrograd_step", "one_thread")
    nn_step = us("nn_step", "one_thread")
    if "torch" in peers:
        rows.append(("2 micrograd-style step, 1 thread", f"{micrograd_style:.0f} us", f"PyTorch {peers['torch']:.0f} us",
                     f"{micrograd_style / peers['torch']:.2f}x PyTorch", "<= 0.25x"))
    reference = us("reference_tape", "micrograd_step")
    reference_recording = us("reference_tape", "micrograd_step_record")
    rows.append(("2 same work, reference tape", f"{reference:.0f} us", f"recording {reference_recording:.0f} us",
                 f"{reference / peers['torch']:.2f}x PyTorch" if "torch" in peers else "", ""))
    if "jax" in peers:
        rows.append(("3 nn moons step, 1 thread", f"{nn_step:.1f} us", f"JAX jit {peers['jax']:.1f} us",
                     f"{nn_step / peers['jax']:.2f}x JAX", "<= 1x"))
    runs = sorted(data_parallel, key=lambda run: run[0] / run[1])
    one, two = runs[len(runs) // 2]
    each = ", ".join(f"{a / b:.2f}" for a, b in data_parallel)
    rows.append(("4 1000-point batch, 2 threads", f"{two:.0f} us", f"1 thread {one:.0f} us",
                 f"{one / two:.2f}x faster (median run of {len(runs)}: {each})", ">= 1.7x"))

    print()
    print("| goal | tapegrad | beside it, same run | ratio | target |")
    print("| --- | --- | --- | --- | --- |")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    sys.exit(main())
