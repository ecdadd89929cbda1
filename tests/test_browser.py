"""The published reports and the front page, opened in a real browser as a reader would.

Headless Chromium from the operating system's packages, driven by Playwright's Python
package, opens every report and the front page of one English and one Indonesian run of
the sample (the session fixtures ``sample_reports_en`` / ``sample_reports_id``) at 1280 px,
and checks what a reader would see: tables that fit (or scroll with their first column in
view), no text cut with an ellipsis, every image loaded, no script error, nothing fetched
from another host, and front-page links that lead somewhere. Full-page screenshots are saved
under the session's temporary folder, whose path is printed.

Chromium is found as ``chromium`` or ``chromium-browser`` on the PATH, or named by the
environment variable ``PRA_CHROMIUM``. Without it the tests skip and say how to install it.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from .conftest import REPO

ASSESSMENT = "jakarta-2017-synthetic"
NOTEBOOKS = sorted(p.stem for p in (REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))
FRONT_PAGE = "index"
PAGES = [FRONT_PAGE, *NOTEBOOKS]
WIDTH, HEIGHT = 1280, 900
PHONE = 390  # a common phone's CSS width
LOCAL_SCHEMES = {"file", "data", "about", "blob"}
LANGS = ["en", "id"]


def chromium() -> str | None:
    """The Chromium to drive: ``PRA_CHROMIUM``, else the one on the PATH."""
    named = os.environ.get("PRA_CHROMIUM")
    if named:
        return named if Path(named).is_file() else shutil.which(named)
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium for this module's tests.

    Module-scoped, not session-scoped: Playwright's sync API runs an event loop in the main
    thread while it is open, and later tests (papermill's kernels, other browser tests) need
    that thread free of one.
    """
    executable = chromium()
    if executable is None:
        named = os.environ.get("PRA_CHROMIUM")
        pytest.skip(
            (f"PRA_CHROMIUM names {named!r}, which is not a program; " if named else "no Chromium found for the browser tests: ")
            + "install it with `apt-get install chromium` (Debian/Ubuntu; `chromium-browser` elsewhere), or set PRA_CHROMIUM to a Chromium or Chrome binary"
        )
    sync_api = pytest.importorskip("playwright.sync_api", reason="the browser tests need Playwright's Python package: pip install -e '.[dev]'")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory, request) -> Path:
    folder = tmp_path_factory.mktemp("screenshots")
    capture = request.config.pluginmanager.getplugin("capturemanager")
    if capture is not None:  # shown even when pytest captures output
        with capture.global_and_fixture_disabled():
            print(f"\nbrowser screenshots: {folder}")
    else:
        print(f"browser screenshots: {folder}")
    return folder


