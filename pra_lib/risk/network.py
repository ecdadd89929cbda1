"""The stress -> shock network: which stresses amplify which shocks, and which are the hubs."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..publishing.disclosure import published_numbers as _num  # suppressed cells read as NaN
from ..publishing.i18n import cell_label
from ..stats.ordinal import descending_ranks
from .bands import MAX_SCORE, risk_band
from .shocks import _SHOCK_COLUMNS
from .stresses import DEFAULT_ALPHA, _STRESS_COLUMNS, _edges

# Link strengths as words of the data vocabulary; findings and figures translate them.
_STRENGTH = {1: "weak", 2: "moderate", 3: "strong"}


def _strength_word(value) -> str:
    """A link strength (1-3) as its English vocabulary word."""
    return _STRENGTH[int(value)] if int(value) in _STRENGTH else str(value)


def _strength_label(value) -> str:
    """A link strength (1-3) as a label in the report language."""
    return cell_label(f"strength.{_STRENGTH[int(value)]}") if int(value) in _STRENGTH else str(value)


def _risk_reach(graph, stresses: list) -> dict:
    """Each stress's risk reach: its out-degree weighted by ``risk_weight``."""
    return dict(graph.out_degree(stresses, weight="risk_weight"))


def stress_network(
    shock_scores: pd.DataFrame,
    stress_scores: pd.DataFrame,
    amplifications,
    *,
    activity_id: str | None = None,
):
    """The directed stress -> shock graph, weighted by amplification strength.

    Returns
    -------
    networkx.DiGraph
        Nodes are hazard ids with attributes ``kind`` ("stress" or "shock"), ``label``,
        ``n``, and ``severity``, ``trend``, ``worsening`` (stresses) or ``score``, ``band``
        (shocks). Every scored stress and shock is a node, linked or not. Each edge
        stress -> shock has ``strength`` (1-3), ``severity`` and ``score`` of its ends,
        ``risk_weight = strength / 3 x score / 25`` and ``amplification = strength / 3 x
        severity / 5``.

    Examples
    --------
    >>> graph = stress_network(scores, stresses, assessment)  # doctest: +SKIP
    >>> graph.out_degree("ST01")                               # doctest: +SKIP
    3
    """
    import networkx as nx

    graph = nx.DiGraph()
    stress_scores = stress_scores if stress_scores is not None else pd.DataFrame(columns=_STRESS_COLUMNS)
    shock_scores = shock_scores if shock_scores is not None else pd.DataFrame(columns=_SHOCK_COLUMNS)
    for row in stress_scores.to_dict("records"):
        worse, trend = row.get("worsening"), row.get("trend")
        # A stress hidden in the published table (its n missing) or whose trend is withheld
        # has no trend here either, and no "not worsening" that would contradict it.
        hidden = pd.isna(_num([row.get("n")])[0])
        trend = None if hidden or not isinstance(trend, str) else trend
        graph.add_node(row["hazard_id"], kind="stress", label=row.get("hazard", row["hazard_id"]), n=row.get("n"),
                       severity=float(_num([row.get("severity")])[0]), trend=trend, hidden=hidden,
                       worsening=None if trend is None else bool(worse) if worse in (True, False) else trend == "worsening")
    for row in shock_scores.to_dict("records"):
        score = float(_num([row.get("score")])[0])
        graph.add_node(row["hazard_id"], kind="shock", label=row.get("hazard", row["hazard_id"]), n=row.get("n"), score=score,
                       band=row.get("band", risk_band(score)))
    edges = _edges(shock_scores, stress_scores, amplifications, activity_id)
    for e in edges.itertuples(index=False):
        for node, kind in ((e.stress_id, "stress"), (e.shock_id, "shock")):
            if node not in graph:
                graph.add_node(node, kind=kind, label=node, n=0, severity=np.nan, score=np.nan, trend=None, worsening=False, band=None)
        graph.add_edge(
            e.stress_id,
            e.shock_id,
            strength=float(e.strength),
            severity=float(e.severity),
            score=float(e.score),
            risk_weight=float(e.strength / 3.0 * (0.0 if np.isnan(e.score) else e.score) / MAX_SCORE),
            amplification=float(0.0 if np.isnan(e.amplification) else e.amplification),
        )
    return graph


