"""Findings of the risk chapter: sentences built from the published tables.

The texts come from the i18n catalogue (``risk.find.*``) in the report language.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ..publishing.disclosure import published_numbers as _num  # suppressed cells read as NaN
from ..publishing.i18n import english, format_number, format_percent, plural, term
from ..publishing.i18n import t as tr
from ..publishing.privacy import markdown_labels  # names from the data stay text in the Markdown
from .network import _STRENGTH, _strength_word

# "Flooding (strong), Fire (weak)": the strength words that close each item of ``amplifies``.
_AMPLIFIES_WORD = re.compile(r"\((" + "|".join(_STRENGTH.values()) + r")\)(?=, |$)")


def _strength(value) -> str:
    """A link strength (1-3) as a word in the report language."""
    return term(_strength_word(value), "strength")


def _amplifies_text(amplifies):
    """The ``amplifies`` column of :func:`stress_centrality` with its strengths in the report language."""
    if not isinstance(amplifies, str):
        return amplifies
    return _AMPLIFIES_WORD.sub(lambda m: f"({term(m.group(1), 'strength')})", amplifies)


def _area_text(area_name):
    """An ``area_name`` in the report language: the tables name city-wide assets in English."""
    return tr("overview.citywide") if area_name == english("overview.citywide") else area_name


def _fmt(x, digits: int = 1) -> str:
    if x is None or (isinstance(x, float) and np.isnan(x)):
        return tr("common.not_available")
    x = float(x)
    return format_number(x, digits=0 if x == round(x) else digits)


def _pct(x) -> str:
    return format_percent(x)


def _alpha_text(suffix: str) -> str:
    """The alpha of a ``compound_rank_<alpha>`` column, written by the report language (0,25)."""
    try:
        return format_number(float(suffix))
    except ValueError:
        return suffix


def _rank_text(low, high) -> str:
    low, high = _fmt(low), _fmt(high)
    return tr("risk.rank_one", rank=low) if low == high else tr("risk.rank_range", low=low, high=high)


def _categories_text(categories) -> str:
    """'health, water' (the shock_reach column) with each asset category in the report language."""
    if not isinstance(categories, str):
        return categories
    return ", ".join(term(c, "asset_category") for c in categories.split(", "))


def _agreement_text(agreement: pd.DataFrame) -> str | None:
    """'likelihood alpha = 0.71 (tentative); ...' or None when no alpha is defined."""
    parts = [tr("risk.find.alpha_part", measure=term(m, "measure"), alpha=_fmt(a, 2), reading=term(reading, "reading"))
             for m, a, reading in zip(agreement["measure"], _num(agreement["alpha"]), agreement["reading"]) if not np.isnan(a)]
    return tr("risk.find.agreement", parts="; ".join(parts)) if parts else None


def _published(frame: pd.DataFrame | None, value: str) -> pd.DataFrame:
    """Rows whose ``value`` survived suppression."""
    if frame is None or frame.empty or value not in frame:
        return pd.DataFrame(columns=[] if frame is None else frame.columns)
    return frame[_num(frame[value]).notna().to_numpy()]


def measures_withheld_text(data: pd.DataFrame, *, min_cell_size: int) -> str:
    """One sentence for the report: the rows of a score table whose measure of few raters is withheld.

    Parameters
    ----------
    data : DataFrame
        A table from :func:`~pra_lib.risk.withhold_hazard_scores` or
        :func:`~pra_lib.risk.publish_hazard_scores` (its ``attrs["measures_withheld"]``).
    min_cell_size : int
        The run's threshold, quoted in the reason.

    Returns
    -------
    str
        The sentence in the report language, or ``""`` when nothing is withheld.

    Examples
    --------
    >>> t = pd.DataFrame({"hazard_id": ["SH01", "SH02"], "n": [60, 60]})
    >>> t.attrs["measures_withheld"] = ["", "consequence"]
    >>> measures_withheld_text(t, min_cell_size=5)[:60]
    'In 1 of the 2 rows of this table, fewer than 5 people gave a'
    """
    why = list(data.attrs.get("measures_withheld", [])) if data is not None else []
    if len(why) != len(data) or not any(why):
        return ""
    shown = int(_num(data["n"]).notna().sum()) if "n" in data else len(data)
    measures = sorted({m for w in why for m in w.split(", ") if m}, key=["likelihood", "consequence", "severity", "trend"].index)
    return tr("risk.measures_withheld", withheld=sum(bool(w) for w in why), total=shown, size=min_cell_size,
              measures=", ".join(term(m, "measure") for m in measures))


def findings_shocks(
    scores: pd.DataFrame,
    ranks: pd.DataFrame,
    *,
    agreement: pd.DataFrame | None = None,
    exposure: pd.DataFrame | None = None,
    reach: pd.DataFrame | None = None,
    no_path: pd.DataFrame | None = None,
    groups: pd.DataFrame | None = None,
) -> str:
    """Findings of the assets and shocks workshop, as markdown computed from the results.

    Pass the published (suppressed) tables: a suppressed row is never quoted, and a
    stakeholder group with a withheld shock (``answers_withheld`` in ``groups``,
    :func:`~pra_lib.risk.withhold_shock_scores`) is never named.

    Examples
    --------
    >>> Markdown(findings_shocks(scores, ranks, exposure=exposure, reach=reach, no_path=no_path))  # doctest: +SKIP
    """
    scores, ranks, agreement, exposure, reach, no_path, groups = markdown_labels(scores, ranks, agreement, exposure, reach, no_path, groups)
    scored = _published(scores, "score")
    if scored.empty:
        return tr("risk.find.no_shocks")
    scored = scored.assign(score_value=_num(scored["score"])).sort_values("score_value", ascending=False, kind="stable")
    r = _published(ranks, "rank_low").set_index("hazard_id") if ranks is not None and len(ranks) else pd.DataFrame()
    lines = []
    top = scored.iloc[0]
    text = tr("risk.find.top_shock", hazard=top["hazard"], likelihood=_fmt(_num([top["likelihood"]])[0]),
              consequence=_fmt(_num([top["consequence"]])[0]), score=_fmt(top["score_value"]), band=term(top["band"], "band"),
              n=int(_num([top["n"]])[0]))
    if top["hazard_id"] in r.index:
        t = r.loc[top["hazard_id"]]
        text += " " + tr("risk.find.top_shock_first", share=_pct(_num([t["share_first"]])[0]), n_resamples=format_number(int(_num([t['n_resamples']])[0])),
                         interval=_rank_text(_num([t["rank_low"]])[0], _num([t["rank_high"]])[0]))
        tied = t.get("tied_with", "")
        if isinstance(tied, str) and tied:
            text += " " + tr("risk.find.top_tied", hazard=top["hazard"], names=tied)
    lines.append(text)
    if len(scored) > 1:
        rest = [f"{row.hazard} ({_fmt(row.score_value)}, {term(row.band, 'band')})" for row in scored.iloc[1:4].itertuples()]
        lines.append(tr("risk.find.next", items=", ".join(rest)))
    bands = scored["band"].value_counts()
    high = int(bands.get("high", 0) + bands.get("extreme", 0))
    lines.append(tr("risk.find.high_bands", n=high, total=len(scored)))
    if len(r) > 1:
        ordered = r.sort_values("rank")
        close = []
        for (a, ra), (b, rb) in zip(ordered.iloc[:-1].iterrows(), ordered.iloc[1:].iterrows()):
            if _num([ra["rank_high"]])[0] >= _num([rb["rank_low"]])[0]:
                close.append(tr("risk.find.pair", a=ra["hazard"], b=rb["hazard"]))
        if close:
            lines.append(tr("risk.find.overlap", pairs="; ".join(close)))
        else:
            lines.append(tr("risk.find.no_overlap"))
    if agreement is not None and len(agreement):
        text = _agreement_text(agreement)
        if text:
            lines.append(text)
    if groups is not None and len(groups):
        key = "group_label" if "group_label" in groups else groups.columns[0]
        # A group with a withheld shock is not described at all: its top published shock
        # may not be its top one, and naming it would say where the withheld one stands.
        withheld = groups["answers_withheld"].astype("boolean").fillna(False).to_numpy(dtype=bool) if "answers_withheld" in groups else np.zeros(len(groups), dtype=bool)
        partly = set(groups.loc[withheld, key])
        g = _published(groups, "score")
        g = g[~g[key].isin(partly)]
        if len(g):
            tops = g.assign(score_value=_num(g["score"])).sort_values("score_value", ascending=False).groupby(key, sort=False).head(1)
            same = tops["hazard"].nunique() == 1
            if same and not partly:
                lines.append(tr("risk.find.groups_same", hazard=tops["hazard"].iloc[0]))
            elif not same:
                lines.append(tr("risk.find.groups_differ", items="; ".join(f"{k}: {h}" for k, h in zip(tops[key], tops["hazard"]))))
    if exposure is not None and len(exposure):
        e = exposure.assign(exposure_value=_num(exposure["exposure"])).dropna(subset=["exposure_value"])
        if len(e) and e["exposure_value"].max() > 0:
            best = e.sort_values("exposure_value", ascending=False).iloc[0]
            lines.append(tr("risk.find.most_exposed", asset=best["asset"], category=term(best["category"], "asset_category"), area=_area_text(best["area_name"]),
                            criticality=_fmt(best["criticality"]), shock=best["top_shock"]))
    if reach is not None and len(reach):
        widest = reach.iloc[0]
        if int(widest["n_critical_hit"]) > 0:
            lines.append(tr("risk.find.reach", shock=widest["shock"], n=int(widest["n_critical_hit"]), total=int(widest["n_critical"]),
                            categories=_categories_text(widest["categories"])))
    if no_path is not None:
        if len(no_path):
            names = ", ".join(f"{a} ({term(reason, 'reason')})" for a, reason in zip(no_path["asset"], no_path["reason"]))
            lines.append(tr("risk.find.no_path", n=len(no_path), names=names))
        else:
            lines.append(tr("risk.find.all_exposed"))
    return "\n\n".join(lines)


def findings_stresses(
    stresses: pd.DataFrame,
    compound: pd.DataFrame,
    centrality: pd.DataFrame,
    *,
    sensitivity: pd.DataFrame | None = None,
    agreement: pd.DataFrame | None = None,
) -> str:
    """Findings of the stresses session, as markdown computed from the results.

    Pass the published (suppressed) tables: a suppressed row is never quoted.

    Examples
    --------
    >>> Markdown(findings_stresses(stresses, compound, centrality))  # doctest: +SKIP
    """
    stresses, compound, centrality, sensitivity, agreement = markdown_labels(stresses, compound, centrality, sensitivity, agreement)
    sev = _published(stresses, "severity")
    if sev.empty:
        return tr("risk.find.no_stresses")
    sev = sev.assign(severity_value=_num(sev["severity"])).sort_values(["severity_value"], ascending=False, kind="stable")
    lines = []
    top_s = sev[sev["severity_value"] == sev["severity_value"].iloc[0]]
    desc = [tr("risk.find.stress_worsening", hazard=row.hazard, share=_pct(_num([row.share_worsening])[0])) for row in top_s.itertuples()]
    lines.append(tr(f"risk.find.most_severe.{plural(len(desc) > 1)}", items=tr("risk.find.and").join(desc),
                    severity=_fmt(sev["severity_value"].iloc[0])))
    worsening = sev[sev["worsening"].astype(str) == "True"]["hazard"].tolist()
    if worsening:
        lines.append(tr("risk.find.worsening", n=len(worsening), total=len(sev), names=", ".join(worsening)))
    if agreement is not None and len(agreement):
        text = _agreement_text(agreement)
        if text:
            lines.append(text)
    if centrality is not None and len(centrality):
        hub = centrality.iloc[0]
        if float(_num([hub["risk_reach"]])[0]) > 0:
            lines.append(tr("risk.find.hub", hazard=hub["hazard"], amplifies=_amplifies_text(hub["amplifies"]), reach=_fmt(_num([hub["risk_reach"]])[0], 2),
                            added=_fmt(_num([hub["compound_added"]])[0])))
            if len(centrality) > 1:
                lines.append(tr("risk.find.hub_next", items=", ".join(f"{h} ({_fmt(x, 2)})" for h, x in zip(centrality["hazard"].iloc[1:3], _num(centrality["risk_reach"].iloc[1:3])))))
        isolated = centrality[_num(centrality["n_shocks"]) == 0]["hazard"].tolist()
        if isolated:
            lines.append(tr(f"risk.find.isolated.{plural(len(isolated) > 1)}", names=", ".join(isolated)))
    c = _published(compound, "compound")
    if len(c):
        c = c.assign(compound_value=_num(c["compound"]), rank_value=_num(c["rank"]), compound_rank_value=_num(c["compound_rank"]))
        top = c.sort_values("compound_value", ascending=False).iloc[0]
        alpha = float(_num([top["alpha"]])[0])
        lines.append(tr("risk.find.compound_top", alpha=_fmt(alpha, 2), hazard=top["hazard"], compound=_fmt(top["compound_value"]),
                        score=_fmt(_num([top["score"]])[0]), amplifiers=top["amplifiers"] or tr("risk.find.no_stress")))
        if "missing_amplifiers" in c:
            lost = c[c["missing_amplifiers"].fillna("").astype(str) != ""]
            if len(lost):
                lines.append(tr("risk.find.missing_amplifiers", items="; ".join(f"{row.hazard}: {row.missing_amplifiers}" for row in lost.itertuples())))
        moved = c[(c["rank_value"] - c["compound_rank_value"]).abs() >= 0.5]
        if len(moved):
            lines.append(tr("risk.find.reorder", items="; ".join(tr("risk.find.reorder_item", hazard=row.hazard, before=_fmt(row.rank_value),
                                                                      after=_fmt(row.compound_rank_value)) for row in moved.itertuples())))
        else:
            lines.append(tr("risk.find.no_reorder"))
    if sensitivity is not None and len(sensitivity):
        rank_cols = [col for col in sensitivity.columns if col.startswith("compound_rank_")]
        firsts = {col[len("compound_rank_"):]: sensitivity.loc[_num(sensitivity[col]) == _num(sensitivity[col]).min(), "hazard"].tolist() for col in rank_cols}
        leaders = {", ".join(v) for v in firsts.values()}
        if len(leaders) == 1:
            lines.append(tr("risk.find.alpha_stable", hazard=leaders.pop(), alphas=", ".join(_alpha_text(a) for a in firsts)))
        else:
            lines.append(tr("risk.find.alpha_depends", items="; ".join(tr("risk.find.alpha_item", alpha=_alpha_text(a), names=", ".join(v)) for a, v in firsts.items())))
    return "\n\n".join(lines)