# What the page tells about itself, measured in the browser: tables that run past their
# container, cells cut with an ellipsis, images that did not load.
_MEASURE = r"""
() => {
  const viewport = document.documentElement.clientWidth;
  const headings = Array.from(document.querySelectorAll('h1,h2,h3,h4,h5,h6'));
  const clean = (text) => (text || '').replace(/\u00b6/g, '').replace(/\s+/g, ' ').trim();
  const where = (table, index) => {
    let heading = null;
    for (const h of headings) {
      if (h.compareDocumentPosition(table) & Node.DOCUMENT_POSITION_FOLLOWING) heading = h; else break;
    }
    const columns = Array.from(table.querySelectorAll('tr:first-child > *')).slice(0, 4).map((c) => clean(c.innerText)).join(' | ');
    return `table ${index + 1} under "${heading ? clean(heading.innerText) : '(top of page)'}" [${columns}]`;
  };
  const contentWidth = (element) => {
    const style = getComputedStyle(element);
    return element.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  };
  const tables = [], cells = [], images = [];
  Array.from(document.querySelectorAll('table')).forEach((table, index) => {
    const box = table.getBoundingClientRect();
    const room = contentWidth(table.parentElement);
    const label = where(table, index);
    if (box.width > room + 1 || box.right > viewport + 1) {
      let scroller = null;
      for (let node = table.parentElement; node && node !== document.body && node !== document.documentElement; node = node.parentElement) {
        const overflow = getComputedStyle(node).overflowX;
        if (overflow === 'auto' || overflow === 'scroll') { scroller = node; break; }
      }
      if (!scroller) {
        tables.push(`${label}: ${Math.round(box.width)} px wide in a container of ${Math.round(room)} px (window ${viewport} px), and not in a horizontal scroller`);
      } else if (scroller.getBoundingClientRect().right > viewport + 1) {
        tables.push(`${label}: its horizontal scroller itself runs past the window (right edge ${Math.round(scroller.getBoundingClientRect().right)} px > ${viewport} px)`);
      } else {
        const first = Array.from(table.querySelectorAll('tr > :first-child'));
        const loose = first.filter((cell) => getComputedStyle(cell).position !== 'sticky');
        if (loose.length) tables.push(`${label}: scrolls sideways, but its first column is not sticky (${loose.length} of ${first.length} first cells)`);
      }
    }
    const cut = Array.from(table.querySelectorAll('td,th')).map((cell) => (cell.innerText || '').trim()).filter((text) => text.endsWith('...') || text.endsWith('\u2026'));
    if (cut.length) cells.push(`${label}: ${cut.length} cell(s), e.g. "${cut[0].length > 90 ? cut[0].slice(-90) : cut[0]}"`);
  });
  Array.from(document.images).forEach((image, index) => {
    if (!(image.complete && image.naturalWidth > 0)) {
      const source = image.getAttribute('src') || '(no src)';
      images.push(`image ${index + 1} (${source.length > 80 ? source.slice(0, 80) + '[...]' : source}, alt "${image.alt}")`);
    }
  });
  return {tables, cells, images};
}
"""

_LINKS = r"""
() => Array.from(document.querySelectorAll('a[href], img[src], link[href], script[src], source[src], iframe[src]'))
  .map((element) => ({tag: element.tagName.toLowerCase(), link: element.getAttribute('href') || element.getAttribute('src'),
                      target: (element.getAttribute('href') || '').startsWith('#') ? !!document.getElementById(decodeURIComponent(element.getAttribute('href').slice(1))) : null}))
"""


@dataclass
class Seen:
    """What one page showed in the browser."""

    path: Path
    tables: list[str] = field(default_factory=list)
    cells: list[str] = field(default_factory=list)
    images: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)
    elsewhere: list[str] = field(default_factory=list)
    links: list[dict] = field(default_factory=list)
    phone_overflow: int | None = None


def _page_path(root: Path, page: str) -> Path:
    folder = root / ASSESSMENT
    return folder / "index.html" if page == FRONT_PAGE else folder / page / f"{page}.html"


def _visit(browser, path: Path, screenshot: Path, *, width: int = WIDTH) -> tuple[Seen, object]:
    seen = Seen(path)
    context = browser.new_context(viewport={"width": width, "height": HEIGHT}, service_workers="block")

    def guard(route):
        url = route.request.url
        if urlsplit(url).scheme in LOCAL_SCHEMES:
            route.continue_()
        else:
            seen.elsewhere.append(url)
            route.abort()

    context.route("**/*", guard)
    page = context.new_page()
    page.on("console", lambda message: seen.console.append(f"console {message.type}: {message.text}") if message.type == "error" else None)
    page.on("pageerror", lambda error: seen.console.append(f"uncaught: {error}"))
    page.on("request", lambda request: seen.elsewhere.append(request.url) if urlsplit(request.url).scheme not in LOCAL_SCHEMES and request.url not in seen.elsewhere else None)
    page.goto(path.resolve().as_uri(), wait_until="load")
    try:  # an image still decoding is not a broken one; this only waits, it decides nothing
        page.wait_for_function("Array.from(document.images).every((image) => image.complete)", timeout=60_000)
    except Exception:
        pass
    measured = page.evaluate(_MEASURE)
    seen.tables, seen.cells, seen.images = measured["tables"], measured["cells"], measured["images"]
    seen.links = page.evaluate(_LINKS)
    screenshot.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(screenshot), full_page=True)
    return seen, context


