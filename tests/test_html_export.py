"""The HTML export: findings first, a table of contents, long tables folded, nothing fetched
from another host (issue 14 item 2, issue 11 item 8)."""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest

from pra_lib.publishing.html_export import DETAIL_TAG, FINDINGS_TAG, export_html, page_language, reading_order, remote_references, report_title

from .conftest import REPO

NOTEBOOKS = sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))
PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="


def _table(rows: int) -> dict:
    body = "".join(f"<tr><td>row {i}</td><td>{i}</td></tr>" for i in range(rows))
    return nbformat.v4.new_output("display_data", data={"text/html": f"<table class='dataframe'>{body}</table>", "text/plain": "table"})


def _report(*, lang: str = "en") -> nbformat.NotebookNode:
    """An executed report in notebook order: title, sections, then the findings at the end."""
    md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    cells = [
        md("# Seminar report\n\nWhat the seminar said."),
        code("lang = 'en'", metadata={"tags": ["parameters"]}),
        code("import pra_lib  # setup", outputs=[nbformat.v4.new_output("stream", name="stdout", text="Note: small cells.\n")]),
        md("## Support for each focus area"),
        code("support", outputs=[_table(3)]),
        md("## Rankings by stakeholder group"),
        code("ranking_by_group = report.table(...)", outputs=[_table(40), nbformat.v4.new_output("display_data", data={"image/png": PNG, "text/plain": "figure"})], metadata={"tags": [DETAIL_TAG]}),
        md("## Findings", metadata={"tags": [FINDINGS_TAG]}),
        code("report.markdown(findings)", outputs=[nbformat.v4.new_output("display_data", data={"text/markdown": "- Flooding leads with **4.2** of 5.", "text/plain": "md"})], metadata={"tags": [FINDINGS_TAG]}),
    ]
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["papermill"] = {"parameters": {"lang": lang}}
    return nb


