"""Linked tables: one suppression pattern for the tables of a run that count the same people.

A run publishes some counts twice: the interview report counts the interviewees naming each
goal (``statements_by_goal``) and the same by stakeholder group
(``statements_by_goal_and_group``). A cell of the table broken down by fewer dimensions is
the sum of the matching cells of the other, so the tables are *linked*, and a reader holding
both can subtract across them. Statistics offices choose suppression for linked tables
together (Hundepool et al., *Statistical Disclosure Control*, Wiley 2012, section 4.4;
tau-ARGUS "linked tables"; sdcTable's ``protectLinkedTables``). :func:`link_tables` does so:

- each table is first protected on its own (:func:`pra_lib.publishing.disclosure.suppress`,
  with the run's plan);
- a cell hidden in one table is hidden in every table that publishes it;
- a total published in a coarser table is hidden as well (``complementary``) when it pins
  down hidden cells of its line in a finer table: when every cell of the line is hidden,
  each at least 1, a published total leaves each of them only ``total - cells + 1`` values,
  whatever else the finer table hides;
- a hidden cell of a coarser table that the finer table would give back (its line there
  published) gets a companion there: the smallest published cell of its line;
- each table's own complementary suppression then protects the new hidden cells against
  that table's public sums only (a goal's interviewees as a weakness plus as a strength is
  no count of people and is published nowhere, so it needs no protecting), and all of this
  is repeated until nothing changes; the cells it hides with the linked ones are returned
  as their companions, so that the report can name them.

Whether a hidden count keeps the protection interval is decided by one linear programme over
all the tables at once, as a reader holding them would set it up: each table's margins
that a reader can hold (:func:`public_margins`: a sum published by a linked table, or one
that counts people; by default every sum, as :func:`~pra_lib.publishing.disclosure.suppress`
assumes; never a line whose total is a hidden cell of a coarser table), every coarser cell tied to its cells in the finer
table (equal to their sum when they add up to it, else at least each of them), and every
hidden count at least 1 and at most the size of the category it counts a part of
(:data:`AT_MOST`: the interviewees of its stakeholder group). A hidden count must keep
``min_cell_size`` values between its lowest and highest possible value (a cell of a group of
s people, the whole of 1 to s when that is fewer); where the rules below leave one narrower,
of the published cells after whose hiding the fewest counts stay narrow the one that loses the
least is hidden (the smallest total the tables then hide, as tau-ARGUS and sdcTable weigh
complementary cells by a cost; or two cheaper cells that together leave no more counts narrow). The same programme is solved again with each hidden count
within its label's bounds (``primary`` 1..k-1, ``complementary`` at least k;
:mod:`pra_lib.publishing.disclosure_labels`): no hidden count may be pinned, and a primary
cell must keep the range the labels alone leave it (1..k-1, less only as a part of a
primary total); a cell narrowed only by the labels gets the smallest published cell of its
line as a companion, else the line's total is hidden. The result is a tidy table of the cells hidden to protect
another table's; :meth:`pra_lib.publishing.report.Report.link_tables` records it, so that
``Report.table`` hides them wherever they are published.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .disclosure import COMPLEMENTARY, DEFAULT_MIN_CELL_SIZE, PRIMARY, _public_margins, published_numbers, suppress

LINKED_COLUMNS = ["table", "cell", "suppression", "protects", "role"]
LINKED, COMPANION = "linked", "companion"
#: Optional column of a linked table: the most its cell can hold, as a reader can tell from
#: the size of the category it counts a part of (the interviewees of a stakeholder group).
AT_MOST = "at_most"


@dataclass(frozen=True)
class LinkedTable:
    """One table of a linked set, as :func:`link_tables` reads it.

    ``data`` has one row per cell (or several rows per cell, each carrying its count) and a
    ``count`` column; ``dims`` are the columns it is broken down by; ``hide`` is the run's
    plan for its rows (:meth:`~pra_lib.publishing.disclosure.DisclosurePlan.rows_to_hide`);
    ``margins`` the dims whose sums a reader holds (:func:`public_margins`; ``None``: every
    sum and the grand total, the cautious default). An :data:`AT_MOST` column in ``data``
    gives each cell the size of the category it counts a part of (the interviewees of its
    stakeholder group), a bound a reader takes as well; it is read, never published.
    """

    data: pd.DataFrame
    dims: list = field(default_factory=list)
    count: str = "n"
    hide: object = None
    margins: object = None


def cell_keys(data: pd.DataFrame, dims) -> list[tuple]:
    """The cell of each row of a table over ``dims``: sorted ``(dimension, value)`` pairs,
    values as text, so that the same cell has the same key in every table.

    Examples
    --------
    >>> cell_keys(pd.DataFrame({"valence": ["weakness"], "goal_id": ["G12"], "n": [6]}), ["goal_id", "valence"])
    [(('goal_id', 'G12'), ('valence', 'weakness'))]
    """
    dims = sorted(dims)
    columns = [data[d].astype(object).map(str).tolist() for d in dims]
    return [tuple(zip(dims, values)) for values in zip(*columns)] if dims else [()] * len(data)


def linked_rows(data: pd.DataFrame, dims, cells) -> np.ndarray:
    """Which rows of a table over ``dims`` are among ``cells`` (keys as :func:`cell_keys` gives).

    Examples
    --------
    >>> t = pd.DataFrame({"goal_id": ["G12", "G10"], "valence": ["weakness"] * 2, "n": [6, 24]})
    >>> linked_rows(t, ["goal_id", "valence"], {(("goal_id", "G12"), ("valence", "weakness"))}).tolist()
    [True, False]
    """
    wanted = set(cells)
    return np.asarray([key in wanted for key in cell_keys(data, dims)], dtype=bool)


def public_margins(people: pd.DataFrame | None, *, dims, person: str = "respondent_id", published=()) -> list[str] | None:
    """The dims of a table whose sums a reader may hold, decided from its people and the run.

    A sum over a dimension (the others held fixed) is taken as public when the run publishes
    it: the table broken down by the other dims is in ``published`` (a linked coarser table,
    whose cells are these sums); or when it is a count of people that another report could
    publish: no person is in two cells of any of its lines. Any other sum is not a count of
    people and is published nowhere, so complementary suppression need not protect against
    it: the interviewees naming a goal as a weakness plus those naming it as a strength
    count twice whoever named it both ways (3 of the sample's 14 interviewees naming G09),
    and a valence's sum over goals counts an interviewee once per goal they named.

    Parameters
    ----------
    people : DataFrame or None
        One row per person and cell (an interview statement): ``person`` and the ``dims``.
        ``None``, or a dim missing, leaves every sum public (the cautious answer).
    dims : list of str
        The dims the table is broken down by.
    person : str
        The column identifying a person.
    published : iterable of lists of str
        The dims of the other tables of the run that publish sums of this one.

    Returns
    -------
    list of str or None
        The dims whose sums are public, for :func:`~pra_lib.publishing.disclosure.suppress`
        and :class:`LinkedTable` (``margins``); the grand total is public when all of them
        are. ``None`` when the people cannot tell (every sum and the grand total public).

    Examples
    --------
    >>> said = pd.DataFrame({"respondent_id": ["r1", "r1", "r2"], "goal_id": ["G09", "G09", "G12"], "valence": ["weakness", "strength", "weakness"]})
    >>> public_margins(said, dims=["goal_id", "valence"])  # sums over goals count people; r1 is twice in G09's sum over valence
    ['goal_id']
    >>> public_margins(said, dims=["goal_id", "valence"], published=[["goal_id"]])
    ['goal_id', 'valence']
    """
    dims = list(dims)
    if people is None or person not in people or any(d not in people for d in dims):
        return None
    published = {frozenset(p) for p in published}
    rows = people[[person, *dims]].dropna(subset=dims).drop_duplicates()
    out = []
    for dim in dims:
        others = [d for d in dims if d != dim]
        if frozenset(others) in published:
            out.append(dim)
            continue
        # a person in two cells of one line is counted twice in its sum
        twice = rows.groupby([*others, person], sort=False, dropna=False)[dim].nunique() if others else rows.groupby(person, sort=False)[dim].nunique()
        if not (twice > 1).any():
            out.append(dim)
    return sorted(out)


def rows_of_hidden_lines(data: pd.DataFrame, *, published: pd.DataFrame, dims, parts: pd.DataFrame | None = None, on=None) -> np.ndarray:
    """Which rows of a table of parts (codes) count the people of a line hidden in a published table.

    A line of ``statements_by_goal`` (a goal as a weakness) counts the interviewees who
    named any of its codes, so a code's count is at most the line's, and equal to it when
    the line has one code: a published count of a code of a hidden line narrows the line
    or gives it back. The same holds for anything counted over such codes (a code pair's
    ``n_a``, a shock or stress made of the same codes). Every such row is hidden with the
    line, which is the safe choice whatever the line's other codes.

    Parameters
    ----------
    data : DataFrame
        The table to publish (codes, the most-cited codes, code pairs, shocks and stresses).
    published : DataFrame
        The published table of lines, with a ``suppressed`` column
        (:meth:`pra_lib.publishing.report.Report.table`).
    dims : list of str
        The columns identifying a line in ``published`` (``["goal_id", "valence"]``).
    parts : DataFrame, optional
        One row per part with the ``dims`` columns (the codes with their goal and valence)
        when ``data`` does not carry ``dims`` itself; rows of ``data`` are matched to parts
        through ``on``.
    on : dict or list of dict, optional
        ``{column of data: column of parts}``; a list matches each mapping in turn (the
        two codes of a pair) and hides a row when any of them falls in a hidden line.
        Default: ``data`` carries ``dims`` itself.

    Returns
    -------
    ndarray of bool
        One per row of ``data``: hide it with the line (as ``linked`` rows).

    Examples
    --------
    >>> goals = pd.DataFrame({"goal_id": ["G12", "G10"], "valence": ["weakness"] * 2, "n": [None, 24], "suppressed": [True, False]})
    >>> codes = pd.DataFrame({"code": ["land subsidence awareness", "inter-agency coordination"], "goal_id": ["G12", "G10"], "valence": ["weakness"] * 2, "n": [6, 24]})
    >>> rows_of_hidden_lines(codes, published=goals, dims=["goal_id", "valence"]).tolist()
    [True, False]
    >>> pairs = pd.DataFrame({"code_a": ["inter-agency coordination"], "code_b": ["land subsidence awareness"], "n": [5]})
    >>> rows_of_hidden_lines(pairs, published=goals, dims=["goal_id", "valence"], parts=codes, on=[{"code_a": "code"}, {"code_b": "code"}]).tolist()
    [True]
    """
    dims = list(dims)
    missing = [c for c in [*dims, "suppressed"] if c not in published]
    if missing:
        raise KeyError(f"published table: columns {missing} not in table (columns: {', '.join(map(str, published.columns))})")
    flags = published["suppressed"].astype(object).map(lambda v: str(v).strip().lower() in ("true", "1"))
    hidden = set(cell_keys(published[flags.to_numpy(dtype=bool)], dims))
    if parts is None:
        return linked_rows(data, dims, hidden) if hidden else np.zeros(len(data), dtype=bool)
    missing = [c for c in dims if c not in parts]
    if missing:
        raise KeyError(f"parts: columns {missing} not in table (columns: {', '.join(map(str, parts.columns))})")
    in_hidden = parts[linked_rows(parts, dims, hidden)] if hidden else parts.iloc[:0]
    out = np.zeros(len(data), dtype=bool)
    for mapping in ([on] if isinstance(on, dict) else list(on or [])):
        absent = [c for c in mapping if c not in data] + [c for c in mapping.values() if c not in parts]
        if absent:
            raise KeyError(f"columns {absent} to match the table to its parts are missing (table: {', '.join(map(str, data.columns))}; parts: {', '.join(map(str, parts.columns))})")
        shut = {tuple(map(str, row)) for row in in_hidden[list(mapping.values())].astype(object).itertuples(index=False)}
        keys = data[list(mapping)].astype(object).map(str).itertuples(index=False)
        out |= np.asarray([tuple(k) in shut for k in keys], dtype=bool)
    return out


def hide_rows(published: pd.DataFrame, rows, *, count: str = "n", columns=None, dims=()) -> pd.DataFrame:
    """A suppressed table with ``rows`` hidden too (``complementary``), also those of no one.

    :func:`~pra_lib.publishing.disclosure.suppress` publishes a row of count 0 (a zero
    discloses no one), but such a row may carry other counts: a code pair raised together by
    no one still shows each code's interviewees (``n_a``, ``n_b``). A row counted over a code
    of a hidden line (:func:`rows_of_hidden_lines`) is hidden whatever its count.

    Examples
    --------
    >>> pairs = pd.DataFrame({"code_a": ["x"], "code_b": ["y"], "n": [0], "n_a": [6], "n_b": [9], "suppressed": [False], "suppression": [""]})
    >>> hide_rows(pairs, [True])[["n", "n_a", "suppressed", "suppression"]].values.tolist()
    [[<NA>, <NA>, True, 'complementary']]
    """
    from .disclosure import OUTCOME_COLUMNS, _blank

    rows = pd.Series(list(rows), dtype=bool).to_numpy()
    if len(rows) != len(published):
        raise ValueError(f"rows has {len(rows)} entries for a table of {len(published)} rows")
    shown = ~published["suppressed"].astype(bool).to_numpy()
    more = rows & shown
    if not more.any():
        return published
    out = published.copy()
    if columns is None:
        columns = [c for c in out.columns if c not in (count, "suppressed", "suppression", *dims) and pd.api.types.is_numeric_dtype(out[c])]
    columns = [count, *[c for c in columns if c != count], *[c for c in OUTCOME_COLUMNS if c in out and c not in columns and c not in dims and c != count]]
    for col in columns:
        out[col] = _blank(out[col], more)
    out["suppressed"] = out["suppressed"].astype(bool) | more
    out["suppression"] = np.where(more, COMPLEMENTARY, out["suppression"])
    return out


def link_tables(tables, *, min_cell_size: int = DEFAULT_MIN_CELL_SIZE) -> pd.DataFrame:
    """Choose the suppression of tables that count the same people together.

    Parameters
    ----------
    tables : dict
        ``{table name: LinkedTable}`` (or ``{name: (data, dims)}``): tables of one
        activity that count one measure (interviewees naming a goal), some broken down by
        more dimensions than others.
    min_cell_size : int
        The run's threshold; also the protection interval a hidden count must keep.

    Returns
    -------
    DataFrame
        One row per cell hidden to protect a cell of another table: ``table``, ``cell``
        (sorted ``(dimension, value)`` pairs, as :func:`cell_keys`), ``suppression``
        (``complementary``), ``protects`` (the table whose cells it protects) and ``role``:
        ``linked``, or ``companion`` for a cell its own table then hides with the linked
        ones against its public sums (``protects`` is then that table; only the sums of
        ``LinkedTable.margins`` count, see :func:`public_margins`). Empty
        when each table's own suppression already protects the others. Pass the cells of a
        table to :func:`~pra_lib.publishing.disclosure.suppress` as ``linked`` (through
        :func:`linked_rows`) to publish it.

    Examples
    --------
    >>> goal = pd.DataFrame({"goal_id": ["G12", "G10"], "n": [6, 24]})
    >>> by_group = pd.DataFrame({"goal_id": ["G12"] * 3 + ["G10"] * 3, "group": ["a", "b", "c"] * 2, "n": [1, 2, 3, 8, 8, 8]})
    >>> link_tables({"by_goal": (goal, ["goal_id"]), "by_group": (by_group, ["goal_id", "group"])})[["table", "cell", "role"]].values.tolist()
    [['by_goal', (('goal_id', 'G12'),), 'linked'], ['by_goal', (('goal_id', 'G10'),), 'companion']]
    >>> alone = LinkedTable(goal, ["goal_id"], margins=[])  # its total (30) is a count of people nowhere
    >>> link_tables({"by_goal": alone, "by_group": LinkedTable(by_group, ["goal_id", "group"], margins=[])})[["table", "cell", "role"]].values.tolist()
    [['by_goal', (('goal_id', 'G12'),), 'linked']]
    >>> # with each group's sum over goals public (the default), G10's 24 would give G12's cells back
    >>> link_tables({"by_goal": alone, "by_group": (by_group, ["goal_id", "group"])})[["table", "cell", "role"]].values.tolist()
    [['by_goal', (('goal_id', 'G12'),), 'linked'], ['by_goal', (('goal_id', 'G10'),), 'linked']]
    """
    if isinstance(min_cell_size, bool) or not isinstance(min_cell_size, (int, np.integer)) or min_cell_size < 1:
        raise ValueError(f"min_cell_size must be a whole number of at least 1, not {min_cell_size!r}")
    specs = {str(name): _linked_table(name, t) for name, t in tables.items()}
    grids = {name: _Grid(spec) for name, spec in specs.items()}
    forced = {name: np.zeros(len(g.keys), dtype=bool) for name, g in grids.items()}
    protects = {name: np.full(len(g.keys), "", dtype=object) for name, g in grids.items()}
    links = _links(grids)
    for _ in range(sum(len(g.keys) for g in grids.values()) + 1):  # each round hides one more cell
        hidden = {name: g.hidden(forced[name], min_cell_size) for name, g in grids.items()}
        primary = {name: g.primary(forced[name], min_cell_size) for name, g in grids.items()}
        changed = _hide_everywhere(grids, hidden, forced, protects)
        if not changed:
            changed = _widen_one(grids, hidden, forced, protects, links, min_cell_size, primary)
        if not changed:
            break
    _drop_needless(grids, forced, links, min_cell_size)
    rows = [[name, grids[name].keys[i], COMPLEMENTARY, protects[name][i], LINKED] for name in grids for i in np.flatnonzero(forced[name])]
    for name, g in grids.items():
        if forced[name].any():
            # what the table's own suppression then hides with them, against its public sums
            alone = g.hidden(np.zeros(len(g.keys), dtype=bool), min_cell_size)
            companions = g.hidden(forced[name], min_cell_size) & ~alone & ~forced[name]
            rows += [[name, g.keys[i], COMPLEMENTARY, name, COMPANION] for i in np.flatnonzero(companions)]
    return pd.DataFrame(rows, columns=LINKED_COLUMNS)


def _exposed(grids, forced, links, min_cell_size, only=None) -> set:
    """Every count a reader narrows with ``forced`` hidden, with the labels and without
    (of the counts in ``only``, when given)."""
    hidden = {n: g.hidden(forced[n], min_cell_size) for n, g in grids.items()}
    primary = {n: g.primary(forced[n], min_cell_size) for n, g in grids.items()}
    return set(_narrow(grids, hidden, links, min_cell_size, only=only)) | set(_narrow(grids, hidden, links, min_cell_size, primary, only=only))


def _drop_needless(grids, forced, links, min_cell_size) -> None:
    """Publish again each cell hidden for another table that no longer protects anything.

    Cells are added one at a time, each for the count narrow at that moment; a later one
    may protect that count as well (the total of G11 as a weakness widens the sum of the
    weaknesses too). The largest are tried first, as statistics offices prune a pattern:
    a cell is published again when the pattern protects every count with it and without
    it, and the tables still hide it alike. (A pattern that leaves a count narrow is kept
    whole: without the cell, such a count could be narrower still.)
    """
    if not any(f.any() for f in forced.values()) or _exposed(grids, forced, links, min_cell_size):
        return
    for name, i in sorted(((n, int(i)) for n in grids for i in np.flatnonzero(forced[n])), key=lambda u: (-grids[u[0]].counts[u[1]], u[0], u[1])):
        trial = {n: f.copy() for n, f in forced.items()}
        trial[name][i] = False
        hidden = {n: g.hidden(trial[n], min_cell_size) for n, g in grids.items()}
        if hidden[name][i] or _hide_everywhere(grids, hidden, {n: f.copy() for n, f in trial.items()}, {n: np.full(len(g.keys), "", dtype=object) for n, g in grids.items()}):
            continue
        if not _exposed(grids, trial, links, min_cell_size):
            forced[name][i] = False


def _linked_table(name, table) -> LinkedTable:
    if isinstance(table, LinkedTable):
        spec = table
    elif isinstance(table, tuple) and len(table) == 2:
        spec = LinkedTable(table[0], list(table[1]))
    else:
        raise TypeError(f"table {name!r}: expected a LinkedTable or a (data, dims) pair, not {type(table).__name__}")
    missing = [c for c in [spec.count, *spec.dims] if c not in spec.data]
    if missing:
        raise KeyError(f"table {name!r}: columns {missing} not in table (columns: {', '.join(map(str, spec.data.columns))})")
    return spec


class _Grid:
    """A table reduced to its cells: key, count, planned, and its row positions."""

    def __init__(self, spec: LinkedTable):
        self.spec = spec
        data = spec.data.reset_index(drop=True)
        # a category's size bounds its cells for the reader; it is no column of the table
        self.at_most = published_numbers(data[AT_MOST]).fillna(np.inf).to_numpy(dtype=float) if AT_MOST in data else np.full(len(data), np.inf)
        data = data.drop(columns=[AT_MOST], errors="ignore")
        self.data = data
        self.row_cell = data.groupby(list(spec.dims), sort=False, dropna=False).ngroup().to_numpy() if spec.dims else np.zeros(len(data), dtype=int)
        first = pd.Series(np.arange(len(data))).groupby(self.row_cell).first().to_numpy()
        self.at_most = pd.Series(self.at_most).groupby(self.row_cell).min().to_numpy()
        self.cells = data.iloc[first].reset_index(drop=True)
        self.keys = cell_keys(self.cells, spec.dims)
        self.counts = published_numbers(self.cells[spec.count]).fillna(0).to_numpy(dtype=float)
        planned = np.asarray(["" if h is None or h is pd.NA or h != h else str(h) for h in spec.hide], dtype=object) if spec.hide is not None else np.full(len(data), "", dtype=object)
        self.planned = pd.Series(planned != "").groupby(self.row_cell).all().to_numpy()
        self.index = {k: i for i, k in enumerate(self.keys)}
        self.first = first
        self._done: dict = {}  # suppression of a large table takes seconds: once per pattern

    def hidden(self, forced: np.ndarray, min_cell_size: int) -> np.ndarray:
        """The table's cells hidden by its own suppression with ``forced`` cells hidden too."""
        return self._suppressed(forced, min_cell_size)[0].copy()

    def primary(self, forced: np.ndarray, min_cell_size: int) -> np.ndarray:
        """The cells that table labels ``primary`` with ``forced`` cells hidden too."""
        return self._suppressed(forced, min_cell_size)[1].copy()

    def _suppressed(self, forced: np.ndarray, min_cell_size: int) -> tuple:
        key = (forced.tobytes(), min_cell_size)
        if key not in self._done:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)  # Report.table warns when it publishes
                out = suppress(self.data, count=self.spec.count, dims=list(self.spec.dims), hide=self.spec.hide, linked=forced[self.row_cell], min_cell_size=min_cell_size, margins=self.spec.margins)
            self._done[key] = (out["suppressed"].to_numpy(dtype=bool)[self.first], out["suppression"].eq(PRIMARY).to_numpy()[self.first])
        return self._done[key]

    def margins(self, planned_hidden: np.ndarray, min_cell_size: int) -> list[np.ndarray]:
        dims = list(self.spec.dims)
        if not dims:
            return [np.arange(len(self.keys))] if self.spec.margins is None else []
        return _public_margins(self.cells, dims, self.counts, planned_hidden, min_cell_size, self.spec.margins)


