"""The front page of an assessment's reports (``index.html``): what it shows, what it hides,
and that it stands on its own when opened from the file system."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import nbformat
import pandas as pd
import pytest

from pra_lib.assessment.loading import load_assessment
from pra_lib.publishing.front_page import first_sentence, front_page_html, report_cards, timeline, write_front_page, write_front_pages

from .conftest import read_rows

# The smallest valid PNG (1 x 1 pixel), so a figure can be placed without drawing one.
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000" "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")


class Links(HTMLParser):
    """Every href and src of a page, and its text."""

    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.links += [value for name, value in attrs if name in ("href", "src") and value]

    def handle_data(self, data):
        self.text.append(data)


def parse(page: str) -> Links:
    parser = Links()
    parser.feed(page)
    return parser


def code_cell(source: str, markdown: str | None = None, tags=()):
    cell = nbformat.v4.new_code_cell(source)
    cell.metadata["tags"] = list(tags)
    if markdown is not None:
        cell.outputs = [nbformat.v4.new_output("display_data", data={"text/markdown": markdown})]
    return cell


def write_report(folder: Path, name: str, cells, *, figures=("first_figure",), tables=True) -> Path:
    """A published report folder as the runner leaves it: executed notebook, HTML, figures, tables, workbook."""
    report = folder / name
    (report / "figures").mkdir(parents=True)
    for figure in figures:
        (report / "figures" / f"{figure}.png").write_bytes(PNG)
    if tables:
        (report / "tables").mkdir()
        (report / "tables" / "a.csv").write_text("a\n1\n")
        (report / f"{name}.xlsx").write_bytes(b"PK")
    nb = nbformat.v4.new_notebook()
    nb.cells = cells
    nbformat.write(nb, report / f"{name}.ipynb")
    (report / f"{name}.html").write_text("<html><body>report</body></html>")
    return report


@pytest.fixture
def small_assessment(small_sample):
    return load_assessment(small_sample)


@pytest.fixture
def published(tmp_path) -> Path:
    """An assessment's output folder with three reports: two published, one failed."""
    folder = tmp_path / "out" / "small"
    write_report(
        folder,
        "00_data_overview",
        [
            nbformat.v4.new_markdown_cell("# Data overview\n\nWho took part."),
            code_cell("report.markdown(overview.headline(assessment))", "The assessment heard 40 people in 6 activities. The data are valid."),
            code_cell('report.figure(plots.channel_bars(channels), "channels");'),
            code_cell('report.figure(\n    plots.participation_heatmap(p),\n    "participation",\n);'),
        ],
        figures=("participation", "channels"),
    )
    write_report(
        folder,
        "08_pra_overall",
        [
            nbformat.v4.new_markdown_cell("# The overall report"),
            code_cell("report.markdown(headline)", "A headline that is not a finding. It comes first."),
            code_cell("report.markdown(summary)", "**Weakest goal.** G09 is rated 2.16 (n = 30).\n\n- Flood ranks first.\n- Two focus areas lead, e.g. water.", tags=["executive-summary"]),
            code_cell("report.markdown(findings)", "## Findings\n\nThe weakest goal is G09 (2.16, n = 30). Second sentence.", tags=["findings"]),
        ],
        figures=(),
        tables=False,
    )
    manifest = {
        "status": "failed",
        "parameters": {"min_cell_size": 5},
        "notebooks_run": ["00_data_overview", "04_assets_shocks_workshop", "08_pra_overall"],
        "notebooks": [
            {"notebook": "00_data_overview", "status": "ok"},
            {"notebook": "04_assets_shocks_workshop", "status": "failed", "error": "ValueError: boom"},
            {"notebook": "08_pra_overall", "status": "ok"},
        ],
        "reports_from_other_runs": ["08_pra_overall"],
    }
    (folder / "manifest.json").write_text(json.dumps(manifest))
    return folder


def test_timeline_lists_activities_by_date_with_their_participants(small_assessment):
    steps = timeline(small_assessment, min_cell_size=1)
    meta = small_assessment.metadata.activities
    # Counted independently, from the participants file itself.
    rows = read_rows(small_assessment.path / "participants.csv")
    column = rows[0].index("activity_id")
    expected = {a: sum(1 for r in rows[1:] if r[column] == a) for a in meta["activity_id"]}
    assert dict(zip(steps["activity_id"], steps["participants"].astype(int))) == expected
    dated = steps["date"].dropna().tolist()
    assert dated == sorted(dated), "activities are in date order"
    undated = meta.loc[meta["date"].isna(), "activity_id"].tolist()
    assert steps["activity_id"].tolist()[len(dated):] == undated, "activities without a date come last"
    assert steps["fewer_than"].isna().all()
    assert str(steps["participants"].dtype) == "Int64"


