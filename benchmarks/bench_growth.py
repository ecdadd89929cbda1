"""Growth of loading and of every notebook from 10k to 1M respondents, and the report set at 1M.

Usage: python benchmarks/bench_growth.py [--sizes 10000,100000,1000000] [--seed 2017]
                                         [--format csv] [--cache DIR] [--only 00 01 ...]
                                         [--jobs 2] [--no-set] [--json PATH]

For each size the synthetic sample is generated once (``pra sample``) and kept in a cache
folder keyed by size, seed and format, so a second run measures the same files without
writing them again. Then, each in a fresh process:

* ``load_assessment`` of the sample (wall and CPU seconds, peak RSS);
* every notebook alone: ``pra run SAMPLE --only NN --jobs 1`` (wall and CPU seconds of the
  run and its kernel, and the peak RSS of the largest process, which is the kernel's);

and at the largest size the whole report set with ``--jobs 2``.

Peak RSS is ``resource.getrusage(RUSAGE_CHILDREN).ru_maxrss`` read in a wrapper process
whose only child is the command: it is the largest resident set of any process the command
waited for (the kernel included), not a sum. CPU seconds are the user and system time of
the same descendants; the machine is shared, so they are the stable figure and wall times
are context. The load average is printed at the start and at the end.

The tables show each size's time, the time beyond the smallest size's, the ratio of
successive sizes, and the marginal cost per million respondents between successive sizes
(constant when growth is linear).

The rule for "linear" (target ``growth-linear``), for loading and for every notebook, in CPU
seconds and in peak RSS: the cost per million more respondents of the last step (100k to 1M)
is at most 1.5× that of the step before it (10k to 100k). Both are differences between two
sizes, so the fixed part (kernel start, imports, the small tables: what the 10k run costs)
cancels out. A step whose difference is within the noise of one measurement (under
``NOISE_CPU_S`` CPU seconds or ``NOISE_RSS_MIB`` MiB between the two sizes) is taken as that
noise, so a near-zero first step does not make any later cost look superlinear.

``run(...)`` returns the measurements and ``report(...)`` the Markdown; ``main`` prints it,
and ``--json PATH`` writes the targets as the JSON list ``run.py`` reads (the trailer
format is in benchmarks/README.md).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_load import FULL, GIB, PRA, PYTHON, ROOT  # noqa: E402  the loading benchmark's own settings
SET_GOAL_S = 300.0  # the report set at 1M respondents: under 5 minutes
KERNEL_GOAL_MIB = 4 * GIB  # and under 4 GiB per kernel
LINEAR_FACTOR = 1.5  # the last step's cost per million respondents, at most this times the step before
NOISE_CPU_S = 1.0  # a difference this small between two sizes is within one run's noise on a shared machine
NOISE_RSS_MIB = 32.0

# Runs a command as its only child; prints the command's output, then one JSON line with
# the descendants' peak RSS and CPU seconds (waited-for descendants, the kernel included).
_WRAP = """
import json, resource, subprocess, sys, time
t = time.perf_counter()
code = subprocess.call(sys.argv[1:])
wall = time.perf_counter() - t
r = resource.getrusage(resource.RUSAGE_CHILDREN)
sys.stdout.flush()
print("GROWTH " + json.dumps({"code": code, "wall": wall, "cpu": r.ru_utime + r.ru_stime, "rss_kib": r.ru_maxrss,
                             "user": r.ru_utime, "system": r.ru_stime, "minflt": r.ru_minflt}), flush=True)
