"""Findings of the key-stakeholder interviews, as markdown.

:func:`findings_interviews` builds its sentences from the published tables; quotes are
attributed to stakeholder groups only, in the report language (the tables keep who said
a quote in English).
"""

from __future__ import annotations

import pandas as pd

from ..perception._common import ALL, _num, _usable
from ..publishing.disclosure import DEFAULT_MIN_CELL_SIZE
from ..publishing.i18n import english, format_percent
from ..publishing.i18n import t as tr  # t is a common name for a table in this chapter
from ..publishing.privacy import escape_markdown as md  # data values stay text in the Markdown


def _quote_from_text(value):
    """Who said a quote (``quote_from`` of :func:`pra_lib.interviews.top_weaknesses`, kept
    in English by the table) in the report language."""
    if value == english("perception.quote_from_withheld"):
        return tr("perception.quote_from_withheld")
    before, _, after = english("perception.quote_from", group="\0").partition("\0")
    if isinstance(value, str) and len(value) >= len(before) + len(after) and value.startswith(before) and value.endswith(after):
        return tr("perception.quote_from", group=value[len(before):len(value) - len(after)])
    return value


def findings_interviews(top: pd.DataFrame, *, strengths: pd.DataFrame | None = None, summary: pd.DataFrame | None = None, pairs: pd.DataFrame | None = None, min_cell_size: int = DEFAULT_MIN_CELL_SIZE) -> str:
    """Findings of the key-stakeholder interviews, as markdown computed from the tables.

    Parameters
    ----------
    top : pandas.DataFrame
        :func:`top_weaknesses` (published or not).
    strengths : pandas.DataFrame, optional
        :func:`top_weaknesses` with ``valence="strength"``.
    summary : pandas.DataFrame, optional
        :func:`interview_summary`.
    pairs : pandas.DataFrame, optional
        :func:`code_cooccurrence`.
    min_cell_size : int
        Counts below it are never quoted.

    Returns
    -------
    str
        Markdown bullet list.  Quotes are attributed to stakeholder groups only.

    Examples
    --------
    >>> Markdown(findings_interviews(top_weaknesses(a)))  # doctest: +SKIP
    """
    lines = []
    if summary is not None and len(summary):
        total = summary[summary["stakeholder_group"] == ALL]
        if len(total):
            r = total.iloc[0]
            if pd.isna(r["n_weakness"]) and pd.isna(r["n_strength"]):  # withheld: they would narrow a hidden goal cell
                lines.append(tr("perception.find.interviews_statements_withheld", n=r["n"]))
            elif pd.isna(r["n_weakness"]):
                lines.append(tr("perception.find.interviews_weaknesses_withheld", n=r["n"], strengths=r["n_strength"]))
            elif pd.isna(r["n_strength"]) or pd.isna(r["n_statements"]):
                lines.append(tr("perception.find.interviews_strengths_withheld", n=r["n"], weaknesses=r["n_weakness"]))
            else:
                lines.append(tr("perception.find.interviews", n=r["n"], statements=r["n_statements"], weaknesses=r["n_weakness"], strengths=r["n_strength"]))
        hidden = _hidden_groups(summary, min_cell_size=min_cell_size)
        if hidden:
            lines.append(hidden)
    t = _usable(top, min_cell_size, value="n")
    if t.empty:
        lines.append(tr("perception.find.no_weakness"))
    else:
        first = t.iloc[0]
        about = ", ".join(md(x) for x in (first.get("goal_label"), first.get("hazard_label")) if isinstance(x, str) and x)
        quote = tr("perception.find.quote", who=md(_quote_from_text(first["quote_from"])), quote=md(first["quote"])) if isinstance(first.get("quote"), str) and first["quote"] else ""
        lines.append(tr("perception.find.top_weakness", code=md(first["code"]), about=f" ({about})" if about else "", n=int(first["_n"]),
                        share=format_percent(_num(pd.Series([first['share_of_interviewees']])).iloc[0]),
                        statements=int(_num(pd.Series([first["n_statements"]])).iloc[0]), quote=quote))
        rest = t.iloc[1:]
        if len(rest):
            lines.append(tr("perception.find.next_weaknesses", items="; ".join(tr("perception.find.code_item", code=md(r["code"]), n=int(r["_n"])) for _, r in rest.iterrows())))
    if strengths is not None:
        s = _usable(strengths, min_cell_size, value="n")
        if len(s):
            lines.append(tr("perception.find.strengths", items="; ".join(tr("perception.find.code_item", code=md(r["code"]), n=int(r["_n"])) for _, r in s.iterrows())))
    if pairs is not None and len(pairs):
        p = _usable(pairs, min_cell_size, value="n")
        p = p[p["_n"] > 0]
        if len(p):
            best = p.loc[p["_n"].idxmax()]
            lines.append(tr("perception.find.pairs", a=md(best["code_a"]), b=md(best["code_b"]), n=int(best["_n"])))
    withheld = _withheld_quotes(top, strengths, min_cell_size=min_cell_size)
    if withheld:
        lines.append(withheld)
    return "\n".join(f"- {line}" for line in lines)


def _hidden_groups(summary: pd.DataFrame, *, min_cell_size: int = DEFAULT_MIN_CELL_SIZE) -> str:
    """One sentence naming the interviewee groups the run's plan hides, and why.

    The interviewees are planned on their own (:func:`pra_lib.publishing.disclosure.interviewees`):
    a small group is hidden in every table of the interview report, with the groups hidden
    to protect it, and the report says which.
    """
    if "suppression" not in summary or "group_label" not in summary:
        return ""
    rows = summary[summary["stakeholder_group"].ne(ALL) & summary["suppression"].isin(["primary", "complementary"])]
    if rows.empty:
        return ""
    reasons = {"primary": tr("disclosure.primary", size=min_cell_size), "complementary": tr("disclosure.complementary")}
    items = "; ".join(f"{md(label)} ({reasons[why]})" for label, why in zip(rows["group_label"], rows["suppression"]))
    return tr("perception.find.hidden_groups", items=items)


_WITHHELD_REASONS = {
    "small group": "small",
    "personal data": "personal",
    "may name a person": "person",
}


def _withheld_quotes(*tables, min_cell_size: int = DEFAULT_MIN_CELL_SIZE) -> str:
    """One sentence saying how many quotes were withheld, and why ("1 (it may name a person)")."""
    reasons = pd.concat([t["quote_withheld"] for t in tables if t is not None and "quote_withheld" in t], ignore_index=True) if any(
        t is not None and "quote_withheld" in t for t in tables
    ) else pd.Series(dtype=object)
    counts = reasons.dropna().value_counts()
    if counts.empty:
        return ""
    items = [tr("perception.find.withheld_item", n=int(n), reason=tr(f"perception.withheld.{_WITHHELD_REASONS[r]}", size=min_cell_size)) for r, n in counts.items() if r in _WITHHELD_REASONS]
    return tr("perception.find.quotes_withheld", items="; ".join(items)) if items else ""
