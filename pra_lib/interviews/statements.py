"""Coded statements of the key-stakeholder interviews, counted.

:func:`interview_summary` (interviewees and statements per stakeholder group),
:func:`interview_codes` (statements and interviewees per code, goal or hazard),
:func:`top_weaknesses` (the most-cited codes, with a quote attributed to a stakeholder
group only) and :func:`code_cooccurrence` (codes raised by the same interviewee). No
respondent id or person is ever named, and a quote is published only after the
privacy screen. The labels the tables carry ("All interviewees",
who said a quote) stay in English, as the rest of the data vocabulary; the findings
translate them.
"""

from __future__ import annotations

import contextlib

import numpy as np
import pandas as pd

from ..overview import group_labels
from ..perception._common import ALL, _as_list, _goal_table, _insert_labels, _round, _sort, _warn
from ..publishing.disclosure import DEFAULT_MIN_CELL_SIZE
from ..publishing.i18n import cell_label, pick_all
from ..publishing.privacy import screen_quote


def _statements(assessment, activity_id: str | None) -> pd.DataFrame:
    st = assessment.interview_statements
    people = assessment.participants.reindex(columns=["respondent_id", "activity_id", "stakeholder_group", "channel"])
    out = st.drop(columns=["source_row"], errors="ignore").merge(people, on="respondent_id", how="left")
    if activity_id is not None:
        known = list(assessment.metadata.activities["activity_id"])
        if activity_id not in known:
            raise ValueError(f"unknown activity {activity_id!r}; the assessment has {', '.join(known)}")
        out = out[out["activity_id"] == activity_id]
    groups = assessment.metadata.stakeholder_groups
    out["group_label"] = out["stakeholder_group"].map(group_labels(assessment.metadata)).fillna(out["stakeholder_group"])
    goals = _goal_table()
    out["goal_label"] = out["goal_id"].map(dict(zip(goals["goal_id"], goals["goal_label"])))
    hz = assessment.hazards
    out["hazard_label"] = out["hazard_id"].map(dict(zip(hz["hazard_id"], pick_all(hz["name_en"], hz["name_id"] if "name_id" in hz else None))))
    out.attrs["category_order"] = {"stakeholder_group": list(groups["stakeholder_group"]), "valence": ["weakness", "strength"]}
    return out.reset_index(drop=True)


def interview_summary(assessment, *, activity_id: str | None = None) -> pd.DataFrame:
    """Interviewees and coded statements per stakeholder group.

    Returns
    -------
    pandas.DataFrame
        ``stakeholder_group``, ``group_label``, ``n`` (interviewees with at least
        one coded statement), ``n_statements``, ``n_weakness``, ``n_strength``, and
        a last row ``"(all)"`` for everyone.

    Examples
    --------
    >>> interview_summary(a, activity_id="questionnaire")  # doctest: +SKIP
    """
    st = _statements(assessment, activity_id)
    order = st.attrs["category_order"]
    labels = dict(zip(st["stakeholder_group"], st["group_label"])) | {ALL: cell_label("perception.all_interviewees")}

    def summary(frame: pd.DataFrame) -> dict:
        return {
            "n": int(frame["respondent_id"].nunique()),
            "n_statements": int(len(frame)),
            "n_weakness": int((frame["valence"] == "weakness").sum()),
            "n_strength": int((frame["valence"] == "strength").sum()),
        }

    rows = [{"stakeholder_group": g, **summary(f)} for g, f in st.groupby("stakeholder_group", sort=False)]
    out = _sort(pd.DataFrame(rows, columns=["stakeholder_group", "n", "n_statements", "n_weakness", "n_strength"]), ["stakeholder_group"], order)
    out = pd.concat([out, pd.DataFrame([{"stakeholder_group": ALL, **summary(st)}])], ignore_index=True)
    out.insert(1, "group_label", out["stakeholder_group"].map(labels))
    return _round(out)


