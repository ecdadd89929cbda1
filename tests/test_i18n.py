"""The report language: one catalogue, visible fallbacks, and Indonesian reports end to end."""

from __future__ import annotations

import csv
import json
import re
import string
from pathlib import Path

import pandas as pd
import pytest

from pra_lib import i18n, risk, seminar
from pra_lib.cli import _run_parameters, build_parser
from pra_lib.runner import run_reports
from pra_lib.assessment.schema import ACTION_STATUSES, CHANNELS

from .conftest import REPO, SAMPLE

CATALOGUE = REPO / "pra_lib" / "reference" / "i18n.csv"
# t("key"), tr("key"), english("key"), i18n.t("key"): literal keys and f-string keys.
KEY_CALL = re.compile(r'\b(?:t|tr|english)\(\s*(f?)"([^"]+)"')


@pytest.fixture(autouse=True)
def english_afterwards():
    """Every test leaves the process in the default language."""
    yield
    i18n.set_language("en")


def _rows() -> list[dict]:
    with CATALOGUE.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _keys_used() -> list[tuple[str, str, bool]]:
    """(where, key, is_fstring) for every catalogue lookup in the library and the notebooks."""
    found = []
    for path in sorted((REPO / "pra_lib").glob("*.py")):
        for match in KEY_CALL.finditer(path.read_text(encoding="utf-8")):
            found.append((path.name, match.group(2), bool(match.group(1))))
    for path in sorted((REPO / "notebooks").glob("*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            for match in KEY_CALL.finditer("".join(cell["source"])):
                found.append((path.name, match.group(2), bool(match.group(1))))
    return found


def test_every_key_the_code_uses_is_in_the_catalogue():
    keys = {row["key"] for row in _rows()}
    used = _keys_used()
    assert len(used) > 400, "the scan finds the lookups"
    missing = [f"{where}: {key}" for where, key, fstring in used if not fstring and key not in keys]
    assert not missing, "keys missing from i18n.csv:\n" + "\n".join(missing)
    # An f-string key such as f"actions.find.gaps.{what}" must match at least one entry.
    for where, key, fstring in used:
        if fstring:
            pattern = re.compile("^" + re.sub(r"\\\{[^}]*\\\}", "[^.]+", re.escape(key)) + "$")
            assert any(pattern.match(k) for k in keys), f"{where}: no catalogue entry matches {key!r}"


def test_catalogue_has_unique_keys_english_texts_and_matching_fields():
    rows = _rows()
    keys = [row["key"] for row in rows]
    assert len(keys) == len(set(keys)), sorted(k for k in keys if keys.count(k) > 1)
    assert all(row["en"] for row in rows), "every entry has an English text"

    def fields(text):
        return {f for _, f, _, _ in string.Formatter().parse(text) if f is not None}

    # Both languages fill in the same fields, so a translation can never drop a number.
    differ = [row["key"] for row in rows if row["id"] and fields(row["en"]) != fields(row["id"])]
    assert not differ, differ


def test_vocabulary_of_the_data_has_a_term_for_every_value():
    """Values the tables keep in English (bands, trends, ...) all have a display term."""
    vocab = {
        "band": list(risk.DEFAULT_BANDS),
        "trend": [*risk.TRENDS, "mixed"],
        "likelihood": list(risk.LIKELIHOOD_LABELS),
        "consequence": list(risk.CONSEQUENCE_LABELS),
        "agreement": [label for _, label in seminar.SCHMIDT_BANDS] + ["undefined"],
        "change": list(seminar.CHANGES),
        "status": [*ACTION_STATUSES, "not recorded"],
        "channel": list(CHANNELS),
    }
    keys = {row["key"] for row in _rows()}
    missing = [f"{kind}.{value}" for kind, values in vocab.items() for value in values if f"{kind}.{value}" not in keys]
    assert not missing, missing
    with i18n.language("id"):
        assert i18n.term("worsening", "trend") == "memburuk"
        assert i18n.term("a band a user named", "band") == "a band a user named"


def test_english_is_the_default_and_indonesian_is_chosen_explicitly():
    assert i18n.get_language() == "en"
    assert i18n.t("risk.fig.matrix.title") == "Shocks on the risk matrix"
    assert i18n.set_language("id") == "id"
    assert i18n.t("risk.fig.matrix.title") == "Guncangan pada matriks risiko"
    # Numbers keep the format of the template in both languages.
    assert i18n.t("risk.find.high_bands", n=4, total=8) == "4 dari 8 guncangan berada pada kelas tinggi atau ekstrem."


@pytest.mark.parametrize("bad", ["fr", "ID", "", None, "indonesian"])
def test_unknown_language_is_rejected_and_the_language_kept(bad):
    i18n.set_language("id")
    with pytest.raises(ValueError, match="'en'.*'id'"):
        i18n.set_language(bad)
    assert i18n.get_language() == "id"


def test_unknown_key_raises():
    with pytest.raises(KeyError, match="no entry 'risk.fig.no_such_title'"):
        i18n.t("risk.fig.no_such_title")


def test_untranslated_entries_fall_back_to_english_visibly(monkeypatch):
    entries = dict(i18n._entries())
    entries["risk.fig.matrix.title"] = ("Shocks on the risk matrix", "")
    monkeypatch.setattr(i18n, "_entries", lambda: entries)
    assert i18n.t("risk.fig.matrix.title") == "Shocks on the risk matrix"  # English never carries the marker
    i18n.set_language("id")
    assert i18n.t("risk.fig.matrix.title") == "Shocks on the risk matrix [EN]"
    # Names and headers fall back visibly too; goal names come from crf, which does the same.
    assert i18n.pick("Heatwave", None) == "Heatwave [EN]"
    assert i18n.pick("Flooding", "Banjir") == "Banjir"
    assert i18n.header("a_column_nobody_named") == "A column nobody named [EN]"
    assert i18n.goal_label("G01") == "Pemenuhan kebutuhan dasar"
    assert i18n.goal_label("G03").endswith(" [EN]")


def test_share_of_the_catalogue_translated_is_reported_and_high(capsys):
    rows = _rows()
    untranslated = [row["key"] for row in rows if not row["id"]]
    share = i18n.translated_share()
    assert share == pytest.approx(1 - len(untranslated) / len(rows))
    with capsys.disabled():
        print(f"\ni18n catalogue: {len(rows)} entries, {share:.1%} translated into Indonesian"
              + (f"; untranslated: {', '.join(untranslated[:10])}" if untranslated else ""))
    assert share >= 0.90


def test_displayed_tables_translate_headers_but_keep_the_frame():
    frame = pd.DataFrame({"goal_id": ["G01"], "mean": [2.5], "FA1": [0.3]})
    i18n.set_language("id")
    shown = i18n.displayed(frame)
    assert list(shown.columns) == ["ID tujuan", "Rata-rata", "FA1"]  # data labels such as FA1 are kept
    assert list(frame.columns) == ["goal_id", "mean", "FA1"]
    assert i18n.header("compound_rank_0.25") == "Peringkat majemuk (alpha 0.25)"
    i18n.set_language("en")
    assert list(i18n.displayed(frame).columns) == ["Goal id", "Mean", "FA1"]
    assert i18n.install_display("en") is False  # no IPython shell in a test run


def test_pra_run_passes_lang_only_when_asked():
    parser = build_parser()
    assert _run_parameters(parser.parse_args(["run", "data", "--lang", "id"])) == {"lang": "id"}
    assert _run_parameters(parser.parse_args(["run", "data", "-p", "seed=7"])) == {"seed": "7"}
    with pytest.raises(SystemExit):
        parser.parse_args(["run", "data", "--lang", "fr"])


def test_every_notebook_declares_lang_and_switches_right_after_its_imports():
    for path in sorted((REPO / "notebooks").glob("*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        params = next(c for c in cells if "parameters" in c["metadata"].get("tags", []))
        assert 'lang: str = "en"' in "".join(params["source"]), path.name
        imports = "".join(cells[cells.index(params) + 1]["source"])
        assert "i18n.set_language(lang)" in imports and "i18n.install_display(lang)" in imports, path.name
        assert not [c for c in cells if c["cell_type"] == "markdown"], f"{path.name}: narrative comes from the catalogue"


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    """Notebooks 00, 04 and 06 of the sample in Indonesian, 00 and 04 in English (fewer resamples)."""
    out = tmp_path_factory.mktemp("i18n")
    ran = {}
    for lang, only, quick in (("id", ["00", "04", "06"], {"n_resamples": 100, "n_runs": 50}), ("en", ["00", "04"], {"n_resamples": 100})):
        summary = run_reports([SAMPLE], out=out / lang, only=only, jobs=2, parameters={"lang": lang, **quick}, progress=lambda line: None)
        assert summary.ok, [r.error for r in summary.failed]
        ran[lang] = out / lang / "jakarta-2017-synthetic"
    return ran


def _html(folder: Path, book: str) -> str:
    return (folder / book / f"{book}.html").read_text(encoding="utf-8")


def test_indonesian_run_reads_as_indonesian(reports):
    overview = _html(reports["id"], "00_data_overview")
    shocks = _html(reports["id"], "04_assets_shocks_workshop")
    # headings, the computed headline, translated table headers, and names recorded in Indonesian
    for text in ("Ikhtisar data", "Keikutsertaan menurut kegiatan dan kelompok pemangku kepentingan", "Semua tabel lolos validasi",
                 "Jenis kegiatan", "Proporsi terisi", "Lokakarya Aset dan Guncangan"):
        assert text in overview, text
    assert "pemangku kepentingan" in overview.lower() and "guncangan" in shocks.lower()
    for text in ("Aset dan guncangan", "Skor risiko setiap guncangan", "adalah guncangan dengan risiko tertinggi", "Banjir", "Kemungkinan", "Temuan"):
        assert text in shocks, text
    assert "Pemenuhan kebutuhan dasar" in _html(reports["id"], "06_focus_areas_session"), "goal names in Indonesian"
    for english in ("Participation by activity and stakeholder group", "is the highest-risk shock", "## Findings"):
        assert english not in overview + shocks, english
    # The CSV tables keep their stable English column names.
    table = pd.read_csv(reports["id"] / "04_assets_shocks_workshop" / "tables" / "shock_scores.csv")
    assert {"hazard_id", "hazard", "score", "band"} <= set(table.columns)
    assert set(table["band"]) <= set(risk.DEFAULT_BANDS), "vocabulary values stay English in the tables"
    assert "Banjir" in set(table["hazard"])


def test_english_run_reads_as_english(reports):
    overview = _html(reports["en"], "00_data_overview")
    shocks = _html(reports["en"], "04_assets_shocks_workshop")
    assert "Participation by activity and stakeholder group" in overview and "Every table passed validation" in overview
    assert "is the highest-risk shock" in shocks and "Flooding" in shocks
    assert "Ikhtisar data" not in overview and "Guncangan" not in shocks
    assert " [EN]" not in overview + shocks
