"""Personal data and markup: the one gate every published text passes.

Indonesian law (Law 27/2022 on Personal Data Protection; Law 16/1997 on Statistics,
Article 21) requires respondent confidentiality. This module holds the checks every text
that reaches a report goes through, wherever it comes from:

* :func:`screen_text` replaces what looks like a NIK, a phone number, an e-mail address
  (also obfuscated) or a person named after a title (``Pak Budi``) by :data:`REDACTED`.
  It is applied to table cells (:func:`publishable`), computed Markdown
  (:func:`safe_markdown`), every text of a figure (:func:`screen_figure`) and, inside the
  notebook kernel, to every displayed output, error and printed line
  (:func:`install_output_screen`), so metadata, labels and names from the data pass it
  whichever route they take.
* :func:`escape_markdown` makes a value from the data plain text in Markdown and HTML;
  :func:`safe_markdown` additionally neutralises any link, image, autolink, raw URL or HTML
  element left in computed Markdown, since the project's own texts use none.
* :func:`screen_quote` decides whether free text written by a respondent may be published.
* Columns the data model marks personal never reach an output; respondent ids that do are
  replaced by a keyed hash (:func:`pseudonymise`).

Redact or refuse: a value from the data that looks personal is *redacted* (the report is
still published, with the marker in its place), a personal *column* is *refused*
(:class:`PersonalDataError`), and a respondent's free text that may name a person is
*withheld* whole, with the reason published instead.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from functools import lru_cache
from pathlib import Path

import pandas as pd

from ..assessment.personal_data import PERSONAL_COLUMNS, PersonalDataError, check_no_personal_data, find_personal_data, names_given

KEY_ENV = "PRA_PSEUDONYM_KEY"
KEY_FILE_ENV = "PRA_PSEUDONYM_KEY_FILE"

ID_COLUMNS = frozenset({"respondent_id"})


@lru_cache(maxsize=1)
def _run_key() -> bytes:
    return secrets.token_bytes(32)


def pseudonym_key() -> tuple[bytes, str]:
    """The pseudonymisation key and where it came from.

    Read from the environment variable ``PRA_PSEUDONYM_KEY``, or from the file named by
    ``PRA_PSEUDONYM_KEY_FILE``; without either, a random key for this process, so ids are
    stable within a run but cannot be linked across runs.
    """
    if os.environ.get(KEY_ENV):
        return os.environ[KEY_ENV].encode("utf-8"), f"environment variable {KEY_ENV}"
    if os.environ.get(KEY_FILE_ENV):
        path = Path(os.environ[KEY_FILE_ENV])
        try:
            key = path.read_bytes().strip()
        except OSError as exc:
            raise PersonalDataError(f"cannot read the pseudonym key file {path} named by {KEY_FILE_ENV}: {exc}") from None
        if not key:
            raise PersonalDataError(f"the pseudonym key file {path} is empty")
        return key, f"file named by {KEY_FILE_ENV}"
    return _run_key(), "random key for this run"


def pseudonymise(ids: pd.Series, *, key: bytes | None = None, prefix: str = "R-") -> pd.Series:
    """Replace ids by a keyed hash (HMAC-SHA256, first 12 hex digits).

    Examples
    --------
    >>> s = pseudonymise(pd.Series(["Q0001", "Q0002"]), key=b"secret")
    >>> s.str.len().tolist()
    [14, 14]
    """
    key = key if key is not None else pseudonym_key()[0]
    mapping = {v: prefix + hmac.new(key, str(v).encode("utf-8"), hashlib.sha256).hexdigest()[:12] for v in pd.unique(ids.dropna())}
    return ids.map(mapping)


REDACTED = "[redacted]"


def screen_text(text, *, marker: str = REDACTED):
    """Replace what looks like personal data in a text by a marker.

    Detects NIKs, phone numbers and e-mail addresses in their common Indonesian forms,
    also spaced, dashed, dotted and obfuscated, and a person named after a title (see
    :mod:`pra_lib.assessment.personal_data`). The text is read as a reader sees it
    (full-width characters folded, zero-width characters ignored, ``08l2`` read as
    ``0812``), and each finding is replaced where it stands in the text as written. Anything that is not a string is returned
    unchanged: numbers are not text.

    Parameters
    ----------
    text : str
        Any text that is about to be published.
    marker : str
        What replaces each finding.

    Returns
    -------
    str
        The text with every finding replaced.

    Examples
    --------
    >>> screen_text("Flooding (ask Pak Budi Santoso, 0812.5550.2888)")
    'Flooding (ask [redacted], [redacted])'
    >>> screen_text("HP \uff10\uff18\uff11\uff12\u200b5550 1999 ext 12, 2017-05-12")
    'HP [redacted], 2017-05-12'
    """
    if not isinstance(text, str):
        return text
    found = find_personal_data(text)
    if not found:
        return text
    spans: list[list[int]] = []
    for _, start, end in found:  # merge overlapping findings
        if spans and start <= spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], end)
        else:
            spans.append([start, end])
    out, last = [], 0
    for start, end in spans:
        out.append(text[last:start])
        out.append(marker)
        last = end
    out.append(text[last:])
    return "".join(out)


def redact_frame(data: pd.DataFrame, *, marker: str = REDACTED) -> pd.DataFrame:
    """A copy of a table with :func:`screen_text` applied to every text cell and column name.

    Examples
    --------
    >>> redact_frame(pd.DataFrame({"hazard": ["Flooding +62 812 5550 1999"], "n": [12]}))["hazard"].tolist()
    ['Flooding [redacted]']
    """
    out = data.copy()
    for col in out.columns:
        values = out[col]
        if isinstance(values.dtype, pd.CategoricalDtype):  # a category's name is text too
            names = [screen_text(c, marker=marker) if isinstance(c, str) else c for c in values.cat.categories]
            if names != list(values.cat.categories):
                out[col] = values.cat.rename_categories(names) if len(set(names)) == len(names) else values.astype(object).map(
                    lambda v: screen_text(v, marker=marker) if isinstance(v, str) else v)
        elif values.dtype == object or pd.api.types.is_string_dtype(values):
            screened = values.map(lambda v: screen_text(v, marker=marker) if isinstance(v, str) else v)
            if not screened.equals(values):
                out[col] = screened
    out.columns = [screen_text(c, marker=marker) if isinstance(c, str) else c for c in out.columns]
    return out


def publishable(data: pd.DataFrame, *, name: str) -> pd.DataFrame:
    """Pseudonymise id columns, redact values that look personal, refuse personal columns; returns a copy.

    Examples
    --------
    >>> publishable(pd.DataFrame({"agency": ["BPBD, kontak budi(at)gmail.com"]}), name="agencies")["agency"].tolist()
    ['BPBD, kontak [redacted]']
    """
    out = data.copy()
    for col in ID_COLUMNS & set(map(str, out.columns)):
        out[col] = pseudonymise(out[col])
    check_no_personal_data(out[[c for c in out.columns if str(c) not in ID_COLUMNS]].iloc[:0], name=name)  # personal columns
    out = redact_frame(out)
    check_no_personal_data(out, name=name)
    return out


# ---------------------------------------------------------------------------
# Markdown and HTML
# ---------------------------------------------------------------------------

# Characters that start Markdown syntax wherever they stand (emphasis, code, links, images,
# strikethrough, table cells), and "$", which starts maths that MathJax would render (and
# MathJax's \\href is a link). "#", "+", "-", "." and ">" matter only at the start of a
# line, and a value from the data never starts one: its line breaks become spaces and its
# first character is escaped when it could start a heading, list or quote.
_MARKDOWN_SPECIAL = set("\\`*_[]$~|")
_LINE_START = re.compile(r"^(?:[#+\-=>]|\d+(?=[.)]))")
_ASCII_PUNCTUATION = set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_URL_START = re.compile(r"(?i)(?<![\w\\])(?:[a-z][a-z0-9+.-]{1,31}:(?=//)|www(?=\.))")


def _break_url(match: re.Match) -> str:
    # "http://host" -> "http\://host", "www.host" -> "www\.host": no renderer makes a link of it
    scheme = match.group(0)
    return scheme[:-1] + "\\:" if scheme.endswith(":") else scheme + "\\"


def escape_markdown(text) -> str:
    r"""Make a value from the data plain text in Markdown and in HTML.

    What looks like personal data is redacted first (:func:`screen_text`). Then
    characters that start Markdown syntax are backslash-escaped, so no link, image,
    emphasis, code, table cell or maths can come from the value; a URL scheme or ``www.``
    is broken, so no autolink; ``&``, ``<`` and ``>`` become HTML entities, so no HTML
    element can. Line breaks become spaces, and a first character that could start a
    heading or list is escaped, so the value cannot start a block of its own. A Markdown
    renderer shows the value exactly as written.

    Parameters
    ----------
    text : object
        A label, a name, a quote; not a string is turned into one.

    Returns
    -------
    str

    Examples
    --------
    >>> print(escape_markdown("[x](javascript:alert(1)) <img src=x>"))
    \[x\](javascript:alert(1)) &lt;img src=x&gt;
    >>> print(escape_markdown("inter-agency coordination"))
    inter-agency coordination
    """
    # redacted first: once escaped, "name [at] host" reads "name \\[at\\] host" to a detector
    text = screen_text(re.sub(r"[\r\n\u2028\u2029]+", " ", str(text)))
    out = []
    for ch in text:
        if ch == "&":
            out.append("&amp;")
        elif ch == "<":
            out.append("&lt;")
        elif ch == ">":
            out.append("&gt;")
        elif ch in _MARKDOWN_SPECIAL:
            out.append("\\" + ch)
        else:
            out.append(ch)
    escaped = _URL_START.sub(_break_url, "".join(out))
    lead = _LINE_START.match(escaped)  # "# x", "- x", "1. x": escape what would start a block
    if lead:
        k = len(lead.group(0)) if lead.group(0)[0].isdigit() else 0
        escaped = escaped[:k] + "\\" + escaped[k:]
    return escaped


# Columns of published tables that carry names from the data (hazards, assets, focus areas,
# codes, agencies, groups, workshop tables) and that findings interpolate into sentences.
LABEL_COLUMNS = (
    "hazard", "shock", "stress", "top_shock", "asset", "area_name", "group_label", "focus_area", "code", "code_a",
    "code_b", "name", "agency", "agency_name", "title", "label", "workshop_table", "hazard_label", "quote", "quote_from",
    "missing_amplifiers", "amplifies", "coordinator", "members",
)


def markdown_labels(*frames, columns=LABEL_COLUMNS):
    """Copies of tables whose name columns are escaped for Markdown, for findings to interpolate.

    A findings function calls it on the tables it is given, so that every name it puts
    into a sentence is plain text (:func:`escape_markdown`); numbers, ids and other columns
    are left as they are. ``None`` and objects that are not tables pass through.

    Examples
    --------
    >>> (t,) = markdown_labels(pd.DataFrame({"hazard": ["*Flood* [x](y)"], "score": [12.5]}))
    >>> print(t["hazard"][0], t["score"][0])
    \\*Flood\\* \\[x\\](y) 12.5
    """
    out = []
    for frame in frames:
        if isinstance(frame, pd.DataFrame):
            names = [c for c in frame.columns if c in columns]
            if names:
                frame = frame.copy()
                for col in names:
                    frame[col] = frame[col].map(lambda v: escape_markdown(v) if isinstance(v, str) else v)
        out.append(frame)
    return tuple(out)


def safe_markdown(text: str) -> str:
    r"""The last gate for computed Markdown: personal data redacted, no link, image or HTML.

    The project's own texts use bullets and emphasis but never links, images or HTML, so
    whatever of these is left (a value interpolated without :func:`escape_markdown`)
    comes from the data and is made inert: ``[`` and ``]`` are escaped (no link, no image),
    and so is ``$`` (no maths, whose ``\href`` would be a link),
    ``<`` and ``>`` and a bare ``&`` become entities (no HTML element, no autolink), and a
    URL scheme or ``www.`` is broken (no raw-URL autolink). Text escaped by
    :func:`escape_markdown` stays as it is, so applying this twice changes nothing.

    Examples
    --------
    >>> print(safe_markdown("- **Top:** [x](javascript:alert(1)) at http://host, p < 0.05"))
    - **Top:** \[x\](javascript:alert(1)) at http\://host, p &lt; 0.05
    >>> safe_markdown(safe_markdown("![](http://host/beacon.png)")) == safe_markdown("![](http://host/beacon.png)")
    True
    """
    text = screen_text(str(text))
    out = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "\\" and i + 1 < n and text[i + 1] in _ASCII_PUNCTUATION:
            out.append(text[i : i + 2])  # already escaped: a literal character
            i += 2
            continue
        if ch in "[]$":
            out.append("\\" + ch)
        elif ch == "<":
            out.append("&lt;")
        elif ch == ">":
            out.append("&gt;")
        elif ch == "&":
            entity = _ENTITY.match(text, i)
            out.append(entity.group(0) if entity else "&amp;")
            i += len(entity.group(0)) if entity else 1
            continue
        else:
            url = _URL_START.match(text, i) if ch.isalpha() and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "\\")) else None
            if url:
                scheme = url.group(0)
                out.append(scheme[:-1] + "\\:" if scheme.endswith(":") else scheme + "\\")
                i += len(scheme) + (0 if scheme.endswith(":") else 1)
                if not scheme.endswith(":"):
                    out.append(".")
                continue
            out.append(ch)
        i += 1
    return "".join(out)


# ---------------------------------------------------------------------------
# Free text written by respondents
# ---------------------------------------------------------------------------


def screen_quote(text, *, group_size: int | None = None, min_cell_size: int | None = None) -> tuple[str | None, str | None]:
    """Whether a respondent's own words may be published, and why not.

    A quote (or an "other" answer) is published only when its author's group reaches
    ``min_cell_size`` and nothing in it looks like personal data: a NIK, phone number or
    e-mail address, a person named after a title, or a common Indonesian given name
    written with a capital (:func:`pra_lib.assessment.personal_data.names_given`). The
    screen cannot be sure a capitalised word is not a name, so it withholds rather than
    redacts.

    Returns
    -------
    (quote, reason)
        ``(text, None)`` when it may be published; ``(None, reason)`` when withheld, the
        reason being ``"small group"``, ``"personal data"`` or ``"may name a person"``.

    Examples
    --------
    >>> screen_quote("Koordinasi antar dinas masih lemah.", group_size=8, min_cell_size=5)
    ('Koordinasi antar dinas masih lemah.', None)
    >>> screen_quote("Kata Pak Budi, banjir datang tiap tahun.", group_size=8, min_cell_size=5)
    (None, 'may name a person')
    >>> screen_quote("Banjir datang tiap tahun.", group_size=2, min_cell_size=5)
    (None, 'small group')
    """
    if not isinstance(text, str) or not text.strip():
        return None, None
    if group_size is not None and min_cell_size is not None and group_size < min_cell_size:
        return None, "small group"
    found = {what for what, _, _ in find_personal_data(text)}
    if found - {"person's name after a title"}:
        return None, "personal data"
    if found or names_given(text):
        return None, "may name a person"
    return text, None


# ---------------------------------------------------------------------------
# Figures and notebook outputs
# ---------------------------------------------------------------------------


def screen_figure(fig, *, marker: str = REDACTED) -> int:
    """Redact personal data in every text of a matplotlib figure, tick labels included.

    Tick labels of categorical axes are made when the figure is drawn, so the figure is
    drawn once first; an axis with a label to redact gets fixed ticks and labels. Returns
    the number of texts changed (0 leaves the figure untouched).

    Examples
    --------
    >>> import matplotlib.pyplot as plt                                     # doctest: +SKIP
    >>> fig, ax = plt.subplots(); ax.bar(["Flooding", "Pak Budi"], [3, 4])  # doctest: +SKIP
    >>> screen_figure(fig)                                                  # doctest: +SKIP
    1
    """
    from .plots import rewrite_figure_texts

    return rewrite_figure_texts(fig, lambda text: screen_text(text, marker=marker))


def _screen_output(data):
    """Screen a display's mime bundle: every text redacted, Markdown made inert."""
    if not isinstance(data, dict):
        return data
    out = {}
    for mime, value in data.items():
        if mime == "text/markdown" and isinstance(value, str):
            value = safe_markdown(value)
        elif isinstance(value, str) and (mime.startswith("text/") or mime.endswith(("+json", "/json", "+xml", "/javascript"))):
            value = screen_text(value)
        elif isinstance(value, list) and all(isinstance(v, str) for v in value):
            value = [screen_text(v) for v in value]
        out[mime] = value
    return out