def _links(grids: dict) -> list[tuple]:
    """(coarser table, its cell, finer table, the finer cells it is made of), for every pair
    of tables whose dimensions are one within the other."""
    out = []
    for coarse, c in grids.items():
        for fine, f in grids.items():
            if not set(c.spec.dims) < set(f.spec.dims):
                continue
            dims = sorted(c.spec.dims)
            parent_of = [tuple(p for p in key if p[0] in dims) for key in f.keys]
            children: dict = {}
            for j, parent in enumerate(parent_of):
                children.setdefault(parent, []).append(j)
            for i, key in enumerate(c.keys):
                if key in children:
                    out.append((coarse, i, fine, np.asarray(children[key])))
    return out


def _hide_everywhere(grids, hidden, forced, protects) -> bool:
    """A cell hidden in one table is hidden in every table that publishes it."""
    changed = False
    for name, g in grids.items():
        for other, h in grids.items():
            if other == name or set(g.spec.dims) != set(h.spec.dims):
                continue
            for i in np.flatnonzero(hidden[name]):
                j = h.index.get(g.keys[i])
                if j is not None and not hidden[other][j] and not forced[other][j] and h.counts[j] > 0:
                    forced[other][j], protects[other][j] = True, name
                    changed = True
    return changed


def _widen_one(grids, hidden, forced, protects, links, min_cell_size, primary=None) -> bool:
    """Hide one more cell for the first hidden count the linked tables leave too narrow."""
    narrow = _narrow(grids, hidden, links, min_cell_size)
    for name, i in narrow:
        for coarse, p, fine, kids in links:
            # A published total over a finer line whose hidden cells, each at least 1, leave
            # them too little room: the total is hidden too.
            if fine == name and i in kids and not hidden[coarse][p] and grids[coarse].counts[p] > 0:
                shut = kids[hidden[fine][kids]]
                if grids[fine].counts[shut].sum() - len(shut) < min_cell_size:
                    forced[coarse][p], protects[coarse][p] = True, fine
                    return True
        for coarse, p, fine, kids in links:
            # A hidden total that its finer line gives back: the line's smallest published cell.
            if coarse == name and p == i:
                open_ = [int(j) for j in kids if not hidden[fine][j] and grids[fine].counts[j] > 0]
                if open_:
                    j = min(open_, key=lambda j: (grids[fine].counts[j], j))
                    forced[fine][j], protects[fine][j] = True, coarse
                    return True
    labelled = _narrow(grids, hidden, links, min_cell_size, primary) if primary is not None else narrow
    by_label = [u for u in labelled if u not in narrow]
    for name, i in by_label:
        # A count its label leaves narrow under a published total (two primary cells of 4
        # adding up to 8): the smallest published cell of its line, else the total, if that
        # gives it its range back (hiding what does not would only cost published cells).
        for coarse, p, fine, kids in links:
            if fine != name or i not in kids:
                continue
            open_ = sorted((int(j) for j in kids if not hidden[fine][j] and grids[fine].counts[j] > 0), key=lambda j: (grids[fine].counts[j], j))
            total = [(coarse, p)] if not hidden[coarse][p] and grids[coarse].counts[p] > 0 else []
            for table, j in [(fine, j) for j in open_] + total:
                trial = {n: f.copy() for n, f in forced.items()}
                trial[table][j] = True
                shut = {n: g.hidden(trial[n], min_cell_size) for n, g in grids.items()}
                if (name, i) not in _narrow(grids, shut, links, min_cell_size, {n: g.primary(trial[n], min_cell_size) for n, g in grids.items()}):
                    forced[table][j], protects[table][j] = True, fine
                    return True
    return _companion(grids, hidden, forced, protects, links, min_cell_size, primary, set(narrow) | set(labelled))


