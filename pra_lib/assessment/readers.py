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

import numpy as np
import pandas as pd

from .problems import Problem
from .schema import TABLES, TABLES_BY_NAME

FIRST_DATA_ROW = 2  # the header is row 1 in a spreadsheet
MAX_FIELD = 1_000_000  # characters; a longer cell is almost certainly not a PRA record
MAX_COLUMNS = 500  # the widest PRA table has about 20 columns
MAX_ROWS = 5_000_000  # rows in one sheet or file
MAX_SHEET_CELLS = 50_000_000  # rows x columns of one worksheet, checked before it is read


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
    """Read every table the folder holds, as CSV files or as sheets of XLSX workbooks.

    A file that is a folder, or a link to a file outside ``folder``, is a problem and is not read.
    """
    raw = RawTables()
    for spec in TABLES:
        for path in (folder / f"{spec.name}.csv", folder / f"{spec.name}.parquet"):
            if not path.exists() and not path.is_symlink():
                continue
            problem = unusable_file(path, folder)
            if problem:
                raw.problems.append(problem)
            elif path.suffix == ".csv":
                frame, problem, notes, comma = read_csv(path)
                raw.notes += notes
                if problem:
                    raw.problems.append(problem)
                else:
                    raw.add(spec.name, frame, path.name)
                    if comma:
                        raw.decimal_comma.add(spec.name)
            else:
                frame, problem = read_parquet(path)
                if problem:
                    raw.problems.append(problem)
                else:
                    raw.add(spec.name, frame, path.name)
    for book in sorted(folder.glob("*.xlsx")):
        if book.name.startswith("~$"):  # Excel's lock file while a workbook is open
            continue
        problem = unusable_file(book, folder)
        if problem:
            raw.problems.append(problem)
            continue
        _read_workbook(book, raw)
    return raw


def unusable_file(path: Path, folder: Path) -> Problem | None:
    """Why ``path`` cannot be read as an input of the assessment in ``folder``, or None.

    Examples
    --------
    >>> unusable_file(Path("data/sample/participants.csv"), Path("data/sample")) is None  # doctest: +SKIP
    True
    """
    try:
        resolved = path.resolve(strict=True)
    except (OSError, RuntimeError):
        return Problem(file=path.name, kind="unreadable", value="broken link", expected="a file that exists (this is a link to a missing file)")
    if not resolved.is_relative_to(Path(folder).resolve()):
        return Problem(file=path.name, kind="unreadable", value="link outside the folder", expected="a file inside the assessment folder; copy it in instead of linking to it (outputs and manifests record only files inside the folder)")
    if resolved.is_dir():
        return Problem(file=path.name, kind="unreadable", value="a folder", expected="a file; this name is taken by a folder")
    if not resolved.is_file():
        return Problem(file=path.name, kind="unreadable", value="not a regular file", expected="a regular file")
    return None


def _decode(data: bytes, name: str) -> tuple[str | None, Problem | None, list[str]]:
    if b"\x00" in data:
        return None, Problem(file=name, kind="unreadable", value="NUL bytes", expected="a text CSV file (this looks like a binary file; save it as CSV)"), []
    try:
        return data.decode("utf-8-sig"), None, ["utf-8"]
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        line = data[:first_bad].count(b"\n") + 1
        return None, Problem(file=name, row=line, kind="unreadable", value=f"byte 0x{data[first_bad]:02x}", expected="a text file in UTF-8 or Windows-1252 (cp1252/latin-1) encoding"), []
    return text, None, [f"{name} is not UTF-8; it was read as Windows-1252 (cp1252). Check accented characters; save as UTF-8 to be sure."]