class _ScreenedStream:
    """A kernel output stream whose every write passes :func:`screen_text`."""

    def __init__(self, stream):
        self._stream = stream

    def write(self, text):
        return self._stream.write(screen_text(text) if isinstance(text, str) else text)

    def __getattr__(self, name):
        return getattr(self._stream, name)


def install_output_screen(shell=None, *, streams: bool = True) -> bool:
    """Screen everything a notebook kernel shows: displays, results, errors and prints.

    Inside IPython, every mime bundle a cell displays or returns (DataFrames as HTML and
    text, Markdown, figures' SVG text) passes :func:`screen_text` (Markdown passes
    :func:`safe_markdown`), and so do error messages and tracebacks (a failed notebook is
    kept beside the report, so its error is published too) and what is printed to
    ``stdout`` and ``stderr`` (unless ``streams`` is false). Installing twice is harmless.

    Returns
    -------
    bool
        ``True`` when installed, ``False`` outside IPython.

    Examples
    --------
    >>> install_output_screen()   # in a plain Python session there is nothing to screen
    False
    """
    import sys

    if shell is None:
        try:
            from IPython import get_ipython
        except ImportError:  # pragma: no cover - IPython ships with the notebook dependencies
            return False
        shell = get_ipython()
    if shell is None:
        return False
    if getattr(shell, "_pra_output_screen", False):
        return True
    formatter = shell.display_formatter
    original_format = formatter.format

    def format(obj, include=None, exclude=None):
        data, metadata = original_format(obj, include=include, exclude=exclude)
        return _screen_output(data), metadata

    formatter.format = format

    if hasattr(shell, "_showtraceback"):
        original_traceback = shell._showtraceback

        def _showtraceback(etype, evalue, stb):
            return original_traceback(etype, screen_text(str(evalue)), [screen_text(line) for line in stb])

        shell._showtraceback = _showtraceback
    for name in ("stdout", "stderr") if streams else ():
        stream = getattr(sys, name)
        if stream is not None and not isinstance(stream, _ScreenedStream):
            setattr(sys, name, _ScreenedStream(stream))
    shell._pra_output_screen = True
    return True
