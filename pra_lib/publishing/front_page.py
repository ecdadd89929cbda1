"""The front page of an assessment's reports: ``<out>/<assessment-id>/index.html``.

One page a city resilience office can hand on: the assessment's title, the executive
summary, the timeline of PRA activities with the number of people who took part, one card
per report (its key finding, a thumbnail of one of its figures, links to the report and to
its tables, workbook and figures) and the downloads. The page is written after a run, from
what the run published; it works opened from the file system (relative links, inline CSS,
no script, nothing fetched from the network), on a 1280 px screen as on a phone.

Everything shown that comes from data or from a report (titles, findings, the executive
summary) is escaped: Markdown emphasis and lists are the only formatting kept. Numbers of
participants below the run's ``min_cell_size`` are shown as "fewer than N", never exactly.

Examples
--------
>>> from pra_lib.assessment.loading import load_assessment
>>> write_front_page("outputs/jakarta-2017-synthetic", assessment=load_assessment("data/sample"), lang="en")  # doctest: +SKIP
PosixPath('outputs/jakarta-2017-synthetic/index.html')
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pandas as pd

from .._files import atomic_write_text, read_json_object
from .disclosure import DEFAULT_MIN_CELL_SIZE
from .i18n import language, pick, plural, t
from .privacy import screen_text

__all__ = ["EXECUTIVE_SUMMARY_TAG", "FINDINGS_TAG", "ReportCard", "executive_summary", "first_sentence", "front_page_html", "report_cards", "timeline", "write_front_page", "write_front_pages"]

#: Cell tag of the notebook cell whose output is the assessment's executive summary.
EXECUTIVE_SUMMARY_TAG = "executive-summary"
#: Cell tag of the cells whose outputs are a report's key findings.
FINDINGS_TAG = "findings"
FRONT_PAGE = "index.html"
_REPORT_NAME = re.compile(r"^\d\d_[A-Za-z0-9_\-]+$")
# The name a notebook gives a figure: report.figure(..., "resilience_wheel")
_FIGURE_CALL = re.compile(r"report\.figure\(")
_FIGURE_NAME = re.compile(r"""["']([A-Za-z0-9_\-]+)["']\s*,?\s*\)\s*;?\s*$""")
# A sentence ends at . ! or ? followed by a space and a capital, a digit or emphasis,
# so that "e.g. the", "2.16" and "n = 30." inside a sentence do not cut it.
_SENTENCE_END = re.compile(r"""(?<=[.!?])["”'’)\]]*\s+(?=[A-Z0-9*_"“(])""")
_LIST_NUMBER = re.compile(r"(?:^|[:;,(]\s*)\d{1,2}\.$")


@dataclass(frozen=True)
class ReportCard:
    """What the front page shows of one report (paths relative to the assessment's folder)."""

    notebook: str
    title: str
    status: str  # "ok", "failed", "not collected" (the assessment holds no data for it) or "missing"
    key_finding: str | None = None  # Markdown, as the report published it
    thumbnail: str | None = None
    report: str | None = None
    tables: str | None = None
    workbook: str | None = None
    figures: str | None = None
    earlier_run: bool = False  # the report in place comes from an earlier run than the manifest's


def _markdown_texts(cells, *, tag: str | None = None) -> list[str]:
    """The Markdown a notebook's code cells displayed (``text/markdown`` outputs), in order."""
    texts = []
    for cell in cells:
        if cell.get("cell_type") != "code":
            continue
        if tag is not None and tag not in (cell.get("metadata", {}).get("tags") or []):
            continue
        for output in cell.get("outputs", []):
            text = output.get("data", {}).get("text/markdown")
            if text:
                texts.append("".join(text) if isinstance(text, list) else text)
    return texts


def _read_notebook(path: Path) -> list[dict]:
    """The cells of an executed notebook; none when it is missing or unreadable."""
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    cells = nb.get("cells") if isinstance(nb, dict) else None
    return [c for c in cells if isinstance(c, dict)] if isinstance(cells, list) else []


def _first_heading(cells) -> str | None:
    """The report's title: its first Markdown heading, typed in a cell or displayed by one."""
    for cell in cells:
        source = cell.get("source", "")
        texts = [source] if cell.get("cell_type") == "markdown" else [o.get("data", {}).get("text/markdown", "") for o in cell.get("outputs", [])]
        for text in texts:
            text = "".join(text) if isinstance(text, list) else str(text)
            if text.lstrip().startswith("#"):
                return html.unescape(text.lstrip().lstrip("#").strip().splitlines()[0].strip())
    return None


def _blocks(text: str) -> list[str]:
    """Paragraphs and list items of a Markdown text, headings left out, markers stripped."""
    blocks = []
    for paragraph in re.split(r"\n\s*\n", text.strip()):
        lines = [line.strip() for line in paragraph.splitlines() if line.strip()]
        if not lines or lines[0].startswith("#"):
            continue
        if re.match(r"^([-*+]|\d+[.)])\s+", lines[0]):
            blocks.extend(re.sub(r"^([-*+]|\d+[.)])\s+", "", line) for line in lines if not line.startswith("#"))
        else:
            blocks.append(" ".join(line for line in lines if not line.startswith("#")))
    return [b for b in blocks if b]


def first_sentence(text: str) -> str | None:
    """The first sentence of a Markdown text, headings skipped.

    Examples
    --------
    >>> first_sentence("## Findings\\n\\nThe weakest goal is G09 (2.16, n = 30). It is rated ...")
    'The weakest goal is G09 (2.16, n = 30).'
    >>> first_sentence("Ranking: 1. FA1 Governance; 2. FA4 Mobility. Then the rest.")
    'Ranking: 1. FA1 Governance; 2. FA4 Mobility.'
    """
    for block in _blocks(text):
        for end in _SENTENCE_END.finditer(block):
            # "...: 1. FA1 City governance; 2. ..." numbers an inline list; it ends no sentence.
            if not _LIST_NUMBER.search(block, 0, end.start()):
                return block[: end.start()].strip()
        return block.strip()
    return None


KEY_FINDING_LENGTH = 320  # characters: a card's finding is read at a glance


def _key_finding(cells) -> str | None:
    """The first sentence of the report's findings, else of the first Markdown it displayed.

    A sentence longer than :data:`KEY_FINDING_LENGTH` (a list run into one sentence) gives
    way to the next output's first sentence that is not, if there is one; nothing is cut.
    """
    for texts in (_markdown_texts(cells, tag=FINDINGS_TAG), _markdown_texts(cells)):
        sentences = [s for s in (first_sentence(text) for text in texts) if s]
        if sentences:
            return next((s for s in sentences if len(s) <= KEY_FINDING_LENGTH), sentences[0])
    return None


def _figure_names(cells) -> list[str]:
    """The figures a notebook saved (``report.figure(..., "name")``), in the order it shows them."""
    names = []
    for cell in cells:
        if cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else str(source)
        for call in _FIGURE_CALL.split(source)[1:]:
            # The call ends at the first line that closes it; its last string literal is the name.
            for line in call.splitlines():
                found = _FIGURE_NAME.search(line)
                if found:
                    names.append(found.group(1))
                    break
    return names


def _thumbnail(folder: Path, name: str, cells) -> str | None:
    figures = folder / name / "figures"
    for figure in _figure_names(cells):
        if (figures / f"{figure}.png").is_file():
            return f"{name}/figures/{figure}.png"
    pngs = sorted(figures.glob("*.png")) if figures.is_dir() else []
    return f"{name}/figures/{pngs[0].name}" if pngs else None


def _expected_reports(folder: Path, manifest: dict) -> list[str]:
    """Every report the front page has a card for: those run, those recorded, those in place."""
    names = set()
    for name in manifest.get("notebooks_run") or []:
        names.add(str(name))
    for record in manifest.get("notebooks") or []:
        if isinstance(record, dict) and record.get("notebook"):
            names.add(str(record["notebook"]))
    if folder.is_dir():
        names.update(p.name for p in folder.iterdir() if p.is_dir() and _REPORT_NAME.match(p.name))
    return sorted(n for n in names if _REPORT_NAME.match(n))


def report_cards(folder, *, manifest: dict | None = None) -> list[ReportCard]:
    """One card per report of an assessment's output folder, in notebook order.

    A report whose folder or HTML is missing (its notebook failed, or never ran) still gets
    a card, with ``status`` ``"failed"``, ``"not collected"`` or ``"missing"``.

    Parameters
    ----------
    folder : str or Path
        The assessment's output folder, ``<out>/<assessment-id>``.
    manifest : dict, optional
        Its ``manifest.json``; read from the folder when not given.

    Examples
    --------
    >>> [c.notebook for c in report_cards("outputs/jakarta-2017-synthetic")][:2]  # doctest: +SKIP
    ['00_data_overview', '01_questionnaire']
    """
    folder = Path(folder)
    manifest = manifest if manifest is not None else (read_json_object(folder / "manifest.json") or {})
    records = {r.get("notebook"): r for r in manifest.get("notebooks") or [] if isinstance(r, dict)}
    earlier = set(manifest.get("reports_from_other_runs") or [])
    cards = []
    for name in _expected_reports(folder, manifest):
        report = folder / name / f"{name}.html"
        cells = _read_notebook(folder / name / f"{name}.ipynb")
        if not cells:  # no report: the title of its latest failed attempt, if one is kept
            attempts = sorted(folder.glob(f"{name}.failed-*/{name}.ipynb"))
            cells = _read_notebook(attempts[-1]) if attempts else []
        title = _first_heading(cells) or name.replace("_", " ")
        if not report.is_file():
            status = (records.get(name) or {}).get("status")
            cards.append(ReportCard(name, title, status if status in ("failed", "not collected") else "missing"))
            continue

        def where(relative: str) -> str | None:
            return relative if (folder / relative).exists() else None

        cards.append(
            ReportCard(
                notebook=name,
                title=title,
                status="ok",
                key_finding=_key_finding(cells),
                thumbnail=_thumbnail(folder, name, cells),
                report=f"{name}/{name}.html",
                tables=where(f"{name}/tables"),
                workbook=where(f"{name}/{name}.xlsx"),
                figures=where(f"{name}/figures"),
                earlier_run=name in earlier,
            )
        )
    return cards


def executive_summary(folder) -> str | None:
    """The executive summary a run published (Markdown), from the cell tagged ``executive-summary``."""
    folder = Path(folder)
    for name in _expected_reports(folder, {}):
        texts = _markdown_texts(_read_notebook(folder / name / f"{name}.ipynb"), tag=EXECUTIVE_SUMMARY_TAG)
        if texts:
            return "\n\n".join(texts)
    return None


def timeline(data, *, min_cell_size: int = DEFAULT_MIN_CELL_SIZE) -> pd.DataFrame:
    """The PRA's activities in date order, with the number of people who took part.

    Counts of people from 1 to ``min_cell_size - 1`` are not published: ``participants`` is
    then missing and ``fewer_than`` holds ``min_cell_size``. Activities without a date come
    last, in the metadata's order.

    Parameters
    ----------
    data : Assessment
        A loaded assessment.
    min_cell_size : int
        The run's disclosure threshold.

    Returns
    -------
    DataFrame
        ``activity_id``, ``activity_type``, ``title`` (in the report language), ``date``
        (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``, or missing), ``participants`` (nullable
        integer) and ``fewer_than`` (nullable integer).

    Examples
    --------
    >>> timeline(load_assessment("data/sample"))[["activity_id", "date"]].iloc[1].tolist()  # doctest: +SKIP
    ['perception_workshop', '2017-09-15']
    """
    if isinstance(min_cell_size, bool) or not isinstance(min_cell_size, int) or min_cell_size < 1:
        raise ValueError(f"min_cell_size must be a whole number of at least 1, not {min_cell_size!r}")
    acts = data.metadata.activities
    counts = data.participants["activity_id"].value_counts()
    ids = acts["title_id"] if "title_id" in acts else [None] * len(acts)
    out = pd.DataFrame(
        {
            "activity_id": acts["activity_id"].to_numpy(),
            "activity_type": acts["activity_type"].to_numpy(),
            "title": [pick(en, id_) for en, id_ in zip(acts["title"], ids)],
            "date": acts["date"].to_numpy(),
            "participants": acts["activity_id"].map(counts).fillna(0).astype("Int64").array,
        }
    )
    small = (out["participants"] > 0) & (out["participants"] < min_cell_size)
    out["fewer_than"] = pd.array([min_cell_size if s else pd.NA for s in small], dtype="Int64")
    out.loc[small, "participants"] = pd.NA
    order = out["date"].isna().to_numpy()  # undated last; a stable sort keeps the metadata order
    out = out.assign(_undated=order).sort_values(["_undated", "date"], kind="stable", na_position="last")
    return out.drop(columns="_undated").reset_index(drop=True)


# --- rendering ---------------------------------------------------------------------------


def _inline(text: str) -> str:
    """Escaped text with Markdown emphasis and code as HTML; nothing else from the text is markup."""
    # Reports publish Markdown with HTML already escaped; undo that once so that nothing is
    # escaped twice, then escape everything before adding the few tags we write ourselves.
    text = html.escape(html.unescape(text), quote=True)
    text = re.sub(r"`([^`]+)`", r"<code>\1</code>", text)
    text = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", text)
    text = re.sub(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])", r"<em>\1</em>", text)
    text = re.sub(r"(?<![\w_])_(?!\s)(.+?)(?<!\s)_(?![\w_])", r"<em>\1</em>", text)
    return text


