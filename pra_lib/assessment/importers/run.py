"""One import from start to end: :func:`import_kobo` and :func:`import_gforms`.

Check the inputs and the assessment folder (metadata, existing tables, sheets that would
duplicate them), read the export, apply the mapping, build the tables, check them in a
scratch folder, then write them atomically and validate the folder.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import warnings
from pathlib import Path

from ._common import OUTPUT_TABLES, ImportDataError, ImportResult
from .convert import _build, _not_imported
from .gforms import _gforms_source
from .kobo import _kobo_source
from .mapping import _load_mapping, _plan


# ---------------------------------------------------------------------------
# Metadata, overwriting, writing
# ---------------------------------------------------------------------------


def _prepare(into: Path, metadata_file, inputs: list[Path], force: bool):
    """Read the metadata (from ``into`` or the given file) and check what may be written."""
    from ..metadata import METADATA_FILES, find_metadata_file, read_metadata
    from ..problems import Problem

    problems = []
    into = Path(into)
    if into.exists() and not into.is_dir():
        return None, None, [Problem(file=str(into), kind="type", expected="a folder for the assessment (this is a file)")]
    existing = find_metadata_file(into) if into.is_dir() else None
    copy_from = None
    if metadata_file is not None:
        metadata_file = Path(metadata_file)
        if not metadata_file.is_file():
            return None, None, [Problem(file=str(metadata_file), kind="missing_file", expected="a metadata file (assessment.yaml)")]
        suffix = metadata_file.suffix.lower()
        if suffix not in (".yaml", ".yml", ".toml"):
            return None, None, [Problem(file=metadata_file.name, kind="type", expected="a metadata file ending in .yaml, .yml or .toml")]
        target = into / f"assessment{suffix}"
        if existing is not None and existing.name != target.name:
            problems.append(Problem(file=str(existing), kind="duplicate", expected=f"one metadata file: the folder already holds {existing.name}; remove it or leave out --metadata"))
        elif target.is_file() and target.resolve() != metadata_file.resolve() and target.read_bytes() != metadata_file.read_bytes() and not force:
            problems.append(Problem(file=str(target), kind="duplicate", expected="no different metadata file in the folder (use --force to replace it)"))
        if target.resolve() != metadata_file.resolve():
            copy_from = metadata_file
        meta_dir = metadata_file.parent
        if metadata_file.name not in METADATA_FILES:
            staged = Path(tempfile.mkdtemp(prefix="pra-meta-"))
            shutil.copyfile(metadata_file, staged / f"assessment{suffix}")
            meta_dir = staged
        metadata, meta_problems = read_metadata(meta_dir)
        if meta_dir != metadata_file.parent:
            shutil.rmtree(meta_dir, ignore_errors=True)
    elif existing is not None:
        metadata, meta_problems = read_metadata(into)
    else:
        return None, None, [Problem(file=str(into), kind="missing_file",
                                    expected="an assessment folder holding assessment.yaml: copy your metadata file there first "
                                             "(for example from data/sample/assessment.yaml) or pass --metadata FILE")]
    problems += meta_problems
    inputs_resolved = {p.resolve() for p in inputs if p is not None}
    for name in OUTPUT_TABLES:
        out = into / f"{name}.csv"
        if out.resolve() in inputs_resolved:
            problems.append(Problem(file=str(out), kind="duplicate", expected="an input file that is not also the output (the import never writes to its inputs)"))
        elif out.exists() and not force:
            problems.append(Problem(file=str(out), kind="duplicate", expected="no existing table (use --force to replace it)"))
    if into.is_dir():
        problems += _sheets_holding_tables(into)
    return metadata, copy_from, problems


def _sheets_holding_tables(into: Path) -> list:
    from openpyxl import load_workbook

    from ..problems import Problem

    problems = []
    for book in sorted(into.glob("*.xlsx")):
        if book.name.startswith("~$"):
            continue
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                wb = load_workbook(book, read_only=True)
            names = list(wb.sheetnames)
            wb.close()
        except Exception:
            continue  # pra validate reports an unreadable workbook
        for name in OUTPUT_TABLES:
            if name in names:
                problems.append(Problem(file=f"{book.name} [sheet {name}]", kind="duplicate", expected=f"table '{name}' given only once: the import writes {name}.csv, so delete or rename this sheet"))
    return problems


def _stage_check(people, ratings, metadata_dir_file: Path | None, into: Path) -> list:
    """Load the new tables with the metadata in a scratch folder; keep their own problems."""
    from ..loading import load_assessment
    from ..metadata import find_metadata_file
    from ..problems import AssessmentError

    staging = Path(tempfile.mkdtemp(prefix="pra-import-"))
    try:
        meta = metadata_dir_file or find_metadata_file(into)
        shutil.copyfile(meta, staging / (meta.name if meta.name.startswith("assessment.") else f"assessment{meta.suffix}"))
        (staging / "participants.csv").write_text(people.to_csv(index=False, lineterminator="\n"), encoding="utf-8")
        (staging / "perception_ratings.csv").write_text(ratings.to_csv(index=False, lineterminator="\n"), encoding="utf-8")
        try:
            found = load_assessment(staging, errors="collect").problems
        except AssessmentError as exc:
            found = exc.problems
        return [p for p in found if p.file.startswith(("participants.csv", "perception_ratings.csv"))]
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _atomic_copy(src: Path, dest: Path) -> None:
    fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".tmp")
    os.close(fd)
    try:
        shutil.copyfile(src, tmp)
        os.replace(tmp, dest)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _run_import(tool: str, source_path: Path, *, form, mapping, into, metadata, force: bool, dry_run: bool) -> ImportResult:
    from ..loading import validate_assessment
    from ..problems import Problem
    from ..._files import atomic_write_text

    into = Path(into)
    source_path = Path(source_path)
    inputs = [source_path, Path(form) if form is not None else None, None if isinstance(mapping, dict) else Path(mapping), Path(metadata) if metadata else None]
    problems = []
    for path, what in ((source_path, "the export"), (Path(form) if form is not None else None, "the XLSForm")):
        if path is not None and not path.is_file():
            problems.append(Problem(file=str(path), kind="missing_file", expected=f"{what} as a file"))
    raw, fname, map_problems = _load_mapping(mapping)
    problems += map_problems
    meta, copy_from, prep_problems = _prepare(into, metadata, inputs, force or dry_run)
    problems += prep_problems
    if problems or meta is None or raw is None:
        raise ImportDataError(problems)
    source, read_problems = _kobo_source(source_path, Path(form)) if tool == "kobo" else _gforms_source(source_path)
    if source is None or read_problems:
        raise ImportDataError(read_problems)
    plan, plan_problems = _plan(raw, fname, source, meta)
    if plan_problems:
        raise ImportDataError(plan_problems, header=f"{fname} does not fit {source.file}")
    people, ratings, build_problems, notes = _build(source, plan, meta, fname)
    if build_problems:
        raise ImportDataError(build_problems, header=f"answers in {source.file} that {fname} cannot convert")
    if len(people) == 0:
        raise ImportDataError([Problem(file=source.file, kind="empty", expected="at least one submission")])
    staged = _stage_check(people, ratings, copy_from or (Path(metadata) if metadata else None), into)
    if staged:
        raise ImportDataError(staged, header="the imported tables would not validate")
    unmapped, ignored, multiple, repeats, skipped = _not_imported(source, plan)
    result = ImportResult(tool=tool, source=source_path.name, into=into, participants=people, ratings=ratings, unmapped=unmapped, ignored=ignored,
                          select_multiple=multiple, repeats=repeats, skipped=skipped, notes=source.notes + notes, dry_run=dry_run)
    if not dry_run:
        into.mkdir(parents=True, exist_ok=True)
        if copy_from is not None:
            dest = into / f"assessment{copy_from.suffix.lower()}"
            _atomic_copy(copy_from, dest)
            result.written.append(dest)
        for name, table in (("participants", people), ("perception_ratings", ratings)):
            dest = into / f"{name}.csv"
            atomic_write_text(dest, table.to_csv(index=False, lineterminator="\n"))
            result.written.append(dest)
        result.validation = validate_assessment(into)
    if unmapped:
        warnings.warn(f"{len(unmapped)} question(s) with answers are not in the mapping and were not imported: "
                      + "; ".join(u.split(" (")[0] for u in unmapped), UserWarning, stacklevel=3)
    return result


def import_kobo(export, *, form, mapping, into, metadata=None, force: bool = False, dry_run: bool = False) -> ImportResult:
    """Import a KoboToolbox (or ODK) XLSX export into an assessment folder.

    Parameters
    ----------
    export : str or Path
        The XLSX data export, with "XML values and headers" (question names, optionally
        with their group path such as ``grp_perception/q_g01``). The first sheet holds the
        submissions; further sheets hold repeat groups (linked by ``_parent_index``).
        Answers may be choice names or labels in any language of the form.
    form : str or Path
        The XLSForm (``survey`` and ``choices`` sheets) the data was collected with.
    mapping : str, Path or dict
        The mapping file (YAML) or its content; see ``docs/importing.md``.
    into : str or Path
        The assessment folder. It must hold the metadata file (``assessment.yaml``) unless
        ``metadata`` is given.
    metadata : str or Path, optional
        A metadata file to copy into ``into`` (as ``assessment.yaml``).
    force : bool
        Replace existing ``participants.csv`` / ``perception_ratings.csv`` (and a different
        metadata file).
    dry_run : bool
        Read, convert and check everything, write nothing.

    Returns
    -------
    ImportResult
        The tables, what was not imported and why, the files written, and the problems of
        the folder as an assessment after the import. Unmapped questions also raise a
        :class:`UserWarning`.

    Raises
    ------
    ImportDataError
        Listing every problem: a missing or unreadable file, a mapping that names
        unknown questions, goals or ids, answers that convert to nothing, or tables that
        exist already. Nothing is written then.

    Examples
    --------
    >>> r = import_kobo("export.xlsx", form="form.xlsx", mapping="mapping.yaml", into="my-pra")  # doctest: +SKIP
    >>> print(r.summary())  # doctest: +SKIP
    """
    return _run_import("kobo", Path(export), form=form, mapping=mapping, into=into, metadata=metadata, force=force, dry_run=dry_run)


def import_gforms(responses, *, mapping, into, metadata=None, force: bool = False, dry_run: bool = False) -> ImportResult:
    """Import a Google Forms responses CSV into an assessment folder.

    Parameters
    ----------
    responses : str or Path
        The CSV download of the responses: a header row of question texts, a
        ``Timestamp`` column, answers as option labels (checkbox answers joined with
        ``", "``, grid questions as ``Question [Row]`` columns).
    mapping : str, Path or dict
        The mapping file (YAML); questions are named by their full header text or a
        unique prefix of it. See ``docs/importing.md``.
    into, metadata, force, dry_run
        As for :func:`import_kobo`.

    Returns
    -------
    ImportResult

    Raises
    ------
    ImportDataError

    Examples
    --------
    >>> r = import_gforms("responses.csv", mapping="mapping.yaml", into="my-pra")  # doctest: +SKIP
    """
    return _run_import("gforms", Path(responses), form=None, mapping=mapping, into=into, metadata=metadata, force=force, dry_run=dry_run)
