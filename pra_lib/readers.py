"""Read assessment tables from CSV files and XLSX workbooks as text, whatever the export.

Real exports arrive with byte-order marks, in Windows-1252, with semicolons and decimal
commas (Indonesian and European spreadsheet settings), with merged header cells, formulas,
hidden rows and extra sheets. Everything is read as text here; typing happens later, so
nothing is coerced silently. What cannot be read becomes a :class:`Problem`, never an
exception.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .problems import Problem
from .schema import TABLES, TABLES_BY_NAME

FIRST_DATA_ROW = 2  # the header is row 1 in a spreadsheet
MAX_FIELD = 1_000_000  # characters; a longer cell is almost certainly not a PRA record


@dataclass
class RawTables:
    """Tables read as text, where each came from, and what was noticed on the way."""

    frames: dict[str, pd.DataFrame] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    decimal_comma: set[str] = field(default_factory=set)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, name: str, frame: pd.DataFrame, source: str) -> None:
        if name in self.frames:
            self.problems.append(Problem(file=source, kind="duplicate", value=name, expected=f"table '{name}' given only once (also in {self.sources[name]})"))
            return
        self.frames[name] = frame
        self.sources[name] = source


def read_tables(folder: Path) -> RawTables:
    """Read every table the folder holds, as CSV files or as sheets of XLSX workbooks."""
    raw = RawTables()
    for spec in TABLES:
        path = folder / f"{spec.name}.csv"
        if path.is_file():
            frame, problem, notes, comma = read_csv(path)
            raw.notes += notes
            if problem:
                raw.problems.append(problem)
            else:
                raw.add(spec.name, frame, path.name)
                if comma:
                    raw.decimal_comma.add(spec.name)
    for book in sorted(folder.glob("*.xlsx")):
        if book.name.startswith("~$"):  # Excel's lock file while a workbook is open
            continue
        _read_workbook(book, raw)
    return raw


def _decode(data: bytes, name: str) -> tuple[str | None, Problem | None, list[str]]:
    if b"\x00" in data:
        return None, Problem(file=name, kind="unreadable", value="NUL bytes", expected="a text CSV file (this looks like a binary file; save it as CSV)"), []
    try:
        return data.decode("utf-8-sig"), None, []
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        line = data[:first_bad].count(b"\n") + 1
        return None, Problem(file=name, row=line, kind="unreadable", value=f"byte 0x{data[first_bad]:02x}", expected="a text file in UTF-8 or Windows-1252 (cp1252/latin-1) encoding"), []
    return text, None, [f"{name} is not UTF-8; it was read as Windows-1252 (cp1252). Check accented characters; save as UTF-8 to be sure."]


def _sniff_delimiter(text: str) -> str:
    header = next(csv.reader(io.StringIO(text.split("\n", 1)[0])), [""])
    joined = ",".join(header)
    if len(header) > 1:
        return ","
    counts = {sep: joined.count(sep) for sep in (";", "\t", "|")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def read_csv(path: Path) -> tuple[pd.DataFrame | None, Problem | None, list[str], bool]:
    """Read one CSV as text. Returns (frame, problem, notes, decimal_comma)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        return None, Problem(file=path.name, kind="unreadable", value=type(exc).__name__, expected=f"a readable file ({exc.strerror})"), [], False
    if not data.strip():
        return None, Problem(file=path.name, kind="empty", expected="a header row naming the columns"), [], False
    text, problem, notes = _decode(data, path.name)
    if problem:
        return None, problem, notes, False
    sep = _sniff_delimiter(text)
    if sep != ",":
        notes.append(f"{path.name} uses {'a semicolon' if sep == ';' else repr(sep)} as delimiter" + ("; decimal commas are read as decimal points" if sep == ";" else ""))
    try:
        grid = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, header=None, keep_default_na=False, na_filter=False, skip_blank_lines=False, engine="c")
    except pd.errors.ParserError as exc:
        return None, Problem(file=path.name, kind="unreadable", value="ragged rows", expected=f"the same number of fields in every row ({_parser_message(exc)})"), notes, False
    except (ValueError, OverflowError) as exc:
        return None, Problem(file=path.name, kind="unreadable", value=type(exc).__name__, expected=f"a delimited text file ({exc})"), notes, False
    long = grid.apply(lambda s: s.str.len().max()).max() if len(grid) else 0
    if long and long > MAX_FIELD:
        return None, Problem(file=path.name, kind="unreadable", value=f"a field of {int(long):,} characters", expected=f"fields shorter than {MAX_FIELD:,} characters"), notes, False
    frame, problem = frame_from_grid(grid, path.name)
    return frame, problem, notes, sep == ";"