def _companion(grids, hidden, forced, protects, links, min_cell_size, primary, narrow) -> bool:
    """Hide the cells that leave the fewest counts narrow at the least loss, if they leave fewer.

    Left for counts that neither rule above widens: one a category's size narrows (the
    interviewees of a group naming G11 are at most the group's), or a hidden total whose
    cells of the finer table are all hidden, each at least 1, under a published sum of its
    own table (14 over G03, G05 and G12 as weaknesses). The candidates are the published
    cells of the narrow counts' public sums and of their linked lines. Each is tried with
    the tables' own suppression, and the linear programme (:func:`_narrow`) tells which
    counts it leaves narrow; of those leaving the fewest, the one that loses the least is
    hidden, as statistics offices weigh complementary cells by a cost (tau-ARGUS, sdcTable):
    the smallest total of the counts the tables then newly hide (with the companions their
    own suppression adds: a cell of 7 that takes one of 12 with it loses more than one of
    9), then the fewest cells, then the smallest, then the first in the tables' order. Two
    cheaper cells that together protect as much (:func:`_cheaper_pair`) are hidden instead.
    A cheaper choice that leaves more counts narrow is never taken.
    """
    near: set = set()
    for name, i in narrow:
        g = grids[name]
        near |= {(name, int(j)) for idx in g.margins(g.planned, min_cell_size) if i in idx for j in idx}
        for coarse, p, fine, kids in links:
            if fine == name and i in kids:
                near |= {(coarse, p)} | {(fine, int(j)) for j in kids}
            if coarse == name and p == i:
                near |= {(fine, int(j)) for j in kids}
    candidates = sorted((u for u in near if not hidden[u[0]][u[1]] and grids[u[0]].counts[u[1]] > 0), key=lambda u: (grids[u[0]].counts[u[1]], u[0], u[1]))
    tried = [_try_hiding(grids, hidden, forced, links, min_cell_size, primary, narrow, [u]) for u in candidates]
    helping = [t for t in tried if t[0][0] < len(narrow)]
    if not helping:
        return False
    best = min(helping, key=lambda t: t[0])
    best = _cheaper_pair(grids, hidden, forced, links, min_cell_size, primary, narrow, tried, best)
    _, cells, left = best
    fixed = sorted(set(narrow) - left)
    for table, j in cells:
        forced[table][j], protects[table][j] = True, fixed[0][0] if fixed else table
    return True


