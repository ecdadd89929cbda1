"""Tables as a reader sees them in the HTML reports.

The published tables keep their machine form (full precision, snake_case names) in the CSV
and XLSX files. In the HTML report each table is shown the way a city official reads it,
decided from its stable column names:

* no row-number column, no ``suppressed`` / ``suppression`` columns, and a label instead
  of its id where the table has both (``goal_label`` instead of ``goal_id``); an id that is
  the only name of its thing stays;
* counts as whole numbers, means and scores with 2 decimals, shares as percentages,
  p-values as ``< 0.001`` or with 3 decimals, rupiah in words ("Rp 4,2 triliun");
* a pair of bounds (``ci_low`` / ``ci_high``, ``rank_low`` / ``rank_high``,
  ``likelihood_q1`` / ``likelihood_q3``) as one column ``2.10–2.40``;
* a suppressed cell as the word "suppressed", whether it holds that text or is empty in a
  row flagged ``suppressed``; other missing values as a dash; never scientific notation;
* numbers written by the report language's locale (``1,000.5``; ``1.000,5`` in
  Indonesian), yes / no, and the data vocabulary (bands, trends) in the report language;
* text in full, however long, and every row;
* the table inside a horizontal scroller whose first column stays in view, so a wide table
  scrolls inside the page instead of running past it.

The notebooks get this through :func:`pra_lib.publishing.i18n.install_display`, which
shows every DataFrame with :func:`table_html`.

Examples
--------
>>> import pandas as pd
>>> from pra_lib.publishing.tables_html import reader_table
>>> scores = pd.DataFrame({"goal_id": ["G01"], "goal_label": ["Meets basic needs"], "n": [578],
...                        "mean": [2.66609], "ci_low": [2.58046], "ci_high": [2.75172],
...                        "share_positive": [0.192042], "pvalue": [6.7e-31], "suppressed": [False]})
>>> reader_table(scores).iloc[0].tolist()
['Meets basic needs', '578', '2.67', '2.58–2.75', '19%', '< 0.001']
"""

from __future__ import annotations

import hashlib
import html
import numbers
import re

import pandas as pd

from . import i18n

__all__ = ["SCROLL_CLASS", "TABLE_CLASS", "TABLE_CSS", "column_format", "reader_table", "table_html"]

#: Class of the ``<div>`` that scrolls a wide table sideways inside the page.
SCROLL_CLASS = "pra-table-scroll"
#: Class of the formatted ``<table>``.
TABLE_CLASS = "pra-table"
#: The style of the formatted tables: shown once per report, inline (no file, no network).
TABLE_CSS = f"""<style type="text/css">
.{SCROLL_CLASS} {{ overflow-x: auto; max-width: 100%; margin: 0 0 1em 0; }}
.{SCROLL_CLASS} table.{TABLE_CLASS} {{ border-collapse: separate; border-spacing: 0; table-layout: auto;
  margin: 0; width: max-content; max-width: none; }}
.{SCROLL_CLASS} table.{TABLE_CLASS} th, .{SCROLL_CLASS} table.{TABLE_CLASS} td {{ padding: 0.35em 0.7em;
  white-space: normal; text-align: left; vertical-align: top; overflow-wrap: normal; }}
.{SCROLL_CLASS} table.{TABLE_CLASS} thead th {{ border-bottom: 1px solid #888; vertical-align: bottom; }}
.{SCROLL_CLASS} table.{TABLE_CLASS} td.num {{ text-align: right;
  white-space: nowrap; font-variant-numeric: tabular-nums; }}
.{SCROLL_CLASS} table.{TABLE_CLASS} td.text {{ min-width: 6em; max-width: 32em; }}
.{SCROLL_CLASS} table.{TABLE_CLASS} td.suppressed {{ color: #666; font-style: italic; }}
.{SCROLL_CLASS} table.{TABLE_CLASS} th:first-child, .{SCROLL_CLASS} table.{TABLE_CLASS} td:first-child {{
  position: sticky; left: 0; z-index: 1; background: #fff; }}
.{SCROLL_CLASS} table.{TABLE_CLASS} tbody tr:nth-child(even) td:first-child {{
  background: var(--jp-rendermime-table-row-background, #f5f5f5); }}
</style>"""

