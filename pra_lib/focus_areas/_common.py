"""Shared pieces of the focus-areas chapter: the evidence columns, defaults and small helpers.

A tables module: no figures and no prose. The labels and short texts some tables carry
(the basis of a hazard's risk points, the units and details of the evidence trail, the
options of the sensitivity analysis) are data in English, like the values of the data
vocabulary; figures and findings show them in the report language through
:mod:`pra_lib.focus_areas.findings_text`.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..publishing.i18n import cell_label, english, format_number
from ..stats._base import NoDataWarning
from ..stats.composite import AGGREGATIONS, NORMALISATIONS, check_choice as _check_choice, indicator_columns, indicator_values

#: The evidence columns of :func:`evidence_matrix`: label, unit, and how each is computed.
#: Every column is oriented so that a higher value is a stronger case for the focus area.
EVIDENCE: dict[str, dict[str, str]] = {
    column: {field: english(f"synthesis.evidence.{column}.{field}") for field in ("label", "unit", "short", "how")}
    for column in ("perception_weakness", "linked_risk", "action_gap", "interview_salience")
}
GOAL_EVIDENCE_COLUMNS = ("perception_weakness", "action_gap", "interview_salience")
RISK_SUMMARIES = ("max", "mean")
DEFAULT_CONCENTRATION = 20.0
DEFAULT_TOP_K = 5
DEFAULT_CI = 0.90
STRESS_LIKELIHOOD = 5  # a stress is present now: "almost certain" on the likelihood scale
DEFAULT_ACTIVITIES = {
    "perception": "questionnaire",
    "shocks": "assets_shocks_workshop",
    "stresses": "stresses_session",
    "interviews": "questionnaire",
}
FACTORS = ("normalisation", "aggregation", "weights", "left_out", "alpha", "stress_likelihood", "shift", "missing", "candidates")
#: The options the uncertainty analysis draws for the choices made before the composite:
#: the amplification weight of compound risk, the likelihood given to a stress, the lower
#: bound of min-max normalisation before a geometric mean, and whether a focus area that
#: covers no hazard has missing linked risk (the rule) or zero (the earlier rule).
ALPHAS = (0.0, 0.25, 0.5, 1.0)
STRESS_LIKELIHOODS = (3, 4, 5)
SHIFTS = (0.1, 1.0, 10.0, 25.0)
MISSING_RULES = ("missing", "zero")
MATRIX_MAX = 25.0  # the top cell of the 5 x 5 risk matrix: likelihood 5 x consequence 5
#: What each modelling choice is called in running text and in figure labels (English; the
#: reports show them in their language through the catalogue, see :mod:`pra_lib.publishing.i18n`).
FACTOR_TEXT = {f: english(f"synthesis.factor_text.{f}") for f in FACTORS}
FACTOR_LABELS = {f: english(f"synthesis.factor_label.{f}") for f in FACTORS}
METHOD_LABELS = {m: english(f"synthesis.method.{m}") for m in (*NORMALISATIONS, *AGGREGATIONS)}
_KEYS = ("focus_area_id", "goal_id")
_ID_COLUMNS = ("focus_area_id", "focus_area", "selected", "goal_id", "goal", "dimension_id")
_NONE = "(none)"


def _warn(message: str, category: type[Warning] = RuntimeWarning) -> None:
    warnings.warn(message, category, stacklevel=3)


def _ids(values) -> list[str]:
    """Distinct non-empty ids, in order of first appearance."""
    out: list[str] = []
    for v in values:
        if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA:
            continue
        s = str(v).strip()
        if s and s not in out:
            out.append(s)
    return out


def _truthy(value) -> bool:
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return False
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "yes", "y")
    return bool(value)


def _fmt(x: float, digits: int = 1) -> str:
    """A number as the tables' texts quote it: at most ``digits`` decimals, trailing zeros
    dropped, in the report language's notation (0,25 in Indonesian)."""
    if x is None or (isinstance(x, float) and np.isnan(x)):
        return cell_label("common.not_available")
    return format_number(round(float(x), digits))


def _pct(x: float) -> str:
    return cell_label("common.not_available") if x is None or np.isnan(x) else f"{100 * x:.0f}%"


def _term(value, kind: str):
    """A value of the data vocabulary (a trend, a status) in the report language."""
    if not isinstance(value, str):
        return value
    try:
        return cell_label(f"{kind}.{value}")
    except KeyError:
        return value


