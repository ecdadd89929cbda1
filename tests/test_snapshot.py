"""The run's cache: a kernel takes the runner's validated assessment only when it is the same load."""

from __future__ import annotations

import dataclasses
import functools
import os
import pickle

import pandas as pd
import pytest

from pra_lib.assessment.loading import load_assessment
from pra_lib.assessment.problems import AssessmentError
from pra_lib.assessment.snapshot import CACHE_ENV, assessment_key, cached_assessment, save_snapshot, shared_result

from .conftest import SAMPLE, set_cell


def _assert_same_load(got, fresh):
    assert got.path == fresh.path
    for field in dataclasses.fields(fresh.metadata):
        mine, theirs = getattr(got.metadata, field.name), getattr(fresh.metadata, field.name)
        if isinstance(theirs, pd.DataFrame):
            pd.testing.assert_frame_equal(mine, theirs, check_exact=True)
        else:
            assert mine == theirs, field.name
    assert got.sources == fresh.sources
    assert got.problems == fresh.problems
    assert got.notes == fresh.notes
    assert list(got.tables) == list(fresh.tables)
    for name, frame in fresh.tables.items():
        # every column, dtype, category and category order, and the index
        pd.testing.assert_frame_equal(got.tables[name], frame, check_exact=True, check_categorical=True)
        assert list(got.tables[name].dtypes) == list(frame.dtypes), name


@pytest.mark.parametrize("which", ["sample", "with problems"])
def test_a_snapshot_equals_a_fresh_load(assessment_copy, tmp_path, monkeypatch, which):
    folder = SAMPLE if which == "sample" else assessment_copy
    if which == "with problems":
        set_cell(folder / "participants.csv", 3, "age_band", "not an age")
    cache = tmp_path / "cache"
    cache.mkdir()
    loaded = load_assessment(folder, errors="collect")
    assert (which == "with problems") == bool(loaded.problems)
    save_snapshot(loaded, cache, errors="collect")
    # a kernel names the folder relative to its notebook: the key is the content, not the path
    relative = os.path.relpath(folder, tmp_path)
    monkeypatch.chdir(tmp_path)
    got = cached_assessment(relative, errors="collect", cache=cache)
    assert got is not None and got is not loaded
    _assert_same_load(got, load_assessment(relative, errors="collect"))


