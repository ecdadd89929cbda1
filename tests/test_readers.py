"""Hostile and messy input: one explicit fixture per case, plus property-based fuzzing.

Every case must either load correctly or be rejected with a listed problem: never a
traceback, a hang or silent corruption.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from pra_lib.assessment.loading import load_assessment, validate_assessment
from pra_lib.assessment.readers import read_csv

from .conftest import read_rows, set_cell, write_rows


def only(problems, **match):
    return [p for p in problems if all(getattr(p, k) == v for k, v in match.items())]


def test_utf8_bom_is_accepted(assessment_copy):
    path = assessment_copy / "hazards.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    a = load_assessment(assessment_copy)
    assert "hazard_id" in a.hazards.columns and a.hazards["hazard_id"].iloc[0] == "SH01"


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1"])
def test_windows_and_latin1_files_are_read_with_a_note(assessment_copy, encoding):
    path = assessment_copy / "hazards.csv"
    set_cell(path, 2, "name_en", "Flooding (café district)")
    path.write_bytes(path.read_text(encoding="utf-8").encode(encoding))
    a = load_assessment(assessment_copy)
    assert a.hazards["name_en"].iloc[0] == "Flooding (café district)"
    assert any("hazards.csv" in note and "Windows-1252" in note for note in a.notes)


def test_semicolons_and_decimal_commas(assessment_copy):
    path = assessment_copy / "actions.csv"
    rows = read_rows(path)
    budget = rows[0].index("budget_idr")
    rows[1][budget] = "1.250.000,50"
    path.write_text("\n".join(";".join(r) for r in rows) + "\n", encoding="utf-8")
    a = load_assessment(assessment_copy)
    assert a.actions["budget_idr"].iloc[0] == pytest.approx(1250000.50)
    assert any("semicolon" in note for note in a.notes)


def test_empty_and_header_only_files(assessment_copy):
    (assessment_copy / "assets.csv").write_text("")
    path = assessment_copy / "hazards.csv"
    write_rows(path, read_rows(path)[:1])
    problems = validate_assessment(assessment_copy)
    # A file without even a header row cannot be read as a table.
    assert only(problems, file="assets.csv", kind="empty")
    # A header-only optional table is an empty table, not a problem of its own (issue 12: only
    # participants and perception_ratings are required); the rows that refer to its hazards are.
    assert not only(problems, file="hazards.csv")
    dangling = [p for p in problems if p.column == "hazard_id" and "hazards.csv" in str(p.expected)]
    assert dangling and all(str(p.value).startswith(("SH", "ST")) for p in dangling)


def test_very_long_field_is_reported_shortened(assessment_copy):
    set_cell(assessment_copy / "participants.csv", 2, "channel", "x" * 200_000)
    problems = validate_assessment(assessment_copy)
    hit = only(problems, file="participants.csv", row=2, column="channel")
    assert hit and len(str(hit[0])) < 400


def test_random_bytes_are_unreadable_not_a_crash(assessment_copy):
    (assessment_copy / "assets.csv").write_bytes(bytes(range(256)) * 8)
    problems = validate_assessment(assessment_copy)
    assert only(problems, file="assets.csv", kind="unreadable")


def test_duplicated_header_names(assessment_copy):
    path = assessment_copy / "hazards.csv"
    rows = read_rows(path)
    rows[0][rows[0].index("category")] = "name_en"
    write_rows(path, rows)
    problems = validate_assessment(assessment_copy)
    assert only(problems, file="hazards.csv", kind="duplicate", column="name_en", row=1)
    assert only(problems, file="hazards.csv", kind="missing_column", column="category")


def test_ragged_rows_name_the_line(assessment_copy):
    path = assessment_copy / "hazards.csv"
    line = len(path.read_text().splitlines()) + 1
    path.write_text(path.read_text() + "SH99,shock,Extra,Ekstra,natural,unexpected,fields\n")
    problems = validate_assessment(assessment_copy)
    hit = only(problems, file="hazards.csv", kind="unreadable")
    assert hit and f"line {line}" in hit[0].expected and hit[0].row == line
    assert hit[0].column == "column 6 (no header)" and "'unexpected'" in hit[0].value and "after the last column 'category'" in hit[0].expected


def test_mixed_codes_and_labels_in_one_likert_column(assessment_copy):
    path = assessment_copy / "perception_ratings.csv"
    for row, value in ((2, "4"), (3, "baik"), (4, "Good"), (5, "sangat buruk"), (6, "Don't know"), (7, " 2 ")):
        set_cell(path, row, "rating", value)
    ratings = load_assessment(assessment_copy).perception_ratings.set_index("source_row")["rating"]
    assert [ratings[r] for r in (2, 3, 4, 5, 7)] == [4, 4, 4, 1, 2]
    assert pd.isna(ratings[6])


def _workbook_from_csv(folder, names, book_name="tables.xlsx"):
    wb = Workbook()
    wb.remove(wb.active)
    for name in names:
        ws = wb.create_sheet(name)
        for row in read_rows(folder / f"{name}.csv"):
            ws.append(row)
        (folder / f"{name}.csv").unlink()
    wb.create_sheet("notes").append(["an extra sheet", "is ignored"])
    wb.save(folder / book_name)
    return folder / book_name


def test_excel_formulas_with_saved_values_hidden_rows_and_extra_sheets(assessment_copy):
    book = _workbook_from_csv(assessment_copy, ["assets"])
    wb = load_workbook(book)
    ws = wb["assets"]
    ws.row_dimensions[3].hidden = True
    wb.save(book)
    a = load_assessment(assessment_copy)
    assert len(a.assets) == 40
    assert any("hidden" in note for note in a.notes)


def test_excel_formula_without_a_saved_value_is_reported(assessment_copy):
    book = _workbook_from_csv(assessment_copy, ["assets"])
    wb = load_workbook(book)
    ws = wb["assets"]
    col = [c.value for c in ws[1]].index("criticality") + 1
    ws.cell(row=2, column=col).value = "=2+3"  # openpyxl saves no cached result
    wb.save(book)
    problems = validate_assessment(assessment_copy)
    hit = only(problems, file="tables.xlsx [sheet assets]", row=2, column="criticality")
    assert hit and "formula" in hit[0].expected


def test_excel_merged_header_cells_are_reported(assessment_copy):
    book = _workbook_from_csv(assessment_copy, ["hazards"])
    wb = load_workbook(book)
    wb["hazards"].merge_cells("A1:B1")
    wb.save(book)
    problems = validate_assessment(assessment_copy)
    assert only(problems, file="tables.xlsx [sheet hazards]", row=1, kind="unreadable")


def test_excel_whole_numbers_stored_as_floats_are_codes(assessment_copy):
    book = _workbook_from_csv(assessment_copy, ["asset_impacts"])
    wb = load_workbook(book)
    ws = wb["asset_impacts"]
    col = [c.value for c in ws[1]].index("impact") + 1
    ws.cell(row=2, column=col).value = 4.0
    wb.save(book)
    a = load_assessment(assessment_copy)
    assert a.asset_impacts["impact"].iloc[0] == 4


def test_corrupt_workbook_is_unreadable(assessment_copy):
    (assessment_copy / "broken.xlsx").write_bytes(b"PK\x03\x04 not really a zip")
    problems = validate_assessment(assessment_copy)
    assert only(problems, file="broken.xlsx", kind="unreadable")


# --------------------------------------------------------------------------- fuzzing

_FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@_FUZZ
@given(data=st.binary(max_size=2000))
def test_fuzz_read_csv_never_raises(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("fuzz") / "participants.csv"
    path.write_bytes(data)
    frame, problem, notes, _ = read_csv(path)
    assert (frame is None) != (problem is None)


cell = st.one_of(st.text(max_size=30), st.sampled_from(["", "=1+1", "1,5", "tidak tahu", "G01", "Q0001", '"', "\r\n", ";", "\x00"]))


@_FUZZ
@given(rows=st.lists(st.lists(cell, min_size=1, max_size=8), min_size=0, max_size=12), table=st.sampled_from(["participants", "hazards", "perception_ratings", "assets"]))
def test_fuzz_validator_lists_problems_and_never_raises(small_sample, tmp_path_factory, rows, table):
    folder = tmp_path_factory.mktemp("fuzzed") / "a"
    shutil.copytree(small_sample, folder)
    with open(folder / f"{table}.csv", "w", encoding="utf-8", newline="") as handle:
        handle.write("\n".join(",".join(r) for r in rows))
    problems = validate_assessment(folder)
    for p in problems:
        assert p.file and p.kind and p.expected
        assert str(p)  # renders


@_FUZZ
@given(values=st.lists(st.one_of(st.text(max_size=12), st.integers(-3, 9).map(str)), min_size=1, max_size=20))
def test_fuzz_likert_values_are_coded_or_reported(assessment_copy, values):
    path = assessment_copy / "perception_ratings.csv"
    original = read_rows(path)
    rows = [r[:] for r in original]
    col = rows[0].index("rating")
    for i, value in enumerate(values, start=1):
        rows[i][col] = value.replace("\n", " ").replace("\r", " ")
    write_rows(path, rows)
    try:
        problems = validate_assessment(assessment_copy)
        if any(p.file == "perception_ratings.csv" and p.kind == "unreadable" for p in problems):
            return  # e.g. a NUL byte: the whole file is rejected with a listed problem
        reported = {p.row for p in problems if p.column == "rating"}
        ratings = load_assessment(assessment_copy, errors="collect").perception_ratings.set_index("source_row")["rating"]
        for i in range(len(values)):
            row = i + 2
            value = ratings[row]
            # Either a valid code 1..5, missing (empty / don't know), or a listed problem.
            assert row in reported or pd.isna(value) or 1 <= value <= 5
    finally:
        write_rows(path, original)


def test_parquet_is_accepted_wherever_csv_is(assessment_copy):
    reference = load_assessment(assessment_copy)
    for name in ("perception_ratings", "assets"):
        frame = pd.read_csv(assessment_copy / f"{name}.csv", keep_default_na=False, dtype=str)
        if name == "assets":
            frame["criticality"] = frame["criticality"].astype(int)  # typed, as Parquet writers keep it
        frame.to_parquet(assessment_copy / f"{name}.parquet", index=False)
        (assessment_copy / f"{name}.csv").unlink()
    a = load_assessment(assessment_copy)
    assert a.sources["perception_ratings"] == "perception_ratings.parquet"
    pd.testing.assert_frame_equal(a.perception_ratings, reference.perception_ratings)
    pd.testing.assert_frame_equal(a.assets, reference.assets)


def test_parquet_problems_name_the_record(assessment_copy):
    frame = pd.read_csv(assessment_copy / "assets.csv", keep_default_na=False, dtype=str)
    frame.loc[2, "criticality"] = "vital"
    frame.to_parquet(assessment_copy / "assets.parquet", index=False)
    (assessment_copy / "assets.csv").unlink()
    problems = validate_assessment(assessment_copy)
    assert only(problems, file="assets.parquet", row=4, column="criticality", value="vital")


# --- limits on hostile input (issue 16) ------------------------------------------------------


def test_a_sheet_with_one_cell_at_the_last_column_and_row_is_refused_before_reading(assessment_copy):
    """A 5 KB workbook whose used range is 16,384 columns x 1,048,576 rows: refused from its
    XML, before openpyxl builds a single row."""
    book = Workbook()
    sheet = book.active
    sheet.title = "hazards"
    for row in read_rows(assessment_copy / "hazards.csv"):
        sheet.append(row)
    sheet["XFD1048576"] = "x"
    book.save(assessment_copy / "pra.xlsx")
    (assessment_copy / "hazards.csv").unlink()
    (problem,) = only(validate_assessment(assessment_copy), file="pra.xlsx [sheet hazards]")
    assert "16,384 columns" in problem.value and "at most 500 columns" in problem.expected


def test_a_csv_with_a_million_columns_is_refused_with_its_width(assessment_copy):
    (assessment_copy / "hazards.csv").write_text(",".join(f"c{i}" for i in range(1_000_000)) + "\n1\n")
    (problem,) = only(validate_assessment(assessment_copy), file="hazards.csv")
    assert problem.value == "1,000,000 columns" and "at most 500 columns" in problem.expected


def test_an_unrelated_workbook_is_not_opened(assessment_copy, monkeypatch):
    """Only workbooks with a sheet named after a table are read, and each is opened once."""
    import openpyxl

    book = Workbook()
    book.active.title = "budget"
    book.active["A1"] = "not a PRA table"
    book.save(assessment_copy / "budget.xlsx")
    hazards = Workbook()
    hazards.active.title = "hazards"
    for row in read_rows(assessment_copy / "hazards.csv"):
        hazards.active.append(row)
    hazards.save(assessment_copy / "tables.xlsx")
    (assessment_copy / "hazards.csv").unlink()
    opened = []
    real = openpyxl.load_workbook

    def counting(path, *args, **kwargs):
        opened.append(Path(path).name)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(openpyxl, "load_workbook", counting)
    assert validate_assessment(assessment_copy) == []
    assert opened == ["tables.xlsx"]


def test_a_formula_without_a_saved_result_is_still_found(assessment_copy):
    book = Workbook()
    sheet = book.active
    sheet.title = "hazards"
    rows = read_rows(assessment_copy / "hazards.csv")
    for row in rows:
        sheet.append(row)
    sheet.cell(row=3, column=rows[0].index("name_en") + 1, value="=UPPER(C2)")  # openpyxl saves no result
    book.save(assessment_copy / "pra.xlsx")
    (assessment_copy / "hazards.csv").unlink()
    (problem,) = only(validate_assessment(assessment_copy), file="pra.xlsx [sheet hazards]")
    assert problem.row == 3 and problem.column == "name_en" and problem.value == "=UPPER(C2)"


def test_cells_that_would_become_formulas_after_a_separator_are_made_inert():
    """`x;=1+1` in a comma CSV is split at ';' by a spreadsheet set to Indonesian, and its
    second half evaluated (OWASP, CSV injection)."""
    from pra_lib.publishing.report import neutralise_formulas

    out = neutralise_formulas(pd.DataFrame({"t": ["x;=1+1", "a,@SUM(A1)", "b;+A1", "1,-2", "a, -b", 7]}))["t"].tolist()
    assert out == ["x;'=1+1", "a,'@SUM(A1)", "b;'+A1", "1,-2", "a, -b", 7]


# --- the columnar load path (issue 17) -------------------------------------------------------


def _both_readers(folder, monkeypatch):
    """Load ``folder`` twice: every CSV through the careful reader, then through the columnar
    one (which is otherwise kept for files of several megabytes)."""
    from pra_lib.assessment import readers

    monkeypatch.setattr(readers, "COLUMNAR_BYTES", 10**12)
    careful = load_assessment(folder, errors="collect")
    calls = []
    columnar = readers._read_csv_columnar

    def counted(path, **options):
        result = columnar(path, **options)
        calls.append((path.name, result is not None))
        return result

    monkeypatch.setattr(readers, "COLUMNAR_BYTES", 0)
    monkeypatch.setattr(readers, "_read_csv_columnar", counted)
    fast = load_assessment(folder, errors="collect")
    return careful, fast, dict(calls)


def test_columnar_csv_reader_gives_the_same_typed_tables(assessment_copy, monkeypatch):
    careful, fast, used = _both_readers(assessment_copy, monkeypatch)
    assert used["perception_ratings.csv"] and used["participants.csv"]  # the columnar reader took them
    assert not careful.problems and not fast.problems
    for name in careful.tables:
        pd.testing.assert_frame_equal(fast.tables[name], careful.tables[name], obj=name)


def test_ids_and_codes_stay_categorical_in_text_order(assessment_copy):
    a = load_assessment(assessment_copy)
    ratings = a.perception_ratings
    for col in ("respondent_id", "activity_id", "goal_id", "aspect"):
        assert isinstance(ratings[col].dtype, pd.CategoricalDtype), col
        categories = list(ratings[col].cat.categories)
        assert categories == sorted(categories), col  # sorting by codes sorts by text
    assert str(ratings["rating"].dtype) == "Int8"
    assert isinstance(a.participants["stakeholder_group"].dtype, pd.CategoricalDtype)
    as_text = ratings["respondent_id"].astype(object)
    assert ratings.sort_values("respondent_id", kind="stable").index.equals(as_text.sort_values(kind="stable").index)


@pytest.mark.parametrize(
    "breakage",
    ["bad_code", "blank_line", "ragged", "cp1252", "nul", "padded", "missing_reference"],
)
def test_columnar_reader_reports_the_same_problems_as_the_careful_one(assessment_copy, monkeypatch, breakage):
    path = assessment_copy / "perception_ratings.csv"
    rows = read_rows(path)
    if breakage == "bad_code":
        rows[5][rows[0].index("rating")] = "sangat bagus sekali"
    elif breakage == "padded":
        rows[5][rows[0].index("goal_id")] = "  G03 "
    elif breakage == "missing_reference":
        rows[7][rows[0].index("respondent_id")] = "Q9999"
    elif breakage == "ragged":
        rows[6].append("extra")
    write_rows(path, rows)
    if breakage == "blank_line":
        lines = path.read_text(encoding="utf-8").split("\n")
        path.write_text("\n".join(lines[:4] + [""] + lines[4:]), encoding="utf-8")
    elif breakage == "cp1252":
        set_cell(path, 3, "rating", "très bien")
        path.write_bytes(path.read_text(encoding="utf-8").encode("cp1252"))
    elif breakage == "nul":
        path.write_bytes(path.read_bytes().replace(b"G04", b"G0\x004", 1))
    careful, fast, _ = _both_readers(assessment_copy, monkeypatch)
    assert fast.problems == careful.problems
    assert fast.notes == careful.notes
    if breakage == "bad_code":
        assert only(fast.problems, file="perception_ratings.csv", row=6, column="rating", value="sangat bagus sekali")
    if breakage == "missing_reference":
        assert only(fast.problems, file="perception_ratings.csv", row=8, column="respondent_id", value="Q9999", kind="reference")
    if breakage in ("blank_line", "padded", "cp1252"):
        for name in careful.tables:
            pd.testing.assert_frame_equal(fast.tables[name], careful.tables[name], obj=name)


def test_parquet_dictionary_columns_are_read_as_codes(assessment_copy):
    """A Parquet file written from categoricals (dictionary-coded text) and one whose id
    column outgrew its dictionary page both load as the CSV does, and a bad code in a
    dictionary-coded column is reported with its file, row, column and value."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    reference = load_assessment(assessment_copy)
    frame = pd.read_csv(assessment_copy / "perception_ratings.csv", keep_default_na=False, dtype=str)
    table = pa.Table.from_pandas(frame.astype("category"), preserve_index=False)
    assert pa.types.is_dictionary(table.schema.field("rating").type)
    # A tiny dictionary page: the writer falls back to plain pages for the id column.
    pq.write_table(table.cast(pa.schema([pa.field("respondent_id", pa.string()), *list(table.schema)[1:]])), assessment_copy / "perception_ratings.parquet", dictionary_pagesize_limit=64, row_group_size=100)
    (assessment_copy / "perception_ratings.csv").unlink()
    a = load_assessment(assessment_copy)
    pd.testing.assert_frame_equal(a.perception_ratings, reference.perception_ratings)
    assert isinstance(a.perception_ratings["respondent_id"].dtype, pd.CategoricalDtype)

    frame.loc[10, "goal_id"] = "G13"
    pq.write_table(pa.Table.from_pandas(frame.astype("category"), preserve_index=False), assessment_copy / "perception_ratings.parquet")
    problems = validate_assessment(assessment_copy)
    assert only(problems, file="perception_ratings.parquet", row=12, column="goal_id", value="G13", kind="reference")