def test_timeline_never_publishes_a_count_below_the_threshold(small_assessment):
    counts = small_assessment.participants["activity_id"].value_counts()
    threshold = int(counts.max())  # every activity but the largest falls below it
    steps = timeline(small_assessment, min_cell_size=threshold).set_index("activity_id")
    for activity, n in counts.items():
        if n < threshold:
            assert pd.isna(steps.loc[activity, "participants"])
            assert steps.loc[activity, "fewer_than"] == threshold
        else:
            assert steps.loc[activity, "participants"] == n
    with pytest.raises(ValueError, match="min_cell_size"):
        timeline(small_assessment, min_cell_size=0)


def test_the_page_shows_fewer_than_n_and_never_the_small_count(small_assessment, published):
    counts = small_assessment.participants["activity_id"].value_counts()
    threshold = int(counts.max()) + 1  # now every activity is small
    page = front_page_html(published, assessment=small_assessment, lang="en", min_cell_size=threshold)
    who = re.findall(r'<span class="who">([^<]*)</span>', page)
    assert len(who) == len(small_assessment.metadata.activities)
    assert all(text in (f"fewer than {threshold} participants", "0 participants") for text in who), who
    assert f"below {threshold} are not published" in page


def test_the_threshold_is_the_runs_by_default(small_assessment, published):
    counts = small_assessment.participants["activity_id"].value_counts()
    small = int(counts.min())
    manifest = json.loads((published / "manifest.json").read_text())
    manifest["parameters"]["min_cell_size"] = small + 1
    (published / "manifest.json").write_text(json.dumps(manifest))
    page = front_page_html(published, assessment=small_assessment, lang="en")
    assert f"fewer than {small + 1} participants" in page
    assert f">{small} participant" not in page


def test_cards_carry_title_key_finding_thumbnail_and_downloads(published):
    cards = {c.notebook: c for c in report_cards(published)}
    assert list(cards) == ["00_data_overview", "04_assets_shocks_workshop", "08_pra_overall"]
    overview = cards["00_data_overview"]
    assert overview.title == "Data overview"
    # Without a findings-tagged cell, the first Markdown the report displayed gives the finding.
    assert overview.key_finding == "The assessment heard 40 people in 6 activities."
    # The first figure the notebook shows, not the first by name.
    assert overview.thumbnail == "00_data_overview/figures/channels.png"
    assert (overview.report, overview.tables, overview.workbook, overview.figures) == (
        "00_data_overview/00_data_overview.html",
        "00_data_overview/tables",
        "00_data_overview/00_data_overview.xlsx",
        "00_data_overview/figures",
    )
    overall = cards["08_pra_overall"]
    assert overall.key_finding == "The weakest goal is G09 (2.16, n = 30).", "the findings cell wins over the first Markdown"
    assert overall.thumbnail is None and overall.workbook is None and overall.earlier_run
    assert cards["04_assets_shocks_workshop"].status == "failed"


def test_a_list_run_into_one_sentence_gives_way_to_a_short_finding(tmp_path):
    folder = tmp_path / "out" / "small"
    long_list = "Ranked: " + "; ".join(f"{i}. focus area number {i} with its score" for i in range(1, 12)) + "."
    write_report(
        folder,
        "06_focus_areas_session",
        [
            code_cell("report.markdown(a)", long_list, tags=["findings"]),
            code_cell("report.markdown(b)", "**Top focus area.** Governance ranks first in 92% of runs. More.", tags=["findings"]),
        ],
    )
    (card,) = report_cards(folder)
    assert len(long_list) > 320
    assert card.key_finding == "**Top focus area.** Governance ranks first in 92% of runs."
    # Alone, the long sentence is shown whole: a finding is never cut.
    write_report(tmp_path / "alone", "06_focus_areas_session", [code_cell("report.markdown(a)", long_list, tags=["findings"])])
    (card,) = report_cards(tmp_path / "alone")
    assert card.key_finding == long_list