def interview_codes(assessment, *, level: str = "code", by: str | None = None, activity_id: str | None = None) -> pd.DataFrame:
    """Coded interview statements counted by code, goal or hazard, and valence.

    Parameters
    ----------
    assessment : Assessment
        A loaded assessment.
    level : {"code", "goal", "hazard"}
        Count per thematic code (with its goal and hazard), per CRF goal, or per
        shock or stress.
    by : {"stakeholder_group", None}
        Also split by the interviewees' stakeholder group.
    activity_id : str, optional
        Keep the interviews of this activity (interviewees are participants of it).

    Returns
    -------
    pandas.DataFrame
        The level's columns (``code``, ``goal_id``, ``goal_label``, ``hazard_id``,
        ``hazard_label``), ``valence``, the ``by`` columns (with ``group_label``),
        ``n_statements``, ``n`` (distinct interviewees, the count suppression reads)
        and ``share_of_interviewees`` (of the interviewees in the same group).
        No respondent id or quote is included.

    Examples
    --------
    >>> interview_codes(a, level="goal", by="stakeholder_group")  # doctest: +SKIP
    """
    if level not in ("code", "goal", "hazard"):
        raise ValueError(f"level must be 'code', 'goal' or 'hazard', not {level!r}")
    by_cols = _as_list(by)
    st = _statements(assessment, activity_id)
    keys = {"code": ["code", "goal_id", "hazard_id"], "goal": ["goal_id"], "hazard": ["hazard_id"]}[level]
    if level != "code":
        st = st[st[keys[0]].notna()]
    group_keys = [*keys, "valence", *by_cols]
    g = st.groupby(group_keys, sort=False, dropna=False)
    out = g.agg(n_statements=("statement_id", "size"), n=("respondent_id", "nunique")).reset_index()
    base = st.groupby(by_cols, sort=False)["respondent_id"].nunique() if by_cols else st["respondent_id"].nunique()
    if by_cols:
        out["_base"] = out.set_index(by_cols).index.map(base).to_numpy()
    else:
        out["_base"] = base
    with np.errstate(invalid="ignore", divide="ignore"):
        out["share_of_interviewees"] = out["n"] / out["_base"].replace(0, np.nan)
    goals = _goal_table()
    hz = assessment.hazards
    if "goal_id" in out:
        out.insert(out.columns.get_loc("goal_id") + 1, "goal_label", out["goal_id"].map(dict(zip(goals["goal_id"], goals["goal_label"]))))
    if "hazard_id" in out:
        out.insert(out.columns.get_loc("hazard_id") + 1, "hazard_label", out["hazard_id"].map(dict(zip(hz["hazard_id"], hz["name_en"]))))
    out = out.drop(columns="_base")
    order = st.attrs["category_order"]
    # Largest first; once suppressed, the report lists hidden rows last in key order
    # (Report.table's hidden_last), so no row's place ranks a hidden count.
    out = out.sort_values(["n", "n_statements"], ascending=False, kind="stable")
    out = _sort(out, ["valence", *by_cols], order)
    labels = {"stakeholder_group": ("group_label", dict(zip(st["stakeholder_group"], st["group_label"])))} if by_cols else {}
    return _round(_insert_labels(out, labels))


def top_weaknesses(assessment, *, k: int = 5, activity_id: str | None = None, valence: str = "weakness", min_group_size: int = DEFAULT_MIN_CELL_SIZE) -> pd.DataFrame:
    """The most-cited weaknesses (or strengths) in the interviews, with a quote.

    Codes are ranked by the number of interviewees who raised them, then by the number
    of statements.  The quote shown is the code's most frequent verbatim excerpt that may
    be published: it is attributed only to a stakeholder group, and it is withheld when
    the code was raised by fewer than ``min_group_size`` interviewees, when its author's
    group counts fewer, or when it may hold personal data or name a person (see
    :func:`pra_lib.publishing.privacy.screen_quote`); ``quote_withheld`` then says why.

    Parameters
    ----------
    assessment : Assessment
        A loaded assessment.
    k : int or None
        Number of codes (``None``: every code, the full ranked list from which
        :func:`publish_top_codes` picks the top among published rows).
    activity_id : str, optional
        Keep the interviews of this activity.
    valence : {"weakness", "strength"}
        Rank weaknesses or strengths.
    min_group_size : int
        Smallest group a quote may be attributed to.

    Returns
    -------
    pandas.DataFrame
        ``rank``, ``code``, ``goal_id``, ``goal_label``, ``hazard_id``,
        ``hazard_label``, ``n_statements``, ``n`` (interviewees),
        ``share_of_interviewees``, ``quote``, ``quote_from`` (e.g. "an
        interviewee from Government", or why the quote was withheld) and
        ``quote_withheld`` (``"small group"``, ``"personal data"``, ``"may name a
        person"``, or empty when the quote is published).

    Examples
    --------
    >>> top_weaknesses(a, k=3)["code"].tolist()  # doctest: +SKIP
    ['inter-agency coordination', 'clean water access', 'traffic congestion']
    """
    if valence not in ("weakness", "strength"):
        raise ValueError(f"valence must be 'weakness' or 'strength', not {valence!r}")
    if k is not None and int(k) < 1:
        raise ValueError(f"k must be at least 1, not {k!r}")
    st = _statements(assessment, activity_id)
    st = st[st["valence"] == valence]
    columns = ["rank", "code", "goal_id", "goal_label", "hazard_id", "hazard_label", "n_statements", "n", "share_of_interviewees", "quote", "quote_from", "quote_withheld"]
    if st.empty:
        _warn(f"top_weaknesses: no statement is coded as a {valence}")
        return pd.DataFrame(columns=columns)
    total = _statements(assessment, activity_id)["respondent_id"].nunique()
    group_size = _statements(assessment, activity_id).groupby("group_label")["respondent_id"].nunique()
    g = st.groupby("code", sort=False)
    out = pd.DataFrame(
        {
            "n_statements": g.size(),
            "n": g["respondent_id"].nunique(),
            "goal_id": g["goal_id"].agg(lambda s: s.mode().iloc[0] if s.notna().any() else None),
            "hazard_id": g["hazard_id"].agg(lambda s: s.mode().iloc[0] if s.notna().any() else None),
        }
    ).reset_index()
    out = out.sort_values(["n", "n_statements", "code"], ascending=[False, False, True], kind="stable").head(len(g) if k is None else int(k)).reset_index(drop=True)
    out["rank"] = np.arange(1, len(out) + 1)
    out["share_of_interviewees"] = out["n"] / total
    goals = _goal_table()
    out["goal_label"] = out["goal_id"].map(dict(zip(goals["goal_id"], goals["goal_label"])))
    out["hazard_label"] = out["hazard_id"].map(dict(zip(assessment.hazards["hazard_id"], assessment.hazards["name_en"])))
    quotes, sources, withheld = [], [], []
    for code, n_code in zip(out["code"], out["n"]):
        said = st[(st["code"] == code) & st["quote"].notna() & (st["quote"].astype(str).str.strip() != "")].sort_values("statement_id")
        quote, source, reason = _publishable_quote(said, n_code=int(n_code), group_size=group_size, min_group_size=min_group_size)
        quotes.append(quote)
        sources.append(source)
        withheld.append(reason)
    out["quote"] = quotes
    out["quote_from"] = sources
    out["quote_withheld"] = withheld
    return _round(out[columns])


