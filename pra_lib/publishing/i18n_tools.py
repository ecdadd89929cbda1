"""Tools for the translation catalogues: Babel extractors, notebook translation, compiling.

The report text lives in gettext catalogues under ``pra_lib/locale`` (domain ``pra``):
``pra.pot`` is the template, ``<lang>/LC_MESSAGES/pra.po`` the translations, and the
``.mo`` files beside them are compiled from those (never committed). Two kinds of entry:

* Messages of the Python code are **keyed**: the msgid is the key the code asks for
  (``t("risk.fig.matrix.title")``), the English text is the msgstr of ``en/pra.po``, and
  every other language carries the English as an extracted comment (``#.``), so that
  Poedit or Weblate show the translator what to translate.
* The narrative of the notebooks is written in the notebooks, as Markdown cells in
  English. Each cell is a **bilingual** entry: msgctxt ``"<notebook stem>#<cell id>"``,
  msgid the English Markdown, msgstr its translation. :func:`translate_notebook` puts the
  translations in before a notebook runs (``pra run --lang id``).

Extraction runs with Babel (``pybabel extract -F babel.cfg``), through the two extractors
here: :func:`extract_python` (the keys of ``t``/``tr``/``english`` calls, also in notebook
code cells) and :func:`extract_notebook` (Markdown cells). Keys built at run time
(``t(f"col.{name}")``) cannot be read from the code: the extractor yields every catalogue
key that such an f-string, or an entry of :data:`DYNAMIC_KEYS`, can produce, so that
``pybabel update`` never retires them.

Command line::

    python -m pra_lib.publishing.i18n_tools compile        # every .po -> .mo beside it
    python -m pra_lib.publishing.i18n_tools fill-english   # notebook cells' English into en/pra.po
    python -m pra_lib.publishing.i18n_tools status         # what still needs a text
"""

from __future__ import annotations

import ast
import copy
import fnmatch
import io
import re
import sys
from functools import lru_cache
from pathlib import Path

__all__ = [
    "DOMAIN",
    "DYNAMIC_KEYS",
    "KEYWORDS",
    "LOCALE_DIR",
    "compile_catalogues",
    "extract_notebook",
    "extract_python",
    "fill_english",
    "notebook_context",
    "translate_notebook",
]

from .i18n import DOMAIN, LOCALE_DIR  # where the catalogues live: <LOCALE_DIR>/<lang>/LC_MESSAGES/<DOMAIN>.po
#: The functions whose first argument is a catalogue key (``t`` is imported as ``tr`` in
#: modules where ``t`` names a table).
KEYWORDS = ("t", "tr", "english", "cell_label")

#: Catalogue keys looked up by names only known at run time, outside a call of ``t`` with an f-string key:
#: pattern (:mod:`fnmatch`) -> where the key is built. The extractor yields every entry of
#: ``en/pra.po`` matching a pattern, so that extraction never retires them. Add a line here
#: when code builds keys another way.
_VOCABULARY = ("agreement", "aspect", "asset_category", "band", "basis", "change", "channel", "consequence", "estimate", "kind",
               "likelihood", "measure", "performance", "quadrant", "reading", "reason", "role", "scope", "stakeholder_group", "status",
               "strength", "trend", "valence")
DYNAMIC_KEYS: dict[str, str] = {
    "col.*": "table headers: i18n.header(column) looks up col.<column>",
    "common.*": "yes, no and 'suppressed' in displayed tables (i18n.displayed)",
    **{f"{kind}.*": f"values of the data vocabulary: i18n.term(value, {kind!r}) and i18n.displayed" for kind in _VOCABULARY},
    "seminar.adjust.*": "p-value adjustment names: the seminar findings build the key in a variable",
}

# A key call, also nested in another call or inside an f-string: t with a quoted key, and
# english(f"risk.severity.{i}") whose placeholders may hold quotes of the other kind.
_KEY_CALL = r"""\b(?:{names})\(\s*(?P<quote>["'])(?P<key>[^"'\\\n{{}}]+)(?P=quote)"""
_FSTRING_CALL = r"""\b(?:{names})\(\s*[fF](?P<quote>["'])(?P<key>(?:(?!(?P=quote))[^\\\n{{}}]|\{{[^{{}}\n]*\}})+)(?P=quote)"""


def notebook_context(name: str, cell_id: str) -> str:
    """The msgctxt of a notebook's Markdown cell: ``"<notebook stem>#<cell id>"``."""
    return f"{name}#{cell_id}"


def _po_path(lang: str, locale_dir: Path | None = None) -> Path:
    return Path(locale_dir or LOCALE_DIR) / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@lru_cache(maxsize=None)
