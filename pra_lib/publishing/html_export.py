"""The HTML page of an executed report notebook, written for the people who read it.

A report page opens with its title, then its key findings, then a table of contents of
its ``##`` sections, then the body. The notebooks keep their logical order (findings are
computed at the end, from the tables above them); the order is changed here, at export,
from cell tags:

* ``findings``: the ``## Findings`` heading and the cells that write the findings. They
  move right after the title block (the title cell and what precedes the first section).
* ``detail``: a cell that shows long reference tables (per indicator, per pair, per
  respondent group). Each table it shows is folded in a ``<details>`` element, opened by a
  click, so the reading flow stays short; its figures stay in view, and the tables are in
  the CSV files and the workbook as well. A printed report opens them all.

Code input and prompts are hidden. The page is self-contained: the template loads no
script, style sheet or font from any other host (no require.js, MathJax or Mermaid from a
CDN; the reports contain no mathematics), so a report works offline and opening it tells
no third party that it is being read. Figures are embedded in the page.

Examples
--------
>>> from pra_lib.publishing.html_export import render_html
>>> render_html(Path("01_questionnaire.ipynb"), Path("01_questionnaire.html"))  # doctest: +SKIP
"""

from __future__ import annotations

import copy
import html
import re
from pathlib import Path

from .._files import atomic_write_text

FINDINGS_TAG = "findings"
DETAIL_TAG = "detail"
INJECTED_TAG = "injected-parameters"  # papermill's tag on the cell it adds
_EXPORT_KEY = "pra_export"  # cell metadata set for the export only, never written to a notebook
_TOC_MARK = "<!--pra-toc-->"

# Blocks of nbconvert's "lab" template (nbconvert 7) that load scripts from a CDN are
# emptied; the page keeps the template's own inline style sheets.
_TEMPLATE = """\
{%- extends 'index.html.j2' -%}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block extra_css -%}
<style type="text/css">
main { max-width: 1180px; margin: 0 auto; }
.pra-findings { border-left: 4px solid #1e88e5; background: #f3f8fd; padding: 0.25em 1em; margin: 1em 0; }
nav.pra-toc { margin: 1em 0 2em 0; padding: 0.5em 1em; border: 1px solid #d0d7de; border-radius: 4px;
  font-family: var(--jp-content-font-family); font-size: var(--jp-content-font-size1); line-height: 1.6; }
nav.pra-toc h2 { font-size: 1.1em; margin: 0.4em 0; }
nav.pra-toc ol { margin: 0.2em 0 0.4em 1.2em; padding: 0; }
nav.pra-toc ol.pra-own-numbers { list-style: none; margin-left: 0; }
details.pra-detail { margin: 0.5em 0 1em 0; }
.pra-table-scroll.pra-more-right { -webkit-mask-image: linear-gradient(to right, #000 calc(100% - 4em), rgba(0, 0, 0, 0.15));
  mask-image: linear-gradient(to right, #000 calc(100% - 4em), rgba(0, 0, 0, 0.15)); }
@media print { .pra-table-scroll.pra-more-right { -webkit-mask-image: none; mask-image: none; } }
details.pra-detail > summary { cursor: pointer; color: #1565c0; padding: 0.3em 0 0.3em var(--jp-cell-padding);
  font-family: var(--jp-content-font-family); font-size: var(--jp-content-font-size1); }
</style>
{%- endblock extra_css -%}
{%- block footer_js -%}
<script>
/* A printed report shows its folded tables. */
window.addEventListener("beforeprint", function () {
  document.querySelectorAll("details.pra-detail").forEach(function (d) { d.open = true; });
});
/* A wide table that scrolls sideways fades at its right edge while columns are hidden there,
   so a reader sees that the table goes on. */
(function () {
  function mark(box) {
    box.classList.toggle("pra-more-right", box.scrollLeft + box.clientWidth < box.scrollWidth - 2);
  }
  function markAll() { document.querySelectorAll(".pra-table-scroll").forEach(mark); }
  document.querySelectorAll(".pra-table-scroll").forEach(function (box) {
    box.addEventListener("scroll", function () { mark(box); }, {passive: true});
  });
  document.addEventListener("toggle", markAll, true);
  window.addEventListener("resize", markAll);
  markAll();
})();
</script>
{%- endblock footer_js -%}
{%- block any_cell scoped -%}
{%- set role = cell.metadata.get('pra_export', {}) -%}
{%- if role.get('findings_start') -%}<section class="pra-findings">{%- endif -%}
{%- if role.get('toc') -%}
<!--pra-toc-->
{%- else -%}
{{ super() }}
{%- endif -%}
{%- if role.get('findings_end') -%}</section>{%- endif -%}
{%- endblock any_cell -%}
{%- block output scoped -%}
{%- set role = cell.metadata.get('pra_export', {}) -%}
{%- set data = output.get('data', {}) -%}
{%- if role.get('summary') and 'text/html' in data and 'image/png' not in data and 'image/svg+xml' not in data -%}
<details class="pra-detail"><summary>{{ role.get('summary') | escape }}</summary>
{{ super() }}
</details>
{%- else -%}
{{ super() }}
{%- endif -%}
{%- endblock output -%}
"""


