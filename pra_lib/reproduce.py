"""Turn a run's ``manifest.json`` back into a run, and say whether it reproduces.

:func:`reproduce` checks the inputs and the environment against the manifest, runs the same
notebooks with the same parameters into a new folder, and compares every published file by
SHA-256 with what the manifest recorded. Each file gets a verdict: ``identical``,
``different``, or ``expected to differ`` with the reason (for example figures drawn by a
different matplotlib). A run reproduces when its inputs and parameters are the same, every
notebook finishes and nothing differs without a reason; every table (CSV, XLSX) then is
byte-identical. ``pra reproduce`` is the command.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from . import runner

IDENTICAL = "identical"
DIFFERENT = "different"
EXPECTED = "expected to differ"

# tables/_tables.json declares what each published table counts: part of the tables.
KINDS = {".csv": "table", ".xlsx": "table", ".json": "table", ".png": "figure", ".svg": "figure", ".html": "report", ".ipynb": "notebook"}
# What draws a figure: a different version of one of these may move pixels.
FIGURE_PACKAGES = ("matplotlib", "freetype", "seaborn", "numpy", "pillow", "fonttools", "kiwisolver", "contourpy", "python", "machine")
# What renders the HTML report around the tables and figures.
REPORT_PACKAGES = ("nbconvert", "nbformat", "mistune", "jinja2", "pygments", "jupyterlab-pygments", "beautifulsoup4", "bleach", "markupsafe", "pandas")
# What writes the executed notebook's cells and outputs besides the figures.
NOTEBOOK_PACKAGES = ("ipykernel", "ipython", "jupyter-client", "nbclient", "nbformat", "papermill", "pandas")
# What computes the tables; named as a likely cause when a table differs.
TABLE_PACKAGES = ("pandas", "numpy", "scipy", "networkx", "pyarrow", "openpyxl", "pandera", "python", "machine")


class ManifestError(ValueError):
    """A manifest that cannot be read or lacks what a reproduction needs."""


@dataclass
class FileVerdict:
    """One published file of the original run, compared with its reproduction."""

    notebook: str
    path: str
    kind: str  # table, figure, report, notebook or other
    verdict: str  # identical, different or expected to differ
    reason: str = ""


@dataclass
class Reproduction:
    """What :func:`reproduce` found. ``reproduced`` is the verdict; ``exit_code`` the command's."""

    manifest_path: Path
    out_dir: Path | None
    inputs: list[str] = field(default_factory=list)
    environment: list[str] = field(default_factory=list)
    parameters: list[str] = field(default_factory=list)
    notebooks: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    files: list[FileVerdict] = field(default_factory=list)

    def of_kind(self, kind: str, verdict: str | None = None) -> list[FileVerdict]:
        return [f for f in self.files if f.kind == kind and (verdict is None or f.verdict == verdict)]

    @property
    def tables_identical(self) -> bool:
        tables = self.of_kind("table")
        return bool(tables) and all(f.verdict == IDENTICAL for f in tables)

    @property
    def reproduced(self) -> bool:
        """Same inputs and parameters, every notebook ran, every table identical, and no
        other file differs without a reason."""
        return (
            not self.inputs
            and not self.parameters
            and not self.notebooks
            and self.tables_identical
            and not any(f.verdict == DIFFERENT for f in self.files)
        )

    @property
    def exit_code(self) -> int:
        return 0 if self.reproduced else 1


def read_manifest(path) -> dict:
    """Load a ``manifest.json``; raise :class:`ManifestError` when it cannot drive a rerun."""
    path = Path(path)
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ManifestError(f"cannot read {path}: {exc.strerror or exc}") from None
    except json.JSONDecodeError as exc:
        raise ManifestError(f"{path} is not JSON: {exc}") from None
    missing = [key for key in ("assessment_id", "assessment_path", "inputs", "parameters", "notebooks") if key not in manifest]
    if not isinstance(manifest, dict) or missing:
        raise ManifestError(f"{path} is not a pra run manifest; it lacks {', '.join(missing) or 'an object'}")
    if not manifest["notebooks"]:
        raise ManifestError(f"{path} records no notebook run (status: {manifest.get('status')}); there is nothing to reproduce")
    return manifest


