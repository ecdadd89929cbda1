"""One set of run-level statistical parameters shared by every notebook.

Issue 13: notebook 08 ran 1,000 resamples and the others 2,000, so the same estimate
differed between reports (G09 2.08-2.24 in 01, 2.08-2.23 in 08). Every notebook that
draws random numbers or resamples declares ``seed`` and ``n_resamples`` in its
``parameters`` cell, with the defaults of ``pra_lib.stats.RUN_PARAMETERS``; a run's
``-p seed=...`` then reaches all of them alike.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from pra_lib.stats import RUN_PARAMETERS

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def _cells(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    params = [c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(params) == 1, f"{path.name}: one parameters cell"
    code = [c for c in nb["cells"] if c["cell_type"] == "code" and c is not params[0]]
    return "".join(params[0]["source"]), "\n".join("".join(c["source"]) for c in code)


def _defaults(source):
    out = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
            out[node.target.id] = ast.literal_eval(node.value)
    return out


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_run_parameters_have_the_shared_defaults(path):
    params, code = _cells(path)
    declared = _defaults(params)
    for name, value in RUN_PARAMETERS.items():
        if name in declared:
            assert declared[name] == value, f"{path.stem}: {name} = {declared[name]!r}, the run-level default is {value!r}"
    uses = {name for name in ("seed", "n_resamples") if name in declared or f"{name}=" in code.replace(" ", "")}
    if uses:  # a notebook that resamples or draws declares both, so -p reaches it alike
        assert {"seed", "n_resamples"} <= set(declared), f"{path.stem} declares {sorted(declared)}"


def test_at_least_the_resampling_reports_are_checked():
    stems = {p.stem for p in NOTEBOOKS if {"seed", "n_resamples"} <= set(_defaults(_cells(p)[0]))}
    assert {"01_questionnaire", "03_city_perception_workshop", "07_pra_seminar", "08_pra_overall"} <= stems
