"""Benchmarks of pra_lib against peer libraries, and the speed targets of issue #7.

Run with ``make bench`` (or ``.venv/bin/python benchmarks/run.py``). Never part of
``make test``: the machine is shared and noisy, so timings are taken on demand, as the
best of a few repeats.

Options
-------
--quick            comparisons at 1 000 respondents only, and no target section
--only NAME[,NAME] run only these parts: bootstrap, cronbach, krippendorff, fleiss,
                   kruskal (comparisons); targets, or one target: boot-target,
                   perception, import (issue #7); io, report, growth, cities (issue #17)
--sizes N[,N]      respondent counts of the comparisons (default 1000,100000,1000000)
--load-sizes N[,N] respondent counts of the loading and `pra sample` targets
                   (default 10000,100000,1000000; see bench_load.py)
--load-repeats N   runs per load measurement below 1 000 000 respondents (median; default 3)
--target-respondents N  size of the bootstrap and perception targets (default 1 000 000)
--cities-assessments N  assessments of the many-cities part (default 20; see bench_cities.py)
--cities-workers N[,N]  worker counts of the many-cities part (default 1,2)

The issue-17 parts (io, report, growth, cities) are standalone scripts, each run in its own
process: it prints Markdown, and writes its targets as a JSON list to the file given by
``--json`` (the format is in benchmarks/README.md). The run ends with one table of every
issue-17 target: measured value, goal, peer ratio where there is a peer, met or missed;
a target whose script is missing, failed or was not selected reads "not measured".
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
import tracemalloc
import warnings
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

import bench_data  # noqa: E402

PYTHON = sys.executable
PRA = str(Path(PYTHON).with_name("pra"))
COMPARISONS = ("bootstrap", "cronbach", "krippendorff", "fleiss", "kruskal")
TARGETS = ("boot-target", "perception", "import", "io", "report", "growth", "cities")
SEED = 2017
B = 2000


# --------------------------------------------------------------------------- timing


def best_time(fn, *, budget: float = 4.0, repeats: int = 5):
    """Best per-call time of up to ``repeats`` timings (fewer when a call is slow).

    Calls faster than 5 ms are timed in loops of at least 20 ms (as ``timeit`` does), so
    the clock's resolution and the first-call effects do not dominate. Returns
    (seconds per call, result, number of timings).
    """
    gc.collect()
    start = time.perf_counter()
    result = fn()
    first = time.perf_counter() - start
    number = 1 if first >= 0.005 else int(np.ceil(0.02 / max(first, 1e-6)))
    times = [first] if number == 1 else []
    while len(times) < repeats and sum(times) * number + min(times, default=0) * number <= budget:
        gc.collect()
        start = time.perf_counter()
        for _ in range(number):
            result = fn()
        times.append((time.perf_counter() - start) / number)
    return min(times), result, len(times)


def traced_peak_mib(fn) -> float:
    """Peak of tracemalloc-traced memory (Python objects and NumPy buffers) during one call."""
    gc.collect()
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def fmt_s(seconds: float | None) -> str:
    if seconds is None or not np.isfinite(seconds):
        return "-"
    if seconds < 0.001:
        return f"{seconds * 1e6:.0f} µs"
    if seconds < 1:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds:.2f} s"


def fmt_n(n: int) -> str:
    return f"{n:,}".replace(",", " ")


def fmt_diff(x: float | None) -> str:
    if x is None or not np.isfinite(x):
        return "-"
    return "0" if x == 0 else f"{x:.1e}"


@dataclass
class Row:
    benchmark: str
    size: int
    ours_s: float
    peer: str
    peer_s: float
    ours_peak_mib: float
    max_diff: float
    tolerance: float
    note: str = ""
    ours_calls: int = 0
    peer_calls: int = 0

    @property
    def ratio(self) -> float:
        return self.peer_s / self.ours_s if self.ours_s > 0 else float("nan")

    @property
    def agrees(self) -> bool:
        return bool(np.isfinite(self.max_diff) and self.max_diff <= self.tolerance)


# --------------------------------------------------------------------------- comparisons


def bench_bootstrap(n: int) -> list[Row]:
    import pingouin
    from scipy import stats as sps

    from pra_lib import stats

    x, _ = bench_data.single_item(n, seed=SEED)
    frame = pd.DataFrame({"rating": x})

    def ours_on(values):
        return stats.bootstrap_ci(pd.DataFrame({"rating": values}), value="rating", n_resamples=B, seed=1).iloc[0]

    ours_s, ours, calls = best_time(lambda: stats.bootstrap_ci(frame, value="rating", n_resamples=B, seed=1))
    peak = traced_peak_mib(lambda: stats.bootstrap_ci(frame, value="rating", n_resamples=B, seed=1))
    rows = []
    # SciPy resamples the data itself (B x n values): time it on at most 100 000 ratings.
    for peer, cap in (("scipy.stats.bootstrap", 100_000), ("pingouin.compute_bootci", 10_000)):
        m = min(n, cap)
        sub = x[:m]
        if peer.startswith("scipy"):
            def run(sub=sub, m=m):
                return sps.bootstrap((sub,), np.mean, n_resamples=B, method="percentile", vectorized=True,
                                     batch=max(1, 20_000_000 // m), rng=np.random.default_rng(2)).confidence_interval
        else:
            def run(sub=sub):
                lo, hi = pingouin.compute_bootci(sub, func="mean", n_boot=B, method="per", seed=3, decimals=12)
                return type("CI", (), {"low": lo, "high": hi})
        peer_s, ci, peer_calls = best_time(run, budget=8.0, repeats=3)
        mine = ours_on(sub) if m < n else ours.iloc[0]
        se = np.std(sub, ddof=1) / np.sqrt(m)
        diff = max(abs(mine.ci_low - ci.low), abs(mine.ci_high - ci.high))
        est_diff = abs(mine.estimate - np.mean(sub))
        note = "" if m == n else f"peer timed on {fmt_n(m)}, ×{n // m} linear"
        note = (note + "; " if note else "") + f"estimate Δ {fmt_diff(est_diff)}"
        rows.append(Row("bootstrap_ci (mean, percentile, B=2000)", n, ours_s, peer, peer_s * n / m, peak,
                        max(diff, est_diff), 0.35 * se, note, calls, peer_calls))
    return rows


def bench_cronbach(n: int) -> list[Row]:
    import pingouin

    from pra_lib import stats

    data = pd.DataFrame(bench_data.items(n, seed=SEED), columns=[f"G{i:02d}" for i in range(1, 13)])
    ours_s, ours, calls = best_time(lambda: stats.cronbach_alpha(data))
    peak = traced_peak_mib(lambda: stats.cronbach_alpha(data))
    peer_s, (alpha, ci), peer_calls = best_time(lambda: pingouin.cronbach_alpha(data), repeats=5)
    d_alpha = abs(ours.alpha - alpha)
    d_ci = max(abs(ours.ci_low - ci[0]), abs(ours.ci_high - ci[1]))
    # pingouin rounds the interval to 3 decimals, so agreement is to 5e-4 (alpha itself agrees to ~1e-16)
    return [Row("cronbach_alpha (12 items, 4 % missing, pairwise)", n, ours_s, "pingouin.cronbach_alpha", peer_s, peak,
                max(d_alpha, d_ci), 5e-4, f"alpha Δ {fmt_diff(d_alpha)}, CI Δ {fmt_diff(d_ci)} (pingouin rounds the CI to 3 decimals)",
                calls, peer_calls)]


def bench_krippendorff(n: int) -> list[Row]:
    import krippendorff

    from pra_lib import stats

    rows = []
    rng = np.random.default_rng([SEED, 7])
    wide = bench_data.items(n, seed=SEED)  # respondents (raters) x 12 goals (units)
    truth = rng.normal(3.0, 0.8, size=n)
    four = np.clip(np.rint(truth[None, :] + rng.normal(0.0, 0.7, size=(4, n))), 1, 5)
    four[rng.random(four.shape) < 0.1] = np.nan  # 4 raters x n units
    for label, data, level in (
        (f"krippendorff_alpha (ordinal, {fmt_n(n)} raters x 12 units)", wide, "ordinal"),
        (f"krippendorff_alpha (interval, 4 raters x {fmt_n(n)} units)", four, "interval"),
    ):
        ours_s, ours, calls = best_time(lambda: stats.krippendorff_alpha(data, level=level))
        peak = traced_peak_mib(lambda: stats.krippendorff_alpha(data, level=level))
        peer_s, peer, peer_calls = best_time(
            lambda: krippendorff.alpha(reliability_data=data, level_of_measurement=level, value_domain=[1, 2, 3, 4, 5]))
        rows.append(Row(label, n, ours_s, "krippendorff.alpha", peer_s, peak, abs(ours - peer), 1e-9,
                        "package given value_domain=[1..5]", calls, peer_calls))
    return rows


def bench_fleiss(n: int) -> list[Row]:
    from statsmodels.stats.inter_rater import fleiss_kappa as sm_fleiss

    from pra_lib import stats

    counts = bench_data.fleiss_counts(n, seed=SEED)
    ours_s, ours, calls = best_time(lambda: stats.fleiss_kappa(counts))
    peak = traced_peak_mib(lambda: stats.fleiss_kappa(counts))
    peer_s, peer, peer_calls = best_time(lambda: sm_fleiss(counts, method="fleiss"))
    return [Row("fleiss_kappa (10 raters, 5 categories)", n, ours_s, "statsmodels fleiss_kappa", peer_s, peak,
                abs(ours - peer), 1e-12, "", calls, peer_calls)]


def bench_kruskal(n: int) -> list[Row]:
    import pingouin
    from scipy import stats as sps

    from pra_lib import stats

    x, group = bench_data.single_item(n, seed=SEED)
    labels = np.array(bench_data.GROUPS, dtype=object)
    frame = pd.DataFrame({"rating": x, "group": pd.Categorical.from_codes(group, categories=bench_data.GROUPS)})
    plain = pd.DataFrame({"rating": x, "group": labels[group]})
    parts = [x[group == g] for g in range(len(bench_data.GROUPS))]
    ours_s, ours, calls = best_time(lambda: stats.kruskal_wallis(frame, dv="rating", between="group"))
    peak = traced_peak_mib(lambda: stats.kruskal_wallis(frame, dv="rating", between="group"))
    rows = []
    scipy_s, res, c1 = best_time(lambda: sps.kruskal(*parts))
    d = max(abs(ours.h - res.statistic) / res.statistic, abs(ours.pvalue - res.pvalue))
    rows.append(Row("kruskal_wallis (4 groups, Likert ties)", n, ours_s, "scipy.stats.kruskal", scipy_s, peak, d, 1e-9,
                    "scipy given the 4 groups already split; Δ = max(relative H, absolute p)", calls, c1))
    pg_s, res, c2 = best_time(lambda: pingouin.kruskal(plain, dv="rating", between="group"))
    h, p = float(res["H"].iloc[0]), float(res["p_unc"].iloc[0])
    rows.append(Row("kruskal_wallis (4 groups, Likert ties)", n, ours_s, "pingouin.kruskal", pg_s, peak,
                    max(abs(ours.h - h) / h, abs(ours.pvalue - p)), 1e-9, "Δ = max(relative H, absolute p)", calls, c2))
    return rows


BENCHES = {"bootstrap": bench_bootstrap, "cronbach": bench_cronbach, "krippendorff": bench_krippendorff, "fleiss": bench_fleiss, "kruskal": bench_kruskal}


def comparison_table(rows: list[Row]) -> str:
    lines = [
        "| benchmark | size (respondents) | ours | peer | peer time | ratio peer/ours | ours peak (tracemalloc) | max abs. difference | tolerance | agree | note |",
        "|---|---:|---:|---|---:|---:|---:|---:|---:|:---:|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r.benchmark} | {fmt_n(r.size)} | {fmt_s(r.ours_s)} | {r.peer} | {fmt_s(r.peer_s)} | {r.ratio:,.1f}× | "
            f"{r.ours_peak_mib:,.1f} MiB | {fmt_diff(r.max_diff)} | {fmt_diff(r.tolerance)} | {'yes' if r.agrees else 'NO'} | {r.note} |"
        )
    return "\n".join(lines)


# --------------------------------------------------------------------------- targets


@dataclass
class Target:
    name: str
    goal: str
    measured: str
    passed: bool | None  # None: not measurable (reported only)
    detail: list[str] = field(default_factory=list)

    @property
    def verdict(self) -> str:
        return {True: "PASS", False: "MISS", None: "n/a"}[self.passed]


def target_bootstrap(n: int) -> Target:
    from scipy import stats as sps

    from pra_lib import stats

    frame = bench_data.perception_frame(n, seed=SEED)
    by = ["goal_id", "stakeholder_group"]
    start = time.perf_counter()
    out = stats.bootstrap_ci(frame, value="rating", by=by, n_resamples=B, seed=1)
    first = time.perf_counter() - start
    ours_s, out, calls = best_time(lambda: stats.bootstrap_ci(frame, value="rating", by=by, n_resamples=B, seed=1), repeats=3)
    cell_sizes = out["n"].to_numpy()
    # SciPy on one cell (G01 x community), at two subsample sizes: t(m) = a + b m per cell.
    cell = frame.loc[(frame["goal_id"] == "G01") & (frame["stakeholder_group"] == "community"), "rating"].dropna().to_numpy(dtype=float)
    del frame
    gc.collect()
    points = {}
    for m in (10_000, 40_000):
        sub = cell[:m]
        points[m] = best_time(lambda sub=sub: sps.bootstrap((sub,), np.mean, n_resamples=B, method="percentile", vectorized=True,
                                                          batch=500, rng=np.random.default_rng(5)).confidence_interval, budget=6.0, repeats=3)
    (t1, ci1, _), (t2, ci2, _) = points[10_000], points[40_000]
    slope = (t2 - t1) / 30_000
    intercept = max(t1 - slope * 10_000, 0.0)
    scipy_total = float(np.sum(intercept + slope * cell_sizes))
    mine = stats.bootstrap_ci(pd.DataFrame({"r": cell[:40_000]}), value="r", n_resamples=B, seed=1).iloc[0]
    se = np.std(cell[:40_000], ddof=1) / np.sqrt(40_000)
    diff = max(abs(mine.ci_low - ci2.low), abs(mine.ci_high - ci2.high))
    speedup = scipy_total / ours_s
    passed = ours_s < 0.5 and speedup >= 100
    return Target(
        f"Bootstrap CIs, 12 goals × 4 groups, {fmt_n(n)} respondents ({fmt_n(int(cell_sizes.sum()))} ratings, B = {B})",
        "< 0.5 s and ≥ 100× faster than scipy.stats.bootstrap",
        f"{fmt_s(ours_s)} (best of {calls}; first call {fmt_s(first)}); scipy ≈ {fmt_s(scipy_total)} → {speedup:,.0f}×",
        passed,
        [
            f"scipy.stats.bootstrap (vectorized, batch=500) timed on 10 000 and 40 000 ratings of the cell G01 × community: "
            f"{fmt_s(t1)} and {fmt_s(t2)}; a linear fit t = {intercept:.4f} s + {slope * 1e6:.2f} µs × n per cell, summed over the "
            f"48 cells (n = {fmt_n(int(cell_sizes.min()))} … {fmt_n(int(cell_sizes.max()))}).",
            f"Same 40 000 ratings: our CI vs scipy's differ by {fmt_diff(diff)} (Monte Carlo tolerance 0.35 × SE = {fmt_diff(0.35 * se)}): "
            f"{'agree' if diff <= 0.35 * se else 'DISAGREE'}.",
        ],
    )


def run_isolated(args: list[str], *, timeout: float | None = None) -> tuple[str, float, float, int]:
    """Run a command through rss.py; returns (stdout, wall seconds, peak RSS MiB, exit code)."""
    start = time.perf_counter()
    try:
        proc = subprocess.run([PYTHON, str(HERE / "rss.py"), *args], capture_output=True, text=True, timeout=timeout, cwd=ROOT)
    except subprocess.TimeoutExpired as exc:
        return (exc.stdout or b"").decode() if isinstance(exc.stdout, bytes) else (exc.stdout or ""), time.perf_counter() - start, float("nan"), -9
    wall = time.perf_counter() - start
    match = re.search(r"RSS_CHILDREN_MAX_KIB=(\d+)", proc.stdout)
    rss = int(match.group(1)) / 1024 if match else float("nan")
    if proc.returncode:
        sys.stderr.write(proc.stderr[-3000:])
    return proc.stdout, wall, rss, proc.returncode


def target_perception(n: int) -> Target:
    out, wall, rss, code = run_isolated([PYTHON, str(HERE / "bench_perception.py"), str(n), "--seed", str(SEED), "--resamples", str(B)])
    line = next((ln for ln in out.splitlines() if ln.startswith("{")), None)
    if code or line is None:
        return Target(f"Whole perception analysis, {fmt_n(n)} respondents", "< 10 s, peak RSS < 2 GiB", f"failed (exit {code})", False)
    res = json.loads(line)
    core = [t for t in res["tables"] if t["part"] == "core"]
    extended = [t for t in res["tables"] if t["part"] == "extended"]
    core_s = sum(t["seconds"] for t in core)
    ext_s = sum(t["seconds"] for t in extended)
    detail = [f"Input: performance and importance frames, {fmt_n(res['ratings_per_aspect'])} ratings each, "
              f"{res['frame_mib']:.0f} MiB in compact dtypes (built in {fmt_s(res['build_seconds'])}; peak RSS after building "
              f"{res['maxrss_after_build_mib']:.0f} MiB); `import pra_lib.perception` {fmt_s(res['import_seconds'])}.",
              "| table | seconds | peak RSS so far |", "|---|---:|---:|"]
    detail += [f"| {t['table']}{'' if t['part'] == 'core' else ' (extended)'} | {t['seconds']:.2f} | {t['maxrss_mib']:.0f} MiB |" for t in res["tables"]]
    detail.append(f"Extended tables (rest of the questionnaire report): {ext_s:.2f} s more; all {core_s + ext_s:.2f} s.")
    passed = core_s < 10 and rss < 2048
    return Target(
        f"Whole perception analysis, {fmt_n(n)} respondents (scores overall and by group/channel/area, importance-performance, "
        "group_differences, mode_effect, agreement)",
        "< 10 s, peak RSS < 2 GiB",
        f"{core_s:.2f} s; peak RSS {rss:,.0f} MiB (RUSAGE_CHILDREN, input frames included)",
        passed,
        detail,
    )


def target_import() -> Target:
    code = ("import time, sys; t = time.perf_counter(); import pra_lib; t = time.perf_counter() - t; "
            "print(t, ','.join(m for m in ('numpy', 'pandas', 'scipy', 'matplotlib') if m in sys.modules))")
    runs = []
    for _ in range(3):
        start = time.perf_counter()
        out = subprocess.run([PYTHON, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True).stdout.split()
        runs.append((float(out[0]), time.perf_counter() - start, out[1] if len(out) > 1 else ""))
    best = min(runs)
    mods = best[2] or "none"
    extra = []
    for mod in ("pra_lib.stats", "pra_lib.perception"):
        c = f"import time; t = time.perf_counter(); import {mod}; print(time.perf_counter() - t)"
        extra.append(f"`import {mod}` {fmt_s(min(float(subprocess.run([PYTHON, '-c', c], capture_output=True, text=True, cwd=ROOT, check=True).stdout) for _ in range(3)))}")
    return Target("`import pra_lib` in a fresh interpreter (best of 3)", "< 0.5 s", f"{fmt_s(best[0])} (whole process {fmt_s(min(r[1] for r in runs))})",
                  best[0] < 0.5, [f"Heavy modules loaded by `import pra_lib`: {mods}. For comparison: {'; '.join(extra)}."])


# --------------------------------------------------------------------------- issue-17 parts
#
# Each part is a standalone script run in its own process: it prints Markdown to stdout and
# writes its targets to ``--json PATH`` as a JSON list of objects with the keys "id",
# "target", "goal", "measured", "met" (true, false, or null when the issue sets no threshold),
# and optionally "peer" and "peer_ratio" (ours / peer, or a ratio the script names in "peer").


@dataclass
class Issue17:
    """One row of the closing summary: a target of issue 17 and the part that measures it."""

    id: str
    part: str
    target: str
    goal: str


# Every target of issue 17, in the order of the issue; the ids are the ones the scripts write.
ISSUE17 = [
    Issue17("load-csv", "io", "`load_assessment`, CSV, 1 000 000 respondents", "< 10 s"),
    Issue17("load-parquet", "io", "`load_assessment`, Parquet, 1 000 000 respondents", "< 2 s"),
    Issue17("load-csv-rss", "io", "peak RSS of the CSV load", "< 2 GiB"),
    Issue17("load-parquet-rss", "io", "peak RSS of the Parquet load", "< 2 GiB"),
    Issue17("load-csv-peer", "io", "CSV load with all checks vs `pandas.read_csv(engine=\"pyarrow\")`, no checks", "≤ 2×"),
    Issue17("load-parquet-peer", "io", "Parquet load with all checks vs `pandas.read_parquet`, no checks", "≤ 2×"),
    Issue17("report-set", "report", "report set: `pra run data/sample --jobs 2` (what `make report` runs)", "< 45 s"),
    Issue17("report-set-1m", "growth", "report set at 1 000 000 respondents", "< 5 min"),
    Issue17("report-kernel-rss-1m", "growth", "peak RSS per kernel at 1 000 000 respondents", "< 4 GiB"),
    Issue17("growth-linear", "growth", "time and memory grow linearly from 10k to 1M respondents", "linear"),
    Issue17("sample-csv", "io", "`pra sample --respondents 1000000` (CSV)", "< 30 s"),
    Issue17("sample-parquet", "io", "`pra sample --respondents 1000000 --format parquet`", "no slower than CSV"),
    Issue17("cities-processes", "cities", "many cities: 20 assessments, `--jobs 2`", "assessments per minute"),
    Issue17("cities-dask", "cities", "many cities: the same on a Dask LocalCluster of 2 workers", "assessments per minute"),
    Issue17("cities-scaling", "cities", "many cities: scaling from 1 to 2 workers", "speed-up, efficiency"),
]
PART_SCRIPTS = {"io": "bench_load.py", "report": "bench_report.py", "growth": "bench_growth.py", "cities": "bench_cities.py"}
PART_TITLES = {"io": "Loading and `pra sample` at 10k, 100k and 1M respondents", "report": "The report set",
               "growth": "Growth from 10k to 1M respondents", "cities": "Many cities: one `pra run` over many assessments"}


@dataclass
class PartResult:
    part: str
    targets: list[dict]
    note: str = ""  # why there are no (or not all) targets: missing script, exit status, not run


def run_part(part: str, args: list[str], *, workdir: Path) -> PartResult:
    """Run one issue-17 script in its own process, passing its Markdown through to stdout, and
    read the targets it wrote to ``--json`` (its Markdown is for people, never parsed)."""
    script = HERE / PART_SCRIPTS[part]
    if not script.exists():
        print(f"`benchmarks/{script.name}` is not there: not measured.\n", flush=True)
        return PartResult(part, [], f"not measured: benchmarks/{script.name} is missing")
    trailer = workdir / f"{part}.json"
    cmd = [PYTHON, str(script), *args, "--json", str(trailer)]
    print(f"`{' '.join(['python', f'benchmarks/{script.name}', *args])}`\n", flush=True)
    start = time.perf_counter()
    printed = []
    with subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, text=True, bufsize=1) as proc:
        for line in proc.stdout:
            sys.stdout.write(line)
            sys.stdout.flush()
            printed.append(line)
    code = proc.returncode
    print(f"\n({script.name}: {time.perf_counter() - start:.0f} s, exit status {code})\n", flush=True)
    found, note = read_trailer(trailer)
    if code:
        note = f"{script.name} exited with status {code}" + (f"; {note}" if note else "")
        for t in found:  # what it measured stands, but the reader must see that the script failed
            t["measured"] = f"{t.get('measured') or ''} ({script.name} exited with status {code})".strip()
    return PartResult(part, found, note)


def read_trailer(path: Path) -> tuple[list[dict], str]:
    """The targets a script wrote (a JSON list, or an object holding one under "targets")."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return [], f"{path.name} was not written"
    except (OSError, ValueError) as exc:
        return [], f"cannot read {path.name}: {exc}"
    if isinstance(data, dict):
        data = data.get("targets", [])
    if not isinstance(data, list):
        return [], f"{path.name} holds no list of targets"
    # Accept the names a script might use for the same fields.
    out = []
    for item in data:
        if not isinstance(item, dict):
            continue
        t = dict(item)
        t.setdefault("target", t.get("name", ""))
        if "met" not in t:
            t["met"] = t.get("passed")
        out.append(t)
    return out, ""


