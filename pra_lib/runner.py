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
        source = _translated(notebook, parameters.get("lang"), staging_root)
        pm.execute_notebook(
            str(source),
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
    for cell in nb.cells:
        # papermill gives the injected cell a random id, which the HTML would carry; a fixed
        # one keeps the report byte-identical between runs (pra reproduce compares it).
        if INJECTED_TAG in cell.get("metadata", {}).get("tags", []):
            cell["id"] = INJECTED_TAG
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
        record = {"key_source": key_source, "key_fingerprint": key_fingerprint(pseudonym_key()[0]), "per_book": per_book, "notebooks_dir": notebooks_dir}
        _run_tasks(tasks, per_book, summary, out_root=out_root, timeout=timeout, jobs=jobs, scheduler=scheduler, environment=environment, progress=progress, loaded=loaded, user=user, started=started, record=record)
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


def _run_tasks(tasks, per_book, summary, *, out_root, timeout, jobs, scheduler, environment, progress, loaded, user, started, record):
    total = len(tasks)
    for aid, assessment in loaded.items():
        _write_manifest(out_root, assessment, user, started, [], status="incomplete", record=record)

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
        _write_manifest(out_root, assessment, user, started, results, status=status, record=record)


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
MANIFEST_VERSION = 2
INJECTED_TAG = "injected-parameters"
REQUIREMENTS_DIR = Path(__file__).resolve().parent.parent / "requirements"


def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    from . import __version__

    found = {"pra_lib": __version__, "python": sys.version.split()[0]}
    for name in KEY_PACKAGES:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "not installed"
    try:  # the font rasteriser matplotlib was built with; it shapes every PNG
        from matplotlib import ft2font

        found["freetype"] = ft2font.__freetype_version__
    except ImportError:
        found["freetype"] = "not installed"
    return found


def _normalise_name(name: str) -> str:
    import re

    return re.sub(r"[-_.]+", "-", name).lower()


def installed_packages() -> dict[str, str]:
    """Every installed distribution, as normalised name -> version, sorted by name."""
    from importlib.metadata import distributions

    found: dict[str, str] = {}
    for dist in distributions():
        name = dist.metadata["Name"]
        if name:
            found.setdefault(_normalise_name(name), dist.version)
    return dict(sorted(found.items()))


def lock_file(python: str | None = None) -> Path:
    """The hashed lock file for a Python version (``"3.12"``; default: the running one)."""
    python = python or f"{sys.version_info.major}.{sys.version_info.minor}"
    return REQUIREMENTS_DIR / f"lock-py{python}.txt"


def _locked_pins(path: Path) -> dict[str, str]:
    """``name==version`` pins of a lock file that apply to this interpreter and platform."""
    import re

    try:
        from packaging.markers import Marker
    except ImportError:  # pragma: no cover - packaging comes with matplotlib
        Marker = None
    pins = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        found = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s;\\]+)\s*(?:;\s*([^\\]+?))?\s*\\?\s*$", line)
        if not found:
            continue
        name, version, marker = found.groups()
        if marker and Marker is not None and not Marker(marker).evaluate():
            continue
        pins[_normalise_name(name)] = version
    return pins


def _lock_record(packages: dict[str, str]) -> dict:
    """The lock file for this Python, its digest, and whether the installed set matches it."""
    path = lock_file()
    if not path.is_file():
        return {"file": None, "sha256": None, "in_force": False, "differences": [f"no lock file {path.name} in {REQUIREMENTS_DIR}"]}
    differences = []
    for name, version in _locked_pins(path).items():
        installed = packages.get(name)
        if installed != version:
            differences.append(f"{name}: locked {version}, installed {installed or 'nothing'}")
    return {"file": f"{REQUIREMENTS_DIR.name}/{path.name}", "sha256": _sha256(path), "in_force": not differences, "differences": differences}


def _python_and_platform() -> tuple[dict, dict]:
    import platform

    python = {"version": platform.python_version(), "implementation": platform.python_implementation(), "compiler": platform.python_compiler()}
    libc = " ".join(x for x in platform.libc_ver() if x)
    system = {"system": platform.system(), "release": platform.release(), "machine": platform.machine(), "libc": libc or None, "platform": platform.platform()}
    return python, system


def _library_digest() -> str:
    """One SHA-256 over pra_lib's own source and reference files, so that code that
    differs from the git commit (or a copy installed without git) is still identified."""
    import hashlib

    root = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in {".py", ".csv"} and "__pycache__" not in p.parts):
        digest.update(path.relative_to(root).as_posix().encode("utf-8") + b"\0" + _sha256(path).encode("ascii") + b"\n")
    return digest.hexdigest()


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


def key_fingerprint(key: bytes) -> str:
    """A check value of the pseudonymisation key (HMAC-SHA256 of a fixed text, 16 hex digits).

    It tells whether two runs used the same key without revealing the key: anyone able to
    test guesses against it could test them as well against the published pseudonyms.
    """
    import hashlib
    import hmac

    return hmac.new(key, b"pra_lib pseudonym key fingerprint", hashlib.sha256).hexdigest()[:16]