def _tags(cell) -> list:
    return cell.get("metadata", {}).get("tags", [])


def _text(source) -> str:
    return "".join(source) if isinstance(source, list) else (source or "")


def report_title(nb) -> str | None:
    """The report's title: the first Markdown heading, typed in a cell or computed by one.

    Examples
    --------
    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Data overview\\n\\nWho took part.")])
    >>> report_title(nb)
    'Data overview'
    """
    for cell in nb.cells:
        texts = [cell.source] if cell.cell_type == "markdown" else [o.get("data", {}).get("text/markdown", "") for o in cell.get("outputs", [])]
        for text in texts:
            text = _text(text)
            if text.lstrip().startswith("#"):
                return text.lstrip().lstrip("#").strip().splitlines()[0]
    return None


def _starts_section(cell) -> bool:
    """A Markdown cell that opens a ``##`` (or deeper) section, as opposed to the ``#`` title."""
    return cell.cell_type == "markdown" and re.match(r"\s*##", _text(cell.source)) is not None


def reading_order(nb, *, show_table: str = "Show table"):
    """A copy of ``nb`` in the order a reader wants it: title, findings, contents, body.

    The title block is every cell before the first ``##`` section (the title cell, and
    what the setup cells print, such as a note on small cells). Cells tagged ``findings``
    follow it, in their own order, then a marker for the table of contents, then every
    other cell in notebook order. Cells tagged ``detail`` are marked to be folded under
    ``show_table``. Python's warnings and other text written to stderr are left out: they
    are diagnostics for the analyst, who finds them in the executed notebook, and a report
    says what its data lack in sentences of its own. The notebook passed in is not changed.

    Examples
    --------
    >>> import nbformat
    >>> cells = [nbformat.v4.new_markdown_cell("# T"), nbformat.v4.new_markdown_cell("## A"),
    ...          nbformat.v4.new_markdown_cell("## Findings", metadata={"tags": ["findings"]})]
    >>> [c.source for c in reading_order(nbformat.v4.new_notebook(cells=cells)).cells]
    ['# T', '## Findings', '', '## A']
    """
    import nbformat

    nb = copy.deepcopy(nb)
    cells = list(nb.cells)
    for cell in cells:
        if cell.get("outputs"):
            cell.outputs = [o for o in cell.outputs if not (o.get("output_type") == "stream" and o.get("name") == "stderr")]
    first_section = next((i for i, c in enumerate(cells) if _starts_section(c) or FINDINGS_TAG in _tags(c)), len(cells))
    head, rest = cells[:first_section], cells[first_section:]
    findings = [c for c in rest if FINDINGS_TAG in _tags(c)]
    body = [c for c in rest if FINDINGS_TAG not in _tags(c)]
    if findings:
        findings[0].metadata.setdefault(_EXPORT_KEY, {})["findings_start"] = True
        findings[-1].metadata.setdefault(_EXPORT_KEY, {})["findings_end"] = True
    for cell in body:
        if DETAIL_TAG in _tags(cell) and cell.cell_type == "code" and cell.get("outputs"):
            cell.metadata.setdefault(_EXPORT_KEY, {})["summary"] = show_table
    toc = nbformat.v4.new_raw_cell("", metadata={_EXPORT_KEY: {"toc": True}})
    toc["id"] = "pra-contents"
    nb.cells = head + findings + [toc] + body
    return nb