# The vocabulary of the naming columns: column names, shown as their headers.
_COLUMN_NAMES = "column names"
# A missing value that is not suppressed.
_EMPTY = "\u2014"
# Column names of the machine vocabulary (snake_case, digits, dots).
_COLUMN_NAME = re.compile(r"^[a-z][a-z0-9_.]*$")
# Two bounds shown as one column: <base>_low + <base>_high, <base>_q1 + <base>_q3.
_BOUNDS = (("_low", "_high"), ("_q1", "_q3"))
# Id columns and the label column that names the same thing in a reader's words.
_LABEL_OF = {"stakeholder_group": "group_label", "group_a": "label_a", "group_b": "label_b",
             "activity_id": "title", "area": "area_name"}
# Columns whose values name other columns ("between": "stakeholder_group"): shown as headers,
# of the label column where the named column holds ids.
_NAMING_COLUMNS = {"between", "variable", "column_a", "column_b"}
_READER_NAME = {"stakeholder_group": "group_label"}
# Columns of machine values named in the catalogue under a key prefix of their own: the
# p-value adjustment ("holm" is shown "Holm"), the scope of a row ("stakeholder_group" is
# shown "by stakeholder group").
_VALUE_KEYS = {"p_adjust": "seminar.adjust", "scope": "scope"}
_COUNT_NAMES = {"n", "k", "count", "dof", "family_size", "iterations", "top_k", "n_runs", "members_count"}
_PLAIN_NAMES = {"year", "date", "seed"}
_P_VALUE = re.compile(r"^(p|p_?value)(_adj|_adjusted)?$|^pvalue")
_SHARE = re.compile(r"(^|_)(share|proportion)(_|$)|^place_\d+$")
_MONEY = re.compile(r"(^|_)(idr|rupiah)(_|$)|^budget")
_DECIMAL = re.compile(r"(^|_)(mean|score|average)(_|$)")


def column_format(name) -> str:
    """How the numbers of a column are written, decided from its machine name.

    Parameters
    ----------
    name : str
        A column name of a published table (``n_actions``, ``share_positive``, ``pvalue``).

    Returns
    -------
    str
        ``"count"`` (whole numbers), ``"share"`` (percentages), ``"p_value"``
        (``< 0.001`` or 3 decimals), ``"money"`` (rupiah), ``"plain"`` (digits only: a
        year), ``"decimal"`` (2 decimals: means, scores) or ``"number"`` (whole numbers
        when every value is whole, otherwise 2 decimals: ranks, medians, statistics).

    Examples
    --------
    >>> [column_format(c) for c in ["n_actions", "share_positive", "pvalue_adj", "budget_known_idr", "mean", "rank"]]
    ['count', 'share', 'p_value', 'money', 'decimal', 'number']
    """
    name = str(name)
    if name in _COUNT_NAMES or name.startswith("n_") or name.endswith("_count"):
        return "count"
    if name in _PLAIN_NAMES or name.endswith("_year"):
        return "plain"
    if _P_VALUE.search(name):
        return "p_value"
    if _MONEY.search(name):
        return "money"
    if _SHARE.search(name):
        return "share"
    if _DECIMAL.search(name):
        return "decimal"
    return "number"


def _is_missing(value) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # lists, arrays
        return False


def _is_number(value) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _whole(values: pd.Series) -> bool:
    """Every number of the column is whole (ranks 1.0, 2.0), so no decimals are shown."""
    found = [float(v) for v in values if _is_number(v) and not _is_missing(v)]
    return bool(found) and all(v.is_integer() for v in found)


