"""What a notebook publishes: tables as CSV and XLSX and figures as PNG (SVG on request), beside its HTML report.

A notebook makes one :class:`Report` and passes every published table and figure through
it, so that suppression and file writing happen in one place.
"""

from __future__ import annotations

import html
import json
import re
from datetime import datetime
from pathlib import Path

import pandas as pd

from .disclosure import CITYWIDE, COMPLEMENTARY, DEFAULT_MIN_CELL_SIZE, DEFAULT_SMALL_CATEGORIES, PRIMARY, SMALLEST_SAFE_CELL, merge_small_categories, plan, suppress
from .disclosure_linked import linked_rows
from .privacy import install_output_screen, publishable, safe_markdown, screen_figure, screen_text
from .._files import atomic_write_bytes, atomic_write_text
from ..assessment.schema import SAFE_ID_PATTERN
from ..assessment.snapshot import derive_key, shared_result

_SAFE_NAME = re.compile(SAFE_ID_PATTERN)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
PLAN_COUNTS = ("n",)  # columns of the disclosure plan that count people: never published


def neutralise_formulas(data: pd.DataFrame) -> pd.DataFrame:
    """Make text cells that a spreadsheet would evaluate as a formula inert.

    A text cell starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return gets a
    leading apostrophe, which Excel and LibreOffice read as "this is text"; the rest of the
    text is kept. So does such a start after a ``;`` or ``,`` inside the cell (``x;=1+1``
    becomes ``x;'=1+1``), since a spreadsheet set to split on ``;`` would evaluate it.
    Numbers are left alone.

    Examples
    --------
    >>> neutralise_formulas(pd.DataFrame({"quote": ["=HYPERLINK(1)", "ok"]}))["quote"].tolist()
    ["'=HYPERLINK(1)", 'ok']
    """
    out = data.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(_inert)
    return out


# A formula after a ';' or ',' inside a cell: a spreadsheet whose list separator is ';'
# (Indonesian and most European settings) splits the cell there and evaluates the rest.
_FORMULA_AFTER_SEPARATOR = re.compile(r"([;,])(?=[=@\t\r]|[+-][^\d\s])")


def _inert(value):
    if not isinstance(value, str):
        return value
    if value.startswith(_FORMULA_START):
        value = "'" + value
    return _FORMULA_AFTER_SEPARATOR.sub(r"\1'", value)


def _check_name(name: str) -> str:
    if not isinstance(name, str) or not _SAFE_NAME.match(name):
        raise ValueError(f"output name {name!r} must be letters, digits, '-', '_' or '.', not starting with '.'")
    return name