def _english(path: Path) -> dict[str, str]:
    """Key -> English text, from ``en/pra.po`` (keyed entries only)."""
    from babel.messages.pofile import read_po

    if not path.exists():
        return {}
    with path.open("rb") as handle:
        catalog = read_po(handle)
    return {m.id: m.string for m in catalog if m.id and not m.context and isinstance(m.id, str)}


def _keys_matching(fstring: str, known) -> list[str]:
    """Catalogue keys an f-string key such as ``"risk.find.{kind}"`` can produce."""
    parts = re.split(r"\{(?:[^{}]|\{[^{}]*\})*\}", fstring)
    pattern = re.compile("^" + "[^.]+".join(re.escape(p) for p in parts) + "$")
    return [k for k in known if pattern.match(k)]


def _comments(key: str, english: dict[str, str]) -> list[str]:
    # One comment per line: a comment line cannot hold a line break.
    text = english.get(key)
    return text.split("\n") if text else []


def _call_name(node) -> str | None:
    func = node.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None


def _python_messages(source: str, *, keywords, english: dict[str, str], where: str = "<source>"):
    """(lineno, key) for every literal or f-string key passed to ``keywords`` in ``source``.

    The code is read with :mod:`ast`, which also finds calls nested in another call's
    arguments or inside an f-string, and which does not take a table named ``t``
    (``t["kind"]``) for a call. An f-string key (``t(f"risk.find.{kind}")``) gives every
    key of the English catalogue it can produce.
    """
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        # Code that does not parse (a file mid-edit): read its keys with a pattern, so that
        # none is retired for it, and say so.
        print(f"warning: {where}: {exc.msg} (line {exc.lineno}); its keys are read with a pattern", file=sys.stderr)
        names = "|".join(map(re.escape, keywords))
        for match in re.finditer(_KEY_CALL.format(names=names), source):
            yield source.count("\n", 0, match.start()) + 1, match.group("key")
        for match in re.finditer(_FSTRING_CALL.format(names=names), source):
            lineno = source.count("\n", 0, match.start()) + 1
            yield from ((lineno, k) for k in _keys_matching(match.group("key"), english))
        return
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not node.args or _call_name(node) not in keywords:
            continue
        first = node.args[0]
        if isinstance(first, ast.Constant) and isinstance(first.value, str) and first.value:
            yield node.lineno, first.value
        elif isinstance(first, ast.JoinedStr):
            parts = [v.value if isinstance(v, ast.Constant) else None for v in first.values]
            pattern = re.compile("^" + "".join(re.escape(p) if p is not None else "[^.]+" for p in parts) + "$")
            yield from ((node.lineno, k) for k in english if pattern.match(k))


def _options(options) -> tuple[tuple[str, ...], Path]:
    given = (options or {}).get("keywords") or ()
    # Babel may hand the option over parsed (name -> argument spec) or as written.
    keywords = tuple(given.split() if isinstance(given, str) else given) or KEYWORDS
    english = Path((options or {}).get("english", _po_path("en")))
    return keywords, english


def extract_python(fileobj, keywords, comment_tags, options):
    """Babel extractor for the library's Python code: the keys of ``t``, ``tr``, ``english``.

    Literal keys are read as Babel reads them; a key built by an f-string yields every key
    of ``en/pra.po`` it can produce. With the option ``dynamic_keys = true`` (set in
    ``babel.cfg`` for ``pra_lib/publishing/i18n.py``) it also yields every key matching
    :data:`DYNAMIC_KEYS`. Each message carries its English text as an extracted comment.

    Options (``babel.cfg``): ``keywords`` (space-separated; default :data:`KEYWORDS`),
    ``english`` (path of the English catalogue), ``dynamic_keys``.
    """
    names, english_path = _options(options)
    english = _english(english_path)
    source = fileobj.read().decode("utf-8")
    where = getattr(fileobj, "name", "<source>")
    for lineno, key in _python_messages(source, keywords=names, english=english, where=where):
        yield lineno, None, key, _comments(key, english)
    if str((options or {}).get("dynamic_keys", "")).lower() == "true":
        for pattern in DYNAMIC_KEYS:
            for key in english:
                if fnmatch.fnmatchcase(key, pattern):
                    yield 1, None, key, _comments(key, english)