class _Outline(HTMLParser):
    """The page's headings, navigation, folded sections and images, in document order."""

    def __init__(self):
        super().__init__()
        self.events, self._open = [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("h1", "h2", "summary"):
            self._open = [tag, ""]
        elif tag in ("nav", "details", "section", "img", "table"):
            self.events.append((tag, attrs.get("class") or ""))

    def handle_endtag(self, tag):
        if tag == "details":
            self.events.append(("/details", ""))
        if self._open and tag == self._open[0]:
            self.events.append((tag, self._open[1].replace("¶", "").strip()))
            self._open = None

    def handle_data(self, data):
        if self._open:
            self._open[1] += data


def _outline(page: str) -> list[tuple[str, str]]:
    parser = _Outline()
    parser.feed(page)
    return parser.events


def test_reading_order_puts_the_findings_after_the_title_block_and_leaves_the_notebook_alone():
    nb = _report()
    before = json.dumps(nb, sort_keys=True)
    ordered = reading_order(nb)
    sources = [c.source.splitlines()[0] if c.source else "<contents>" for c in ordered.cells]
    assert sources == [
        "# Seminar report", "lang = 'en'", "import pra_lib  # setup",  # the title block stays first
        "## Findings", "report.markdown(findings)", "<contents>",
        "## Support for each focus area", "support", "## Rankings by stakeholder group", "ranking_by_group = report.table(...)",
    ]
    assert json.dumps(nb, sort_keys=True) == before, "the executed notebook must not change"


def test_report_opens_with_title_findings_then_contents_and_folds_detail_tables_only():
    page = export_html(_report())
    events = _outline(page)
    headings = [e for e in events if e[0] in ("h1", "h2", "nav", "section")]
    assert headings[:5] == [("h1", "Seminar report"), ("section", "pra-findings"), ("h2", "Findings"), ("nav", "pra-toc"), ("h2", "Contents")]
    assert [h for h in headings[5:] if h[0] == "h2"] == [("h2", "Support for each focus area"), ("h2", "Rankings by stakeholder group")]
    toc = re.search(r'<nav class="pra-toc".*?</nav>', page, flags=re.DOTALL).group(0)
    links = re.findall(r'href="#([^"]+)"', toc)
    assert links == ["Support-for-each-focus-area", "Rankings-by-stakeholder-group"]
    for anchor in links:
        assert f'id="{anchor}"' in page.split(toc)[1], f"contents link #{anchor} leads nowhere"
    # the 40-row table of the detail cell is folded, its figure and the ordinary table are not
    opened = [i for i, e in enumerate(events) if e[0] == "details"]
    assert len(opened) == 1
    inside = events[opened[0]: events.index(("/details", ""), opened[0])]
    assert ("summary", "Show table") in inside and ("table", "dataframe") in inside and not any(e[0] == "img" for e in inside)
    assert sum(e[0] == "img" for e in events) == 1 and sum(e[0] == "table" for e in events) == 2
    assert "import pra_lib" not in page and "report.markdown" not in page, "code input must stay hidden"


def test_page_words_and_language_follow_the_run_language():
    english, indonesian = export_html(_report(lang="en")), export_html(_report(lang="id"))
    assert page_language(english) == "en" and page_language(indonesian) == "id"
    assert ">Contents</h2>" in english and ">Show table</summary>" in english
    assert ">Daftar isi</h2>" in indonesian and ">Tampilkan tabel</summary>" in indonesian


def test_a_report_without_findings_or_sections_still_exports():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Only a title")])
    page = export_html(nb)
    assert report_title(nb) == "Only a title" and "<title>Only a title</title>" in page
    assert "pra-toc" not in page.split("</style>")[-1], "no contents list without sections"


def test_remote_reference_check_finds_what_nbconvert_loads_by_default():
    """The check must be able to fail: nbconvert's stock template loads require.js and
    MathJax from a CDN; the report template loads nothing."""
    from nbconvert import HTMLExporter

    stock, _ = HTMLExporter().from_notebook_node(_report())
    assert any("require" in ref for ref in remote_references(stock))
    assert any("mathjax" in ref.lower() for ref in remote_references(stock))
    assert remote_references(export_html(_report())) == []
    for planted in ('<link rel="stylesheet" href="//fonts.example/a.css">', "<style>@import 'https://x.example/a.css';</style>",
                    '<div style="background: url(https://x.example/b.png)">', '<img src="http://x.example/beacon.png">',
                    '<script type="module">import m from "https://cdn.example/m.js";</script>'):
        assert remote_references(planted), planted


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_findings_and_detail_tags(path):
    """Every ``## Findings`` section is tagged with the cells that write it; ``detail`` marks
    only code cells; tags are metadata only (outputs stay empty)."""
    nb = nbformat.read(path, as_version=4)
    tagged = [i for i, c in enumerate(nb.cells) if FINDINGS_TAG in c.metadata.get("tags", [])]
    heading = [i for i, c in enumerate(nb.cells) if c.cell_type == "markdown" and re.match(r"##\s+(Findings|Executive summary)\s*$", c.source.strip())]
    if heading:
        start = heading[0]
        section_end = next((i for i in range(start + 1, len(nb.cells)) if nb.cells[i].cell_type == "markdown" and nb.cells[i].source.lstrip().startswith("## ")), len(nb.cells))
        assert tagged == list(range(start, section_end)), f"{path.name}: tag the heading and every cell of its section"
    else:
        assert not tagged
    for cell in nb.cells:
        if DETAIL_TAG in cell.metadata.get("tags", []):
            assert cell.cell_type == "code" and FINDINGS_TAG not in cell.metadata["tags"]
        assert not cell.get("outputs"), f"{path.name}: notebooks are committed without outputs"


def _reports(root: Path) -> list[Path]:
    pages = sorted(root.glob("*/[0-9][0-9]_*/[0-9][0-9]_*.html"))
    assert len(pages) == len(NOTEBOOKS), [p.name for p in pages]
    return pages


def test_published_reports_request_nothing_from_another_host(sample_reports_en):
    """Issue 11 item 8: every report of a whole run works offline."""
    for page_path in _reports(sample_reports_en):
        page = page_path.read_text(encoding="utf-8")
        assert remote_references(page) == [], page_path.name
        for tag in re.findall(r"<(?:link|script|img)\b[^>]*>", page, flags=re.IGNORECASE):
            assert not re.search(r"""\b(?:src|href)\s*=\s*["']?\s*https?://""", tag, flags=re.IGNORECASE), f"{page_path.name}: {tag}"
        assert not re.search(r"@import\s+url\(\s*[\"']?http", page, flags=re.IGNORECASE), page_path.name
        assert not re.search(r"<a\b[^>]*href\s*=\s*[\"']?https?://", page, flags=re.IGNORECASE), f"{page_path.name}: links out"


def test_published_reports_open_with_findings_then_contents(sample_reports_en):
    """Issue 14 item 2, on every report of a whole run."""
    for page_path in _reports(sample_reports_en):
        nb = nbformat.read(REPO / "notebooks" / f"{page_path.stem}.ipynb", as_version=4)
        page = page_path.read_text(encoding="utf-8")
        events = [e for e in _outline(page) if e[0] in ("h1", "h2", "nav", "section")]
        assert events[0][0] == "h1", page_path.name
        has_findings = any(FINDINGS_TAG in c.metadata.get("tags", []) for c in nb.cells)
        if has_findings:
            assert events[1] == ("section", "pra-findings"), page_path.name
            assert events.index(("nav", "pra-toc")) > 1, page_path.name
        toc = re.search(r'<nav class="pra-toc".*?</nav>', page, flags=re.DOTALL)
        assert toc, f"{page_path.name}: no contents"
        after = page[toc.end():]
        body_sections = [text for kind, text in _outline(after) if kind == "h2"]
        listed = [html.unescape(text) for text in re.findall(r"<li><a href=\"#[^\"]+\">([^<]+)</a></li>", toc.group(0))]
        assert listed == body_sections, page_path.name
        folded = page.count('<details class="pra-detail">')
        assert folded == 0 or DETAIL_TAG in json.dumps([c.metadata for c in nb.cells]), page_path.name
        if any(DETAIL_TAG in c.metadata.get("tags", []) for c in nb.cells):
            assert folded >= 1, f"{page_path.name}: its detail tables are not folded"


def test_a_printed_report_opens_its_folded_tables(tmp_path):
    """Folded tables are printed: the page opens them on ``beforeprint`` (checked in Chromium,
    where printing to PDF fires the event)."""
    import os
    import shutil

    executable = os.environ.get("PRA_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not executable:
        pytest.skip("no Chromium found: install it with `apt-get install chromium`, or set PRA_CHROMIUM to a Chromium binary")
    sync_api = pytest.importorskip("playwright.sync_api", reason="needs Playwright's Python package: pip install -e '.[dev]'")
    page_path = tmp_path / "report.html"
    page_path.write_text(export_html(_report()), encoding="utf-8")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        try:
            page = browser.new_page()
            page.goto(page_path.as_uri())
            states = "[...document.querySelectorAll('details.pra-detail')].map(d => d.open)"
            assert page.evaluate(states) == [False], "folded on screen"
            page.pdf(path=str(tmp_path / "report.pdf"))
            assert page.evaluate(states) == [True], "open in print"
        finally:
            browser.close()


def test_figures_are_described_by_their_section_in_the_report_language():
    """Not nbconvert's English placeholder: a screen reader says which figure it is."""
    for lang, expected in (("en", "Figure: Rankings by stakeholder group"), ("id", "Gambar: Rankings by stakeholder group")):
        page = export_html(_report(lang=lang))
        alts = re.findall(r'<img\b[^>]*\balt="([^"]*)"', page)
        assert alts == [expected], lang
        assert "No description has been provided" not in page


def test_findings_box_shows_the_key_findings_and_folds_the_rest(sample_reports_en):
    """At most six findings in view at the top of every report; a longer list ends in "More findings"."""
    from pra_lib.publishing.html_export import KEY_FINDINGS

    folded = 0
    for page_path in sorted((sample_reports_en / "jakarta-2017-synthetic").glob("*/*.html")):
        page = page_path.read_text(encoding="utf-8")
        box = re.search(r'<section class="pra-findings">(.*?)</section>', page, flags=re.DOTALL)
        if box is None:
            continue
        in_view = re.sub(r"<details.*?</details>", "", box.group(1), flags=re.DOTALL)
        assert in_view.count("<li>") <= KEY_FINDINGS, page_path.name
        if "pra-more-findings" in box.group(1):
            folded += 1
            assert re.search(r"<summary>More findings</summary>\s*<ul>\s*<li>", box.group(1)), page_path.name
    assert folded >= 1  # the sample's focus-area and overall findings are longer than six points


def test_numbered_sections_are_not_numbered_twice_in_the_contents():
    # 08's sections carry their own numbers; an ordered list read "1. 1. The resilience profile".
    md = nbformat.v4.new_markdown_cell
    nb = nbformat.v4.new_notebook(cells=[md("# Overall"), md("## 1. The resilience profile"), md("## 2. Top shocks"), md("## Methods note")])
    toc = re.search(r'<nav class="pra-toc".*?</nav>', export_html(nb), flags=re.DOTALL).group(0)
    assert '<ol class="pra-own-numbers">' in toc and ">1. The resilience profile</a>" in toc
    assert re.search(r"ol\.pra-own-numbers\s*\{[^}]*list-style:\s*none", export_html(nb)), "the list must not add its own numbers"
    plain = re.search(r'<nav class="pra-toc".*?</nav>', export_html(_report()), flags=re.DOTALL).group(0)
    assert "<ol>" in plain and "pra-own-numbers" not in plain, "unnumbered sections keep the list's numbers"


def _folded_table(headers: list[str]) -> dict:
    head = "".join(f'<th class="col_heading">{h}</th>' for h in headers)
    table = f'<div class="pra-table-scroll"><table class="pra-table"><thead><tr>{head}</tr></thead><tbody><tr>{"<td>1</td>" * len(headers)}</tr></tbody></table></div>'
    return nbformat.v4.new_output("execute_result", data={"text/html": table, "text/plain": "table"}, execution_count=1)


@pytest.mark.parametrize("lang, show", [("en", "Show table"), ("id", "Tampilkan tabel")])
def test_each_folded_table_is_named_by_its_first_columns(lang, show):
    # 03 folds two agreement tables one under the other: "Show table" twice told the reader
    # nothing about which one opens.
    md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    nb = nbformat.v4.new_notebook(cells=[
        md("# Workshop"), md("## Agreement at each table"),
        code("by_table", outputs=[_folded_table(["Workshop table", "Alpha", "n", "Goals"])], metadata={"tags": [DETAIL_TAG]}),
        code("by_group", outputs=[_folded_table(["Stakeholder group", "Alpha & CI"])], metadata={"tags": [DETAIL_TAG]}),
    ])
    nb.metadata["papermill"] = {"parameters": {"lang": lang}}
    summaries = [html.unescape(s) for s in re.findall(r'<details class="pra-detail"><summary>(.*?)</summary>', export_html(nb))]
    assert summaries == [f"{show}: Workshop table, Alpha, n, \u2026", f"{show}: Stakeholder group, Alpha & CI"]


def test_warnings_stay_in_the_notebook_and_out_of_the_report():
    # A hidden hazard made 04, 05 and 08 print Python warnings, with the library's file paths,
    # into the published page ("/work/.../risk/assets.py:145: RuntimeWarning: shock(s) ...").
    warning = "/srv/pra_lib/risk/assets.py:145: RuntimeWarning: shock(s) Flooding hit assets but have no risk score\n"
    cell = nbformat.v4.new_code_cell("x", outputs=[nbformat.v4.new_output("stream", name="stderr", text=warning),
                                                   nbformat.v4.new_output("stream", name="stdout", text="printed for the reader\n")])
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# T"), nbformat.v4.new_markdown_cell("## A"), cell])
    page = export_html(nb)
    assert "printed for the reader" in page
    assert "RuntimeWarning" not in page and "assets.py" not in page
    assert nb.cells[2].outputs[0]["text"] == warning  # the analyst's notebook keeps it
