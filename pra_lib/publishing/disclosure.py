"""Disclosure control: small cells are suppressed before anything is published.

Statistics offices do not publish a cell that rests on fewer than 3, 5 or 10 people, and
they add *complementary* suppression so that a hidden cell cannot be recovered from row or
column totals (method brief, section 6). Every table a report writes passes through
:func:`suppress`.

The rules:

- **One plan for the whole run.** The tables of one assessment are published by several
  notebooks, each in its own kernel, and a reader holds all of them at once (linked
  tables). :func:`plan` decides once, from the assessment alone, which categories of each
  breakdown (stakeholder group, area, channel, workshop table, gender, age band) of each
  activity rest on fewer than ``min_cell_size`` people
  (:mod:`pra_lib.publishing.disclosure_plan`). With ``small_categories="merge"``
  (the default) they are merged into an "other" category before any analysis
  (:func:`merge_small_categories`); with ``"suppress"`` they are hidden in every table
  broken down by that dimension, together with the next-smallest categories of the same
  dimension until the hidden ones add up to a protection interval of at least
  ``min_cell_size`` people. The plan is a pure function of the data and the two options, so
  every notebook of a run hides the same categories.
- **Primary suppression.** A cell with ``0 < n < min_cell_size`` is hidden. Empty cells
  (``n == 0``, and no other count in the row) are not hidden, not even in a category the
  plan hides: they disclose nobody, and a reader may then take every hidden count to be
  at least 1, as the audit does.
- **Complementary suppression.** The totals of a table are assumed public: the grand total,
  and, for a table laid out over ``dims``, every margin that sums over one dimension with
  the others held fixed. Wherever a margin group holds exactly one hidden cell, the
  smallest other non-empty cell in the group is hidden too. The result is then audited
  with linear programming (:func:`audit`), as an attacker who knows every published cell
  and every margin would do; any hidden cell whose value is pinned to a single number, or
  to fewer than ``min_cell_size`` values, gets a further companion: in a margin line whose
  hidden cells, each at least 1, leave it too little room, the smallest cell that widens
  the line; when no one companion helps (each is pinned by its own margins), the rest of
  its smallest margin line is hidden, if that pins no other cell. A line whose cells are
  all hidden under a published total stays as narrow as that total leaves it within its
  table: the total is hidden in the table broken down by fewer dimensions when the two
  are linked (:mod:`pra_lib.publishing.disclosure_linked`, passed here as ``linked``).
- **People with no area and interviewees** are part of the plan: the area category
  :data:`CITYWIDE`, and each activity's interviewees by stakeholder group
  (:func:`interviewees`), so that they are hidden alike in every table.
- **Answers per category** of a published group are withheld when the group answered
  (almost) alike (:func:`protect_distributions`): group attribute disclosure.
- **Typed output.** A hidden value is a missing value (an empty CSV cell), so numeric
  columns stay numeric; the ``suppressed`` column flags the row and ``suppression`` says
  why (``primary``: the cell is small; ``complementary``: hidden to protect another).
  Outcomes that would tell something about a hidden cell (``interpretation``,
  ``significant``, a band, a quote) are hidden with it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

# The run's plan of small categories lives in its own module; its names stay importable
# from here, where the notebooks and chapters have always found them.
from .disclosure_plan import (  # noqa: F401
    BREAKDOWN_DIMENSIONS,
    CITYWIDE,
    COMPLEMENTARY,
    DEFAULT_MIN_CELL_SIZE,
    DEFAULT_SMALL_CATEGORIES,
    DIMENSION_ALIASES,
    INTERVIEW_CHANNEL,
    MERGE,
    OTHER,
    PRIMARY,
    SMALL_CATEGORY_POLICIES,
    SUPPRESS,
    DisclosurePlan,
    interviewees,
    merge_small_categories,
    plan,
)

SMALLEST_SAFE_CELL = 3  # a published count of 1 or 2 can identify a person
SUPPRESSED = "suppressed"
#: Text or yes/no outcomes that say something about the cell they stand in; hidden with it.
OUTCOME_COLUMNS = (
    "interpretation", "significant", "quadrant", "candidate_weakness", "quote", "quote_from", "band",
    "compound_band", "agreement", "reading", "change", "consensus", "settled", "trend", "worsening", "tied_with", "basis", "detail",
)


def suppress(
    data: pd.DataFrame,
    *,
    count: str = "n",
    min_cell_size: int = DEFAULT_MIN_CELL_SIZE,
    columns: list[str] | None = None,
    dims: list[str] | None = None,
    hide=None,
    linked=None, margins=None,
) -> pd.DataFrame:
    """Hide small cells, and the cells needed to protect them, in a table of counts.

    Parameters
    ----------
    data : DataFrame
        A tidy table with one row per cell and a count column.
    count : str
        Name of the column holding the number of people behind each row.
    min_cell_size : int
        Smallest count that may be published.
    columns : list of str, optional
        Statistics to hide together with the count. Defaults to every numeric and yes/no
        column. Outcome columns (:data:`OUTCOME_COLUMNS`, such as ``interpretation``) are
        always hidden with the count.
    dims : list of str, optional
        The columns that lay the table out as a grid (for example ``["activity_id",
        "stakeholder_group"]``). Margins over each of them are treated as public. Without
        ``dims`` the table is one list whose grand total is public.
    hide : array-like of str, optional
        Rows already hidden by the run's plan (:meth:`DisclosurePlan.rows_to_hide`), one
        entry per row: ``"primary"``, ``"complementary"`` or empty.
    linked : array-like of bool, optional
        Rows hidden to protect a cell of another table of the run that counts the same
        people (:func:`pra_lib.publishing.disclosure_linked.link_tables`); they are hidden
        as ``complementary``, and the table's own margins are protected around them. ``margins`` (list of str, optional) names the dims whose sums are public, a reader holding them (published, or a count of people); default every dim and the grand total; ``[]`` for a table none of whose sums counts people or is published.

    Returns
    -------
    DataFrame
        A copy in which hidden values are missing (numeric columns keep a numeric type;
        whole numbers become the nullable ``Int64``), with a boolean ``suppressed`` column
        and a ``suppression`` column (``primary``, ``complementary`` or empty). The input
        is not modified.

    Examples
    --------
    >>> t = pd.DataFrame({"area": ["a", "b", "c"], "n": [12, 2, 9], "mean": [3.1, 4.5, 2.0]})
    >>> out = suppress(t)              # 2 is hidden; so is 9, or 2 = total - 12 - 9
    >>> out["n"].tolist(), out["suppression"].tolist()
    ([12, <NA>, <NA>], ['', 'primary', 'complementary'])
    """
    if isinstance(min_cell_size, bool) or not isinstance(min_cell_size, (int, np.integer)) or min_cell_size < 1:
        raise ValueError(f"min_cell_size must be a whole number of at least 1, not {min_cell_size!r}")
    if count not in data:
        raise KeyError(f"count column {count!r} not in table (columns: {', '.join(map(str, data.columns))})")
    dims = list(dims or [])
    missing = [d for d in dims if d not in data]
    if missing:
        raise KeyError(f"dims {missing} not in table")
    out = data.reset_index(drop=True).copy()
    counts = published_numbers(out[count]).fillna(0).to_numpy(dtype=float)
    planned = np.asarray(["" if h is None or h is pd.NA or h != h else str(h) for h in hide], dtype=object) if hide is not None else np.full(len(out), "", dtype=object)
    if len(planned) != len(out):
        raise ValueError(f"hide has {len(planned)} entries for a table of {len(out)} rows")
    if columns is None:
        columns = [c for c in out.columns if c not in (count, "suppressed", "suppression", *dims) and pd.api.types.is_numeric_dtype(out[c])]
    columns = [c for c in columns if c != count]
    columns += [c for c in OUTCOME_COLUMNS if c in out and c not in columns and c not in dims]
    # An empty row (its count and every other count in it 0) is published, also in a
    # category the run's plan hides: a zero discloses no one (Hundepool et al. 2012,
    # section 4.2), and a reader may then take every hidden count as at least 1.
    in_plan = planned != ""
    planned = np.where(_empty_rows(out, counts, columns), "", planned)
    primary = ((counts > 0) & (counts < min_cell_size)) | (planned == PRIMARY)
    hidden = primary | (planned == COMPLEMENTARY)
    if linked is not None:
        linked = np.asarray(linked, dtype=bool)
        if len(linked) != len(out):
            raise ValueError(f"linked has {len(linked)} entries for a table of {len(out)} rows")
        hidden |= linked & (counts > 0)
    if dims and out.duplicated(dims).any():
        # Several rows of one cell (a goal's answers by category, each row carrying the
        # goal's n): the pattern is chosen over the cells, then given to each of their rows.
        cell = out.groupby(dims, sort=False, dropna=False).ngroup().to_numpy()
        first = pd.Series(np.arange(len(out))).groupby(cell).first().to_numpy()
        cells = out.iloc[first].reset_index(drop=True)
        cell_hidden = pd.Series(hidden).groupby(cell).any().to_numpy()
        cell_planned = pd.Series(in_plan).groupby(cell).all().to_numpy()
        cell_primary = pd.Series(primary).groupby(cell).any().to_numpy()
        cell_hidden = _complement(cells, counts[first], cell_hidden, dims, min_cell_size, cell_planned, margins, cell_primary)
        hidden = cell_hidden[cell]
        primary = cell_primary[cell]
    else:
        hidden = _complement(out, counts, hidden, dims, min_cell_size, in_plan, margins, primary)
    out["suppressed"] = hidden
    out["suppression"] = np.where(primary & hidden, PRIMARY, np.where(hidden, COMPLEMENTARY, ""))
    if hidden.any():
        for col in [count, *columns]:
            out[col] = _blank(out[col], hidden)
    return out


def protect_distributions(
    data: pd.DataFrame,
    *,
    cells: list[str],
    within: list[str] | None = None,
    category: str = "category",
    count: str = "count",
    shares: tuple[str, ...] = ("share",),
    min_cell_size: int = DEFAULT_MIN_CELL_SIZE,
    exclude: tuple[str, ...] = ("dont_know",),
) -> pd.DataFrame:
    """Withhold the answers per category of a group that answered (almost) alike.

    A distribution of answers (a goal's ratings in one stakeholder group, one row per rating
    category) whose group is published (``n >= min_cell_size``) may show categories with
    one or two answers: that discloses no one, since the reader cannot tell who gave them.
    It discloses an attribute of every member when the group is (near-)homogeneous: all
    of them, or all but fewer than ``min_cell_size``, gave the same answer ("all 7 private
    sector respondents rated G01 poor"). This is *group* attribute disclosure in a
    frequency table (Hundepool et al., *Statistical Disclosure Control*, Wiley 2012, ch. 5,
    frequency tables; the "all in one category" rule). Such a distribution is withheld:
    its counts and shares are missing, its ``n`` stays published.

    With ``within`` (a goal, when its distribution over all groups is published in another
    table), the withheld distributions of one goal are pooled, as a reader subtracting
    the published ones from the total would pool them, and the smallest other published
    distributions of the goal are withheld too until the pool is not near-homogeneous
    itself. Then the reader's lowest bound on the withheld group's answers
    in any category leaves at least ``min_cell_size`` of its members free to have answered
    otherwise (for a table of rows with known totals and known column sums, a cell's least
    value is its column's sum minus the other rows' totals).

    Parameters
    ----------
    data : DataFrame
        One row per distribution and category, with ``count`` and ``category`` columns.
    cells : list of str
        Columns that identify a distribution (``["goal_id", "stakeholder_group"]``).
    within : list of str, optional
        Columns of the distributions whose sum is published elsewhere (``["goal_id"]``);
        ``[]`` when all of them add up to something published (the focus areas ranked in
        each position add up to the voters).
    category, count : str
        The category and count columns.
    shares : tuple of str
        Columns withheld with the counts.
    min_cell_size : int
        The run's threshold.
    exclude : tuple of str
        Categories that are not answers on the scale ("don't know"): they are neither
        counted in the group's distribution nor withheld.

    Returns
    -------
    DataFrame
        A copy with the counts and shares of withheld distributions missing, and a yes/no
        column ``answers_withheld`` on each row (``attrs["answers_withheld"]`` says, per
        row, ``primary`` for a group that answered alike, ``complementary`` for one withheld
        to protect it). The input is not modified.

    Examples
    --------
    >>> t = pd.DataFrame({"goal_id": "G01", "stakeholder_group": ["gov"] * 3 + ["aca"] * 3 + ["com"] * 3,
    ...                   "category": ["1", "2", "3"] * 3, "count": [0, 7, 1, 4, 3, 5, 9, 9, 9]})
    >>> out = protect_distributions(t, cells=["goal_id", "stakeholder_group"], within=["goal_id"])
    >>> out["answers_withheld"].tolist()
    [True, True, True, True, True, True, False, False, False]
    >>> out.attrs["answers_withheld"][::3]
    ['primary', 'complementary', '']
    """
    if isinstance(min_cell_size, bool) or not isinstance(min_cell_size, (int, np.integer)) or min_cell_size < 1:
        raise ValueError(f"min_cell_size must be a whole number of at least 1, not {min_cell_size!r}")
    missing = [c for c in [*cells, *(within or []), category, count] if c not in data]
    if missing:
        raise KeyError(f"columns {missing} not in table (columns: {', '.join(map(str, data.columns))})")
    out = data.reset_index(drop=True).copy()
    answers = ~out[category].astype(str).isin(exclude)
    counts = published_numbers(out[count]).fillna(0).to_numpy(dtype=float)
    cell = out.groupby(cells, sort=False, dropna=False).ngroup().to_numpy()
    ncell = int(cell.max()) + 1 if len(cell) else 0
    # per distribution: counts by category (answers on the scale only)
    cats = pd.Index(pd.unique(out.loc[answers, category].astype(str)))
    grid = np.zeros((ncell, len(cats)))
    np.add.at(grid, (cell[answers], cats.get_indexer(out.loc[answers, category].astype(str))), counts[answers])
    totals = grid.sum(axis=1)

    def homogeneous(rows) -> bool:
        pooled = grid[rows].sum(axis=0)
        return pooled.sum() - pooled.max(initial=0) < min_cell_size

    action = np.full(ncell, "", dtype=object)
    for c in range(ncell):
        if totals[c] >= min_cell_size and homogeneous([c]):
            action[c] = PRIMARY
    if within is not None and (action == PRIMARY).any():
        first = pd.Series(np.arange(len(out))).groupby(cell).first().to_numpy()
        family = out.iloc[first].groupby(within, sort=False, dropna=False).ngroup().to_numpy() if within else np.zeros(ncell, dtype=int)
        for f in np.unique(family[action == PRIMARY]):
            members = np.flatnonzero(family == f)
            # small distributions are hidden with their n by suppression: unknown to a reader too
            pool = [c for c in members if action[c] == PRIMARY or 0 < totals[c] < min_cell_size]
            spare = sorted((c for c in members if c not in pool and totals[c] >= min_cell_size), key=lambda c: (totals[c], c))
            while homogeneous(pool) and spare:
                c = spare.pop(0)
                action[c] = COMPLEMENTARY
                pool.append(c)
    # A yes/no column reads in the report's language; why each was withheld is kept aside.
    out["answers_withheld"] = action[cell] != ""
    out.attrs["answers_withheld"] = action[cell].tolist()
    withheld = (action[cell] != "") & answers.to_numpy()
    if withheld.any():
        for col in [count, *(s for s in shares if s in out)]:
            out[col] = _blank(out[col], withheld)
    return out


def _empty_rows(data: pd.DataFrame, counts: np.ndarray, columns: list[str]) -> np.ndarray:
    """Rows with no one in them: the count is 0 and so is every other whole-number column
    hidden with it (a row of no raters but two "don't know" answers holds two people)."""
    empty = counts == 0
    for col in columns:
        if col in data and pd.api.types.is_integer_dtype(data[col]) and not pd.api.types.is_bool_dtype(data[col]):
            empty &= published_numbers(data[col]).fillna(0).to_numpy() == 0
    return empty


def _blank(values: pd.Series, hidden: np.ndarray) -> pd.Series:
    """``values`` with the hidden rows missing, in a type that keeps the column's kind."""
    if pd.api.types.is_bool_dtype(values):
        values = values.astype("boolean")
    elif pd.api.types.is_integer_dtype(values):
        values = values.astype("Int64")
    elif pd.api.types.is_numeric_dtype(values):
        values = values.astype("float64") if values.dtype.kind == "f" else values
    else:
        numeric = pd.to_numeric(values.where(values.astype(object) != SUPPRESSED), errors="coerce")
        values = numeric if numeric.notna().sum() == values.notna().sum() else values.astype(object)
    return values.mask(pd.Series(hidden, index=values.index))


def published_numbers(values) -> pd.Series:
    """Numbers of a published column as float64: missing (suppressed) values, the text
    ``"suppressed"`` of older outputs and other text become NaN, so that a suppressed cell
    is never read as a number.

    Examples
    --------
    >>> published_numbers(pd.Series([3, "suppressed", None])).tolist()
    [3.0, nan, nan]
    """
    series = values if isinstance(values, pd.Series) else pd.Series(values)
    if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
        return series.astype("float64")
    series = series.where(series.astype(object) != SUPPRESSED)
    return pd.to_numeric(series, errors="coerce").astype("float64")


def is_suppressed(values, table: pd.DataFrame | None = None):
    """Whether published values are suppressed: missing, or the word ``"suppressed"`` of
    older outputs.

    For a count column (``n``), missing means suppressed. For a statistic that may be
    missing for other reasons (a mean of no answers), pass the ``table`` it comes from:
    then only missing values of rows its ``suppressed`` flag marks count. A single value
    gives a single ``bool``.

    Examples
    --------
    >>> is_suppressed(pd.Series([3, None, "suppressed"])).tolist()
    [False, True, True]
    >>> is_suppressed(float("nan"))
    True
    """
    if not isinstance(values, pd.Series):
        return bool(values is None or values is pd.NA or (isinstance(values, float) and values != values) or (isinstance(values, str) and values == SUPPRESSED))
    word = values.astype(object).eq(SUPPRESSED)
    missing = values.isna()
    if table is not None and "suppressed" in table:
        missing &= table["suppressed"].reindex(values.index).fillna(False).astype(bool)
    return word | missing


def margin_groups(data: pd.DataFrame, dims: list[str]) -> list[np.ndarray]:
    """Row positions of every public margin: the grand total, and each sum over one dim.

    A sum over a dimension that has one category there is the cell itself, not a margin
    published beside it, so it is left out (else every hidden cell would pin itself).
    """
    return [np.arange(len(data))] + [idx for _, idx in _margin_lines(data, dims)]


def _margin_lines(data: pd.DataFrame, dims: list[str]):
    """Each sum over one dim of more than one row: ``({other dim: category}, row positions)``."""
    for dim in dims:
        others = [d for d in dims if d != dim]
        if not others:
            continue
        for key, idx in data.groupby(others, sort=False, dropna=False).indices.items():
            if len(idx) > 1:
                yield dict(zip(others, key if isinstance(key, tuple) else (key,))), np.asarray(idx)


def _public_margins(data, dims, counts, planned, min_cell_size, margins=None) -> list[np.ndarray]:
    """The margins of :func:`margin_groups` a reader holds.

    A margin of a category the plan hides (every row of it in the table is planned) is
    hidden wherever it is published. A margin whose cells are all hidden for another reason
    (a goal raised by a few interviewees of each hidden group) is still public: its total
    is published in the table broken down by one dimension fewer.
    """
    in_plan = {}
    for dim in dims:
        in_plan[dim] = {v for v, idx in data.groupby(dim, sort=False, dropna=False).indices.items() if planned[idx].all()}
    groups = [np.arange(len(data))] if margins is None or (dims and set(dims) <= set(margins)) else []  # only the sums of ``margins`` (suppress)
    groups += [idx for line, idx in _margin_lines(data, dims) if not any(v in in_plan[d] for d, v in line.items()) and (margins is None or set(dims) - set(line) <= set(margins))]
    return [g for g in groups if counts[g].sum() >= min_cell_size]


def _complement(data, counts, hidden, dims, min_cell_size, planned=None, margins=None, primary=None):
    hidden = hidden.copy()
    if not hidden.any():
        return hidden
    # A margin that is itself small is suppressed wherever it is published, and so is a
    # margin of a category the run's plan hides: neither is a constraint an attacker can use.
    planned = np.zeros(len(counts), dtype=bool) if planned is None else np.asarray(planned, dtype=bool)
    groups = _public_margins(data, dims, counts, planned, min_cell_size, margins)
    # A hidden count must keep a protection interval: its lowest and highest possible values
    # at least min_cell_size apart, each hidden count being at least 1.
    width = min_cell_size
    beyond_help: set[int] = set()
    escalated: set[int] = set()
    for _ in range(4 * len(data) + 3):
        changed = False
        for idx in groups:
            if hidden[idx].sum() == 1:
                changed |= _hide_smallest(counts, hidden, [idx])
        if not changed:
            exposed = audit_cells(counts, hidden, groups)
            if exposed:
                changed = _protect(counts, hidden, groups, exposed[0])
        if not changed:
            narrow = audit_cells(counts, hidden, groups, min_width=width)
            for cell in narrow:
                if cell not in beyond_help:
                    if _protect(counts, hidden, groups, cell, width):
                        changed = True
                        break
                    beyond_help.add(cell)  # no one companion widens it
            else:
                # Last resort: hide the whole of the smallest margin of a cell no single
                # companion could help (its other cells are pinned by their own margins).
                pinned = set(audit_cells(counts, hidden, groups))
                for cell in narrow:
                    if cell in escalated:
                        continue
                    escalated.add(cell)
                    mine = sorted((g for g in groups if cell in g and len(g) < len(counts)), key=len)
                    line = [j for g in mine[:1] for j in g if counts[j] > 0 and not hidden[j]]
                    if not line:
                        continue
                    trial = hidden.copy()
                    trial[line] = True
                    if set(audit_cells(counts, trial, groups)) <= pinned:  # never pin another cell
                        hidden[:] = trial
                        beyond_help.clear()
                        changed = True
                        break
        if not changed and primary is not None:
            # The labels are published too: a reader takes a primary cell to be 1..k-1 and a
            # complementary one at least k, so those bounds must leave the same protection.
            from .disclosure_labels import protect_labels

            changed = protect_labels(counts, hidden, primary, groups, min_cell_size=min_cell_size)
        if not changed:
            break
    exposed = audit_cells(counts, hidden, groups)
    if primary is not None:
        from .disclosure_labels import label_exposed

        exposed = sorted(set(exposed) | set(label_exposed(counts, hidden, primary, groups, min_cell_size=min_cell_size, full_range=False)))
    if exposed:
        import warnings

        warnings.warn(f"{len(exposed)} suppressed cell(s) remain recoverable from the table's margins; publish fewer margins", RuntimeWarning, stacklevel=3)
    return hidden


def _protect(counts, hidden, groups, cell, width=0) -> bool:
    """Hide the smallest companion that stops ``cell`` being pinned; else the smallest near it.

    With ``width``, the companion must leave ``cell`` an interval of at least ``width`` and
    pin no hidden cell exactly; when none does, nothing is hidden.
    """
    mine = [g for g in groups if cell in g]
    candidates = sorted({int(i) for idx in mine for i in idx if not hidden[i] and counts[i] > 0}, key=lambda i: (counts[i], i))
    for i in candidates:
        trial = hidden.copy()
        trial[i] = True
        if cell not in audit_cells(counts, trial, groups, min_width=width, cells=[cell]) and (not width or not audit_cells(counts, trial, groups, cells=[i])):
            hidden[i] = True
            return True
    if width:
        # A margin of the cell whose hidden cells, each at least 1, leave it less than
        # ``width`` (hidden sum minus their number): no pattern without another cell of
        # that margin protects it. Hide the smallest that widens it enough (else the
        # largest); the next round pairs the new cell up in its other margins.
        for g in sorted((g for g in groups if cell in g), key=len):
            slack = counts[g][hidden[g]].sum() - hidden[g].sum()
            spare = sorted((int(j) for j in g if not hidden[j] and counts[j] > 0), key=lambda j: (counts[j], j))
            if slack >= width or not spare:
                continue
            enough = [j for j in spare if slack + counts[j] - 1 >= width]
            hidden[enough[0] if enough else spare[-1]] = True
            return True
        # A companion that its own margins would pin is still taken when each of them has
        # another cell to hide with it (the next round protects it in turn).
        for i in candidates:
            trial = hidden.copy()
            trial[i] = True
            if cell in audit_cells(counts, trial, groups, min_width=width, cells=[cell]):
                continue
            if all(any(j != i and not trial[j] and counts[j] > 0 for j in g) for g in groups if i in g and len(g) > 1):
                hidden[i] = True
                return True
        # Else hide the companion with its whole line (every cell of its other margins), as a
        # category hidden in every row: that line's total then leaves each of them free.
        for i in candidates:
            trial = hidden.copy()
            trial[i] = True
            for g in groups:
                if i in g and cell not in g and len(g) < len(counts):
                    trial[[j for j in g if counts[j] > 0]] = True
            if cell not in audit_cells(counts, trial, groups, min_width=width, cells=[cell]):
                hidden[:] = trial
                return True
        return False
    if candidates:
        hidden[candidates[0]] = True
        return True
    return False


def _hide_smallest(counts, hidden, groups) -> bool:
    """Hide the smallest visible non-empty cell found in any of ``groups``."""
    candidates = {int(i) for idx in groups for i in idx if not hidden[i] and counts[i] > 0}
    if not candidates:
        return False
    hidden[min(candidates, key=lambda i: (counts[i], i))] = True
    return True


def feasible_ranges(counts: np.ndarray, hidden: np.ndarray, groups: list[np.ndarray], cells=None, *, bounds=None, solutions: list | None = None) -> pd.DataFrame:
    """What an attacker can learn about each hidden count from the published cells and margins.

    The attacker knows every published count and every margin total, and that a hidden
    count is at least 1 (empty rows are published as 0, see :func:`suppress`); with
    ``bounds`` (one ``(lowest, highest or None)`` per hidden cell, such as
    :func:`label_bounds`), those instead. For each hidden cell two linear programmes find
    its lowest and highest feasible value (for ``cells`` only, when given); with
    ``solutions``, a list, each solution found is appended to it as a completion of
    ``counts`` (the hidden counts replaced by the solution's).
    """
    from scipy.optimize import linprog

    unknown = np.flatnonzero(hidden)
    # complementary suppression asks for the same ranges again and again: each is
    # remembered for its table, pattern and bounds
    memo = _audit_memo(np.asarray(counts, dtype=float), groups)
    pattern = (np.packbits(np.asarray(hidden, dtype=bool)).tobytes(), len(hidden),
               None if bounds is None else np.array([[np.nan if v is None else v for v in b] for b in bounds], dtype=float).tobytes())
    wanted = [int(c) for c in unknown if cells is None or c in cells]
    cells = {c for c in wanted if (pattern, c) not in memo["ranges"]}
    pos = {cell: k for k, cell in enumerate(unknown)}
    a_eq, b_eq = [], []
    for idx in groups:
        members = [pos[i] for i in idx if hidden[i]]
        if not members:
            continue
        row = np.zeros(len(unknown))
        row[members] = 1
        a_eq.append(row)
        b_eq.append(counts[idx][hidden[idx]].sum())
    rows = []
    # Also a row of no raters but some "don't know" answers, hidden with a count of 0, is
    # taken to hold at least 1: that asks more of suppression, never less.
    bounds = [(1, None)] * len(unknown) if bounds is None else list(bounds)
    infeasible = pattern in memo["infeasible"]
    for k, cell in enumerate(unknown):
        if int(cell) not in cells:
            continue
        if infeasible:  # no completion at all: every cell's programmes fail alike
            rows.append({"row": int(cell), "lowest": np.nan, "highest": np.inf, "recovered": False})
            continue
        c = np.zeros(len(unknown))
        c[k] = 1
        low = linprog(c, A_eq=a_eq or None, b_eq=b_eq or None, bounds=bounds, method="highs")
        high = linprog(-c, A_eq=a_eq or None, b_eq=b_eq or None, bounds=bounds, method="highs")
        lo = low.fun if low.status == 0 else np.nan
        hi = -high.fun if high.status == 0 else np.inf
        infeasible = low.status == 2 and high.status == 2
        if solutions is not None:
            for res in (low, high):
                if res.status == 0:
                    solutions.append(np.asarray(counts, dtype=float).copy())
                    solutions[-1][unknown] = res.x
        rows.append({"row": int(cell), "lowest": lo, "highest": hi})
    memo["ranges"].update({(pattern, r["row"]): (r["lowest"], r["highest"]) for r in rows})
    if infeasible:
        memo["infeasible"].add(pattern)
    rows = [(c, *memo["ranges"][pattern, c]) for c in wanted]
    out = pd.DataFrame([{"row": c, "lowest": lo, "highest": hi, "recovered": bool(np.isfinite(hi) and abs(hi - lo) < 0.5)} for c, lo, hi in rows],
                       columns=["row", "lowest", "highest", "recovered"])
    out.attrs["infeasible"] = infeasible  # found to have no completion (each hidden count at least its bound)
    return out


def audit_cells(counts: np.ndarray, hidden: np.ndarray, groups: list[np.ndarray], *, min_width: float = 0, cells=None) -> list[int]:
    """Hidden cells (of ``cells``, when given) an attacker can pin to a single value, or to fewer than ``min_width`` + 1 values.

    The answer is that of :func:`feasible_ranges` (two linear programmes per cell, each
    hidden count at least 1), found with fewer programmes: complementary suppression asks
    it thousands of times over patterns that differ by one cell (one table of 60 cells of
    a generated assessment with one-person areas took 178 s). A cell is narrow without a
    programme when a margin line of it leaves its hidden cells too little room (its range
    is at most the line's hidden sum less their number), and wide when two known
    completions of the table (the true counts, earlier programmes' solutions) already set
    it far enough apart; a range once computed is remembered for its pattern.
    """
    hidden = np.asarray(hidden, dtype=bool)
    if not hidden.any():
        return []
    counts = np.asarray(counts, dtype=float)
    wanted = None if cells is None else {int(c) for c in cells}
    targets = np.array([c for c in np.flatnonzero(hidden) if wanted is None or int(c) in wanted], dtype=int)
    if not len(targets):
        return []
    memo = _audit_memo(counts, groups)
    pattern = np.packbits(hidden).tobytes() + bytes([len(hidden) % 8])
    if pattern in memo["infeasible"]:  # no completion: no cell is pinned, each is too narrow for a width
        return [int(c) for c in targets] if min_width else []
    below = max(0.5, float(min_width))  # a feasible, bounded cell is narrow when its range is below this
    known = [memo["ranges"].get((pattern, int(c))) for c in targets]
    points = [counts] if (counts[hidden] >= 1).all() else []
    if memo["witnesses"]:
        pool = np.vstack(memo["witnesses"])
        fits = (np.abs(pool[:, ~hidden] - counts[~hidden]) <= _TOLERANCE).all(axis=1) & (pool[:, hidden] >= 1 - _TOLERANCE).all(axis=1)
        points += list(pool[fits])
    pinned = wide = np.zeros(len(targets), dtype=bool)
    if points:  # the table has a completion: each range is at most the room its lines leave
        room = np.full(len(counts), np.inf)
        for idx in groups:
            mine = np.asarray(idx)[hidden[idx]]
            if len(mine):
                room[mine] = np.minimum(room[mine], counts[mine].sum() - len(mine))
        seen = np.vstack(points)[:, targets]
        pinned = room[targets] < below - _TOLERANCE
        wide = seen.max(axis=0) - seen.min(axis=0) >= below + _TOLERANCE
    solve = [int(c) for c, k, p, w in zip(targets, known, pinned, wide) if k is None and not p and not w]
    if solve:
        ranges = feasible_ranges(counts, hidden, groups, solve, solutions=memo["witnesses"])
        for row in ranges.itertuples(index=False):
            memo["ranges"][(pattern, int(row.row))] = (row.lowest, row.highest)
        if ranges.attrs["infeasible"]:
            memo["infeasible"].add(pattern)
        del memo["witnesses"][:-_WITNESSES]
    narrow = []
    for c, k, p, w in zip(targets, known, pinned, wide):
        k = memo["ranges"].get((pattern, int(c))) if k is None else k
        if (k is None and p) or (k is not None and _is_narrow(*k, min_width)):
            narrow.append(int(c))
    return narrow


_TOLERANCE = 1e-6  # of the linear programmes' solutions, which the shortcuts keep clear of
_WITNESSES = 64  # completions remembered per table
_AUDIT_MEMO: dict = {}


def _audit_memo(counts: np.ndarray, groups: list[np.ndarray]) -> dict:
    """The ranges and completions found so far for one table (its counts and margins)."""
    import hashlib

    key = hashlib.blake2b(counts.tobytes(), digest_size=16)
    for idx in groups:
        key.update(np.asarray(idx, dtype=np.int64).tobytes() + b"|")
    key = key.digest()
    if key not in _AUDIT_MEMO:
        while len(_AUDIT_MEMO) >= 8:  # a few tables at a time; the oldest goes
            _AUDIT_MEMO.pop(next(iter(_AUDIT_MEMO)))
        _AUDIT_MEMO[key] = {"ranges": {}, "witnesses": [], "infeasible": set()}
    return _AUDIT_MEMO[key]


def _is_narrow(lowest: float, highest: float, min_width: float) -> bool:
    """:func:`audit_cells`' reading of a range from :func:`feasible_ranges`."""
    recovered = bool(np.isfinite(highest) and abs(highest - lowest) < 0.5)
    return recovered or bool(highest - lowest < min_width) or bool(min_width and np.isnan(lowest))


def audit(published: pd.DataFrame, *, true_counts, count: str = "n", dims: list[str] | None = None, min_cell_size: int = DEFAULT_MIN_CELL_SIZE, labels: bool = False) -> pd.DataFrame:
    """Attack a published table: try to recover each suppressed count from its margins.

    Parameters
    ----------
    published : DataFrame
        The table as published (its ``suppressed`` column flags the hidden rows).
    true_counts : array-like
        The real counts in the same row order; they give the public margin totals, as the
        attacker would read them from other tables.
    dims : list of str, optional
        As in :func:`suppress`.
    min_cell_size : int
        Margins below this are themselves suppressed where published, so unknown to the attacker.
    labels : bool
        Read the ``suppression`` column as a reader may: a ``primary`` cell is 1..k-1, a
        ``complementary`` one at least k (:func:`~pra_lib.publishing.disclosure_labels.label_bounds`).

    Returns
    -------
    DataFrame
        One row per suppressed cell with the attacker's ``lowest`` and ``highest`` feasible
        value and ``recovered`` (whether they coincide).

    Examples
    --------
    >>> t = pd.DataFrame({"area": ["a", "b", "c"], "n": [12, 2, 9]})
    >>> bool(audit(suppress(t), true_counts=t["n"])["recovered"].any())
    False
    """
    published = published.reset_index(drop=True)
    if "suppressed" in published:
        hidden = published["suppressed"].fillna(False).astype(bool).to_numpy()
    else:
        hidden = published_numbers(published[count]).isna().to_numpy()
    counts = np.asarray(true_counts, dtype=float)
    groups = [g for g in margin_groups(published, list(dims or [])) if counts[g].sum() >= min_cell_size]
    if labels and "suppression" in published:
        from .disclosure_labels import label_bounds

        primary = published["suppression"].eq(PRIMARY).to_numpy()
        return feasible_ranges(counts, hidden, groups, bounds=label_bounds(counts, hidden, primary, min_cell_size=min_cell_size))
    return feasible_ranges(counts, hidden, groups)