# Why a quote was withheld (``quote_withheld``), and the key of the label its ``quote_from`` shows.
_WITHHELD_LABELS = {
    "small group": "small",
    "personal data": "personal",
    "may name a person": "person",
}


def _publishable_quote(said: pd.DataFrame, *, n_code: int, group_size: pd.Series, min_group_size: int) -> tuple:
    """The code's most frequent quote that may be published: (quote, quote_from, why withheld).

    A quote is the respondent's own words: it is published only when the code was raised by
    at least ``min_group_size`` interviewees (else its count is hidden, and a verbatim quote
    would speak for one person), its author's group reaches ``min_group_size``, and the
    privacy screen finds no personal data or name in it
    (:func:`pra_lib.publishing.privacy.screen_quote`). Otherwise the next most frequent
    quote of the code is tried; when none passes, the first reason is given.
    """
    if said.empty:
        return None, None, None
    first_reason = None
    counts = said["quote"].value_counts(sort=True)
    for text in counts.index[counts.to_numpy() > 0]:  # a categorical column also counts absent quotes
        author = said[said["quote"] == text].iloc[0]
        size = int(group_size.get(author["group_label"], 0))
        if n_code < min_group_size:
            quote, reason = None, "small group"
        else:
            quote, reason = screen_quote(text, group_size=size, min_cell_size=min_group_size)
        if quote is not None:
            return quote, cell_label("perception.quote_from", group=author["group_label"]), None
        first_reason = first_reason or reason
        if reason == "small group" and n_code < min_group_size:
            break  # no other quote of this code can do better
    label = cell_label("perception.quote_withheld", reason=cell_label(f"perception.withheld.{_WITHHELD_LABELS[first_reason]}", size=min_group_size))
    return None, label, first_reason


def code_cooccurrence(assessment, *, activity_id: str | None = None, valence: str | None = None) -> pd.DataFrame:
    """Pairs of codes raised by the same interviewee.

    Parameters
    ----------
    assessment : Assessment
        A loaded assessment.
    activity_id : str, optional
        Keep the interviews of this activity.
    valence : {"weakness", "strength"}, optional
        Keep only weaknesses or strengths.

    Returns
    -------
    pandas.DataFrame
        One row per unordered pair of codes (``code_a`` before ``code_b`` in
        alphabetical order): ``n`` (interviewees who raised both),
        ``n_a``, ``n_b`` and ``jaccard`` (``n / (n_a + n_b - n)``).  All pairs are
        listed, also those never raised together (``n = 0``).

    Examples
    --------
    >>> code_cooccurrence(a).sort_values("n").tail(1)  # doctest: +SKIP
    """
    st = _statements(assessment, activity_id)
    if valence is not None:
        st = st[st["valence"] == valence]
    cols = ["code_a", "code_b", "n", "n_a", "n_b", "jaccard"]
    if st.empty:
        return pd.DataFrame(columns=cols)
    incidence = pd.crosstab(st["respondent_id"], st["code"]).clip(upper=1)
    per_code = incidence.sum(axis=0)
    codes = sorted(per_code.index)  # in code order: an order by count would rank the counts a pair hides
    incidence = incidence[codes]
    both = incidence.T @ incidence
    ia, ib = np.triu_indices(len(codes), 1)
    out = pd.DataFrame(
        {
            "code_a": [codes[i] for i in ia],
            "code_b": [codes[j] for j in ib],
            "n": both.to_numpy()[ia, ib].astype(int),
            "n_a": per_code[codes].to_numpy()[ia].astype(int),
            "n_b": per_code[codes].to_numpy()[ib].astype(int),
        }
    )
    out["jaccard"] = out["n"] / (out["n_a"] + out["n_b"] - out["n"])
    return _round(out[cols])


# The interview report (02) and the reports that count interviewees again (06 and 08's evidence
# trail) run in their own kernels; they agree on which goal lines are hidden because both get
# them from publish_goal_lines, with the same inputs.
GOAL_LINE_DIMS = ["goal_id", "valence"]


