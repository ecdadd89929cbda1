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
        parquet = folder / f"{spec.name}.parquet"
        if parquet.is_file():
            frame, problem = read_parquet(parquet)
            if problem:
                raw.problems.append(problem)
            else:
                raw.add(spec.name, frame, parquet.name)
    for book in sorted(folder.glob("*.xlsx")):
        if book.name.startswith("~$"):  # Excel's lock file while a workbook is open
            continue
        _read_workbook(book, raw)
    return raw


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
    if sep != ",":
        notes.append(f"{path.name} uses {'a semicolon' if sep == ';' else repr(sep)} as delimiter" + ("; decimal commas are read as decimal points" if sep == ";" else ""))
    grid = _read_grid_fast(data, text, sep) if utf8 else None
    if grid is None:
        try:
            grid = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, header=None, keep_default_na=False, na_filter=False, skip_blank_lines=False, engine="c")
        except pd.errors.ParserError as exc:
            return None, Problem(file=path.name, kind="unreadable", value="ragged rows", expected=f"the same number of fields in every row ({_parser_message(exc)})"), notes, False
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