def _markdown(text: str, *, heading_level: int = 3) -> str:
    """A small, safe Markdown renderer: paragraphs, bullet and numbered lists, headings, emphasis."""
    parts = []
    for paragraph in re.split(r"\n\s*\n", text.strip()):
        lines = [line.rstrip() for line in paragraph.splitlines() if line.strip()]
        if not lines:
            continue
        heading = re.match(r"^(#{1,6})\s+(.*)$", lines[0].strip())
        if heading:
            level = min(6, heading_level + len(heading.group(1)) - 1)
            parts.append(f"<h{level}>{_inline(heading.group(2))}</h{level}>")
            lines = lines[1:]
            if not lines:
                continue
        items = [re.match(r"^\s*([-*+]|\d+[.)])\s+(.*)$", line) for line in lines]
        if all(items):
            tag = "ol" if items[0].group(1)[0].isdigit() else "ul"
            parts.append(f"<{tag}>" + "".join(f"<li>{_inline(m.group(2))}</li>" for m in items) + f"</{tag}>")
        elif items[0] and any(not m for m in items):
            # A list item continued on the next lines: fold continuation lines into their item.
            merged: list[str] = []
            for line, m in zip(lines, items):
                if m or not merged:
                    merged.append(m.group(2) if m else line.strip())
                else:
                    merged[-1] += " " + line.strip()
            tag = "ol" if items[0].group(1)[0].isdigit() else "ul"
            parts.append(f"<{tag}>" + "".join(f"<li>{_inline(item)}</li>" for item in merged) + f"</{tag}>")
        else:
            parts.append("<p>" + _inline(" ".join(line.strip() for line in lines)) + "</p>")
    return "\n".join(parts)