def publish_goal_lines(report, assessment, *, activity_id: str | None = None) -> pd.DataFrame:
    """Publish ``statements_by_goal`` as the interview report does, its suppression linked with the groups'.

    The interviewees naming each goal (``statements_by_goal``) and the same per stakeholder
    group (``statements_by_goal_and_group``) count the same people, so their suppression is
    chosen together (:meth:`~pra_lib.publishing.report.Report.link_tables`) before the first
    table; the statements say which sums count people, and the statements per group and
    valence (the interviewees table) publish the sums over goals in another unit. A group's
    cells are at most its interviewees (the interviewees table's counts), as a reader takes
    them.

    Parameters
    ----------
    report : Report
        The report to publish to (its plan and ``min_cell_size`` decide the suppression).
    assessment : Assessment
        The report's assessment (``report.assessment``, small categories merged).
    activity_id : str, optional
        The activity whose interviews are counted (default: the report's).

    Returns
    -------
    pandas.DataFrame
        ``statements_by_goal`` as published, with ``suppressed`` and ``suppression``.

    Examples
    --------
    >>> goal_lines = publish_goal_lines(report, report.assessment, activity_id="questionnaire")  # doctest: +SKIP
    """
    from ..publishing.disclosure import interviewees
    from ..publishing.disclosure_linked import AT_MOST

    activity_id = activity_id or report.activity_id
    interviewed = interviewees(activity_id)
    by_goal = interview_codes(assessment, level="goal", activity_id=activity_id)
    by_goal_and_group = interview_codes(assessment, level="goal", by="stakeholder_group", activity_id=activity_id)
    # A reader bounds a group's cell by the group's interviewees, which the interviewees
    # table counts (published there, or hidden: the true size is then the safe bound).
    sizes = interview_summary(assessment, activity_id=activity_id).set_index("stakeholder_group")["n"]
    by_group_bounded = by_goal_and_group.assign(**{AT_MOST: by_goal_and_group["stakeholder_group"].map(sizes).astype("float64")})
    report.link_tables({"statements_by_goal": by_goal, "statements_by_goal_and_group": by_group_bounded}, measure="interviewees_by_goal", activity_id=interviewed,
                       dims={"statements_by_goal": GOAL_LINE_DIMS, "statements_by_goal_and_group": [*GOAL_LINE_DIMS, "stakeholder_group"]},
                       people=assessment.interview_statements, published=[["valence", "stakeholder_group"], ["valence"]])
    return report.table(by_goal, "statements_by_goal", activity_id=interviewed, dims=GOAL_LINE_DIMS, measure="interviewees_by_goal", other_counts={"n_statements": None},
                        hidden_last=["valence"], hidden_keys=["goal_id"])


#: The row flag of the interviewees table: the row's statement counts are withheld (empty).
STATEMENTS_WITHHELD = "statements_withheld"
#: A row's statement counts, withheld together: they add up (all = weaknesses + strengths).
STATEMENT_COLUMNS = ("n_statements", "n_weakness", "n_strength")
VALENCES = ("weakness", "strength")


def _narrowed(hidden: pd.DataFrame, sizes: dict, *, min_cell_size: int) -> set:
    """The groups of the hidden cells that share one known sum of statements and are narrowed by it.

    ``hidden`` holds hidden cells whose statements a reader knows only together (``_statements``
    their true sum), such as a group's hidden cells of one valence when its statements per
    valence are published. A hidden cell's interviewees are at least 1 and at most its
    statements, and every other cell holds at least 1 statement (a ``complementary`` one,
    labelled at least ``min_cell_size`` interviewees, at least that many), so a cell holds
    at most the sum less those. A cell of a group of s interviewees must keep
    ``min(min_cell_size, s - 1)`` values above its lowest (the attack's protection interval)
    and, when ``primary``, every value 1 .. min(k - 1, s) that its label leaves it."""
    k, out = min_cell_size, set()
    total, complementary = float(hidden["_statements"].sum()), int(hidden["_complementary"].sum())
    for group, is_complementary in zip(hidden["stakeholder_group"], hidden["_complementary"]):
        size = sizes.get(group, np.inf)
        most = total - (len(hidden) - 1)  # the others at least 1 each
        labelled = most - (k - 1) * (complementary - int(is_complementary))  # complementary others at least k
        if min(most, size) - 1 < min(k, size - 1) or (not is_complementary and labelled < min(k - 1, size)):
            out.add(group)
    return out


def _cell_frame(cells: pd.DataFrame) -> pd.DataFrame:
    hidden = cells["suppressed"].astype(bool).to_numpy()
    return pd.DataFrame({"goal_id": cells["goal_id"].astype(str).to_numpy(), "valence": cells["valence"].astype(str).to_numpy(),
                         "stakeholder_group": cells["stakeholder_group"].astype(str).to_numpy(), "_hidden": hidden,
                         "_complementary": hidden & cells["suppression"].astype(str).eq("complementary").to_numpy(),
                         "_statements": pd.to_numeric(cells["true_statements"], errors="coerce").fillna(0).to_numpy()})