class Report:
    """Collects the tables and figures one notebook publishes.

    Parameters
    ----------
    output_dir : str or Path
        Folder of this notebook's outputs. Tables go to ``tables/``, figures to ``figures/``.
    min_cell_size : int
        Cells resting on fewer respondents than this are suppressed.
    assessment : Assessment, optional
        The assessment the notebook reports on. With it, the run's disclosure plan
        (:func:`pra_lib.publishing.disclosure.plan`) is computed from the data, so that every
        notebook of the run merges or hides the same small categories; ``report.assessment``
        is then the assessment to analyse (small categories merged under ``"merge"``).
    small_categories : {"merge", "suppress"}
        What to do with a category (area, stakeholder group, workshop table...) of fewer
        than ``min_cell_size`` people: merge it into "other" before analysis, or hide it in
        every table broken down by it.
    activity_id : str, optional
        The activity whose people the notebook's tables count, unless a table says
        otherwise (its own ``activity_id`` column or argument).
    figure_formats : str or tuple of str
        Files written per figure: ``"png"`` (the default), ``"svg"`` or ``"png,svg"``.

    Examples
    --------
    >>> report = Report("/tmp/pra-report", min_cell_size=5, assessment=assessment)  # doctest: +SKIP
    >>> assessment = report.assessment                                               # doctest: +SKIP
    >>> report.table(counts, "participation", count="n", dims=["stakeholder_group"])  # doctest: +SKIP
    """

    def __init__(
        self,
        output_dir,
        *,
        min_cell_size: int = DEFAULT_MIN_CELL_SIZE,
        name: str | None = None,
        assessment=None,
        small_categories: str = DEFAULT_SMALL_CATEGORIES,
        activity_id: str | None = None,
        figure_formats: str | tuple[str, ...] = "png",
    ):
        if isinstance(min_cell_size, bool) or not isinstance(min_cell_size, int) or min_cell_size < 1:
            raise ValueError(f"min_cell_size must be a whole number of at least 1, not {min_cell_size!r}")
        self.output_dir = Path(output_dir)
        self.min_cell_size = min_cell_size
        self.name = _check_name(name or self.output_dir.name or "report")
        install_output_screen()  # in a notebook: every output, error and print passes the privacy gate
        self.activity_id = activity_id
        self.figure_formats = figure_formats_option(figure_formats)
        self.tables: dict[str, pd.DataFrame] = {}
        self.declarations: dict[str, dict] = {}
        self._workbook_tables: dict[str, pd.DataFrame] = {}  # as published, whatever the notebook does to them later
        self._workbook_due = False
        self.linked = pd.DataFrame(columns=["activity_id", "measure", "table", "cell", "suppression", "protects", "role"])
        self.margins: dict = {}  # (activity, measure, table) -> the dims whose sums are public (link_tables)
        self._plan_shown = None  # the display of the sentence at the top, updated when tables are linked
        # The plan depends on the data and the two options only, so each notebook of a run,
        # in its own kernel, arrives at the same one; under `pra run` it is computed once
        # per run and shared through the run's cache.
        self.plan = None if assessment is None else shared_result(
            assessment, "disclosure.plan", {"min_cell_size": min_cell_size, "small_categories": small_categories},
            lambda: plan(assessment, min_cell_size=min_cell_size, small_categories=small_categories),
        )
        self.assessment = assessment if assessment is None else merge_small_categories(assessment, self.plan, activity_id=activity_id)
        # the merged tables are the same in every report of the run, whatever its activity: results shared across
        # reports (snapshot.shared) are keyed by the plan's options, not by the report's activity
        derive_key(self.assessment, assessment, "merge_small_categories", {"min_cell_size": min_cell_size, "small_categories": small_categories})
        (self.output_dir / "tables").mkdir(parents=True, exist_ok=True)
        if min_cell_size < SMALLEST_SAFE_CELL:
            self._show_small_cell_warning()
        if self.plan is not None and not self.plan.categories.empty:
            self._show_plan()

    def _show_small_cell_warning(self) -> None:
        # A reader of the report must see that its counts may rest on one or two people.
        from IPython.display import Markdown, display

        from .i18n import t

        display(Markdown("**" + t("report.small_cells", size=self.min_cell_size) + "**"))

    def plan_sentence(self) -> str:
        """The sentences naming the categories the run merged or hid (empty when none).

        A report on one activity names that activity's categories only, its interviewees'
        hidden groups included, and every category hidden to protect another (people with
        no area are hidden also under ``"merge"``); then the cells hidden to protect a linked
        table (:meth:`link_tables`). A report across activities says in one sentence that
        each activity's report names them.
        """
        from .disclosure import interviewees
        from .i18n import pick, t

        linked = self._linked_sentence(self.linked) if len(self.linked) else ""
        if self.plan is None or self.plan.categories.empty:
            return linked
        cats = self.plan.categories
        if self.activity_id is None:
            # a report across activities (overall, working groups): the activity reports list them
            key = "report.merged_elsewhere" if self.plan.small_categories == "merge" else "report.hidden_elsewhere"
            return " ".join(filter(None, [t(key, size=self.min_cell_size), linked]))
        cats = cats[cats["activity_id"].isin([self.activity_id, interviewees(self.activity_id)])]
        if cats.empty:
            return linked
        meta = self.assessment.metadata if self.assessment is not None else None
        names: dict = {}  # per dimension: one id ("other") may name a group and an area
        activities = {}
        if meta is not None:
            groups = meta.stakeholder_groups
            names["stakeholder_group"] = dict(zip(groups["stakeholder_group"], (pick(en, i) for en, i in zip(groups["label"], groups["label_id"]))))
            names["area"] = dict(zip(meta.areas["area"], meta.areas["name"])) | {CITYWIDE: t("overview.citywide")}
            acts = meta.activities
            activities = dict(zip(acts["activity_id"], (pick(en, i) for en, i in zip(acts["title"], acts["title_id"]))))
        activities[interviewees(self.activity_id)] = t("report.interviewees_of", activity=activities.get(self.activity_id, self.activity_id))
        sentences = []
        merged = cats[cats["action"] == "merged"]
        if len(merged):
            items = []
            for (activity, dim, into), group in merged.groupby(["activity_id", "dimension", "into"], sort=True):
                mine = names.get(dim, {})
                listed = ", ".join(str(mine.get(c, c)) for c in sorted(group["category"]))
                label = mine.get(into) or t("disclosure.other_category", categories=listed)
                items.append(t("report.merged_item", categories=listed, into=label, dimension=_dimension_name(dim), activity=activities.get(activity, activity)))
            sentences.append(t("report.merged_categories", size=self.min_cell_size, merged="; ".join(items)))
        # Hidden under either policy: people with no area (they cannot join an area) and
        # the interviewees' small groups, with the categories hidden to protect them.
        hidden = cats[cats["action"].isin([PRIMARY, COMPLEMENTARY])]
        if len(hidden):
            reasons = {PRIMARY: t("disclosure.primary", size=self.min_cell_size), COMPLEMENTARY: t("disclosure.complementary")}
            items = [
                t("report.hidden_item", category=names.get(d, {}).get(c, c), dimension=_dimension_name(d), activity=activities.get(a, a), action=reasons[act])
                for a, d, c, act in zip(hidden["activity_id"], hidden["dimension"], hidden["category"], hidden["action"])
            ]
            sentences.append(t("report.hidden_categories", size=self.min_cell_size, hidden="; ".join(items)))
        return " ".join(filter(None, [*sentences, linked]))

    def _show_plan(self) -> None:
        # One sentence at the top of the report: cells linked later (link_tables) update it in place.
        from IPython.display import display

        text = self.markdown(self.plan_sentence())
        if getattr(self, "_plan_shown", None) is not None:
            self._plan_shown.update(text)
        else:
            self._plan_shown = display(text, display_id=True)

    def table(
        self,
        data: pd.DataFrame,
        name: str,
        *,
        count: str | None = "n",
        columns: list[str] | None = None,
        dims: list[str] | None = None,
        activity_id: str | None = None,
        measure: str | None = None,
        other_counts: dict | None = None,
        hidden_with=None,
        margins=None,
        hidden_last=None,
        hidden_keys=None,
    ) -> pd.DataFrame:
        """Protect, write and return a published table.

        Small cells are suppressed (with complementary suppression over ``dims``; see
        :func:`pra_lib.publishing.disclosure.suppress`), and so is every row of a category the
        run's disclosure plan hides. Respondent ids are pseudonymised, personal data is
        refused, and the CSV is written atomically to ``tables/<name>.csv`` with spreadsheet
        formulas neutralised: a hidden number is an empty cell, with ``suppressed`` and
        ``suppression`` (``primary`` / ``complementary``) saying why. What the table rests
        on is declared in ``tables/_tables.json`` (count, dims, activity), so that reviewers
        and the disclosure audit can check the run's tables together.

        Parameters
        ----------
        data : DataFrame
            The table to publish.
        name : str
            File name stem; letters, digits, ``-``, ``_`` and ``.`` only.
        count : str or None
            Column of respondent counts that suppression reads; ``None`` for a table that
            counts no people (for example a list of hazards).
        columns : list of str, optional
            Statistics hidden together with a suppressed count (default: every numeric column).
        dims : list of str, optional
            Columns the table is broken down by (``["goal_id", "area"]``); margins over each
            are treated as public, and categories the plan hides are hidden in them.
        activity_id : str, optional
            The activity whose people the table counts (default: the report's).
        measure : str, optional
            What ``count`` counts (``"people"``, ``"goal_raters"``...). Tables of one
            activity declaring the same measure count the same people, so a cell of one is
            a sum of cells of another broken down further; recorded for the audit.
        other_counts : dict, optional
            What every other count column counts, so that no count of people is published
            undeclared: ``{"n_dont_know": "goal_dont_know"}`` (a measure, over ``dims``),
            ``{"n_a": {"measure": "goal_raters", "dims": {"goal_id": "goal_id",
            "stakeholder_group": "group_a"}}}`` (a measure over the dimensions that the
            named columns hold) or ``{"n_statements": None}`` (counts no people). An entry
            for ``count`` itself names the columns that identify its cells for the audit,
            for a table whose rows are not a grid of margins (pairs, evidence trails).
        hidden_with : array of bool, optional
            Rows hidden (``complementary``) because their count would give back a cell
            hidden in another table: the codes of a goal line hidden in
            ``statements_by_goal``
            (:func:`~pra_lib.publishing.disclosure_linked.rows_of_hidden_lines`).
        margins : list of str, optional
            The dimensions whose sums a reader holds, when not every margin is published:
            ``["stakeholder_group"]`` for a table by activity and group whose activity totals
            are published but whose group totals over activities are not (they would count a
            person once per activity). Default: every margin and the grand total. Recorded as
            ``margins`` in ``_tables.json``.
        hidden_last : list of str, optional
            For a table sorted by a value that suppression hides: the block columns
            (``["valence"]``); after suppression each block's hidden rows follow its published
            rows, ordered by ``hidden_keys``
            (:func:`~pra_lib.publishing.row_order.hidden_last`). Not recorded: the declared
            order tells nothing of the hidden values.
        hidden_keys : list of str, optional
            The columns that order the hidden rows (``["goal_id"]``; default: the table's
            text columns).
        """
        _check_name(name)
        activity_id = activity_id or self.activity_id
        published = self.protect(data, name, count=count, columns=columns, dims=dims, activity_id=activity_id, measure=measure, hidden_with=hidden_with, margins=margins, hidden_last=hidden_last, hidden_keys=hidden_keys)
        self.tables[name] = published
        self.declarations[name] = {
            "count": count,
            "measure": measure,
            "dims": list(dims or []),
            "activity_id": None if "activity_id" in data else activity_id,
            "columns": [str(c) for c in published.columns],
            "other_counts": _other_counts(other_counts, published, name),
        }
        if count is not None and margins is not None:
            self.declarations[name]["margins"] = list(margins)  # the sums taken as public
        elif count is not None and measure and (activity_id, measure, name) in self.margins:
            self.declarations[name]["margins"] = self.margins[(activity_id, measure, name)]  # the sums taken as public
        csv = neutralise_formulas(published).to_csv(index=False, lineterminator="\n")
        atomic_write_text(self.output_dir / "tables" / f"{name}.csv", csv)
        atomic_write_text(self.output_dir / "tables" / "_tables.json", self._declaration_json())
        self._workbook_changed(name)
        return published

    def protect(
        self,
        data: pd.DataFrame,
        name: str,
        *,
        count: str | None = "n",
        columns: list[str] | None = None,
        dims: list[str] | None = None,
        activity_id: str | None = None,
        measure: str | None = None,
        other_counts: dict | None = None,
        hidden_with=None,
        margins=None,
        hidden_last=None,
        hidden_keys=None,
    ) -> pd.DataFrame:
        """The table as :meth:`table` would publish it, without writing or recording anything.

        A dry run: what the table would hide, for a table whose other columns depend on it
        (a weighting margin that hides an area withholds all its weighted shares). The
        suppression is the one :meth:`table` applies with the same arguments (the run's
        disclosure plan, cells hidden to protect a linked table, ``hidden_with``), and the
        result has been through the same privacy gate; no file, declaration or workbook
        sheet is written, so the table is published once, by :meth:`table`.

        Parameters
        ----------
        data, name, count, columns, dims, activity_id, measure, other_counts, hidden_with, margins, hidden_last, hidden_keys
            As for :meth:`table`, so that one dict of options serves both calls;
            ``other_counts`` is checked against the table as :meth:`table` checks it.

        Returns
        -------
        DataFrame
            The protected table: a hidden number is missing, and ``suppressed`` and
            ``suppression`` (``primary`` / ``complementary``) say which rows are hidden and why.

        Examples
        --------
        >>> options = dict(dims=["method", "variable", "category"], measure="respondents_by_weighting_margin")  # doctest: +SKIP
        >>> would_hide = report.protect(margin_rows, "weighting_margins", **options)                           # doctest: +SKIP
        >>> report.table(withhold_weighted_shares(margin_rows, published=would_hide), "weighting_margins", **options)  # doctest: +SKIP
        """
        _check_name(name)
        activity_id = activity_id or self.activity_id
        if hidden_with is not None:
            hidden_with = pd.Series(list(hidden_with), dtype=bool).to_numpy()
            if len(hidden_with) != len(data):
                raise ValueError(f"table {name!r}: hidden_with has {len(hidden_with)} values for {len(data)} rows")
        if self.plan is not None and dims:
            # Merged categories are shown once, as "other", not also as empty members.
            away = self.plan.rows_merged_away(data, dims=dims, activity_id=activity_id)
            if away.any():
                data = data[~away].reset_index(drop=True)
                hidden_with = hidden_with[~away] if hidden_with is not None else None
        if count is None:
            published = data
        else:
            hide = self.plan.rows_to_hide(data, dims=dims, activity_id=activity_id) if self.plan is not None else None
            mine = self.linked[(self.linked["activity_id"] == activity_id) & (self.linked["measure"] == measure)] if measure else self.linked.iloc[:0]
            linked = linked_rows(data, dims or [], mine["cell"]) if len(mine) else None
            if hidden_with is not None:
                linked = hidden_with if linked is None else linked | hidden_with
            if margins is None:
                margins = self.margins.get((activity_id, measure, name)) if measure else None
            published = suppress(data, count=count, min_cell_size=self.min_cell_size, columns=columns, dims=dims, hide=hide, linked=linked, margins=margins)
            if hidden_with is not None:
                from .disclosure_linked import hide_rows

                published = hide_rows(published, hidden_with, count=count, columns=columns, dims=dims or [])  # a row of no one still carries other counts
        published = publishable(published, name=name)
        if hidden_last is not None:  # no row's place may rank a value hidden in it
            from .row_order import hidden_last as put_hidden_last

            published = put_hidden_last(published, blocks=hidden_last, keys=hidden_keys)
        _other_counts(other_counts, published, name)  # a dry run fails where the table would
        return published

    def link_tables(self, tables: dict, *, dims: dict, measure: str, activity_id: str | None = None, count: str = "n", people: pd.DataFrame | None = None, person: str = "respondent_id", published=()) -> pd.DataFrame:
        """Choose the suppression of tables that count the same people together, before they are published.

        ``tables`` (``{name: DataFrame}``, each over ``dims[name]``) count one ``measure``
        of one activity, some broken down further than others (interviewees naming a goal,
        and the same by group). :func:`pra_lib.publishing.disclosure_linked.link_tables`
        finds the cells to hide so that no table gives away another's hidden counts (a goal's
        total where each of its groups is hidden); :meth:`table` then hides them wherever a
        table of that measure publishes them. Call it before the report's first table: the
        sentence at the top of the report (:meth:`plan_sentence`) then names them, with the
        cells hidden with them against their table's totals.

        ``people`` (one row per person and cell, such as the interview statements, with a
        ``person`` column) decides which sums of each table a reader may hold
        (:func:`~pra_lib.publishing.disclosure_linked.public_margins`): one published by a
        linked table or one that counts people; complementary suppression protects against
        those only. People of other activities are left out (the report's participants say
        whose activity a person is in), and the breakdowns the people lack are taken from
        the participants. Without ``people`` every sum and grand total counts as public.
        ``published`` lists the breakdowns whose sums another table of the report publishes,
        in any unit (the interviews' statements per stakeholder group and valence count
        nearly the same people as the sum of their goals): those sums are public too.

        Returns
        -------
        DataFrame
            The cells hidden to protect another table (``table``, ``cell``, ``suppression``,
            ``protects``, ``role``: ``linked``, or ``companion`` for a cell its own table
            then hides with them); empty when each table's own suppression suffices.

        Examples
        --------
        >>> report.link_tables({"by_goal": by_goal, "by_goal_and_group": by_group}, dims={"by_goal": ["goal_id"],
        ...                    "by_goal_and_group": ["goal_id", "stakeholder_group"]}, measure="interviewees_by_goal",
        ...                    people=assessment.interview_statements)  # doctest: +SKIP
        """
        from .disclosure_linked import LinkedTable, link_tables, public_margins

        activity_id = activity_id or self.activity_id
        people = self._people_of_activity(people, person)
        specs = {}
        for name, data in tables.items():
            table_dims = list(dims[name])
            if self.plan is not None:
                data = data[~self.plan.rows_merged_away(data, dims=table_dims, activity_id=activity_id)].reset_index(drop=True)
            hide = self.plan.rows_to_hide(data, dims=table_dims, activity_id=activity_id) if self.plan is not None else None
            others = [list(dims[o]) for o in tables if o != name] + [list(p) for p in published]
            margins = public_margins(people, dims=table_dims, person=person, published=others)
            if margins is not None:
                self.margins[(activity_id, measure, name)] = margins
            specs[name] = LinkedTable(data, table_dims, count=count, hide=hide, margins=margins)
        found = link_tables(specs, min_cell_size=self.min_cell_size)
        found.insert(0, "measure", measure)
        found.insert(0, "activity_id", activity_id)
        self.linked = pd.concat([self.linked, found], ignore_index=True) if len(self.linked) else found
        if len(found):
            self._show_plan()  # the sentence at the top of the report, now with these cells
        return found

    def _people_of_activity(self, people, person: str):
        """The rows of ``people`` of the report's activity, with the participants' breakdowns."""
        if people is None or self.assessment is None or person not in people:
            return people
        who = self.assessment.participants
        if person not in who:
            return people
        if self.activity_id is not None and "activity_id" in who:
            who = who[who["activity_id"] == self.activity_id]
        extra = [c for c in who.columns if c not in people or c == person]
        return people.merge(who[extra].drop_duplicates(person), on=person, how="inner")

    def _linked_sentence(self, linked: pd.DataFrame) -> str:
        """One sentence per table naming the cells hidden in it to protect another table's."""
        from .i18n import goal_label, t, term

        def shown(dim, value):
            try:
                return goal_label(value) if dim == "goal_id" else term(value, dim)
            except ValueError:  # not a CRF goal id
                return value

        def named(cell):  # the goal first, the other dimensions after it: "Meets basic needs (weakness)"; shown through safe_markdown
            parts = [str(shown(d, v)) for d, v in sorted(cell, key=lambda dv: dv[0] != "goal_id")]
            return parts[0] + (f" ({', '.join(parts[1:])})" if len(parts) > 1 else "")

        sentences = []
        role = linked["role"].fillna("linked") if "role" in linked else pd.Series("linked", index=linked.index)
        for (table, protects), rows in linked[role != "companion"].groupby(["table", "protects"], sort=False):
            cells = "; ".join(named(cell) for cell in rows["cell"])
            sentences.append(t("report.linked_hidden", table=table, protects=protects, cells=cells, size=self.min_cell_size))
        for table, rows in linked[role == "companion"].groupby("table", sort=False):
            # the cells the table's own suppression hides with the linked ones
            sentences.append(t("report.linked_companions", table=table, cells="; ".join(named(cell) for cell in rows["cell"])))
        return " ".join(sentences)

    @property
    def workbook_path(self) -> Path:
        """Where the notebook's workbook is written: ``<output_dir>/<name>.xlsx``."""
        return self.output_dir / f"{self.name}.xlsx"

    def save_workbook(self) -> Path | None:
        """Write the workbook of every table published so far, if one changed since it was last written.

        In a notebook this happens by itself: after each cell that published a table (so a
        JupyterLab user finds the workbook current), or once when the kernel ends under
        ``pra run`` (which sets ``PRA_WORKBOOK_AT_EXIT``), instead of after every table.
        Between a table and the next write there is no workbook on disk, never an older one
        that looks complete.

        Returns
        -------
        Path or None
            The workbook written, or None when nothing had changed.

        Examples
        --------
        >>> report.save_workbook()  # doctest: +SKIP
        PosixPath('outputs/interactive/01_questionnaire/01_questionnaire.xlsx')
        """
        if not self._workbook_due:
            return None
        write_workbook(self._workbook_tables, self.workbook_path, min_cell_size=self.min_cell_size)
        self._workbook_due = False
        if _PENDING_WORKBOOKS.get(self.workbook_path) is self:
            del _PENDING_WORKBOOKS[self.workbook_path]
        return self.workbook_path

    def _workbook_changed(self, name: str) -> None:
        # Writing the whole workbook after every table made a notebook's tables cost O(n^2).
        self._workbook_tables[name] = self.tables[name].copy()
        shell = _kernel_shell()
        if not self._workbook_due:
            self._workbook_due = True
            if shell is not None:
                self.workbook_path.unlink(missing_ok=True)  # an older workbook lacks this table
        if shell is None:  # a script, a test or a terminal: no cell end is sure to follow, so write now
            self.save_workbook()
            return
        _PENDING_WORKBOOKS[self.workbook_path] = self  # a report made again for the same folder replaces the older one
        _install_workbook_hooks(shell)

    def _declaration_json(self) -> str:
        doc = {
            "min_cell_size": self.min_cell_size,
            "small_categories": None if self.plan is None else self.plan.small_categories,
            # The plan names each merged or hidden category, never its size: that count is the
            # very cell the plan keeps from the reader.
            "plan": [] if self.plan is None else [
                {k: (v.item() if hasattr(v, "item") else v) for k, v in row.items() if k not in PLAN_COUNTS}
                for row in self.plan.categories.to_dict("records")
            ],
            "tables": self.declarations,
        }
        if len(self.linked):  # cells hidden to protect a linked table (link_tables)
            doc["linked"] = [{**row, "cell": dict(row["cell"])} for row in self.linked.to_dict("records")]
        return screen_text(json.dumps(doc, indent=1, sort_keys=True, ensure_ascii=False, default=str)) + "\n"  # categories are data

    def markdown(self, text: str):
        """Show computed text as Markdown, through the privacy and markup gate.

        What looks like personal data is redacted, and no link, image, raw URL, maths or
        HTML element can come from the data (:func:`pra_lib.publishing.privacy.safe_markdown`);
        the project's own bullets and emphasis are kept.

        Examples
        --------
        >>> report.markdown("- **Top:** [x](javascript:alert(1))").data  # doctest: +SKIP
        '- **Top:** \\\\[x\\\\](javascript:alert(1))'
        """
        from IPython.display import Markdown

        return Markdown(safe_markdown(text))

    def figure(self, fig, name: str) -> None:
        """Save a matplotlib figure under ``figures/`` and show it in the notebook, rendered once.

        The figure is drawn once per format in ``figure_formats``: PNG (the default) for the
        HTML report and screens, SVG on request for report writers who place figures in
        Word or a layout program. In a notebook the PNG just written is what is shown, and
        the figure is closed, so it is not drawn a second time at the end of the cell. Files
        carry no timestamps, so the same data give the same files. Every text of the
        figure passes the privacy gate first (:func:`pra_lib.publishing.privacy.screen_figure`),
        and its numbers are written in the report language
        (:func:`pra_lib.publishing.plots.localise_figure`).

        Examples
        --------
        >>> report.figure(perception.likert_bars(likert), "answers_per_goal")  # doctest: +SKIP
        """
        import io

        import matplotlib

        from .plots import localise_figure

        _check_name(name)
        screen_figure(fig)  # labels, titles, legends and tick labels: no personal data in a figure
        localise_figure(fig)  # value labels and ticks written by locale: 2,16 and 1.000 in Indonesian
        drawn = {}
        with matplotlib.rc_context({"svg.hashsalt": name}):
            for kind in self.figure_formats:
                buffer = io.BytesIO()
                fig.savefig(buffer, dpi=110, bbox_inches="tight", metadata=_FIGURE_METADATA[kind], format=kind)
                drawn[kind] = buffer.getvalue()
                atomic_write_bytes(self.output_dir / "figures" / f"{name}.{kind}", drawn[kind])
        _show_drawn(fig, drawn)