#: How many pairs of cheaper cells :func:`_cheaper_pair` tries at most in one round (each
#: costs the tables' suppression and a linear programme).
PAIRS_TRIED = 6


def _try_hiding(grids, hidden, forced, links, min_cell_size, primary, narrow, cells) -> tuple:
    """What hiding ``cells`` (``[(table, cell)]``) with the forced ones gives: ``(key, cells,
    counts left narrow)``, ``key`` being (counts left narrow, the counts newly hidden, their
    number, the counts of ``cells``, the cells) so that the smallest key is the best choice."""
    trial = {n: f.copy() for n, f in forced.items()}
    for table, j in cells:
        trial[table][j] = True
    shut = {n: gr.hidden(trial[n], min_cell_size) for n, gr in grids.items()}
    # Hiding a cell only frees the reader's equations, so a count wide before stays wide:
    # only the narrow counts and the newly hidden ones are solved again to choose (the
    # next round checks every count).
    only = set(narrow) | {(n, int(i)) for n in grids for i in np.flatnonzero(shut[n] & ~hidden[n])}
    left = _exposed(grids, trial, links, min_cell_size, only=only) if primary is not None else set(_narrow(grids, shut, links, min_cell_size, only=only))
    # the loss: what the tables newly hide with these cells (a companion their own suppression
    # drops for them is not counted as a gain: the rules above tend to hide it again)
    value = sum(float(gr.counts[shut[n] & ~hidden[n]].sum()) for n, gr in grids.items())
    number = sum(int((shut[n] & ~hidden[n]).sum()) for n in grids)
    own = sum(float(grids[table].counts[j]) for table, j in cells)
    order = tuple(sorted((str(table), int(j)) for table, j in cells))
    return (len(left), value, number, own, order), list(cells), left