def test_a_dictionary_that_repeats_a_value_gives_one_category():
    import numpy as np
    import pyarrow as pa

    from pra_lib.assessment.readers import _text_column

    column = _text_column(np.array([0, 1, 2, 1], dtype=np.int32), pa.array(["G02", "G01", "G02"]))
    assert list(column.categories) == ["G01", "G02"]
    assert list(column) == ["G02", "G01", "G02", "G01"]


def test_personal_columns_are_plain_text_the_same_from_every_reader(assessment_copy, monkeypatch):
    # Names, phones, e-mails and NIK are nearly all distinct and never grouped: they are kept
    # as plain text (pandas' str), trimmed, an empty cell missing, whichever reader took them.
    set_cell(assessment_copy / "participants.csv", 2, "name", "  Siti Rahma\t")
    set_cell(assessment_copy / "participants.csv", 3, "phone", "")
    careful, fast, used = _both_readers(assessment_copy, monkeypatch)
    assert used["participants.csv"]
    people = careful.participants
    for col in ("name", "phone", "email", "nik"):
        assert str(people[col].dtype) == "str", col
        pd.testing.assert_series_equal(fast.participants[col], people[col], obj=col)
    assert people.loc[people["source_row"] == 2, "name"].item() == "Siti Rahma"
    assert people.loc[people["source_row"] == 3, "phone"].isna().item()
    assert isinstance(people["respondent_id"].dtype, pd.CategoricalDtype)  # ids stay coded
    frame = pd.read_csv(assessment_copy / "participants.csv", keep_default_na=False, dtype=str)
    frame.to_parquet(assessment_copy / "participants.parquet", index=False)
    (assessment_copy / "participants.csv").unlink()
    monkeypatch.undo()
    from_parquet = load_assessment(assessment_copy)
    pd.testing.assert_frame_equal(from_parquet.participants, people)


