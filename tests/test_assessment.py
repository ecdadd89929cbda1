"""Loading and validation: one malformed fixture per class of problem.

Every fixture is a copy of a small generated assessment with one or more cells broken; the
tests check that the problem is reported with file, spreadsheet row, column, value and
expectation, and that nothing else is reported.
"""

from __future__ import annotations

import hashlib
import shutil

import pandas as pd
import pytest

from pra_lib.assessment.loading import load_assessment, validate_assessment
from pra_lib.assessment.problems import AssessmentError, format_problems, problems_frame

from .conftest import get_cell, read_rows, set_cell, write_rows


def only(problems, **match):
    """The problems whose attributes equal ``match``."""
    return [p for p in problems if all(getattr(p, k) == v for k, v in match.items())]


def test_bundled_sample_is_valid(sample_dir):
    assert validate_assessment(sample_dir) == []


def test_small_sample_is_valid_and_typed(small_sample):
    a = load_assessment(small_sample)
    assert a.assessment_id == "jakarta-2017-synthetic"
    assert str(a.perception_ratings["rating"].dtype) == "Int8"
    assert str(a.assets["criticality"].dtype) == "Int64"
    assert set(a.perception_ratings["goal_id"]) == {f"G{i:02d}" for i in range(1, 13)}
    assert a.has("participants") and not a.problems


def test_labels_in_both_languages_and_dont_know(assessment_copy):
    path = assessment_copy / "perception_ratings.csv"
    set_cell(path, 2, "rating", "Baik")  # Indonesian label, capitalised
    set_cell(path, 3, "rating", " very poor ")  # English label with spaces
    set_cell(path, 4, "rating", "TIDAK TAHU")  # don't know
    importance_row = next(i for i, r in enumerate(read_rows(path), start=1) if "importance" in r)
    set_cell(path, importance_row, "rating", "sangat penting")  # importance scale label
    ratings = load_assessment(assessment_copy).perception_ratings.set_index("source_row")
    assert ratings.loc[2, "rating"] == 4
    assert ratings.loc[3, "rating"] == 1
    assert pd.isna(ratings.loc[4, "rating"]) and ratings.loc[4, "dont_know"]
    assert ratings.loc[importance_row, "rating"] == 5
    assert not ratings.loc[2, "dont_know"]


def test_goal_ids_in_other_forms_are_normalised(assessment_copy):
    path = assessment_copy / "perception_ratings.csv"
    assert get_cell(path, 4, "goal_id") == "G03" and get_cell(path, 8, "goal_id") == "G07"
    set_cell(path, 4, "goal_id", "3")
    set_cell(path, 8, "goal_id", "g7")
    ratings = load_assessment(assessment_copy).perception_ratings.set_index("source_row")
    assert ratings.loc[4, "goal_id"] == "G03" and ratings.loc[8, "goal_id"] == "G07"


def test_missing_required_file(assessment_copy):
    (assessment_copy / "participants.csv").unlink()
    problems = validate_assessment(assessment_copy)
    hit = only(problems, file="participants.csv", kind="missing_file")
    assert len(hit) == 1 and "required table 'participants'" in hit[0].expected


def test_optional_table_may_be_absent(assessment_copy):
    (assessment_copy / "seminar_votes.csv").unlink()
    a = load_assessment(assessment_copy)
    assert not a.has("seminar_votes")
    assert list(a.seminar_votes.columns[:3]) == ["source_row", "respondent_id", "activity_id"]


def test_missing_metadata_raises_listing_the_problem(assessment_copy):
    (assessment_copy / "assessment.yaml").unlink()
    with pytest.raises(AssessmentError) as err:
        load_assessment(assessment_copy)
    assert "assessment.yaml" in str(err.value)
    assert err.value.problems[0].kind == "missing_file"


def test_metadata_problems_are_listed(assessment_copy):
    path = assessment_copy / "assessment.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("assessment_id: jakarta-2017-synthetic", "assessment_id: ../escape")
    text = text.replace("type: pra_seminar", "type: seminar")
    path.write_text(text, encoding="utf-8")
    problems = validate_assessment(assessment_copy)
    assert only(problems, file="assessment.yaml", column="assessment_id", value="../escape")
    assert only(problems, file="assessment.yaml", kind="unknown_code", value="seminar")