def check_inputs(recorded: dict[str, str], root: Path) -> list[str]:
    """Every input file that differs from the manifest, is missing, or was not there."""
    problems = []
    for name, digest in sorted(recorded.items()):
        path = root / name
        if not path.is_file():
            problems.append(f"{name}: missing (the manifest records sha256 {digest[:12]}…)")
        elif (now := runner._sha256(path)) != digest:
            problems.append(f"{name}: differs (sha256 {digest[:12]}… in the manifest, {now[:12]}… now)")
    try:
        from .assessment.loading import load_assessment

        present = {str(p.resolve().relative_to(root.resolve())) for p in load_assessment(root).input_files()}
    except Exception:  # an invalid folder: the run reports it; the digests above name the files
        present = set()
    for name in sorted(present - set(recorded)):
        problems.append(f"{name}: an input the original run did not have")
    return problems


def current_environment() -> dict:
    """This machine's environment, in the shape the manifest records it."""
    packages = runner.installed_packages()
    python, system = runner._python_and_platform()
    return {
        "python": python,
        "platform": system,
        "versions": runner._versions(),
        "packages": packages,
        "lock": runner._lock_record(packages),
        "library_sha256": runner._library_digest(),
        "git": runner._git_commit(),
    }


def _flat(environment: dict) -> dict[str, str]:
    """Package -> version, with ``python``, ``freetype`` and ``machine`` beside the packages."""
    flat = dict(environment.get("packages") or {})
    versions = environment.get("versions") or {}
    flat.update({k: v for k, v in versions.items() if k not in flat})
    flat["python"] = (environment.get("python") or {}).get("version") or versions.get("python")
    flat["machine"] = (environment.get("platform") or {}).get("machine")
    return flat


def compare_environment(recorded: dict, current: dict) -> list[str]:
    """Each way this environment differs from the recorded one, in words."""
    found = []
    for section, keys in (("python", ("version", "implementation")), ("platform", ("system", "machine", "libc"))):
        old, new = recorded.get(section) or {}, current.get(section) or {}
        for key in keys:
            if old.get(key) != new.get(key):
                found.append(f"{section} {key}: {old.get(key) or 'not recorded'} in the manifest, {new.get(key)} here")
    old_versions, new_versions = recorded.get("versions") or {}, current.get("versions") or {}
    for name in sorted(set(old_versions) | set(new_versions)):
        if name != "python" and old_versions.get(name) != new_versions.get(name):
            found.append(f"{name}: {old_versions.get(name, 'not recorded')} in the manifest, {new_versions.get(name, 'not installed')} here")
    old_packages, new_packages = recorded.get("packages"), current.get("packages") or {}
    if old_packages is None:
        found.append("the manifest lists no installed packages besides the key ones above (made by an older pra_lib)")
    else:
        for name in sorted(set(old_packages) | set(new_packages)):
            if name in old_versions or name in new_versions:
                continue
            old, new = old_packages.get(name), new_packages.get(name)
            if old != new:
                found.append(f"{name}: {old or 'not installed'} in the manifest, {new or 'not installed'} here")
    old_lock, new_lock = recorded.get("lock") or {}, current.get("lock") or {}
    if old_lock.get("sha256") != new_lock.get("sha256"):
        found.append(f"lock file: {old_lock.get('file') or 'none'} (sha256 {str(old_lock.get('sha256'))[:12]}…) in force for the manifest, {new_lock.get('file') or 'none'} (sha256 {str(new_lock.get('sha256'))[:12]}…) here")
    for whose, lock in (("the original run", old_lock), ("this machine", new_lock)):
        if not lock or lock.get("in_force"):
            continue
        if lock.get("file") is None:
            found.append(f"{whose}: no lock file for its Python; the manifest's package list is what counts")
        else:
            found.append(f"{whose}: the installed packages do not match {lock['file']} ({len(lock.get('differences') or [])} differ; `make locked` installs the locked set)")
    if recorded.get("library_sha256") != current.get("library_sha256"):
        found.append("pra_lib source: differs from the code that made the manifest" if recorded.get("library_sha256") else "pra_lib source: not recorded in the manifest")
    old_git, new_git = recorded.get("git") or {}, current.get("git") or {}
    if old_git.get("commit") != new_git.get("commit"):
        found.append(f"git commit: {old_git.get('commit') or 'unknown'} in the manifest, {new_git.get('commit') or 'unknown'} here")
    if old_git.get("uncommitted_changes"):
        found.append("the original run had uncommitted changes; its commit alone does not recreate its code")
    return found


