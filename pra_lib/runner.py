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
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from .publishing.disclosure import DEFAULT_MIN_CELL_SIZE
from .publishing.privacy import KEY_ENV, KEY_FILE_ENV, pseudonym_key
from ._files import atomic_write_text

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


RUNNER_PARAMETERS = ("assessment_path", "output_dir")  # set by the runner, never by the user
_CASTS = {"int": int, "float": float, "str": str, "bool": lambda v: v if isinstance(v, bool) else {"true": True, "false": False}[str(v).lower()]}


class ParameterError(ValueError):
    """A notebook parameter that is unknown, of the wrong type, or reserved."""


def declared_parameters(notebook: Path) -> dict[str, str]:
    """Name -> declared type (``int``, ``float``, ``str``, ``bool``) of a notebook's parameters.

    Read from the cell tagged ``parameters``: ``name: type = literal`` lines, or plain
    ``name = literal`` lines whose type is the literal's.
    """
    import ast

    nb = json.loads(Path(notebook).read_text(encoding="utf-8"))
    cells = [c for c in nb.get("cells", []) if "parameters" in c.get("metadata", {}).get("tags", [])]
    if not cells:
        return {}
    source = cells[0]["source"]
    declared = {}
    for node in ast.parse(source if isinstance(source, str) else "".join(source)).body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            declared[node.target.id] = ast.unparse(node.annotation)
        elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    declared[target.id] = type(node.value.value).__name__
    return declared


def check_parameters(parameters: dict, notebooks: list[Path]) -> dict[Path, dict]:
    """Validate user parameters against what the notebooks declare; return each notebook's share.

    A parameter no selected notebook declares is rejected, so that a typo in a scheduled
    run fails loudly instead of silently falling back to the default. Values are converted
    to the declared type, or rejected.
    """
    declared = {book: declared_parameters(book) for book in notebooks}
    problems = []
    typed: dict[str, object] = {}
    for name, value in parameters.items():
        if name in RUNNER_PARAMETERS:
            problems.append(f"'{name}' is set by the runner and cannot be passed")
            continue
        kinds = {d[name] for d in declared.values() if name in d}
        if not kinds:
            known = sorted({n for d in declared.values() for n in d} - set(RUNNER_PARAMETERS))
            problems.append(f"unknown parameter '{name}'; the selected notebooks take: {', '.join(known)}")
            continue
        kind = kinds.pop()
        try:
            typed[name] = _CASTS.get(kind, str)(value)
        except (ValueError, KeyError, TypeError):
            problems.append(f"parameter '{name}' must be of type {kind}, not {value!r}")
    if problems:
        raise ParameterError("; ".join(problems))
    return {book: {k: v for k, v in typed.items() if k in declared[book]} for book in notebooks}


def _inside(path: Path, root: Path) -> Path:
    resolved = path.resolve()
    if not resolved.is_relative_to(root.resolve()):
        raise ParameterError(f"refusing to write {resolved}: it is outside the output folder {root}")
    return resolved


def run_notebook(notebook: Path, *, assessment_path: Path, assessment_id: str, out_root: Path, parameters: dict, timeout: int, environment: dict | None = None) -> NotebookResult:
    """Execute one notebook, render its HTML, and move its outputs into place.

    ``environment`` is added to the kernel's environment (the run's pseudonymisation key
    travels this way, so that it is never recorded as a parameter).
    """
    with _environment(environment or {}):
        return _run_notebook(notebook, assessment_path=assessment_path, assessment_id=assessment_id, out_root=out_root, parameters=parameters, timeout=timeout)


@contextmanager
def _environment(values: dict):
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _run_notebook(notebook: Path, *, assessment_path: Path, assessment_id: str, out_root: Path, parameters: dict, timeout: int) -> NotebookResult:
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    name = notebook.stem
    final = _inside(out_root / assessment_id / name, out_root)
    # The staging folder carries the notebook's own name, so outputs named after their
    # folder (the XLSX workbook) are the same in staging and in place.
    staging_root = _inside(out_root / assessment_id / f".staging-{name}-{os.getpid()}", out_root)
    shutil.rmtree(staging_root, ignore_errors=True)
    staging = staging_root / name
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
    shutil.rmtree(staging_root, ignore_errors=True)
    shutil.rmtree(trash, ignore_errors=True)
    return NotebookResult(name, assessment_id, status, round(seconds, 2), str(final), error, cell)


