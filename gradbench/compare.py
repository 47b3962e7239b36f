#!/usr/bin/env python3
"""Runs one GradBench eval against tapegrad's tool and every peer present, size by size, and
prints each tool's median time, its ratio to tapegrad's, and whether the eval found it valid.

    python3 gradbench/compare.py [OPTIONS] EVAL [EVAL OPTIONS...]

    python3 gradbench/compare.py gmm -d 2 10 20 -k 5 25
    python3 gradbench/compare.py --rounds 3 --json /tmp/lstm.json lstm -l 2 4 -c 1024 4096
    python3 gradbench/compare.py --peer codipack=/opt/peers/codipack ode -n 1000 -s 1 10 100
    python3 gradbench/compare.py ba --max 5

The eval runs through the harness's `run.sh` (see `../shared/gradbench/README.md`; run its
`setup.sh` once a machine), which this script looks for in `$GRADBENCH_RUN_SH`, then in
`shared/gradbench/run.sh` beside the repository or one level further up, or where
`--run-sh` says. EVAL OPTIONS go to the eval unchanged, except that the sizes are split:
one run of the eval per size, so that every tool is measured on a size just before or after
the others, in the same minute of the machine's load, rather than each tool sweeping all the
sizes in turn. The sizes are the product of the list options an eval takes (gmm `-d`/`-k`,
lstm `-l`/`-c`, ode `-n`/`-s`, llsq `-n`/`-m`, lse `-n`, det `-l`, kmeans `-k`/`-n`/`-d`)
and, for ba and ht, each file from `--min` (default 1) to `--max`. A list option left out
takes the eval's default list within a single run.

Tools:
  tapegrad   `target/release/tapegrad-gradbench`, or `--tool COMMAND`. Build it with
             `RUSTFLAGS="-C target-cpu=native" cargo build --release -p tapegrad-gradbench`.
             Without it the peers are still measured, and the ratios are to `--baseline`.
  manual     the harness's hand-written derivatives (`run.sh`'s own `manual`); left out by
             `--no-manual`, which also saves time: GradBench's C++ driver recompiles a C++
             tool's binary at every run of an eval.
  peers      every environment variable `GRADBENCH_PEER_<NAME>=COMMAND` (the name is
             lower-cased, `_` becomes `-`: `GRADBENCH_PEER_ADOL_C` is `adol-c`), and every
             `--peer NAME=COMMAND`. COMMAND is a GradBench tool command, e.g. for JAX
             `$GRADBENCH_WORK/venv/bin/python python/gradbench/gradbench/tools/jax/run.py`;
             it runs in the harness's working copy, so other paths in it must be absolute.
             How the peers are built is up to the machine: nothing here builds them.

A tool that answers `define` with `success: false` has no implementation of the eval; it is
listed as such and not run at the other sizes. `--taskset CPUS` runs every tool under
`taskset -c CPUS` (GradBench itself pins nothing, except that its JAX tool pins itself to
the first CPU).

Output: for each size and function, a row with, per tool, the median of its `evaluate`
timings, its ratio to the baseline (peer / tapegrad: above 1 means tapegrad is faster), and
`INVALID` where the eval rejected the output (`-`: not run or no answer). With `--rounds N`
every size is run N times, the order of the tools rotating from round to round; the time
shown is the median of the rounds' medians and the ratio the median of the rounds' ratios,
each ratio taken within one round. The load average is printed at the start and the end:
on a busy machine the figures are noise. `--markdown` prints the table as Markdown too, and
`--json FILE` keeps every row of every run.

The eval's `--min-runs` and `--min-seconds` apply to every tool alike. A tool's first run
may include one-off work (JAX compiles its function on the first call, which can take longer
than `--min-seconds`, leaving the compilation as the only timing): pass `--min-runs 3` or
more where that matters, so that the median is of steady runs.

Exit status: 0 when every run of the baseline was valid, 1 otherwise, 2 on bad usage.
"""
import argparse
import itertools
import json
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# The evals' options that take a list of sizes (their `nargs="+"` arguments).
SIZE_LISTS = {
    "gmm": ("-d", "-k"),
    "lstm": ("-l", "-c"),
    "ode": ("-n", "-s"),
    "llsq": ("-n", "-m"),
    "lse": ("-n",),
    "det": ("-l",),
    "kmeans": ("-k", "-n", "-d"),
}
# The evals that read numbered files from --min to --max.
FILE_RANGES = ("ba", "ht")


def find_run_sh(given):
    candidates = [given, os.environ.get("GRADBENCH_RUN_SH")]
    candidates += [str(up / "shared" / "gradbench" / "run.sh") for up in (ROOT.parent, ROOT.parent.parent)]
    for candidate in candidates:
        if candidate and Path(candidate).is_file():
            return str(Path(candidate).resolve())
    sys.exit("compare.py: cannot find the harness's run.sh; set GRADBENCH_RUN_SH or pass --run-sh")