def _href(relative: str) -> str:
    return html.escape(quote(relative, safe="/"), quote=True)


def _display_date(date, lang: str) -> str:
    """A ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` date written as the report language writes it."""
    from babel.dates import format_skeleton

    if date is None or (isinstance(date, float) and pd.isna(date)) or date is pd.NA:
        return t("front.timeline.no_date")
    text = str(date)
    parts = text.split("-")
    try:
        if len(parts) == 3:
            return format_skeleton("yMMMMd", pd.Timestamp(text).to_pydatetime(), locale=lang)
        if len(parts) == 2:
            return format_skeleton("yMMMM", pd.Timestamp(f"{text}-01").to_pydatetime(), locale=lang)
    except (ValueError, TypeError):
        pass
    return text


def _number(n: int, lang: str) -> str:
    from babel.numbers import format_decimal

    return format_decimal(int(n), locale=lang)


def _participants(row, lang: str) -> str:
    if pd.notna(row["fewer_than"]):
        return t("front.timeline.fewer_than", n=_number(row["fewer_than"], lang))
    n = int(row["participants"])
    return t(f"front.timeline.participants.{plural(n != 1)}", n=_number(n, lang))


_CSS = """
*{box-sizing:border-box}
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",Arial,sans-serif;
 color:#1d2731;background:#f4f6f8;line-height:1.5;font-size:16px}
a{color:#0b5cad}
a:focus,a:hover{color:#073f78}
header.top{background:#12355b;color:#fff;padding:28px 20px 22px}
header.top .wrap,main{max-width:1200px;margin:0 auto}
header.top h1{margin:0 0 6px;font-size:1.9rem;line-height:1.25}
header.top p{margin:0;opacity:.9}
nav.sections{margin-top:14px;display:flex;flex-wrap:wrap;gap:6px 18px}
nav.sections a{color:#fff;font-weight:600}
.notice{background:#fff4d6;color:#3d2f00;border:1px solid #e0c36b;border-radius:6px;padding:10px 14px;margin:18px 0 0}
main{padding:8px 20px 40px}
section{margin-top:28px}
h2{font-size:1.4rem;margin:0 0 12px;color:#12355b}
.panel{background:#fff;border:1px solid #d9dee4;border-radius:8px;padding:16px 20px}
.overview{display:grid;grid-template-columns:minmax(0,2fr) minmax(0,1fr);gap:0 24px;align-items:start}
.summary{font-size:.97rem}
.summary li{margin:0 0 6px}
.summary h3,.summary h4{margin:16px 0 6px;font-size:1.05rem}
.summary ul,.summary ol{padding-left:1.3em}
ol.timeline{list-style:none;margin:0;padding:0 0 0 18px;border-left:3px solid #9fb7d1}
ol.timeline li{position:relative;margin:0 0 14px;padding-left:10px}
ol.timeline li::before{content:"";position:absolute;left:-27px;top:.45em;width:13px;height:13px;
 border-radius:50%;background:#12355b;border:2px solid #fff}
.timeline .when{display:block;font-size:.9rem;color:#4a5866;font-weight:600}
.timeline .what{display:block;font-weight:600}
.timeline .who{display:block;font-size:.95rem;color:#33414e}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(270px,1fr));gap:18px}
.card{background:#fff;border:1px solid #d9dee4;border-radius:8px;overflow:hidden;display:flex;flex-direction:column}
.card .thumb{display:block;background:#fff;border-bottom:1px solid #e6e9ed;padding:8px}
.card .thumb img{display:block;width:100%;height:170px;object-fit:contain}
.card .body{padding:12px 16px 16px;display:flex;flex-direction:column;gap:8px;flex:1}
.card h3{margin:0;font-size:1.08rem;line-height:1.3;overflow-wrap:anywhere}
.card .number{color:#4a5866;font-size:.85rem;font-weight:600}
.card .finding{margin:0;font-size:.95rem;overflow-wrap:anywhere}
.card .links{margin-top:auto;display:flex;flex-wrap:wrap;gap:4px 14px;font-size:.92rem}
.card .links a.main{font-weight:700}
.card.missing{border-style:dashed;background:#fbfbfb}
.card.missing .body{color:#5b1f1f}
.note{font-size:.85rem;color:#4a5866;margin:0}
.downloads ul{margin:0;padding-left:1.2em}
.downloads li{margin:4px 0}
footer{max-width:1200px;margin:0 auto;padding:0 20px 30px;color:#4a5866;font-size:.85rem}
@media (max-width:600px){
 header.top{padding:20px 14px 16px}
 header.top h1{font-size:1.45rem}
 main{padding:4px 14px 30px}
 .panel{padding:12px 14px}
 .cards{grid-template-columns:1fr}
}
@media (max-width:900px){
 .overview{grid-template-columns:1fr}
}
""".strip()