def _cheaper_pair(grids, hidden, forced, links, min_cell_size, primary, narrow, tried, best) -> tuple:
    """Two cells that lose less than ``best`` and leave fewer counts narrow, or only some of its.

    Cells that each lose less than ``best`` and widen some count are paired when the counts
    they widen, each alone, are as many as ``best`` widens (two cells that widen nothing alone
    but would together are not looked for), the pairs whose two losses add up to less first
    (a pair loses about what its two cells lose), at most :data:`PAIRS_TRIED` of them; each is
    checked by the linear programme like a single cell. Returns ``best`` when none does
    better."""
    narrow = set(narrow)
    need = len(narrow) - best[0][0]  # counts the pair must widen between them
    cheaper = [t for t in tried if t[0][1] < best[0][1] and t[1] != best[1] and narrow - t[2]]
    pairs = sorted((a[0][1] + b[0][1], a[0][4] + b[0][4], a[1] + b[1]) for k, a in enumerate(cheaper) for b in cheaper[k + 1:]
                   if a[0][1] + b[0][1] < best[0][1] and len(narrow - (a[2] & b[2])) >= need)
    for _, _, cells in pairs[:PAIRS_TRIED]:
        pair = _try_hiding(grids, hidden, forced, links, min_cell_size, primary, narrow, cells)
        # as protective: fewer counts left narrow, or only some of those ``best`` leaves
        if (pair[0][0] < best[0][0] or pair[2] <= best[2]) and pair[0][1:3] < best[0][1:3]:
            best = pair
    return best


