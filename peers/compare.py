#!/usr/bin/env python3
"""Runs tapegrad's benchmarks and the peers' scripts in one go and prints the performance
ratios, each from medians measured side by side in this run.

    python3 peers/compare.py [--python PEERS_PYTHON] [--steps 1000] [--rounds 5]

PEERS_PYTHON is a Python with torch and jax installed (see peers/README.md); without it the
peer rows are skipped. The peers run pinned to one core (taskset -c 0) with single-threaded
math libraries, as the issue's goals are stated per core.

The machines here switch between speeds for a tenth of a second or more at a time (another
machine's load), and criterion times one function after another, seconds apart. So the
script runs in rounds: each round runs every benchmark and each peer once, each beside what
it is compared with, and a goal's ratio is the median of its rounds' ratios, printed with
all of them. The figures in a row are those of the median round.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ONE_THREAD = {
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "XLA_FLAGS": "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1",
}


STARTED = time.time()


def criterion_median_us(group, name):
    path = ROOT / "target" / "criterion" / group / name / "new" / "estimates.json"
    if path.stat().st_mtime < STARTED:
        sys.exit(f"{path} was not written by this run: is the benchmark still named {group}/{name}?")
    return json.loads(path.read_text())["median"]["point_estimate"] / 1000.0


def cargo_bench(bench):
    print(f"== cargo bench -p tapegrad-benches --bench {bench}", flush=True)
    return subprocess.run(
        ["cargo", "bench", "-p", "tapegrad-benches", "--bench", bench, "--", "--noplot"],
        cwd=ROOT, check=True, capture_output=True, text=True,
    ).stdout


def run_cheap_gradient():
    """Runs the cheap-gradient benchmark; returns the peak memory it prints for each way of
    recording ("op by op", "statements"), in bytes per input."""
    peaks = {}
    for line in cargo_bench("cheap_gradient").splitlines():
        found = re.search(r"memory \(([a-z ]+)\): peak ([0-9.]+) bytes per input", line)
        if found:
            print("   ", line)
            peaks[found.group(1)] = float(found.group(2))
    if set(peaks) != {"op by op", "statements"}:
        sys.exit("cheap_gradient did not print both peak memories")
    return peaks


def run_peer(python, script, steps):
    """Microseconds per step of one run of a peer script."""
    print(f"== {script}", flush=True)
    pin = ["taskset", "-c", "0"] if shutil.which("taskset") else []
    out = subprocess.run(
        pin + [python, script, str(steps)], cwd=ROOT / "peers", check=True,
        capture_output=True, text=True, env={**os.environ, **ONE_THREAD},
    ).stdout
    return float(re.search(r"us_per_step=([0-9.]+)", out).group(1))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--python", default=os.environ.get("PEERS_PYTHON", "/tmp/peers-venv/bin/python"))
    parser.add_argument("--steps", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    peers = Path(args.python).exists()
    if not peers:
        print(f"(no peer Python at {args.python}: peer rows skipped; see peers/README.md)")

    peak = None
    rounds = []
    for _ in range(args.rounds):
        # One round: every benchmark and peer once, each beside what it is compared with.
        found = run_cheap_gradient()
        peak = peak or found
        figures = {name: criterion_median_us("cheap_gradient", name)
                   for name in ["f64", "tapegrad", "tapegrad_record", "tapegrad_statement"]}
        cargo_bench("reference_tape")
        for name in ["cheap_gradient", "cheap_gradient_record", "micrograd_step", "micrograd_step_record"]:
            figures["reference_" + name] = criterion_median_us("reference_tape", name)
        cargo_bench("micrograd_step")
        figures["micrograd_step"] = criterion_median_us("micrograd_step", "one_thread")
        if peers:
            figures["torch"] = run_peer(args.python, "torch_moons.py", args.steps)
        cargo_bench("nn_step")
        figures["nn_step"] = criterion_median_us("nn_step", "one_thread")
        if peers:
            figures["jax"] = run_peer(args.python, "jax_moons.py", args.steps)
        cargo_bench("data_parallel")
        for name in ["one_thread", "two_threads"]:
            figures[name] = criterion_median_us("data_parallel", name)
        rounds.append(figures)

    def goal(ours, theirs):
        """The round of the median ratio `ours / theirs`, and every round's ratio in run order."""
        ratio = lambda figures: figures[ours] / figures[theirs]
        middle = sorted(rounds, key=ratio)[len(rounds) // 2]
        return middle, f"rounds: {', '.join(f'{ratio(figures):.2f}' for figures in rounds)}"

    r, each = goal("tapegrad", "f64")
    rows = [
        ("1 cheap gradient, 10^6 inputs", f"{r['tapegrad'] / 1000:.1f} ms", f"f64 loop {r['f64'] / 1000:.2f} ms",
         f"{r['tapegrad'] / r['f64']:.2f}x f64 ({each})", "<= 3x"),
        ("1 of which recording", f"{r['tapegrad_record'] / 1000:.1f} ms",
         f"backward and reading {(r['tapegrad'] - r['tapegrad_record']) / 1000:.1f} ms", "", ""),
        ("1 peak memory, same work", f"{peak['op by op']:.0f} bytes per input", "", "", "<= 128 bytes"),
    ]
    r, each = goal("tapegrad_statement", "f64")
    rows += [
        ("1 with Tape::statement, one node a term", f"{r['tapegrad_statement'] / 1000:.1f} ms",
         f"f64 loop {r['f64'] / 1000:.2f} ms", f"{r['tapegrad_statement'] / r['f64']:.2f}x f64 ({each})", "<= 2x"),
        ("1 peak memory, statements", f"{peak['statements']:.0f} bytes per input", "", "", "<= 64 bytes"),
    ]
    r, each = goal("reference_cheap_gradient", "f64")
    rows.append(("1 same work, reference tape", f"{r['reference_cheap_gradient'] / 1000:.1f} ms",
                 f"recording {r['reference_cheap_gradient_record'] / 1000:.1f} ms",
                 f"{r['reference_cheap_gradient'] / r['f64']:.2f}x f64 ({each})", ""))
    if peers:
        r, each = goal("micrograd_step", "torch")
        rows.append(("2 micrograd-style step, 1 thread", f"{r['micrograd_step']:.0f} us", f"PyTorch {r['torch']:.0f} us",
                     f"{r['micrograd_step'] / r['torch']:.2f}x PyTorch ({each})", "<= 0.25x"))
        r, each = goal("reference_micrograd_step", "torch")
        rows.append(("2 same work, reference tape", f"{r['reference_micrograd_step']:.0f} us",
                     f"recording {r['reference_micrograd_step_record']:.0f} us",
                     f"{r['reference_micrograd_step'] / r['torch']:.2f}x PyTorch ({each})", ""))
        r, each = goal("nn_step", "jax")
        rows.append(("3 nn moons step, 1 thread", f"{r['nn_step']:.1f} us", f"JAX jit {r['jax']:.1f} us",
                     f"{r['nn_step'] / r['jax']:.2f}x JAX ({each})", "<= 1x"))
    # The two-thread ratio is the other way up: one thread over two.
    r, _ = goal("two_threads", "one_thread")
    each = ", ".join(f"{figures['one_thread'] / figures['two_threads']:.2f}" for figures in rounds)
    rows.append(("4 1000-point batch, 2 threads", f"{r['two_threads']:.0f} us", f"1 thread {r['one_thread']:.0f} us",
                 f"{r['one_thread'] / r['two_threads']:.2f}x faster (rounds: {each})", ">= 1.7x"))

    print()
    print("| goal | tapegrad | beside it, same run | ratio | target |")
    print("| --- | --- | --- | --- | --- |")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    sys.exit(main())