def _default_out(assessment_id: str) -> Path:
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    return Path("outputs") / "reproduced" / f"{assessment_id}-{stamp}"


def reproduce(manifest_path, *, assessment=None, out=None, jobs: int = 1, timeout: int = runner.DEFAULT_TIMEOUT, progress=print) -> Reproduction:
    """Run again what a manifest records, and compare every published file.

    Parameters
    ----------
    manifest_path : str or Path
        The ``manifest.json`` of the run to reproduce.
    assessment : str or Path, optional
        The assessment folder (default: the path the manifest records).
    out : str or Path, optional
        A new, empty folder for the reproduction (default:
        ``outputs/reproduced/<assessment-id>-<UTC time>``).
    jobs, timeout : int
        As for :func:`pra_lib.runner.run_reports`; neither changes the outputs.
    progress : callable
        Receives each line of the account.

    Returns
    -------
    Reproduction
        ``reproduced`` is True only when the inputs and parameters are those recorded, every
        notebook finished, every table is identical, and any other file that differs has a
        reason recorded in the manifests (for example a different matplotlib for a figure).

    Examples
    --------
    >>> result = reproduce("outputs/jakarta-2017-synthetic/manifest.json", out="/tmp/again")  # doctest: +SKIP
    >>> result.exit_code  # doctest: +SKIP
    0
    """
    from .assessment.problems import AssessmentError

    manifest_path = Path(manifest_path)
    manifest = read_manifest(manifest_path)
    root = Path(assessment or manifest["assessment_path"])
    out = Path(out) if out is not None else _default_out(manifest["assessment_id"])
    if not root.is_dir():
        raise ManifestError(f"the assessment folder {root} does not exist; name it with --assessment")
    if out.exists() and any(out.iterdir()):
        raise ManifestError(f"{out} is not empty; a reproduction goes into a new folder")
    result = Reproduction(manifest_path=manifest_path, out_dir=out)
    progress(f"Reproducing {manifest['assessment_id']} from {manifest_path}")
    if manifest.get("command"):
        progress(f"  original command: {manifest['command']}")
    if manifest.get("status") != "complete":
        result.notes.append(f"the original run's status is {manifest.get('status')!r}, not 'complete'")

    result.inputs = check_inputs(manifest["inputs"], root)
    _section(progress, f"Inputs ({root})", result.inputs, f"all {len(manifest['inputs'])} file(s) identical")
    result.environment = compare_environment(manifest, current_environment())
    _section(progress, "Environment", result.environment, "same Python, platform, packages, lock file and code")

    names = [nb["notebook"] for nb in manifest["notebooks"]]
    notebooks_dir = manifest.get("notebooks_dir")
    if notebooks_dir and not Path(notebooks_dir).is_dir():
        result.notes.append(f"the notebooks folder {notebooks_dir} of the original run is not here; ran the bundled notebooks")
        notebooks_dir = None
    progress(f"Running {len(names)} notebook(s) with the parameters {json.dumps(manifest['parameters'], sort_keys=True)} into {out}")
    try:
        summary = runner.run_reports([root], out=out, only=names, jobs=jobs, timeout=timeout, parameters=dict(manifest["parameters"]), notebooks_dir=notebooks_dir, progress=lambda line: progress("  " + line))
    except (AssessmentError, runner.ParameterError, ValueError, FileNotFoundError) as exc:
        result.notebooks.append(f"the run could not start: {exc}")
        _finish(result, progress)
        return result
    aid = summary.results[0].assessment_id if summary.results else manifest["assessment_id"]
    again = read_manifest(out / aid / "manifest.json")
    _compare_runs(manifest, again, manifest_path, result)
    key_note = _key_note(manifest)
    if key_note and result.of_kind("table", DIFFERENT):
        result.notes.append(key_note)
    _finish(result, progress)
    return result