def _evidence_label(column: str) -> str:
    """An evidence column's label in the report language (the column name if unknown)."""
    return cell_label(f"synthesis.evidence.{column}.label") if column in EVIDENCE else column


def _method(method: str) -> str:
    return METHOD_LABELS.get(method, str(method))


def _key(frame: pd.DataFrame) -> str | None:
    return next((k for k in _KEYS if k in frame.columns), None)


def _evidence_columns(matrix: pd.DataFrame, columns: Sequence[str] | None) -> list[str]:
    """The evidence columns to use: given, recorded by the matrix, or the known ones present."""
    return indicator_columns(matrix, columns, known=list(EVIDENCE))


def _values(matrix: pd.DataFrame, columns: list[str]) -> np.ndarray:
    return indicator_values(matrix, columns)


def _labels(matrix: pd.DataFrame) -> list[str]:
    """Row labels 'FA2 A culture of preparedness...' (or the goal's), for figures and text."""
    key = _key(matrix)
    if key is None:
        return [str(i) for i in matrix.index]
    name = "focus_area" if key == "focus_area_id" else "goal"
    if name not in matrix:
        return matrix[key].astype(str).tolist()
    return [f"{k} {n}" if pd.notna(n) and str(n) != str(k) else str(k) for k, n in zip(matrix[key], matrix[name])]


def _activity(assessment, wanted: str | None, what: str) -> str | None:
    """An activity id: as given, or the first activity of that type; None (all rows) otherwise."""
    if wanted is None:
        return None
    acts = assessment.metadata.activities
    if wanted in set(acts["activity_id"]):
        return wanted
    typed = acts.loc[acts["activity_type"] == wanted, "activity_id"]
    if len(typed):
        return str(typed.iloc[0])
    # the activity's data are absent (a valid assessment may lack it): a report that says so may ignore this
    _warn(f"{what}: the assessment has no activity {wanted!r}; every row of the table is used", NoDataWarning)
    return None


def _id_frame(matrix: pd.DataFrame) -> pd.DataFrame:
    cols = [c for c in _ID_COLUMNS if c in matrix.columns]
    return matrix[cols].copy() if cols else pd.DataFrame({"row": matrix.index}, index=matrix.index)


#: The columns that count, or are computed from, weakness statements: withheld together
#: where they would give back a goal line the interview report hides.
INTERVIEW_COUNT_COLUMNS = ("n_weakness_statements", "interview_salience")
INTERVIEW_WITHHELD = "interview_withheld"
#: The share of everyone's weakness statements: withheld in every row where the interview
#: report withholds that total (beside a count, count / share would give it back).
SALIENCE = "interview_salience"
#: The flag of a ranking row whose score (and normalised interview evidence) is withheld:
#: its own interview count is, or the normalisation would give another row's back.
SCORE_WITHHELD = "score_withheld"
#: The flag of a goal (almost) everyone answered alike, as the questionnaire report
#: (01) sets it (:func:`pra_lib.publishing.score_disclosure.withhold_answers`).
ANSWERS_WITHHELD = "answers_withheld"
#: The columns computed from a goal's mean performance: withheld with a goal everyone
#: answered alike.
PERCEPTION_COLUMNS = ("mean_performance", "perception_weakness", "action_gap")


def _mark_withheld(table: pd.DataFrame, rows: np.ndarray, columns: Sequence[str], *, flag: str) -> pd.DataFrame:
    """``table`` with ``columns`` empty in ``rows``, and those rows flagged ``flag``.

    One convention for every table of the focus-area reports: a value withheld while its
    row stays published is an empty cell, and the row says why in a yes/no column of its
    own (``interview_withheld``, ``answers_withheld``, ``score_withheld``), which the HTML
    reads as "suppressed". ``suppressed`` / ``suppression`` keep the meaning they have in
    every table of a run: the row's count of people is hidden (``primary`` or
    ``complementary``), decided when the report publishes the table.
    """
    rows = np.asarray(rows, dtype=bool)
    out = table.copy()
    for column in columns:
        if column in out:
            values = out[column]
            # a count stays a whole number with an empty cell, not 4.0
            values = values.astype("Int64") if pd.api.types.is_integer_dtype(values) else values
            out[column] = values.mask(pd.Series(rows, index=values.index))
    before = out[flag].map(_truthy).to_numpy(dtype=bool) if flag in out else np.zeros(len(out), dtype=bool)
    out[flag] = before | rows
    return out
