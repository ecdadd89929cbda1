"""Loading an assessment, against a plain pandas read of the same files, at 10k, 100k and 1M respondents.

Usage: python benchmarks/bench_load.py [--sizes 10000,100000,1000000] [--repeats 3]
                                       [--repeats-large 1] [--keep DIR] [--json PATH]

For each size, ``pra sample`` writes the sample as CSV and as Parquet (timed, with its
peak RSS). Each file set is then loaded in a fresh process, ``--repeats`` times (median):

* ours: ``pra_lib.load_assessment(folder, errors="collect")``: reading, typing and every
  check;
* peer: every table file of the folder read with ``pandas.read_csv(engine="pyarrow")`` or
  ``pandas.read_parquet``, with no checks at all.

Wall time is taken inside the child around the call (imports excluded), with the child's
CPU seconds (user + system, all threads); peak RSS is the child's own, from ``rss.py``.
The machine is shared, so the CPU seconds and the ratio to the peer, measured side by
side, are the comparable figures; the wall times are context.

``run(...)`` returns the rows and the targets. ``--json PATH`` also writes the targets as a
JSON list, the trailer ``run.py`` (``make bench``) reads for its summary table (format in
``benchmarks/README.md``).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PYTHON = sys.executable
PRA = str(Path(PYTHON).with_name("pra"))
FULL = 1_000_000
GIB = 1024.0  # MiB

# The child that loads: prints one JSON line with wall and CPU seconds and what it read.
_OURS = """
import json, resource, sys, time
import pra_lib
def cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime
load = pra_lib.load_assessment  # imports pandas and the loader, as the peer imports pandas, before the clock starts
t, c = time.perf_counter(), cpu()
a = load(sys.argv[1], errors="collect")
print(json.dumps({"wall": time.perf_counter() - t, "cpu": cpu() - c, "ratings": len(a.perception_ratings),
                  "participants": len(a.participants), "problems": len(a.problems),
                  "categorical": all(str(a.perception_ratings[c].dtype) == "category" for c in ("respondent_id", "goal_id", "aspect"))}))
"""
_PEER = """
import json, resource, sys, time
from pathlib import Path
import pandas as pd
def cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime
files = sorted(Path(sys.argv[1]).glob("*." + sys.argv[2]))
t, c = time.perf_counter(), cpu()
frames = {f.stem: (pd.read_csv(f, engine="pyarrow") if f.suffix == ".csv" else pd.read_parquet(f)) for f in files}
print(json.dumps({"wall": time.perf_counter() - t, "cpu": cpu() - c, "ratings": len(frames["perception_ratings"]),
                  "participants": len(frames["participants"]), "problems": 0, "categorical": False}))