def fmt_ratio(t: dict) -> str:
    ratio = t.get("peer_ratio")
    if ratio is None and not t.get("peer"):
        return "-"
    text = f"{ratio:.2f}×" if isinstance(ratio, (int, float)) and np.isfinite(ratio) else (str(ratio) if ratio is not None else "-")
    return f"{text} ({t['peer']})" if t.get("peer") else text


def summary_table(results: dict[str, PartResult]) -> str:
    """One row per issue-17 target, then any further target a script reported."""
    verdict = {True: "met", False: "**missed**", None: "reported (no threshold)"}
    lines = ["| target | goal | measured | peer ratio | result |", "|---|---|---|---|:---:|"]

    def row(t: dict) -> str:
        cells = [t.get("target") or "", t.get("goal") or "", t.get("measured") or "", fmt_ratio(t), verdict.get(t.get("met"), str(t.get("met")))]
        return "| " + " | ".join(str(c).replace("|", "¦").replace("\n", " ") for c in cells) + " |"

    known = {spec.id for spec in ISSUE17}
    for spec in ISSUE17:
        part = results.get(spec.part)
        hit = next((t for t in part.targets if t.get("id") == spec.id), None) if part else None
        if hit is not None:
            lines.append(row(hit))
        else:
            why = "part not run (--only)" if part is None else (part.note or f"{PART_SCRIPTS[spec.part]} reported no '{spec.id}'")
            why = why if why.startswith("not measured") else f"not measured: {why}"
            lines.append(f"| {spec.target} | {spec.goal} | {why} | - | not measured |")
    for part in results.values():
        lines += [row(t) for t in part.targets if t.get("id") not in known]
    return "\n".join(lines)


