"""The report set: ``pra run data/sample --jobs 2`` timed whole and per notebook (issue #17).

Runs the report set into a temporary folder ``--repeats`` times and prints, as Markdown:

* the wall time and the CPU seconds of the whole run (the command and every process under
  it, kernels included), best and median of the runs, against the target of 45 s;
* per notebook, from the manifest of the median run: its wall time, the kernel start-up
  (papermill's start to the first cell), the cells, the kernel's shutdown (workbooks are
  written then) and the HTML export, each on its own;
* the kernel start-up floor: an empty notebook under papermill, with the runner's kernel
  manager, alone and two at a time, and how close the run is to the floor that the
  notebooks, run two at a time, cannot go below;
* the load average at the start (the machine is shared: compare CPU seconds too).

``--json PATH`` also writes the target (id ``report-set``) as the JSON list ``run.py`` reads
(the trailer format is in benchmarks/README.md), so ``run.py`` does not read the Markdown.

Examples
--------
.venv/bin/python benchmarks/bench_report.py                 # 3 runs
.venv/bin/python benchmarks/bench_report.py --repeats 1 --jobs 2 --json /tmp/report.json
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 45.0


def _pra_command() -> list[str]:
    script = Path(sys.executable).parent / "pra"
    return [str(script)] if script.exists() else [sys.executable, "-m", "pra_lib.cli"]


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_set(assessment: Path, *, jobs: int, out: Path) -> dict:
    """One ``pra run`` into ``out``: wall and CPU seconds, and the manifest it left."""
    cpu = _children_cpu()
    start = time.perf_counter()
    done = subprocess.run([*_pra_command(), "run", str(assessment), "--out", str(out), "--jobs", str(jobs)], cwd=REPO, capture_output=True, text=True)
    wall = time.perf_counter() - start
    cpu = _children_cpu() - cpu
    if done.returncode != 0:
        raise RuntimeError(f"pra run failed ({done.returncode}):\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    manifests = sorted(out.glob("*/manifest.json"))
    return {"wall": wall, "cpu": cpu, "manifests": [json.loads(p.read_text(encoding="utf-8")) for p in manifests]}


def _empty_notebook(path: Path) -> None:
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("pass")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)


def _time_empty(source: str, target: str) -> tuple[float, float]:
    """Wall seconds of one empty notebook under papermill, and its kernel start-up."""
    from datetime import datetime

    import papermill as pm

    from pra_lib.runner import START_TIMEOUT, kernel_manager_class

    start = time.perf_counter()
    pm.execute_notebook(source, target, kernel_name="python3", progress_bar=False, log_output=False, start_timeout=START_TIMEOUT, kernel_manager_class=kernel_manager_class())
    wall = time.perf_counter() - start
    nb = json.loads(Path(target).read_text(encoding="utf-8"))
    first = datetime.fromisoformat(nb["cells"][0]["metadata"]["papermill"]["start_time"])
    return wall, (first - datetime.fromisoformat(nb["metadata"]["papermill"]["start_time"])).total_seconds()


def _warm() -> None:
    import papermill  # noqa: F401  (a runner's worker imports it once, before its first notebook)

    import pra_lib.runner  # noqa: F401


def kernel_floor(folder: Path, *, repeats: int) -> dict:
    """Median wall time and kernel start-up of an empty notebook, alone and two at a time."""
    source = folder / "empty.ipynb"
    _empty_notebook(source)
    with ProcessPoolExecutor(2) as pool:
        for future in [pool.submit(_warm) for _ in range(2)]:  # both workers started and imported, as a run's are
            future.result()
        alone = [pool.submit(_time_empty, str(source), str(folder / f"alone-{i}.ipynb")).result() for i in range(repeats)]
        pairs = []
        for i in range(repeats):
            futures = [pool.submit(_time_empty, str(source), str(folder / f"pair-{i}-{k}.ipynb")) for k in range(2)]
            pairs += [f.result() for f in futures]
    return {
        "alone_wall": statistics.median(w for w, _ in alone),
        "alone_start": statistics.median(s for _, s in alone),
        "pair_wall": statistics.median(w for w, _ in pairs),
        "pair_start": statistics.median(s for _, s in pairs),
    }


def _fmt(seconds) -> str:
    return "-" if seconds is None else f"{seconds:.2f} s"


def targets(runs: list[dict], *, jobs: int, assessment: Path) -> list[dict]:
    """The report-set target in the trailer format (one entry per target)."""
    walls = sorted(r["wall"] for r in runs)
    cpus = sorted(r["cpu"] for r in runs)
    where = "data/sample" if assessment.resolve() == (REPO / "data" / "sample").resolve() else assessment.name
    return [{
        "id": "report-set",
        "target": f"report set: `pra run {where} --jobs {jobs}` (best of {len(runs)})",
        "goal": f"< {TARGET_SECONDS:.0f} s",
        "measured": f"{walls[0]:.1f} s best, {statistics.median(walls):.1f} s median ({cpus[0]:.1f} CPU s)",
        "met": walls[0] < TARGET_SECONDS,
    }]


def write_trailer(path: Path, found: list[dict]) -> None:
    """Write the targets to ``path`` atomically (a reader never sees half a file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".tmp")
    partial.write_text(json.dumps(found, indent=1) + "\n", encoding="utf-8")
    os.replace(partial, path)


