"""A hidden row's place in a published table must tell nothing about the value it hides.

A table sorted by a count keeps a suppressed row between the published counts around it,
and these bound it (the disclosure reviewer read academia's strengths G09, G06, G04, all hidden,
in count order, and with the group's 5 statements pinned G04 to 1). Every table of a published
run must therefore either be in the order of its keys (goal, code, hazard, area, the
assessment's own category orders), or list each block's hidden rows after its published rows,
in key order; a rank counts published rows only.
"""

from __future__ import annotations

from itertools import combinations
from pathlib import Path

import pandas as pd
import pytest

from pra_lib import load_assessment
from pra_lib.perception._common import _goal_table
from pra_lib.publishing.row_order import hidden_last, top_published

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"
# Columns that say why a row is hidden or carry prose: never a key of the order.
NOT_KEYS = {"suppression", "suppressed", "quote", "quote_from", "quote_withheld"}


def _known_orders() -> list[list[str]]:
    """The category orders a reader knows without any count: the assessment's and the method's."""
    a = load_assessment(SAMPLE)
    frames = [a.metadata.activities, a.metadata.stakeholder_groups, a.metadata.areas, a.hazards, _goal_table()]
    orders = [[str(v) for v in frame[c].dropna()] for frame in frames for c in frame.columns]
    # the valences, and the kinds of evidence in a focus area's trail (pra_lib.focus_areas.evidence_trail)
    return [*orders, ["weakness", "strength"], ["shock", "stress"], ["goal", "shock", "stress", "hazard", "interview code", "actions"]]


def _in_known_order(values: list[str], orders: list[list[str]]) -> bool:
    if values == sorted(values) or len(values) <= 1:
        return True
    for order in orders:
        place = {v: i for i, v in enumerate(order)}
        if all(v in place for v in values) and [place[v] for v in values] == sorted(place[v] for v in values):
            return True
    return False


def _key_columns(table: pd.DataFrame) -> list[str]:
    return [c for c in table.columns if c not in NOT_KEYS and not pd.api.types.is_numeric_dtype(table[c]) and not pd.api.types.is_bool_dtype(table[c])]


def _runs(values: list[str]) -> list[str] | None:
    """The values in order of their runs, or None when a value comes back after another."""
    seen: list[str] = []
    for v in values:
        if not seen or seen[-1] != v:
            if v in seen:
                return None
            seen.append(v)
    return seen


def in_key_order(table: pd.DataFrame, keys: list[str], orders: list[list[str]]) -> bool:
    """True when the rows are nested by some of ``keys``, each level in a known category order."""
    if len(table) <= 1:
        return True
    for c in keys:
        text = table[c].astype(str).tolist()
        runs = _runs(text)
        if runs is None or len(runs) == 1 or not _in_known_order(runs, orders):
            continue
        rest = [k for k in keys if k != c]
        if all(in_key_order(part, rest, orders) for _, part in table.groupby(table[c].astype(str), sort=False)):
            return True
    return all(table[c].astype(str).nunique() == 1 for c in keys)  # no key tells the rows apart below this level


def hidden_rows_last(table: pd.DataFrame, keys: list[str], orders: list[list[str]]) -> bool:
    """True when, for some block columns, each block lists its hidden rows after its published rows, in key order."""
    hidden = table["suppressed"].astype(str).str.lower().eq("true")
    for size in range(0, min(2, len(keys)) + 1):
        for blocks in combinations(keys, size):
            ids = table[list(blocks)].astype(str).agg("|".join, axis=1) if blocks else pd.Series("", index=table.index)
            if _runs(ids.tolist()) is None or not in_key_order(table.loc[~ids.duplicated(), list(blocks)], list(blocks), orders):
                continue  # the blocks themselves come in an order of keys
            ok = True
            for _, part in table.groupby(ids, sort=False):
                flags = hidden[part.index].tolist()
                if flags != sorted(flags) or not in_key_order(part[hidden[part.index]], [k for k in keys if k not in blocks], orders):
                    ok = False
                    break
            if ok:
                return True
    return False