def _downloads(card: ReportCard, workbook: str, tables: str, figures: str) -> list[tuple[str, str]]:
    """(relative link, label) of a report's workbook, tables folder and figures folder, those that exist."""
    found = [(card.workbook, workbook), (card.tables and card.tables + "/", tables), (card.figures and card.figures + "/", figures)]
    return [(target, label) for target, label in found if target]


def _card_html(card: ReportCard, number: str) -> str:
    title = html.escape(card.title)
    if card.status != "ok":
        reason = {"failed": t("front.card.failed"), "not collected": t("front.card.not_collected")}.get(card.status, t("front.card.missing"))
        return (
            f'<article class="card missing" id="report-{_href(card.notebook)}"><div class="body">'
            f'<span class="number">{html.escape(number)}</span><h3>{title}</h3>'
            f'<p class="finding">{html.escape(reason)}</p></div></article>'
        )
    parts = [f'<article class="card" id="report-{_href(card.notebook)}">']
    if card.thumbnail:
        alt = html.escape(t("front.card.thumbnail_alt", report=card.title))
        parts.append(f'<a class="thumb" href="{_href(card.report)}"><img src="{_href(card.thumbnail)}" alt="{alt}"></a>')
    parts.append(f'<div class="body"><span class="number">{html.escape(number)}</span><h3><a href="{_href(card.report)}">{title}</a></h3>')
    if card.key_finding:
        parts.append(f'<p class="finding">{_inline(card.key_finding)}</p>')
    if card.earlier_run:
        parts.append(f'<p class="note">{html.escape(t("front.card.earlier_run"))}</p>')
    links = [f'<a class="main" href="{_href(card.report)}">{html.escape(t("front.card.read"))}</a>']
    links += [f'<a href="{_href(target)}">{html.escape(label)}</a>' for target, label in _downloads(card, t("front.card.workbook"), t("front.card.tables"), t("front.card.figures"))]
    parts.append('<div class="links">' + "".join(links) + "</div></div></article>")
    return "".join(parts)