def report(runs: list[dict], floor: dict, *, jobs: int, load: tuple, repeats: int) -> str:
    walls = sorted(r["wall"] for r in runs)
    cpus = sorted(r["cpu"] for r in runs)
    median_run = sorted(runs, key=lambda r: r["wall"])[len(runs) // 2]
    notebooks = [nb for m in median_run["manifests"] for nb in m.get("notebooks", [])]
    lines = [
        f"`pra run data/sample --jobs {jobs}`, {len(runs)} run(s); load average at the start {load[0]:.2f}, {load[1]:.2f}, {load[2]:.2f} "
        f"(1, 5, 15 min); nproc {os.cpu_count()}; Python {sys.version.split()[0]}.",
        "",
        "| measure | best | median |",
        "|---|---:|---:|",
        f"| wall time of the set | {walls[0]:.1f} s | {statistics.median(walls):.1f} s |",
        f"| CPU seconds (all processes) | {cpus[0]:.1f} s | {statistics.median(cpus):.1f} s |",
        "",
        "Per notebook (the median run; seconds from its manifest, `timings`):",
        "",
        "| notebook | wall | kernel start-up | execution (cells) | kernel shutdown (workbooks written) | HTML export |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for nb in sorted(notebooks, key=lambda n: n["notebook"]):
        t = nb.get("timings") or {}
        lines.append(f"| {nb['notebook']} | {_fmt(nb.get('seconds'))} | {_fmt(t.get('kernel_start'))} | {_fmt(t.get('cells'))} | {_fmt(t.get('shutdown'))} | {_fmt(t.get('html'))} |")
    n = len(notebooks)
    floor_set = math.ceil(n / jobs) * (floor["pair_wall"] if jobs > 1 else floor["alone_wall"])
    best = walls[0]
    lines += [
        "",
        "Kernel start-up floor: an empty notebook under papermill with the runner's kernel manager (median of "
        f"{repeats}):",
        "",
        "| | wall | kernel start-up |",
        "|---|---:|---:|",
        f"| alone | {floor['alone_wall']:.2f} s | {floor['alone_start']:.2f} s |",
        f"| two at a time | {floor['pair_wall']:.2f} s | {floor['pair_start']:.2f} s |",
        "",
        f"{n} notebooks, {jobs} at a time, cannot finish before {floor_set:.1f} s (⌈{n}/{jobs}⌉ × the empty notebook's wall time"
        f"{' two at a time' if jobs > 1 else ''}); the best run took {best:.1f} s, {best / floor_set:.1f}× that floor, "
        f"{best - floor_set:.1f} s above it.",
        "",
        "| target | goal | measured | result |",
        "|---|---|---|:---:|",
        f"| report set < 45 s | < {TARGET_SECONDS:.0f} s | {best:.1f} s best, {statistics.median(walls):.1f} s median ({cpus[0]:.1f} CPU s) | "
        f"{'met' if best < TARGET_SECONDS else 'missed'} |",
    ]
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=3, help="runs of the report set (default 3); best and median are shown")
    parser.add_argument("--jobs", type=int, default=2, help="notebooks at a time (default 2, as make report)")
    parser.add_argument("--assessment", type=Path, default=REPO / "data" / "sample", help="assessment folder (default: the bundled sample)")
    parser.add_argument("--floor-repeats", type=int, default=3, help="runs of the empty notebook per case (default 3)")
    parser.add_argument("--json", type=Path, help="also write the targets to this file as a JSON list (the trailer run.py reads)")
    args = parser.parse_args(argv)
    if args.repeats < 1 or args.jobs < 1 or args.floor_repeats < 1:
        parser.error("--repeats, --jobs and --floor-repeats must be at least 1")
    load = os.getloadavg()
    folder = Path(tempfile.mkdtemp(prefix="pra-bench-report-"))
    try:
        runs = []
        for i in range(args.repeats):
            out = folder / f"run-{i}"
            runs.append(run_set(args.assessment.resolve(), jobs=args.jobs, out=out))
            shutil.rmtree(out, ignore_errors=True)
        floor = kernel_floor(folder, repeats=args.floor_repeats)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(report(runs, floor, jobs=args.jobs, load=load, repeats=args.floor_repeats))
    if args.json:
        write_trailer(args.json, targets(runs, jobs=args.jobs, assessment=args.assessment))
    return 0


if __name__ == "__main__":
    sys.exit(main())
