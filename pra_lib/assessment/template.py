"""An Excel input workbook for an assessment: one sheet per table, with dropdowns.

``pra template OUT.xlsx`` writes a workbook a city team can fill in by hand. Every table of
:mod:`pra_lib.assessment.schema` has its own sheet, named as the loader expects, with the header in
row 1 (frozen), readable column widths, the column's description as a note on its header
cell, and data validation: dropdowns for coded columns (channel, aspect, valence, hazard
type, trend, status, role, gender, age band, goal and indicator ids, Likert codes and
labels, the metadata's activities, stakeholder groups and areas, and the ids typed on
other sheets), and number ranges for whole-number columns. A ``README`` sheet explains
every table and column.

The metadata stays in ``assessment.yaml`` beside the workbook; the workbook has no metadata
sheet. Made from a given metadata file, the dropdowns list its activities, stakeholder
groups and areas; without one, those of the bundled Jakarta sample.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from .schema import TABLES, Column, Table

__all__ = ["write_template", "register_cli"]

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_INVALID = 2
LISTS_SHEET = "lists"
README_SHEET = "README"
DEFAULT_ROWS = 2000

_HEADER_REQUIRED = "1F4E79"
_HEADER_OPTIONAL = "5B7C99"
_HEADER_PERSONAL = "9C2F2F"


def _metadata_lists(metadata) -> dict[str, list[tuple[str, str]]]:
    """(id, label) pairs of activities, stakeholder groups and areas."""
    if metadata is None:
        from . import sample

        return {
            "activity_id": [(a[0], a[3]) for a in sample.ACTIVITIES],
            "stakeholder_group": [(g[0], f"{g[1]} ({g[2]})") for g in sample.STAKEHOLDER_GROUPS],
            "area": [(a[0], a[1]) for a in sample.AREAS],
        }

    def pairs(frame, id_col, label_col, extra=None):
        out = []
        for _, row in frame.iterrows():
            label = str(row[label_col])
            if extra and row.get(extra) not in (None, "") and str(row.get(extra)) != "nan":
                label += f" ({row[extra]})"
            out.append((str(row[id_col]), label))
        return out

    return {
        "activity_id": pairs(metadata.activities, "activity_id", "title"),
        "stakeholder_group": pairs(metadata.stakeholder_groups, "stakeholder_group", "label", "label_id"),
        "area": pairs(metadata.areas, "area", "name"),
    }


def _read_metadata(metadata):
    """A Metadata object from a Metadata, a metadata file or an assessment folder."""
    import shutil

    from .metadata import METADATA_FILES, Metadata, read_metadata
    from .problems import AssessmentError, Problem

    if metadata is None or isinstance(metadata, Metadata):
        return metadata
    path = Path(metadata)
    if path.is_dir():
        meta, problems = read_metadata(path)
    elif path.is_file():
        if path.name in METADATA_FILES:
            meta, problems = read_metadata(path.parent)
        else:
            staging = Path(tempfile.mkdtemp(prefix="pra-template-"))
            try:
                shutil.copyfile(path, staging / f"assessment{path.suffix.lower() if path.suffix.lower() in ('.yml', '.toml') else '.yaml'}")
                meta, problems = read_metadata(staging)
            finally:
                shutil.rmtree(staging, ignore_errors=True)
    else:
        raise AssessmentError(path, [Problem(file=str(path), kind="missing_file", expected="a metadata file (assessment.yaml) or an assessment folder")])
    if problems or meta is None:
        raise AssessmentError(path, problems)
    return meta


def _lists(metadata) -> dict[str, list]:
    """Every dropdown list, by name."""
    from . import crf
    from .scales import DEFAULT_SCALES, PERCEPTION_SCALES

    scales = metadata.scales if metadata is not None else DEFAULT_SCALES
    lists: dict[str, list] = {}
    for spec in TABLES:
        for col in spec.columns:
            if col.allowed:
                lists[col.name] = list(col.allowed)
    for name, pairs in _metadata_lists(metadata).items():
        lists[name] = [p[0] for p in pairs]
    lists["goal_id"] = list(crf.GOAL_IDS)
    lists["indicator_id"] = list(crf.indicators()["indicator_id"])
    lists["bool"] = ["true", "false"]
    for name in {c.scale for t in TABLES for c in t.columns if c.kind == "likert"} | {"perception"}:
        names = PERCEPTION_SCALES if name == "perception" else (name,)
        labels = [label for s in names for label in (*scales[s].labels_id, *scales[s].labels_en)]
        lists[f"likert_{name}"] = [1, 2, 3, 4, 5, *dict.fromkeys(labels), "tidak tahu", "don't know"]
    return lists


def _list_for(spec: Table, col: Column) -> tuple[str | None, str]:
    """(list name or 'sheet:column' reference, error style) of a column's dropdown."""
    if col.kind == "likert":
        return ("likert_perception" if spec.name == "perception_ratings" else f"likert_{col.scale}"), "warning"
    if col.kind == "bool":
        return "bool", "warning"
    if col.allowed:
        return col.name, "stop"
    if col.references in ("meta.activities",):
        return "activity_id", "warning"
    if col.references == "meta.stakeholder_groups":
        return "stakeholder_group", "warning"
    if col.references == "meta.areas":
        return "area", "warning"
    if col.references == "crf.goals":
        return "goal_id", "warning"
    if col.references == "crf.indicators":
        return "indicator_id", "warning"
    if col.references and not col.references.startswith(("meta.", "crf.")):
        return f"sheet:{col.references}", "warning"
    return None, "stop"