def extract_notebook(fileobj, keywords, comment_tags, options):
    """Babel extractor for the notebooks.

    Every Markdown cell is one bilingual message: context ``"<notebook stem>#<cell id>"``,
    msgid its English source. Code cells give the keys of their ``t`` calls, as
    :func:`extract_python` does. The "line" of a message is the cell's position (1-based).
    """
    import nbformat

    names, english_path = _options(options)
    english = _english(english_path)
    nb = nbformat.reads(fileobj.read().decode("utf-8"), as_version=4)
    name = Path(getattr(fileobj, "name", "") or (options or {}).get("name", "notebook")).stem
    for position, cell in enumerate(nb.cells, start=1):
        if cell.cell_type == "markdown" and cell.source.strip():
            yield position, "pgettext", (notebook_context(name, cell.get("id", "")), cell.source), []
        elif cell.cell_type == "code":
            for _, key in _python_messages(cell.source, keywords=names, english=english, where=f"{name} cell {position}"):
                yield position, None, key, _comments(key, english)


def translate_notebook(nb, lang: str, *, name: str | None = None):
    """A copy of notebook ``nb`` with its Markdown cells in ``lang``.

    Each Markdown cell is looked up by its context (``"<name>#<cell id>"``) and its English
    source; without ``name``, by cell id and source in any notebook. A cell without a
    translation (or whose English changed since it was translated) keeps its English and is
    recorded in :func:`pra_lib.publishing.i18n.missing_translations`. Code cells are untouched.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        The notebook, English narrative.
    lang : {"en", "id"}
        The report language; ``"en"`` returns an unchanged copy.
    name : str, optional
        The notebook's stem (``"04_assets_shocks_workshop"``).

    Returns
    -------
    nbformat.NotebookNode
    """
    from . import i18n

    i18n._check(lang)
    out = copy.deepcopy(nb)
    if lang == "en":
        return out
    for cell in out.cells:
        if cell.cell_type != "markdown" or not cell.source.strip():
            continue
        cell_id = cell.get("id", "")
        text = i18n.notebook_text(cell.source, lang, context=notebook_context(name, cell_id) if name else None, cell_id=cell_id)
        if text is not None:
            cell.source = text
    return out


def _write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` through a temporary file, so no half-written catalogue remains."""
    import os
    import tempfile

    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def compile_catalogues(locale_dir: Path | None = None) -> list[Path]:
    """Compile every ``<lang>/LC_MESSAGES/*.po`` under ``locale_dir`` to a ``.mo`` beside it.

    Untranslated and fuzzy entries are left out, as ``pybabel compile`` does; the reports
    then fall back to English for them. Returns the ``.mo`` files written.
    """
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    written = []
    for po in sorted(Path(locale_dir or LOCALE_DIR).glob("*/LC_MESSAGES/*.po")):
        with po.open("rb") as handle:
            catalog = read_po(handle, locale=po.parent.parent.name)
        buffer = io.BytesIO()
        write_mo(buffer, catalog, use_fuzzy=False)
        mo = po.with_suffix(".mo")
        _write_bytes(mo, buffer.getvalue())
        written.append(mo)
    return written


def fill_english(locale_dir: Path | None = None) -> int:
    """Give every notebook entry of ``en/pra.po`` its English (msgstr = msgid); return how many.

    The notebooks are written in English, so their cells are their own English text;
    ``pybabel update`` adds new cells with an empty msgstr.
    """
    from babel.messages.pofile import read_po, write_po

    path = _po_path("en", locale_dir)
    with path.open("rb") as handle:
        catalog = read_po(handle, locale="en")
    filled = 0
    for message in catalog:
        if message.id and message.context and message.string != message.id:
            message.string = message.id
            message.flags.discard("fuzzy")
            filled += 1
    if filled:
        buffer = io.BytesIO()
        write_po(buffer, catalog, width=76)
        _write_bytes(path, buffer.getvalue())
    return filled


def status(locale_dir: Path | None = None) -> dict[str, list[str]]:
    """Per language, the entries that still need a text (keys, or notebook contexts)."""
    from babel.messages.pofile import read_po

    out = {}
    for po in sorted(Path(locale_dir or LOCALE_DIR).glob("*/LC_MESSAGES/*.po")):
        with po.open("rb") as handle:
            catalog = read_po(handle)
        out[po.parent.parent.name] = [m.context or m.id for m in catalog if m.id and (not m.string or m.fuzzy)]
    return out


def main(argv=None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m pra_lib.publishing.i18n_tools", description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=["compile", "fill-english", "status"])
    parser.add_argument("--locale-dir", type=Path, default=None, help=f"default: {LOCALE_DIR}")
    args = parser.parse_args(argv)
    if args.command == "compile":
        for mo in compile_catalogues(args.locale_dir):
            print(f"compiled {mo}")
    elif args.command == "fill-english":
        print(f"{fill_english(args.locale_dir)} notebook cell(s) given their English in en/{DOMAIN}.po")
    else:
        for lang, todo in status(args.locale_dir).items():
            print(f"{lang}: {len(todo)} entr{'y' if len(todo) == 1 else 'ies'} without a text" + (": " + ", ".join(todo[:20]) if todo else ""))
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