# --------------------------------------------------------------------------- main


def machine() -> str:
    import importlib.metadata as md

    def v(name):
        try:
            return md.version(name)
        except md.PackageNotFoundError:
            return "not installed"

    cpu = ""
    try:
        cpu = next(ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text().splitlines() if ln.startswith("model name"))
    except (OSError, StopIteration):
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    load = os.getloadavg()
    return (f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC; nproc {os.cpu_count()} ({cpu}); {mem:.0f} GiB RAM; load average "
            f"{load[0]:.2f} at start; Python {platform.python_version()}; numpy {v('numpy')}, scipy {v('scipy')}, pandas {v('pandas')}, "
            f"pyarrow {v('pyarrow')}; peers: pingouin {v('pingouin')}, krippendorff {v('krippendorff')}, statsmodels {v('statsmodels')}")


def run_issue17(selected: list[str], args) -> dict[str, PartResult]:
    """Run the selected issue-17 parts, each a script in its own process; returns the parts
    that ran (the summary marks the others "not run")."""
    parts = [p for p in PART_SCRIPTS if p in selected]
    if not parts:
        return {}
    part_args = {
        "io": ["--sizes", args.load_sizes, "--repeats", str(args.load_repeats)],
        "report": [],
        "growth": [],
        "cities": ["--assessments", str(args.cities_assessments), "--workers", args.cities_workers],
    }
    results: dict[str, PartResult] = {}
    with tempfile.TemporaryDirectory(prefix="pra-bench-trailers-") as workdir:
        for part in parts:
            print(f"## {PART_TITLES[part]}\n", flush=True)
            results[part] = run_part(part, part_args[part], workdir=Path(workdir))
            print(f"[bench] {part} done", file=sys.stderr, flush=True)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="comparisons at 1 000 respondents only; no targets")
    parser.add_argument("--only", action="append", default=[], help="comma-separated parts to run")
    parser.add_argument("--sizes", default="1000,100000,1000000", help="comma-separated respondent counts")
    parser.add_argument("--load-sizes", default="10000,100000,1000000", help="respondent counts of the loading and pra sample targets")
    parser.add_argument("--load-repeats", type=int, default=3, help="runs per load measurement below 1 000 000 respondents (median)")
    parser.add_argument("--target-respondents", type=int, default=1_000_000)
    parser.add_argument("--cities-assessments", type=int, default=20, help="assessments of the many-cities part")
    parser.add_argument("--cities-workers", default="1,2", help="worker counts of the many-cities part")
    args = parser.parse_args(argv)
    only = {p.strip() for o in args.only for p in o.split(",") if p.strip()}
    if "targets" in only:
        only |= set(TARGETS)
    unknown = only - set(COMPARISONS) - set(TARGETS) - {"targets"}
    if unknown:
        parser.error(f"unknown part(s) {sorted(unknown)}; choose from {', '.join(COMPARISONS + TARGETS)} or targets")
    sizes = [1000] if args.quick else [int(s.replace("_", "")) for s in args.sizes.split(",")]
    comparisons = [c for c in COMPARISONS if (c in only if only else True)]
    targets = [t for t in TARGETS if (t in only if only else not args.quick)]
    warnings.simplefilter("ignore")
    t_start = time.perf_counter()

    print("# PRA benchmarks\n")
    print(machine() + "\n")
    rows: list[Row] = []
    if comparisons:
        print(f"## Same data, same process: pra_lib against peer libraries (sizes {', '.join(fmt_n(s) for s in sizes)})\n", flush=True)
        for name in comparisons:
            for n in sizes:
                rows += BENCHES[name](n)
                print(f"[bench] {name} at {fmt_n(n)} done ({time.perf_counter() - t_start:.0f} s)", file=sys.stderr, flush=True)
        print(comparison_table(rows) + "\n")
        print("Times are the best of up to 5 calls (fewer for slow calls), `time.perf_counter`. Peak memory is the "
              "tracemalloc peak of one further call of our function (Python objects and NumPy buffers; Arrow buffers are not "
              "traced). Where a peer is timed on a subsample its time is scaled linearly to the full size and the values are "
              "compared on that subsample. Bootstrap tolerance: 0.35 × the standard error of the mean, about 4 Monte Carlo "
              "standard deviations of the difference between two independent B = 2000 percentile endpoints.\n", flush=True)

    results: list[Target] = []
    if "boot-target" in targets:
        results.append(target_bootstrap(args.target_respondents))
        gc.collect()
    if "perception" in targets:
        results.append(target_perception(args.target_respondents))
    kripp = [r for r in rows if r.peer == "krippendorff.alpha"]
    if kripp:
        slower = [r for r in kripp if r.ours_s > r.peer_s]
        results.append(Target("Krippendorff's alpha: no slower than the krippendorff package, and equal to it",
                              "ours ≤ package time, difference ≤ 1e-9", f"{min(r.ratio for r in kripp):.1f}× to {max(r.ratio for r in kripp):.1f}× faster; "
                              f"max difference {fmt_diff(max(r.max_diff for r in kripp))}",
                              not slower and all(r.agrees for r in kripp)))
    if "import" in targets:
        results.append(target_import())
    if results:
        print("## Targets (issue #7)\n")
        print("| target | goal | measured | result |\n|---|---|---|:---:|")
        for t in results:
            print(f"| {t.name} | {t.goal} | {t.measured} | {t.verdict} |")
        print()
        for t in results:
            if t.detail:
                print(f"**{t.name}**\n")
                print("\n".join(t.detail) + "\n")
    issue17 = run_issue17(targets, args)
    if issue17:
        print("## Issue #17 targets: summary\n")
        print(summary_table(issue17) + "\n")
        print("Ratios against a peer are measured side by side and are the claim; absolute times depend on the load of this shared "
              "machine (see each part's load average).\n")
    print(f"Total benchmark time {time.perf_counter() - t_start:.0f} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
