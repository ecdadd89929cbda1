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
            lines.append(tr("perception.find.interviews", n=r["n"], statements=r["n_statements"], weaknesses=r["n_weakness"], strengths=r["n_strength"]))
    t = _usable(top, min_cell_size, value="n")
    if t.empty:
        lines.append(tr("perception.find.no_weakness"))
    else:
        first = t.iloc[0]
        about = ", ".join(str(x) for x in (first.get("goal_label"), first.get("hazard_label")) if isinstance(x, str) and x)
        quote = tr("perception.find.quote", who=_quote_from_text(first["quote_from"]), quote=first["quote"]) if isinstance(first.get("quote"), str) and first["quote"] else ""
        lines.append(tr("perception.find.top_weakness", code=first["code"], about=f" ({about})" if about else "", n=int(first["_n"]),
                        share=format_percent(_num(pd.Series([first['share_of_interviewees']])).iloc[0]),
                        statements=int(_num(pd.Series([first["n_statements"]])).iloc[0]), quote=quote))
        rest = t.iloc[1:]
        if len(rest):
            lines.append(tr("perception.find.next_weaknesses", items="; ".join(tr("perception.find.code_item", code=r["code"], n=int(r["_n"])) for _, r in rest.iterrows())))
    if strengths is not None:
        s = _usable(strengths, min_cell_size, value="n")
        if len(s):
            lines.append(tr("perception.find.strengths", items="; ".join(tr("perception.find.code_item", code=r["code"], n=int(r["_n"])) for _, r in s.iterrows())))
    if pairs is not None and len(pairs):
        p = _usable(pairs, min_cell_size, value="n")
        p = p[p["_n"] > 0]
        if len(p):
            best = p.loc[p["_n"].idxmax()]
            lines.append(tr("perception.find.pairs", a=best["code_a"], b=best["code_b"], n=int(best["_n"])))
    return "\n".join(f"- {line}" for line in lines)
