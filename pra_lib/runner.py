"""Run the report notebooks on an assessment with papermill and render them with nbconvert.

Each notebook runs in its own staging folder. Only a notebook that finished is moved into
place as ``<out>/<assessment-id>/<notebook>/``; a failed one is kept, marked failed, for
debugging. One failing notebook never stops the others.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from .disclosure import DEFAULT_MIN_CELL_SIZE
from .report import atomic_write_text

NOTEBOOKS_DIR = Path(__file__).resolve().parent.parent / "notebooks"
DEFAULT_TIMEOUT = 600


@dataclass
class NotebookResult:
    """The outcome of one notebook run."""

    notebook: str
    assessment_id: str
    status: str  # "ok" or "failed"
    seconds: float
    output_dir: str
    error: str | None = None
    cell: int | None = None


@dataclass
class RunSummary:
    results: list[NotebookResult] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.results) and all(r.status == "ok" for r in self.results)

    @property
    def failed(self) -> list[NotebookResult]:
        return [r for r in self.results if r.status != "ok"]


def discover_notebooks(notebooks_dir: Path | None = None, only: list[str] | None = None) -> list[Path]:
    """The report notebooks, in order; ``only`` keeps those whose name starts with or equals an entry."""
    folder = Path(notebooks_dir or NOTEBOOKS_DIR)
    books = sorted(p for p in folder.glob("[0-9][0-9]_*.ipynb"))
    if not books:
        raise FileNotFoundError(f"no report notebooks (NN_name.ipynb) found in {folder}")
    if only:
        chosen = [p for p in books if any(p.stem == o or p.stem.startswith(o) or p.stem.split("_", 1)[1] == o for o in only)]
        unknown = [o for o in only if not any(p.stem == o or p.stem.startswith(o) or p.stem.split("_", 1)[1] == o for p in books)]
        if unknown:
            raise ValueError(f"unknown notebook(s) {', '.join(unknown)}; available: {', '.join(p.stem for p in books)}")
        books = chosen
    return books


def run_notebook(notebook: Path, *, assessment_path: Path, assessment_id: str, out_root: Path, parameters: dict, timeout: int) -> NotebookResult:
    """Execute one notebook, render its HTML, and move its outputs into place."""
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    name = notebook.stem
    final = out_root / assessment_id / name
    staging = out_root / assessment_id / f".{name}.staging-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    executed = staging / f"{name}.ipynb"
    params = {"assessment_path": str(assessment_path), "output_dir": str(staging), **parameters}
    start = time.perf_counter()
    error = cell = None
    try:
        pm.execute_notebook(
            str(notebook),
            str(executed),
            parameters=params,
            kernel_name="python3",
            language="python",
            cwd=str(notebook.parent),
            execution_timeout=timeout,
            progress_bar=False,
            log_output=False,
            report_mode=False,
        )
        _render_html(executed, staging / f"{name}.html")
    except PapermillExecutionError as exc:
        cell = exc.exec_count
        error = f"{exc.ename}: {exc.evalue}"
    except Exception as exc:  # timeouts, dead kernels, rendering errors
        error = f"{type(exc).__name__}: {str(exc).strip().splitlines()[0] if str(exc).strip() else ''}"
    seconds = time.perf_counter() - start
    status = "ok" if error is None else "failed"
    if status == "failed":
        atomic_write_text(staging / "FAILED.txt", f"{name} failed" + (f" in cell {cell}" if cell else "") + f":\n{error}\n")
    # Swap the finished folder into place; the previous report stays until then.
    trash = out_root / assessment_id / f".{name}.old-{os.getpid()}"
    if final.exists():
        final.rename(trash)
    staging.rename(final)
    shutil.rmtree(trash, ignore_errors=True)
    return NotebookResult(name, assessment_id, status, round(seconds, 2), str(final), error, cell)


def _render_html(executed: Path, html_path: Path) -> None:
    import nbformat
    from nbconvert import HTMLExporter

    nb = nbformat.read(executed, as_version=4)
    exporter = HTMLExporter(exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True)
    title = next((c.source.lstrip("# ").splitlines()[0] for c in nb.cells if c.cell_type == "markdown" and c.source.startswith("#")), executed.stem)
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": title}})
    atomic_write_text(html_path, body)


def run_reports(
    assessments: list,
    *,
    out,
    only: list[str] | None = None,
    jobs: int = 1,
    timeout: int = DEFAULT_TIMEOUT,
    min_cell_size: int = DEFAULT_MIN_CELL_SIZE,
    notebooks_dir=None,
    progress=print,
) -> RunSummary:
    """Run every report notebook on every assessment folder.

    Parameters
    ----------
    assessments : list of str or Path
        Assessment folders. Each must validate; an invalid one raises
        :class:`pra_lib.problems.AssessmentError` before anything runs.
    out : str or Path
        Output root; reports go to ``out/<assessment-id>/<notebook>/``.
    only : list of str, optional
        Notebook names (``00_data_overview``) or prefixes (``00``) to run.
    jobs : int
        Notebooks run in parallel processes.
    timeout : int
        Seconds one cell may run before the notebook is failed.
    min_cell_size : int
        Disclosure threshold passed to every notebook.

    Returns
    -------
    RunSummary

    Examples
    --------
    >>> run_reports(["data/sample"], out="outputs", jobs=2)  # doctest: +SKIP
    """
    from .assessment import load_assessment

    out_root = Path(out).resolve()
    books = discover_notebooks(notebooks_dir, only)
    tasks = []
    for path in assessments:
        assessment = load_assessment(path)  # raises, listing every problem, when invalid
        for book in books:
            tasks.append((book, Path(path).resolve(), assessment.assessment_id))
    parameters = {"min_cell_size": int(min_cell_size)}
    summary = RunSummary()
    started = datetime.now(timezone.utc)
    total = len(tasks)

    def report(i, result):
        mark = "ok" if result.status == "ok" else "FAILED"
        progress(f"[{i}/{total}] {result.assessment_id}/{result.notebook}: {mark} ({result.seconds:.1f} s)")
        if result.error:
            where = f" in cell {result.cell}" if result.cell else ""
            progress(f"    {result.notebook} failed{where}: {result.error}")
            progress(f"    executed notebook kept at {result.output_dir}/{result.notebook}.ipynb")

    kwargs = dict(out_root=out_root, parameters=parameters, timeout=timeout)
    if jobs <= 1 or total <= 1:
        for i, (book, apath, aid) in enumerate(tasks, start=1):
            progress(f"[{i}/{total}] {aid}/{book.stem}: running")
            result = run_notebook(book, assessment_path=apath, assessment_id=aid, **kwargs)
            summary.results.append(result)
            report(i, result)
    else:
        import multiprocessing

        with ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
            futures = [pool.submit(run_notebook, book, assessment_path=apath, assessment_id=aid, **kwargs) for book, apath, aid in tasks]
            for i, future in enumerate(as_completed(futures), start=1):
                result = future.result()
                summary.results.append(result)
                report(i, result)
        order = {(aid, b.stem): k for k, (b, _, aid) in enumerate(tasks)}
        summary.results.sort(key=lambda r: order[(r.assessment_id, r.notebook)])
    _write_manifests(summary, tasks, out_root, parameters, started)
    return summary


def _write_manifests(summary: RunSummary, tasks, out_root: Path, parameters: dict, started) -> None:
    from . import __version__

    for aid in dict.fromkeys(t[2] for t in tasks):
        apath = next(t[1] for t in tasks if t[2] == aid)
        manifest = {
            "assessment_id": aid,
            "assessment_path": str(apath),
            "pra_lib_version": __version__,
            "python": sys.version.split()[0],
            "parameters": parameters,
            "started": started.isoformat(timespec="seconds"),
            "finished": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "notebooks": [asdict(r) for r in summary.results if r.assessment_id == aid],
        }
        atomic_write_text(out_root / aid / "manifest.json", json.dumps(manifest, indent=2) + "\n")