def parameter_defaults(notebook: Path) -> dict:
    """The default values in a notebook's ``parameters`` cell (literals; other expressions as their source)."""
    import ast

    nb = json.loads(Path(notebook).read_text(encoding="utf-8"))
    cells = [c for c in nb.get("cells", []) if "parameters" in c.get("metadata", {}).get("tags", [])]
    if not cells:
        return {}
    source = cells[0]["source"]
    defaults = {}
    for node in ast.parse(source if isinstance(source, str) else "".join(source)).body:
        targets = [node.target] if isinstance(node, ast.AnnAssign) else node.targets if isinstance(node, ast.Assign) else []
        if node_value := getattr(node, "value", None):
            try:
                value = ast.literal_eval(node_value)
            except ValueError:
                value = ast.unparse(node_value)
            for target in targets:
                if isinstance(target, ast.Name):
                    defaults[target.id] = value
    return defaults


def executed_notebook_digest(path: Path) -> str:
    """SHA-256 of an executed notebook's content, without what records the run itself.

    Left out: papermill's and the kernel's timings (``metadata.papermill``, each cell's
    ``execution`` and ``papermill`` metadata), the random ids of the cells papermill adds
    (injected parameters, the note on a failed cell), and the folders the runner passes
    (``assessment_path``, ``output_dir``). What is left, every cell's source and output and
    the kernel description, is compared.
    """
    import hashlib
    import re

    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    nb.get("metadata", {}).pop("papermill", None)
    runner_lines = re.compile(r"^(\s*(?:%s)\s*=).*$" % "|".join(RUNNER_PARAMETERS), re.MULTILINE)
    for cell in nb.get("cells", []):
        meta = cell.get("metadata", {})
        meta.pop("papermill", None)
        meta.pop("execution", None)
        if "papermill-error-cell-tag" in meta.get("tags", []):  # papermill's note on a failed cell
            cell["id"] = "papermill-error-cell"
        if INJECTED_TAG in meta.get("tags", []):
            cell["id"] = INJECTED_TAG
            source = cell.get("source", "")
            source = "".join(source) if isinstance(source, list) else source
            cell["source"] = runner_lines.sub(r"\1 <set by the runner>", source)
        elif isinstance(cell.get("source"), list):
            cell["source"] = "".join(cell["source"])
    text = json.dumps(nb, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def published_files(folder: Path, notebook: str) -> tuple[dict[str, str], str | None]:
    """SHA-256 of every file a notebook published, by path inside its folder; and the
    content digest of its executed notebook (see :func:`executed_notebook_digest`)."""
    folder = Path(folder)
    executed = folder / f"{notebook}.ipynb"
    files = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        relative = path.relative_to(folder)
        if path == executed or any(part.startswith(".") for part in relative.parts):
            continue
        files[relative.as_posix()] = _sha256(path)
    return files, (executed_notebook_digest(executed) if executed.is_file() else None)


def _notebook_record(result: NotebookResult, book: Path | None, passed: dict) -> dict:
    record = asdict(result)
    if book is not None:
        record["source_sha256"] = _sha256(book)
        defaults = {k: v for k, v in parameter_defaults(book).items() if k not in RUNNER_PARAMETERS}
        record["parameters"] = {**defaults, **passed}
    files, executed = published_files(Path(result.output_dir), result.notebook)
    record["files"] = files
    record["executed_notebook_sha256"] = executed
    return record


def _write_manifest(out_root: Path, assessment, parameters: dict, started, results: list[NotebookResult], *, status: str, record: dict) -> None:
    """Record what produced the reports, enough for ``pra reproduce`` to run them again and
    compare. Written as 'incomplete' first, so an interrupted run is visibly marked;
    rewritten at the end with each notebook's outcome, parameters and published files."""
    import shlex

    folder = _inside(out_root / assessment.assessment_id, out_root)
    root = Path(assessment.path).resolve()
    books = {book.stem: (book, passed) for book, passed in record["per_book"].items()}
    packages = installed_packages()
    python, system = _python_and_platform()
    manifest = {
        "manifest_version": MANIFEST_VERSION,
        "assessment_id": assessment.assessment_id,
        "status": status,
        "command": shlex.join(sys.argv),
        "working_directory": os.getcwd(),
        "assessment_path": str(root),
        "inputs": {str(p.resolve().relative_to(root)): _sha256(p) for p in assessment.input_files()},
        "parameters": parameters,
        "notebooks_dir": None if record["notebooks_dir"] is None else str(Path(record["notebooks_dir"]).resolve()),
        "python": python,
        "platform": system,
        "versions": _versions(),
        "packages": packages,
        "lock": _lock_record(packages),
        "library_sha256": _library_digest(),
        "git": _git_commit(),
        "pseudonym_key_source": record["key_source"],
        "pseudonym_key_fingerprint": record["key_fingerprint"],
        "started": started.isoformat(timespec="seconds"),
        "finished": datetime.now(timezone.utc).isoformat(timespec="seconds") if status != "incomplete" else None,
        "notebooks": [_notebook_record(r, *books.get(r.notebook, (None, {}))) for r in results],
    }
    atomic_write_text(folder / "manifest.json", json.dumps(manifest, indent=2) + "\n")