def order_problems(root: Path) -> list[str]:
    """Every table of a published run whose row order ranks a hidden value, or whose ranks count hidden rows."""
    orders = _known_orders()
    problems = []
    for path in sorted(root.rglob("tables/*.csv")):
        table = pd.read_csv(path, dtype_backend="numpy_nullable")
        name = f"{path.parent.parent.name}/{path.name}"
        if "suppressed" not in table or not table["suppressed"].astype(str).str.lower().eq("true").any():
            continue
        keys = _key_columns(table)
        table[keys] = table[keys].astype(object).where(table[keys].notna(), "").map(str)  # an empty key is a key too
        if not (in_key_order(table, keys, orders) or hidden_rows_last(table, keys, orders)):
            problems.append(f"{name}: hidden rows sit among published rows in an order of values")
        if "rank" in table:
            shown = table["rank"].dropna().astype(int).tolist()
            if shown != list(range(1, len(shown) + 1)) or table["rank"].isna().any():
                problems.append(f"{name}: ranks {shown} count hidden rows")
    return problems


def test_hidden_last_keeps_published_order_and_lists_hidden_rows_by_key():
    t = pd.DataFrame(
        {
            "valence": ["weakness", "weakness", "weakness", "strength", "strength", "strength"],
            "goal_id": ["G10", "G01", "G07", "G09", "G06", "G04"],
            "n": [24, None, 11, None, None, 6],
            "suppressed": [False, True, False, True, True, False],
        }
    )
    out = hidden_last(t, blocks=["valence"], keys=["goal_id"])
    assert out["goal_id"].tolist() == ["G10", "G07", "G01", "G04", "G06", "G09"]
    assert out["valence"].tolist() == t["valence"].tolist()  # blocks keep their place
    assert t["goal_id"].tolist()[:3] == ["G10", "G01", "G07"]  # the input is not modified
    assert hidden_last(t.drop(columns="suppressed"), blocks=["valence"])["goal_id"].tolist() == t["goal_id"].tolist()
    with pytest.raises(ValueError, match="no column 'stakeholder_group'"):
        hidden_last(t, blocks=["stakeholder_group"])


def test_top_published_ranks_only_published_rows():
    full = pd.DataFrame({"rank": [1, 2, 3, 4, 5, 6], "code": list("abcdef"), "n": [24, 15, 11, 9, 9, 7]})
    published = full.assign(suppressed=[False, True, False, True, False, False])
    top = top_published(full, published=published, k=3)
    assert top["code"].tolist() == ["a", "c", "e"] and top["rank"].tolist() == [1, 2, 3]
    with pytest.raises(ValueError, match="rows"):
        top_published(full, published=published.iloc[:3], k=3)


def test_the_check_sees_a_table_sorted_by_a_hidden_count():
    orders = _known_orders()
    by_count = pd.DataFrame({"valence": ["strength"] * 4, "goal_id": ["G02", "G09", "G06", "G04"], "suppressed": [False, True, True, True]})
    assert not hidden_rows_last(by_count, ["valence", "goal_id"], orders) and not in_key_order(by_count, ["valence", "goal_id"], orders)
    fixed = hidden_last(by_count, blocks=["valence"], keys=["goal_id"])
    assert hidden_rows_last(fixed, ["valence", "goal_id"], orders)
    by_area = pd.DataFrame({"goal_id": ["G01", "G01", "G02", "G02"], "area": ["jakarta_utara", "jakarta_barat"] * 2, "suppressed": [False, True, False, True]})
    assert in_key_order(by_area, ["goal_id", "area"], orders)  # one order of areas in every goal


def test_no_published_table_orders_rows_by_a_hidden_value(sample_reports_en):
    root = sample_reports_en / "jakarta-2017-synthetic"
    codes = pd.read_csv(root / "02_interviews" / "tables" / "codes.csv")
    assert codes["suppressed"].any() and not codes["suppressed"].all()  # the sample has hidden and published codes to order
    problems = order_problems(root)
    assert not problems, "\n".join(problems)