def front_page_html(folder, *, assessment, lang: str = "en", min_cell_size: int | None = None) -> str:
    """The front page of an assessment's output folder, as one self-contained HTML document.

    Parameters
    ----------
    folder : str or Path
        The assessment's output folder, ``<out>/<assessment-id>``, after a run.
    assessment : Assessment
        The loaded assessment the reports were made from (title, activities, participants).
    lang : {"en", "id"}
        The page's language.
    min_cell_size : int, optional
        The disclosure threshold for the numbers of participants; by default the run's, as
        ``manifest.json`` records it, else the library's default.

    Returns
    -------
    str

    Examples
    --------
    >>> page = front_page_html("outputs/jakarta-2017-synthetic", assessment=load_assessment("data/sample"))  # doctest: +SKIP
    >>> "<h1>" in page  # doctest: +SKIP
    True
    """
    folder = Path(folder)
    manifest = read_json_object(folder / "manifest.json") or {}
    if min_cell_size is None:
        recorded = (manifest.get("parameters") or {}).get("min_cell_size")
        min_cell_size = recorded if isinstance(recorded, int) and not isinstance(recorded, bool) and recorded >= 1 else DEFAULT_MIN_CELL_SIZE
    meta = assessment.metadata
    with language(lang):
        # The Indonesian title, when the metadata gives one; else the title as recorded.
        title_id = getattr(meta, "title_id", None) or (meta.raw or {}).get("title_id")
        title = str(title_id) if lang == "id" and isinstance(title_id, str) and title_id.strip() else meta.title
        cards = report_cards(folder, manifest=manifest)
        summary = executive_summary(folder)
        steps = timeline(assessment, min_cell_size=min_cell_size)

        headings = {"summary": t("front.summary.heading"), "timeline": t("front.timeline.heading"), "reports": t("front.reports.heading"), "downloads": t("front.downloads.heading")}
        nav = "".join(f'<a href="#{anchor}">{html.escape(text)}</a>' for anchor, text in headings.items())
        head = [
            f'<header class="top"><div class="wrap"><h1>{html.escape(title)}</h1>',
            f"<p>{html.escape(t('front.subtitle', city=meta.city))}</p>",
            f'<nav class="sections" aria-label="{html.escape(t("front.nav"))}">{nav}</nav>',
        ]
        if meta.synthetic:
            head.append(f'<p class="notice">{html.escape(t("front.synthetic"))}</p>')
        head.append("</div></header>")

        # The summary and the timeline side by side on a wide screen, one above the other on a phone.
        body = ['<div class="overview"><section id="summary"><h2>' + html.escape(headings["summary"]) + "</h2>"]
        if summary:
            body.append(f'<div class="panel summary">{_markdown(summary)}</div>')
        else:
            body.append(f'<div class="panel"><p>{html.escape(t("front.summary.missing"))}</p></div>')
        body.append("</section>")

        body.append('<section id="timeline"><h2>' + html.escape(headings["timeline"]) + '</h2><div class="panel"><ol class="timeline">')
        for _, row in steps.iterrows():
            body.append(
                f'<li><span class="when">{html.escape(_display_date(row["date"], lang))}</span>'
                f'<span class="what">{html.escape(str(row["title"]))}</span>'
                f'<span class="who">{html.escape(_participants(row, lang))}</span></li>'
            )
        body.append(f'</ol><p class="note">{html.escape(t("front.timeline.note", n=_number(min_cell_size, lang)))}</p></div></section></div>')

        body.append('<section id="reports"><h2>' + html.escape(headings["reports"]) + '</h2><div class="cards">')
        for card in cards:
            body.append(_card_html(card, t("front.card.number", number=card.notebook.split("_", 1)[0])))
        body.append("</div></section>")

        body.append('<section id="downloads" class="downloads"><h2>' + html.escape(headings["downloads"]) + '</h2><div class="panel"><ul>')
        if (folder / "manifest.json").is_file():
            body.append(f'<li><a href="manifest.json">manifest.json</a>: {html.escape(t("front.downloads.manifest"))}</li>')
        for card in cards:
            links = [f'<a href="{_href(target)}">{html.escape(label)}</a>' for target, label in _downloads(card, t("front.downloads.workbook"), t("front.downloads.tables"), t("front.downloads.figures"))]
            if links:
                body.append(f"<li>{html.escape(card.title)}: " + ", ".join(links) + "</li>")
        body.append(f'</ul><p class="note">{html.escape(t("front.downloads.note"))}</p></div></section>')

        footer = f"<footer><p>{html.escape(t('front.footer'))}</p></footer>"
        page_title = html.escape(title)
    return (
        f'<!DOCTYPE html>\n<html lang="{html.escape(lang)}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{page_title}</title>\n<style>\n{_CSS}\n</style>\n</head>\n<body>\n"
        + "\n".join(head)
        + "\n<main>\n"
        + "\n".join(body)
        + "\n</main>\n"
        + footer
        + "\n</body>\n</html>\n"
    )


