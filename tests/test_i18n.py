"""The report language: gettext catalogues, silent but recorded fallbacks, and Indonesian reports end to end."""

from __future__ import annotations

import json
import os
import re
import shutil
import string
import subprocess
import sys
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from babel.messages.pofile import read_po

from pra_lib import i18n, risk, seminar
from pra_lib.cli import _run_parameters, build_parser
from pra_lib.publishing import i18n_tools
from pra_lib.assessment.schema import ACTION_STATUSES, CHANNELS

from .conftest import REPO

LOCALE = REPO / "pra_lib" / "locale"
TEMPLATE = LOCALE / "pra.pot"
# t("key"), tr("key"), english("key"), i18n.t("key"): literal keys and f-string keys.
KEY_CALL = re.compile(r'\b(?:t|tr|english)\(\s*(f?)"([^"]+)"')


def _catalog(lang: str | None = None, locale: Path = LOCALE):
    """The template (lang None) or a language's catalogue, read with Babel."""
    path = locale / "pra.pot" if lang is None else locale / lang / "LC_MESSAGES" / "pra.po"
    with path.open("rb") as handle:
        return read_po(handle)


def _entries(catalog) -> dict:
    """(context, msgid) -> msgstr of the active (not obsolete) entries."""
    return {(m.context, m.id): m.string for m in catalog if m.id}


@pytest.fixture(autouse=True)
def english_afterwards():
    """Every test leaves the process in the default language."""
    yield
    i18n.set_language("en")


def _rows() -> list[dict]:
    """The keyed messages as rows: key, English (en/pra.po), Indonesian (id/pra.po)."""
    en, id_ = _entries(_catalog("en")), _entries(_catalog("id"))
    return [{"key": key, "en": text, "id": id_.get((None, key), "")} for (context, key), text in en.items() if context is None]


def _keys_used() -> list[tuple[str, str, bool]]:
    """(where, key, is_fstring) for every catalogue lookup in the library and the notebooks."""
    found = []
    for path in sorted((REPO / "pra_lib").rglob("*.py")):
        for match in KEY_CALL.finditer(path.read_text(encoding="utf-8")):
            found.append((str(path.relative_to(REPO)), match.group(2), bool(match.group(1))))
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
    assert not missing, "keys missing from en/pra.po:\n" + "\n".join(missing)
    # An f-string key such as f"actions.find.gaps.{what}" must match at least one entry.
    for where, key, fstring in used:
        if fstring:
            pattern = re.compile("^" + re.sub(r"\\\{[^}]*\\\}", "[^.]+", re.escape(key)) + "$")
            assert any(pattern.match(k) for k in keys), f"{where}: no catalogue entry matches {key!r}"


def _fields(text):
    return {f for _, f, _, _ in string.Formatter().parse(text) if f is not None}


def test_catalogue_has_unique_keys_english_texts_and_matching_fields():
    rows = _rows()
    keys = [row["key"] for row in rows]
    assert len(keys) == len(set(keys)), sorted(k for k in keys if keys.count(k) > 1)
    assert all(row["en"] for row in rows), "every entry has an English text"
    # Both languages fill in the same fields, so a translation can never drop a number.
    differ = [row["key"] for row in rows if row["id"] and _fields(row["en"]) != _fields(row["id"])]
    assert not differ, differ


def test_every_message_of_the_template_has_a_text_in_english_and_indonesian():
    template = {key for key in _entries(_catalog())}
    assert len(template) > 1000
    for lang in i18n.LANGUAGES:
        catalog = _catalog(lang)
        texts = _entries(catalog)
        assert set(texts) == template, f"{lang}/pra.po differs from pra.pot: run make translations"
        empty = [context or msgid for (context, msgid), text in texts.items() if not text]
        assert not empty, f"{lang}/pra.po: entries without a text: {empty[:20]}"
        fuzzy = [m.context or m.id for m in catalog if m.id and m.fuzzy]
        assert not fuzzy, f"{lang}/pra.po: fuzzy entries (never shown): {fuzzy[:20]}"
    english, indonesian = _entries(_catalog("en")), _entries(_catalog("id"))
    for (context, msgid), text in indonesian.items():
        source = english[(context, msgid)] if context is None else msgid  # a cell's English is its msgid
        assert _fields(source) == _fields(text), f"{context or msgid}: the fields differ between en and id"
    # Notebook cells are their own English; keyed messages give the English as a comment in id.
    assert all(text == msgid for (context, msgid), text in english.items() if context is not None)
    comments = {m.id: "\n".join(m.auto_comments) for m in _catalog("id") if m.id and not m.context}
    assert comments["risk.fig.matrix.title"] == "Shocks on the risk matrix"


