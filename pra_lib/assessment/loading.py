"""Load and validate an assessment folder.

Every table is read as text first, so nothing is coerced silently; each column is then
converted by its definition in :mod:`pra_lib.assessment.schema`, and every value that does not fit is
reported with its file, spreadsheet row, column and the value itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from . import crf
from .metadata import Metadata, find_metadata_file, read_metadata
from .problems import AssessmentError, Problem, format_problems, problems_frame
from .scales import PERCEPTION_SCALES, dont_know_labels, label_map
from .readers import _text_order, read_tables
from .schema import TABLES, TABLES_BY_NAME, Column, Table

MISPLACED_HEADER = "the header on row 1;"
_TRUE = {"true", "yes", "ya", "1", "y"}
_FALSE = {"false", "no", "tidak", "0", "n"}


class NotCollected(Exception):
    """A report's data were not collected: it stops with this message and no other report does."""


@dataclass
class Assessment:
    """A loaded assessment: metadata plus one typed DataFrame per table.

    Tables are reached by name, as attributes (``assessment.participants``) or with
    :meth:`table`. A table the folder does not have is an empty frame with the documented
    columns, so analyses can say "not collected" instead of failing.
    """

    path: Path
    metadata: Metadata
    tables: dict[str, pd.DataFrame]
    sources: dict[str, str]
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def assessment_id(self) -> str:
        return self.metadata.assessment_id

    def table(self, name: str) -> pd.DataFrame:
        if name not in TABLES_BY_NAME:
            raise KeyError(f"unknown table {name!r}; known tables: {', '.join(TABLES_BY_NAME)}")
        return self.tables[name]

    def __getattr__(self, name: str) -> pd.DataFrame:
        tables = self.__dict__.get("tables")
        if tables is not None and name in tables:
            return tables[name]
        raise AttributeError(name)

    def has(self, name: str) -> bool:
        """Whether the folder holds the table with at least one row."""
        return name in self.sources and not self.tables[name].empty

    def require(self, *names: str, report: str, activity_id: str | None = None) -> None:
        """Stop a report whose data the assessment does not hold, in one sentence.

        Parameters
        ----------
        *names : str
            Tables the report cannot do without.
        report : str
            What the report is, for the message (``"interview"``).
        activity_id : str, optional
            Tables with an ``activity_id`` column must hold rows of this activity.

        Raises
        ------
        NotCollected
            Naming every table (and activity) that is missing.

        Examples
        --------
        >>> load_assessment("data/sample").require("interview_statements", report="interview")  # doctest: +SKIP
        """
        missing = []
        for name in names:
            frame = self.table(name)
            if activity_id is not None and "activity_id" in frame:
                frame = frame[frame["activity_id"] == activity_id]
            if name not in self.sources or frame.empty:
                missing.append(f"{name} of {activity_id}" if activity_id is not None and "activity_id" in self.table(name) else name)
        if missing:
            named = missing[0] if len(missing) == 1 else ", ".join(missing[:-1]) + " or " + missing[-1]
            raise NotCollected(f"This assessment holds no {named}, so there is no {report} report; the other reports are not affected.")

    def input_files(self) -> list[Path]:
        """Every file the assessment was read from."""
        files = {Path(self.path) / src.rsplit(" [sheet ", 1)[0] for src in self.sources.values()}
        meta = find_metadata_file(Path(self.path))
        if meta is not None:
            files.add(meta)
        return sorted(files)


def load_assessment(path, *, errors: str = "raise") -> Assessment:
    """Load an assessment folder into typed, validated tables.

    Parameters
    ----------
    path : str or Path
        Folder holding ``assessment.yaml`` (or ``.toml``) and the tables, as CSV files or as
        sheets of XLSX workbooks.
    errors : {"raise", "collect"}
        ``"raise"`` raises :class:`AssessmentError` listing every problem; ``"collect"``
        returns what could be loaded, with the problems in ``Assessment.problems``. Values
        that failed validation are missing in the returned tables.

    Returns
    -------
    Assessment

    Examples
    --------
    >>> a = load_assessment("data/sample")            # doctest: +SKIP
    >>> a.perception_ratings.groupby("goal_id")["rating"].mean()  # doctest: +SKIP
    """
    if errors not in ("raise", "collect"):
        raise ValueError(f"errors must be 'raise' or 'collect', not {errors!r}")
    folder = Path(path)
    if not folder.is_dir():
        raise AssessmentError(folder, [Problem(file=str(folder), kind="missing_file", expected="an assessment folder")])
    from .snapshot import cached_assessment

    cached = cached_assessment(folder, errors=errors)  # under `pra run`: validated once by the runner
    if cached is not None:
        return cached
    metadata, problems = read_metadata(folder)
    raw = read_tables(folder)
    problems += raw.problems
    sources = raw.sources
    tables: dict[str, pd.DataFrame] = {}
    unusable: set[str] = set()
    unreadable_tables: set[str] = set()
    for spec in TABLES:
        if spec.name in raw.frames:
            # The text as read is let go once the table is typed.
            frame, table_problems = _convert(raw.frames.pop(spec.name), spec, sources[spec.name], metadata, decimal_comma=spec.name in raw.decimal_comma)
            problems += table_problems
            if any(p.expected.startswith(MISPLACED_HEADER) for p in table_problems):
                unusable.add(spec.name)  # its rows are not read; references to it are not checked
        else:
            frame = _empty(spec)
            unreadable = any(p.file in (f"{spec.name}.csv", f"{spec.name}.parquet") for p in raw.problems)
            if unreadable:
                unreadable_tables.add(spec.name)
            if spec.required and not unreadable:
                problems.append(Problem(file=f"{spec.name}.csv", kind="missing_file", expected=f"the required table '{spec.name}' as {spec.name}.csv or a sheet named {spec.name}"))
        tables[spec.name] = frame
    if metadata is not None:
        checked = {k: v for k, v in sources.items() if k not in unusable}
        problems += _check_references(tables, checked, metadata)
        problems += _check_rules(tables, checked)
        problems += _absent_targets(tables, sources, unreadable_tables | unusable)
    if metadata is None:
        raise AssessmentError(folder, problems)
    assessment = Assessment(folder, metadata, tables, sources, problems, raw.notes)
    if problems and errors == "raise":
        raise AssessmentError(folder, problems)
    return assessment