def _key_note(manifest: dict) -> str | None:
    import os

    from .publishing.privacy import KEY_ENV, KEY_FILE_ENV

    source = manifest.get("pseudonym_key_source")
    if source == "random key for this run":
        return "the original run pseudonymised respondent ids with a random key; a table holding them cannot be reproduced"
    if source and not (os.environ.get(KEY_ENV) or os.environ.get(KEY_FILE_ENV)):
        return f"the original run took its pseudonymisation key from the {source}; none is set here, so tables holding respondent ids will differ"
    return None


def _compare_runs(old: dict, new: dict, manifest_path: Path, result: Reproduction) -> None:
    recorded, current = _flat(old), _flat(new)
    changed = {name for name in set(recorded) | set(current) if recorded.get(name) != current.get(name)}
    key_differs = old.get("pseudonym_key_fingerprint") != new.get("pseudonym_key_fingerprint")
    if key_differs and old.get("pseudonym_key_source") != "random key for this run":
        result.notes.append("the pseudonymisation key differs from the original run's (its fingerprint does not match)")
    again = {nb["notebook"]: nb for nb in new["notebooks"]}
    for nb in old["notebooks"]:
        name = nb["notebook"]
        rerun = again.get(name)
        if rerun is None:
            result.notebooks.append(f"{name}: not run again (no such notebook here)")
            continue
        if rerun["status"] != nb.get("status") and rerun["status"] not in ("ok", "not collected"):
            result.notebooks.append(f"{name}: failed on reproduction: {rerun.get('error')}")
        elif rerun["status"] != nb.get("status"):
            result.notebooks.append(f"{name}: {rerun['status']} on reproduction, {nb.get('status')} in the original run")
        if nb.get("status") not in ("ok", "not collected"):
            result.notes.append(f"{name} had failed in the original run: {nb.get('error')}")
        if nb.get("source_sha256") and nb["source_sha256"] != rerun.get("source_sha256"):
            result.environment.append(f"{name}: the notebook differs from the one that ran (source sha256 {nb['source_sha256'][:12]}… then, {rerun.get('source_sha256', '')[:12]}… now)")
        result.parameters.extend(_parameter_differences(name, nb.get("parameters"), rerun.get("parameters")))
        before = _recorded_files(nb, manifest_path)
        if before is None:
            result.notebooks.append(f"{name}: the manifest records no published files (made by an older pra_lib) and its folder is not beside it; nothing to compare")
            continue
        files, executed = before
        result.files.extend(_compare_files(name, files, executed, rerun, changed, recorded, current, key_differs, Path(rerun["output_dir"])))


def _parameter_differences(name: str, before: dict | None, after: dict | None) -> list[str]:
    if before is None:
        return []
    after = after or {}
    return [
        f"{name}: parameter {key} was {before.get(key, 'not set')!r} in the original run, {after.get(key, 'not set')!r} now"
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    ]


def _recorded_files(nb: dict, manifest_path: Path):
    if "files" in nb:
        return nb["files"], nb.get("executed_notebook_sha256")
    folder = manifest_path.parent / nb["notebook"]
    return runner.published_files(folder, nb["notebook"]) if folder.is_dir() else None


def _because(names, recorded, current) -> str:
    return ", ".join(f"{n} {recorded.get(n) or 'none'} → {current.get(n) or 'none'}" for n in names)


