"""Many cities: one ``pra run`` over N generated assessments, on local processes and on Dask.

Usage: python benchmarks/bench_cities.py [--assessments 20] [--respondents N] [--workers 1,2]
                                         [--only NB [NB ...]] [--keep DIR] [--json PATH]

``pra sample`` writes N synthetic assessments (seeds 2017, 2018, ...; each given its own
``assessment_id`` in its ``assessment.yaml``, since one run refuses two assessments with the
same id). Then one ``pra run <all N folders> --out TMP`` is timed, for each worker count W of
``--workers``, in two ways, side by side:

* ``--jobs W``: W local worker processes (what ``make report`` uses);
* ``--scheduler ADDRESS`` on a Dask ``distributed.LocalCluster`` of W worker processes with
  one thread each, started before the clock starts and closed after it stops.

Every run must exit 0 and leave, for every assessment, a ``manifest.json`` whose status is
``complete`` and whose notebooks all finished; otherwise the benchmark stops and says why
(exit status 1). For each run it prints the wall time, assessments and notebooks per
minute, the CPU seconds of every process involved, and the load average when it started;
then the scaling from the fewest to the most workers (speed-up and efficiency) and Dask
against local processes with the same number of workers.

``--json PATH`` also writes the targets as a JSON list (the trailer ``run.py`` reads for its
summary table; format in ``benchmarks/README.md``). The runs go from the most workers to the
fewest. Test with ``--assessments 2``: each run costs about 80 CPU seconds per assessment
(10 notebooks), so the full benchmark (20 assessments, four runs) takes one and a half hours
or more on 2 cores. Stopped with Ctrl-C or SIGTERM, it stops the run under way, says how far
it had come, and reports the runs that finished.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PYTHON = sys.executable
PRA = str(Path(PYTHON).with_name("pra"))
FIRST_SEED = 2017
FINISHED = ("ok", "not collected")  # pra_lib.runner.FINISHED: a report, or "the data hold nothing for it"


class BenchFailed(RuntimeError):
    """A generation or a run did not do what it should; the message says what and where."""


class Stopped(KeyboardInterrupt):
    """The benchmark was stopped during a run; ``said`` is how far that run had come."""

    def __init__(self, said: str):
        super().__init__(said)
        self.said = said


@dataclass
class Run:
    kind: str  # "processes" or "dask"
    workers: int
    wall: float
    cpu: float  # user + system seconds of every process of the run
    load: float  # 1-minute load average when the run started
    notebooks: int
    notebook_seconds: float  # the notebooks' own times, summed from the manifests
    startup: float = 0.0  # the Dask cluster's start, outside the timed run
    statuses: dict = field(default_factory=dict)

    @property
    def label(self) -> str:
        return _label(self.kind, self.workers)

    def per_minute(self, count: int) -> float:
        return count / self.wall * 60 if self.wall > 0 else float("nan")


# --------------------------------------------------------------------------- machine


def machine() -> dict:
    """Cores, memory and load: what the numbers depend on."""
    info = {"cores": os.cpu_count(), "usable_cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
            "load": os.getloadavg(), "python": platform.python_version(), "cpu": ""}
    try:
        info["cpu"] = next(ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text().splitlines() if ln.startswith("model name"))
    except (OSError, StopIteration):
        pass
    try:
        mem = {ln.split(":")[0]: int(ln.split()[1]) for ln in Path("/proc/meminfo").read_text().splitlines() if ln.startswith(("MemTotal", "MemAvailable"))}
        info["memory_gib"], info["available_gib"] = mem["MemTotal"] / 2**20, mem.get("MemAvailable", 0) / 2**20
    except (OSError, KeyError, ValueError):
        info["memory_gib"] = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
        info["available_gib"] = float("nan")
    try:
        import importlib.metadata as md

        info["dask"] = md.version("distributed")
    except Exception:  # noqa: BLE001 - only reported
        info["dask"] = "not installed"
    return info


def _cpu_children() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def _cpu_self() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


# --------------------------------------------------------------------------- assessments


def generate(folder: Path, count: int, *, respondents: int | None, log=sys.stderr) -> tuple[list[Path], float, int]:
    """Write ``count`` sample assessments with different seeds and ids; returns (folders,
    seconds, respondents per assessment)."""
    folders, size = [], None
    start = time.perf_counter()
    for i in range(count):
        seed = FIRST_SEED + i
        target = folder / f"city-{i + 1:02d}"
        cmd = [PRA, "sample", str(target), "--seed", str(seed)] + (["--respondents", str(respondents)] if respondents else [])
        proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
        if proc.returncode:
            raise BenchFailed(f"`{' '.join(cmd)}` exited with status {proc.returncode}:\n{proc.stderr[-2000:]}")
        size = _give_own_id(target / "assessment.yaml", f"synthetic-city-{i + 1:02d}-seed-{seed}")
        folders.append(target)
        print(f"[cities] generated {target.name} (seed {seed})", file=log, flush=True)
    return folders, time.perf_counter() - start, size


def _give_own_id(path: Path, new_id: str) -> int:
    """Replace the one ``assessment_id`` line of a generated ``assessment.yaml`` (keeping its
    comments and order), check that it now reads back as ``new_id``; returns the number of
    respondents the generator recorded."""
    import yaml

    text = path.read_text(encoding="utf-8")
    lines = re.findall(r"(?m)^assessment_id:.*$", text)
    if len(lines) != 1:
        raise BenchFailed(f"{path}: expected one top-level 'assessment_id:' line, found {len(lines)}")
    text = re.sub(r"(?m)^assessment_id:.*$", f"assessment_id: {new_id}", text)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
    meta = yaml.safe_load(text)
    if meta.get("assessment_id") != new_id:
        raise BenchFailed(f"{path}: assessment_id reads {meta.get('assessment_id')!r} after rewriting, expected {new_id!r}")
    return int((meta.get("generator") or {}).get("respondents") or 0)


# --------------------------------------------------------------------------- runs


def expected_notebooks(only: list[str] | None) -> list[str]:
    from pra_lib.runner import discover_notebooks

    return [p.stem for p in discover_notebooks(only=only)]


def run_once(kind: str, workers: int, folders: list[Path], out: Path, *, books: list[str], only: list[str] | None, log=sys.stderr) -> Run:
    """One timed ``pra run`` over every folder; raises :class:`BenchFailed` unless every
    notebook of every assessment finished."""
    cmd = [PRA, "run", *map(str, folders), "--out", str(out)] + (["--only", *only] if only else [])
    cluster, startup = None, 0.0
    if kind == "dask":
        try:
            from distributed import LocalCluster
        except ImportError:
            raise BenchFailed("the Dask runs need the `distributed` package: pip install -e '.[dask]' (make bench installs it)") from None

        t = time.perf_counter()
        # Processes, one thread each: a notebook's kernel is a process of its own, so a worker
        # runs one notebook at a time, as a --jobs worker does. No dashboard: nothing to serve.
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=40)
        startup = time.perf_counter() - t
        cmd += ["--scheduler", cluster.scheduler_address]
    else:
        cmd += ["--jobs", str(workers)]
    load = os.getloadavg()[0]
    cpu_children, cpu_self = _cpu_children(), _cpu_self()
    print(f"[cities] {kind} x{workers}: {_n(len(folders), 'assessment')} x {_n(len(books), 'notebook')} (load {load:.2f})", file=log, flush=True)
    # Output to files, not pipes: if the benchmark is stopped, they still say how far the run came.
    stdout_path, stderr_path = out.with_name(out.name + ".stdout"), out.with_name(out.name + ".stderr")
    try:
        with open(stdout_path, "w", encoding="utf-8") as stdout, open(stderr_path, "w", encoding="utf-8") as stderr:
            start = time.perf_counter()
            proc = subprocess.Popen(cmd, stdout=stdout, stderr=stderr, text=True, cwd=ROOT)
            try:
                code = proc.wait()
            except KeyboardInterrupt:
                elapsed = time.perf_counter() - start
                _stop(proc)
                done = sum(1 for ln in stdout_path.read_text(encoding="utf-8").splitlines() if re.match(r"\[\d+/\d+\] .*: (ok|not collected) ", ln))
                raise Stopped(f"{_label(kind, workers)} had finished {done} of {len(folders) * len(books)} notebooks after {elapsed:.0f} s "
                              f"(load average {load:.2f} at its start) when the benchmark was stopped") from None
            wall = time.perf_counter() - start
    finally:
        if cluster is not None:
            cluster.close()  # its worker processes are children of this one: reaped here, so counted below
    # The Dask scheduler runs in this process; the local runs use none of its CPU.
    cpu = _cpu_children() - cpu_children + (_cpu_self() - cpu_self if kind == "dask" else 0.0)
    if code:
        # What failed and why, from the run's own progress lines; then the end of its errors.
        said = [ln.rstrip() for ln in stdout_path.read_text(encoding="utf-8").splitlines() if re.search(r"FAILED|failed in cell|failed:|succeeded", ln)]
        raise BenchFailed(f"`pra run` ({kind}, {_n(workers, 'worker')}) exited with status {code}.\n"
                          + "\n".join(said[:40]) + f"\n{stderr_path.read_text(encoding='utf-8')[-3000:]}")
    statuses, seconds = check_outputs(out, folders, books)
    run = Run(kind, workers, wall, cpu, load, len(folders) * len(books), seconds, startup, statuses)
    print(f"[cities] {kind} x{workers}: {wall:.1f} s, {run.per_minute(len(folders)):.2f} assessments/min, "
          f"{run.per_minute(run.notebooks):.1f} notebooks/min, {cpu:.0f} CPU s", file=log, flush=True)
    return run


def check_outputs(out: Path, folders: list[Path], books: list[str]) -> tuple[dict, float]:
    """Every assessment's manifest says complete and lists every notebook as finished;
    returns the count of each status and the notebooks' summed seconds."""
    import yaml

    statuses: dict[str, int] = {}
    seconds = 0.0
    problems = []
    for folder in folders:
        aid = yaml.safe_load((folder / "assessment.yaml").read_text(encoding="utf-8"))["assessment_id"]
        path = out / aid / "manifest.json"
        try:
            manifest = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            problems.append(f"{path}: cannot read the manifest ({exc})")
            continue
        if manifest.get("status") != "complete":
            problems.append(f"{path}: status {manifest.get('status')!r}, expected 'complete'")
        found = {nb.get("notebook"): nb for nb in manifest.get("notebooks") or []}
        for book in books:
            nb = found.get(book)
            status = nb.get("status") if nb else "missing"
            statuses[status] = statuses.get(status, 0) + 1
            if status not in FINISHED:
                problems.append(f"{path}: notebook {book} is {status!r}" + (f": {nb.get('error')}" if nb and nb.get("error") else ""))
            elif nb:
                seconds += float(nb.get("seconds") or 0.0)
    if problems:
        raise BenchFailed("the run did not publish every report:\n" + "\n".join(problems[:20]) + (f"\n... and {len(problems) - 20} more" if len(problems) > 20 else ""))
    return statuses, seconds