def test_checks_on_codes_find_what_pandera_finds_row_by_row():
    # A categorical column is checked on its codes and distinct values, a typed column on
    # its distinct values, and row by row only where that finds something: the problems
    # must be those of checking every row.
    from pra_lib.assessment.loading import _pandera_checks, _pandera_rows
    from pra_lib.assessment.schema import TABLES_BY_NAME

    def coded(values):
        categories = pd.Index(sorted({v for v in values if v is not None}), dtype=object)
        return pd.Categorical(values, dtype=pd.CategoricalDtype(categories))

    spec = TABLES_BY_NAME["participants"]
    clean = {"respondent_id": ["Q1", "Q2", "Q3", "Q4"], "channel": ["online", "offline", "online", "workshop"], "weight": [1.0, 2.0, 1.0, 0.5]}
    broken = {"respondent_id": ["Q1", "Q1", None, "Q4"], "channel": ["online", "pigeon", None, "online"], "weight": [1.0, -2.0, 1.0, -2.0]}
    for data in (clean, broken):
        frame = pd.DataFrame(
            {"respondent_id": coded(data["respondent_id"]), "channel": coded(data["channel"]), "weight": pd.array(data["weight"], dtype="Float64")},
            index=pd.RangeIndex(2, 6),
        )
        columns = [spec.column(c) for c in frame.columns]
        weights = pd.Series(pd.unique(frame["weight"]), dtype="Float64")
        by_codes = _pandera_checks(frame, columns, "participants.csv", each_value={"weight": weights})
        assert by_codes == _pandera_rows(frame, columns, "participants.csv")
        assert bool(by_codes) == (data is broken)
    found = {(p.row, p.column, p.kind) for p in by_codes}
    assert {(2, "respondent_id", "duplicate"), (3, "respondent_id", "duplicate"), (4, "respondent_id", "type"), (3, "channel", "unknown_code"), (4, "channel", "type"), (3, "weight", "range"), (5, "weight", "range")} <= found


