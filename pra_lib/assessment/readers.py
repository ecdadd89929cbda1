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
COLUMNAR_BYTES = 5_000_000  # CSV files from this size are read column by column with pyarrow
_HEAD_BYTES = 1 << 20  # read as text to find the delimiter and the header
_BLOCK_BYTES = 16 << 20  # pyarrow's unit of parallel parsing; fewer, larger dictionaries to merge
_WIDE_DICTIONARY_BYTES = 256 << 10  # a Parquet dictionary page this large: mostly distinct values


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
    Parquet files are decoded one after another in a thread of their own while the tables
    decoded before are turned into text columns here: Arrow decodes without holding the
    interpreter, so on two cores a million respondents' ratings are decoded while their
    participants are converted.
    """
    raw = RawTables()
    found = []
    for spec in TABLES:
        for path in (folder / f"{spec.name}.csv", folder / f"{spec.name}.parquet"):
            if path.exists() or path.is_symlink():
                found.append((spec.name, path, unusable_file(path, folder)))
    parquet = [(path, _plain_columns(name)) for name, path, problem in found if problem is None and path.suffix == ".parquet"]
    with _Decoding(parquet) as decoded:
        for name, path, problem in found:
            plain = _plain_columns(name)
            if problem:
                raw.problems.append(problem)
            elif path.suffix == ".csv":
                frame, problem, notes, comma = read_csv(path, plain=plain)
                raw.notes += notes
                if problem:
                    raw.problems.append(problem)
                else:
                    raw.add(name, frame, path.name)
                    if comma:
                        raw.decimal_comma.add(name)
            else:
                frame, problem = read_parquet(path, plain=plain, decoded=decoded.pop(path))
                if problem:
                    raw.problems.append(problem)
                else:
                    raw.add(name, frame, path.name)
            _release_arrow_memory()
    for book in sorted(folder.glob("*.xlsx")):
        if book.name.startswith("~$"):  # Excel's lock file while a workbook is open
            continue
        problem = unusable_file(book, folder)
        if problem:
            raw.problems.append(problem)
            continue
        _read_workbook(book, raw)
    return raw


def _release_arrow_memory() -> None:
    """Give back to the system what Arrow's allocator keeps after a read: the text and
    codes it let go of would otherwise stay in the process while the tables are typed."""
    import sys

    if "pyarrow" in sys.modules:  # nothing to give back before pyarrow is used
        sys.modules["pyarrow"].default_memory_pool().release_unused()


def _plain_columns(table: str) -> frozenset[str]:
    """Columns of a table read as plain text, not coded: the personal ones (names, phones,
    e-mails, NIK). Nearly every value is distinct, so coding them saves nothing, and they are
    only screened and never published, so no check needs their codes."""
    spec = TABLES_BY_NAME.get(table)
    return frozenset(c.name for c in spec.columns if c.personal) if spec else frozenset()


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


def read_csv(path: Path, *, plain: frozenset[str] = frozenset()) -> tuple[pd.DataFrame | None, Problem | None, list[str], bool]:
    """Read one CSV as text. Returns (frame, problem, notes, decimal_comma).

    Large files are read column by column, straight into dictionary-coded columns
    (:func:`_read_csv_columnar`); small files, and any file that reader cannot take as it
    is, go through the careful reader, which names every problem it meets. Columns named in
    ``plain`` are returned as plain text (pandas' ``str``), the others as categoricals.
    """
    try:
        size = path.stat().st_size
    except OSError as exc:
        return None, Problem(file=path.name, kind="unreadable", value=type(exc).__name__, expected=f"a readable file ({exc.strerror})"), [], False
    if size >= COLUMNAR_BYTES:
        fast = _read_csv_columnar(path, plain=plain)
        if fast is not None:
            frame, problem, notes, sep = fast
            return frame, problem, notes, sep == ";"
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
    notes += _delimiter_note(path.name, sep)
    del data  # only the text is needed from here on
    try:
        grid = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, header=None, keep_default_na=False, na_filter=False, skip_blank_lines=False, engine="c")
    except pd.errors.ParserError as exc:
        return None, _ragged(text, sep, path.name, exc), notes, False
    except (ValueError, OverflowError) as exc:
        return None, Problem(file=path.name, kind="unreadable", value=type(exc).__name__, expected=f"a delimited text file ({exc})"), notes, False
    frame, problem = frame_from_grid(grid, path.name, plain=plain)
    return frame, problem, notes, sep == ";"


def _delimiter_note(name: str, sep: str) -> list[str]:
    if sep == ",":
        return []
    return [f"{name} uses {'a semicolon' if sep == ';' else repr(sep)} as delimiter" + ("; decimal commas are read as decimal points" if sep == ";" else "")]


def _read_csv_columnar(path: Path, *, plain: frozenset[str] = frozenset()) -> tuple[pd.DataFrame | None, Problem | None, list[str], str] | None:
    """Read a large, clean UTF-8 CSV with pyarrow, every column dictionary-coded.

    Only the first line is read as text (for the delimiter and the header); the rest is
    parsed by pyarrow's multi-threaded reader straight into dictionary columns, so a code
    repeated millions of times is stored once and no whole-file copy of the text is made.
    Returns None (the careful reader runs instead) when the file is not UTF-8, holds NUL
    bytes, blank lines (their spreadsheet row numbers must be kept) or rows of another
    width, or anything else pyarrow does not take as it is: the careful reader then
    describes the problem with its row and column.
    """
    try:
        with open(path, "rb") as handle:
            head = handle.read(_HEAD_BYTES)
        end = head.find(b"\n")
        if end < 0:
            return None
        first = head[:end].rstrip(b"\r").decode("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None
    if not first.strip() or first.count('"') % 2:  # a blank first line, or a header cell running over lines
        return None
    sep = _sniff_delimiter(first)
    try:
        header = next(csv.reader([first], delimiter=sep))
    except (csv.Error, StopIteration):
        return None
    if len(header) > MAX_COLUMNS:
        return None  # the careful reader names the width
    try:
        import pyarrow as pa
        import pyarrow.compute as pc
        from pyarrow import csv as pacsv

        names = [f"c{i}" for i in range(len(header))]
        coded = pa.dictionary(pa.int32(), pa.string())
        types = {n: pa.string() if h.strip() in plain else coded for n, h in zip(names, header)}
        table = pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(column_names=names, skip_rows=1, block_size=_BLOCK_BYTES),
            parse_options=pacsv.ParseOptions(delimiter=sep, newlines_in_values=True, ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(column_types=types, strings_can_be_null=False, quoted_strings_can_be_null=False),
        )
    except Exception:  # any parse problem: let the careful reader describe it
        return None
    rows, arrays = table.num_rows, table.columns
    del table  # each column is let go once it is converted
    columns = {}
    for i in range(len(arrays)):
        column, arrays[i] = arrays[i], None
        # A plain text column (personal data) is checked as it is; a coded one on its distinct values.
        columns[i] = _arrow_codes(column) if pa.types.is_dictionary(column.type) else column
        values = columns[i][1] if isinstance(columns[i], tuple) else column
        del column
        if len(values) and pc.any(pc.match_substring(values, "\x00")).as_py():
            return None  # a binary file: the careful reader says so
    frame, problem = frame_from_columns(header, columns, path.name, rows=rows, plain=plain)
    return frame, problem, _delimiter_note(path.name, sep), sep


class _Decoding:
    """Decodes Parquet files in order, in one thread besides the caller, one file ahead.

    ``pop(path)`` waits for that file and returns what :func:`_decode_parquet` gave. Only
    the next file is decoded ahead, so at most one decoded table waits to be converted.
    """

    def __init__(self, files: list[tuple[Path, frozenset[str]]]):
        self._files = list(files)
        self._pool = None
        self._pending: dict[Path, object] = {}

    def __enter__(self) -> "_Decoding":
        if len(self._files) > 1:  # one file is decoded where it is needed
            from concurrent.futures import ThreadPoolExecutor

            self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pra-parquet")
            self._ahead()
        return self

    def _ahead(self) -> None:
        while self._pool is not None and self._files and not self._pending:
            path, plain = self._files.pop(0)
            self._pending[path] = self._pool.submit(_decode_parquet, path, plain=plain)

    def pop(self, path: Path):
        pending = self._pending.pop(path, None)
        if pending is None:
            plain = next((p for f, p in self._files if f == path), frozenset())
            self._files = [(f, p) for f, p in self._files if f != path]
            decoded = _decode_parquet(path, plain=plain)
        else:
            decoded = pending.result()
        self._ahead()
        return decoded

    def __exit__(self, *exc) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


def _decode_parquet(path: Path, *, plain: frozenset[str] = frozenset()):
    """A Parquet file as an Arrow table, text columns dictionary-coded except the mostly
    distinct ones and those in ``plain``; or the :class:`Problem` that stopped it."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        with pq.ParquetFile(path) as parquet:
            text_columns = [f.name for f in parquet.schema_arrow if pa.types.is_string(f.type) or pa.types.is_large_string(f.type)]
            wide = _mostly_distinct(parquet.metadata)
        with pq.ParquetFile(path, read_dictionary=[c for c in text_columns if c not in wide and c.strip() not in plain]) as parquet:
            return parquet.read()  # every column at once: Arrow decodes them in parallel
    except Exception as exc:  # pyarrow raises several types for a corrupt file
        return Problem(file=path.name, kind="unreadable", value=type(exc).__name__, expected=f"a readable Parquet file ({str(exc)[:150]})")


def read_parquet(path: Path, *, plain: frozenset[str] = frozenset(), decoded=None) -> tuple[pd.DataFrame | None, Problem | None]:
    """Read a Parquet table as text, like a CSV, so that it is validated the same way.

    Text columns are read dictionary-coded (Parquet stores them so), and every conversion
    to text works on the distinct values: no row's text is built. Columns named in
    ``plain`` are read as plain text instead. Rows are numbered as if the table were a
    spreadsheet: the first record is row 2. ``decoded`` is what :func:`_decode_parquet`
    gave for the file, when it was decoded ahead.

    Examples
    --------
    >>> frame, problem = read_parquet(Path("participants.parquet"))  # doctest: +SKIP
    >>> frame.index[0], problem  # doctest: +SKIP
    (2, None)
    """
    import pyarrow as pa

    table = _decode_parquet(path, plain=plain) if decoded is None else decoded
    if isinstance(table, Problem):
        return None, table
    names, rows, arrays = list(table.column_names), table.num_rows, table.columns
    del table  # each column is let go once it is converted: the read and the codes are not all held together
    columns = {}
    for i, name in enumerate(names):
        column, arrays[i] = arrays[i], None
        if name.strip() in plain and (pa.types.is_string(column.type) or pa.types.is_large_string(column.type)):
            columns[i] = column
        else:
            columns[i] = _parquet_text(column)
        del column
    return frame_from_columns(names, columns, path.name, rows=rows, plain=plain)


def _mostly_distinct(metadata) -> set[str]:
    """Columns whose dictionary outgrew its page in the first row group (ids, names, phone
    numbers): the writer fell back to plain pages, and merging per-page dictionaries would
    cost more than encoding the whole column once."""
    wide = set()
    if metadata.num_row_groups:
        group = metadata.row_group(0)
        for j in range(group.num_columns):
            chunk = group.column(j)
            if chunk.has_dictionary_page and chunk.data_page_offset - chunk.dictionary_page_offset >= _WIDE_DICTIONARY_BYTES:
                wide.add(chunk.path_in_schema)
    return wide


def _arrow_codes(column) -> tuple[np.ndarray, np.ndarray]:
    """(codes, distinct values) of a dictionary-coded Arrow column; -1 marks a null."""
    import pyarrow as pa

    if isinstance(column, pa.ChunkedArray):
        chunks = column.chunks
        # Chunks written from one categorical repeat the same dictionary: comparing it is a
        # memory compare, where merging would hash every entry of every chunk again. Chunks
        # with dictionaries of their own (a CSV's blocks) are merged by Arrow as it
        # concatenates them, in one pass and one copy of the codes.
        if len(chunks) > 1 and not all(c.dictionary.equals(chunks[0].dictionary) for c in chunks[1:]):
            chunks = [column.combine_chunks()]
        if not chunks:
            return np.empty(0, dtype=np.int32), np.empty(0, dtype=object)
        values = chunks[0].dictionary
        parts = [c.indices.fill_null(-1) if c.null_count else c.indices for c in chunks]
        codes = np.concatenate([p.to_numpy(zero_copy_only=False) for p in parts]) if len(parts) > 1 else parts[0].to_numpy(zero_copy_only=False)
    else:
        values = column.dictionary
        indices = column.indices.fill_null(-1) if column.null_count else column.indices
        codes = indices.to_numpy(zero_copy_only=False)
    return codes, values


def _parquet_text(column) -> tuple[np.ndarray, np.ndarray]:
    """One Parquet column as (codes, distinct texts), converting only its distinct values."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if not pa.types.is_dictionary(column.type):
        column = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
        if _ascending_text(column):
            # Ids in order, each once (as a participants table lists its respondents): the
            # texts are their own distinct values, and hashing a million of them finds nothing.
            return np.arange(len(column), dtype=np.int32), column
        # Numbers, booleans, dates, and text with mostly distinct values: encoded at once.
        column = column.dictionary_encode()
    codes, values = _arrow_codes(column)
    if isinstance(values, np.ndarray):
        return codes, values
    if pa.types.is_dictionary(values.type):
        values = values.cast(values.type.value_type)
    if pa.types.is_floating(values.type):
        # 4.0 in a code column is the code 4, as a spreadsheet would show it.
        whole = pc.equal(values, pc.floor(values))
        values = pc.if_else(whole, pc.cast(pc.cast(values, pa.int64(), safe=False), pa.string()), pc.cast(values, pa.string()))
    elif not (pa.types.is_string(values.type) or pa.types.is_large_string(values.type)):
        values = pc.cast(values, pa.string())
    return codes, values


def _ascending_text(column) -> bool:
    """Whether an Arrow array is text with no missing value, each text greater than the one
    before it (so each is there once, in text order)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if not (pa.types.is_string(column.type) or pa.types.is_large_string(column.type)) or column.null_count or len(column) < 2:
        return False
    return bool(pc.all(pc.less(column.slice(0, len(column) - 1), column.slice(1))).as_py())


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


def frame_from_grid(grid: pd.DataFrame, source: str, *, plain: frozenset[str] = frozenset()) -> tuple[pd.DataFrame | None, Problem | None]:
    """First row is the header; rows are indexed by their spreadsheet row number."""
    if grid.empty:
        return None, Problem(file=source, kind="empty", expected="a header row naming the columns")
    header = ["" if pd.isna(h) else str(h) for h in grid.iloc[0]]
    columns = {}
    for i in range(grid.shape[1]):
        codes, values = pd.factorize(grid.iloc[1:, i].to_numpy(dtype=object), use_na_sentinel=True)
        # As pandas' astype(str) shows them: a grid from a workbook or an importer may hold numbers.
        columns[i] = (codes, [v if isinstance(v, str) else None if pd.isna(v) else str(v) for v in values])
    return frame_from_columns(header, columns, source, rows=len(grid) - 1, plain=plain)


def frame_from_columns(header: list[str], columns: dict, source: str, *, rows: int, plain: frozenset[str] = frozenset()) -> tuple[pd.DataFrame | None, Problem | None]:
    """A table from its header and its columns given as (codes, distinct values), -1 for a
    missing cell, or as an Arrow text array. Rows are indexed by their spreadsheet row
    number; spaces are trimmed, and blank rows and unnamed empty columns dropped.

    Every column is returned as a categorical of text, its categories in text order, except
    the columns named in ``plain``, returned as pandas' ``str`` (a missing cell is an empty
    text in both). The work is done on the distinct values: a PRA table repeats a few codes
    many times.
    """
    header = [str(h).strip() for h in header]
    index = pd.RangeIndex(FIRST_DATA_ROW, FIRST_DATA_ROW + rows)
    built = {}
    for i in list(columns):
        given = columns.pop(i)  # the reader's codes are let go once the column is built
        if i < len(header) and header[i] in plain:
            column, longest = _plain_text(given)
        else:
            column, longest = _coded_text(*given)
            longest = longest if rows else 0
        if longest > MAX_FIELD:
            return None, Problem(file=source, column=header[i] if i < len(header) else None, kind="unreadable", value=f"a field of {longest:,} characters", expected=f"fields shorter than {MAX_FIELD:,} characters")
        built[i] = pd.Series(column, index=index, copy=False)
    # Columns with no header and no values (trailing delimiters) are not data.
    keep = [i for i, h in enumerate(header) if i in built and (h or (rows and _filled(built[i]).any()))]
    frame = pd.DataFrame({i: built[i] for i in keep}, index=index, copy=False)
    frame.columns = [header[i] for i in keep]
    if not keep:
        return frame.iloc[0:0], None
    blank = _blank_rows([built[i] for i in keep])
    return (frame[~blank] if blank is not None else frame), None


def _blank_rows(columns: list[pd.Series]) -> np.ndarray | None:
    """Rows empty in every column, or None when there is none.

    A coded column with no empty text settles it from its categories alone, so a table
    whose id column is always filled is not looked at row by row.
    """
    if any(isinstance(c.dtype, pd.CategoricalDtype) and "" not in c.cat.categories for c in columns):
        return None
    blank = None
    for column in columns:
        empty = ~_filled(column)
        blank = empty if blank is None else blank & empty
        if not blank.any():
            return None
    return blank


def _filled(column: pd.Series) -> np.ndarray:
    """Which cells of a text column are not empty; a categorical's from its codes."""
    if not isinstance(column.dtype, pd.CategoricalDtype):
        return (column != "").to_numpy(dtype=bool)
    empty = column.cat.categories.get_indexer([""])[0]
    codes = column.array.codes  # the codes themselves: .cat.codes would copy them
    return codes != empty if empty >= 0 else np.ones(len(codes), dtype=bool)


# Every character Python's str.strip() removes (str.isspace), as an RE2 class, so that
# only the few padded values are stripped in Python.
_SPACE = r"[\t\n\x0b\x0c\r\x1c-\x1f \x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}]"
# The UTF-8 bytes a text can start or end with when its first or last character is one of
# those: ASCII spaces, lead bytes 0xC2 (U+0085, U+00A0), 0xE1-0xE3 (U+1680 .. U+3000), and
# any continuation byte (0x80-0xBF) at the end.
_SPACE_FIRST = np.zeros(256, dtype=bool)
_SPACE_FIRST[[0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x1C, 0x1D, 0x1E, 0x1F, 0x20, 0xC2, 0xE1, 0xE2, 0xE3]] = True
_SPACE_LAST = np.zeros(256, dtype=bool)
_SPACE_LAST[[0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x1C, 0x1D, 0x1E, 0x1F, 0x20]] = True
_SPACE_LAST[0x80:0xC0] = True


def _padded(text) -> np.ndarray:
    """Which texts of an Arrow text array (no nulls) start or end with a space.

    The regular expression is run only on the texts whose first or last byte could be part
    of a space, found from Arrow's offsets and bytes in NumPy: ids, phones and e-mails
    rarely are, and a million texts are then not matched one by one.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    chunks = text.chunks if isinstance(text, pa.ChunkedArray) else [text]
    masks = []
    for chunk in chunks:
        n = len(chunk)
        mask = np.zeros(n, dtype=bool)
        if n:
            _, offsets, data = chunk.buffers()
            wide = np.int64 if pa.types.is_large_string(chunk.type) else np.int32
            bounds = np.frombuffer(offsets, dtype=wide, count=n + 1, offset=chunk.offset * np.dtype(wide).itemsize)
            data = np.frombuffer(data, dtype=np.uint8) if data is not None else np.zeros(0, dtype=np.uint8)
            start, end = bounds[:-1], bounds[1:]
            filled = np.flatnonzero(end > start)
            could = filled[_SPACE_FIRST[data[start[filled]]] | _SPACE_LAST[data[end[filled] - 1]]]
            if len(could):
                mask[could] = pc.match_substring_regex(chunk.take(pa.array(could)), f"^{_SPACE}|{_SPACE}$").to_numpy(zero_copy_only=False)
        masks.append(mask)
    return np.concatenate(masks) if len(masks) != 1 else masks[0]


def _longest(text) -> int:
    """Characters in the longest of the texts of an Arrow text array, 0 when there is none.

    A text has at least as many bytes as characters, so characters are counted only when
    the longest in bytes could pass :data:`MAX_FIELD`.
    """
    import pyarrow.compute as pc

    if not len(text):
        return 0
    longest = pc.max(pc.binary_length(text)).as_py() or 0
    if longest > MAX_FIELD:
        longest = pc.max(pc.utf8_length(text)).as_py() or 0
    return int(longest)


def _plain_text(given) -> tuple[pd.api.extensions.ExtensionArray, int]:
    """A column kept as plain text: (pandas ``str`` array, length of its longest value).

    ``given`` is an Arrow text array, or (codes, distinct values) as for
    :func:`_text_column`. Spaces are trimmed and a missing cell is an empty text, as in a
    coded column; the texts stay in Arrow, so no Python string is made per row.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(given, tuple):
        codes, values = given
        if not isinstance(values, (pa.Array, pa.ChunkedArray)):
            values = pa.array([v if isinstance(v, str) else None for v in values], type=pa.string())
        given = values.take(pa.array(np.asarray(codes), mask=np.asarray(codes) < 0)) if len(values) else pa.nulls(len(codes), pa.string())
    text = given if isinstance(given, pa.ChunkedArray) else pa.chunked_array([given])
    if pa.types.is_dictionary(text.type):
        text = text.cast(text.type.value_type)
    if not pa.types.is_string(text.type):
        text = text.cast(pa.string())
    text = text.fill_null("") if text.null_count else text
    padded = _padded(text)
    if padded.any():
        text = text.combine_chunks()
        where = pa.array(np.flatnonzero(padded))
        text = pc.replace_with_mask(text, pa.array(padded), pa.array([v.strip() for v in text.take(where).to_pylist()], type=pa.string()))
    return pd.array(text, dtype="str"), _longest(text)


def _text_column(codes: np.ndarray, values) -> pd.Categorical:
    """Trim spaces of the distinct values and return the column as a categorical of text.

    See :func:`_coded_text`, which also gives the length of the longest text.

    Examples
    --------
    >>> import pyarrow as pa
    >>> list(_text_column(np.array([1, 0, -1]), pa.array(["G02", " G01"])))
    ['G01', 'G02', '']
    """
    return _coded_text(codes, values)[0]


def _coded_text(codes: np.ndarray, values) -> tuple[pd.Categorical, int]:
    """Trim spaces of the distinct values; return the column as a categorical of text, and
    the characters of its longest distinct value.

    ``values`` are the distinct texts (an Arrow array or a sequence; null for missing) and
    ``codes`` their position per row, -1 for a missing cell, which becomes an empty text.
    The categories are in text order, so the loader's ids and codes sort as their text
    does. Trimming, de-duplicating and ordering are done on the distinct values in Arrow.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    if not isinstance(values, (pa.Array, pa.ChunkedArray)):
        values = pa.array([v if isinstance(v, str) else None for v in values], type=pa.string())
    if not pa.types.is_string(values.type):
        values = values.cast(pa.string())
    codes = np.asarray(codes)
    missing = bool(len(codes)) and int(codes.min()) < 0
    changed = values.null_count > 0
    values = values.fill_null("") if changed else values
    padded = _padded(values)
    if padded.any():
        texts = values.to_pylist()
        for i in np.flatnonzero(padded):
            texts[i] = texts[i].strip()
        values, changed = pa.array(texts, type=pa.string()), True
    if missing:
        values = pa.concat_arrays([values, pa.array([""], type=pa.string())])
    # Sorting puts equal texts next to each other: an Arrow dictionary may repeat a value, and
    # trimmed or filled values may repeat others. Runs of equal sorted texts are the distinct
    # values, found by comparing neighbours instead of hashing every text.
    if len(values) > 1 and not pc.any(pc.less_equal(values.slice(1), values.slice(0, len(values) - 1))).as_py():
        # Distinct and in order already, as ids often are: each text is its own rank.
        order = rank = np.arange(len(values))
        uniques = values
    else:
        order = pc.sort_indices(values).to_numpy() if len(values) else np.empty(0, dtype=np.int64)
        ordered = values.take(pa.array(order)) if len(values) else values
        starts = np.ones(len(order), dtype=bool)
        if len(order) > 1:
            starts[1:] = pc.not_equal(ordered.slice(1), ordered.slice(0, len(order) - 1)).to_numpy(zero_copy_only=False)
        rank = np.empty(len(order), dtype=np.int64)
        rank[order] = np.cumsum(starts) - 1
        uniques = ordered.filter(pa.array(starts)) if not starts.all() else ordered
    if not missing and len(uniques) == len(values) and (order == np.arange(len(order))).all():
        row_codes = codes  # already distinct, trimmed and in order: nothing to move
    else:
        small = np.int8 if len(uniques) < 127 else np.int16 if len(uniques) < 32_767 else np.int32
        remap = rank.astype(small)
        row_codes = remap[np.where(codes < 0, len(remap) - 1, codes)] if missing else remap[codes]
    categories = uniques.to_numpy(zero_copy_only=False) if len(uniques) else np.array([""], dtype=object)
    column = pd.Categorical.from_codes(row_codes, dtype=pd.CategoricalDtype(pd.Index(categories, dtype=object)), validate=False)
    return column, _longest(uniques)


def _text_order(texts: np.ndarray) -> np.ndarray:
    """Positions that put distinct strings in text (code point) order."""
    if len(texts) < 10_000:
        return np.array(sorted(range(len(texts)), key=texts.__getitem__), dtype=np.int64)
    import pyarrow as pa
    import pyarrow.compute as pc

    # Arrow compares UTF-8 bytes, which orders text by code point as Python does.
    return pc.sort_indices(pa.array(texts, type=pa.string())).to_numpy()


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
        frame, problem = frame_from_grid(grid, source, plain=_plain_columns(ws.title))
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