# --------------------------------------------------------------------------- report


def scaling(runs: list[Run], kind: str) -> list[tuple[int, int, float, float]]:
    """(from workers, to workers, speed-up, efficiency) of one kind of run."""
    mine = sorted((r for r in runs if r.kind == kind), key=lambda r: r.workers)
    if len(mine) < 2:
        return []
    base = mine[0]
    return [(base.workers, r.workers, base.wall / r.wall, base.wall / r.wall / (r.workers / base.workers)) for r in mine[1:]]


def targets(runs: list[Run], count: int) -> list[dict]:
    """The issue-17 "many cities" targets, in the trailer format of ``run.py``."""
    out = []
    if not runs:
        return out
    top = max(r.workers for r in runs)
    by = {(r.kind, r.workers): r for r in runs}
    local, dask = by.get(("processes", top)), by.get(("dask", top))
    what = f"{_n(count, 'assessment')} × {_n(runs[0].notebooks // count, 'notebook')}"
    if local:
        out.append({"id": "cities-processes", "target": f"Many cities: one `pra run` of {what}, `--jobs {top}`",
                    "goal": "assessments per minute (issue 17 sets no figure)", "measured": f"{local.per_minute(count):.2f} assessments/min, "
                    f"{local.per_minute(local.notebooks):.1f} notebooks/min ({local.wall:.0f} s)",
                    "value": local.per_minute(count), "unit": "assessments/min", "peer": None, "peer_ratio": None, "met": None})
    if dask:
        ratio = dask.wall / local.wall if local else None
        out.append({"id": "cities-dask", "target": f"Many cities: the same run on a Dask LocalCluster of {top} worker{'s' * (top > 1)}",
                    "goal": "assessments per minute (issue 17 sets no figure)", "measured": f"{dask.per_minute(count):.2f} assessments/min, "
                    f"{dask.per_minute(dask.notebooks):.1f} notebooks/min ({dask.wall:.0f} s)",
                    "value": dask.per_minute(count), "unit": "assessments/min", "peer": f"`--jobs {top}`" if local else None,
                    "peer_ratio": ratio, "peer_ratio_note": "Dask wall time / local processes' wall time" if local else None, "met": None})
    parts = []
    for kind, name in (("processes", "`--jobs`"), ("dask", "Dask")):
        for lo, hi, speedup, eff in scaling(runs, kind):
            parts.append(f"{name} {lo} → {hi}: {speedup:.2f}× ({eff:.0%} efficiency)")
    if parts:
        lo = min(r.workers for r in runs)
        out.append({"id": "cities-scaling", "target": f"Many cities: scaling from {lo} to {top} workers", "goal": f"reported (ideal {top / lo:g}× on {top} free cores)",
                    "measured": "; ".join(parts), "value": next((s for _, _, s, _ in scaling(runs, "processes")), None), "unit": "speed-up",
                    "peer": None, "peer_ratio": None, "met": None})
    return out