def test_a_failed_report_gets_a_card_and_the_page_still_renders(small_assessment, published):
    page = front_page_html(published, assessment=small_assessment, lang="en")
    card = re.search(r'<article class="card missing" id="report-04_assets_shocks_workshop">(.*?)</article>', page, re.S)
    assert card, "the failed report has a card"
    assert "it failed in the last run" in card.group(1)
    assert "boom" not in page, "an error message is for the manifest, not the front page"
    manifest = json.loads((published / "manifest.json").read_text())
    manifest["notebooks_run"].append("09_phase2_working_groups")
    (published / "manifest.json").write_text(json.dumps(manifest))
    page = front_page_html(published, assessment=small_assessment, lang="en")
    assert re.search(r'id="report-09_phase2_working_groups">.*?it has not been run', page, re.S)
    # A report the data cannot support says so, rather than that it failed.
    manifest["notebooks"].append({"notebook": "09_phase2_working_groups", "status": "not collected"})
    (published / "manifest.json").write_text(json.dumps(manifest))
    page = front_page_html(published, assessment=small_assessment, lang="en")
    card = re.search(r'id="report-09_phase2_working_groups">(.*?)</article>', page, re.S).group(1)
    assert "this assessment holds no data for this report" in card and "failed" not in card


def test_executive_summary_comes_from_the_tagged_cell_with_its_emphasis_and_list(small_assessment, published):
    page = front_page_html(published, assessment=small_assessment, lang="en")
    summary = re.search(r'<section id="summary">(.*?)</section>', page, re.S).group(1)
    assert "<strong>Weakest goal.</strong> G09 is rated 2.16 (n = 30)." in summary
    assert "<ul><li>Flood ranks first.</li><li>Two focus areas lead, e.g. water.</li></ul>" in summary
    assert "headline that is not a finding" not in summary


def test_without_the_overall_report_the_summary_says_it_is_missing(small_assessment, published):
    import shutil

    shutil.rmtree(published / "08_pra_overall")
    page = front_page_html(published, assessment=small_assessment, lang="en")
    assert "The executive summary is not available" in page


def test_text_from_data_and_reports_is_escaped(small_assessment, published):
    nb_path = published / "00_data_overview" / "00_data_overview.ipynb"
    nb = nbformat.read(nb_path, as_version=4)
    nb.cells[0].source = '# Data <script>alert("title")</script> overview'
    nb.cells[1].outputs[0]["data"]["text/markdown"] = 'People said <img src=x onerror="alert(1)"> &amp; more. Then.'
    nbformat.write(nb, nb_path)
    small_assessment.metadata.title = "PRA <b>bold</b> & co"
    page = front_page_html(published, assessment=small_assessment, lang="en")
    parsed = parse(page)
    assert "script" not in parsed.tags and "b" not in parsed.tags
    assert [tag for tag in parsed.tags if tag == "img"] == ["img"], "only the thumbnail is an image"
    assert "PRA &lt;b&gt;bold&lt;/b&gt; &amp; co" in page
    assert "People said &lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; more." in page


def test_every_link_is_relative_and_points_at_an_existing_file(small_assessment, published):
    page = front_page_html(published, assessment=small_assessment, lang="en")
    links = parse(page).links
    assert "manifest.json" in links and "00_data_overview/00_data_overview.html" in links
    for link in links:
        parts = urlsplit(link)
        assert not parts.scheme and not parts.netloc, f"{link} is not relative"
        if parts.path:
            assert (published / unquote(parts.path)).exists(), f"{link} points at nothing"
        else:
            assert re.search(f'id="{parts.fragment}"', page), f"{link} names no section"
    assert "http" not in page.lower().replace("http-equiv", ""), "nothing is fetched from the network"


def test_title_and_texts_follow_the_language(assessment_copy, published):
    meta = assessment_copy / "assessment.yaml"
    # The assessment's own title line(s) only: activities carry titles too, indented.
    text = "".join(line for line in meta.read_text().splitlines(keepends=True) if not line.startswith("title_id:"))
    meta.write_text(text.replace("\ntitle: ", "\ntitle_id: Penilaian Awal Ketahanan Jakarta (SAMPEL)\ntitle: ", 1))
    data = load_assessment(assessment_copy)
    english = front_page_html(published, assessment=data, lang="en")
    indonesian = front_page_html(published, assessment=data, lang="id")
    assert f"<h1>{data.metadata.title}</h1>" in english
    assert "<h1>Penilaian Awal Ketahanan Jakarta (SAMPEL)</h1>" in indonesian
    assert '<html lang="id">' in indonesian and "Ringkasan eksekutif" in indonesian and "Linimasa penilaian" in indonesian
    # Dates as the reader's language writes them (Babel).
    assert "October 11, 2017" in english and "11 Oktober 2017" in indonesian
    # Without an Indonesian title, the recorded title stays, with no marker.
    meta.write_text(text)
    untitled = front_page_html(published, assessment=load_assessment(assessment_copy), lang="id")
    assert f"<h1>{data.metadata.title}</h1>" in untitled and "[EN]</h1>" not in untitled