def _sniff_delimiter(text: str) -> str:
    first = text[: 100_000].splitlines()[0] if text.strip() else ""
    try:
        header = next(csv.reader([first]), [""])
    except csv.Error:
        return ","
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
    utf8 = notes == ["utf-8"]
    notes = [] if utf8 else notes
    sep = _sniff_delimiter(text)
    width = _header_width(text, sep)
    if width > MAX_COLUMNS:
        return None, Problem(file=path.name, row=1, kind="unreadable", value=f"{width:,} columns", expected=f"at most {MAX_COLUMNS} columns (check the delimiter, or that this is a PRA table)"), notes, False
    if sep != ",":
        notes.append(f"{path.name} uses {'a semicolon' if sep == ';' else repr(sep)} as delimiter" + ("; decimal commas are read as decimal points" if sep == ";" else ""))
    grid = _read_grid_fast(data, text, sep) if utf8 else None
    if grid is None:
        try:
            grid = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, header=None, keep_default_na=False, na_filter=False, skip_blank_lines=False, engine="c")
        except pd.errors.ParserError as exc:
            return None, _ragged(text, sep, path.name, exc), notes, False
        except (ValueError, OverflowError) as exc:
            return None, Problem(file=path.name, kind="unreadable", value=type(exc).__name__, expected=f"a delimited text file ({exc})"), notes, False
    frame, problem = frame_from_grid(grid, path.name)
    return frame, problem, notes, sep == ";"


def _read_grid_fast(data: bytes, text: str, sep: str) -> pd.DataFrame | None:
    """Parse large, clean UTF-8 files with pyarrow's multi-threaded reader.

    Returns None (so the careful pandas reader runs instead) for small files, for files
    with blank lines (their spreadsheet row numbers must be kept), and on any parse error.
    """
    if len(data) < 5_000_000 or "\n\n" in text or "\n\r\n" in text:
        return None
    try:
        import pyarrow as pa
        from pyarrow import csv as pacsv

        first = next(csv.reader([text[: 100_000].splitlines()[0]], delimiter=sep))
        names = [f"c{i}" for i in range(len(first))]
        raw = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
        table = pacsv.read_csv(
            io.BytesIO(raw),
            read_options=pacsv.ReadOptions(column_names=names),
            parse_options=pacsv.ParseOptions(delimiter=sep, newlines_in_values=True, ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(column_types={n: pa.string() for n in names}, strings_can_be_null=False, quoted_strings_can_be_null=False),
        )
    except Exception:  # any parse problem: let the careful reader describe it
        return None
    # Dictionary-encode in Arrow: columns repeat a few codes millions of times.
    grid = pd.DataFrame({i: table.column(i).dictionary_encode().to_pandas() for i in range(len(names))})
    return grid


def read_parquet(path: Path) -> tuple[pd.DataFrame | None, Problem | None]:
    """Read a Parquet table as text, like a CSV, so that it is validated the same way.

    Rows are numbered as if the table were a spreadsheet: the first record is row 2.
    """
    try:
        import pyarrow as pa
        import pyarrow.compute as pc
        import pyarrow.parquet as pq

        table = pq.read_table(path)
    except Exception as exc:  # pyarrow raises several types for a corrupt file
        return None, Problem(file=path.name, kind="unreadable", value=type(exc).__name__, expected=f"a readable Parquet file ({str(exc)[:150]})")
    columns = {}
    for i, name in enumerate(table.column_names):
        column = table.column(i)
        if pa.types.is_dictionary(column.type):
            column = column.cast(column.type.value_type)
        if pa.types.is_floating(column.type):
            # 4.0 in a code column is the code 4, as a spreadsheet would show it.
            whole = pc.equal(column, pc.floor(column))
            text = pc.if_else(whole, pc.cast(pc.cast(column, pa.int64(), safe=False), pa.string()), pc.cast(column, pa.string()))
        else:
            text = pc.cast(column, pa.string())
        columns[i] = pc.fill_null(text, "").dictionary_encode().to_pandas()
    grid = pd.DataFrame(columns)
    header = pd.DataFrame([list(table.column_names)], columns=list(range(len(table.column_names))))
    return frame_from_grid(pd.concat([header, grid], ignore_index=True) if len(grid) else header, path.name)


def _header_width(text: str, sep: str) -> int:
    """Fields in the first line, counted without parsing the rest of the file."""
    end = text.find("\n")
    first = text if end < 0 else text[:end]
    return first.count(sep) + 1


def _ragged(text: str, sep: str, name: str, exc: Exception) -> Problem:
    """A row with more fields than the header: its line and the column where it overflows."""
    import re

    found = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(exc))
    if not found:
        return Problem(file=name, kind="unreadable", value="ragged rows", expected=f"the same number of fields in every row ({_parser_message(exc)})")
    expected, line, saw = map(int, found.groups())
    header = next(csv.reader([text[: 100_000].splitlines()[0]], delimiter=sep), [])
    extra = ""
    try:
        for number, row in enumerate(csv.reader(io.StringIO(text), delimiter=sep), start=1):
            if number == line:
                extra = row[expected] if len(row) > expected else ""
                break
    except csv.Error:
        pass
    after = f" after the last column '{header[-1]}'" if header else ""
    return Problem(
        file=name,
        row=line,
        column=f"column {expected + 1} (no header)",
        kind="unreadable",
        value=f"{saw} fields, the header has {expected}" + (f"; the extra value is {extra[:60]!r}" if extra else ""),
        expected=f"{expected} fields on line {line}, as in the header: {saw - expected} value(s){after} are too many (an unquoted {sep!r} inside a value?)",
    )


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
    frame = frame.apply(_strip) if len(frame) else frame
    for i in range(frame.shape[1]):
        column = frame.iloc[:, i]
        longest = int(column.cat.categories.str.len().max()) if len(frame) and len(column.cat.categories) else 0
        if longest > MAX_FIELD:
            return None, Problem(file=source, column=header[i] if i < len(header) else None, kind="unreadable", value=f"a field of {longest:,} characters", expected=f"fields shorter than {MAX_FIELD:,} characters")
    # Columns with no header and no values (trailing delimiters) are not data.
    keep = [i for i, h in enumerate(header) if h or (len(frame) and (frame.iloc[:, i] != "").any())]
    frame = frame.iloc[:, keep]
    blank = (frame == "").all(axis=1) if len(frame.columns) else pd.Series(True, index=frame.index)
    return frame[~blank], None