def withhold_group_statements(summary: pd.DataFrame, *, cells: pd.DataFrame, lines: pd.DataFrame | None = None, min_cell_size: int = DEFAULT_MIN_CELL_SIZE) -> pd.DataFrame:
    """The interviewees table with the statement counts that would narrow a hidden goal cell withheld.

    A group's statements per valence (``n_weakness``, ``n_strength``) less those of its
    published cells in ``statements_by_goal_and_group`` are what its hidden cells there hold;
    interviewees naming a goal made a statement on it each, so every hidden cell is at most
    that remainder less one per other hidden cell (academia's 5 strength statements over its
    three hidden strength cells on the sample: each at most 3, where its group of 5 must keep
    1 to 5). Such a group's ``n_statements``, ``n_weakness`` and ``n_strength`` are withheld
    together (they add up) and its row is flagged :data:`STATEMENTS_WITHHELD`. The row for
    everyone less the published groups gives the withheld groups' sum per valence, so the
    withheld groups and those the table hides must protect their hidden cells together, and
    never one alone: while they do not, another group with hidden cells is withheld, the one
    with the fewest statements that makes them safe (a group with no hidden cell would add
    nothing: its totals are the sums of its published cells). This holds with no group
    withheld too: everyone's row less the published groups gives the hidden groups' sum. When
    no group with hidden cells is left to add, everyone's statements of the valences that
    still narrow a cell (its ``n_strength`` when none does, for a group withheld alone) and
    ``n_statements`` are withheld instead (a group withheld alone then has only its other
    valence given back, which narrows none of its cells).

    Everyone's statements per valence less the published goal lines' (``lines``,
    ``statements_by_goal``) are what the hidden lines' hidden cells hold (a generated run's
    2 strength statements, both in G06 as a strength, hidden with its two groups: 1 each).
    Where that narrows a cell, everyone's ``n_strength`` and ``n_statements`` are withheld,
    with a group whose strength statements would otherwise give them back. Everyone's
    ``n_weakness`` is kept where it narrows nothing, as the focus-area reports divide by it
    (interview salience); where it would narrow a hidden cell (less the published lines, or
    less the published groups with no group left to withhold) it is withheld too, with
    ``n_statements`` (they add up) and with a group whose weakness statements would give it
    back, and the focus-area reports then withhold their shares of it
    (:func:`weakness_total_withheld` gives them the same decision). No valid assessment
    stops the report.

    Parameters
    ----------
    summary : DataFrame
        The interviewees table as protected (:func:`interview_summary` through
        :meth:`~pra_lib.publishing.report.Report.protect`): ``stakeholder_group``, ``n``, the
        statement counts, ``suppressed`` and ``suppression``.
    cells : DataFrame
        ``statements_by_goal_and_group`` as it is published (``goal_id``, ``valence``,
        ``stakeholder_group``, ``suppressed``, ``suppression``), with each cell's true
        ``n_statements`` in ``true_statements``.
    lines : DataFrame, optional
        ``statements_by_goal`` as published (``goal_id``, ``valence``, ``suppressed``); without
        it everyone's statements are not checked.
    min_cell_size : int
        The run's ``--min-cell-size``.

    Returns
    -------
    pandas.DataFrame
        A copy of ``summary``: the statement counts of the withheld rows empty, and
        ``statements_withheld`` (True for a row with any of them withheld).

    Raises
    ------
    ValueError
        A missing column.

    Examples
    --------
    >>> summary = pd.DataFrame({"stakeholder_group": ["a", "b", "(all)"], "n": [5, 7, 12], "n_statements": [9, 10, 19],
    ...                         "n_weakness": [4, 6, 10], "n_strength": [5, 4, 9], "suppressed": False, "suppression": ""})
    >>> cells = pd.DataFrame({"goal_id": ["G1", "G2", "G1", "G2"], "valence": "strength", "stakeholder_group": ["a", "a", "b", "b"],
    ...                       "suppressed": True, "suppression": "primary", "true_statements": [2, 3, 2, 2]})
    >>> withhold_group_statements(summary, cells=cells)[["stakeholder_group", "n_strength", "statements_withheld"]].values.tolist()
    [['a', <NA>, True], ['b', <NA>, True], ['(all)', 9, False]]
    """
    for column in ("stakeholder_group", "n", "suppressed", *STATEMENT_COLUMNS):
        if column not in summary:
            raise ValueError(f"the interviewees table has no {column!r} column")
    for column in ("goal_id", "valence", "stakeholder_group", "suppressed", "suppression", "true_statements"):
        if column not in cells:
            raise ValueError(f"the cells by goal and group have no {column!r} column (true_statements: each cell's statements before suppression)")
    if lines is not None and not {"goal_id", "valence", "suppressed"} <= set(lines.columns):
        raise ValueError("the goal lines need goal_id, valence and suppressed columns")
    k = min_cell_size
    work = _cell_frame(cells)
    hidden = work[work["_hidden"]]
    groups = summary[summary["stakeholder_group"].ne(ALL)]
    shown = groups[~groups["suppressed"].astype(bool)]
    sizes = {str(g): float(n) for g, n in zip(shown["stakeholder_group"], pd.to_numeric(shown["n"], errors="coerce")) if n == n}
    published = [str(g) for g in shown["stakeholder_group"]]
    table_hidden = [str(g) for g in groups.loc[groups["suppressed"].astype(bool), "stakeholder_group"]]
    statements = dict(zip(shown["stakeholder_group"].astype(str), pd.to_numeric(shown["n_statements"], errors="coerce")))
    everyone = summary[summary["stakeholder_group"].eq(ALL)]
    everyone_known = bool(len(everyone)) and not bool(everyone["suppressed"].astype(bool).iloc[0])

    # Everyone's statements per valence over the hidden lines' hidden cells.
    everyone_withheld = set()
    if lines is not None and everyone_known:
        gone = set(zip(lines.loc[lines["suppressed"].astype(bool), "goal_id"].astype(str), lines.loc[lines["suppressed"].astype(bool), "valence"].astype(str)))
        in_gone = np.array([(g, v) in gone for g, v in zip(hidden["goal_id"], hidden["valence"])], dtype=bool)
        for valence in VALENCES:
            mine = hidden[in_gone & hidden["valence"].eq(valence).to_numpy()]
            if len(mine) and _narrowed(mine, sizes, min_cell_size=k):
                everyone_withheld.add(valence)
    tied = [v for v in VALENCES if everyone_known and v not in everyone_withheld]

    def narrowed(pool, valences) -> bool:
        return any(_narrowed(hidden[hidden["valence"].eq(v) & hidden["stakeholder_group"].isin(list(pool))], sizes, min_cell_size=k) for v in valences)

    def exposed(pool) -> bool:
        pool = [*pool, *table_hidden]
        return narrowed(pool, tied) or (len(pool) == 1 and bool(tied))

    def candidates(pool, valence=None):
        have = set(hidden.loc[hidden["valence"].eq(valence), "stakeholder_group"]) if valence else set(hidden["stakeholder_group"])
        return sorted((g for g in published if g not in pool and g in have), key=lambda g: (statements.get(g, 0), published.index(g)))

    withheld = {g for g in published if narrowed([g], VALENCES)}
    # Also with none withheld: everyone's row less the published groups gives the hidden groups' sum.
    while exposed(withheld):
        more = candidates(withheld)
        if not more:
            # Every group with a hidden cell is withheld or hidden, and together they still give
            # their cells back: everyone's statements of each valence that narrows go too (its
            # strengths when none does, for one group alone; its weaknesses only where they narrow:
            # the focus-area reports divide by them).
            pool = sorted({*withheld, *table_hidden})
            everyone_withheld.update([v for v in tied if narrowed(pool, [v])] or ["strength"])
            tied = [v for v in tied if v not in everyone_withheld]
            break  # one group alone: its other valence comes back from everyone's, but narrows none of its cells
        helps = [g for g in more if not exposed(withheld | {g})]
        withheld.add(helps[0] if helps else more[0])
    for valence in (v for v in VALENCES if v in everyone_withheld):  # in one order: the companion chosen is the same in every process
        # everyone's total would come back as the sum of the groups' unless one with hidden cells of it is withheld
        if not set(hidden.loc[hidden["valence"].eq(valence), "stakeholder_group"]) & (withheld | set(table_hidden)):
            more = candidates(withheld, valence)
            if more:
                withheld.add(more[0])
    out = summary.copy()
    for column in STATEMENT_COLUMNS:
        if pd.api.types.is_integer_dtype(out[column]):
            out[column] = out[column].astype("Int64")
    rows = out["stakeholder_group"].astype(str).isin(withheld).to_numpy()
    out.loc[rows, list(STATEMENT_COLUMNS)] = pd.NA
    if everyone_withheld:
        all_row = out["stakeholder_group"].eq(ALL).to_numpy()
        out.loc[all_row, ["n_statements", *(f"n_{v}" for v in everyone_withheld)]] = pd.NA
        rows = rows | all_row
    out[STATEMENTS_WITHHELD] = rows
    return out