def _other_counts(spec, published: pd.DataFrame, name: str) -> dict:
    """The declared count columns besides the main one, checked against the table."""
    out: dict = {}
    for column, what in (spec or {}).items():
        if column not in published:
            raise KeyError(f"table {name!r}: other_counts names {column!r}, which is not a column (columns: {', '.join(map(str, published.columns))})")
        if isinstance(what, dict):
            if not isinstance(what.get("measure"), str) or not isinstance(what.get("dims"), dict):
                raise ValueError(f"table {name!r}: other_counts[{column!r}] must be a measure name, None, or {{'measure': str, 'dims': {{dimension: column}}}}, not {what!r}")
            unknown = [c for c in what["dims"].values() if c not in published]
            if unknown:
                raise KeyError(f"table {name!r}: other_counts[{column!r}] maps dimensions to {unknown}, which are not columns")
            what = {"measure": what["measure"], "dims": dict(what["dims"])}
        elif what is not None and not isinstance(what, str):
            raise ValueError(f"table {name!r}: other_counts[{column!r}] must be a measure name, None, or a dict with measure and dims, not {what!r}")
        out[str(column)] = what
    return out


WORKBOOK_AT_EXIT_ENV = "PRA_WORKBOOK_AT_EXIT"  # set by `pra run`: write workbooks once, when the kernel ends
_PENDING_WORKBOOKS: dict[Path, Report] = {}
_WORKBOOK_HOOKS: list = []


