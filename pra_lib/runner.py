"""Run the report notebooks on an assessment with papermill and render them with nbconvert.

Each notebook is a transaction. It runs in a staging folder; only a notebook that finished
replaces ``<out>/<assessment-id>/<notebook>/``, in one rename. A failed, timed-out or killed
attempt is kept beside it as ``<notebook>.failed-<UTC time>/`` and the last good report
stays. ``manifest.json`` is derived from the folder itself (see :func:`describe_folder`).
One run at a time holds an output folder (a ``flock`` the kernel releases if the run dies);
workers and kernels end with the run. One failing notebook never stops the others.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from .publishing.disclosure import DEFAULT_MIN_CELL_SIZE, SMALLEST_SAFE_CELL
from .publishing.html_export import render_html as _render_html
from .publishing.privacy import KEY_ENV, KEY_FILE_ENV, pseudonym_key
from .publishing.report import WORKBOOK_AT_EXIT_ENV
from .assessment.snapshot import CACHE_ENV, folder_index, index_key
from .manifest import (  # noqa: F401  (provenance, re-exported: tests and reproduce.py use them from here)
    INJECTED_TAG, MANIFEST_VERSION, RUNNER_PARAMETERS, _git_commit, _library_digest, _lock_record, _notebook_record, _python_and_platform, _run_header,
    _sha256, _versions, executed_notebook_digest, installed_packages, key_fingerprint, lock_file, parameter_defaults, published_files,
)
from ._files import FolderBusy, OutputError, atomic_write_text, read_json_object, die_with_parent, kill_marked, environment_set, exclusive_lock, kill_children, run_in_processes, usable_folder

NOTEBOOKS_DIR = Path(__file__).resolve().parent.parent / "notebooks"
DEFAULT_TIMEOUT = 600


# A report whose data were not collected stops in one sentence (assessment.require); that is
# an answer about the assessment, not a failure of the run.
NOT_COLLECTED = "not collected"
FINISHED = ("ok", NOT_COLLECTED)
NOT_COLLECTED_FILE = "NOT_COLLECTED.txt"


@dataclass
class NotebookResult:
    """The outcome of one notebook run."""

    notebook: str
    assessment_id: str
    status: str  # "ok", "not collected" (the data hold nothing for this report) or "failed"
    seconds: float
    output_dir: str | None  # the report folder, or the failed attempt's; None if nothing could be written
    error: str | None = None
    cell: int | None = None
    timings: dict | None = None  # seconds per phase: kernel start, cells, HTML (see _phase_timings)


@dataclass
class RunSummary:
    results: list[NotebookResult] = field(default_factory=list)
    run_id: str = ""
    problems: list[str] = field(default_factory=list)  # the output folder could not be written

    def problem(self, message: str, progress) -> None:
        if message not in self.problems:
            self.problems.append(message)
            progress(f"WARNING: {message}")

    @property
    def ok(self) -> bool:
        return bool(self.results) and all(r.status in FINISHED for r in self.results)

    @property
    def failed(self) -> list[NotebookResult]:
        return [r for r in self.results if r.status not in FINISHED]


def discover_notebooks(notebooks_dir: Path | None = None, only: list[str] | None = None) -> list[Path]:
    """The report notebooks, in order; ``only`` keeps those whose name starts with or equals an entry."""
    folder = Path(notebooks_dir or NOTEBOOKS_DIR)
    books = sorted(p for p in folder.glob("[0-9][0-9]_*.ipynb"))
    if not books:
        raise FileNotFoundError(f"no report notebooks (NN_name.ipynb) found in {folder}")
    if only is not None and not [o for o in only if o.strip()]:
        raise ValueError("--only names no notebook; give names or number prefixes such as 00 or 00_data_overview")
    if only:
        only = [o.strip() for o in only if o.strip()]
        chosen = [p for p in books if any(p.stem == o or p.stem.startswith(o) or p.stem.split("_", 1)[1] == o for o in only)]
        unknown = [o for o in only if not any(p.stem == o or p.stem.startswith(o) or p.stem.split("_", 1)[1] == o for p in books)]
        if unknown:
            raise ValueError(f"unknown notebook(s) {', '.join(unknown)}; available: {', '.join(p.stem for p in books)}")
        books = chosen
    return books


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


class RunBusy(RuntimeError):
    """Another ``pra run`` is writing to the same output folder."""


START_TIMEOUT = 180  # seconds a kernel may take to start; a loaded shared server is slow
KEPT_FAILURES = 3  # failed attempts kept per notebook; older ones are removed
RUNS_DIR = ".pra-runs"  # one folder per run: its header and the record of each folder it published
MARKER = ".pra-run-"  # an empty folder inside each report folder, named after the run that made it
LOCK_FILE = ".pra-run.lock"
_PUBLISHING = threading.Lock()  # held while a folder is swapped and the manifest rewritten


def run_notebook(notebook: Path, *, assessment_path: Path, assessment_id: str, out_root: Path, parameters: dict, timeout: int, environment: dict | None = None, run_id: str | None = None) -> NotebookResult:
    """Execute one notebook, render its HTML, and publish its folder.

    A notebook that finished replaces ``<out>/<assessment-id>/<notebook>/`` in one rename; one
    that failed, timed out or was interrupted is kept beside it as
    ``<notebook>.failed-<UTC time>/`` with a ``FAILED.txt``, and the last good report stays.
    The manifest is rewritten right after, so that it describes the folder as it now is.
    ``environment`` is added to the kernel's environment (the run's pseudonymisation key
    travels this way, so that it is never recorded as a parameter).
    """
    with environment_set(environment or {}):
        return _run_notebook(notebook, assessment_path=assessment_path, assessment_id=assessment_id, out_root=out_root, parameters=parameters, timeout=timeout, run_id=run_id or _new_run_id())


def _utc_stamp() -> str:
    return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S.%fZ")


def _new_run_id() -> str:
    return f"{_utc_stamp()}-{os.getpid()}"


def _staging_root(out_root: Path, assessment_id: str, name: str, pid: int) -> Path:
    return out_root / assessment_id / f".staging-{name}-{pid}"


def _kernel_did_not_start(exc: BaseException) -> bool:
    """A kernel that never answered (start-up timed out on a loaded machine), as opposed to
    a notebook that ran and failed: worth one more try."""
    from papermill.exceptions import PapermillExecutionError

    text = str(exc).lower()
    return not isinstance(exc, PapermillExecutionError) and ("kernel_info" in text or "kernel didn't respond in" in text)


_KERNEL_MANAGER = None


def kernel_manager_class():
    """The jupyter_client kernel manager the notebooks run under.

    Two changes to jupyter_client's ``AsyncKernelManager``, each at the cause of a message
    that every notebook of a successful run used to print:

    * On POSIX systems the kernel talks to the runner over IPC (Unix domain) sockets, in a
      folder of its own that only this user can open, instead of TCP ports on localhost
      that any local user can reach ("Kernel is running over TCP without encryption").
    * jupyter_client interrupts a kernel (SIGINT) before asking it to shut down, which
      breaks into a kernel still finishing its last reply ("KeyboardInterrupt caught in
      kernel"). A notebook that finished has nothing to interrupt, so the manager goes
      straight to the shutdown request; a kernel that does not end within its shutdown
      wait is killed, as before. Interrupting on a cell timeout is unchanged.
    """
    global _KERNEL_MANAGER
    if _KERNEL_MANAGER is None:
        import tempfile

        from jupyter_client.manager import AsyncKernelManager
        from traitlets import default

        class ReportKernelManager(AsyncKernelManager):
            @default("transport")
            def _transport_default(self):
                return "ipc" if os.name == "posix" else "tcp"

            @default("ip")
            def _ip_default(self):
                if self.transport == "ipc":  # short: a socket path may not pass ~100 characters
                    return os.path.join(tempfile.mkdtemp(prefix="pra-kernel-"), "kernel")
                return super()._ip_default()

            # Workbooks are written once, when the kernel ends (PRA_WORKBOOK_AT_EXIT): give
            # it time to finish instead of jupyter_client's 5 s before SIGTERM.
            shutdown_wait_time = 120.0

            async def _async_interrupt_kernel(self):
                if not self.shutting_down:
                    await super()._async_interrupt_kernel()

            def cleanup_ipc_files(self):
                super().cleanup_ipc_files()
                folder = Path(self.ip).parent
                if self.transport == "ipc" and folder.name.startswith("pra-kernel-"):
                    shutil.rmtree(folder, ignore_errors=True)

        _KERNEL_MANAGER = ReportKernelManager
    return _KERNEL_MANAGER


def _execute_notebook(source: Path, executed: Path, *, params: dict, cwd: Path, timeout: int) -> None:
    import papermill as pm

    for attempt in (1, 2):
        try:
            options = dict(kernel_name="python3", language="python", progress_bar=False, log_output=False, report_mode=False, kernel_manager_class=kernel_manager_class())
            pm.execute_notebook(str(source), str(executed), parameters=params, cwd=str(cwd), execution_timeout=timeout, start_timeout=START_TIMEOUT, **options)
            return
        except Exception as exc:
            if attempt == 2 or not _kernel_did_not_start(exc):
                raise


def _run_notebook(notebook: Path, *, assessment_path: Path, assessment_id: str, out_root: Path, parameters: dict, timeout: int, run_id: str) -> NotebookResult:
    from papermill.exceptions import PapermillExecutionError

    name = notebook.stem
    folder = _inside(out_root / assessment_id, out_root)
    final = _inside(folder / name, out_root)
    # The staging folder carries the notebook's own name, so outputs named after their
    # folder (the XLSX workbook) are the same in staging and in place.
    staging_root = _inside(_staging_root(out_root, assessment_id, name, os.getpid()), out_root)
    staging = staging_root / name
    executed = staging / f"{name}.ipynb"
    # Relative to the kernel's folder, so that no executed notebook records where the user keeps data.
    params = {"assessment_path": os.path.relpath(assessment_path, notebook.parent), "output_dir": os.path.relpath(staging, notebook.parent), **parameters}
    start = time.perf_counter()
    error = cell = None
    status = "failed"
    clock = {}
    try:
        shutil.rmtree(staging_root, ignore_errors=True)
        staging.mkdir(parents=True)
        source = _translated(notebook, parameters.get("lang"), staging_root)
        clock["execute"] = time.perf_counter()
        _execute_notebook(source, executed, params=params, cwd=notebook.parent, timeout=timeout)
        clock["executed"] = time.perf_counter()
        _check_workbook(staging, name)
        _relative_papermill_paths(executed)
        clock["render"] = time.perf_counter()
        _render_html(executed, staging / f"{name}.html", lang=parameters.get("lang"))
        clock["rendered"] = time.perf_counter()
    except PapermillExecutionError as exc:
        cell = exc.exec_count
        error = exc.evalue if exc.ename == "NotCollected" else f"{exc.ename}: {exc.evalue}"
        status = NOT_COLLECTED if exc.ename == "NotCollected" else "failed"
    except Exception as exc:  # timeouts, dead kernels, rendering errors, a full disk
        error = _one_line(exc)
    except BaseException:  # interrupted: nothing of this attempt is published
        shutil.rmtree(staging_root, ignore_errors=True)
        raise
    seconds = round(time.perf_counter() - start, 2)
    result = NotebookResult(name, assessment_id, "ok" if error is None else status, seconds, str(final), error, cell, _phase_timings(executed, clock))
    try:
        return _publish(result, staging, notebook=notebook, parameters=parameters, run_id=run_id)
    finally:
        shutil.rmtree(staging_root, ignore_errors=True)


def _check_workbook(staging: Path, name: str) -> None:
    """A notebook that published tables has its workbook, written when its kernel ended."""
    declared = read_json_object(staging / "tables" / "_tables.json") or {}
    if declared.get("tables") and not (staging / f"{name}.xlsx").is_file():
        raise OutputError(f"{name}.xlsx was not written: the kernel ended before writing the workbook of its {len(declared['tables'])} tables")


def _phase_timings(executed: Path, clock: dict) -> dict | None:
    """Seconds of a notebook's phases: ``kernel_start`` (papermill's start to the first
    cell), ``cells`` (first cell to the end of the last), ``shutdown`` (the rest of the
    execution: the kernel ending, workbooks written) and ``html`` (rendering)."""
    if "executed" not in clock:
        return None
    timings = {"execution": round(clock["executed"] - clock["execute"], 3)}
    if "rendered" in clock:
        timings["html"] = round(clock["rendered"] - clock["render"], 3)
    try:
        nb = json.loads(executed.read_text(encoding="utf-8"))
        started = datetime.fromisoformat(nb["metadata"]["papermill"]["start_time"])
        cells = [c["metadata"]["papermill"] for c in nb["cells"] if c.get("metadata", {}).get("papermill", {}).get("start_time")]
        first = datetime.fromisoformat(cells[0]["start_time"])
        last = max(datetime.fromisoformat(c["end_time"]) for c in cells if c.get("end_time"))
    except (OSError, ValueError, KeyError, IndexError, TypeError):
        return timings
    timings["kernel_start"] = round((first - started).total_seconds(), 3)
    timings["cells"] = round((last - first).total_seconds(), 3)
    timings["shutdown"] = round(max(timings["execution"] - timings["kernel_start"] - timings["cells"], 0.0), 3)
    return timings


def _one_line(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {(str(exc).strip().splitlines() or [''])[0]}"


def _publish(result: NotebookResult, staging: Path, *, notebook: Path | None, parameters: dict, run_id: str) -> NotebookResult:
    """Move a finished attempt into place and rewrite the manifest, with signals held off
    so that a stop request cannot fall between the two."""
    folder = Path(result.output_dir).parent
    name = result.notebook
    if result.status == NOT_COLLECTED:
        # The report's folder says why there is no report, beside the notebook that stopped.
        try:
            staging.mkdir(parents=True, exist_ok=True)
            atomic_write_text(staging / NOT_COLLECTED_FILE, f"{result.error}\n")
        except OSError as exc:
            result.error = _also(result.error, f"{NOT_COLLECTED_FILE} could not be written ({exc.strerror or exc})", exc)
    elif result.status != "ok":
        try:
            staging.mkdir(parents=True, exist_ok=True)
            where = f" in cell {result.cell}" if result.cell else ""
            atomic_write_text(staging / "FAILED.txt", f"{name} failed{where}:\n{result.error}\n")
        except OSError as exc:  # a full disk: the failure is still recorded in the manifest
            result.error = _also(result.error, f"FAILED.txt could not be written ({exc.strerror or exc})", exc)
    target = folder / (name if result.status in FINISHED else f"{name}.failed-{_utc_stamp()}")
    result.output_dir = str(target)
    try:
        try:
            record = _notebook_record(result, notebook, parameters, files_from=staging)
        except ValueError:  # an executed notebook cut short by a full disk is not JSON
            record = {**asdict(result), "files": {}, "executed_notebook_sha256": None}
        record["run"] = run_id
        runs = folder / RUNS_DIR / run_id
        runs.mkdir(parents=True, exist_ok=True)
        atomic_write_text(runs / f"{target.name}.json", json.dumps(record, indent=1) + "\n")
        (staging / f"{MARKER}{run_id}").mkdir(exist_ok=True)
    except OSError as exc:
        return _unpublished(result, exc)
    try:
        with _PUBLISHING, _manifest_lock(folder), _signals_held():
            try:
                _swap(staging, target, replace=result.status in FINISHED)
            finally:
                try:
                    _rebuild_manifest(folder, run_id)
                except OSError:
                    pass  # the parent rewrites it again, and says so if it cannot
    except OSError as exc:
        return _unpublished(result, exc)
    return result


def _swap(staging: Path, target: Path, *, replace: bool) -> None:
    if replace and target.exists():
        trash = target.parent / f".{target.name}.old-{os.getpid()}"
        shutil.rmtree(trash, ignore_errors=True)
        target.rename(trash)
        staging.rename(target)
        shutil.rmtree(trash, ignore_errors=True)
    else:
        staging.rename(target)


class RunInterrupted(KeyboardInterrupt):
    """The run was asked to stop (SIGTERM, SIGHUP or Ctrl-C)."""


_STOP = threading.Event()  # a stop request that arrived while a folder was being published


@contextmanager
def _signals_held():
    """Let a stop request that arrives in this block take effect only after it."""
    try:
        yield
    finally:
        if _STOP.is_set() and threading.current_thread() is threading.main_thread():
            _STOP.clear()
            _stop_now()


def _stop_now():
    if _IN_WORKER:
        kill_children()
        os._exit(1)
    raise RunInterrupted("the run was asked to stop")


_IN_WORKER = False  # set in spawned workers, which exit instead of raising


def _on_stop(signum, frame):
    if _PUBLISHING.locked():
        _STOP.set()
        return
    _stop_now()


def _unpublished(result: NotebookResult, exc: OSError) -> NotebookResult:
    result.status = "failed"
    result.error = _also(result.error, f"its outputs could not be written ({exc.strerror or exc})", exc)
    result.output_dir = None
    return result


def _also(error: str | None, more: str, exc: OSError) -> str:
    """``error`` and ``more``, unless ``error`` already gives the same reason (a full disk
    stops the notebook, then its FAILED.txt: one message is enough)."""
    if error and exc.strerror and exc.strerror in error:
        return error
    return f"{error}; {more}" if error else more


def _manifest_lock(folder: Path):
    return exclusive_lock(folder / ".manifest.lock", wait=600, poll=0.05)


def _translated(notebook: Path, lang, folder: Path) -> Path:
    """The notebook to execute: ``notebook`` itself, or a copy in ``folder`` whose Markdown
    narrative is translated into ``lang`` (``pra run --lang id``)."""
    if lang in (None, "en"):
        return notebook
    import nbformat

    from .publishing.i18n_tools import translate_notebook

    translated = translate_notebook(nbformat.read(notebook, as_version=4), lang, name=notebook.stem)
    path = folder / f"{notebook.stem}.{lang}.ipynb"
    nbformat.write(translated, path)
    return path


def _relative_papermill_paths(executed: Path) -> None:
    """papermill records the absolute input and output paths; keep only their names."""
    nb = json.loads(executed.read_text(encoding="utf-8"))
    meta = nb.get("metadata", {}).get("papermill", {})
    for key in ("input_path", "output_path"):
        if meta.get(key):
            meta[key] = Path(meta[key]).name
    atomic_write_text(executed, json.dumps(nb, indent=1, ensure_ascii=False) + "\n")


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
    wait: float = 0,
    allow_small_cells: bool = False,
    progress=print,
) -> RunSummary:
    """Run every report notebook on every assessment folder.

    Each notebook is a transaction: its report folder is replaced only by a complete,
    successful report; a failed, timed-out or interrupted attempt is kept beside it as
    ``<notebook>.failed-<UTC time>/`` and the last good report stays. ``manifest.json``
    describes the folder as it is, report by report, with the run that made each (see
    :func:`describe_folder`). One run at a time writes to an output folder.

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
        Notebooks run in parallel processes, which end when this process ends.
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
    wait : float
        Seconds to wait for another run writing to ``out`` to finish; then :class:`RunBusy`.
    allow_small_cells : bool
        Needed for a ``min_cell_size`` below 3, which publishes counts of one or two people.

    Returns
    -------
    RunSummary

    Examples
    --------
    >>> run_reports(["data/sample"], out="outputs", jobs=2)  # doctest: +SKIP
    """
    from .assessment.loading import load_assessment

    books = discover_notebooks(notebooks_dir, only)
    user = {"min_cell_size": min_cell_size, **(parameters or {})}
    per_book = check_parameters(user, books)
    _check_min_cell_size(per_book, allow_small_cells=allow_small_cells, progress=progress)
    loaded, paths, keys, indexes = {}, {}, {}, {}
    for path in assessments:
        # the snapshot's key is taken before reading, so that a file changed meanwhile matches no kernel's;
        # the kernels get the files' stat and digests with it and hash only a file whose stat changed
        index = folder_index(path) if scheduler is None and Path(path).is_dir() else None
        key = None if index is None else index_key(index, errors="collect")
        assessment = load_assessment(path)  # raises, listing every problem, when invalid
        aid = assessment.assessment_id
        if aid in loaded:
            raise ValueError(f"{path} and {paths[aid]} have the same assessment_id '{aid}'; their reports would overwrite each other. Give each assessment its own id in assessment.yaml.")
        loaded[aid], paths[aid], keys[aid], indexes[aid] = assessment, path, key, index
    out_root = usable_folder(Path(out))
    summary = RunSummary(run_id=_new_run_id())
    started = datetime.now(timezone.utc)
    note = f"pid {os.getpid()} on {socket.gethostname()}, started {started.isoformat(timespec='seconds')}: {' '.join(sys.argv)}"
    try:
        lock = exclusive_lock(out_root / LOCK_FILE, wait=wait, note=note, on_stale=lambda old: progress(f"note: took over the lock of a run that ended without releasing it ({old.splitlines()[0][:120]})"))
        lock.__enter__()
    except FolderBusy as busy:
        raise RunBusy(f"another pra run is writing to {out_root} ({busy}); wait for it to finish, or pass --wait SECONDS to wait for it") from None
    except OSError as exc:
        raise OutputError(f"cannot use the output folder {out_root}: {exc.strerror or exc}") from None
    handlers = _catch_stop_requests()
    cache = None
    try:
        cache = _run_cache(loaded, keys, indexes=indexes, progress=progress) if scheduler is None else None  # a cluster's workers cannot see a local folder
        tasks = _longest_first([(book, Path(a.path).resolve(), aid) for aid, a in loaded.items() for book in books], out_root)
        with _run_key() as key_source:
            environment = {KEY_ENV: pseudonym_key()[0].decode("utf-8", "surrogateescape"), WORKBOOK_AT_EXIT_ENV: "1"}
            if cache is not None:
                environment[CACHE_ENV] = str(cache)
            record = {"key_source": key_source, "key_fingerprint": key_fingerprint(pseudonym_key()[0]), "per_book": per_book, "notebooks_dir": notebooks_dir}
            _run_tasks(tasks, per_book, summary, out_root=out_root, timeout=timeout, jobs=jobs, scheduler=scheduler, environment=environment, progress=progress, loaded=loaded, user=user, started=started, record=record)
        from .publishing.front_page import write_front_pages  # index.html of each assessment, from what its reports published

        write_front_pages(out_root, loaded, lang=user.get("lang", "en"), min_cell_size=user["min_cell_size"], on_problem=lambda message: summary.problem(message, progress))
    finally:
        if cache is not None:
            shutil.rmtree(cache, ignore_errors=True)
        lock.__exit__(None, None, None)
        for signum, handler in handlers.items():
            signal.signal(signum, handler)
    return summary


def _run_cache(loaded: dict, keys: dict, *, progress, indexes: dict | None = None) -> Path | None:
    """A private folder holding the snapshot of each validated assessment, for the run's
    kernels to take instead of loading again, and the stat and digest of each of its files
    that its key was taken from (see :mod:`pra_lib.assessment.snapshot`)."""
    import tempfile

    from .assessment.snapshot import save_folder_index, save_snapshot

    _remove_dead_caches(Path(tempfile.gettempdir()))
    try:
        cache = Path(tempfile.mkdtemp(prefix=f"{CACHE_PREFIX}{os.getpid()}-"))  # mode 0700: only this user reads it
    except OSError as exc:
        progress(f"note: no cache for this run ({exc.strerror or exc}); each notebook loads the assessment itself")
        return None
    try:
        for aid, assessment in loaded.items():
            # the notebooks load with errors="collect"; a valid assessment loads the same either way
            save_snapshot(assessment, cache, errors="collect", key=keys[aid])
            if (indexes or {}).get(aid) is not None:
                save_folder_index(indexes[aid], cache, assessment.path)
    except OSError as exc:
        progress(f"note: the assessment could not be cached ({exc.strerror or exc}); each notebook loads it itself")
    return cache


CACHE_PREFIX = "pra-cache-"


def _remove_dead_caches(folder: Path) -> None:
    """Remove the caches of runs that were killed before removing their own (they hold a
    copy of an assessment, personal data included): ``pra-cache-<pid>-*`` of a process
    that no longer runs."""
    for entry in folder.glob(f"{CACHE_PREFIX}*-*"):
        pid = entry.name[len(CACHE_PREFIX):].split("-", 1)[0]
        if not pid.isdigit() or not entry.is_dir() or entry.stat().st_uid != os.getuid():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            shutil.rmtree(entry, ignore_errors=True)
        except OSError:
            pass  # alive, under another user


# Seconds each notebook took on the sample (2 jobs, idle machine), for a first run's order.
ESTIMATED_SECONDS = {"00": 9, "01": 26, "02": 10, "03": 13, "04": 10, "05": 8, "06": 9, "07": 7, "08": 15, "09": 9}


def _longest_first(tasks: list, out_root: Path) -> list:
    """The tasks, longest first: by the seconds the output folder's manifest recorded for
    each notebook's last report, else by :data:`ESTIMATED_SECONDS`, else a middling 10 s.
    The order changes nothing in the outputs; it keeps the last slot from holding the
    longest notebook alone."""
    recorded: dict = {}
    for aid in {aid for _, _, aid in tasks}:
        manifest = read_json_object(Path(out_root) / aid / "manifest.json") or {}
        for nb in manifest.get("notebooks") or []:
            if isinstance(nb, dict) and nb.get("status") in FINISHED and isinstance(nb.get("seconds"), (int, float)):
                recorded[(aid, nb.get("notebook"))] = float(nb["seconds"])

    def expected(task) -> float:
        book, _, aid = task
        return recorded.get((aid, book.stem), ESTIMATED_SECONDS.get(book.stem[:2], 10))

    return sorted(tasks, key=expected, reverse=True)  # stable: equal estimates keep notebook order


def _catch_stop_requests() -> dict:
    """Turn SIGTERM and SIGHUP (a scheduler stopping the job) into :class:`RunInterrupted`,
    so that the run records how it ended; returns the handlers to restore."""
    if threading.current_thread() is not threading.main_thread():
        return {}
    return {signum: signal.signal(signum, _on_stop) for signum in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT)}




def _check_min_cell_size(per_book: dict, *, allow_small_cells: bool, progress) -> None:
    sizes = {p["min_cell_size"] for p in per_book.values() if "min_cell_size" in p}
    for size in sizes:
        if size < 1:
            raise ParameterError(f"min_cell_size must be at least 1, not {size}")
        if size < SMALLEST_SAFE_CELL and not allow_small_cells:
            raise ParameterError(f"min_cell_size {size} publishes cells of fewer than {SMALLEST_SAFE_CELL} respondents, which can identify them; pass --allow-small-cells if that is intended")
        if size < SMALLEST_SAFE_CELL:
            progress(f"WARNING: min_cell_size is {size}: cells resting on {size} respondent(s) are published (--allow-small-cells); the manifest records it")


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


def _run_tasks(tasks, per_book, summary, *, out_root, timeout, jobs, scheduler, environment, progress, loaded, user, started, record):
    total = len(tasks)
    run_id = summary.run_id
    headers = {}
    for aid, assessment in loaded.items():
        folder = _inside(out_root / aid, out_root)
        headers[aid] = _run_header(assessment, user, started, record, run_id)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            (folder / ".manifest.lock").touch()
            with _PUBLISHING, _manifest_lock(folder), _signals_held():
                _tidy(folder, run_id=run_id)
                _write_header(folder, headers[aid])
                _rebuild_manifest(folder, run_id)
        except OSError as exc:
            summary.problem(f"cannot write to {folder}: {exc.strerror or exc}", progress)

    def report(i, result):
        if result.error and "No space left on device" in result.error:
            summary.problem(f"the disk holding {out_root} is full (No space left on device); notebooks that could not be written are failed, the others go on", progress)
        mark = "FAILED" if result.status not in FINISHED else result.status
        progress(f"[{i}/{total}] {result.assessment_id}/{result.notebook}: {mark} ({result.seconds:.1f} s)")
        if result.status == NOT_COLLECTED:
            progress(f"    {result.error}")
        elif result.error:
            where = f" in cell {result.cell}" if result.cell else ""
            progress(f"    {result.notebook} failed{where}: {result.error}")
            if result.output_dir:
                kept = Path(result.output_dir) / f"{result.notebook}.ipynb"
                progress(f"    attempt kept at {result.output_dir}" + (f" (executed notebook {kept.name})" if kept.exists() else ""))

    calls = [
        (run_notebook, book, dict(assessment_path=apath, assessment_id=aid, parameters=per_book[book], out_root=out_root, timeout=timeout, environment=environment, run_id=run_id))
        for book, apath, aid in tasks
    ]
    interrupted = True
    try:
        for i, result in enumerate(_execute(calls, jobs=jobs, scheduler=scheduler, progress=progress), start=1):
            summary.results.append(result)
            report(i, result)
        interrupted = False
    finally:
        aids = list(headers)  # results in notebook order, whatever order they ran in
        summary.results.sort(key=lambda r: (aids.index(r.assessment_id), r.notebook))
        for aid, header in headers.items():
            results = [r for r in summary.results if r.assessment_id == aid]
            header["status"] = "interrupted" if interrupted else "complete" if results and all(r.status in FINISHED for r in results) else "failed"
            header["finished"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
            folder = out_root / aid
            try:
                with _PUBLISHING, _manifest_lock(folder), _signals_held():
                    _write_header(folder, header)
                    _rebuild_manifest(folder, run_id)
            except OSError as exc:
                summary.problem(f"cannot update {folder / 'manifest.json'}: {exc.strerror or exc}", progress)


def _write_header(folder: Path, header: dict) -> None:
    runs = folder / RUNS_DIR / header["run_id"]
    runs.mkdir(parents=True, exist_ok=True)
    atomic_write_text(runs / "run.json", json.dumps(header, indent=1) + "\n")


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
    yield from run_in_processes(calls, jobs=jobs, setup=_start_worker, on_death=_worker_died)


def _worker_died(call, process) -> NotebookResult:
    """The result of a worker that died without answering: its staging folder becomes a
    failed attempt, and the manifest says so."""
    _, notebook, kwargs = call
    name = notebook.stem
    code = process.exitcode
    how = f"killed by signal {-code}" if code is not None and code < 0 else f"exited with status {code}"
    out_root, aid = Path(kwargs["out_root"]), kwargs["assessment_id"]
    result = NotebookResult(name, aid, "failed", 0.0, str(out_root / aid / name), f"the worker process running it died ({how})")
    kill_marked("JPY_PARENT_PID", str(process.pid))  # its kernel would go on writing for a second
    staging_root = _staging_root(out_root, aid, name, process.pid)
    published = out_root / aid / name
    if not staging_root.exists() and _folder_run(published) == kwargs["run_id"]:
        record = read_json_object(out_root / aid / RUNS_DIR / kwargs["run_id"] / f"{name}.json") or {}
        result.status, result.error, result.output_dir = record.get("status", "ok"), record.get("error"), str(published)
        return result  # it died after publishing
    try:
        return _publish(result, staging_root / name, notebook=notebook, parameters=kwargs["parameters"], run_id=kwargs["run_id"])
    finally:
        shutil.rmtree(staging_root, ignore_errors=True)


def _start_worker(parent: int) -> None:
    """Set up a spawned worker: it ends, with its kernel, when the run that spawned it ends,
    but never while it publishes a folder."""
    global _IN_WORKER
    _IN_WORKER = True
    die_with_parent(parent, on_stop=_on_stop, guard=_PUBLISHING)


def _folder_run(folder: Path) -> str | None:
    """The run that produced a report folder, from the marker it carries."""
    try:
        for entry in folder.iterdir():
            if entry.name.startswith(MARKER):
                return entry.name[len(MARKER):]
    except OSError:
        pass
    return None


def describe_folder(folder: Path, *, run_id: str | None = None) -> dict:
    """The manifest of an assessment's output folder, derived from what is in it.

    Every report folder carries the id of the run that made it; the record that run kept of
    it (status, parameters, published files) becomes its entry. ``notebooks`` has one entry per
    notebook: its report when there is one, else its latest failed attempt. Every
    ``<notebook>.failed-<time>/`` folder is listed under ``failed_attempts``. The top level
    describes the run ``run_id`` (default: the latest), and ``runs`` each run that made a
    folder, so that a report left by another run is never taken for this one's.

    Examples
    --------
    >>> describe_folder(Path("outputs/jakarta-2017-synthetic"))["status"]  # doctest: +SKIP
    'complete'
    """
    folder = Path(folder)
    runs_dir = folder / RUNS_DIR
    legacy = {nb.get("notebook"): nb for nb in ((read_json_object(folder / "manifest.json") or {}).get("notebooks") or []) if isinstance(nb, dict)}
    reports, failed, used = {}, [], set()
    for entry in sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")):
        name, _, stamp = entry.name.partition(".failed-")
        made_by = _folder_run(entry)
        record = read_json_object(runs_dir / made_by / f"{entry.name}.json") if made_by else None
        if record is None:
            old = legacy.get(name) if not stamp else None
            record = dict(old, run=None) if old else {"notebook": name, "status": "failed" if stamp else "unknown", "error": "no record of the run that made this folder", "run": made_by}
        record["output_dir"] = str(entry)
        if made_by:
            used.add(made_by)
        if stamp:
            failed.append(record)
        else:
            reports[name] = record
    latest_failed = {}
    for record in sorted(failed, key=lambda r: r["output_dir"]):
        latest_failed[record["notebook"]] = record
    notebooks = {**{k: v for k, v in latest_failed.items() if k not in reports}, **reports}
    headers = {rid: read_json_object(runs_dir / rid / "run.json") for rid in sorted(used | ({run_id} if run_id else set()))}
    headers = {rid: h for rid, h in headers.items() if h}
    if run_id is None and headers:
        run_id = max(headers, key=lambda rid: headers[rid].get("started") or "")
    manifest = dict(headers.get(run_id) or {"manifest_version": MANIFEST_VERSION, "assessment_id": folder.name, "status": "incomplete"})
    manifest["notebooks"] = [notebooks[k] for k in sorted(notebooks)]
    manifest["failed_attempts"] = sorted(failed, key=lambda r: r["output_dir"])
    summary_keys = ("status", "started", "finished", "command", "parameters", "inputs", "pseudonym_key_fingerprint", "notebooks_run")
    manifest["runs"] = {rid: {k: h.get(k) for k in summary_keys} for rid, h in headers.items()}
    others = sorted({nb["notebook"] for nb in manifest["notebooks"] if nb.get("run") != run_id})
    manifest["reports_from_other_runs"] = others
    return manifest


def _rebuild_manifest(folder: Path, run_id: str | None) -> None:
    atomic_write_text(folder / "manifest.json", json.dumps(describe_folder(folder, run_id=run_id), indent=2) + "\n")


def _tidy(folder: Path, *, run_id: str) -> None:
    """Remove staging folders of dead runs, failed attempts beyond the newest few, and the
    records of runs no folder comes from any more. Called with the output folder locked."""
    for entry in folder.iterdir():
        if entry.name.startswith(".staging-") or ".old-" in entry.name:
            shutil.rmtree(entry, ignore_errors=True)
    attempts: dict[str, list[Path]] = {}
    for entry in folder.iterdir():
        if entry.is_dir() and ".failed-" in entry.name and not entry.name.startswith("."):
            attempts.setdefault(entry.name.partition(".failed-")[0], []).append(entry)
    for entries in attempts.values():
        for entry in sorted(entries)[:-KEPT_FAILURES]:
            shutil.rmtree(entry, ignore_errors=True)
    used = {_folder_run(p) for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")} | {run_id}
    runs_dir = folder / RUNS_DIR
    if runs_dir.is_dir():
        for entry in runs_dir.iterdir():
            if entry.name not in used:
                shutil.rmtree(entry, ignore_errors=True)