def validate_assessment(path) -> list[Problem]:
    """Check an assessment folder and return every problem found (empty when valid).

    Examples
    --------
    >>> validate_assessment("data/sample")   # doctest: +SKIP
    []
    """
    try:
        return load_assessment(path, errors="collect").problems
    except AssessmentError as exc:
        return exc.problems


# --------------------------------------------------------------------------- reading


# --------------------------------------------------------------------------- typing


def _empty(spec: Table) -> pd.DataFrame:
    frame = pd.DataFrame({"source_row": pd.Series(dtype="int64"), **{c.name: pd.Series(dtype=_dtype(c)) for c in spec.columns}})
    if spec.name == "perception_ratings":
        frame["dont_know"] = pd.Series(dtype=bool)
    return frame


def _dtype(col: Column):
    if col.personal:
        return "str"  # names, phones, e-mails, NIK: nearly all distinct, kept as plain text
    if col.kind == "str":
        return pd.CategoricalDtype(pd.Index([], dtype=object))  # ids and codes are categorical, as when read
    return {"int": "Int64", "float": "Float64", "bool": "boolean", "likert": "Int8"}[col.kind]


def _convert(raw: pd.DataFrame, spec: Table, source: str, metadata: Metadata | None, *, decimal_comma: bool = False):
    problems: list[Problem] = []
    header_row = _header_row_below(raw, spec)
    if header_row is not None:
        names = ", ".join(str(v) for v in raw.loc[header_row].tolist() if str(v))[:120]
        problems.append(Problem(file=source, row=header_row, kind="missing_column", value=names, expected=f"{MISPLACED_HEADER} it is on row {header_row}: delete the {header_row - 1} row(s) above it (a title?)"))
        return _empty(spec), problems
    present = set(raw.columns)
    dupes = sorted({c for c in raw.columns if list(raw.columns).count(c) > 1})
    for name in dupes:
        problems.append(Problem(file=source, row=1, column=name, kind="duplicate", value=name, expected="each column name once in the header"))
    if dupes:
        raw = raw.loc[:, ~raw.columns.duplicated()]
    unclaimed = [c for c in raw.columns if c not in {col.name for col in spec.columns}]
    for col in spec.columns:
        if col.required and col.name not in present:
            hint = _near_miss(col.name, unclaimed)
            also = f"; found '{hint}', rename it to {col.name}" if hint else ""
            problems.append(Problem(file=source, row=1, column=col.name, kind="missing_column", expected=f"a column '{col.name}': {col.description}{also}"))
    out = pd.DataFrame(index=raw.index)
    failed: dict[str, set[int]] = {}
    each_value: dict[str, pd.Series] = {}  # a typed column's distinct values, each once
    for col in spec.columns:
        if col.name not in present:
            out[col.name] = pd.Series(pd.NA, index=raw.index, dtype=_dtype(col)) if col.kind != "str" or col.personal else pd.Series(pd.Categorical.from_codes(np.full(len(raw), -1, dtype=np.int8), dtype=_dtype(col)), index=raw.index)
            continue
        converted, col_problems, dont_know, each_value[col.name] = _convert_column(raw[col.name], col, source, metadata, spec, decimal_comma=decimal_comma)
        problems += col_problems
        failed[col.name] = {p.row for p in col_problems}
        out[col.name] = converted
        if spec.name == "perception_ratings" and col.name == "rating":
            out["dont_know"] = dont_know
    if spec.name == "perception_ratings" and "dont_know" not in out:
        out["dont_know"] = False
    # A column that may be empty, repeat and hold anything (a name, a phone) has nothing to check.
    checked = [c for c in spec.columns if c.name in present and (not c.nullable or c.unique or c.allowed is not None or c.minimum is not None or c.maximum is not None)]
    problems += [p for p in _pandera_checks(out, checked, source, each_value=each_value) if p.row not in failed.get(p.column, ())]
    if spec.name == "perception_ratings" and "rating" in present:
        # A 'don't know' answer is missing, never a middle value.
        out["rating"] = out["rating"].mask(out["dont_know"].to_numpy())
    if len(raw) == 0 and spec.required:
        problems.append(Problem(file=source, kind="empty", expected=f"at least one row in the required table '{spec.name}'"))
    return _with_source_row(out), problems