def test_toml_metadata_is_accepted(assessment_copy):
    import yaml

    meta = yaml.safe_load((assessment_copy / "assessment.yaml").read_text(encoding="utf-8"))
    (assessment_copy / "assessment.yaml").unlink()
    lines = [f'assessment_id = "{meta["assessment_id"]}"', f'city = "{meta["city"]}"']
    for key, fields in (("activities", ("id", "type", "title", "date")), ("stakeholder_groups", ("id", "label")), ("areas", ("id", "name", "population"))):
        for rec in meta[key]:
            lines.append(f"[[{key}]]")
            for f in fields:
                if f in rec:
                    lines.append(f"{f} = {rec[f]}" if isinstance(rec[f], int) else f'{f} = "{rec[f]}"')
    (assessment_copy / "assessment.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert load_assessment(assessment_copy).metadata.city == "Jakarta"


def test_unreadable_file(assessment_copy):
    (assessment_copy / "assets.csv").write_bytes(b"\xff\xfe\x00\x81garbage")
    problems = validate_assessment(assessment_copy)
    assert only(problems, file="assets.csv", kind="unreadable")
    # Tables that point at the unreadable one are not flooded with follow-on errors.
    assert not only(problems, file="asset_impacts.csv", column="asset_id")


def test_missing_column(assessment_copy):
    path = assessment_copy / "assets.csv"
    rows = read_rows(path)
    rows[0][rows[0].index("criticality")] = "crit"
    write_rows(path, rows)
    problems = validate_assessment(assessment_copy)
    assert problems == only(problems, file="assets.csv", column="criticality", kind="missing_column", row=1)
    assert len(problems) == 1


def test_wrong_types_are_all_listed(assessment_copy):
    set_cell(assessment_copy / "assets.csv", 3, "criticality", "high")
    set_cell(assessment_copy / "assets.csv", 5, "criticality", "2.5")
    set_cell(assessment_copy / "perception_ratings.csv", 7, "rating", "bagus")
    problems = validate_assessment(assessment_copy)
    assert only(problems, file="assets.csv", row=3, column="criticality", value="high", kind="type")
    assert only(problems, file="assets.csv", row=5, column="criticality", value="2.5", kind="type")
    hit = only(problems, file="perception_ratings.csv", row=7, column="rating", value="bagus")
    assert hit and "label" in hit[0].expected
    assert len(problems) == 3


def test_out_of_range(assessment_copy):
    set_cell(assessment_copy / "perception_ratings.csv", 4, "rating", "7")
    set_cell(assessment_copy / "assets.csv", 2, "criticality", "0")
    problems = validate_assessment(assessment_copy)
    assert only(problems, file="perception_ratings.csv", row=4, column="rating", value=7, kind="range")
    assert only(problems, file="assets.csv", row=2, column="criticality", value=0, kind="range")
    assert len(problems) == 2


def test_unknown_code(assessment_copy):
    set_cell(assessment_copy / "participants.csv", 6, "channel", "onlne")
    problems = validate_assessment(assessment_copy)
    assert len(problems) == 1
    p = problems[0]
    assert (p.file, p.row, p.column, p.value, p.kind) == ("participants.csv", 6, "channel", "onlne", "unknown_code")
    assert "online" in p.expected


def test_duplicate_ids(assessment_copy):
    path = assessment_copy / "hazards.csv"
    set_cell(path, 3, "hazard_id", get_cell(path, 2, "hazard_id"))
    problems = validate_assessment(assessment_copy)
    dup = only(problems, file="hazards.csv", kind="duplicate", column="hazard_id")
    assert {p.row for p in dup} == {2, 3}


def test_an_id_listed_twice_in_the_metadata_is_a_problem_not_a_traceback(assessment_copy):
    """A stakeholder group listed twice in assessment.yaml is reported as a duplicate, and
    references to it are still checked (the first entry counts)."""
    path = assessment_copy / "assessment.yaml"
    text = path.read_text(encoding="utf-8")
    entry = "- id: academia\n  label: Academia\n  label_id: Akademisi\n"
    assert entry in text
    path.write_text(text.replace(entry, entry + entry, 1), encoding="utf-8")
    problems = validate_assessment(assessment_copy)
    assert len(problems) == 1, "academia is still a known group: no row's reference to it is refused"
    (p,) = problems
    assert (p.file, p.column, p.value, p.kind) == ("assessment.yaml", "stakeholder_groups[3].id", "academia", "duplicate")


def test_duplicate_rating_rows(assessment_copy):
    path = assessment_copy / "perception_ratings.csv"
    rows = read_rows(path)
    rows.append(rows[1])
    write_rows(path, rows)
    problems = validate_assessment(assessment_copy)
    assert only(problems, file="perception_ratings.csv", kind="duplicate", row=len(rows))


@pytest.mark.parametrize(
    "table, column, bad, target",
    [
        ("perception_ratings", "respondent_id", "Q9999", "participants"),
        ("perception_ratings", "goal_id", "G13", "CRF goal"),
        ("hazard_ratings", "hazard_id", "SH99", "hazards"),
        ("asset_impacts", "asset_id", "A99", "assets"),
        ("actions", "owner_agency_id", "no-such-agency", "agencies"),
        ("participants", "activity_id", "no_such_activity", "activities"),
        ("participants", "stakeholder_group", "aliens", "stakeholder_groups"),
        ("participants", "area", "bandung", "areas"),
    ],
)
def test_references_to_unknown_ids(assessment_copy, table, column, bad, target):
    set_cell(assessment_copy / f"{table}.csv", 2, column, bad)
    problems = validate_assessment(assessment_copy)
    hit = only(problems, file=f"{table}.csv", row=2, column=column, value=bad, kind="reference")
    assert hit, format_problems(problems)
    assert target in hit[0].expected


def test_hazard_of_the_wrong_type(assessment_copy):
    set_cell(assessment_copy / "amplifications.csv", 2, "shock_id", "ST02")
    problems = validate_assessment(assessment_copy)
    hit = only(problems, file="amplifications.csv", row=2, column="shock_id", value="ST02")
    assert hit and "type shock" in hit[0].expected


def test_row_needing_a_goal_or_hazard(assessment_copy):
    set_cell(assessment_copy / "action_links.csv", 2, "goal_id", "")
    set_cell(assessment_copy / "action_links.csv", 2, "hazard_id", "")
    problems = validate_assessment(assessment_copy)
    assert only(problems, file="action_links.csv", row=2)
    assert len(problems) == 1


def test_empty_required_table(assessment_copy):
    path = assessment_copy / "perception_ratings.csv"
    write_rows(path, read_rows(path)[:1])  # header only
    problems = validate_assessment(assessment_copy)
    assert only(problems, file="perception_ratings.csv", kind="empty")


def test_completely_empty_file(assessment_copy):
    (assessment_copy / "hazards.csv").write_bytes(b"")
    problems = validate_assessment(assessment_copy)
    assert only(problems, file="hazards.csv", kind="empty")


def test_missing_required_value(assessment_copy):
    set_cell(assessment_copy / "participants.csv", 4, "stakeholder_group", "")
    problems = validate_assessment(assessment_copy)
    assert only(problems, file="participants.csv", row=4, column="stakeholder_group")
    assert len(problems) == 1


def test_blank_lines_keep_spreadsheet_row_numbers(assessment_copy):
    path = assessment_copy / "assets.csv"
    rows = read_rows(path)
    rows.insert(3, [""] * len(rows[0]))  # a blank line as row 4
    write_rows(path, rows)
    set_cell(path, 6, "criticality", "9")
    problems = validate_assessment(assessment_copy)
    assert [(p.row, p.value) for p in problems] == [(6, 9)]


def test_every_problem_is_listed_not_just_the_first(assessment_copy):
    for row in range(2, 12):
        set_cell(assessment_copy / "participants.csv", row, "channel", f"bad{row}")
    set_cell(assessment_copy / "assets.csv", 2, "criticality", "x")
    problems = validate_assessment(assessment_copy)
    assert len(only(problems, column="channel")) == 10
    assert len(only(problems, file="assets.csv")) == 1
    table = problems_frame(problems)
    assert list(table.columns) == ["file", "row", "column", "kind", "value", "expected"]
    assert len(table) == 11


def test_load_raises_with_every_problem(assessment_copy):
    set_cell(assessment_copy / "participants.csv", 2, "channel", "fax")
    set_cell(assessment_copy / "assets.csv", 2, "criticality", "x")
    with pytest.raises(AssessmentError) as err:
        load_assessment(assessment_copy)
    text = str(err.value)
    assert "participants.csv, row 2, column 'channel': value 'fax'" in text
    assert "assets.csv, row 2, column 'criticality': value 'x'" in text


def test_xlsx_workbook_with_one_sheet_per_table(assessment_copy):
    with pd.ExcelWriter(assessment_copy / "workshop.xlsx") as book:
        for name in ("assets", "asset_impacts"):
            pd.read_csv(assessment_copy / f"{name}.csv", dtype=str, keep_default_na=False).to_excel(book, sheet_name=name, index=False)
            (assessment_copy / f"{name}.csv").unlink()
        pd.DataFrame({"note": ["an extra sheet is ignored"]}).to_excel(book, sheet_name="notes", index=False)
    a = load_assessment(assessment_copy)
    assert len(a.assets) == 40 and a.sources["assets"] == "workshop.xlsx [sheet assets]"
    set_cell_xlsx = pd.read_excel(assessment_copy / "workshop.xlsx", sheet_name=None, dtype=str, keep_default_na=False)
    set_cell_xlsx["assets"].loc[2, "criticality"] = "lots"  # spreadsheet row 4
    with pd.ExcelWriter(assessment_copy / "workshop.xlsx") as book:
        for name, frame in set_cell_xlsx.items():
            frame.to_excel(book, sheet_name=name, index=False)
    problems = validate_assessment(assessment_copy)
    assert only(problems, file="workshop.xlsx [sheet assets]", row=4, column="criticality", value="lots")


def test_table_given_twice(assessment_copy):
    with pd.ExcelWriter(assessment_copy / "extra.xlsx") as book:
        pd.read_csv(assessment_copy / "hazards.csv").to_excel(book, sheet_name="hazards", index=False)
    problems = validate_assessment(assessment_copy)
    assert only(problems, kind="duplicate", value="hazards")


def test_input_files_are_never_written(small_sample, tmp_path):
    copy = tmp_path / "a"
    shutil.copytree(small_sample, copy)
    set_cell(copy / "participants.csv", 2, "channel", "fax")

    def digest():
        return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(copy.iterdir())}

    before = digest()
    validate_assessment(copy)
    load_assessment(copy, errors="collect")
    assert digest() == before