def test_extraction_and_update_keep_every_entry(tmp_path):
    """pybabel extract + update, as `make translations` runs them, lose no entry (also no key built at run time)."""
    locale = tmp_path / "locale"
    shutil.copytree(LOCALE, locale, ignore=shutil.ignore_patterns("*.mo"))
    pybabel = str(Path(sys.executable).parent / "pybabel")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    extract = subprocess.run([pybabel, "extract", "-F", "babel.cfg", "-o", str(locale / "pra.pot"), "-w", "76", "."],
                             cwd=REPO, capture_output=True, text=True, env=env)
    assert extract.returncode == 0, extract.stderr[-2000:]
    update = subprocess.run([pybabel, "update", "-i", str(locale / "pra.pot"), "-d", str(locale), "-D", "pra", "-w", "76", "--no-fuzzy-matching"],
                            cwd=REPO, capture_output=True, text=True, env=env)
    assert update.returncode == 0, update.stderr[-2000:]
    assert i18n_tools.fill_english(locale) == 0, "en/pra.po holds every notebook cell's English"
    for lang in i18n.LANGUAGES:
        before, after = _entries(_catalog(lang)), _entries(_catalog(lang, locale))
        lost = sorted(context or msgid for (context, msgid) in set(before) - set(after))
        assert not lost, f"{lang}: extraction would retire {lost[:20]} (register keys built at run time in i18n_tools.DYNAMIC_KEYS)"
        changed = [context or msgid for key, text in before.items() if after.get(key, text) != text for context, msgid in [key]]
        assert not changed, changed
    assert set(_entries(_catalog(None, locale))) == set(_entries(_catalog())), "the committed pra.pot is up to date: run make translations"


def test_compiled_catalogues_say_what_the_po_files_say(tmp_path, monkeypatch):
    locale = tmp_path / "locale"
    shutil.copytree(LOCALE, locale, ignore=shutil.ignore_patterns("*.mo"))
    written = i18n_tools.compile_catalogues(locale)
    assert sorted(p.parent.parent.name for p in written) == ["en", "id"]
    for mo in written:
        assert i18n._read_mo(mo) == i18n._read_po(mo.with_suffix(".po"))
    # The .mo is used while it is not older than its .po; an edited .po is read directly.
    monkeypatch.setattr(i18n, "LOCALE_DIR", locale)
    po = locale / "id" / "LC_MESSAGES" / "pra.po"
    mo = po.with_suffix(".mo")
    mo.write_bytes(mo.read_bytes().replace("Guncangan pada matriks risiko".encode(), "GUNCANGAN PADA MATRIKS RISIKO".encode()))
    os.utime(po, (1_000_000_000, 1_000_000_000))
    i18n._messages.cache_clear()
    i18n._entries.cache_clear()
    try:
        with i18n.language("id"):
            assert i18n.t("risk.fig.matrix.title") == "GUNCANGAN PADA MATRIKS RISIKO", "the compiled catalogue is read"
        os.utime(po, None)
        os.utime(mo, (1_000_000_000, 1_000_000_000))
        i18n._messages.cache_clear()
        i18n._entries.cache_clear()
        with i18n.language("id"):
            assert i18n.t("risk.fig.matrix.title") == "Guncangan pada matriks risiko", "a newer .po wins over its .mo"
    finally:
        monkeypatch.undo()
        i18n._messages.cache_clear()
        i18n._entries.cache_clear()


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