def _allowed_text(col: Column) -> str:
    from .datadict import _allowed

    return _allowed(col).replace("`", "").replace("*", "")


def _kind_text(col: Column) -> str:
    from .datadict import _KIND

    return _KIND[col.kind]


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def write_template(path, *, metadata=None, rows: int = DEFAULT_ROWS, overwrite: bool = False) -> Path:
    """Write an input workbook with one sheet per table, dropdowns and a README sheet.

    Parameters
    ----------
    path : str or Path
        The workbook to write; must end in ``.xlsx``.
    metadata : Metadata, str or Path, optional
        The assessment's metadata (a :class:`pra_lib.assessment.metadata.Metadata`, its
        ``assessment.yaml`` or the assessment folder). Its activities, stakeholder groups
        and areas fill the dropdowns; without it, those of the bundled Jakarta sample.
    rows : int
        Rows (below the header) that carry the dropdowns.
    overwrite : bool
        Replace an existing file.

    Returns
    -------
    Path
        The workbook written (atomically: a temporary file, then a rename).

    Raises
    ------
    FileExistsError
        When ``path`` exists and ``overwrite`` is false.
    pra_lib.assessment.problems.AssessmentError
        When the given metadata file is invalid.
    ValueError
        When ``path`` does not end in ``.xlsx``.

    Examples
    --------
    >>> write_template("my-pra/input.xlsx", metadata="my-pra/assessment.yaml")  # doctest: +SKIP
    PosixPath('my-pra/input.xlsx')
    """
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise ValueError(f"the template must be an .xlsx workbook (the loader reads .xlsx sheets), not {path.name}")
    if path.exists() and not overwrite:
        raise FileExistsError(f"{path} exists; pass overwrite=True (pra template --force) to replace it")
    if isinstance(rows, bool) or not isinstance(rows, int) or rows < 1:
        raise ValueError(f"rows must be a whole number of at least 1, not {rows!r}")
    meta = _read_metadata(metadata)
    lists = _lists(meta)
    last = rows + 1

    book = Workbook()
    readme = book.active
    readme.title = README_SHEET

    # The hidden sheet that holds the dropdown lists.
    list_ws = book.create_sheet(LISTS_SHEET)
    list_ranges: dict[str, str] = {}
    for i, (name, values) in enumerate(lists.items(), start=1):
        letter = get_column_letter(i)
        list_ws.cell(row=1, column=i, value=name)
        for r, value in enumerate(values, start=2):
            list_ws.cell(row=r, column=i, value=value)
        list_ranges[name] = f"{LISTS_SHEET}!${letter}$2:${letter}${len(values) + 1}"
    list_ws.sheet_state = "hidden"

    column_of: dict[tuple[str, str], str] = {}
    for spec in TABLES:
        for j, col in enumerate(spec.columns, start=1):
            column_of[(spec.name, col.name)] = get_column_letter(j)

    header_font = Font(bold=True, color="FFFFFF")
    for spec in TABLES:
        ws = book.create_sheet(spec.name)
        for j, col in enumerate(spec.columns, start=1):
            letter = get_column_letter(j)
            cell = ws.cell(row=1, column=j, value=col.name)
            colour = _HEADER_PERSONAL if col.personal else (_HEADER_REQUIRED if col.required else _HEADER_OPTIONAL)
            cell.font = header_font
            cell.fill = PatternFill("solid", fgColor=colour)
            cell.alignment = Alignment(vertical="center")
            note = [col.description, f"Allowed: {_allowed_text(col)}", f"Example: {col.example}",
                    "Required column." if col.required else "Optional column.", "May be empty." if col.nullable else "May not be empty."]
            if col.personal:
                note.append("PERSONAL DATA: checked, never shown in a report.")
            cell.comment = Comment("\n".join(note), "pra template", width=320, height=160)
            ws.column_dimensions[letter].width = min(max(len(col.name) + 4, len(col.example) + 3, 12), 45)
            if col.kind == "str":
                # Text cells keep ids such as 1.10, leading zeros and 16-digit NIKs intact.
                ws.column_dimensions[letter].number_format = "@"
            dv = _validation(spec, col, list_ranges, column_of, last, DataValidation)
            if dv is not None:
                ws.add_data_validation(dv)
                dv.add(f"{letter}2:{letter}{last}")
        ws.freeze_panes = "A2"
        ws.row_dimensions[1].height = 20

    _write_readme(readme, meta, Font, Alignment, PatternFill)
    book.properties.creator = "pra_lib"
    book.properties.title = "PRA assessment input workbook"

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=".xlsx")
    os.close(fd)
    try:
        book.save(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _validation(spec: Table, col: Column, list_ranges, column_of, last: int, DataValidation):
    name, style = _list_for(spec, col)
    common = dict(allow_blank=True, showErrorMessage=True, showInputMessage=True, errorStyle=style,
                  promptTitle=_clip(col.name, 32), prompt=_clip(col.description, 250),
                  errorTitle=_clip(f"{spec.name}.{col.name}", 32))
    expected = _clip(f"Expected {_allowed_text(col)}.", 250)
    if name is not None:
        if name.startswith("sheet:"):
            table, column = name[6:].split(".")
            letter = column_of[(table, column)]
            formula = f"{table}!${letter}$2:${letter}${last}"
            expected = _clip(f"Expected a {column} typed on the sheet {table}.", 250)
        else:
            formula = list_ranges[name]
        return DataValidation(type="list", formula1=formula, error=expected, **common)
    if col.kind in ("int", "float") and (col.minimum is not None or col.maximum is not None):
        kind = "whole" if col.kind == "int" else "decimal"
        if col.maximum is not None:
            return DataValidation(type=kind, operator="between", formula1=f"{col.minimum:g}", formula2=f"{col.maximum:g}", error=expected, **common)
        return DataValidation(type=kind, operator="greaterThanOrEqual", formula1=f"{col.minimum:g}", error=expected, **common)
    return None


def _write_readme(ws, meta, Font, Alignment, PatternFill) -> None:
    from .metadata import METADATA_FILES

    wrap = Alignment(wrap_text=True, vertical="top")
    bold = Font(bold=True)
    rows: list[tuple] = []

    def line(*cells, style=None):
        rows.append((cells, style))

    line("PRA assessment input workbook", style="title")
    if meta is not None:
        line(f"For {meta.city}: {meta.title} (assessment id {meta.assessment_id}).")
    else:
        line("The dropdowns list the activities, stakeholder groups and areas of the bundled Jakarta sample. "
             "Make a template for your own assessment with: pra template OUT.xlsx --metadata assessment.yaml")
    line("")
    line("How to use this workbook", style="heading")
    for text in (
        f"1. Keep this workbook in the assessment folder, beside the metadata file ({', '.join(METADATA_FILES[:1])}): it names the city, "
        "the activities, the stakeholder groups and the areas. The workbook has no metadata sheet; edit assessment.yaml instead.",
        "2. Each sheet is one table. Keep the sheet names and the header cells (row 1) as they are; type one record per row from row 2. "
        "Problems are reported by sheet, row and column, as Excel shows them.",
        "3. The tables participants, perception_ratings and hazards are required. Leave the sheets you do not need empty, or delete them. "
        "A table typed here must not also be a CSV file in the folder.",
        "4. The dropdowns offer the allowed codes. Likert columns take a code 1-5 or a label in English or Indonesian (e.g. 4, good, baik); "
        "\"don't know\" / tidak tahu is a missing answer, not a middle value.",
        "5. Columns with a red header are personal data (name, phone, e-mail, NIK). They are checked when the assessment is loaded "
        "but never reach a report, a table or a figure. Free-text quotes are shown only attributed to a stakeholder group.",
        "6. Check the folder with: pra validate FOLDER. Then produce the reports with: pra run FOLDER --out REPORTS.",
    ):
        line(text)
    line("")
    if meta is not None:
        line("Codes from the metadata file", style="heading")
        for title, pairs in (("Activities", _metadata_lists(meta)["activity_id"]), ("Stakeholder groups", _metadata_lists(meta)["stakeholder_group"]), ("Areas", _metadata_lists(meta)["area"])):
            line(title, style="bold")
            for code, label in pairs:
                line(code, label)
        line("")
    line("Tables and columns", style="heading")
    line("table", "column", "required column", "may be empty", "type", "allowed values", "example", "description", "personal data", style="header")
    for spec in TABLES:
        line(f"{spec.name}{' (required table)' if spec.required else ''}", "", "", "", "", "", "", spec.description
             + (f" Each row needs at least one of {', '.join(spec.one_of)}." if spec.one_of else ""), "", style="table")
        for col in spec.columns:
            line(spec.name, col.name, "yes" if col.required else "no", "yes" if col.nullable else "no", _kind_text(col), _allowed_text(col), col.example,
                 col.description + (" Free text: shown only attributed to the stakeholder group." if col.free_text else ""),
                 "PERSONAL: never reaches a report" if col.personal else "")
    header_fill = PatternFill("solid", fgColor="DDE6EE")
    for r, (cells, style) in enumerate(rows, start=1):
        for c, value in enumerate(cells, start=1):
            cell = ws.cell(row=r, column=c, value=value)
            if style in ("header", "table", "bold"):
                cell.font = bold
            if style in ("header", "table"):
                cell.fill = header_fill
            if len(cells) > 1 or style == "table":
                cell.alignment = wrap
        if style == "title":
            ws.cell(row=r, column=1).font = Font(bold=True, size=16)
        elif style == "heading":
            ws.cell(row=r, column=1).font = Font(bold=True, size=13)
    for letter, width in zip("ABCDEFGHI", (22, 20, 10, 10, 14, 38, 22, 60, 18)):
        ws.column_dimensions[letter].width = width


# ---------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------


def _cli_template(args) -> int:
    from .problems import AssessmentError

    try:
        out = write_template(args.out, metadata=args.metadata, overwrite=args.force)
    except AssessmentError as exc:
        print(f"pra template: {exc}", file=sys.stderr)
        return EXIT_INVALID
    except FileExistsError as exc:
        print(f"pra template: {exc}", file=sys.stderr)
        return EXIT_INVALID
    except ValueError as exc:
        print(f"pra template: {exc}", file=sys.stderr)
        return EXIT_INVALID
    except OSError as exc:
        print(f"pra template: could not write {args.out}: {exc}", file=sys.stderr)
        return EXIT_FAILED
    print(f"wrote {out}: one sheet per table with dropdowns, and a README sheet. Keep it beside assessment.yaml in the assessment folder.")
    return EXIT_OK


def register_cli(subparsers) -> argparse.ArgumentParser:
    """Add ``pra template`` to the ``pra`` command.

    Examples
    --------
    >>> parser = argparse.ArgumentParser(prog="pra")
    >>> sub = parser.add_subparsers(dest="command", required=True)
    >>> _ = register_cli(sub)
    >>> parser.parse_args(["template", "input.xlsx"]).out
    'input.xlsx'
    """
    t = subparsers.add_parser("template", help="write an Excel input workbook (one sheet per table, with dropdowns)",
                              description="Write an input workbook with one sheet per table, dropdowns for coded columns and a README sheet.")
    t.add_argument("out", help="workbook to write (.xlsx)")
    t.add_argument("--metadata", help="assessment.yaml (or the assessment folder) whose activities, groups and areas fill the dropdowns")
    t.add_argument("--force", action="store_true", help="replace an existing workbook")
    t.set_defaults(func=_cli_template)
    return t
