"""Runs notebooks/backprop.ipynb from a clean state and checks it against its stored outputs.

Usage (from .ci/notebook, in the virtual environment it makes):

    python notebooks/check.py            # run and check; exit 1 on any failure
    python notebooks/check.py --update   # run, check, and store the fresh outputs

The run starts from the notebook with every output cleared, on evcxr's `rust` kernel, in the
notebook's folder (so that its `:dep tapegrad = { path = ".." }` builds this checkout). It
fails on:

- an error in any cell (the run stops there, as nbclient does);
- a missing picture: every cell tagged `picture` must show an SVG image or an HTML frame;
- a wrong closing line: the last cell must print `notebook: steps=<n> accuracy=<a>` with the
  steps the notebook trains for and an accuracy of at least 0.95 (micrograd's demo fits its
  moons);
- stored outputs whose numbers differ from the fresh run's, cell by cell and output by output
  (the numbers are compared, not the text around them), unless `--update` is given, which
  writes the fresh outputs into the notebook instead.
"""

import argparse
import copy
import re
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

NOTEBOOK = Path(__file__).resolve().parent / "backprop.ipynb"
STEPS = 100
LEAST_ACCURACY = 0.95
CLOSING = re.compile(r"^notebook: steps=(\d+) accuracy=(\d+\.\d+)$")
NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e-?\d+)?")


def cleared(notebook):
    """A copy of the notebook with no outputs and no execution counts."""
    fresh = copy.deepcopy(notebook)
    for cell in fresh.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    return fresh


def texts(cell):
    """Each output of a code cell as (kind, text): a stream's text, or one mime type's data."""
    out = []
    for output in cell.get("outputs", []):
        if output.output_type == "stream":
            out.append((output.name, output.text))
        elif output.output_type in ("display_data", "execute_result"):
            for mime in sorted(output.data):
                data = output.data[mime]
                out.append((mime, data if isinstance(data, str) else "".join(data)))
        elif output.output_type == "error":
            out.append(("error", output.ename + ": " + output.evalue))
    return out


def first_line(cell):
    return cell.source.strip().splitlines()[0] if cell.source.strip() else "(empty cell)"


def faults(fresh):
    """What is wrong with the fresh run: errors, missing pictures, a wrong closing line."""
    problems = []
    code = [c for c in fresh.cells if c.cell_type == "code"]
    for cell in code:
        for kind, text in texts(cell):
            if kind == "error":
                problems.append(f"error in `{first_line(cell)}`: {text}")
        if "picture" in cell.metadata.get("tags", []):
            kinds = [kind for kind, _ in texts(cell)]
            svg = [t for k, t in texts(cell) if k == "image/svg+xml"]
            html = [t for k, t in texts(cell) if k == "text/html"]
            whole_svg = any(t.lstrip().startswith("<svg") and t.rstrip().endswith("</svg>") for t in svg)
            frame = any("<iframe srcdoc=" in t or "<table" in t for t in html)
            if not (whole_svg or frame):
                problems.append(f"no picture under `{first_line(cell)}` (outputs: {kinds})")
    lines = [t for k, t in texts(code[-1]) if k == "stdout"]
    last = "".join(lines).strip().splitlines()[-1:] if lines else []
    match = CLOSING.match(last[0]) if last else None
    if not match:
        problems.append(f"the last cell prints {last!r}, not `notebook: steps=<n> accuracy=<a>`")
    elif int(match[1]) != STEPS or float(match[2]) < LEAST_ACCURACY:
        problems.append(f"`{last[0]}`: wanted steps={STEPS} and accuracy >= {LEAST_ACCURACY}")
    return problems, (last[0] if last else "")


def mismatches(fresh, stored):
    """Where the fresh run's numbers differ from the stored outputs'."""
    problems = []
    code = [c for c in fresh.cells if c.cell_type == "code"]
    stored_code = [c for c in stored.cells if c.cell_type == "code"]
    if len(code) != len(stored_code):
        return [f"{len(code)} code cells run, {len(stored_code)} stored"]
    for new, old in zip(code, stored_code):
        new_out, old_out = texts(new), texts(old)
        if [k for k, _ in new_out] != [k for k, _ in old_out]:
            problems.append(
                f"`{first_line(new)}`: outputs {[k for k, _ in new_out]}, stored "
                f"{[k for k, _ in old_out]}"
            )
            continue
        for (kind, a), (_, b) in zip(new_out, old_out):
            fresh_numbers, stored_numbers = NUMBER.findall(a), NUMBER.findall(b)
            if fresh_numbers != stored_numbers:
                at = next(
                    (i for i, (x, y) in enumerate(zip(fresh_numbers, stored_numbers)) if x != y),
                    min(len(fresh_numbers), len(stored_numbers)),
                )
                problems.append(
                    f"`{first_line(new)}` ({kind}): number {at} is "
                    f"{fresh_numbers[at] if at < len(fresh_numbers) else 'missing'} in the fresh "
                    f"run, {stored_numbers[at] if at < len(stored_numbers) else 'missing'} stored "
                    f"({len(fresh_numbers)} numbers against {len(stored_numbers)})"
                )
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--update", action="store_true", help="store the fresh outputs")
    parser.add_argument("--timeout", type=int, default=900, help="seconds a cell may take")
    args = parser.parse_args()

    stored = nbformat.read(NOTEBOOK, as_version=4)
    fresh = cleared(stored)
    client = NotebookClient(
        fresh,
        kernel_name="rust",
        timeout=args.timeout,
        # No timestamps in the stored notebook: a fresh run would change them all.
        record_timing=False,
        resources={"metadata": {"path": str(NOTEBOOK.parent)}},
    )
    start = time.monotonic()
    try:
        client.execute()
    except CellExecutionError as error:
        print(f"notebook: a cell failed\n{error}", file=sys.stderr)
        for cell in fresh.cells:
            for output in cell.get("outputs", []):
                if output.output_type == "error":
                    print("\n".join(output.get("traceback", [])) or output.evalue, file=sys.stderr)
        return 1
    seconds = time.monotonic() - start
    problems, closing = faults(fresh)
    if not args.update:
        problems += mismatches(fresh, stored)
    elif not problems:
        nbformat.write(fresh, NOTEBOOK)
        print(f"notebook: stored the fresh outputs in {NOTEBOOK.name}")
    for problem in problems:
        print(f"notebook: {problem}", file=sys.stderr)
    if problems:
        return 1
    print(f"{closing} (ran in {seconds:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