# How the interview report publishes the interviewees table (:func:`publish_interviewees`):
# interviewees per stakeholder group, and their statements, which count no people.
_INTERVIEWEES_OPTIONS = dict(dims=["stakeholder_group"], measure="interviewees", other_counts={"n_statements": None, "n_weakness": None, "n_strength": None})


def _statements_decided(report, assessment, protected: pd.DataFrame, *, activity_id: str) -> pd.DataFrame:
    """The interviewees table ``protected`` with its statement counts withheld as the interview report withholds them.

    The one decision of :func:`publish_interviewees` and :func:`weakness_total_withheld`: the
    goal cells by group and the goal lines as ``report`` publishes them (its linked
    suppression chosen first, by :func:`publish_goal_lines`), then
    :func:`withhold_group_statements`; indexed by ``stakeholder_group``.
    """
    from ..publishing.disclosure import interviewees

    interviewed = interviewees(activity_id)
    by_group = interview_codes(assessment, level="goal", by="stakeholder_group", activity_id=activity_id)
    cells = report.protect(by_group, "statements_by_goal_and_group", activity_id=interviewed, dims=[*GOAL_LINE_DIMS, "stakeholder_group"], measure="interviewees_by_goal")
    truth = by_group.set_index([*GOAL_LINE_DIMS, "stakeholder_group"])["n_statements"]
    cells = cells.assign(true_statements=cells.set_index([*GOAL_LINE_DIMS, "stakeholder_group"]).index.map(truth).to_numpy())
    by_goal = interview_codes(assessment, level="goal", activity_id=activity_id)
    lines = report.protect(by_goal, "statements_by_goal", activity_id=interviewed, dims=GOAL_LINE_DIMS, measure="interviewees_by_goal")
    return withhold_group_statements(protected, cells=cells, lines=lines, min_cell_size=report.min_cell_size).set_index("stakeholder_group")