def _strip(column: pd.Series) -> pd.Series:
    """Trim spaces and return the column as a categorical of text.

    The work is done on the distinct values; a PRA table repeats a few codes many times.
    """
    if isinstance(column.dtype, pd.CategoricalDtype):
        codes, uniques = column.cat.codes.to_numpy(), pd.Series(column.cat.categories, dtype=object)
    else:
        codes, raw_uniques = pd.factorize(column.to_numpy(dtype=object), use_na_sentinel=True)
        uniques = pd.Series(raw_uniques, dtype=object)
    cleaned = uniques.fillna("").astype(str).str.strip()
    new_codes, categories = pd.factorize(pd.concat([cleaned, pd.Series([""])], ignore_index=True))
    mapped = new_codes[np.where(codes < 0, len(cleaned), codes)]
    return pd.Series(pd.Categorical.from_codes(mapped, categories=pd.Index(categories, dtype=object)), index=column.index)


def _read_workbook(book: Path, raw: RawTables) -> None:
    """Read the sheets of a workbook that are named after a table, opening it once.

    The sheet names and sizes are checked in the file's XML first: a workbook with no table
    sheet is not opened, and a sheet whose used range is huge (one cell at XFD1048576 makes
    17 billion cells) is refused before a row is read."""
    import warnings

    from openpyxl import load_workbook

    try:
        layout = _workbook_layout(book)
    except Exception as exc:  # zipfile and XML errors of a corrupt file
        raw.problems.append(Problem(file=book.name, kind="unreadable", value=type(exc).__name__, expected=f"a readable XLSX workbook ({str(exc)[:150]})"))
        return
    wanted = {title: info for title, info in layout.items() if title in TABLES_BY_NAME}
    if not wanted:
        return
    too_big = False
    for title, info in wanted.items():
        rows, columns = info["size"]
        if columns > MAX_COLUMNS or rows > MAX_ROWS or rows * columns > MAX_SHEET_CELLS:
            too_big = True
            raw.problems.append(Problem(file=f"{book.name} [sheet {title}]", kind="unreadable", value=f"a used range of {rows:,} rows x {columns:,} columns ({info['ref']})", expected=f"at most {MAX_COLUMNS} columns and {MAX_ROWS:,} rows; delete stray cells far to the right or below the table"))
    if too_big:
        return
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about unsupported extensions
            values = load_workbook(book, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a corrupt file
        raw.problems.append(Problem(file=book.name, kind="unreadable", value=type(exc).__name__, expected=f"a readable XLSX workbook ({str(exc)[:150]})"))
        return
    for ws in values.worksheets:
        if ws.title not in wanted:
            continue
        source = f"{book.name} [sheet {ws.title}]"
        if ws.max_column > MAX_COLUMNS or ws.max_row > MAX_ROWS:
            raw.problems.append(Problem(file=source, kind="unreadable", value=f"{ws.max_row:,} rows x {ws.max_column:,} columns", expected=f"at most {MAX_COLUMNS} columns and {MAX_ROWS:,} rows; delete stray cells far to the right or below the table"))
            continue
        merged = [str(r) for r in ws.merged_cells.ranges if r.min_row == 1]
        if merged:
            raw.problems.append(Problem(file=source, row=1, kind="unreadable", value=", ".join(merged), expected="one header cell per column (unmerge the header cells)"))
            continue
        rows = [[cell.value for cell in row] for row in ws.iter_rows()]
        problems = []
        for r, c, formula in wanted[ws.title]["unsaved_formulas"]:
            if r <= len(rows) and c <= len(rows[r - 1]) and rows[r - 1][c - 1] is None:
                problems.append(Problem(file=source, row=r, column=str(rows[0][c - 1]) if rows and c <= len(rows[0]) else None, kind="unreadable", value=f"={formula}", expected="a value; this formula has no saved result (open and save the workbook in Excel or LibreOffice)"))
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


_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"


def _workbook_layout(book: Path) -> dict[str, dict]:
    """Each sheet's title -> its used size (rows, columns), as recorded or as its cells reach,
    and the formulas without a saved result, read from the XLSX's XML without openpyxl."""
    import posixpath
    import zipfile
    from xml.etree.ElementTree import iterparse

    from openpyxl.utils.cell import coordinate_from_string, column_index_from_string

    def position(ref: str) -> tuple[int, int]:
        letters, row = coordinate_from_string(ref.split(":")[-1].replace("$", ""))
        return row, column_index_from_string(letters)

    layout = {}
    with zipfile.ZipFile(book) as archive:
        with archive.open("xl/_rels/workbook.xml.rels") as handle:
            targets = {el.get("Id"): el.get("Target") for _, el in iterparse(handle) if el.tag.endswith("Relationship")}
        with archive.open("xl/workbook.xml") as handle:
            sheets = [(el.get("name"), el.get(f"{_REL}id")) for _, el in iterparse(handle) if el.tag == f"{_MAIN}sheet"]
        for title, rid in sheets:
            target = targets.get(rid, "")
            member = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
            info = {"size": (0, 0), "ref": "", "unsaved_formulas": []}
            layout[title] = info
            if title not in TABLES_BY_NAME:
                continue  # only sheets named after a table are sized and read
            rows = columns = 0
            with archive.open(member) as handle:
                for _, el in iterparse(handle):
                    if el.tag == f"{_MAIN}dimension":
                        info["ref"] = el.get("ref", "")
                    elif el.tag == f"{_MAIN}c":
                        r, c = position(el.get("r", "A1"))
                        rows, columns = max(rows, r), max(columns, c)
                        formula, value = el.find(f"{_MAIN}f"), el.find(f"{_MAIN}v")
                        if formula is not None and formula.text and (value is None or value.text in (None, "")):
                            info["unsaved_formulas"].append((r, c, formula.text))
                        el.clear()
                        if columns > MAX_COLUMNS or rows > MAX_ROWS:
                            break
            info["size"] = (rows, columns)
            info["ref"] = info["ref"] or f"up to {get_column_letter(columns)}{rows}"
    return layout


def get_column_letter(index: int) -> str:
    from openpyxl.utils.cell import get_column_letter as letter

    return letter(max(index, 1))


def _cell_text(value) -> str:
    """Excel stores whole numbers as floats; 4.0 in a code column is the code 4."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)