def _narrow(grids, hidden, links, min_cell_size, primary=None, only=None) -> list[tuple]:
    """(table, cell) of each hidden count a reader holding every table can pin to fewer than
    ``min_cell_size`` + 1 values (or that no completion fits), by linear programming; with
    ``primary`` (``{table: cells labelled primary}``) also each one a reader who takes the
    labels' bounds narrows (:func:`~pra_lib.publishing.disclosure_labels.label_exposed`)."""
    from scipy.optimize import linprog

    unknown = [(name, int(i)) for name, g in grids.items() for i in np.flatnonzero(hidden[name])]
    if not unknown:
        return []
    col = {u: k for k, u in enumerate(unknown)}
    eq, eq_b, ub, ub_b = [], [], [], []
    among_hidden = {id(eq): [], id(ub): []}  # sums of hidden cells alone: what the labels say with nothing published

    def add(terms, rhs, rows, rhs_rows):
        """sum(sign * cell) (op) rhs, with published cells moved to the right-hand side."""
        row, b = np.zeros(len(unknown)), float(rhs)
        for sign, name, i in terms:
            if hidden[name][i]:
                row[col[(name, i)]] += sign
            else:
                b -= sign * grids[name].counts[i]
        if row.any():
            rows.append(row), rhs_rows.append(b)
            if rhs == 0 and b == 0:
                among_hidden[id(rows)].append(row)

    # A finer line whose total is a hidden cell of a coarser table is not a public margin.
    shut = {(fine, tuple(sorted(kids.tolist()))) for coarse, p, fine, kids in links if hidden[coarse][p]}
    for name, g in grids.items():
        for idx in g.margins(g.planned, min_cell_size):
            if (name, tuple(sorted(idx.tolist()))) in shut:
                continue
            add([(1, name, int(i)) for i in idx], g.counts[idx].sum(), eq, eq_b)
    for coarse, p, fine, kids in links:
        parent, parts = grids[coarse].counts[p], grids[fine].counts[kids]
        terms = [(1, fine, int(j)) for j in kids] + [(-1, coarse, p)]
        if abs(parts.sum() - parent) < 0.5:  # the finer cells split the total's people
            add(terms, 0, eq, eq_b)
        elif parts.sum() < parent:  # some of its people are in no finer cell
            add(terms, 0, ub, ub_b)
        else:  # one person in several finer cells: each is still a part of the total
            add([(-t[0], t[1], t[2]) for t in terms], 0, ub, ub_b)
        for j in kids:
            add([(1, fine, int(j)), (-1, coarse, p)], 0, ub, ub_b)
    # Every hidden count is at least 1, and at most the size of the category it counts a part
    # of (AT_MOST): a cell of a group of s people can never be wider than 1..s, so it must
    # keep that whole range when s - 1 is less than the protection interval.
    sizes = [grids[name].at_most[i] for name, i in unknown]
    kwargs = dict(A_eq=np.array(eq) if eq else None, b_eq=eq_b or None, A_ub=np.array(ub) if ub else None, b_ub=ub_b or None,
                  bounds=[(1, m if np.isfinite(m) else None) for m in sizes], method="highs")
    out = []
    # Each solution is a completion a reader could hold: a count whose known completions are
    # already far enough apart is wide without solving for it.
    seen: list = []
    for k, u in enumerate(unknown):
        if only is not None and u not in only:
            continue
        need = min(min_cell_size, sizes[k] - 1)
        if len(seen) > 1 and np.ptp([x[k] for x in seen]) >= need:
            continue
        c = np.zeros(len(unknown))
        c[k] = 1
        low, high = linprog(c, **kwargs), linprog(-c, **kwargs)
        seen += [r.x for r in (low, high) if r.status == 0]
        if low.status != 0 or (high.status == 0 and -high.fun - low.fun < need):
            out.append(u)
    if primary is None:
        return out
    from .disclosure_labels import label_bounds

    # The same programme with each hidden count within its label's bounds. A primary cell
    # must keep the range that the labels alone leave it (1..k-1, or less when it is a part
    # of a primary total: the labels say that much with no number published).
    size = min_cell_size
    labels = [label_bounds(grids[name].counts[[i]], [True], primary[name][[i]], min_cell_size=size)[0] for name, i in unknown]
    bounds = [(lo, m if hi is None else min(hi, m)) if np.isfinite(m) else (lo, hi) for (lo, hi), m in zip(labels, sizes)]
    kwargs["bounds"] = bounds
    alone = dict(bounds=bounds, method="highs", A_eq=np.array(among_hidden[id(eq)]) if among_hidden[id(eq)] else None, b_eq=[0.0] * len(among_hidden[id(eq)]) or None,
                 A_ub=np.array(among_hidden[id(ub)]) if among_hidden[id(ub)] else None, b_ub=[0.0] * len(among_hidden[id(ub)]) or None)
    seen = []
    for k, u in enumerate(unknown):
        if u in out or (only is not None and u not in only):
            continue
        if labels[k] != (1, size - 1) and len(seen) > 1 and np.ptp([x[k] for x in seen]) >= 0.5:
            continue  # not pinned, and no label range to keep
        c = np.zeros(len(unknown))
        c[k] = 1
        low, high = linprog(c, **kwargs), linprog(-c, **kwargs)
        seen += [r.x for r in (low, high) if r.status == 0]
        if low.status != 0:
            out.append(u)
            continue
        lo, hi = low.fun, (-high.fun if high.status == 0 else np.inf)
        labelled = labels[k] == (1, size - 1)
        if hi - lo < 0.5 and not (labelled and size <= 2):
            out.append(u)
        elif labelled and size > 2:
            least, most = linprog(c, **alone), linprog(-c, **alone)
            if lo > least.fun + 0.5 or hi < -most.fun - 0.5:
                out.append(u)
    return out