@pytest.fixture(scope="module")
def seen_pages(browser, screenshots, request):
    """Every page of a run, opened once per language: lang -> page -> :class:`Seen`."""
    cache: dict[str, dict[str, Seen]] = {}

    def visit(lang: str) -> dict[str, Seen]:
        if lang not in cache:
            root = request.getfixturevalue(f"sample_reports_{lang}")
            pages = {}
            for name in PAGES:
                path = _page_path(root, name)
                if not path.is_file():
                    pages[name] = None
                    continue
                seen, context = _visit(browser, path, screenshots / lang / f"{name}.png")
                context.close()
                if name == FRONT_PAGE:
                    phone, context = _visit(browser, path, screenshots / lang / f"{name}-phone.png", width=PHONE)
                    page = context.pages[0]
                    seen.phone_overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
                    context.close()
                pages[name] = seen
            cache[lang] = pages
        return cache[lang]

    return visit


def _problems(pages: dict[str, Seen | None], attribute: str) -> list[str]:
    return [f"{name}: {item}" for name, seen in pages.items() if seen is not None for item in getattr(seen, attribute)]


@pytest.mark.parametrize("lang", LANGS)
def test_every_report_and_the_front_page_were_published(seen_pages, lang):
    missing = [name for name, seen in seen_pages(lang).items() if seen is None]
    assert not missing, f"{lang} run: no HTML for {', '.join(missing)}"


@pytest.mark.parametrize("lang", LANGS)
def test_no_table_is_wider_than_its_container(seen_pages, lang):
    problems = _problems(seen_pages(lang), "tables")
    assert not problems, f"{lang} run, at {WIDTH} px: {len(problems)} table(s) run past their container:\n" + "\n".join(problems)


@pytest.mark.parametrize("lang", LANGS)
def test_no_cell_is_cut_with_an_ellipsis(seen_pages, lang):
    problems = _problems(seen_pages(lang), "cells")
    assert not problems, f"{lang} run: {len(problems)} table(s) with cells that end in '...' or '…':\n" + "\n".join(problems)


@pytest.mark.parametrize("lang", LANGS)
def test_every_image_loads(seen_pages, lang):
    problems = _problems(seen_pages(lang), "images")
    assert not problems, f"{lang} run: {len(problems)} image(s) did not load:\n" + "\n".join(problems)


@pytest.mark.parametrize("lang", LANGS)
def test_no_console_errors(seen_pages, lang):
    problems = _problems(seen_pages(lang), "console")
    assert not problems, f"{lang} run: {len(problems)} error(s) in the browser console:\n" + "\n".join(problems)


@pytest.mark.parametrize("lang", LANGS)
def test_nothing_is_requested_from_another_host(seen_pages, lang):
    problems = sorted(set(_problems(seen_pages(lang), "elsewhere")))
    assert not problems, f"{lang} run: {len(problems)} request(s) to another host (blocked; the reports must work offline):\n" + "\n".join(problems)


@pytest.mark.parametrize("lang", LANGS)
def test_the_front_page_links_resolve(seen_pages, lang):
    front = seen_pages(lang)[FRONT_PAGE]
    assert front is not None, f"{lang} run: no front page (index.html)"
    folder = front.path.parent
    broken = []
    for found in front.links:
        link, parts = found["link"], urlsplit(found["link"])
        if parts.scheme or parts.netloc:
            broken.append(f"<{found['tag']}> {link}: not a relative link")
        elif not parts.path:
            if not found["target"]:
                broken.append(f"<{found['tag']}> {link}: no element with that id")
        elif not (folder / unquote(parts.path)).exists():
            broken.append(f"<{found['tag']}> {link}: no such file in {folder}")
    assert len(front.links) > len(NOTEBOOKS), f"{lang} run: the front page has only {len(front.links)} links"
    assert not broken, f"{lang} run: {len(broken)} front-page link(s) lead nowhere:\n" + "\n".join(broken)


@pytest.mark.parametrize("lang", LANGS)
def test_the_front_page_fits_a_phone(seen_pages, lang):
    front = seen_pages(lang)[FRONT_PAGE]
    assert front is not None, f"{lang} run: no front page (index.html)"
    assert front.phone_overflow == 0, f"{lang} run: at {PHONE} px the front page is {front.phone_overflow} px wider than the screen"