def _number(value: float, kind: str, whole: bool) -> str:
    """One number written for its meaning, by the report language's locale."""
    value = float(value)
    if kind == "count" or (kind == "number" and whole):
        return i18n.format_number(round(value))
    if kind == "plain":
        return str(round(value)) if value.is_integer() else i18n.format_number(value, grouping=False)
    if kind == "share":
        if 0 < abs(value) < 0.005:  # a share that would round to 0%
            return "< " + i18n.format_percent(0.01)
        return i18n.format_percent(value)
    if kind == "p_value":
        return i18n.format_p_value(value)
    if kind == "money":
        return i18n.format_money_idr(value)
    return i18n.format_number(value, digits=2)


def _suppressed_word() -> str:
    return i18n.t("common.suppressed")


def _cell(value, kind: str, whole: bool, vocabulary: str | None, hidden: bool) -> tuple[str, str]:
    """The text of one cell and its class (``num``, ``text`` or ``suppressed``)."""
    import datetime as dt

    import numpy as np

    if isinstance(value, str):
        if value == "suppressed":
            return _suppressed_word(), "suppressed"
        if vocabulary == _COLUMN_NAMES:
            return _named_column(value), "text"
        if vocabulary:
            return str(i18n.term(value, vocabulary)), "text"
        return value, "text"
    if _is_missing(value):
        # An empty cell in a row the disclosure control flagged is a hidden value (its
        # numbers and the outcomes that would tell them are hidden together).
        return (_suppressed_word(), "suppressed") if hidden else (_EMPTY, "num")
    if isinstance(value, (bool, np.bool_)):
        return i18n.t("common.yes") if value else i18n.t("common.no"), "text"
    if _is_number(value):
        return _number(value, kind, whole), "num"
    if isinstance(value, (dt.date, pd.Timestamp)):
        return i18n.format_date(value), "text"
    return str(value), "text"


def _header(name) -> str:
    return i18n.header(name) if isinstance(name, str) and _COLUMN_NAME.match(name) else ("" if name is None else str(name))


def _named_column(name: str) -> str:
    """The reader's name of the column ``name``: "Stakeholder group", not its id column's header."""
    return _header(_READER_NAME.get(name, name))


def _pair_header(low: str, high: str, taken: set[str]) -> str:
    """One header for two bounds, from the headers of each: "CI low" + "CI high" -> "CI"."""
    a, b = _header(low).split(), _header(high).split()
    start = 0
    while start < min(len(a), len(b)) and a[start] == b[start]:
        start += 1
    end = 0
    while end < min(len(a), len(b)) - start and a[-1 - end] == b[-1 - end]:
        end += 1
    prefix, suffix = a[:start], a[len(a) - end:] if end else []
    middle_a, middle_b = a[start:len(a) - end], b[start:len(b) - end]
    if low.endswith("ci_low"):
        # "CI" already says it is an interval.
        text = " ".join(prefix + suffix)
        if text and text not in taken:
            return text
    if not middle_a or not middle_b:
        return f"{_header(low)} – {_header(high)}"
    return " ".join(prefix + [f"{' '.join(middle_a)}–{' '.join(middle_b)}"] + suffix)


def _flat_name(label):
    if isinstance(label, tuple):
        return " · ".join(_header(part) for part in label if str(part) != "")
    return label


def _visible_frame(data: pd.DataFrame) -> pd.DataFrame:
    """``data`` with a meaningful index turned into columns and a row-number index dropped."""
    frame = data
    index = frame.index
    if any(name is not None for name in index.names):
        frame = frame.reset_index()
    elif not pd.api.types.is_integer_dtype(index.dtype):
        # Row labels without a name (a pivot's goals) are the first column.
        frame = frame.reset_index(names=[""] * index.nlevels if index.nlevels == 1 else None)
    return frame.reset_index(drop=True)


def _hidden(names: list) -> set:
    """Columns not shown: the suppression flag and ids that a label column names."""
    present = {n for n in names if isinstance(n, str)}
    # The flag and the reason of suppression: each hidden cell already says "suppressed".
    hidden = {"suppressed", "suppression"} & present
    for name in present:
        base = name[:-3] if name.endswith("_id") else name
        candidates = {f"{base}_label", f"{base}_name", _LABEL_OF.get(name)}
        if name.endswith("_id"):
            candidates.add(base)
        if candidates & (present - {name}):
            hidden.add(name)
    return hidden