def _first_heading(nb) -> str | None:
    """The report's title: the first Markdown heading, typed in a cell or computed by one."""
    for cell in nb.cells:
        texts = [cell.source] if cell.cell_type == "markdown" else [o.get("data", {}).get("text/markdown", "") for o in cell.get("outputs", [])]
        for text in texts:
            text = "".join(text) if isinstance(text, list) else text
            if text.lstrip().startswith("#"):
                return text.lstrip().lstrip("#").strip().splitlines()[0]
    return None


def _render_html(executed: Path, html_path: Path) -> None:
    import nbformat
    from nbconvert import HTMLExporter

    nb = nbformat.read(executed, as_version=4)
    exporter = HTMLExporter(exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True)
    title = _first_heading(nb) or executed.stem
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
    parameters: dict | None = None,
    scheduler=None,
    notebooks_dir=None,
    progress=print,
) -> RunSummary:
    """Run every report notebook on every assessment folder.

    Parameters
    ----------
    assessments : list of str or Path
        Assessment folders. Each must validate; an invalid one raises
        :class:`pra_lib.assessment.problems.AssessmentError` before anything runs.
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
    parameters : dict, optional
        Further notebook parameters (for example ``{"seed": 7}``), checked against what
        the notebooks declare; see :func:`check_parameters`.
    scheduler : str or distributed.Client, optional
        Run the notebooks on a Dask distributed cluster instead of local processes: a
        scheduler address such as ``"tcp://10.0.0.5:8786"``, or a ``Client``. The workers
        need this project installed and the assessment and output folders on a shared
        file system. ``jobs`` is then ignored.

    Returns
    -------
    RunSummary

    Examples
    --------
    >>> run_reports(["data/sample"], out="outputs", jobs=2)  # doctest: +SKIP
    """
    from .assessment.loading import load_assessment

    out_root = Path(out).resolve()
    books = discover_notebooks(notebooks_dir, only)
    user = {"min_cell_size": min_cell_size, **(parameters or {})}
    per_book = check_parameters(user, books)
    loaded = {}
    for path in assessments:
        assessment = load_assessment(path)  # raises, listing every problem, when invalid
        loaded[assessment.assessment_id] = assessment
    tasks = [(book, Path(a.path).resolve(), aid) for aid, a in loaded.items() for book in books]
    summary = RunSummary()
    started = datetime.now(timezone.utc)
    with _run_key() as key_source:
        environment = {KEY_ENV: pseudonym_key()[0].decode("utf-8", "surrogateescape")}
        _run_tasks(tasks, per_book, summary, out_root=out_root, timeout=timeout, jobs=jobs, scheduler=scheduler, environment=environment, progress=progress, loaded=loaded, user=user, started=started, key_source=key_source)
    return summary


@contextmanager
def _run_key():
    """One pseudonymisation key for every notebook of a run, passed to kernels through the
    environment (never as a parameter, which would be recorded in the outputs)."""
    if os.environ.get(KEY_ENV) or os.environ.get(KEY_FILE_ENV):
        yield pseudonym_key()[1]
        return
    import secrets

    os.environ[KEY_ENV] = secrets.token_hex(32)
    try:
        yield "random key for this run"
    finally:
        os.environ.pop(KEY_ENV, None)


