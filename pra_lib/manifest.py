"""What a run records about itself: parameters, published files and their digests, and the
environment it ran in. :mod:`pra_lib.runner` writes these records into ``manifest.json``;
:mod:`pra_lib.reproduce` reads them back.

Each notebook's record holds every parameter it ran with (its declared defaults, then what
the run passed; the folders the runner sets are left out, being machine-specific) and the
SHA-256 of every file it published, by its path inside the report folder. The executed
notebook is recorded by a content digest that leaves out timings and random ids
(:func:`executed_notebook_digest`), so that two runs of the same inputs agree.

Examples
--------
>>> from pra_lib.manifest import published_files
>>> files, executed = published_files(Path("outputs/jakarta-2017-synthetic/00_data_overview"), "00_data_overview")  # doctest: +SKIP
>>> files["tables/activities.csv"]  # doctest: +SKIP
'3f1c...'
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import asdict
from pathlib import Path

from ._files import home_as_tilde
from .publishing.html_export import INJECTED_TAG

RUNNER_PARAMETERS = ("assessment_path", "output_dir")  # set by the runner, never by the user

KEY_PACKAGES = ("numpy", "pandas", "scipy", "matplotlib", "seaborn", "pandera", "papermill", "nbconvert", "ipykernel", "networkx")
MANIFEST_VERSION = 2
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
    try:
        content = executed_notebook_digest(executed) if executed.is_file() else None
    except ValueError:  # cut short by a full disk, so not JSON; the other files still count
        content = None
    return files, content


def _notebook_record(result, book: Path | None, passed: dict, *, files_from: Path | None = None) -> dict:
    """One notebook's entry in the manifest: its outcome, the parameters it ran with (its
    defaults, then what the run passed; not the folders the runner sets, which the manifest
    records once, relative), and the digests of every file it published.

    ``files`` maps each published file to its SHA-256, the executed notebook aside: that has
    ``executed_notebook_sha256``, the digest of its content without timings, which two runs
    of the same inputs share, and ``executed_notebook_file_sha256``, that of its bytes.
    """
    record = asdict(result)
    if book is not None:
        record["source_sha256"] = _sha256(book)
        defaults = {k: v for k, v in parameter_defaults(book).items() if k not in RUNNER_PARAMETERS}
        record["parameters"] = {**defaults, **passed}
    folder = Path(files_from or result.output_dir)
    files, executed = published_files(folder, result.notebook)
    record["files"] = files
    record["executed_notebook_sha256"] = executed
    notebook_file = folder / f"{result.notebook}.ipynb"
    record["executed_notebook_file_sha256"] = _sha256(notebook_file) if notebook_file.is_file() else None
    return record


def _run_header(assessment, parameters: dict, started, record: dict, run_id: str) -> dict:
    """What a run records once for each assessment: command, inputs, environment, key."""
    import shlex

    root = Path(assessment.path).resolve()
    packages = installed_packages()
    python, system = _python_and_platform()
    return {
        "manifest_version": MANIFEST_VERSION,
        "assessment_id": assessment.assessment_id,
        "run_id": run_id,
        "status": "incomplete",
        "command": shlex.join(home_as_tilde(arg) for arg in sys.argv),
        "working_directory": home_as_tilde(os.getcwd()),
        "assessment_path": os.path.relpath(root),  # from the working directory; never the home folder's name
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
        "finished": None,
        "notebooks_run": [book.stem for book in record["per_book"]],
    }