_SPACES = "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2005\u200a\u2028\u2029\u202f\u205f\u3000"
# Near misses: not spaces to Python, yet sharing a first or last UTF-8 byte with one
# (zero-width space, braille blank, word joiner, per mille, ideographic comma, U+0100, U+180E).
_NOT_SPACES = "aZ0é中\u200b\u2800\u2060\u2030\u3001\u0100\u180e"


@given(st.lists(st.text(alphabet=st.sampled_from(_SPACES + _NOT_SPACES), max_size=6), max_size=40), st.integers(0, 5), st.booleans())
@settings(max_examples=300, deadline=None)
def test_padded_texts_are_those_python_would_strip(texts, start, large):
    # The byte test picks the texts the regular expression must look at; what it finds
    # must be exactly the texts Python's str.strip() changes, in Arrow's string and
    # large_string arrays, and in a slice of one (offsets not starting at zero).
    import pyarrow as pa

    from pra_lib.assessment.readers import _padded

    array = pa.array(["x"] * start + texts, type=pa.large_string() if large else pa.string()).slice(start)
    assert _padded(array).tolist() == [t != t.strip() for t in texts]
    assert _padded(pa.chunked_array([array, array])).tolist() == [t != t.strip() for t in texts] * 2


def test_parquet_files_decoded_ahead_load_as_their_csv_and_a_corrupt_one_is_named(assessment_copy):
    # Every table as Parquet: they are decoded one file ahead in a thread of their own, and
    # must give the tables the CSV files give, with a broken file reported by name and the
    # files after it still read.
    reference = load_assessment(assessment_copy)
    for path in sorted(assessment_copy.glob("*.csv")):
        pd.read_csv(path, keep_default_na=False, dtype=str).to_parquet(path.with_suffix(".parquet"), index=False)
        path.unlink()
    a = load_assessment(assessment_copy)
    assert set(a.sources.values()) == {f"{name}.parquet" for name in reference.sources}
    for name, frame in reference.tables.items():
        pd.testing.assert_frame_equal(a.tables[name], frame, obj=name)
    (assessment_copy / "hazards.parquet").write_bytes(b"PAR1 not really a Parquet file")
    broken = load_assessment(assessment_copy, errors="collect")
    assert only(broken.problems, file="hazards.parquet", kind="unreadable")
    for name in ("participants", "perception_ratings", "seminar_votes"):
        pd.testing.assert_frame_equal(broken.tables[name], reference.tables[name], obj=name)