def test_untranslated_entries_fall_back_to_english_silently_and_are_recorded(monkeypatch):
    entries = dict(i18n._entries())
    entries["risk.fig.matrix.title"] = ("Shocks on the risk matrix", "")
    monkeypatch.setattr(i18n, "_entries", lambda: entries)
    monkeypatch.setattr(i18n, "_missing", set())
    assert i18n.t("risk.fig.matrix.title") == "Shocks on the risk matrix"  # English never carries the marker
    assert i18n.missing_translations() == []
    i18n.set_language("id")
    assert i18n.t("risk.fig.matrix.title") == "Shocks on the risk matrix", "the reader sees the English, no marker"
    assert i18n.header("a_column_nobody_named") == "A column nobody named"
    assert i18n.missing_translations() == ["col.a_column_nobody_named", "risk.fig.matrix.title"]
    # A name recorded in the assessment only in English is shown as it is, and recorded.
    assert i18n.pick("Heatwave", None) == "Heatwave"
    assert i18n.pick("Flooding", "Banjir") == "Banjir"
    assert "name:Heatwave" in i18n.missing_translations() and "name:Flooding" not in i18n.missing_translations()
    assert i18n.goal_label("G01") == "Pemenuhan kebutuhan dasar"
    assert i18n.goal_label("G03") == "Menjamin layanan kesehatan masyarakat", "the project's name where Jakarta gave none"


def _markdown_cells(path: Path):
    return [c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "markdown"]