def report(runs: list[Run], *, count: int, respondents: int, generate_s: float, info: dict, books: list[str], failure: str | None = None) -> str:
    load = info["load"]
    lines = [
        f"{_n(count, 'synthetic assessment')} of {respondents:,} respondents each (`pra sample`, seeds {FIRST_SEED} to {FIRST_SEED + count - 1}, "
        f"written in {generate_s:.0f} s), {_n(len(books), 'notebook')} each ({count * len(books)} in all). Machine: {info['cores']} cores "
        f"({info['usable_cores']} usable; {info['cpu'] or 'CPU model unknown'}), {info['memory_gib']:.0f} GiB RAM ({info['available_gib']:.0f} GiB available), "
        f"load average {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f} (1 / 5 / 15 min) at the start; Python {info['python']}, "
        f"distributed {info['dask']}; {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC at the end.\n",
        "| run | workers | wall | assessments / min | notebooks / min | notebook time (sum) | CPU s (all processes) | load average at start | cluster start (not timed) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    if not runs:
        lines.append("| (no run finished) | | | | | | | | |")
    for r in runs:
        lines.append(f"| {r.label} | {r.workers} | {r.wall:.1f} s | {r.per_minute(count):.2f} | {r.per_minute(r.notebooks):.1f} | {r.notebook_seconds:.0f} s | "
                     f"{r.cpu:.0f} | {r.load:.2f} | {f'{r.startup:.1f} s' if r.kind == 'dask' else '-'} |")
    rows = [(name, lo, hi, s, e) for kind, name in (("processes", "local processes (`--jobs`)"), ("dask", "Dask LocalCluster")) for lo, hi, s, e in scaling(runs, kind)]
    if rows:
        lines += ["", "| scaling | from → to workers | speed-up (wall) | efficiency |", "|---|---|---:|---:|"]
        lines += [f"| {name} | {lo} → {hi} | {s:.2f}× | {e:.0%} |" for name, lo, hi, s, e in rows]
    by = {(r.kind, r.workers): r for r in runs}
    pairs = [(w, by[("dask", w)].wall / by[("processes", w)].wall) for w in sorted({r.workers for r in runs}) if ("dask", w) in by and ("processes", w) in by]
    if pairs:
        lines += ["", "Dask against local processes with the same number of workers (wall time ratio, above 1 means Dask is slower): "
                  + "; ".join(f"{w} worker{'s' * (w > 1)} {x:.2f}×" for w, x in pairs) + "."]
    lines += ["", "Wall time is one `pra run` from start to exit: loading and checking every assessment, every notebook, the front pages. "
              + ("Every run shown exited 0 and every manifest reads `complete` with every notebook finished. " if runs else "")
              + "CPU seconds are the user and system "
              "time of `pra run`, its workers and their kernels (and, for Dask, of the cluster's processes and scheduler)."]
    if failure:
        first, _, rest = failure.partition("\n")
        lines += ["", f"**{'STOPPED' if first.startswith('stopped on request') else 'FAILED'}**: {first}"] + (["", "```", rest.strip(), "```"] if rest.strip() else [])
    return "\n".join(lines)


# --------------------------------------------------------------------------- main


def _label(kind: str, workers: int) -> str:
    return f"`--jobs {workers}`" if kind == "processes" else f"Dask LocalCluster, {_n(workers, 'worker')}"


def _stop(proc: subprocess.Popen) -> None:
    """Stop a ``pra run`` as a scheduler would (SIGTERM: it records how it ended and its
    workers and kernels end with it), then kill it if it has not ended in 30 s."""
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}{'s' * (count != 1)}"