def test_load_assessment_takes_the_snapshot_only_from_the_runs_cache(assessment_copy, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    cache.mkdir()
    loaded = load_assessment(assessment_copy, errors="collect")
    save_snapshot(loaded, cache, errors="collect")
    # a marked snapshot shows which path load_assessment took
    marked = pickle.loads(pickle.dumps(loaded))
    marked.notes = ["from the snapshot"]
    (cache / f"assessment-{assessment_key(assessment_copy, errors='collect')}.pickle").write_bytes(pickle.dumps(marked))
    assert load_assessment(assessment_copy, errors="collect").notes == loaded.notes, "no cache named: a plain load"
    monkeypatch.setenv(CACHE_ENV, str(cache))
    assert load_assessment(assessment_copy, errors="collect").notes == ["from the snapshot"]
    assert load_assessment(assessment_copy, errors="raise").notes == loaded.notes, "other load options: a plain load"
    with open(assessment_copy / "assessment.yaml", "a", encoding="utf-8") as handle:  # the data changed since the snapshot
        handle.write("\n# edited\n")
    assert load_assessment(assessment_copy, errors="collect").notes == loaded.notes


def test_any_file_of_the_folder_is_part_of_the_key(assessment_copy):
    before = assessment_key(assessment_copy, errors="collect")
    (assessment_copy / "stakeholders.xlsx").write_bytes(b"not a workbook")  # a workbook the reader would take
    assert assessment_key(assessment_copy, errors="collect") != before
    assert assessment_key(assessment_copy, errors="raise") != assessment_key(assessment_copy, errors="collect")


def test_a_snapshot_with_problems_raises_as_a_fresh_load_would(assessment_copy, tmp_path):
    set_cell(assessment_copy / "participants.csv", 3, "age_band", "not an age")
    cache = tmp_path / "cache"
    cache.mkdir()
    problems = load_assessment(assessment_copy, errors="collect").problems
    save_snapshot(pickle.loads(pickle.dumps(load_assessment(assessment_copy, errors="collect"))), cache, errors="raise")
    with pytest.raises(AssessmentError) as raised:
        cached_assessment(assessment_copy, errors="raise", cache=cache)
    assert raised.value.problems == problems


def test_a_shared_result_is_computed_once_per_assessment_and_parameters(assessment_copy, tmp_path):
    cache = tmp_path / "cache"
    cache.mkdir()
    save_snapshot(load_assessment(assessment_copy, errors="collect"), cache, errors="collect")
    calls = []

    def compute(value):
        calls.append(value)
        return pd.DataFrame({"x": [value]})

    first = cached_assessment(assessment_copy, errors="collect", cache=cache)
    second = cached_assessment(assessment_copy, errors="collect", cache=cache)  # another notebook's kernel
    a = shared_result(first, "plan", {"min_cell_size": 5}, lambda: compute(1), cache=cache)
    b = shared_result(second, "plan", {"min_cell_size": 5}, lambda: compute(2), cache=cache)
    c = shared_result(second, "plan", {"min_cell_size": 10}, lambda: compute(3), cache=cache)
    assert calls == [1, 3] and b.equals(a) and c["x"].tolist() == [3]
    # an assessment that did not come from the cache (JupyterLab, or changed data) is computed every time
    plain = load_assessment(assessment_copy, errors="collect")
    assert shared_result(plain, "plan", {"min_cell_size": 5}, lambda: compute(4), cache=cache)["x"].tolist() == [4]


def test_the_disclosure_plan_of_a_report_is_shared_and_equal_to_its_own(assessment_copy, tmp_path, monkeypatch):
    from pra_lib.publishing.disclosure import plan
    from pra_lib.publishing.report import Report

    cache = tmp_path / "cache"
    cache.mkdir()
    save_snapshot(load_assessment(assessment_copy, errors="collect"), cache, errors="collect")
    monkeypatch.setenv(CACHE_ENV, str(cache))
    reports = [Report(tmp_path / f"r{i}", min_cell_size=8, assessment=load_assessment(assessment_copy, errors="collect")) for i in range(2)]
    assert len(list(cache.glob("result-*.pickle"))) == 1, "one plan for the run"
    own = plan(load_assessment(assessment_copy, errors="collect"), min_cell_size=8, small_categories="merge")
    for report in reports:
        pd.testing.assert_frame_equal(report.plan.categories, own.categories)
        assert report.plan.small_categories == own.small_categories


def test_an_unreadable_snapshot_or_result_is_loaded_or_computed_again(assessment_copy, tmp_path):
    cache = tmp_path / "cache"
    cache.mkdir()
    loaded = load_assessment(assessment_copy, errors="collect")
    key = save_snapshot(loaded, cache, errors="collect")
    (cache / f"assessment-{key}.pickle").write_bytes(b"\x80\x05 cut short")
    assert cached_assessment(assessment_copy, errors="collect", cache=cache) is None, "load_assessment then reads the folder"
    for result in cache.glob("result-*.pickle"):
        result.unlink()
    shared_result(loaded, "plan", {}, lambda: 1, cache=cache)
    for result in cache.glob("result-*.pickle"):
        result.write_bytes(b"not a pickle")
    assert shared_result(loaded, "plan", {}, lambda: 2, cache=cache) == 2


def _indexed_cache(folder, tmp_path):
    """A run's cache as the runner leaves it: the snapshot, and the stat and digest of each file."""
    from pra_lib.assessment.snapshot import folder_index, index_key, save_folder_index

    old = 1_600_000_000_000_000_000  # 2020: long before the index, so no file is "racily clean"
    for entry in folder.iterdir():
        os.utime(entry, ns=(old, old))
    cache = tmp_path / "cache"
    cache.mkdir()
    index = folder_index(folder)
    save_snapshot(load_assessment(folder, errors="collect"), cache, errors="collect", key=index_key(index, errors="collect"))
    save_folder_index(index, cache, folder)
    return cache, old


def _count_hashed(monkeypatch):
    from pra_lib.assessment import snapshot

    hashed, real = [], snapshot._file_sha256
    monkeypatch.setattr(snapshot, "_file_sha256", lambda path: hashed.append(path.name) or real(path))
    return hashed


def test_a_kernel_stats_the_files_the_runner_indexed_instead_of_hashing_them(assessment_copy, tmp_path, monkeypatch):
    from pra_lib.assessment.snapshot import folder_index, index_key

    index = folder_index(assessment_copy)
    assert index_key(index, errors="collect") == assessment_key(assessment_copy, errors="collect")
    cache, _ = _indexed_cache(assessment_copy, tmp_path)
    hashed = _count_hashed(monkeypatch)
    assert cached_assessment(assessment_copy, errors="collect", cache=cache) is not None
    assert hashed == [], "every file has the indexed size, times and inode"
    # without the runner's index (another cache, plain papermill) every file is read
    (cache_without := tmp_path / "other").mkdir()
    for snapshot_file in cache.glob("assessment-*.pickle"):
        (cache_without / snapshot_file.name).write_bytes(snapshot_file.read_bytes())
    assert cached_assessment(assessment_copy, errors="collect", cache=cache_without) is not None
    assert sorted(hashed) == sorted(p.name for p in assessment_copy.iterdir() if p.is_file())


@pytest.mark.parametrize("change", ["same size, new mtime", "same mtime, new size"])
def test_a_file_changed_after_the_index_is_not_served_from_the_snapshot(assessment_copy, tmp_path, monkeypatch, change):
    cache, old = _indexed_cache(assessment_copy, tmp_path)
    target = assessment_copy / "assessment.yaml"
    text = target.read_text(encoding="utf-8")
    if change == "same size, new mtime":
        edited = text.replace("jakarta", "JAKARTA", 1)
        assert edited != text and len(edited.encode()) == len(text.encode())
        target.write_text(edited, encoding="utf-8")
        os.utime(target, ns=(old + 1_000_000_000, old + 1_000_000_000))
    else:
        target.write_text(text + "# edited\n", encoding="utf-8")
        os.utime(target, ns=(old, old))  # the mtime of the index, as a copy that keeps times would leave it
    hashed = _count_hashed(monkeypatch)
    assert cached_assessment(assessment_copy, errors="collect", cache=cache) is None, "the kernel loads the folder as it is"
    assert hashed == ["assessment.yaml"], "only the changed file is read again"


def test_a_file_indexed_just_after_it_was_written_is_hashed_again(assessment_copy, tmp_path, monkeypatch):
    from pra_lib.assessment.snapshot import folder_digests, folder_index

    cache, old = _indexed_cache(assessment_copy, tmp_path)
    target = assessment_copy / "assessment.yaml"
    os.utime(target, None)  # modified now: a write within the same timestamp tick could follow unseen
    index = folder_index(assessment_copy)
    hashed = _count_hashed(monkeypatch)
    assert folder_digests(assessment_copy, index=index) == folder_digests(assessment_copy)
    assert hashed.count("assessment.yaml") == 2 and len(hashed) == len([p for p in assessment_copy.iterdir() if p.is_file()]) + 1


def test_a_result_two_reports_of_a_run_need_is_computed_once(assessment_copy, tmp_path, monkeypatch):
    from pra_lib import risk
    from pra_lib.assessment.snapshot import shared
    from pra_lib.publishing.report import Report

    cache = tmp_path / "cache"
    cache.mkdir()
    save_snapshot(load_assessment(assessment_copy, errors="collect"), cache, errors="collect")
    monkeypatch.setenv(CACHE_ENV, str(cache))
    # the workshop's report and the overall report, each in its own kernel, with small categories merged
    workshop = Report(tmp_path / "04", assessment=load_assessment(assessment_copy, errors="collect"), activity_id="assets_shocks_workshop")
    overall = Report(tmp_path / "08", assessment=load_assessment(assessment_copy, errors="collect"))
    assert not workshop.plan.merged().empty, "the small sample merges categories, so the reports' assessments are derived ones"
    calls = []

    def ranks(data, **options):
        calls.append(options)
        return risk.rank_intervals(data, **options)

    options = {"activity_id": "assets_shocks_workshop", "n_resamples": 200, "seed": 7}
    first = shared(ranks, workshop.assessment, **options)
    again = shared(ranks, overall.assessment, **options)
    assert len(calls) == 1, "the overall report reads the workshop report's result"
    pd.testing.assert_frame_equal(again, risk.rank_intervals(overall.assessment, **options), check_exact=True)
    pd.testing.assert_frame_equal(again, first, check_exact=True)
    # every option that changes the result is part of the key: the seed, the resamples, the activity
    shared(ranks, overall.assessment, **(options | {"seed": 8}))
    shared(ranks, overall.assessment, **(options | {"n_resamples": 300}))
    shared(ranks, overall.assessment, **(options | {"activity_id": None}))
    assert len(calls) == 4
    # another small-cell threshold merges other categories: its own result
    strict = Report(tmp_path / "08b", min_cell_size=9, assessment=load_assessment(assessment_copy, errors="collect"))
    shared(ranks, strict.assessment, **options)
    assert len(calls) == 5
    # no run cache (plain papermill, JupyterLab): computed every time
    monkeypatch.delenv(CACHE_ENV)
    plain = Report(tmp_path / "plain", assessment=load_assessment(assessment_copy, errors="collect")).assessment
    shared(ranks, plain, **options)
    assert len(calls) == 6


def test_a_table_given_to_a_shared_result_counts_by_its_content(assessment_copy, tmp_path):
    from pra_lib.assessment.snapshot import shared

    cache = tmp_path / "cache"
    cache.mkdir()
    save_snapshot(load_assessment(assessment_copy, errors="collect"), cache, errors="collect")
    data = cached_assessment(assessment_copy, errors="collect", cache=cache)
    calls = []

    def evidence(data, *, goal_scores, alpha=0.25):
        calls.append(alpha)
        return goal_scores.assign(evidence=goal_scores["mean"] * alpha)

    def table(mean):  # built afresh each time, as each kernel builds its own
        return pd.DataFrame({"goal_id": ["G01", "G02"], "mean": [3.1, mean]})

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(CACHE_ENV, str(cache))
        first = shared(evidence, data, goal_scores=table(2.4))
        assert shared(evidence, data, goal_scores=table(2.4)).equals(first) and len(calls) == 1
        assert shared(evidence, data, goal_scores=table(2.5))["evidence"].iloc[1] == pytest.approx(2.5 * 0.25)
        assert shared(evidence, data, goal_scores=table(2.4).astype({"mean": "float32"}))["mean"].dtype == "float32"
        assert len(calls) == 3, "other values or other dtypes: another result"
        with pytest.raises(ValueError, match="by 'stakeholder_group'"):
            shared(evidence, data, goal_scores=table(2.4), by="stakeholder_group")


def test_the_focus_area_evidence_scores_the_questionnaire_once_per_run(tmp_path, monkeypatch):
    from pra_lib import perception
    from pra_lib import focus_areas as synthesis

    plain = load_assessment(SAMPLE, errors="collect")  # no run cache: every function scores the ratings itself
    expected = (synthesis.evidence_matrix(plain), synthesis.goal_evidence(plain))
    cache = tmp_path / "cache"
    cache.mkdir()
    save_snapshot(load_assessment(SAMPLE, errors="collect"), cache, errors="collect")
    monkeypatch.setenv(CACHE_ENV, str(cache))
    data = cached_assessment(SAMPLE, errors="collect")
    calls = []

    @functools.wraps(perception.activity_scores)  # the same name, so the same key
    def counted(*args, **options):
        calls.append(options)
        return counted.__wrapped__(*args, **options)

    monkeypatch.setattr(perception, "activity_scores", counted)
    got = (synthesis.evidence_matrix(data), synthesis.goal_evidence(data))
    synthesis.evidence_variants(data)
    assert len(calls) == 1, "the matrix, its variants and the goal view share one scoring of the questionnaire"
    for mine, theirs in zip(got, expected):
        pd.testing.assert_frame_equal(mine, theirs, check_exact=True)


def test_an_option_is_keyed_by_its_whole_value_or_refused():
    """Two different options must never share a key: an array by its bytes, not by its
    shortened text, and a type with no reliable key is refused rather than guessed."""
    import numpy as np

    from pra_lib.assessment.snapshot import option_digest

    a, b = np.zeros(5000), np.zeros(5000)
    b[2500] = 1.0
    assert str(a) == str(b), "numpy shortens both to the same text"
    assert option_digest(a) != option_digest(b)
    assert option_digest(np.arange(3)) != option_digest(np.arange(3).astype("int32"))
    assert option_digest({"seed": np.int64(7), "alpha": 0.25, "method": None}) == {"seed": 7, "alpha": 0.25, "method": None}
    with pytest.raises(TypeError, match="cannot be keyed"):
        option_digest(object())