def _layout(names: list) -> list[tuple]:
    """The shown columns, in order: ``(header key, [positions], kind)``."""
    hidden = _hidden(names)
    position = {}
    for j, name in enumerate(names):
        position.setdefault(name, j)
    used: set[int] = set()
    layout = []
    for j, name in enumerate(names):
        if j in used or name in hidden:
            continue
        if isinstance(name, str):
            pair = next(((name[: -len(lo)], name[: -len(lo)] + hi) for lo, hi in _BOUNDS
                         if name.endswith(lo) and name[: -len(lo)] + hi in position), None)
            if pair is not None and pair[1] not in hidden:
                base, high = pair
                k = position[high]
                used.update({j, k})
                kind_of = base[: -len("_ci")] if base.endswith("_ci") else base
                layout.append(((name, high), [j, k], column_format(kind_of) if kind_of != "ci" else "decimal"))
                continue
        used.add(j)
        layout.append((name, [j], column_format(name) if isinstance(name, str) else "number"))
    return layout


def _as_number(value):
    """A number written as text beside "suppressed" (a table read back from its CSV) as a number."""
    if isinstance(value, str) and value != "suppressed":
        try:
            return float(value)
        except ValueError:
            return value
    return value


# Row flags that say the row's empty statistics were withheld to protect people, not missing.
WITHHELD_FLAGS = ("answers_withheld", "test_withheld", "interview_withheld", "score_withheld", "statements_withheld")