def _with_source_row(out: pd.DataFrame) -> pd.DataFrame:
    """The rows' spreadsheet numbers as the first column, ``source_row``, and a plain index.

    Built from the columns as they are: ``reset_index`` would materialise the row numbers
    and then copy them (two arrays of 8 bytes per row at 24 million ratings).
    """
    index = out.index
    if isinstance(index, pd.RangeIndex):
        rows = np.arange(index.start, index.stop, index.step, dtype=np.int64)
    else:
        rows = index.to_numpy(dtype=np.int64, copy=True)
    columns = {"source_row": rows, **{name: out[name].array for name in out.columns}}
    return pd.DataFrame(columns, index=pd.RangeIndex(len(out)), copy=False)


def _normal_header(name: str) -> str:
    import re

    return re.sub(r"[^a-z0-9]+", "_", str(name).casefold()).strip("_")


def _near_miss(name: str, candidates: list[str]) -> str | None:
    """A header that is probably ``name`` misspelt: 'Respondent ID' for respondent_id."""
    import difflib

    normal = {_normal_header(c): c for c in candidates if str(c)}
    if name in normal:
        return normal[name]
    close = difflib.get_close_matches(name, list(normal), n=1, cutoff=0.8)
    return normal[close[0]] if close else None


def _header_row_below(raw: pd.DataFrame, spec: Table) -> int | None:
    """The spreadsheet row of the real header when title rows sit above it: the first of the
    next ten rows that names most required columns, while row 1 names almost none."""
    required = {c.name for c in spec.columns if c.required}
    if not required or len(required & {_normal_header(c) for c in raw.columns}) * 2 >= len(required):
        return None
    for row in raw.index[:10]:
        names = {_normal_header(v) for v in raw.loc[row]}
        if len(required & names) * 2 > len(required):
            return int(row)
    return None


def _convert_column(values: pd.Series, col: Column, source: str, metadata: Metadata | None, spec: Table, *, decimal_comma: bool = False):
    """Convert one column by converting its distinct values once, then spreading them.

    A PRA table repeats a few codes millions of times; working on the distinct values keeps
    the cost of labels, id normalisation and error reporting independent of the row count.
    Returns (converted, problems, dont_know flags, the distinct converted values of a
    number or Likert column, or None).
    """
    if col.personal and col.kind == "str":
        return _plain_values(values), [], None, None
    if (
        col.kind == "str"
        and not (col.references or "").startswith("crf.")
        and isinstance(values.dtype, pd.CategoricalDtype)
        and values.cat.categories.dtype == object
        and values.cat.categories.is_monotonic_increasing  # distinct texts in text order, as read
        and values.cat.categories.is_unique
    ):
        return _text_as_read(values), [], None, None
    if isinstance(values.dtype, pd.CategoricalDtype):
        codes, distinct = values.array.codes, pd.Series(values.cat.categories, dtype=object)  # the codes themselves, not a copy
    else:
        codes, uniques = pd.factorize(values.to_numpy(dtype=object), use_na_sentinel=True)
        distinct = pd.Series(uniques, dtype=object)
    if decimal_comma and col.kind in ("int", "float"):
        distinct = distinct.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    converted, found = _convert_values(distinct, col, metadata, spec)
    # Position len(distinct) stands for a value the reader left missing.
    positions = codes if not len(codes) or codes.min() >= 0 else np.where(codes < 0, len(distinct), codes)
    if col.kind == "str":
        # Ids and codes stay categorical: each distinct text is stored once, whatever the rows.
        result = pd.Series(_categorical(converted.to_numpy(dtype=object), positions, ordered_text=not (col.personal or col.free_text)), index=values.index, copy=False)
    else:
        filler = pd.Series([pd.NA], dtype=converted.dtype)
        # Taken from the array: taking from a Series would also build a 24M-row index.
        result = pd.Series(pd.concat([converted, filler], ignore_index=True).array.take(positions), index=values.index, copy=False)
    dk = dont_know_labels(PERCEPTION_SCALES if spec.name == "perception_ratings" else (col.scale or "performance",), metadata.scales if metadata else None)
    dont_know = np.append(distinct.str.casefold().isin(dk).to_numpy(), False)[positions] if col.kind == "likert" else None
    problems: list[Problem] = []
    if found:
        by_position: dict[int, list[Problem]] = {}
        for p in found:
            by_position.setdefault(p.row, []).append(p)
        hit = np.isin(codes, list(by_position))
        for row, code in zip(values.index[hit], codes[hit]):
            problems += [replace(p, file=source, row=int(row)) for p in by_position[int(code)]]
    return result, problems, dont_know, (None if col.kind == "str" else converted)