def test_not_a_folder(tmp_path):
    with pytest.raises(AssessmentError) as err:
        load_assessment(tmp_path / "nowhere")
    assert "an assessment folder" in str(err.value)


def test_errors_argument_is_checked(small_sample):
    with pytest.raises(ValueError, match="errors must be"):
        load_assessment(small_sample, errors="ignore")


def test_header_only_optional_table_with_a_likert_column(assessment_copy):
    path = assessment_copy / "seminar_votes.csv"
    write_rows(path, read_rows(path)[:1])
    a = load_assessment(assessment_copy)
    assert a.seminar_votes.empty and str(a.seminar_votes["support"].dtype) == "Int8"


# --- hostile and mistaken metadata (issue 16) ------------------------------------------------


def _edit_meta(folder, old, new):
    meta = folder / "assessment.yaml"
    text = meta.read_text()
    assert old in text, old
    meta.write_text(text.replace(old, new, 1))


def test_a_yaml_alias_bomb_is_refused_quickly_with_a_message(assessment_copy):
    """The billion-laughs pattern: 9 aliases per level, 10 levels, about 3.5e9 values."""
    levels = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    levels += [f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
    meta = assessment_copy / "assessment.yaml"
    meta.write_text(meta.read_text().replace("city: ", "\n".join(levels) + "\ncity: *a9\nignored: ", 1))
    problems = validate_assessment(assessment_copy)
    assert len(problems) == 1 and problems[0].file == "assessment.yaml"
    assert "expands to more than 100,000 values" in problems[0].expected


def test_too_many_yaml_aliases_are_refused(assessment_copy):
    meta = assessment_copy / "assessment.yaml"
    meta.write_text(meta.read_text() + "anchor: &v 1\nmany: [" + ",".join(["*v"] * 101) + "]\n")
    (problem,) = validate_assessment(assessment_copy)
    assert "more than 100 aliases" in problem.expected


def test_duplicate_yaml_keys_are_refused(assessment_copy):
    meta = assessment_copy / "assessment.yaml"
    meta.write_text(meta.read_text() + "city: Somewhere else\n")
    (problem,) = validate_assessment(assessment_copy)
    assert problem.file == "assessment.yaml" and "the key 'city' appears twice" in problem.expected


def test_yaml_and_toml_together_are_refused(assessment_copy):
    (assessment_copy / "assessment.toml").write_text('city = "x"\n')
    (problem,) = validate_assessment(assessment_copy)
    assert problem.kind == "duplicate" and "assessment.yaml" in problem.file and "assessment.toml" in problem.file


@pytest.mark.parametrize("bad", ["2017-99-99", "2017-02-30", "2017-13", "2017-00-10"])
def test_impossible_dates_are_refused(assessment_copy, bad):
    meta = assessment_copy / "assessment.yaml"
    text = meta.read_text()
    import re

    first = re.search(r"date: \S+", text)
    assert first, "the sample's activities carry dates"
    meta.write_text(text.replace(first.group(0), f"date: '{bad}'", 1))
    problems = validate_assessment(assessment_copy)
    assert [p.value for p in problems if p.column and p.column.endswith(".date")] == [bad]


def test_a_population_with_thousands_separators_is_a_problem_not_a_traceback(assessment_copy):
    meta = assessment_copy / "assessment.yaml"
    text = meta.read_text()
    import re

    first = re.search(r"population: \d+", text)
    assert first, "the sample's areas carry populations"
    meta.write_text(text.replace(first.group(0), "population: '920,000'", 1))
    problems = validate_assessment(assessment_copy)
    (problem,) = [p for p in problems if p.column and p.column.endswith(".population")]
    assert problem.value == "920,000" and "920000, not '920,000'" in problem.expected


# --- hostile and mistaken tables (issue 16) --------------------------------------------------


def test_a_duplicated_respondent_id_is_a_problem_not_a_traceback(assessment_copy):
    path = assessment_copy / "participants.csv"
    rows = read_rows(path)
    rows.append(list(rows[1]))  # the same respondent twice
    write_rows(path, rows)
    problems = validate_assessment(assessment_copy)
    dup = only(problems, file="participants.csv", column="respondent_id", kind="duplicate")
    assert dup and dup[0].value == rows[1][rows[0].index("respondent_id")]


def test_a_near_miss_header_gets_a_hint(assessment_copy):
    path = assessment_copy / "participants.csv"
    rows = read_rows(path)
    rows[0][rows[0].index("respondent_id")] = "Respondent ID"
    write_rows(path, rows)
    problems = validate_assessment(assessment_copy)
    (missing,) = only(problems, file="participants.csv", kind="missing_column", column="respondent_id")
    assert "found 'Respondent ID', rename it to respondent_id" in missing.expected


def test_a_title_row_above_the_header_is_named_once(assessment_copy):
    path = assessment_copy / "hazards.csv"
    rows = read_rows(path)
    write_rows(path, [["Hazards of Jakarta, 2017"] + [""] * (len(rows[0]) - 1), *rows])
    problems = [p for p in validate_assessment(assessment_copy) if p.file == "hazards.csv"]
    assert len(problems) == 1, problems[:5]
    assert problems[0].row == 2 and "it is on row 2: delete the 1 row(s) above it" in problems[0].expected


def test_a_folder_named_like_a_table_is_said_to_be_a_folder(assessment_copy):
    (assessment_copy / "hazards.csv").unlink()
    (assessment_copy / "hazards.csv").mkdir()
    (problem,) = only(validate_assessment(assessment_copy), file="hazards.csv")
    assert problem.value == "a folder" and "taken by a folder" in problem.expected


def test_a_table_linked_from_outside_the_folder_is_refused_at_validation(assessment_copy, tmp_path):
    outside = tmp_path / "elsewhere.csv"
    shutil.move(assessment_copy / "hazards.csv", outside)
    (assessment_copy / "hazards.csv").symlink_to(outside)
    (problem,) = only(validate_assessment(assessment_copy), file="hazards.csv")
    assert problem.value == "link outside the folder"


def test_a_workbook_name_with_brackets_is_an_input_file(assessment_copy):
    """The manifest lists input files by splitting the sheet off the source name."""
    from openpyxl import Workbook

    rows = read_rows(assessment_copy / "hazards.csv")
    book = Workbook()
    sheet = book.active
    sheet.title = "hazards"
    for row in rows:
        sheet.append(row)
    book.save(assessment_copy / "PRA data [final].xlsx")
    (assessment_copy / "hazards.csv").unlink()
    loaded = load_assessment(assessment_copy)
    assert loaded.sources["hazards"] == "PRA data [final].xlsx [sheet hazards]"
    assert assessment_copy / "PRA data [final].xlsx" in loaded.input_files()
    assert all(p.is_file() for p in loaded.input_files())


# --- duplicated keys and optional tables (issue 12 items 3 and 4) ----------------------------


@pytest.mark.parametrize(
    "table, key",
    [
        ("hazard_ratings", ["activity_id", "respondent_id", "workshop_table", "hazard_id"]),
        ("asset_impacts", ["activity_id", "asset_id", "shock_id", "workshop_table"]),
        ("amplifications", ["activity_id", "stress_id", "shock_id"]),
        ("agency_mandates", ["agency_id", "goal_id", "hazard_id"]),
        ("action_links", ["action_id", "goal_id", "hazard_id"]),
        ("focus_area_links", ["focus_area_id", "goal_id", "hazard_id"]),
        ("seminar_votes", ["respondent_id", "activity_id", "focus_area_id"]),
    ],
)
def test_a_duplicated_row_is_named_by_its_key(assessment_copy, table, key):
    """A double-submitted row in any keyed table is one problem on the second row, naming its key."""
    path = assessment_copy / f"{table}.csv"
    rows = read_rows(path)
    rows.append(list(rows[1]))
    write_rows(path, rows)
    problems = validate_assessment(assessment_copy)
    (dup,) = only(problems, file=f"{table}.csv", kind="duplicate")
    assert dup.row == len(rows) and dup.column == key[0]
    first = dict(zip(rows[0], rows[1]))
    assert dup.value == " / ".join(first[c] for c in key if first.get(c))
    assert dup.expected == "one row per " + ", ".join(key)


def test_the_same_key_with_another_value_is_a_duplicate_too(assessment_copy):
    """Two tables rating the same hazard differently are still one key twice: which is meant?"""
    path = assessment_copy / "hazard_ratings.csv"
    rows = read_rows(path)
    again = list(rows[1])
    again[rows[0].index("likelihood")] = "1" if rows[1][rows[0].index("likelihood")] != "1" else "2"
    write_rows(path, [*rows, again])
    assert only(validate_assessment(assessment_copy), file="hazard_ratings.csv", kind="duplicate", row=len(rows) + 1)


def test_a_questionnaire_only_folder_is_valid_and_every_table_has_its_columns(assessment_copy):
    """Only participants and perception ratings are required; absent tables load empty and typed."""
    for path in assessment_copy.glob("*.csv"):
        if path.stem not in ("participants", "perception_ratings"):
            path.unlink()
    assert validate_assessment(assessment_copy) == []
    a = load_assessment(assessment_copy)
    assert a.hazards.empty and "hazard_id" in a.hazards and not a.has("hazards")
    assert str(a.hazard_ratings["likelihood"].dtype) == "Int8"


def test_a_table_that_refers_to_an_absent_one_says_which(assessment_copy):
    """Hazard ratings without the hazards they rate: hazards.csv is named once, with who needs it."""
    (assessment_copy / "hazards.csv").unlink()
    problems = validate_assessment(assessment_copy)
    (missing,) = only(problems, file="hazards.csv", kind="missing_file")
    assert "hazard_ratings.csv (hazard_id)" in missing.expected and "amplifications.csv (stress_id)" in missing.expected


def test_require_stops_a_report_in_one_sentence_naming_what_is_missing(assessment_copy):
    from pra_lib.assessment.loading import NotCollected

    (assessment_copy / "seminar_votes.csv").unlink()
    a = load_assessment(assessment_copy)
    a.require("participants", "hazard_ratings", report="risk", activity_id="assets_shocks_workshop")  # both there: no error
    with pytest.raises(NotCollected, match=r"^This assessment holds no seminar_votes, so there is no seminar report;"):
        a.require("focus_areas", "seminar_votes", report="seminar")
    with pytest.raises(NotCollected, match="no hazard_ratings of pra_seminar, so there is no risk report"):
        a.require("hazard_ratings", report="risk", activity_id="pra_seminar")


def test_require_names_every_missing_table(assessment_copy):
    from pra_lib.assessment.loading import NotCollected

    for name in ("focus_areas", "focus_area_links", "seminar_votes"):
        (assessment_copy / f"{name}.csv").unlink()
    with pytest.raises(NotCollected, match=r"holds no focus_areas, focus_area_links or seminar_votes, so there is no seminar report"):
        load_assessment(assessment_copy).require("focus_areas", "focus_area_links", "seminar_votes", "participants", report="seminar")


def _key_columns(draw_codes, sizes):
    import numpy as np

    return [(np.array(codes, dtype=np.int32), pd.RangeIndex(size)) for codes, size in zip(draw_codes, sizes)]


def test_row_keys_are_equal_exactly_when_the_values_are():
    # The duplicate-key check numbers each row's key columns as one integer, combining the
    # columns with few values first and renumbering the combinations when they would
    # outgrow the rows. Two rows must get the same number exactly when every key column
    # holds the same value (missing equal to missing), whatever the sizes: small, large
    # enough to be renumbered, and past 64 bits.
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from pra_lib.assessment.loading import _row_keys

    @st.composite
    def columns(draw):
        rows = draw(st.integers(1, 30))
        sizes = draw(st.lists(st.sampled_from([0, 1, 2, 3, 12, 1_000, 2**21, 2**31]), min_size=1, max_size=4))
        codes = [draw(st.lists(st.integers(-1, min(size, 4) - 1) if size else st.just(-1), min_size=rows, max_size=rows)) for size in sizes]
        # A few codes far along a large column, so that its products are large.
        codes = [[c if c < 0 or size < 1_000 else size - 1 - c for c in column] for column, size in zip(codes, sizes)]
        return codes, sizes

    @given(columns())
    @settings(max_examples=300, deadline=None)
    def check(drawn):
        codes, sizes = drawn
        keys, space = _row_keys(_key_columns(codes, sizes))
        rows = list(zip(*codes))
        assert len(keys) == len(rows) and 0 <= keys.min() and keys.max() < space
        for i in range(len(rows)):
            for j in range(len(rows)):
                assert (keys[i] == keys[j]) == (rows[i] == rows[j]), (rows[i], rows[j])

    check()


def test_a_repeated_rating_is_found_among_a_million_possible_keys(assessment_copy):
    # The rating key (respondent, goal, indicator, aspect) spans more numbers than there are
    # rows: a repeated rating must still be reported, with its row and its key.
    rows = read_rows(assessment_copy / "perception_ratings.csv")
    header = rows[0]
    rows.append(list(rows[3]))
    write_rows(assessment_copy / "perception_ratings.csv", rows)
    problems = validate_assessment(assessment_copy)
    found = only(problems, file="perception_ratings.csv", row=len(rows), column="respondent_id", kind="duplicate")
    assert found and found[0].value == f"{rows[3][header.index('respondent_id')]} / {rows[3][header.index('goal_id')]}"