@pytest.mark.parametrize("order", ["ascending", "shuffled", "repeated"])
def test_a_parquet_id_column_stored_plain_loads_as_the_csv_does(assessment_copy, order):
    # Respondent ids outgrow a dictionary page and are stored as plain text. Ids listed in
    # order are taken as their own distinct values, any other order is coded by hashing:
    # either way the table, and a repeated id's problem, are the CSV's.
    import pyarrow as pa
    import pyarrow.parquet as pq

    frame = pd.read_csv(assessment_copy / "participants.csv", keep_default_na=False, dtype=str)
    frame = frame.sort_values("respondent_id", kind="stable")
    if order == "shuffled":
        frame = frame.sample(frac=1, random_state=3)
    if order == "repeated":
        frame.iloc[5, frame.columns.get_loc("respondent_id")] = frame.iloc[4]["respondent_id"]
    write_rows(assessment_copy / "participants.csv", [list(frame.columns), *frame.to_numpy().tolist()])
    reference = load_assessment(assessment_copy, errors="collect")
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), assessment_copy / "participants.parquet", dictionary_pagesize_limit=64)
    (assessment_copy / "participants.csv").unlink()
    a = load_assessment(assessment_copy, errors="collect")
    pd.testing.assert_frame_equal(a.participants, reference.participants)
    assert [p.row for p in a.problems] == [p.row for p in reference.problems]
    assert [(p.column, p.kind, p.value) for p in a.problems] == [(p.column, p.kind, p.value) for p in reference.problems]
    if order == "repeated":
        assert only(a.problems, file="participants.parquet", row=7, column="respondent_id", kind="duplicate", value=frame.iloc[4]["respondent_id"])
    else:
        assert not a.problems