def _text_as_read(values: pd.Series) -> pd.Series:
    """An id or code column as the reader coded it, an empty text missing.

    The reader's categories are distinct texts in text order, so the only change is that
    the empty text, which sorts first, becomes missing: no category is hashed or sorted
    again, and the codes move only when there is an empty cell.
    """
    categories = values.cat.categories
    codes = values.array.codes
    if len(categories) and categories[0] == "":
        codes = np.where(codes <= 0, -1, codes - 1).astype(codes.dtype, copy=False)
        categories = categories[1:]
    elif not len(codes) or codes.min() >= 0:
        return values  # nothing empty, nothing to change
    return pd.Series(pd.Categorical.from_codes(codes, dtype=pd.CategoricalDtype(categories), validate=False), index=values.index, copy=False)


def _plain_values(values: pd.Series) -> pd.Series:
    """Personal text as pandas' ``str``, an empty cell missing, without coding it.

    Names, phones, e-mails and NIK are nearly all distinct: coding them would store each
    text once more, and they are only screened for publishing, never grouped.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(values.dtype, pd.StringDtype) and values.dtype.storage == "pyarrow":
        text = pa.chunked_array(pa.array(values.array))
    else:
        text = pa.chunked_array([pa.array(values.astype(object).where(values.notna(), None).to_numpy(dtype=object), type=pa.string(), from_pandas=True)])
    text = pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text)
    return pd.Series(pd.array(text, dtype="str"), index=values.index, copy=False)


def _categorical(distinct: np.ndarray, positions: np.ndarray, *, ordered_text: bool = True) -> pd.Categorical:
    """Spread converted distinct values (None for missing) over the rows as a categorical.

    ``positions`` picks, for each row, an entry of ``distinct`` or ``len(distinct)`` for a
    missing cell. With ``ordered_text`` the categories are in text order, so sorting or
    grouping the column orders it as the text itself would be ordered.
    """
    codes, uniques = pd.factorize(distinct, use_na_sentinel=True)
    uniques = np.asarray(uniques, dtype=object)
    if ordered_text and len(uniques) > 1:
        order = _text_order(uniques)
        rank = np.empty(len(order), dtype=np.int64)
        rank[order] = np.arange(len(order))
        uniques = uniques[order]
        codes = np.where(codes < 0, -1, rank[np.maximum(codes, 0)])
    if len(codes) == len(uniques) and (codes == np.arange(len(codes))).all() and positions.max(initial=-1) < len(codes):
        row_codes = positions  # the reader's codes already are these: nothing to move
    else:
        small = np.int8 if len(uniques) < 127 else np.int16 if len(uniques) < 32_767 else np.int32
        row_codes = np.append(codes, -1).astype(small)[positions]
    return pd.Categorical.from_codes(row_codes, dtype=pd.CategoricalDtype(pd.Index(uniques, dtype=object)), validate=False)


def _convert_values(values: pd.Series, col: Column, metadata: Metadata | None, spec: Table):
    """Convert distinct raw values; problems carry the value's position as ``row``."""
    source = ""
    problems: list[Problem] = []
    missing = values.eq("") | values.isna()

    def bad(mask, expected, kind="type"):
        for row, value in values[mask].items():
            problems.append(Problem(file=source, row=int(row), column=col.name, kind=kind, value=value, expected=expected))

    if col.kind == "str":
        result = values.where(~missing, None).astype(object)
        if col.references == "crf.goals":
            result, mask = _normalise(result, crf.normalise_goal_id)
            bad(mask, "a CRF goal id G01..G12 (or 1..12)", kind="reference")
        elif col.references == "crf.indicators":
            result, mask = _normalise(result, crf.normalise_indicator_id)
            bad(mask, "a CRF indicator id such as 1.1 .. 12.4", kind="reference")
        return result, problems
    if col.kind in ("int", "float"):
        numbers = pd.to_numeric(values.where(~missing), errors="coerce")
        not_number = numbers.isna() & ~missing
        bad(not_number, "a whole number" if col.kind == "int" else "a number")
        if col.kind == "int":
            fractional = numbers.notna() & (numbers % 1 != 0)
            bad(fractional, "a whole number")
            numbers = numbers.where(~fractional)
            return numbers.round().astype("Int64"), problems
        return numbers.astype("Float64"), problems
    if col.kind == "bool":
        folded = values.str.casefold()
        result = pd.Series(pd.NA, index=values.index, dtype="boolean")
        result[folded.isin(_TRUE)] = True
        result[folded.isin(_FALSE)] = False
        bad(result.isna() & ~missing, "true or false (also yes/no, ya/tidak, 1/0)")
        return result, problems
    if col.kind == "likert":
        scale_names = PERCEPTION_SCALES if spec.name == "perception_ratings" else (col.scale,)
        scales = metadata.scales if metadata else None
        labels = label_map(scale_names, scales)
        dk = dont_know_labels(scale_names, scales)
        folded = values.str.casefold()
        from_label = pd.to_numeric(folded.map(labels), errors="coerce")
        numbers = pd.to_numeric(values.where(~missing & from_label.isna() & ~folded.isin(dk)), errors="coerce")
        codes = from_label.fillna(numbers)
        unparsed = codes.isna() & ~missing & ~folded.isin(dk)
        nonint = codes.notna() & (codes % 1 != 0)
        bad(unparsed | nonint, f"a code 1-5 or a {'/'.join(scale_names)} label such as '{sorted(labels)[0]}', or \"don't know\"")
        codes = codes.where(~nonint)
        return codes.astype("Float64").round().astype("Int8"), problems
    raise ValueError(f"unknown column kind {col.kind!r}")