def is_option(token):
    if not token.startswith("-"):
        return False
    try:
        float(token)
        return False
    except ValueError:
        return True


def parse_options(tokens):
    """Splits the eval's arguments into (option, [values]) pairs, in order."""
    options = []
    for token in tokens:
        if is_option(token):
            options.append((token, []))
        elif options:
            options[-1][1].append(token)
        else:
            sys.exit(f"compare.py: the eval's arguments must start with an option, not {token!r}")
    return options


def split_sizes(eval_name, tokens):
    """Returns one argument list a size: the eval's arguments with each size list narrowed to
    one value (or, for ba and ht, --min and --max to one file)."""
    options = parse_options(tokens)
    if eval_name in FILE_RANGES:
        given = dict(options)
        if "--max" not in given:
            return [tokens]
        first = int(given.get("--min", ["1"])[0])
        last = int(given["--max"][0])
        rest = [t for name, values in options if name not in ("--min", "--max") for t in [name, *values]]
        return [["--min", str(i), "--max", str(i), *rest] for i in range(first, last + 1)]
    lists = [(name, values) for name, values in options if name in SIZE_LISTS.get(eval_name, ())]
    rest = [t for name, values in options if name not in dict(lists) for t in [name, *values]]
    if not lists:
        return [tokens]
    names = [name for name, _ in lists]
    runs = []
    for choice in itertools.product(*(values for _, values in lists)):
        runs.append([t for name, value in zip(names, choice) for t in (name, value)] + rest)
    return runs


def find_tools(args):
    tools = {}
    tapegrad = args.tool or str(ROOT / "target" / "release" / "tapegrad-gradbench")
    if args.tool or Path(tapegrad).is_file():
        tools["tapegrad"] = tapegrad
    else:
        print(f"compare.py: {tapegrad} is not built; measuring the peers alone", file=sys.stderr)
    if not args.no_manual:
        tools["manual"] = "manual"
    for key, command in sorted(os.environ.items()):
        if key.startswith("GRADBENCH_PEER_") and command.strip():
            tools[key[len("GRADBENCH_PEER_"):].lower().replace("_", "-")] = command
    for spec in args.peer:
        name, sep, command = spec.partition("=")
        if not sep or not name or not command:
            sys.exit(f"compare.py: --peer takes NAME=COMMAND, not {spec!r}")
        tools[name] = command
    if args.taskset:
        tools = {
            name: command if command == "manual" else f"taskset -c {args.taskset} {command}"
            for name, command in tools.items()
        }
    return tools