def _rendered(data: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The formatted cells and their classes, with headers in the report language."""
    import numpy as np

    frame = _visible_frame(data)
    if isinstance(frame.columns, pd.MultiIndex):
        frame.columns = [_flat_name(c) for c in frame.columns]
    names = list(frame.columns)
    flags = None
    if "suppressed" in names:
        flag = frame.iloc[:, names.index("suppressed")]
        flags = flag.map(lambda v: isinstance(v, (bool, np.bool_)) and bool(v)).to_numpy()
    for column in WITHHELD_FLAGS:
        if column in names:
            # An empty statistic of a withheld group, of a test involving one, or of withheld
            # interview evidence reads as suppressed too.
            withheld = frame.iloc[:, names.index(column)].map(lambda v: isinstance(v, (bool, np.bool_)) and bool(v)).to_numpy()
            flags = withheld if flags is None else flags | withheld
    layout = _layout(names)
    taken = {_header(key) for key, _, _ in layout if not isinstance(key, tuple)}
    headers, cells, classes = [], {}, {}
    for i, (key, positions, kind) in enumerate(layout):
        columns = [frame.iloc[:, j] for j in positions]
        columns = [c.map(_as_number) if c.dtype == object and c.eq("suppressed").any() else c for c in columns]
        whole = all(_whole(c) for c in columns)
        vocabulary = (_COLUMN_NAMES if key in _NAMING_COLUMNS else i18n.VALUE_VOCABULARY.get(key, _VALUE_KEYS.get(key))) if isinstance(key, str) else None
        texts, kinds = [], []
        for row in range(len(frame)):
            hidden = flags is not None and bool(flags[row])
            parts = [_cell(c.iloc[row], kind, whole, vocabulary, hidden) for c in columns]
            if len(parts) == 1:
                text, css = parts[0]
            elif any(css == "suppressed" for _, css in parts):
                text, css = _suppressed_word(), "suppressed"
            elif any(t == _EMPTY for t, _ in parts):
                text, css = _EMPTY, "num"
            elif parts[0][0] == parts[1][0] and not key[0].endswith("ci_low"):
                text, css = parts[0][0], "num"  # a range of one value: rank 1 to 1 is rank 1
            else:
                # A negative bound reads better with spaces around the dash.
                dash = " – " if any(t.startswith(("-", "\u2212")) for t, _ in parts) else "–"
                text, css = dash.join(t for t, _ in parts), "num"
            texts.append(text)
            kinds.append(css)
        if "text" in kinds:
            # A missing value of a text column (a quote's hazard) sits where its text would,
            # not at the right edge as a missing number does.
            kinds = ["text" if css == "num" and text == _EMPTY else css for text, css in zip(texts, kinds)]
        headers.append(_pair_header(key[0], key[1], taken) if isinstance(key, tuple) else _header(key))
        cells[i], classes[i] = texts, kinds
    body = pd.DataFrame(cells, index=pd.RangeIndex(len(frame)), columns=range(len(layout)), dtype=object)
    body.columns = headers
    css = pd.DataFrame(classes, index=body.index, columns=range(len(layout)), dtype=object)
    css.columns = headers
    return body, css


def reader_table(data: pd.DataFrame, *, lang: str | None = None) -> pd.DataFrame:
    """The table as the HTML report shows it: text cells under translated headers.

    Parameters
    ----------
    data : DataFrame
        A published table (or any frame a notebook shows). It is not modified.
    lang : {"en", "id"}, optional
        The report language; default the current one (:func:`pra_lib.publishing.i18n.get_language`).

    Returns
    -------
    DataFrame
        One text column per shown column, in order, headed in the report language, with a
        plain row index. Use :func:`table_html` for the HTML.

    Examples
    --------
    >>> import pandas as pd
    >>> reader_table(pd.DataFrame({"hazard_id": ["SH01"], "hazard": ["Flooding"], "rank_low": [1.0],
    ...                            "rank_high": [3.0], "budget_known_idr": [4.2e12]})).iloc[0].tolist()
    ['Flooding', '1–3', 'IDR 4.2 trillion']
    """
    if lang is not None:
        with i18n.language(lang):
            return _rendered(data)[0]
    return _rendered(data)[0]


def table_html(data: pd.DataFrame, *, lang: str | None = None, css: bool = True) -> str:
    """The HTML of a table formatted for readers (:func:`reader_table`), in a side scroller.

    Rendered with the pandas Styler: no index column, every row and the full text of each
    cell (HTML in the data is escaped), numbers right-aligned. The table sits in a
    ``<div class="pra-table-scroll">`` that scrolls sideways with its first column held in
    view.

    Parameters
    ----------
    data : DataFrame
        The table. It is not modified.
    lang : {"en", "id"}, optional
        The report language; default the current one.
    css : bool
        Put the style of the tables (:data:`TABLE_CSS`) before the table: needed once per
        report, which the notebook display does with its first table.

    Returns
    -------
    str

    Examples
    --------
    >>> import pandas as pd
    >>> text = table_html(pd.DataFrame({"n": [1000]}), css=False)
    >>> text.startswith('<div class="pra-table-scroll">'), "1,000" in text
    (True, True)
    """
    if lang is not None:
        with i18n.language(lang):
            return table_html(data, css=css)
    body, classes = _rendered(data)
    # Positional column labels for the Styler (headers may repeat); headers set below.
    headers = list(body.columns)
    body.columns = classes.columns = range(len(headers))
    # A stable id from the content, so the same table gives the same HTML in every run.
    uuid = hashlib.sha1(body.to_csv().encode("utf-8") + "|".join(headers).encode("utf-8")).hexdigest()[:10]
    styler = body.style.hide(axis="index").set_uuid(f"pra{uuid}")
    styler.set_table_attributes(f'class="{TABLE_CLASS}"')
    styler.set_td_classes(classes)
    styler.format(escape="html")
    numeric = [bool(classes[j].isin(["num", "suppressed"]).all()) and len(classes) > 0 for j in classes.columns]
    styler.format_index(lambda j: html.escape(headers[j]), axis=1)
    styler.set_table_styles({j: [{"selector": "th", "props": [("text-align", "right")]}]
                             for j, is_num in enumerate(numeric) if is_num}, overwrite=False)
    cells = max(body.size, 1)
    # Every row and column: the Styler would trim a very large table without these.
    with pd.option_context("styler.render.max_elements", cells + 1, "styler.render.max_rows", None,
                           "styler.render.max_columns", None):
        table = styler.to_html(doctype_html=False)
    return (TABLE_CSS if css else "") + f'<div class="{SCROLL_CLASS}">' + table + "</div>"