"""


@dataclass
class Measure:
    wall: float
    cpu: float
    rss_mib: float
    info: dict = field(default_factory=dict)


@dataclass
class LoadRow:
    size: int
    fmt: str
    ours: Measure
    peer: Measure
    runs: int
    written_mib: float
    sample_s: float
    sample_rss_mib: float

    @property
    def ratio(self) -> float:
        return self.ours.wall / self.peer.wall if self.peer.wall > 0 else float("nan")

    @property
    def cpu_ratio(self) -> float:
        return self.ours.cpu / self.peer.cpu if self.peer.cpu > 0 else float("nan")


@dataclass
class LoadTarget:
    name: str
    goal: str
    measured: str
    passed: bool | None
    id: str = ""  # the target's id in run.py's summary table
    peer: str | None = None
    peer_ratio: float | None = None  # ours / peer, wall time

    def trailer(self) -> dict:
        """This target as one entry of the JSON trailer read by ``run.py``."""
        ratio = self.peer_ratio if self.peer_ratio is not None and self.peer_ratio == self.peer_ratio else None  # NaN: a run failed
        return {"id": self.id, "target": self.name, "goal": self.goal, "measured": self.measured, "met": self.passed,
                "peer": self.peer, "peer_ratio": ratio}


def _isolated(args: list[str]) -> tuple[str, float, float, int]:
    """Run a command through rss.py: (stdout, wall seconds, peak RSS MiB, exit code)."""
    start = time.perf_counter()
    proc = subprocess.run([PYTHON, str(HERE / "rss.py"), *args], capture_output=True, text=True, cwd=ROOT)
    wall = time.perf_counter() - start
    found = re.search(r"RSS_CHILDREN_MAX_KIB=(\d+)", proc.stdout)
    if proc.returncode:
        sys.stderr.write(proc.stderr[-2000:])
    return proc.stdout, wall, int(found.group(1)) / 1024 if found else float("nan"), proc.returncode


def _child(code: str, *args: str) -> Measure:
    out, _, rss, rc = _isolated([PYTHON, "-c", code, *args])
    line = next((ln for ln in out.splitlines() if ln.startswith("{")), None)
    if rc or line is None:
        return Measure(float("nan"), float("nan"), rss, {"failed": rc})
    info = json.loads(line)
    return Measure(info.pop("wall"), info.pop("cpu"), rss, info)


def _median(measures: list[Measure]) -> Measure:
    wall = statistics.median(m.wall for m in measures)
    chosen = min(measures, key=lambda m: abs(m.wall - wall))
    return Measure(wall, statistics.median(m.cpu for m in measures), max(m.rss_mib for m in measures), chosen.info)


def sample(folder: Path, size: int, fmt: str) -> tuple[float, float]:
    """``pra sample`` in its own process: (seconds, peak RSS MiB)."""
    cmd = [PRA, "sample", str(folder), "--respondents", str(size), "--format", fmt]
    _, wall, rss, rc = _isolated(cmd)
    return (wall if rc == 0 else float("nan")), rss


def run(sizes=(10_000, 100_000, FULL), *, repeats: int = 3, repeats_large: int = 1, keep: Path | None = None, log=sys.stderr) -> tuple[list[LoadRow], list[LoadTarget]]:
    """Measure every size and format; returns the rows and the issue-17 targets."""
    tmp = Path(keep) if keep else Path(tempfile.mkdtemp(prefix="pra-bench-load-"))
    tmp.mkdir(parents=True, exist_ok=True)
    rows: list[LoadRow] = []
    try:
        for size in sizes:
            n = repeats if size < FULL else repeats_large
            for fmt in ("csv", "parquet"):
                folder = tmp / f"{fmt}-{size}"
                sample_s, sample_rss = sample(folder, size, fmt)
                written = sum(p.stat().st_size for p in folder.glob("*")) / 2**20 if folder.exists() else float("nan")
                ours = _median([_child(_OURS, str(folder)) for _ in range(n)])
                peer = _median([_child(_PEER, str(folder), fmt) for _ in range(n)])
                rows.append(LoadRow(size, fmt, ours, peer, n, written, sample_s, sample_rss))
                print(f"[bench] load {fmt} at {size:,}: ours {ours.wall:.2f} s, peer {peer.wall:.2f} s", file=log, flush=True)
                if not keep:
                    shutil.rmtree(folder, ignore_errors=True)
    finally:
        if not keep:
            shutil.rmtree(tmp, ignore_errors=True)
    return rows, targets(rows)


def targets(rows: list[LoadRow]) -> list[LoadTarget]:
    out: list[LoadTarget] = []
    at = {(r.size, r.fmt): r for r in rows}
    top = max((r.size for r in rows), default=0)
    where = "" if top >= FULL else f" (largest size measured: {top:,} respondents)"
    for fmt, goal in (("csv", 10.0), ("parquet", 2.0)):
        r = at.get((top, fmt))
        if r is None:
            continue
        ok = r.ours.info.get("failed") is None and r.ours.info.get("problems") == 0
        peer = "pandas.read_csv(engine='pyarrow')" if fmt == "csv" else "pandas.read_parquet"
        out.append(LoadTarget(f"`load_assessment`, {fmt.upper() if fmt == 'csv' else 'Parquet'}, {top:,} respondents{where}", f"< {goal:g} s",
                              f"{r.ours.wall:.2f} s ({r.ours.cpu:.1f} CPU s)" + ("" if ok else "; FAILED or found problems"), ok and r.ours.wall < goal,
                              f"load-{fmt}", f"{peer}, no checks", r.ratio))
        out.append(LoadTarget(f"peak RSS of that load{where}", "< 2 GiB", f"{r.ours.rss_mib / GIB:.2f} GiB", r.ours.rss_mib < 2 * GIB,
                              f"load-{fmt}-rss", peer, r.ours.rss_mib / r.peer.rss_mib if r.peer.rss_mib > 0 else None))
        out.append(LoadTarget(f"ours with all checks vs {peer} of the same files, no checks{where}", "≤ 2×",
                              f"{r.ratio:.2f}× wall ({r.peer.wall:.2f} s), {r.cpu_ratio:.2f}× CPU ({r.peer.cpu:.1f} CPU s)", r.ratio <= 2,
                              f"load-{fmt}-peer", peer, r.ratio))
    csv, parquet = at.get((top, "csv")), at.get((top, "parquet"))
    if csv:
        out.append(LoadTarget(f"`pra sample OUT --respondents {top:,}` (CSV){where}", "< 30 s", f"{csv.sample_s:.1f} s; peak RSS {csv.sample_rss_mib / GIB:.2f} GiB; {csv.written_mib:,.0f} MiB written", csv.sample_s < 30,
                              "sample-csv"))
    if parquet:
        out.append(LoadTarget(f"`pra sample OUT --respondents {top:,} --format parquet`{where}", "< 30 s and no slower than CSV",
                              f"{parquet.sample_s:.1f} s ({parquet.sample_s / csv.sample_s:.2f}× CSV); peak RSS {parquet.sample_rss_mib / GIB:.2f} GiB; {parquet.written_mib:,.0f} MiB written" if csv else f"{parquet.sample_s:.1f} s",
                              parquet.sample_s < 30 and (csv is None or parquet.sample_s <= csv.sample_s),
                              "sample-parquet", "`pra sample` writing CSV" if csv else None, parquet.sample_s / csv.sample_s if csv else None))
    return out


def table(rows: list[LoadRow]) -> str:
    lines = ["| respondents | format | files | `pra sample` | ours: wall | ours: CPU | ours: peak RSS | peer: wall | peer: CPU | peer: peak RSS | ours / peer (wall) | ours / peer (CPU) | ours: CPU s per 1M ratings | runs |",
             "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        per = r.ours.cpu / (r.ours.info.get("ratings", 0) or float("nan")) * 1e6
        lines.append(f"| {r.size:,} | {r.fmt} | {r.written_mib:,.0f} MiB | {r.sample_s:.1f} s | {r.ours.wall:.2f} s | {r.ours.cpu:.2f} s | {r.ours.rss_mib:,.0f} MiB | "
                     f"{r.peer.wall:.2f} s | {r.peer.cpu:.2f} s | {r.peer.rss_mib:,.0f} MiB | {r.ratio:.2f}× | {r.cpu_ratio:.2f}× | {per:.2f} s | {r.runs} |")
    return "\n".join(lines)


def report(rows: list[LoadRow], found: list[LoadTarget]) -> str:
    verdict = {True: "met", False: "**missed**", None: "-"}
    out = [table(rows), "", "| target | goal | measured | result |", "|---|---|---|:---:|"]
    out += [f"| {t.name} | {t.goal} | {t.measured} | {verdict[t.passed]} |" for t in found]
    load = os.getloadavg()
    out += ["", f"Load average {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f} at the end (1 / 5 / 15 min)."]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--repeats", type=int, default=3, help="runs per measurement below 1 000 000 respondents (median)")
    parser.add_argument("--repeats-large", type=int, default=1, help="runs per measurement at 1 000 000 respondents")
    parser.add_argument("--keep", type=Path, help="write the samples here and keep them")
    parser.add_argument("--json", type=Path, help="also write the targets to this file as a JSON list")
    args = parser.parse_args(argv)
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",")]
    rows, found = run(sizes, repeats=args.repeats, repeats_large=args.repeats_large, keep=args.keep)
    print(report(rows, found))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        partial = args.json.with_name(args.json.name + ".tmp")
        partial.write_text(json.dumps([t.trailer() for t in found], indent=1) + "\n", encoding="utf-8")
        os.replace(partial, args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