def _normalise(values: pd.Series, normaliser):
    """Apply a normaliser to the distinct values; return (normalised, mask of failures)."""
    mapping = {}
    for value in pd.unique(values.dropna()):
        try:
            mapping[value] = normaliser(value)
        except ValueError:
            mapping[value] = None
    result = values.map(lambda v: mapping.get(v) if v is not None else None)
    failed = values.notna() & result.isna()
    return result.where(~failed, None).astype(object), failed


def _pandera_checks(frame: pd.DataFrame, columns_to_check: list[Column], source: str, *, each_value: dict | None = None) -> list[Problem]:
    """Nullability, uniqueness, allowed values and ranges, checked with pandera.

    A categorical column is first checked on its codes (a missing cell is code -1, a
    repeated value a repeated code) and on its distinct values, once each; a number or
    Likert column typed from distinct values (``each_value``) on those values. Pandera
    checks a column row by row only when that finds something, so the problems are
    pandera's own while a clean column of 24 million rows is never copied or compared per
    row (pandera drops the missing cells of a column before a value check: a copy of
    every other row and of its index).
    """
    each_value = each_value or {}

    def clean(col: Column) -> bool:
        column = frame[col.name]
        if isinstance(column.dtype, pd.CategoricalDtype):
            return _clean_by_codes(column, col, source)
        distinct = each_value.get(col.name)
        if distinct is None or col.unique or distinct.dtype != column.dtype:
            return False
        if not col.nullable and column.isna().any():
            return False
        return _clean_values(distinct.dropna(), column.dtype, col, source)

    by_row = [col for col in columns_to_check if not clean(col)]
    return _pandera_rows(frame[[col.name for col in by_row]], by_row, source) if by_row else []


def _clean_by_codes(column: pd.Series, col: Column, source: str) -> bool:
    """Whether pandera would find nothing in a categorical column, judged on its codes and
    on each category once (a value check is a check of each value on its own)."""
    codes = column.array.codes
    if not col.nullable and len(codes) and codes.min() < 0:
        return False
    if col.unique and pd.Series(codes, copy=False).duplicated().any():
        return False
    if col.allowed is None and col.minimum is None and col.maximum is None:
        return True
    categories = column.cat.categories
    return _clean_values(pd.Categorical.from_codes(np.arange(len(categories)), dtype=column.dtype), column.dtype, col, source)


def _clean_values(values, dtype, col: Column, source: str) -> bool:
    """Whether pandera's value checks of ``col`` pass for each of ``values``, given once each
    with the column's dtype.

    The checks are first made as pandera makes them (``isin``, and ``>=`` / ``<=`` for a
    range, missing values left out), so that pandera is asked, and imported, only when a
    value fails.
    """
    if col.allowed is None and col.minimum is None and col.maximum is None:
        return True
    each_once = pd.Series(values, dtype=dtype)
    try:
        present = each_once.dropna()
        passed = present.isin(list(col.allowed)).all() if col.allowed is not None else True
        if col.minimum is not None:
            passed = passed and bool((present >= col.minimum).all())
        if col.maximum is not None:
            passed = passed and bool((present <= col.maximum).all())
        if passed:
            return True
    except (TypeError, ValueError):
        pass  # pandera says what is wrong
    return not _pandera_rows(pd.DataFrame({col.name: each_once}), [replace(col, nullable=True, unique=False)], source)