def run_once(run_sh, eval_name, command, eval_args, timeout):
    """Runs the eval once against one tool; returns (rows, note). rows is None when the tool
    has no implementation of the eval."""
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "rows.json"
        argv = [run_sh, "--json", str(out), eval_name, command, *eval_args]
        try:
            done = subprocess.run(argv, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            return [], f"no answer within {timeout:g} s"
        rows = json.loads(out.read_text()) if out.is_file() else []
    if "tool has no implementation" in done.stdout:
        return None, "no implementation"
    note = ""
    if not rows:
        lines = (done.stdout + done.stderr).strip().splitlines()
        note = lines[-1] if lines else f"run.sh exited with status {done.returncode}"
    return rows, note


def format_time(ns):
    if ns is None:
        return "-"
    for unit, scale in (("s", 1e9), ("ms", 1e6), ("us", 1e3)):
        if ns >= scale:
            return f"{ns / scale:.4g} {unit}"
    return f"{ns:.4g} ns"


def main():
    parser = argparse.ArgumentParser(
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        usage="compare.py [OPTIONS] EVAL [EVAL OPTIONS...]",
        allow_abbrev=False,
    )
    parser.add_argument("--tool", help="tapegrad's tool command (default: target/release/tapegrad-gradbench)")
    parser.add_argument("--peer", action="append", default=[], metavar="NAME=COMMAND")
    parser.add_argument("--no-manual", action="store_true", help="leave out the harness's reference tool")
    parser.add_argument("--baseline", default="tapegrad", help="the tool the ratios are to (default: tapegrad)")
    parser.add_argument("--rounds", type=int, default=1, help="runs of each size and tool (default: 1)")
    parser.add_argument("--taskset", metavar="CPUS", help="run every tool under taskset -c CPUS")
    parser.add_argument("--run-sh", help="the harness's run.sh")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds a run may take (default: 1800)")
    parser.add_argument("--json", metavar="FILE", help="write every row of every run here")
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown too")
    parser.add_argument("eval", metavar="EVAL")
    parser.add_argument("eval_args", nargs=argparse.REMAINDER, metavar="EVAL OPTIONS")
    args = parser.parse_args()
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")

    run_sh = find_run_sh(args.run_sh)
    tools = find_tools(args)
    if len(tools) < 2 and args.baseline in tools:
        print("compare.py: only one tool to run; set GRADBENCH_PEER_<NAME> or pass --peer", file=sys.stderr)
    baseline = args.baseline if args.baseline in tools else next(iter(tools), None)
    if baseline is None:
        sys.exit("compare.py: no tool to run")
    sizes = split_sizes(args.eval, args.eval_args)
    names = list(tools)
    print(f"== {args.eval}: {len(sizes)} size(s), {args.rounds} round(s), tools {', '.join(names)}; "
          f"ratios to {baseline}")
    for name in names:
        print(f"   {name}: {tools[name]}")
    load_start = os.getloadavg()
    print(f"   load average at start: {load_start[0]:.2f} {load_start[1]:.2f} {load_start[2]:.2f}", flush=True)

    absent = {}  # tool -> why it was not run
    # (description, function) -> tool -> list of (round, row)
    results = {}
    order = []  # (description, function) in the order first seen
    raw = []
    for size_index, eval_args in enumerate(sizes):
        for round_index in range(args.rounds):
            shift = (size_index * args.rounds + round_index) % len(names)
            for name in names[shift:] + names[:shift]:
                if name in absent:
                    continue
                started = time.time()
                rows, note = run_once(run_sh, args.eval, tools[name], eval_args, args.timeout)
                took = time.time() - started
                raw.append({"tool": name, "command": tools[name], "eval": args.eval, "eval_args": eval_args,
                            "round": round_index, "seconds": took, "load": os.getloadavg()[0],
                            "rows": rows, "note": note})
                if rows is None:
                    absent[name] = note
                    print(f"   {name}: {note} of {args.eval}", flush=True)
                    continue
                status = f"{sum(1 for r in rows if r.get('valid'))}/{len(rows)} valid"
                print(f"   {' '.join(eval_args) or '(defaults)'} round {round_index + 1} {name}: "
                      f"{status} in {took:.0f} s {note}", flush=True)
                for row in rows:
                    key = (row.get("description", ""), row.get("function", ""))
                    if key not in results:
                        results[key] = {}
                        order.append(key)
                    results[key].setdefault(name, []).append((round_index, row))
    load_end = os.getloadavg()

    shown = [name for name in names if name not in absent]
    table = []  # rows of cells
    baseline_ok = True
    for key in order:
        per_tool = results[key]
        base_by_round = {r: row for r, row in per_tool.get(baseline, [])}
        if not base_by_round or not all(row.get("valid") for row in base_by_round.values()):
            baseline_ok = False
        cells = []
        for name in shown:
            runs = per_tool.get(name, [])
            medians = [row["median_ns"] for _, row in runs if row.get("median_ns") is not None]
            ratios = [row["median_ns"] / base_by_round[r]["median_ns"]
                      for r, row in runs
                      if row.get("median_ns") is not None and r in base_by_round
                      and base_by_round[r].get("median_ns")]
            time_text = format_time(statistics.median(medians)) if medians else "-"
            ratio_text = f"{statistics.median(ratios):.2f}x" if ratios and name != baseline else ""
            if not runs:
                valid_text = "-"
            elif all(row.get("valid") for _, row in runs):
                valid_text = ""
            else:
                valid_text = "INVALID"
            cells.append((time_text, ratio_text, valid_text))
        table.append((key, cells))

    print()
    print(f"{args.eval}: median time per tool; ratio = tool / {baseline} (above 1: {baseline} is faster)")
    header = f"{'size':<28} {'function':<10}" + "".join(f" {name:>24}" for name in shown)
    print(header)
    for (description, function), cells in table:
        line = f"{description[:28]:<28} {function[:10]:<10}"
        for time_text, ratio_text, valid_text in cells:
            line += f" {' '.join(t for t in (time_text, ratio_text, valid_text) if t):>24}"
        print(line)
    for name, note in absent.items():
        print(f"{name}: {note} of {args.eval}")
    print(f"load average: {load_start[0]:.2f} at start, {load_end[0]:.2f} at end "
          f"({os.cpu_count()} CPUs)")
    if args.markdown:
        print()
        print("| size | function | " + " | ".join(shown) + " |")
        print("| --- | --- |" + " ---: |" * len(shown))
        for (description, function), cells in table:
            texts = [" ".join(t for t in cell if t) for cell in cells]
            print(f"| {description} | {function} | " + " | ".join(texts) + " |")
    if args.json:
        Path(args.json).write_text(json.dumps({
            "eval": args.eval, "eval_args": args.eval_args, "rounds": args.rounds, "tools": tools,
            "baseline": baseline, "load_start": load_start, "load_end": load_end, "runs": raw,
        }, indent=1))
    return 0 if baseline_ok else 1


if __name__ == "__main__":
    sys.exit(main())