def _run_tasks(tasks, per_book, summary, *, out_root, timeout, jobs, scheduler, environment, progress, loaded, user, started, key_source):
    total = len(tasks)
    for aid, assessment in loaded.items():
        _write_manifest(out_root, assessment, user, started, [], status="incomplete", key_source=key_source)

    def report(i, result):
        mark = "ok" if result.status == "ok" else "FAILED"
        progress(f"[{i}/{total}] {result.assessment_id}/{result.notebook}: {mark} ({result.seconds:.1f} s)")
        if result.error:
            where = f" in cell {result.cell}" if result.cell else ""
            progress(f"    {result.notebook} failed{where}: {result.error}")
            progress(f"    executed notebook kept at {result.output_dir}/{result.notebook}.ipynb")

    calls = [
        (run_notebook, book, dict(assessment_path=apath, assessment_id=aid, parameters=per_book[book], out_root=out_root, timeout=timeout, environment=environment))
        for book, apath, aid in tasks
    ]
    for i, result in enumerate(_execute(calls, jobs=jobs, scheduler=scheduler, progress=progress), start=1):
        summary.results.append(result)
        report(i, result)
    order = {(aid, b.stem): k for k, (b, _, aid) in enumerate(tasks)}
    summary.results.sort(key=lambda r: order[(r.assessment_id, r.notebook)])
    for aid, assessment in loaded.items():
        results = [r for r in summary.results if r.assessment_id == aid]
        status = "complete" if results and all(r.status == "ok" for r in results) else "failed"
        _write_manifest(out_root, assessment, user, started, results, status=status, key_source=key_source)


def _execute(calls, *, jobs, scheduler, progress):
    """Run ``func(arg, **kwargs)`` for each call and yield results as they finish:
    in this process, in local worker processes, or on a Dask distributed cluster."""
    if scheduler is not None:
        from distributed import Client, as_completed as dask_completed

        client = scheduler if isinstance(scheduler, Client) else Client(scheduler)
        try:
            futures = [client.submit(func, arg, pure=False, **kwargs) for func, arg, kwargs in calls]
            for future in dask_completed(futures):
                yield future.result()
        finally:
            if client is not scheduler:
                client.close()
        return
    if jobs <= 1 or len(calls) <= 1:
        for func, arg, kwargs in calls:
            progress(f"    running {kwargs['assessment_id']}/{arg.stem}")
            yield func(arg, **kwargs)
        return
    import multiprocessing

    with ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
        futures = [pool.submit(func, arg, **kwargs) for func, arg, kwargs in calls]
        for future in as_completed(futures):
            yield future.result()


KEY_PACKAGES = ("numpy", "pandas", "scipy", "matplotlib", "seaborn", "pandera", "papermill", "nbconvert", "ipykernel", "networkx")


def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    from . import __version__

    found = {"pra_lib": __version__, "python": sys.version.split()[0]}
    for name in KEY_PACKAGES:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "not installed"
    return found


def _git_commit() -> dict | None:
    import subprocess

    repo = Path(__file__).resolve().parent.parent
    try:
        head = subprocess.run(["git", "-C", str(repo), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=10)
        if head.returncode != 0:
            return None
        dirty = subprocess.run(["git", "-C", str(repo), "status", "--porcelain", "--untracked-files=no"], capture_output=True, text=True, timeout=10)
        return {"commit": head.stdout.strip(), "uncommitted_changes": bool(dirty.stdout.strip())}
    except (OSError, subprocess.SubprocessError):
        return None


def _sha256(path: Path) -> str:
    import hashlib

    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _write_manifest(out_root: Path, assessment, parameters: dict, started, results: list[NotebookResult], *, status: str, key_source: str) -> None:
    """Record what produced the reports. Written as 'incomplete' first, so an interrupted
    run is visibly marked; rewritten at the end with each notebook's outcome."""
    folder = _inside(out_root / assessment.assessment_id, out_root)
    root = Path(assessment.path).resolve()
    manifest = {
        "assessment_id": assessment.assessment_id,
        "status": status,
        "assessment_path": str(root),
        "inputs": {str(p.resolve().relative_to(root)): _sha256(p) for p in assessment.input_files()},
        "parameters": parameters,
        "versions": _versions(),
        "git": _git_commit(),
        "pseudonym_key_source": key_source,
        "started": started.isoformat(timespec="seconds"),
        "finished": datetime.now(timezone.utc).isoformat(timespec="seconds") if status != "incomplete" else None,
        "notebooks": [asdict(r) for r in results],
    }
    atomic_write_text(folder / "manifest.json", json.dumps(manifest, indent=2) + "\n")
