"""The words the focus-areas figures and findings share, in the report language.

Numbers and percentages as the findings quote them, the evidence columns' labels and
units, the modelling choices' names and rank intervals, all from the catalogue of
:mod:`pra_lib.publishing.i18n`. The option labels of the sensitivity tables are data in
English (:func:`pra_lib.focus_areas.uncertainty_analysis`); :func:`_option_text` shows
one in the report language.
"""

from __future__ import annotations

import numpy as np

from ..publishing.i18n import t as tr  # t names tables in this chapter
from ..publishing.i18n import english, format_number, format_percent
from ._common import EVIDENCE, METHOD_LABELS


# ---------------------------------------------------------------------------
# Numbers and labels
# ---------------------------------------------------------------------------


def _pct(x: float) -> str:
    return format_percent(x)


def _fmt(x: float, digits: int = 1) -> str:
    if x is None or (isinstance(x, float) and np.isnan(x)):
        return tr("common.not_available")
    return format_number(round(float(x), digits))  # at most ``digits`` decimals, no trailing zeros


def _evidence(column: str, field: str) -> str:
    """An evidence column's label, unit, short unit or definition in the report language."""
    if column in EVIDENCE:
        return tr(f"synthesis.evidence.{column}.{field}")
    return column if field == "label" else ""


def _factor_text(factor: str) -> str:
    return tr(f"synthesis.factor_text.{factor}")


def _factor_label(factor: str) -> str:
    return tr(f"synthesis.factor_label.{factor}")


def _method(method: str) -> str:
    return tr(f"synthesis.method.{method}") if method in METHOD_LABELS else str(method)


def _rank_text(low: float, high: float) -> str:
    if np.isnan(low) or np.isnan(high):
        return tr("synthesis.not_ranked")
    return tr("risk.rank_one", rank=int(low)) if low == high else tr("risk.rank_range", low=int(low), high=int(high))


def _option_text(factor: str, option: str, n_runs: int | None = None) -> str:
    """An option label of the sensitivity tables (English data) in the report language; unknown labels as given."""
    if factor in ("normalisation", "aggregation"):
        codes = {label: code for code, label in METHOD_LABELS.items()}
        return _method(codes[option]) if option in codes else option
    if factor == "left_out":
        if option == english("synthesis.option.nothing_left_out"):
            return tr("synthesis.option.nothing_left_out")
        for c in EVIDENCE:
            # the table names the evidence in the report language inside an English phrase
            names = {EVIDENCE[c]["label"].lower(), _evidence(c, "label").lower()}
            if any(option.lower() == english("synthesis.option.leave_out", evidence=name).lower() for name in names):
                return tr("synthesis.option.leave_out", evidence=_evidence(c, "label").lower())
        return option
    if factor == "missing":
        for code in ("missing", "zero"):
            if option == english(f"synthesis.option.missing.{code}"):
                return tr(f"synthesis.option.missing.{code}")
        return option
    if factor == "candidates":
        if option == english("synthesis.option.all_candidates"):
            return tr("synthesis.option.all_candidates")
        before, _, after = english("synthesis.option.without", name="\x00").partition("\x00")
        if option.startswith(before) and option.endswith(after):
            return tr("synthesis.option.without", name=option[len(before):len(option) - len(after)])
        return option
    if factor == "weights" and n_runs is not None and option == english("synthesis.option.dirichlet", n=f"{n_runs:,}"):
        return tr("synthesis.option.dirichlet", n=format_number(n_runs))
    return option