def _pandera_rows(frame: pd.DataFrame, columns_to_check: list[Column], source: str) -> list[Problem]:
    """:func:`_pandera_checks` of every row."""
    import pandera.pandas as pa

    columns = {}
    expectations = {}
    for col in columns_to_check:
        checks = []
        if col.allowed is not None:
            checks.append(pa.Check.isin(list(col.allowed)))
            expectations[(col.name, "isin")] = ("unknown_code", "one of " + ", ".join(col.allowed))
        if col.minimum is not None or col.maximum is not None:
            lo = -np.inf if col.minimum is None else col.minimum
            hi = np.inf if col.maximum is None else col.maximum
            checks.append(pa.Check.in_range(lo, hi))
            rng = f"{col.minimum:g} to {col.maximum:g}" if col.maximum is not None else f"at least {col.minimum:g}"
            expectations[(col.name, "in_range")] = ("range", f"a value from {rng}")
        expectations[(col.name, "not_nullable")] = ("missing_column", "a value (this column may not be empty)")
        expectations[(col.name, "field_uniqueness")] = ("duplicate", "a value not used in another row")
        columns[col.name] = pa.Column(nullable=col.nullable, unique=col.unique, checks=checks, required=False)
    schema = pa.DataFrameSchema(columns, strict=False)
    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        problems = []
        for case in exc.failure_cases.itertuples(index=False):
            check = str(case.check)
            key = next((k for k in expectations if k[0] == case.column and check.startswith(k[1])), None)
            if key is None:
                kind, expected = "type", check
            else:
                kind, expected = expectations[key]
            value = None if kind == "missing_column" else case.failure_case
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            row = None if case.index is None or pd.isna(case.index) else int(case.index)
            if kind == "missing_column":
                kind = "type"
                expected = "a value (this column may not be empty)"
            problems.append(Problem(file=source, row=row, column=case.column, kind=kind, value=value, expected=expected))
        return sorted(problems, key=lambda p: (p.column or "", p.row or 0))
    return []


# --------------------------------------------------------------------------- cross-table checks