def stress_centrality(graph, *, alpha: float = DEFAULT_ALPHA) -> pd.DataFrame:
    """Which stresses are the hubs: how much shock risk each one reaches.

    The centrality is the stress's weighted out-degree on the graph whose edge weights are
    ``risk_weight = strength / 3 x score / 25``: ``risk_reach = sum over the shocks it
    amplifies of (strength / 3) x (score / 25)``. One strong link to a shock of score 25
    counts 1. It measures where a stress sits in the network, whatever its own severity;
    ``compound_added`` adds the severity: the points of compound risk (see
    :func:`compound_risk`) the stress adds across all shocks.

    Parameters
    ----------
    graph : networkx.DiGraph
        From :func:`stress_network`.
    alpha : float
        As in :func:`compound_risk`, for ``compound_added``.

    Returns
    -------
    DataFrame
        One row per stress, most central first: ``hazard_id``, ``hazard``, ``n``,
        ``severity``, ``trend``, ``worsening``, ``n_shocks`` (out-degree),
        ``out_strength`` (sum of strengths), ``risk_reach``, ``compound_added``,
        ``amplifies`` (the shocks, strongest link first, each with its strength in English:
        ``"Flooding (strong)"``) and ``rank`` (by ``risk_reach``, average ranks for ties).
        A stress the published stress table hides (its ``n`` missing) has no ``trend``,
        ``worsening`` or ``rank``, and the others are ranked among themselves; a withheld
        trend leaves ``worsening`` empty too.

    Examples
    --------
    >>> stress_centrality(graph).iloc[0]["hazard"]  # doctest: +SKIP
    'Land subsidence'
    """
    columns = ["hazard_id", "hazard", "n", "severity", "trend", "worsening", "n_shocks", "out_strength", "risk_reach",
               "compound_added", "amplifies", "rank"]
    stresses = [v for v, d in graph.nodes(data=True) if d.get("kind") == "stress"]
    if not stresses:
        return pd.DataFrame(columns=columns)
    reach = _risk_reach(graph, stresses)
    strength = dict(graph.out_degree(stresses, weight="strength"))
    rows = []
    for v in stresses:
        d = graph.nodes[v]
        out_edges = sorted(graph.out_edges(v, data=True), key=lambda e: (-e[2]["strength"], -np.nan_to_num(e[2]["score"]), e[1]))
        added = sum(alpha * e[2]["amplification"] * np.nan_to_num(e[2]["score"]) for e in out_edges)
        rows.append(
            {
                "hazard_id": v,
                "hazard": d.get("label", v),
                "n": d.get("n", 0),
                "severity": d.get("severity", np.nan),
                "trend": d.get("trend"),
                "worsening": None if d.get("worsening", False) is None else bool(d.get("worsening", False)),
                "n_shocks": graph.out_degree(v),
                "out_strength": float(strength[v]),
                "risk_reach": float(reach[v]),
                "compound_added": float(added),
                "amplifies": ", ".join(f"{graph.nodes[e[1]].get('label', e[1])} ({_strength_label(e[2]['strength'])})" for e in out_edges),
            }
        )
    out = pd.DataFrame(rows, columns=columns[:-1])
    # The stresses the published table hides are not ranked: the others are ranked among themselves.
    shown = ~np.array([bool(graph.nodes[v].get("hidden", False)) for v in out["hazard_id"]], dtype=bool)
    rank = np.full(len(out), np.nan)
    if shown.any():
        rank[shown] = descending_ranks(out.loc[shown, "risk_reach"].to_numpy(dtype=float), "average")
    out["rank"] = rank
    return out.sort_values(["rank", "compound_added", "hazard_id"], ascending=[True, False, True], kind="stable").reset_index(drop=True)