def _kernel_shell():
    """The shell of the Jupyter kernel this runs in, or None (a script, a test, a terminal).

    Only a kernel is sure to run the end-of-cell and exit hooks that write a workbook; an
    IPython shell object can also exist in a process that runs no cells (a test session).
    """
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with the notebooks' dependencies
        return None
    shell = get_ipython()
    return shell if getattr(shell, "kernel", None) is not None else None


def write_pending_workbooks() -> list[Path]:
    """Write every workbook a table changed since it was last written; return their paths.

    Called after each cell in a notebook and when the kernel ends; a workbook that fails to
    be written does not stop the others, and the first error is raised after them all.

    Examples
    --------
    >>> write_pending_workbooks()  # doctest: +SKIP
    []
    """
    written, errors = [], []
    for report in list(_PENDING_WORKBOOKS.values()):
        try:
            path = report.save_workbook()
        except Exception as exc:  # noqa: BLE001 - raised below, after the other workbooks
            _PENDING_WORKBOOKS.pop(report.workbook_path, None)
            errors.append(exc)
            continue
        if path is not None:
            written.append(path)
    if errors:
        raise errors[0]
    return written


def _after_cell(result=None) -> None:
    write_pending_workbooks()


def _install_workbook_hooks(shell) -> None:
    # atexit covers a kernel that ends (pra run, papermill, a JupyterLab restart); the cell
    # hook keeps the workbook current for a reader of an interactive session.
    import atexit
    import os

    if _WORKBOOK_HOOKS:
        return
    if os.environ.get(WORKBOOK_AT_EXIT_ENV) == "1":
        atexit.register(_write_and_end_kernel)
    else:
        atexit.register(write_pending_workbooks)
        shell.events.register("post_run_cell", _after_cell)
    _WORKBOOK_HOOKS.append(shell)