def _codes(series: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """(codes, distinct values) of a column, -1 for a missing cell: a categorical's own, or
    factorised. The checks below work on these, so no row's text is built or hashed.

    A categorical's distinct values are its categories themselves, so what pandas already
    knows of them (distinct, in order) is not worked out again for a million ids.
    """
    if isinstance(series.dtype, pd.CategoricalDtype):
        categories = series.cat.categories
        # The codes themselves, not a copy.
        return series.array.codes, categories if categories.dtype == object else pd.Index(np.asarray(categories, dtype=object), dtype=object)
    codes, uniques = pd.factorize(series.to_numpy(dtype=object), use_na_sentinel=True)
    return codes, pd.Index(np.asarray(uniques, dtype=object), dtype=object)


def _distinct(series: pd.Series) -> pd.Index:
    """The distinct values present in a column, missing left out."""
    codes, values = _codes(series)
    if not len(values):
        return values
    used = np.bincount(codes[codes >= 0] if codes.min(initial=0) < 0 else codes, minlength=len(values)) > 0
    return values if used.all() else values[used]


def _positions(values, known) -> np.ndarray:
    """Where each of ``values`` is in ``known``, -1 where it is not.

    Ids read from a file arrive as sorted, distinct categories: two such lists are merged
    in one pass of comparisons, where hashing a million texts would cost ten times as much.
    Anything else is looked up by hashing.

    Examples
    --------
    >>> _positions(np.array(["Q1", "Q3"], dtype=object), np.array(["Q1", "Q2"], dtype=object)).tolist()
    [0, -1]
    """
    left, right = _text_index(values), _text_index(known)
    if not right.is_unique:  # an id listed twice (reported as a duplicate): its first entry
        first = np.flatnonzero(~right.duplicated(keep="first"))
        found = right[first].get_indexer(left)
        return np.where(found >= 0, first[np.maximum(found, 0)], -1)
    if len(left) > 1000 and left.is_monotonic_increasing and right.is_monotonic_increasing and left.is_unique and right.is_unique:
        _, lidx, ridx = left.join(right, how="left", return_indexers=True)
        if lidx is None:
            return np.arange(len(left)) if ridx is None else np.asarray(ridx)
    return right.get_indexer(left)


def _text_index(values) -> pd.Index:
    """``values`` as an Index of Python objects; an Index that is one already is kept, with
    what pandas knows of it."""
    if isinstance(values, pd.Index) and values.dtype == object:
        return values
    return pd.Index(np.asarray(values, dtype=object), dtype=object)


def _per_row(distinct: np.ndarray, codes: np.ndarray, missing) -> np.ndarray:
    """Spread one value per distinct value over the rows; ``missing`` where a cell is empty."""
    return np.append(distinct, np.asarray([missing], dtype=distinct.dtype))[codes]


def _known_values(target: str, tables, metadata: Metadata) -> np.ndarray | None:
    if target == "meta.activities":
        return metadata.activities["activity_id"].dropna().to_numpy(dtype=object)
    if target == "meta.stakeholder_groups":
        return metadata.stakeholder_groups["stakeholder_group"].dropna().to_numpy(dtype=object)
    if target == "meta.areas":
        return metadata.areas["area"].dropna().to_numpy(dtype=object)
    if target.startswith("crf."):
        return None  # checked while typing
    table, column = target.split(".")
    return _distinct(tables[table][column])


def _check_references(tables, sources, metadata: Metadata) -> list[Problem]:
    problems: list[Problem] = []
    for spec in TABLES:
        if spec.name not in sources:
            continue
        frame = tables[spec.name]
        for col in spec.columns:
            if not col.references or col.name not in frame:
                continue
            target_table = col.references.split(".")[0]
            if target_table not in ("meta", "crf") and target_table not in sources:
                continue  # the missing or unreadable table is reported already
            known = _known_values(col.references, tables, metadata)
            if known is None:
                continue
            codes, values = _codes(frame[col.name])
            not_known = _positions(values, known) < 0
            if not not_known.any():
                continue  # every distinct value is known: no row needs to be looked at
            unknown = _per_row(not_known, codes, False)
            if not unknown.any():
                continue
            target = col.references
            if target.startswith("meta."):
                where = f"an id listed under {target[5:]} in the metadata file"
            else:
                t, c = target.split(".")
                where = f"an id that exists in column '{c}' of {sources[t]}"
            for row, code in zip(frame["source_row"].to_numpy()[unknown], codes[unknown]):
                problems.append(Problem(file=sources[spec.name], row=int(row), column=col.name, kind="reference", value=values[code], expected=where))
    return problems


def _hazard_type_rule(tables, sources, table_name, column, wanted) -> list[Problem]:
    if table_name not in sources:
        return []
    types = dict(zip(tables["hazards"]["hazard_id"], tables["hazards"]["hazard_type"]))
    frame = tables[table_name]
    codes, values = _codes(frame[column])
    actual = [types.get(v) for v in values]
    wrong = _per_row(np.array([a is not None and not pd.isna(a) and a != wanted for a in actual], dtype=bool), codes, False)
    return [
        Problem(file=sources[table_name], row=int(r), column=column, kind="reference", value=values[c], expected=f"a hazard of type {wanted} (this one is a {types[values[c]]})")
        for r, c in zip(frame["source_row"].to_numpy()[wrong], codes[wrong])
    ]


def _check_rules(tables, sources) -> list[Problem]:
    problems: list[Problem] = []
    for spec in TABLES:
        if spec.name not in sources or not spec.one_of:
            continue
        frame = tables[spec.name]
        none = frame[list(spec.one_of)].isna().all(axis=1)
        for row in frame.loc[none, "source_row"]:
            problems.append(Problem(file=sources[spec.name], row=int(row), column=" / ".join(spec.one_of), kind="type", expected="at least one of " + ", ".join(spec.one_of)))
    problems += _hazard_type_rule(tables, sources, "asset_impacts", "shock_id", "shock")
    problems += _hazard_type_rule(tables, sources, "amplifications", "shock_id", "shock")
    problems += _hazard_type_rule(tables, sources, "amplifications", "stress_id", "stress")

    ratings = tables["perception_ratings"]
    if "perception_ratings" in sources and len(ratings):
        source_row = ratings["source_row"].to_numpy()
        # The indicator must belong to the goal; compared as codes of the goal column.
        goal_of = dict(zip(crf.indicators()["indicator_id"], crf.indicators()["goal_id"]))
        ind_codes, indicators = _codes(ratings["indicator_id"])
        goal_codes, goals = _codes(ratings["goal_id"])
        expected = np.array([goal_of.get(v) for v in indicators], dtype=object)
        # -2: the indicator's goal is not among the goals rated, so it differs from any of them.
        expected_code = np.where(pd.isna(expected), -1, pd.Index(goals, dtype=object).get_indexer(expected))
        expected_code = np.where(pd.notna(expected) & (expected_code < 0), -2, expected_code)
        row_expected = _per_row(expected_code.astype(np.int8 if len(goals) < 127 else np.int64), ind_codes, -1)
        wrong = (row_expected != -1) & (goal_codes >= 0) & (row_expected != goal_codes)
        for row, code in zip(source_row[wrong], ind_codes[wrong]):
            ind = indicators[code]
            problems.append(Problem(file=sources["perception_ratings"], row=int(row), column="goal_id", kind="reference", value=ind, expected=f"goal {expected[code]}, the goal of indicator {ind}"))
        # The activity must be the respondent's: each distinct respondent's activity, as a
        # code of the ratings' activity column.
        # Worked on codes: a person's first row in participants (a repeated id is reported as
        # such), found for each distinct respondent of the ratings.
        people = tables["participants"]
        id_codes, ids = _codes(people["respondent_id"])
        first = np.full(len(ids) + 1, -1, dtype=np.int64)  # the last entry: nobody
        once = ~pd.Series(id_codes).duplicated(keep="first").to_numpy() & (id_codes >= 0)
        first[id_codes[once]] = np.flatnonzero(once)
        resp_codes, respondents = _codes(ratings["respondent_id"])
        act_codes, activities = _codes(ratings["activity_id"])
        person = first[_positions(respondents, ids)]  # -1 (not found) picks the last entry, -1
        own_act_codes, own_activities = _codes(people["activity_id"])
        own_act = np.append(own_act_codes, -1)[person]  # -1: no person, or no activity given
        # The person's activity as a code of the ratings' activity column; -2: none of them.
        as_rated = pd.Index(activities, dtype=object).get_indexer(own_activities)
        own_code = np.where(own_act < 0, -1, np.append(np.where(as_rated < 0, -2, as_rated), -1)[own_act])
        small = np.int8 if len(activities) < 127 else np.int64
        row_own = _per_row(own_code.astype(small), resp_codes, -1)
        wrong = (row_own != -1) & (act_codes >= 0) & (row_own != act_codes)
        for row, act, who in zip(source_row[wrong], act_codes[wrong], resp_codes[wrong]):
            problems.append(Problem(file=sources["perception_ratings"], row=int(row), column="activity_id", kind="reference", value=activities[act], expected=f"the respondent's own activity in participants ({own_activities[own_act[who]]})"))
    problems += _check_keys(tables, sources)
    return problems


_KEY_WORDS = {"perception_ratings": "one rating per respondent, goal or indicator, and aspect"}


def _check_keys(tables, sources) -> list[Problem]:
    """Every row after the first with the same key is a duplicate, named with its key."""
    problems: list[Problem] = []
    for spec in TABLES:
        frame = tables[spec.name]
        if spec.name not in sources or not spec.key or frame.empty:
            continue
        key, space = _row_keys([_codes(frame[col]) for col in spec.key])
        if space <= 4 * len(key):
            seen = np.zeros(space, dtype=bool)
            seen[key] = True
            if np.count_nonzero(seen) == len(key):
                continue  # every key once: the usual case, found without hashing the rows
            del seen
        dup = pd.Series(key).duplicated(keep="first").to_numpy() & frame[spec.key[0]].notna().to_numpy()
        if not dup.any():
            continue
        expected = _KEY_WORDS.get(spec.name, "one row per " + ", ".join(spec.key))
        shown = [c for c in spec.key if c in ("respondent_id", "goal_id")] if spec.name == "perception_ratings" else list(spec.key)
        for row, values in zip(frame.loc[dup, "source_row"], frame.loc[dup, shown].itertuples(index=False)):
            value = " / ".join(str(v) for v in values if v is not None and not pd.isna(v))
            problems.append(Problem(file=sources[spec.name], row=int(row), column=spec.key[0], kind="duplicate", value=value, expected=expected))
    return problems


def _row_keys(columns: list[tuple[np.ndarray, pd.Index]]) -> tuple[np.ndarray, int]:
    """One whole number per row for its values in ``columns``, given as (codes, distinct
    values): equal numbers for equal values, missing equal to missing. Returns the numbers
    and how many there could be (all are below it).

    Columns with few distinct values are combined first; when the next column would take
    the numbers past four times the rows, the combinations so far are numbered again by
    those that occur. A million respondent ids, combined last, then keep the numbers low
    enough for 32-bit arithmetic and for duplicates to be found by marking numbers seen,
    not by hashing every row.

    Examples
    --------
    >>> keys, space = _row_keys([(np.array([0, 1, 0]), pd.Index(["a", "b"])), (np.array([1, -1, 1]), pd.Index(["x", "y"]))])
    >>> bool(keys[0] == keys[2]), bool(keys[0] != keys[1]), space
    (True, True, 9)
    """
    rows = len(columns[0][0]) if columns else 0
    key, space = None, 1
    for codes, values in sorted(columns, key=lambda column: len(column[1])):
        size = len(values) + 1  # the last number: missing
        if size == 1:
            continue  # no value at all: every row the same
        if key is not None and space * size > 4 * rows:
            # Renumber the combinations so far by those that occur: by marking them when
            # there are few, by hashing the rows when there are more numbers than that.
            if space <= 4 * rows:
                used = np.zeros(space, dtype=bool)
                used[key] = True
                number = np.cumsum(used, dtype=np.int64) - 1
                key, space = number.astype(key.dtype)[key], int(number[-1]) + 1
            else:
                key = pd.factorize(key)[0].astype(np.int64)
                space = int(key.max(initial=-1)) + 1
        wide = np.int32 if space * size < 2**31 else np.int64
        if key is None:
            key = codes.astype(wide)
        else:
            key = key.astype(wide, copy=False)
            key *= size
            key += codes
        if len(codes) and codes.min() < 0:
            key[codes < 0] += size  # a missing cell added -1; its number is len(values)
        space *= size
    return (np.zeros(rows, dtype=np.int32) if key is None else key), space


def _absent_targets(tables, sources, unreadable: set[str]) -> list[Problem]:
    """An optional table that others refer to must be there: one problem per absent table.

    A required table that is absent is reported as such already, and an unreadable one
    has its own problem.
    """
    referrers: dict[str, list[str]] = {}
    for spec in TABLES:
        if spec.name not in sources:
            continue
        for col in spec.columns:
            target = (col.references or "").split(".")[0]
            if target in ("", "meta", "crf") or target in sources or target in unreadable or TABLES_BY_NAME[target].required:
                continue
            if tables[spec.name][col.name].notna().any():
                referrers.setdefault(target, []).append(f"{sources[spec.name]} ({col.name})")
    return [
        Problem(file=f"{target}.csv", kind="missing_file", expected=f"the table '{target}' as {target}.csv or a sheet named {target}, because " + ", ".join(dict.fromkeys(names)) + " refer(s) to it")
        for target, names in referrers.items()
    ]


__all__ = ["Assessment", "AssessmentError", "NotCollected", "load_assessment", "validate_assessment", "format_problems", "problems_frame"]