def publish_interviewees(report, assessment, *, activity_id: str | None = None, dry_run: bool = False) -> pd.DataFrame:
    """Publish the ``interviewees`` table as the interview report does (or return it, for a dry run).

    Interviewees and their coded statements per stakeholder group, with a row for everyone
    (:func:`interview_summary`), counted among the interviewees of ``activity_id``
    (:func:`~pra_lib.publishing.disclosure.interviewees`, planned on their own: a small
    group is hidden with what protects it). A row's statement counts that would narrow a
    hidden cell of ``statements_by_goal_and_group`` (its suppression as the report publishes
    it: call :func:`publish_goal_lines` first, or a ``ValueError`` says so) are withheld and
    the row flagged ``statements_withheld`` (:func:`withhold_group_statements`), everyone's
    row too where its totals would narrow one (its weaknesses then also in the focus-area
    reports' shares: :func:`weakness_total_withheld`).

    Parameters
    ----------
    report : Report
        The report to publish to (its plan and ``min_cell_size`` decide the suppression).
    assessment : Assessment
        The report's assessment (``report.assessment``, small categories merged).
    activity_id : str, optional
        The activity whose interviews are counted (default: the report's).
    dry_run : bool
        Return the table as :meth:`~pra_lib.publishing.report.Report.protect` gives it,
        writing and declaring nothing: another report (the overview, 00) reads which groups
        the interview report hides. Its interviewees and their suppression are the
        published ones; its statement counts are not withheld (that needs the interview
        report's linked goal lines).

    Returns
    -------
    pandas.DataFrame
        The table as published: ``stakeholder_group``, ``group_label``, ``n``,
        ``n_statements``, ``n_weakness``, ``n_strength``, ``statements_withheld`` (not in a
        dry run), ``suppressed`` and ``suppression``.

    Raises
    ------
    ValueError
        Not a dry run, and the goal lines' linked suppression not chosen yet (no
        :func:`publish_goal_lines` on ``report``).

    Examples
    --------
    >>> summary = publish_interviewees(report, report.assessment, activity_id="questionnaire")  # doctest: +SKIP
    >>> hidden = publish_interviewees(overview_report, overview_report.assessment, activity_id="questionnaire", dry_run=True)  # doctest: +SKIP
    """
    from ..publishing.disclosure import interviewees

    activity_id = activity_id or report.activity_id
    interviewed = interviewees(activity_id)
    summary = interview_summary(assessment, activity_id=activity_id)
    options = dict(_INTERVIEWEES_OPTIONS, activity_id=interviewed)
    protected = report.protect(summary, "interviewees", **options)
    if dry_run:
        return protected
    linked = report.linked
    if not ("statements_by_goal" in report.tables or (interviewed, "interviewees_by_goal", "statements_by_goal_and_group") in report.margins
            or (len(linked) and (linked["activity_id"].eq(interviewed) & linked["measure"].eq("interviewees_by_goal")).any())):
        # without the linked decision, the cells below would be suppressed on their own, not as published
        raise ValueError("publish_interviewees needs the goal lines' linked suppression: call publish_goal_lines(report, assessment, "
                         f"activity_id={activity_id!r}) first, or pass dry_run=True to read only the interviewees' suppression")
    decided = _statements_decided(report, assessment, protected, activity_id=activity_id)
    # The decision applied to the table before protection, which Report.table then applies again alike.
    out = summary.copy()
    for column in STATEMENT_COLUMNS:
        known = out["stakeholder_group"].map(decided[column]) if len(decided) else out[column]
        out[column] = out[column].astype("Int64").mask(known.isna() & out["stakeholder_group"].isin(decided.index[decided[STATEMENTS_WITHHELD]]))
    out[STATEMENTS_WITHHELD] = out["stakeholder_group"].map(decided[STATEMENTS_WITHHELD]).fillna(False).astype(bool)
    return report.table(out, "interviewees", **options, columns=list(STATEMENT_COLUMNS))


def publish_top_codes(report, assessment, *, codes: pd.DataFrame, k: int = 5, valence: str = "weakness", activity_id: str | None = None, min_group_size: int = DEFAULT_MIN_CELL_SIZE) -> pd.DataFrame:
    """Publish the top ``k`` weaknesses or strengths among the codes that ``codes`` publishes.

    A top-k list hides nothing of its own: a code hidden in the published ``codes`` table
    (small, hidden to protect another, or in a hidden goal line) is left out, and so is every
    code of fewer than ``min_cell_size`` interviewees; the top ``k`` of the rest are ranked
    1..m without gaps (:func:`~pra_lib.publishing.row_order.top_published`), so no rank counts
    a hidden code above it and a count published in ``codes`` is never hidden here. The
    list's sum over codes counts no people (one interviewee raises several codes) and is not
    published, so it is protected by no complementary cell.

    Parameters
    ----------
    report : Report
        The interview report.
    assessment : Assessment
        The report's assessment (small categories merged).
    codes : DataFrame
        The ``codes`` table as published (``code``, ``valence``, ``suppressed``).
    k, valence, activity_id, min_group_size
        As for :func:`top_weaknesses`.

    Returns
    -------
    pandas.DataFrame
        The published list: the columns of :func:`top_weaknesses`, ``suppressed`` and
        ``suppression``.

    Examples
    --------
    >>> weaknesses = publish_top_codes(report, report.assessment, codes=codes, k=5)  # doctest: +SKIP
    """
    from ..publishing.disclosure import interviewees
    from ..publishing.row_order import top_published

    activity_id = activity_id or report.activity_id
    full = top_weaknesses(assessment, k=None, activity_id=activity_id, valence=valence, min_group_size=min_group_size)
    shown = codes[codes["valence"] == valence]
    hidden_codes = set(shown.loc[shown["suppressed"].astype(bool), "code"]) | (set(full["code"]) - set(shown["code"]))
    name = "top_weaknesses" if valence == "weakness" else "top_strengths"
    options = dict(activity_id=interviewees(activity_id), measure=f"interviewees_by_code_{valence}", dims=["code"], other_counts={"n_statements": None}, margins=[])
    would = report.protect(full, name, hidden_with=full["code"].isin(hidden_codes), **options)
    top = top_published(full, published=would, k=k)
    return report.table(top, name, hidden_with=top["code"].isin(hidden_codes), **options)