def test_notebook_narrative_is_markdown_translated_by_cell_id(monkeypatch):
    indonesian = _entries(_catalog("id"))
    for path in sorted((REPO / "notebooks").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        nbformat.validate(nb)
        assert (nb.nbformat, nb.nbformat_minor) >= (4, 5), path.name
        assert nb.metadata["kernelspec"] == {"name": "pra", "display_name": "Python (pra)", "language": "python"}, path.name
        cells = _markdown_cells(path)
        assert cells and cells[0].source.startswith("# "), f"{path.name}: the report opens with its title as a heading"
        assert nb.cells[0].cell_type == "markdown", f"{path.name}: the notebook opens with its title, before any code"
        for cell in cells:
            context = i18n_tools.notebook_context(path.stem, cell.id)
            assert indonesian.get((context, cell.source)), f"{context}: no Indonesian text for this cell's English"
        static = [c.id for c in nb.cells if c.cell_type == "code" and re.fullmatch(r'\s*report\.markdown\(i18n\.t\("[^"]+"\)\)\s*', c.source)]
        assert not static, f"{path.name}: static narrative belongs in Markdown cells: {static}"
    book = REPO / "notebooks" / "04_assets_shocks_workshop.ipynb"
    nb = nbformat.read(book, as_version=4)
    translated = i18n_tools.translate_notebook(nb, "id", name=book.stem)
    assert translated.cells[0].source.startswith("# Aset dan guncangan")
    assert nb.cells[0].source.startswith("# Assets and shocks"), "the notebook itself is left as it was"
    assert [c.source for c in translated.cells if c.cell_type == "code"] == [c.source for c in nb.cells if c.cell_type == "code"]
    assert i18n_tools.translate_notebook(nb, "id").cells[0].source == translated.cells[0].source, "found by cell id alone"
    assert i18n_tools.translate_notebook(nb, "en") == nb
    # A cell whose English changed since it was translated keeps its English, with no marker, and is recorded.
    monkeypatch.setattr(i18n, "_missing", set())
    nb.cells[0].source += "\n\nA new sentence."
    assert i18n_tools.translate_notebook(nb, "id", name=book.stem).cells[0].source == nb.cells[0].source
    assert i18n.missing_translations() == [f"{book.stem}#{nb.cells[0].id}"]


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
    assert i18n.header("compound_rank_0.25") == "Peringkat majemuk (alpha 0,25)", "the alpha as Indonesian writes it"
    assert i18n.header("place_3") == "Tempat 3"
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
        assert len([c for c in cells if "parameters" in c["metadata"].get("tags", [])]) == 1, path.name


@pytest.fixture(scope="module")
def reports(sample_reports_id, sample_reports_en):
    """The sample's published reports in Indonesian and in English (the session's full runs)."""
    return {"id": sample_reports_id / "jakarta-2017-synthetic", "en": sample_reports_en / "jakarta-2017-synthetic"}


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


def test_numbers_money_and_dates_are_written_by_the_report_language():
    """Separators from the CLDR locale data, through Babel.

    CLDR ``common/main/id.xml`` (numbers, symbols ``latn``) gives Indonesian the decimal
    sign "," and the group sign "."; ``en.xml`` the reverse. Babel's own tests
    (python-babel ``tests/test_numbers.py``, ``test_format_decimal``; ``tests/test_dates.py``,
    ``test_format_date``) are the reference for what Babel writes from them.
    """
    from babel.numbers import get_decimal_symbol, get_group_symbol

    assert (get_decimal_symbol("id_ID"), get_group_symbol("id_ID")) == (",", ".")
    assert (get_decimal_symbol("en"), get_group_symbol("en")) == (".", ",")
    assert i18n.format_number(1000) == "1,000" and i18n.format_number(2.156, digits=2) == "2.16"
    assert i18n.format_money_idr(4.2e12) == "IDR 4.2 trillion"
    with i18n.language("id"):
        assert i18n.locale_name() == "id_ID"
        assert i18n.format_number(1000) == "1.000"
        assert i18n.format_number(1_234_567.891, digits=2) == "1.234.567,89"
        assert i18n.format_number(2.156, digits=2) == "2,16"
        assert i18n.format_number(-0.004, digits=2) == "0,00", "no negative zero"
        assert i18n.format_number(0.125, digits=2, sign=True) == "+0,12"  # half to even, as Babel and CLDR round
        assert i18n.format_number(float("nan")) == "t/a" and i18n.format_number(None, na="–") == "–"
        assert i18n.format_percent(0.25) == "25%" and i18n.format_percent(0.2551, digits=1) == "25,5%"
        assert i18n.format_money_idr(4.2e12) == "Rp 4,2 triliun"
        assert i18n.format_money_idr(850e9) == "Rp 850 miliar"
        assert i18n.format_money_idr(25_000) == "Rp 25.000"
        assert i18n.format_interval(2.1, 2.4) == "2,10–2,40"
        assert i18n.format_p_value(6.715e-31) == "< 0,001" and i18n.format_p_value(0.0123) == "0,012"
        assert i18n.format_date("2026-11-30") == "30 November 2026"
        assert i18n.format_date(pd.Timestamp("2017-09-15")) == "15 September 2017"
        with pytest.raises(ValueError, match="'15/09/2017' is not a date"):
            i18n.format_date("15/09/2017")
        # t() writes the numbers it is given by the locale too; whole numbers stay bare digits.
        assert i18n.t("common.n_equals", n=2.5) == "n = 2,5"
        assert i18n.t("common.n_equals", n=2017) == "n = 2017"
    assert i18n.format_date("2026-11-30") == "November 30, 2026"
    assert i18n.t("common.n_equals", n=2.5) == "n = 2.5"


# Text a reader sees in a published run: the reports, their tables and their figures.
_READ_SUFFIXES = (".html", ".csv", ".svg", ".md")


def _published_text(folder: Path):
    for path in sorted(folder.rglob("*")):
        if path.suffix in _READ_SUFFIXES and path.is_file():
            yield path, path.read_text(encoding="utf-8", errors="replace")


def test_no_english_fallback_marker_anywhere_in_the_indonesian_run(reports):
    seen = 0
    marked = []
    for path, text in _published_text(reports["id"]):
        seen += 1
        if "[EN]" in text:
            at = text.index("[EN]")
            marked.append(f"{path.relative_to(reports['id'])}: ...{text[max(0, at - 80):at + 4]}")
    assert seen >= 30 and any(p.suffix == ".svg" for p, _ in _published_text(reports["id"])), "the run's reports, tables and figures are read"
    assert not marked, "an Indonesian report shows an untranslated name:\n" + "\n".join(marked[:20])


def test_every_crf_name_reads_in_indonesian():
    from pra_lib.assessment import crf

    with i18n.language("id"):
        for goal_id in crf.GOAL_IDS:
            name = i18n.goal_label(goal_id)
            assert name and name != crf.goal_label(goal_id, lang="en"), goal_id
        for dimension_id in crf.DIMENSION_IDS:
            assert i18n.dimension_label(dimension_id) != crf.dimensions().set_index("dimension_id").loc[dimension_id, "name_en"]
    for table, column in ((crf.goals(), "name_id"), (crf.dimensions(), "name_id"), (crf.indicators(), "label_id"), (crf.qualities(), "name_id")):
        assert table[column].str.strip().ne("").all(), column
        assert set(table[f"{column}_source"]) <= {"jakarta_pra", "project"}, "whose wording it is, in the data only"
    assert i18n.goal_label("G05") == "Ensures social stability, security & justice"
    with i18n.language("id"):
        assert i18n.goal_label("G05") == "Menjamin stabilitas sosial, keamanan, dan keadilan", "G05 is about security"


def test_indonesian_run_names_goal_5_by_security_and_uses_the_indonesian_title(reports):
    texts = {path.relative_to(reports["id"]): text for path, text in _published_text(reports["id"])}
    html = "\n".join(text for path, text in texts.items() if path.suffix == ".html")
    assert "Menjamin stabilitas sosial, keamanan, dan keadilan" in html
    assert not [str(p) for p, text in texts.items() if "stabilitas sosial, ekonomi" in text], "the old G05 wording is gone"
    overview = _html(reports["id"], "00_data_overview")
    assert "Penilaian Awal Ketahanan, Jakarta 2017 (SAMPEL SINTETIS)" in overview, "the title from the metadata's title_id"
    assert "Preliminary Resilience Assessment, Jakarta 2017" not in overview
    assert "Preliminary Resilience Assessment, Jakarta 2017 (SYNTHETIC SAMPLE)" in _html(reports["en"], "00_data_overview")


def test_indonesian_findings_write_numbers_the_indonesian_way(reports):
    """Thousands with ".", decimals with "," (CLDR id), in the computed findings of the run."""
    questionnaire = _html(reports["id"], "01_questionnaire")
    means = re.findall(r"\(rata-rata (\d+[.,]\d+), SK (\d+[.,]\d+)–(\d+[.,]\d+), n = \d+\)", questionnaire)
    assert means, "the weakest goals are quoted with their means"
    assert all("," in number and "." not in number for mean in means for number in mean), means
    overall = _html(reports["id"], "08_pra_overall")
    # The executive summary quotes the shocks' 2,000 bootstrap resamples (the focus areas'
    # 1,000 Monte Carlo runs are withheld on the sample: they would give back hidden interview counts).
    assert re.search(r"\b2\.000 sampel ulang", overall), "2,000 resamples read as 2.000 in Indonesian"
    assert re.search(r"Rp \d+,\d triliun", overall), "a rupiah total in trillions with a decimal comma"
    assert not re.search(r"\b2,000 sampel|Rp \d+\.\d triliun", overall)
    english = _html(reports["en"], "01_questionnaire")
    assert re.search(r"\(mean \d\.\d\d, CI \d\.\d\d–\d\.\d\d, n = \d+\)", english), "English keeps the decimal point"


def test_the_metadata_carries_an_indonesian_title_shown_by_indonesian_reports(assessment_copy):
    from pra_lib.assessment.loading import load_assessment, validate_assessment
    from pra_lib.overview import findings as overview_findings

    data = load_assessment(assessment_copy)
    assert data.metadata.title_id == "Penilaian Awal Ketahanan, Jakarta 2017 (SAMPEL SINTETIS)"
    assert data.metadata.title == "Preliminary Resilience Assessment, Jakarta 2017 (SYNTHETIC SAMPLE)"
    assert "Preliminary Resilience Assessment, Jakarta 2017" in overview_findings.headline(data)
    with i18n.language("id"):
        opening = overview_findings.headline(data)
    assert "Penilaian Awal Ketahanan, Jakarta 2017 (SAMPEL SINTETIS)" in opening and "Preliminary" not in opening
    path = assessment_copy / "assessment.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("title_id: Penilaian Awal Ketahanan, Jakarta 2017 (SAMPEL SINTETIS)", "title_id: 2017"), encoding="utf-8")
    problems = [p for p in validate_assessment(assessment_copy) if p.column == "title_id"]
    assert len(problems) == 1 and problems[0].value == 2017 and "Indonesian" in problems[0].expected


def test_indonesian_texts_write_decimals_with_a_comma():
    """CLDR id: "0,05", not "0.05", in the catalogue's Indonesian texts too (thresholds, examples)."""
    decimal_point = re.compile(r"(?<![\w.\-/])\d+\.\d+(?![\w]|\.\d)")
    found = [(m.context or m.id)[:60] + f": {decimal_point.search(m.string).group(0)}" for m in _catalog("id")
             if m.id and isinstance(m.string, str) and decimal_point.search(m.string)]
    assert not found, found[:20]
    assert any(",667" in m.string for m in _catalog("id") if m.id and isinstance(m.string, str)), "the thresholds are still quoted"


def test_the_sample_names_everything_in_indonesian_so_nothing_falls_back(sample_dir, monkeypatch):
    """Hazards, focus areas, activities, stakeholder groups and the title: each has its Indonesian name."""
    from pra_lib.assessment.loading import load_assessment

    data = load_assessment(sample_dir)
    meta = data.metadata
    monkeypatch.setattr(i18n, "_missing", set())
    with i18n.language("id"):
        names = [i18n.pick(meta.title, meta.title_id)]
        names += i18n.pick_all(meta.activities["title"], meta.activities["title_id"])
        names += i18n.pick_all(meta.stakeholder_groups["label"], meta.stakeholder_groups["label_id"])
        for table in ("hazards", "focus_areas"):
            frame = getattr(data, table)
            names += i18n.pick_all(frame["name_en"], frame["name_id"])
    assert len(names) > 20 and "Banjir" in names
    assert i18n.missing_translations() == [], "names shown in English in an Indonesian report"
    with i18n.language("id"):
        assert i18n.pick("Heatwave", None) == "Heatwave"
    assert i18n.missing_translations() == ["name:Heatwave"], "a missing name would be recorded"


def test_figure_numbers_follow_the_report_language():
    """Value labels, heatmap cells and ticks: 2,16 and 1.000 in Indonesian (CLDR id: decimal ',' and group '.')."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from pra_lib.publishing.i18n import language
    from pra_lib.publishing.plots import localise_figure

    def figure():
        fig, ax = plt.subplots()
        ax.plot([0, 0.5, 1.0], [0, 1, 2])
        ax.text(0.1, 1, "2.16")
        ax.text(0.2, 1, "1,000 runs; mean 0.47 (alone 0.20)")
        ax.text(0.3, 1, "1.1 Safe & affordable housing")  # an indicator id stays as it is
        return fig

    fig = figure()
    with language("en"):
        assert localise_figure(fig) == 0
    fig = figure()
    with language("id"):
        assert localise_figure(fig) > 0
    texts = {t.get_text() for t in fig.axes[0].texts}
    assert texts == {"2,16", "1.000 runs; mean 0,47 (alone 0,20)", "1.1 Safe & affordable housing"}
    ticks = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert "0,2" in ticks and not any("." in t for t in ticks)
    plt.close("all")


def test_figure_numbers_already_in_indonesian_are_left_alone():
    from pra_lib.publishing.i18n import language
    from pra_lib.publishing.plots import _localised

    with language("id"):
        assert _localised("Bobot: 1.000 pengambilan Dirichlet", whole=True) == "Bobot: 1.000 pengambilan Dirichlet"
        assert _localised("rata-rata 2,16", whole=False) == "rata-rata 2,16"
        assert _localised("1,000 runs", whole=False) == "1.000 runs"


@pytest.mark.parametrize("lang, scope, column", [("en", "by stakeholder group", "Perception weakness"), ("id", "per kelompok pemangku kepentingan", "Kelemahan persepsi")])
def test_tables_show_no_machine_names_as_values(lang, scope, column):
    # 07's consensus table showed its scope as "stakeholder_group" and 06's correlations their
    # columns as "perception_weakness"; the tables keep the keys, the display shows words.
    frame = pd.DataFrame({"scope": ["all participants", "stakeholder_group"], "column_a": ["perception_weakness", "linked_risk"], "rho": [0.5, 0.1]})
    with i18n.language(lang):
        shown = i18n.displayed(frame)
    assert shown.iloc[1, 0] == scope and shown.iloc[0, 1] == column
    assert frame["scope"].tolist() == ["all participants", "stakeholder_group"]