sys.exit(code)
"""

# The child that loads: the loading benchmark's own, timed around the call only (imports excluded).
from bench_load import _OURS as _LOAD  # noqa: E402


@dataclass
class Run:
    """One measured command: seconds, CPU seconds of it and its descendants, peak RSS."""

    wall: float
    cpu: float
    rss_mib: float
    ok: bool
    info: dict = field(default_factory=dict)


@dataclass
class Size:
    """Everything measured at one number of respondents."""

    respondents: int
    folder: Path
    sample: Run | None  # None when the sample came from the cache
    load: Run
    notebooks: dict[str, Run]


@dataclass
class Growth:
    sizes: list[Size]
    report_set: Run | None
    set_size: int | None
    jobs: int
    load_start: tuple[float, float, float]
    load_end: tuple[float, float, float]
    file_format: str
    seed: int


def _measure(args: list[str], *, log=None) -> Run:
    """Run ``args`` under the wrapper; its output is kept in ``info["stdout"]``."""
    start = time.perf_counter()
    proc = subprocess.run([PYTHON, "-c", _WRAP, *args], capture_output=True, text=True, cwd=ROOT)
    wall = time.perf_counter() - start
    found = re.search(r"^GROWTH (\{.*\})$", proc.stdout, flags=re.M)
    if found is None:
        if log:
            log.write(proc.stderr[-2000:])
        return Run(wall, float("nan"), float("nan"), False, {"stdout": proc.stdout})
    got = json.loads(found.group(1))
    if got["code"] and log:
        log.write(proc.stdout[-2000:] + proc.stderr[-2000:])
    # user and system seconds and minor page faults apart: system time and faults grow with
    # every large temporary array, which the CPU total alone does not show
    split = {k: got[k] for k in ("user", "system", "minflt") if k in got}
    return Run(got["wall"], got["cpu"], got["rss_kib"] / 1024, got["code"] == 0, {"stdout": proc.stdout[: found.start()], **split})


def notebook_names(root: Path = ROOT) -> list[str]:
    """The notebooks ``pra run`` runs, by their number prefix (``00``, ``01``...)."""
    return sorted(p.stem.split("_", 1)[0] for p in (root / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def cached_sample(cache: Path, respondents: int, *, seed: int, file_format: str, log=sys.stderr) -> tuple[Path, Run | None]:
    """The sample of this size, seed and format: generated once, then reused from ``cache``.

    A folder counts as cached only when its ``.done`` marker (written after ``pra sample``
    succeeded) exists, so an interrupted generation is written again.
    """
    folder = cache / f"sample-{respondents}-seed{seed}-{file_format}"
    done = cache / f"{folder.name}.done"
    if done.exists() and folder.is_dir():
        return folder, None
    shutil.rmtree(folder, ignore_errors=True)
    print(f"[growth] pra sample {respondents:,} ({file_format})", file=log, flush=True)
    run = _measure([PRA, "sample", str(folder), "--respondents", str(respondents), "--seed", str(seed), "--format", file_format], log=log)
    if run.ok:
        run.info["written_mib"] = sum(p.stat().st_size for p in folder.glob("*")) / 2**20
        done.write_text(json.dumps({"respondents": respondents, "seed": seed, "format": file_format}), encoding="utf-8")
    return folder, run


def measure_load(folder: Path, *, log=sys.stderr) -> Run:
    """``load_assessment`` in a fresh process: wall and CPU inside the child, peak RSS of it."""
    run = _measure([PYTHON, "-c", _LOAD, str(folder)], log=log)
    line = next((ln for ln in run.info.get("stdout", "").splitlines() if ln.startswith("{")), None)
    if run.ok and line:
        inner = json.loads(line)
        return Run(inner.pop("wall"), inner.pop("cpu"), run.rss_mib, inner.get("problems") == 0, inner)
    return Run(float("nan"), float("nan"), run.rss_mib, False, {})


def measure_notebooks(folder: Path, out: Path, names: list[str], *, jobs: int = 1, log=sys.stderr) -> Run:
    """``pra run folder --only names --jobs jobs``, written under ``out`` (removed after)."""
    shutil.rmtree(out, ignore_errors=True)
    run = _measure([PRA, "run", str(folder), "--out", str(out), "--jobs", str(jobs), "--only", *names], log=log)
    # "[1/1] jakarta-2017-synthetic/01_questionnaire: ok (31.2 s)": what the runner timed
    run.info["notebooks"] = {m.group(1): (m.group(2), float(m.group(3))) for m in re.finditer(r"/(\d\d)_\w+: (\w+) \(([\d.]+) s\)", run.info.get("stdout", ""))}
    shutil.rmtree(out, ignore_errors=True)
    return run


def run(sizes=(10_000, 100_000, FULL), *, seed: int = 2017, file_format: str = "csv", cache: Path | None = None,
        only: list[str] | None = None, jobs: int = 2, whole_set: bool = True, log=sys.stderr) -> Growth:
    """Measure loading and every notebook at each size, then the whole set at the largest."""
    cache = Path(cache) if cache else Path(tempfile.gettempdir()) / "pra-bench-growth"
    cache.mkdir(parents=True, exist_ok=True)
    names = only or notebook_names()
    load_start = os.getloadavg()
    work = Path(tempfile.mkdtemp(prefix="pra-growth-out-"))
    measured: list[Size] = []
    report_set = None
    try:
        for size in sorted(sizes):
            folder, sample = cached_sample(cache, size, seed=seed, file_format=file_format, log=log)
            load = measure_load(folder, log=log)
            print(f"[growth] {size:,}: load_assessment {load.wall:.1f} s, {load.rss_mib:,.0f} MiB", file=log, flush=True)
            runs = {}
            for name in names:
                runs[name] = measure_notebooks(folder, work / f"{size}-{name}", [name], jobs=1, log=log)
                r = runs[name]
                print(f"[growth] {size:,}: notebook {name} {'ok' if r.ok else 'FAILED'} {r.wall:.1f} s, {r.cpu:.1f} CPU s, {r.rss_mib:,.0f} MiB",
                      file=log, flush=True)
            measured.append(Size(size, folder, sample, load, runs))
        if whole_set and measured:
            top = measured[-1]
            report_set = measure_notebooks(top.folder, work / f"{top.respondents}-set", names, jobs=jobs, log=log)
            print(f"[growth] {top.respondents:,}: report set ({jobs} jobs) {report_set.wall:.1f} s, {report_set.rss_mib:,.0f} MiB",
                  file=log, flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return Growth(measured, report_set, measured[-1].respondents if measured and report_set else None, jobs,
                  load_start, os.getloadavg(), file_format, seed)


# ---------------------------------------------------------------------------
# Markdown
# ---------------------------------------------------------------------------


def _s(x: float) -> str:
    return "-" if x != x else f"{x:.1f} s"


def _mib(x: float) -> str:
    return "-" if x != x else f"{x:,.0f} MiB"


def growth_rows(values: list[tuple[int, float]]) -> list[tuple[float, float, float]]:
    """Per size: (beyond the smallest size, ratio to the previous size, marginal seconds or
    MiB per million respondents since the previous size)."""
    out = []
    base = values[0][1] if values else float("nan")
    for i, (n, v) in enumerate(values):
        if i == 0:
            out.append((0.0, float("nan"), float("nan")))
            continue
        pn, pv = values[i - 1]
        ratio = v / pv if pv > 0 else float("nan")
        out.append((v - base, ratio, (v - pv) / (n - pn) * 1e6))
    return out


def _ratio(x: float) -> str:
    return "-" if x != x else f"{x:.1f}×"


@dataclass
class Linearity:
    """The rule for "linear" applied to one step (loading or a notebook) and one measure."""

    step: str
    measure: str  # "CPU s" or "MiB"
    sizes: tuple[int, int, int]
    early: float  # cost per million more respondents, first step (after the noise floor)
    late: float  # the same, last step
    ok: bool | None  # None: fewer than three sizes, or a failed run

    @property
    def ratio(self) -> float:
        return self.late / self.early if self.early > 0 else float("nan")


def linearity(step: str, measure: str, values: list[tuple[int, float]], *, noise: float) -> Linearity:
    """Judge growth over the last three sizes: the last step's cost per million more
    respondents at most ``LINEAR_FACTOR`` times the step before's, a difference below
    ``noise`` counted as ``noise``."""
    values = sorted(values)[-3:]
    if len(values) < 3 or any(v != v for _, v in values):
        sizes = tuple(n for n, _ in values) + (0,) * (3 - len(values))
        return Linearity(step, measure, sizes, float("nan"), float("nan"), None)
    (a, va), (b, vb), (c, vc) = values
    early = max(vb - va, noise) / (b - a) * 1e6
    late = max(vc - vb, 0.0) / (c - b) * 1e6
    return Linearity(step, measure, (a, b, c), early, late, late <= LINEAR_FACTOR * early)


def linearities(g: Growth) -> list[Linearity]:
    """The rule applied to loading and every notebook, in CPU seconds and in peak RSS."""
    steps = [("`load_assessment`", {s.respondents: s.load for s in g.sizes})]
    names = list(dict.fromkeys(n for s in g.sizes for n in s.notebooks))
    steps += [(f"notebook {n}", {s.respondents: s.notebooks[n] for s in g.sizes if n in s.notebooks}) for n in names]
    out = []
    for step, by_size in steps:
        def value(r: Run, x: float) -> float:
            return x if r.ok else float("nan")

        out.append(linearity(step, "CPU s", [(n, value(r, r.cpu)) for n, r in by_size.items()], noise=NOISE_CPU_S))
        out.append(linearity(step, "MiB", [(n, value(r, r.rss_mib)) for n, r in by_size.items()], noise=NOISE_RSS_MIB))
    return out


def linearity_table(found: list[Linearity]) -> list[str]:
    if not found or all(x.ok is None for x in found):
        return ["Linear growth is judged on three sizes (10k, 100k, 1M): not judged here."]
    a, b, c = next(x.sizes for x in found if x.ok is not None)
    lines = [
        f"Linear growth, the rule: the cost per million more respondents from {b:,} to {c:,} is at most {LINEAR_FACTOR}× "
        f"that from {a:,} to {b:,} (the fixed part cancels in both differences; a first step under {NOISE_CPU_S:.0f} CPU s or "
        f"{NOISE_RSS_MIB:.0f} MiB counts as that much, the noise of one run).",
        "",
        f"| step | measure | per 1M more, {a:,} → {b:,} | per 1M more, {b:,} → {c:,} | ratio | linear |",
        "|---|---|---:|---:|---:|:---:|",
    ]
    for x in found:
        verdict = {True: "yes", False: "**no**", None: "not judged"}[x.ok]
        lines.append(f"| {x.step} | {x.measure} | {x.early:,.1f} | {x.late:,.1f} | {_ratio(x.ratio)} | {verdict} |")
    return lines


def cpu_split_table(steps: list[tuple[str, dict[int, Run]]]) -> list[str]:
    """User and system CPU seconds and minor page faults of each step and size, with the
    system seconds per million more respondents of each step between two sizes (a
    temporary array faulted in afresh at every use shows here first). Minor faults do not
    depend on the machine's load, so they compare runs made under different loads."""
    rows = []
    for step, by_size in steps:
        sizes = [n for n in sorted(by_size) if "system" in by_size[n].info]
        previous = None
        for n in sizes:
            info = by_size[n].info
            per_m = "-" if previous is None else _s((info["system"] - previous[1]) / ((n - previous[0]) / 1e6))
            rows.append(f"| {step} | {n:,} | {_s(info['user'])} | {_s(info['system'])} | {per_m} | {info['minflt']:,} |")
            previous = (n, info["system"])
    if not rows:
        return []
    return ["| step | respondents | user CPU s | system CPU s | system s per 1M more respondents | minor page faults |",
            "|---|---:|---:|---:|---:|---:|", *rows, ""]