def hidden_goal_lines(assessment, *, min_cell_size: int = DEFAULT_MIN_CELL_SIZE, small_categories: str | None = None, activity_id: str = "questionnaire") -> pd.DataFrame:
    """The goal lines (goal and valence) that the interview report hides, worked out without it.

    Another report counting the same interviewees (the focus areas' evidence trail) must hide
    what counts a hidden line's people again, such as a line's only code. The lines come from
    :func:`publish_goal_lines` on a report of the same options written to a scratch folder
    that is removed afterwards, so they are exactly those the interview report publishes as
    hidden; nothing it would display is shown.

    Parameters
    ----------
    assessment : Assessment
        The assessment as loaded (before small categories are merged), as the interview
        report's ``Report`` receives it.
    min_cell_size, small_categories : int, str
        The run's options (``small_categories`` default: the project's).
    activity_id : str
        The interview report's activity (its ``activity_id`` parameter).

    Returns
    -------
    pandas.DataFrame
        One row per hidden line: ``goal_id``, ``valence`` and ``suppression`` (``primary``
        or ``complementary``).

    Examples
    --------
    >>> hidden_goal_lines(load_assessment("data/sample"), min_cell_size=5)[["goal_id", "valence"]].values.tolist()  # doctest: +SKIP
    [['G06', 'strength'], ['G09', 'strength'], ['G12', 'weakness']]
    """
    with _scratch_report(assessment, min_cell_size=min_cell_size, small_categories=small_categories, activity_id=activity_id) as report:
        lines = publish_goal_lines(report, report.assessment, activity_id=activity_id)
    flags = lines["suppressed"].astype(bool)
    out = lines.loc[flags, [*GOAL_LINE_DIMS, "suppression"]].astype({"goal_id": str, "valence": str})
    return out.sort_values(GOAL_LINE_DIMS, kind="stable").reset_index(drop=True)


@contextlib.contextmanager
def _scratch_report(assessment, *, min_cell_size: int, small_categories: str | None, activity_id: str):
    """A report of the interview report's options in a scratch folder removed afterwards, displaying nothing."""
    import tempfile

    from ..publishing import report as report_module
    from ..publishing.disclosure import DEFAULT_SMALL_CATEGORIES

    options = {"min_cell_size": min_cell_size, "small_categories": small_categories or DEFAULT_SMALL_CATEGORIES, "activity_id": activity_id}
    try:  # in a notebook: what the scratch report would display stays out of the calling report
        from IPython.utils.capture import capture_output
    except ImportError:  # pragma: no cover - IPython comes with the notebooks' dependencies
        capture_output = contextlib.nullcontext
    with tempfile.TemporaryDirectory(prefix="pra-interviews-") as scratch, capture_output():
        report = report_module.Report(scratch, assessment=assessment, **options)
        try:
            yield report
        finally:
            # no workbook is due in a folder that is about to go
            report_module._PENDING_WORKBOOKS.pop(report.workbook_path, None)


def weakness_total_withheld(assessment, *, min_cell_size: int = DEFAULT_MIN_CELL_SIZE, small_categories: str | None = None, activity_id: str = "questionnaire") -> bool:
    """Whether the interview report withholds everyone's weakness statements, worked out without it.

    The focus-area reports (06, 08) divide a focus area's or goal's weakness statements by
    everyone's (``interview_salience``), so beside its count a share gives that total back
    (total = count / share). Where the interview report withholds it (it would narrow a
    hidden goal cell: :func:`withhold_group_statements`), they must withhold the shares. The
    decision is the interview report's own: :func:`publish_goal_lines` and the withholding
    of :func:`publish_interviewees`, on a report of the same options written to a scratch
    folder that is removed afterwards (as :func:`hidden_goal_lines`).

    Parameters
    ----------
    assessment : Assessment
        The assessment as loaded (before small categories are merged), as the interview
        report's ``Report`` receives it.
    min_cell_size, small_categories : int, str
        The run's options (``small_categories`` default: the project's).
    activity_id : str
        The interview report's activity (its ``activity_id`` parameter).

    Returns
    -------
    bool
        ``True`` when the interviewees table publishes no ``n_weakness`` for everyone;
        ``False`` too for an assessment without interview statements or without the activity.

    Examples
    --------
    >>> weakness_total_withheld(load_assessment("data/sample"), min_cell_size=5)  # doctest: +SKIP
    False
    """
    from ..publishing.disclosure import interviewees

    if not assessment.has("interview_statements") or activity_id not in set(assessment.metadata.activities["activity_id"]):
        return False  # no interview report to agree with
    with _scratch_report(assessment, min_cell_size=min_cell_size, small_categories=small_categories, activity_id=activity_id) as report:
        publish_goal_lines(report, report.assessment, activity_id=activity_id)
        summary = interview_summary(report.assessment, activity_id=activity_id)
        protected = report.protect(summary, "interviewees", **_INTERVIEWEES_OPTIONS, activity_id=interviewees(activity_id))
        decided = _statements_decided(report, report.assessment, protected, activity_id=activity_id)
    return bool(ALL in decided.index and pd.isna(decided.at[ALL, "n_weakness"]))