def write_front_page(folder, *, assessment, lang: str = "en", min_cell_size: int | None = None) -> Path:
    """Write ``<folder>/index.html``, the front page of an assessment's reports, atomically.

    See :func:`front_page_html` for the parameters. A report that failed or is missing gets
    a card saying so; the page is written all the same.

    Returns
    -------
    Path
        The page written.

    Examples
    --------
    >>> write_front_page("outputs/jakarta-2017-synthetic", assessment=load_assessment("data/sample"), lang="id")  # doctest: +SKIP
    PosixPath('outputs/jakarta-2017-synthetic/index.html')
    """
    folder = Path(folder)
    # the metadata shown (title, city, activity titles) passes the privacy gate, as the reports do
    page = screen_text(front_page_html(folder, assessment=assessment, lang=lang, min_cell_size=min_cell_size))
    path = folder / FRONT_PAGE
    atomic_write_text(path, page)
    return path


def write_front_pages(out, assessments: dict, *, lang: str = "en", min_cell_size: int | None = None, on_problem=None) -> list[Path]:
    """Write the front page of every assessment of a run: ``<out>/<assessment-id>/index.html``.

    Called once a run's notebooks have finished. A page that cannot be written (a full
    disk, an unknown language) is reported through ``on_problem`` and never stops the others;
    without ``on_problem`` the error is raised.

    Parameters
    ----------
    out : str or Path
        The run's output root.
    assessments : dict
        Assessment id -> loaded :class:`~pra_lib.assessment.loading.Assessment`.
    lang, min_cell_size
        As for :func:`front_page_html`.
    on_problem : callable, optional
        Called with a message for each page that could not be written.

    Returns
    -------
    list of Path
        The pages written.

    Examples
    --------
    >>> write_front_pages("outputs", {"jakarta-2017-synthetic": load_assessment("data/sample")})  # doctest: +SKIP
    [PosixPath('outputs/jakarta-2017-synthetic/index.html')]
    """
    written = []
    for assessment_id, assessment in assessments.items():
        folder = Path(out) / assessment_id
        try:
            written.append(write_front_page(folder, assessment=assessment, lang=lang or "en", min_cell_size=min_cell_size))
        except (OSError, ValueError) as exc:
            if on_problem is None:
                raise
            on_problem(f"the front page {folder / FRONT_PAGE} could not be written ({getattr(exc, 'strerror', None) or exc})")
    return written