def _counts(text: str) -> list[int]:
    values = [int(x) for x in text.split(",") if x.strip()]
    if not values or min(values) < 1:
        raise argparse.ArgumentTypeError(f"expected whole numbers of at least 1, comma-separated, not {text!r}")
    return sorted(set(values))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--assessments", type=int, default=20, help="assessments to generate and run (default 20)")
    parser.add_argument("--respondents", type=int, help="questionnaire respondents per assessment (default: pra sample's default)")
    parser.add_argument("--workers", type=_counts, default=[1, 2], help="worker counts, comma-separated (default 1,2)")
    parser.add_argument("--only", nargs="+", metavar="NB", help="run only these notebooks (passed to pra run --only); default all")
    parser.add_argument("--keep", type=Path, help="write the assessments and reports here and keep them")
    parser.add_argument("--json", type=Path, help="also write the targets to this file as a JSON list")
    args = parser.parse_args(argv)
    if args.assessments < 1:
        parser.error("--assessments must be at least 1")

    signal.signal(signal.SIGTERM, _interrupt)
    info = machine()
    tmp = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="pra-bench-cities-"))
    tmp.mkdir(parents=True, exist_ok=True)
    runs: list[Run] = []
    failure, respondents, generate_s, books = None, 0, 0.0, []
    try:
        books = expected_notebooks(args.only)
        if not books:
            raise BenchFailed(f"no notebook matches --only {' '.join(args.only or [])}")
        folders, generate_s, respondents = generate(tmp / "assessments", args.assessments, respondents=args.respondents)
        # Most workers first, so the figures of the whole machine come first (a long run may be
        # stopped); Dask right after local processes with as many workers, so both meet the same load.
        for workers in sorted(args.workers, reverse=True):
            for kind in ("processes", "dask"):
                out = tmp / f"out-{kind}-{workers}"
                runs.append(run_once(kind, workers, folders, out, books=books, only=args.only))
                if not args.keep:
                    shutil.rmtree(out, ignore_errors=True)
    except BenchFailed as exc:
        failure = str(exc)
        print(f"[cities] FAILED: {failure}", file=sys.stderr, flush=True)
    except KeyboardInterrupt as exc:
        # Stopped on request (Ctrl-C or SIGTERM): the run under way is stopped, the finished ones are reported.
        failure = f"stopped on request after {_n(len(runs), 'finished run')}; the run under way is not shown as measured"
        if isinstance(exc, Stopped):
            failure += f": {exc.said}"
        print(f"[cities] {failure}", file=sys.stderr, flush=True)
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    found = targets(runs, args.assessments)
    if failure:
        found.append({"id": "cities-failed", "target": "Many cities: every run completes", "goal": "every notebook of every assessment finished",
                      "measured": failure.splitlines()[0], "met": False})
    print(report(runs, count=args.assessments, respondents=respondents, generate_s=generate_s, info=info, books=books, failure=failure), flush=True)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        partial = args.json.with_name(args.json.name + ".tmp")
        partial.write_text(json.dumps(found, indent=1) + "\n", encoding="utf-8")
        os.replace(partial, args.json)
    return 1 if failure else 0


if __name__ == "__main__":
    sys.exit(main())
