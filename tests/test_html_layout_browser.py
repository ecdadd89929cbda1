"""A wide table in a report, opened in a real browser: it scrolls inside the page and shows
that it goes on.

The reader review of the sample run's screenshots found the wide tables of 01, 03, 06 and 08
cut at the right edge of the page's column with nothing to say that more columns follow (the
horizontal scrollbar is hidden until used on many systems). A table whose columns run past
its scroller now fades at the right edge while columns are hidden there, and stops fading
once scrolled to its end. Chromium and Playwright as in tests/test_browser.py; without them
the test skips.
"""

from __future__ import annotations

import nbformat
import pandas as pd
import pytest

from pra_lib.publishing.html_export import export_html
from pra_lib.publishing.tables_html import SCROLL_CLASS, table_html

from .test_browser import chromium

FADING = "pra-more-right"


def _report(tmp_path):
    wide = pd.DataFrame({f"statistic_{i}": [1.5 * i, 2.5 * i] for i in range(30)}).assign(goal_label=["Meets basic needs", "Fosters economic prosperity"])
    narrow = pd.DataFrame({"group_label": ["Government", "Academia"], "n": [12, 9]})
    md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    show = lambda frame, css: nbformat.v4.new_output("execute_result", data={"text/html": table_html(frame, css=css), "text/plain": "t"}, execution_count=1)
    nb = nbformat.v4.new_notebook(cells=[md("# Questionnaire"), md("## Stakeholder groups"),
                                         code("wide", outputs=[show(wide, True)]), code("narrow", outputs=[show(narrow, False)])])
    path = tmp_path / "report.html"
    path.write_text(export_html(nb, lang="en"), encoding="utf-8")
    return path


@pytest.mark.parametrize("width", [1280, 800])
def test_a_wide_table_fades_at_its_right_edge_until_scrolled_to_its_end(tmp_path, width):
    executable = chromium()
    if executable is None:
        pytest.skip("no Chromium: install it with `apt-get install chromium`, or set PRA_CHROMIUM")
    sync_api = pytest.importorskip("playwright.sync_api")
    path = _report(tmp_path)
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": width, "height": 900})
            errors = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(path.resolve().as_uri(), wait_until="load")
            boxes = page.query_selector_all(f".{SCROLL_CLASS}")
            assert len(boxes) == 2
            wide, narrow = boxes
            assert wide.evaluate("(d) => d.scrollWidth > d.clientWidth"), "the wide table must be wider than its scroller"
            assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") == 0, "the page itself never scrolls sideways"
            assert wide.evaluate(f"(d) => d.classList.contains('{FADING}')"), "hidden columns: the right edge fades"
            assert not narrow.evaluate(f"(d) => d.classList.contains('{FADING}')"), "a table that fits does not fade"
            assert "linear-gradient" in wide.evaluate("(d) => (getComputedStyle(d).maskImage || '') + (getComputedStyle(d).webkitMaskImage || '')")
            wide.evaluate("(d) => { d.scrollLeft = d.scrollWidth; }")
            page.wait_for_function(f"(d) => !d.classList.contains('{FADING}')", arg=wide, timeout=5_000)
            wide.evaluate("(d) => { d.scrollLeft = 0; }")
            page.wait_for_function(f"(d) => d.classList.contains('{FADING}')", arg=wide, timeout=5_000)
            assert not errors, errors
        finally:
            browser.close()