def _parser_message(exc: Exception) -> str:
    text = str(exc).strip().replace("Error tokenizing data. C error: ", "")
    return text[:200]


def frame_from_grid(grid: pd.DataFrame, source: str) -> tuple[pd.DataFrame | None, Problem | None]:
    """First row is the header; rows are indexed by their spreadsheet row number."""
    if grid.empty:
        return None, Problem(file=source, kind="empty", expected="a header row naming the columns")
    header = ["" if pd.isna(h) else str(h).strip() for h in grid.iloc[0]]
    frame = grid.iloc[1:].copy()
    frame.columns = header
    frame.index = pd.RangeIndex(FIRST_DATA_ROW, FIRST_DATA_ROW + len(frame))
    frame = frame.fillna("").astype(str).apply(lambda s: s.str.strip()) if len(frame) else frame
    # Columns with no header and no values (trailing delimiters) are not data.
    keep = [i for i, h in enumerate(header) if h or (len(frame) and (frame.iloc[:, i] != "").any())]
    frame = frame.iloc[:, keep]
    blank = (frame == "").all(axis=1) if len(frame.columns) else pd.Series(True, index=frame.index)
    return frame[~blank], None


def _read_workbook(book: Path, raw: RawTables) -> None:
    import warnings

    from openpyxl import load_workbook

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about unsupported extensions
            values = load_workbook(book, data_only=True)
            formulas = load_workbook(book, data_only=False)
    except Exception as exc:  # openpyxl raises many types for a corrupt file
        raw.problems.append(Problem(file=book.name, kind="unreadable", value=type(exc).__name__, expected=f"a readable XLSX workbook ({str(exc)[:150]})"))
        return
    for ws in values.worksheets:
        if ws.title not in TABLES_BY_NAME:
            continue
        source = f"{book.name} [sheet {ws.title}]"
        merged = [str(r) for r in ws.merged_cells.ranges if r.min_row == 1]
        if merged:
            raw.problems.append(Problem(file=source, row=1, kind="unreadable", value=", ".join(merged), expected="one header cell per column (unmerge the header cells)"))
            continue
        rows = [[cell.value for cell in row] for row in ws.iter_rows()]
        problems = []
        fws = formulas[ws.title]
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is None:
                    f = fws.cell(row=r, column=c).value
                    if isinstance(f, str) and f.startswith("="):
                        problems.append(Problem(file=source, row=r, column=str(rows[0][c - 1]) if rows else None, kind="unreadable", value=f, expected="a value; this formula has no saved result (open and save the workbook in Excel or LibreOffice)"))
        if problems:
            raw.problems += problems
            continue
        hidden = [r for r, dim in ws.row_dimensions.items() if dim.hidden]
        if hidden:
            raw.notes.append(f"{source}: rows {', '.join(map(str, sorted(hidden)[:10]))} are hidden in Excel but are read as data")
        grid = pd.DataFrame([["" if v is None else _cell_text(v) for v in row] for row in rows])
        frame, problem = frame_from_grid(grid, source)
        if problem:
            raw.problems.append(problem)
        else:
            raw.add(ws.title, frame, source)


def _cell_text(value) -> str:
    """Excel stores whole numbers as floats; 4.0 in a code column is the code 4."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)