def test_write_front_page_writes_index_html_atomically(small_assessment, published):
    path = write_front_page(published, assessment=small_assessment, lang="en")
    assert path == published / "index.html"
    assert path.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert not [p.name for p in published.iterdir() if p.name.endswith(".tmp")], "no temporary file is left"
    before = path.read_bytes()
    write_front_page(published, assessment=small_assessment, lang="en")
    assert path.read_bytes() == before, "the same folder gives the same page"


def test_a_page_that_cannot_be_written_is_reported_and_the_others_are_written(small_assessment, published):
    blocked = published.parent / "blocked"
    blocked.write_text("a file where the assessment's folder should be")
    problems = []
    written = write_front_pages(published.parent, {"blocked": small_assessment, "small": small_assessment}, lang="en", on_problem=problems.append)
    assert written == [published / "index.html"]
    assert len(problems) == 1 and str(blocked / "index.html") in problems[0]
    with pytest.raises(OSError):
        write_front_pages(published.parent, {"blocked": small_assessment})
    with pytest.raises(ValueError, match="fr"):
        write_front_pages(published.parent, {"small": small_assessment}, lang="fr")


def test_personal_data_never_reaches_the_page(small_assessment, published):
    page = front_page_html(published, assessment=small_assessment, lang="en")
    people = small_assessment.participants
    for column in ("name", "phone", "email", "nik"):
        values = [str(v) for v in people[column].dropna() if str(v).strip()] if column in people else []
        leaked = [v for v in values if v in page]
        assert not leaked, f"{column} on the front page: {leaked[:3]}"


@pytest.mark.parametrize(
    ("text", "sentence"),
    [
        ("## Findings\n\nThe weakest goal is G09 (2.16, n = 30). It is rated low.", "The weakest goal is G09 (2.16, n = 30)."),
        ("- **Flood** ranks first, e.g. in the north. Then heat.", "**Flood** ranks first, e.g. in the north."),
        ("One sentence without an end", "One sentence without an end"),
        ("Ranking: 1. FA1 Governance; 2. FA4 Mobility. Then the rest.", "Ranking: 1. FA1 Governance; 2. FA4 Mobility."),
        ("The score is out of 5. Then more.", "The score is out of 5."),
        ("# Only a heading", None),
    ],
)
def test_first_sentence_skips_headings_and_keeps_abbreviations_and_decimals(text, sentence):
    assert first_sentence(text) == sentence


def test_the_sample_run_has_a_front_page_with_every_report(sample_reports_en):
    """The runner writes the front page after the notebooks of an assessment finish."""
    folder = sample_reports_en / "jakarta-2017-synthetic"
    page = (folder / "index.html").read_text(encoding="utf-8")
    books = sorted(p.stem for p in (Path(__file__).resolve().parent.parent / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    cards = report_cards(folder)
    assert [c.notebook for c in cards] == books
    assert all(c.status == "ok" and c.key_finding and c.thumbnail for c in cards), [c for c in cards if not (c.key_finding and c.thumbnail)]
    summary = re.search(r'<section id="summary">(.*?)</section>', page, re.S).group(1)
    assert "not available" not in summary and len(re.sub(r"<[^>]+>", "", summary)) > 200, "the executive summary of 08_pra_overall is shown"


def test_the_indonesian_sample_run_has_an_indonesian_front_page(sample_reports_id, sample_dir):
    page = (sample_reports_id / "jakarta-2017-synthetic" / "index.html").read_text(encoding="utf-8")
    meta = load_assessment(sample_dir).metadata
    title = meta.title_id or meta.title
    assert f"<h1>{title}</h1>" in page
    assert '<html lang="id">' in page and "Ringkasan eksekutif" in page and "Linimasa penilaian" in page