def report(g: Growth) -> str:
    """The measurements as Markdown: per size and notebook, growth, and the targets."""
    lines = [
        f"Load average at the start: {' / '.join(f'{x:.2f}' for x in g.load_start)} (1, 5, 15 min); "
        f"at the end {' / '.join(f'{x:.2f}' for x in g.load_end)}. {os.cpu_count()} CPUs; sample seed {g.seed}, {g.file_format.upper() if g.file_format == 'csv' else 'Parquet'} files.",
        "",
    ]
    if any(s.sample for s in g.sizes):
        lines += ["| respondents | `pra sample`: wall | CPU | peak RSS | written |", "|---:|---:|---:|---:|---:|"]
        for s in g.sizes:
            if s.sample:
                lines.append(f"| {s.respondents:,} | {_s(s.sample.wall)} | {_s(s.sample.cpu)} | {_mib(s.sample.rss_mib)} | {_mib(s.sample.info.get('written_mib', float('nan')))} |")
        lines.append("")
    # One row per step (loading, then each notebook) and size.
    steps = [("`load_assessment`", {s.respondents: s.load for s in g.sizes})]
    names = list(dict.fromkeys(n for s in g.sizes for n in s.notebooks))
    steps += [(f"notebook {n}", {s.respondents: s.notebooks[n] for s in g.sizes if n in s.notebooks}) for n in names]
    lines += [
        "| step | respondents | wall | CPU | beyond smallest size (CPU) | × previous size (CPU) | CPU s per 1M more respondents | peak RSS | × previous size (RSS) | MiB per 1M more respondents |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for step, by_size in steps:
        sizes = sorted(by_size)
        cpu = growth_rows([(n, by_size[n].cpu) for n in sizes])
        rss = growth_rows([(n, by_size[n].rss_mib) for n in sizes])
        for n, c, m in zip(sizes, cpu, rss):
            r = by_size[n]
            flag = "" if r.ok else " FAILED"
            lines.append(f"| {step}{flag} | {n:,} | {_s(r.wall)} | {_s(r.cpu)} | {_s(c[0])} | {_ratio(c[1])} | {_s(c[2])} | {_mib(r.rss_mib)} | {_ratio(m[1])} | {_mib(m[2])} |")
    lines.append("")
    lines += cpu_split_table(steps)
    lines += linearity_table(linearities(g))
    lines.append("")
    lines += targets_table(g)
    return "\n".join(lines)


def targets(g: Growth) -> list[dict]:
    """Every growth target in the trailer format run.py reads (benchmarks/README.md)."""
    found = linearities(g)
    judged = [x for x in found if x.ok is not None]
    worst = max(judged, key=lambda x: x.ratio if x.ratio == x.ratio else float("inf"), default=None)
    measured = "not judged (fewer than three sizes, or a run failed)"
    if worst is not None:
        measured = (f"{sum(bool(x.ok) for x in judged)} of {len(judged)} linear; largest ratio {worst.ratio:.1f}× "
                    f"({worst.step}, {worst.measure}: {worst.early:,.1f} then {worst.late:,.1f} per 1M more)")
        if not all(x.ok for x in judged):
            measured += "; not linear: " + ", ".join(f"{x.step} ({x.measure}, {x.ratio:.1f}×)" for x in judged if not x.ok)
    linear = {"id": "growth-linear", "target": "time and memory of loading and every notebook grow linearly from 10k to 1M respondents",
              "goal": f"linear: per 1M more respondents, the last step ≤ {LINEAR_FACTOR}× the step before (CPU s and peak RSS)",
              "measured": measured, "met": None if not judged or len(judged) < len(found) else all(x.ok for x in judged)}
    if g.sizes and g.sizes[-1].respondents < FULL:  # judged, but not at the sizes
        linear["measured"] += f" (largest size measured: {g.sizes[-1].respondents:,})"
        linear["met"] = None
    return size_targets(g) + [linear]


def write_trailer(path: Path, found: list[dict]) -> None:
    """Write the targets to ``path`` atomically (a reader never sees half a file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".tmp")
    partial.write_text(json.dumps(found, indent=1) + "\n", encoding="utf-8")
    os.replace(partial, path)


def size_targets(g: Growth) -> list[dict]:
    """The report set and the kernel memory at the largest size, in the trailer format."""
    out = []
    top = g.sizes[-1] if g.sizes else None
    where = "" if top and top.respondents >= FULL else f" (largest size measured: {top.respondents:,})" if top else ""
    if g.report_set is not None:
        r = g.report_set
        failed = [n for n, (status, _) in r.info.get("notebooks", {}).items() if status != "ok"]
        ok = r.ok and not failed
        out.append({"id": "report-set-1m", "target": f"report set at 1M < 5 min{where} (`pra run --jobs {g.jobs}`, every notebook)",
                    "goal": f"< {SET_GOAL_S:.0f} s",
                    "measured": f"{r.wall:.1f} s wall, {r.cpu:.0f} CPU s{'; failed: ' + ', '.join(failed) if failed else ''}{'' if r.ok else '; the run FAILED'}",
                    "met": _verdict(ok and r.wall < SET_GOAL_S, top)})
    if top is not None:
        alone = max((r.rss_mib for r in top.notebooks.values()), default=float("nan"))
        peak = max([alone, g.report_set.rss_mib if g.report_set else float("nan")], key=lambda x: -1 if x != x else x)
        worst = max(top.notebooks, key=lambda n: top.notebooks[n].rss_mib, default="-")
        out.append({"id": "report-kernel-rss-1m", "target": f"< 4 GiB per kernel{where}", "goal": f"< {KERNEL_GOAL_MIB / GIB:.0f} GiB",
                    "measured": f"{peak / GIB:.2f} GiB (largest alone: notebook {worst}, {alone / GIB:.2f} GiB"
                                f"{'; in the set: %.2f GiB' % (g.report_set.rss_mib / GIB) if g.report_set else ''})",
                    "met": _verdict(peak == peak and peak < KERNEL_GOAL_MIB, top)})
    return out


def targets_table(g: Growth) -> list[str]:
    verdict = {True: "met", False: "missed", None: "n/a"}
    return ["| target | goal | measured | result |", "|---|---|---|:---:|"] + [
        f"| {t['target']} | {t['goal']} | {t['measured']} | {verdict[t['met']]} |" for t in targets(g)]


def _verdict(passed: bool, top: Size | None) -> bool | None:
    # a target set at 1M respondents is not judged on a smaller sample
    if top is None or top.respondents < FULL:
        return None
    return bool(passed)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000", help="respondents, comma-separated")
    parser.add_argument("--seed", type=int, default=2017)
    parser.add_argument("--format", dest="file_format", choices=("csv", "parquet"), default="csv")
    parser.add_argument("--cache", type=Path, default=None, help="folder keeping the generated samples (default: a folder in the temp dir)")
    parser.add_argument("--only", nargs="+", default=None, help="notebooks by number prefix (default: all)")
    parser.add_argument("--jobs", type=int, default=2, help="parallel notebooks for the whole set (default 2)")
    parser.add_argument("--no-set", dest="whole_set", action="store_false", help="skip the whole report set at the largest size")
    parser.add_argument("--json", type=Path, default=None, help="also write the targets to this file as a JSON list (the trailer run.py reads)")
    args = parser.parse_args(argv)
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    if not sizes or min(sizes) < 1:
        parser.error("--sizes needs positive numbers of respondents")
    g = run(sizes, seed=args.seed, file_format=args.file_format, cache=args.cache, only=args.only, jobs=args.jobs, whole_set=args.whole_set)
    print(report(g))
    if args.json:
        write_trailer(args.json, targets(g))
    failed = [s.respondents for s in g.sizes if not s.load.ok or not all(r.ok for r in s.notebooks.values())]
    return 1 if failed or (g.report_set is not None and not g.report_set.ok) else 0


if __name__ == "__main__":
    sys.exit(main())