def _contents(page: str, heading: str) -> str:
    """The ``<nav>`` listing every ``<h2>`` after the contents marker, linked by its id."""
    _, _, after = page.partition(_TOC_MARK)
    items = []
    for anchor, inner in re.findall(r'<h2[^>]*\bid="([^"]+)"[^>]*>(.*?)</h2>', after, flags=re.DOTALL):
        inner = re.sub(r'<a class="anchor-link".*?</a>', "", inner, flags=re.DOTALL)
        label = html.unescape(re.sub(r"<[^>]+>", "", inner)).strip()
        if label:
            items.append(f'<li><a href="#{anchor}">{html.escape(label)}</a></li>')
    if not items:
        return ""
    # Sections that carry their own numbers ("1. The resilience profile") are listed as they
    # are, not numbered a second time ("1. 1. The resilience profile").
    numbered = sum(bool(_OWN_NUMBER.match(html.unescape(re.sub(r"<[^>]+>", "", item)))) for item in items)
    listing = '<ol class="pra-own-numbers">' if numbered >= max(2, len(items) // 2) else "<ol>"
    return f'<nav class="pra-toc" aria-label="{html.escape(heading)}"><h2>{html.escape(heading)}</h2>{listing}{"".join(items)}</ol></nav>'


# A heading that starts with its own number: "1.", "2)", "3 " followed by words.
_OWN_NUMBER = re.compile(r"^\s*\d+(?:\.\d+)*[.)]?\s+\S")


def _language(nb, lang: str | None) -> str:
    """``lang`` if given, else the language the notebook ran in (papermill records it)."""
    if lang:
        return lang
    ran_with = nb.get("metadata", {}).get("papermill", {}).get("parameters", {}) or {}
    return ran_with.get("lang") or "en"


def export_html(nb, *, lang: str | None = None, title: str | None = None) -> str:
    """The HTML page of an executed notebook: findings first, contents, long tables folded.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        An executed notebook (not changed).
    lang : str, optional
        Language of the page's own words ("Contents", "Show table") and its ``lang``
        attribute; default: the ``lang`` the notebook ran with, else English.
    title : str, optional
        The page title; default: the first heading (:func:`report_title`).

    Returns
    -------
    str
        A complete, self-contained HTML document.

    Examples
    --------
    >>> import nbformat
    >>> page = export_html(nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Seminar")]))
    >>> "<title>Seminar</title>" in page and "https://" not in page.split("<style")[0]
    True
    """
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter

    from .i18n import language, t

    lang = _language(nb, lang)
    with language(lang):
        contents, show_table = t("report.contents"), t("report.show_table")
    ordered = reading_order(nb, show_table=show_table)
    for cell in ordered.cells:
        # papermill gives the injected cell a random id, which the HTML would carry; a fixed
        # one keeps the report byte-identical between runs (pra reproduce compares it).
        if INJECTED_TAG in _tags(cell):
            cell["id"] = INJECTED_TAG
    exporter = HTMLExporter(
        extra_loaders=[DictLoader({"pra_report.html.j2": _TEMPLATE})],
        template_file="pra_report.html.j2",
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        language_code=lang,
    )
    resources = {"metadata": {"name": title or report_title(nb) or "Report"}}
    page, _ = exporter.from_notebook_node(ordered, resources=resources)
    with language(lang):
        page = _describe_figures(page, lambda section: t("report.figure_alt", section=section), resources["metadata"]["name"])
        page = key_findings_first(page, more=t("report.more_findings"))
        page = name_folded_tables(page, show_table=show_table)
    return page.replace(_TOC_MARK, _contents(page, contents), 1)


KEY_FINDINGS = 6  # what the findings box shows before "More findings"

_FINDINGS_BOX = re.compile(r'(<section class="pra-findings">)(.*?)(</section>)', re.DOTALL)
_LIST = re.compile(r"<ul>(.*?)</ul>", re.DOTALL)


def key_findings_first(page: str, *, more: str = "More findings", keep: int = KEY_FINDINGS) -> str:
    """Keep the first ``keep`` findings of the findings box in view and fold the rest.

    A chapter's findings can run to a dozen points; the reader opening the report sees its
    key findings, in the order the chapter ranks them, and opens the others on request.
    Only a flat bullet list is folded; any other findings are left as they are.

    Examples
    --------
    >>> box = '<section class="pra-findings"><ul>' + "".join(f"<li>{i}</li>" for i in range(8)) + "</ul></section>"
    >>> folded = key_findings_first(box, keep=6)
    >>> folded.count("<li>"), folded.index("<li>5</li>") < folded.index("<details") < folded.index("<li>6</li>")
    (8, True)
    """
    def fold(box: re.Match) -> str:
        inner = box.group(2)
        found = _LIST.search(inner)
        if not found or "<ul" in found.group(1):  # nested lists are left whole
            return box.group(0)
        items = re.findall(r"<li>.*?</li>", found.group(1), flags=re.DOTALL)
        if len(items) <= keep:
            return box.group(0)
        shown = "<ul>" + "\n".join(items[:keep]) + "</ul>"
        folded = (f'<details class="pra-detail pra-more-findings"><summary>{html.escape(more)}</summary>'
                  f"<ul>{chr(10).join(items[keep:])}</ul></details>")
        return box.group(1) + inner[: found.start()] + shown + folded + inner[found.end():] + box.group(3)

    return _FINDINGS_BOX.sub(fold, page, count=1)


_FOLDED = re.compile(r'(<details class="pra-detail"><summary>)(.*?)(</summary>)(.*?)(</details>)', re.DOTALL)
_HEADER_ROW = re.compile(r"<thead>\s*<tr>(.*?)</tr>", re.DOTALL)
_HEADER_CELL = re.compile(r"<th\b[^>]*>(.*?)</th>", re.DOTALL)


def name_folded_tables(page: str, *, show_table: str = "Show table", columns: int = 3) -> str:
    """Name each folded table by its first column headers: "Show table: Workshop table, n, Alpha, …".

    A section can fold several tables one under the other; "Show table" said alone for each
    left the reader guessing which one opens. A folded table without headers keeps the plain
    summary.

    Examples
    --------
    >>> folded = ('<details class="pra-detail"><summary>Show table</summary><table><thead><tr>'
    ...           '<th>Group</th><th>n</th><th>Mean</th><th>CI</th></tr></thead></table></details>')
    >>> re.search("<summary>(.*)</summary>", name_folded_tables(folded)).group(1)
    'Show table: Group, n, Mean, …'
    """
    def name(found: re.Match) -> str:
        if found.group(2) != html.escape(show_table):
            return found.group(0)
        header = _HEADER_ROW.search(found.group(4))
        if header is None:
            return found.group(0)
        names = [html.unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in _HEADER_CELL.findall(header.group(1))]
        names = [n for n in names if n]
        if not names:
            return found.group(0)
        listed = ", ".join(names[:columns]) + (", \u2026" if len(names) > columns else "")
        return found.group(1) + html.escape(f"{show_table}: {listed}") + found.group(3) + found.group(4) + found.group(5)

    return _FOLDED.sub(name, page)


_NO_ALT = 'alt="No description has been provided for this image"'  # what nbconvert gives an image without one


def _describe_figures(page: str, describe, title: str) -> str:
    """Give each figure the alternative text "Figure: <its section>", in the report language,
    instead of nbconvert's English placeholder, so that a screen reader says what it shows."""
    section, pieces, at = title, [], 0
    for found in re.finditer(r"<h[1-3]\b[^>]*>(.*?)</h[1-3]>|<img\b[^>]*>", page, flags=re.DOTALL):
        if found.group(0).startswith("<h"):
            inner = re.sub(r'<a class="anchor-link".*?</a>', "", found.group(1), flags=re.DOTALL)
            section = html.unescape(re.sub(r"<[^>]+>", "", inner)).strip() or section
        elif _NO_ALT in found.group(0):
            pieces.append(page[at:found.start()])
            pieces.append(found.group(0).replace(_NO_ALT, f'alt="{html.escape(describe(section))}"'))
            at = found.end()
    return "".join(pieces) + page[at:]


def render_html(executed: Path, html_path: Path, *, lang: str | None = None) -> None:
    """Write the HTML report of an executed notebook file, atomically (see :func:`export_html`).

    Examples
    --------
    >>> render_html(Path("staging/04_assets_shocks_workshop.ipynb"), Path("staging/04_assets_shocks_workshop.html"))  # doctest: +SKIP
    """
    import nbformat

    nb = nbformat.reads(Path(executed).read_text(encoding="utf-8"), as_version=4)
    atomic_write_text(Path(html_path), export_html(nb, lang=lang, title=report_title(nb) or Path(executed).stem))


def remote_references(page: str) -> list[str]:
    """Every reference in an HTML page that would make a browser contact another host.

    Looked for: ``src`` and ``href`` of ``<script>``, ``<link>``, ``<img>``, ``<iframe>``,
    ``<source>``, ``<video>``, ``<audio>`` and ``<object data>``; ``url(...)`` and
    ``@import`` in style sheets and style attributes; ``import`` statements and dynamic
    ``import()`` in scripts. A protocol-relative ``//host`` counts as remote.

    Examples
    --------
    >>> remote_references('<script src="https://cdn.example/x.js"></script><a href="#top">top</a>')
    ['<script src="https://cdn.example/x.js">']
    """
    found = []
    remote = r"""(?:https?:)?//"""
    for tag in re.finditer(r"<(script|link|img|iframe|source|video|audio|object|embed)\b[^>]*>", page, flags=re.IGNORECASE):
        if re.search(r"""\b(?:src|href|data|srcset|poster)\s*=\s*["']?\s*""" + remote, tag.group(0), flags=re.IGNORECASE):
            found.append(tag.group(0))
    for style in re.finditer(r"""url\(\s*["']?\s*""" + remote + r"""[^)]*\)|@import\s+["']""" + remote + r"[^;]*", page, flags=re.IGNORECASE):
        found.append(style.group(0))
    for script in re.finditer(r"<script\b[^>]*>(.*?)</script>", page, flags=re.IGNORECASE | re.DOTALL):
        for module in re.finditer(r"""\bimport\b[^;\n]*?["']""" + remote + r"""[^"']*["']|\bimport\(\s*["']""" + remote + r"""[^"']*["']""", script.group(1)):
            found.append(module.group(0))
    return found


def page_language(page: str) -> str | None:
    """The ``lang`` attribute of a page's ``<html>`` element."""
    found = re.search(r'<html[^>]*\blang="([^"]*)"', page)
    return found.group(1) if found else None


__all__ = ["DETAIL_TAG", "FINDINGS_TAG", "export_html", "name_folded_tables", "page_language", "reading_order", "remote_references", "render_html", "report_title"]