def _write_and_end_kernel() -> None:
    """At the end of a ``pra run`` kernel: write the workbooks, run the other exit
    handlers, and end the process without tearing down every module and object one by
    one, which took a loaded kernel 1-2 s after its last cell while the runner waited."""
    import atexit
    import os
    import sys
    import traceback

    status = 0
    try:
        write_pending_workbooks()
    except Exception:  # noqa: BLE001 - the runner fails the report: its workbook is missing
        traceback.print_exc()
        status = 1
    atexit.unregister(_write_and_end_kernel)
    atexit._run_exitfuncs()  # IPython's and the libraries' own handlers, as a normal exit would
    for stream in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__):
        try:
            stream.flush()
        except Exception:  # noqa: BLE001 - a stream the kernel already closed
            pass
    os._exit(status)


_FIGURE_METADATA = {"png": {"Software": None}, "svg": {"Date": None, "Creator": None}}
FIGURE_FORMATS = tuple(_FIGURE_METADATA)


def figure_formats_option(value) -> tuple[str, ...]:
    """``"png"``, ``"png,svg"`` or a sequence of them, checked, in a fixed order.

    Examples
    --------
    >>> figure_formats_option("svg, png")
    ('png', 'svg')
    """
    items = [v.strip().lower() for v in (value.split(",") if isinstance(value, str) else value)]
    unknown = sorted(set(items) - set(FIGURE_FORMATS)) if items else ["(none)"]
    if unknown or not items:
        raise ValueError(f"figure_formats must name one or more of {', '.join(FIGURE_FORMATS)}, separated by commas; {', '.join(unknown)} is not one")
    return tuple(kind for kind in FIGURE_FORMATS if kind in items)