def _compare_files(name, files, executed, rerun, changed, recorded, current, key_differs, folder) -> list[FileVerdict]:
    new_files = dict(rerun.get("files") or {})
    verdicts = []
    for path in sorted(set(files) | set(new_files)):
        kind = KINDS.get(Path(path).suffix.lower(), "other")
        if path not in new_files:
            verdicts.append(FileVerdict(name, path, kind, DIFFERENT, "missing from the reproduction"))
        elif path not in files:
            verdicts.append(FileVerdict(name, path, kind, DIFFERENT, "not published by the original run"))
        elif files[path] == new_files[path]:
            verdicts.append(FileVerdict(name, path, kind, IDENTICAL))
        else:
            verdicts.append(FileVerdict(name, path, kind, DIFFERENT))
    if executed is not None or rerun.get("executed_notebook_sha256") is not None:
        same = executed == rerun.get("executed_notebook_sha256")
        verdicts.append(FileVerdict(name, f"{name}.ipynb", "notebook", IDENTICAL if same else DIFFERENT, "run times and folders aside" if same else ""))
    figure_causes = [n for n in FIGURE_PACKAGES if n in changed]
    for v in verdicts:
        if v.verdict != DIFFERENT or v.reason:
            continue
        if v.kind == "table":
            v.reason = _table_hint(v, folder, key_differs, changed, recorded, current)
        elif v.kind == "figure" and figure_causes:
            v.verdict, v.reason = EXPECTED, "drawn with " + _because(figure_causes, recorded, current)
    expected_figures = [v.path for v in verdicts if v.kind == "figure" and v.verdict == EXPECTED]
    tables_differ = any(v.kind == "table" and v.verdict == DIFFERENT for v in verdicts)
    for v in verdicts:
        if v.verdict != DIFFERENT or v.reason or v.kind not in ("report", "notebook"):
            continue
        causes = [n for n in (REPORT_PACKAGES if v.kind == "report" else NOTEBOOK_PACKAGES) if n in changed]
        if causes:
            v.verdict, v.reason = EXPECTED, ("rendered with " if v.kind == "report" else "run with ") + _because(causes, recorded, current)
        elif expected_figures and not tables_differ:
            v.verdict, v.reason = EXPECTED, f"shows the {len(expected_figures)} figure(s) expected to differ"
        elif tables_differ:
            v.reason = "shows tables that differ"
    return verdicts


def _table_hint(verdict: FileVerdict, folder: Path, key_differs: bool, changed: set, recorded: dict, current: dict) -> str:
    if key_differs and _holds_respondent_ids(folder, verdict.path):
        return "holds respondent ids pseudonymised with a different key; run with the original key (PRA_PSEUDONYM_KEY) to compare"
    causes = [n for n in TABLE_PACKAGES if n in changed]
    return ("computed with " + _because(causes, recorded, current)) if causes else ""


def _holds_respondent_ids(folder: Path, path: str) -> bool:
    from .publishing.privacy import ID_COLUMNS

    file = folder / path
    if file.suffix == ".xlsx":
        return any(_holds_respondent_ids(folder, str(p.relative_to(folder))) for p in (folder / "tables").glob("*.csv"))
    try:
        with open(file, encoding="utf-8") as handle:
            header = handle.readline().strip().split(",")
    except OSError:
        return False
    return bool(ID_COLUMNS & set(header))


def _section(progress, title: str, problems: list[str], fine: str) -> None:
    progress(f"{title}:")
    for line in problems or [fine]:
        progress(f"  {line}")


def _finish(result: Reproduction, progress) -> None:
    if result.parameters:
        _section(progress, "Parameters", result.parameters, "")
    if result.files:
        progress("Published files:")
        width = max(len(EXPECTED), len(DIFFERENT))
        for v in result.files:
            label = v.verdict.upper() if v.verdict == DIFFERENT else v.verdict
            progress(f"  {label:<{width}}  {v.notebook}/{v.path}" + (f": {v.reason}" if v.reason else ""))
        for kind in ("table", "figure", "report", "notebook", "other"):
            group = result.of_kind(kind)
            if group:
                counts = {verdict: sum(f.verdict == verdict for f in group) for verdict in (IDENTICAL, DIFFERENT, EXPECTED)}
                progress(f"  {kind}s: " + ", ".join(f"{n} {verdict}" for verdict, n in counts.items() if n))
    for line in result.notebooks:
        progress(f"Notebook: {line}")
    for line in result.notes:
        progress(f"Note: {line}")
    if result.reproduced:
        progress(f"REPRODUCED: same inputs and parameters, and every table is identical ({len(result.of_kind('table'))} tables).")
    else:
        reasons = []
        if result.inputs:
            reasons.append(f"{len(result.inputs)} input file(s) differ")
        if result.parameters:
            reasons.append(f"{len(result.parameters)} parameter(s) differ")
        if result.notebooks:
            reasons.append(f"{len(result.notebooks)} notebook problem(s)")
        tables = result.of_kind("table", DIFFERENT)
        if tables:
            reasons.append(f"{len(tables)} table(s) differ")
        others = [f for f in result.files if f.kind != "table" and f.verdict == DIFFERENT]
        if others:
            reasons.append(f"{len(others)} other file(s) differ without a known reason")
        progress("NOT REPRODUCED: " + ("; ".join(reasons) or "no table was compared") + ".")
