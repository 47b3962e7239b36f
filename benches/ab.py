#!/usr/bin/env python3
"""Compares the benchmarks of two builds of tapegrad, run in turns, and prints the ratios.

    python3 benches/ab.py BASE [NEW] [--rounds 6] [--bench NAME]... [--seconds 4] [--same-benches]

BASE and NEW are git revisions; NEW defaults to the working tree as it is, uncommitted
changes included. Each is built once (in a git worktree of its own, sharing `target/`), its
benchmark executables are copied aside, and then the two sets run in turns, round after
round, so that whatever the machine does meanwhile (another job, a clock change) falls on
both alike.

On a noisy machine one criterion run of each build is not enough to tell a 5% change: moving
a function by 16 bytes has moved a benchmark by that much here. The table gives, for each
benchmark, the median over the rounds of criterion's own median, the spread of those
numbers, the ratio NEW/BASE of the two medians, and in how many rounds NEW was the faster.
A change is worth keeping when the ratio holds across runs of this script and NEW wins
most rounds.

With --same-benches, BASE is built with NEW's benchmark files (`benches/`) in place of its
own: the same cases measured on two builds of the library, for a benchmark that gained cases
since BASE (they must use only what BASE's library has).
"""
import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_BENCHES = ["cheap_gradient", "micrograd_step", "nn_step"]
UNITS = {"ps": 1e-3, "ns": 1.0, "µs": 1e3, "us": 1e3, "ms": 1e6, "s": 1e9}
# Criterion prints `name  time: [low median high]`, with a line break after the name when
# the name is long.
TIME = re.compile(r"^(\S[^\n]*?)\s+time:\s+\[\S+ \S+ (\S+) (\S+) \S+ \S+\]", re.MULTILINE)


def git(*args, cwd=ROOT):
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"git {' '.join(args)}: {done.stderr.strip()}")
    return done.stdout.strip()


def build(source, benches, into):
    """Builds the benchmarks in `source` and copies their executables into `into`."""
    command = ["cargo", "bench", "--no-run", "--message-format=json"]
    if (Path(source) / "benches" / "Cargo.toml").exists():
        # The benchmarks are a workspace member of their own (older revisions kept them in
        # the library's package).
        command[2:2] = ["-p", "tapegrad-benches"]
    for bench in benches:
        command += ["--bench", bench]
    built = subprocess.run(command, cwd=source, capture_output=True, text=True,
                           env={**os.environ,
                           "CARGO_TARGET_DIR": os.environ.get("CARGO_TARGET_DIR", str(ROOT / "target"))})
    if built.returncode != 0:
        sys.stderr.write(built.stderr)
        raise SystemExit(f"the benchmarks in {source} did not build")
    out = built.stdout
    into.mkdir(parents=True)
    found = {}
    for line in out.splitlines():
        message = json.loads(line)
        target = message.get("target", {})
        if message.get("executable") and "bench" in target.get("kind", []):
            found[target["name"]] = shutil.copy(message["executable"], into / target["name"])
    missing = set(benches) - set(found)
    if missing:
        sys.exit(f"no executable built for {sorted(missing)} in {source}")
    return found


def run(executable, seconds, workdir):
    """Criterion's median of every benchmark in one executable, in nanoseconds."""
    ran = subprocess.run(
        [executable, "--bench", "--noplot", "--warm-up-time", "1",
         "--measurement-time", str(seconds)],
        cwd=workdir, capture_output=True, text=True,
    )
    if ran.returncode != 0:
        sys.stderr.write(ran.stdout + ran.stderr)
        raise SystemExit(f"{executable} failed")
    return {name.strip(): float(value) * UNITS[unit]
            for name, value, unit in TIME.findall(ran.stdout)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("base")
    parser.add_argument("new", nargs="?", help="a revision; the working tree if left out")
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--bench", action="append", help="a benchmark target (repeatable)")
    parser.add_argument("--seconds", type=float, default=4, help="criterion's measurement time")
    parser.add_argument("--same-benches", action="store_true",
                        help="build BASE with NEW's benchmark files")
    args = parser.parse_args()
    benches = args.bench or DEFAULT_BENCHES

    scratch = Path(tempfile.mkdtemp(prefix="tapegrad-ab-"))
    trees = []
    try:
        builds = {}
        sources = {}
        for label, revision in (("new", args.new), ("base", args.base)):
            if revision is None:
                source = ROOT
                label = "new (working tree)"
            else:
                source = scratch / f"tree-{len(trees)}"
                git("worktree", "add", "--detach", str(source), revision)
                trees.append(source)
                label = f"{label} ({git('rev-parse', '--short', revision)})"
            sources[label] = source
            if label.startswith("base") and args.same_benches:
                new_source = next(iter(sources.values()))
                shutil.rmtree(source / "benches")
                shutil.copytree(new_source / "benches", source / "benches",
                                ignore=shutil.ignore_patterns("target"))
                label += " with new benches"
            print(f"building {label}", flush=True)
            builds[label] = build(source, benches, scratch / f"bin-{len(builds)}")
        # The report reads base, then new.
        builds = dict(reversed(list(builds.items())))

        times = {label: {} for label in builds}
        labels = list(builds)
        for round_ in range(args.rounds):
            # Alternate which build goes first, so that neither always runs on a warmer machine.
            order = labels if round_ % 2 == 0 else labels[::-1]
            for bench in benches:
                for label in order:
                    for name, ns in run(builds[label][bench], args.seconds, scratch).items():
                        times[label].setdefault(name, []).append(ns)
            print(f"round {round_ + 1} of {args.rounds} done", flush=True)
        report(times, labels)
    finally:
        for tree in trees:
            git("worktree", "remove", "--force", str(tree))
        shutil.rmtree(scratch, ignore_errors=True)


def report(times, labels):
    base, new = labels
    print(f"\n{'benchmark':<34} {'base median':>12} {'new median':>12} {'new/base':>9}  "
          f"{'new faster':>10}  spread base | new")
    for name in sorted(times[base]):
        a, b = times[base][name], times[new].get(name)
        if not b:
            continue
        wins = sum(y < x for x, y in zip(a, b))
        spread = lambda xs: f"{min(xs) / 1e3:.1f}-{max(xs) / 1e3:.1f} us"
        print(f"{name:<34} {statistics.median(a) / 1e3:>9.1f} us {statistics.median(b) / 1e3:>9.1f} us "
              f"{statistics.median(b) / statistics.median(a):>9.3f}  {wins:>4} of {len(b):<3}  "
              f"{spread(a)} | {spread(b)}")
    print(f"\nbase: {base}\nnew:  {new}")


if __name__ == "__main__":
    main()