def _show_drawn(fig, drawn: dict) -> None:
    # In a kernel, show the bytes already drawn and close the figure, so that the inline
    # backend does not draw it again; elsewhere (scripts, tests) leave the figure to the caller.
    if _kernel_shell() is None:
        return
    import matplotlib.pyplot as plt
    from IPython.display import SVG, Image, display

    display(Image(data=drawn["png"], format="png") if "png" in drawn else SVG(data=drawn["svg"]))
    plt.close(fig)


def _dimension_name(dim: str) -> str:
    from .i18n import header

    text = header(dim).lower()
    return text[:-3] if text.endswith(" id") else text[3:] if text.startswith("id ") else text


def readable_header(column: str) -> str:
    """``share_positive`` -> ``Share positive``; ``ci_low`` -> ``CI low``; ``n`` stays ``n``."""
    if column in ("n", "k"):
        return column
    words = str(column).replace("_", " ").split()
    words = [w.upper() if w in {"ci", "id", "idr", "iqr", "ipa"} else w for w in words]
    text = " ".join(words)
    return text[:1].upper() + text[1:] if text else text


def write_workbook(tables: dict[str, pd.DataFrame], path: Path, *, min_cell_size: int = DEFAULT_MIN_CELL_SIZE) -> None:
    """Write tables to one XLSX workbook, one sheet per table, with readable headers.

    Text that a spreadsheet would evaluate as a formula is stored as text, never as a
    formula. A suppressed value is an empty cell carrying a note that says why. The file
    is written atomically, and without timestamps: the document
    properties and the zip entries carry a fixed date, so the same tables give the same
    bytes (``pra reproduce`` compares them).
    """
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.utils import get_column_letter

    from .i18n import t

    reasons = {
        PRIMARY: t("disclosure.cell_note", reason=t("disclosure.primary", size=min_cell_size), size=min_cell_size),
        COMPLEMENTARY: t("disclosure.cell_note", reason=t("disclosure.complementary"), size=min_cell_size),
    }

    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    for name, frame in tables.items():
        title = name[:31]
        k = 2
        while title in used:
            title = f"{name[:28]}_{k}"
            k += 1
        used.add(title)
        ws = wb.create_sheet(title)
        ws.append([readable_header(c) for c in frame.columns])
        for row in frame.itertuples(index=False):
            ws.append([None if (v is None or v is pd.NA or (isinstance(v, float) and v != v)) else (v.item() if hasattr(v, "item") else v) for v in row])
        why = frame["suppression"].tolist() if "suppression" in frame else [None] * len(frame)
        for cells, reason in zip(ws.iter_rows(min_row=2), why):
            for cell in cells:
                if isinstance(cell.value, str) and cell.value.startswith(_FORMULA_START):
                    cell.data_type = "s"  # text, not a formula
                elif cell.value is None and reason in reasons:
                    cell.comment = Comment(reasons[reason], "pra_lib")
        ws.freeze_panes = "A2"
        for i, col in enumerate(frame.columns, start=1):
            width = max([len(readable_header(col))] + [len(str(v)) for v in frame[col].head(200)])
            ws.column_dimensions[get_column_letter(i)].width = min(max(width + 2, 8), 60)
    wb.properties.created = _WORKBOOK_DATE
    atomic_write_bytes(path, _without_timestamps(wb))


# The earliest date a zip entry can carry; also used for the workbook's document properties.
_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
_WORKBOOK_DATE = datetime(*_ZIP_EPOCH)


def _without_timestamps(wb) -> bytes:
    """The workbook's XLSX bytes with the save time replaced by a fixed date.

    openpyxl stamps ``dcterms:modified`` with the time of saving and each zip entry with
    the local time; both are set to 1980-01-01 here, keeping the entries' order and content.
    """
    import io
    import re
    import zipfile

    saved = io.BytesIO()
    wb.save(saved)
    fixed = _WORKBOOK_DATE.strftime("%Y-%m-%dT%H:%M:%SZ").encode("ascii")
    out = io.BytesIO()
    with zipfile.ZipFile(saved) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            data = source.read(entry.filename)
            if entry.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:(?:created|modified)\b[^>]*>)[^<]*(<)", rb"\g<1>" + fixed + rb"\g<2>", data)
            info = zipfile.ZipInfo(entry.filename, date_time=_ZIP_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = entry.external_attr
            target.writestr(info, data)
    return out.getvalue()
