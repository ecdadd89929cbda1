"""Project files that must stay in step: dependencies, the data dictionary, the notebooks."""

from __future__ import annotations

import ast
import json
import re
import tomllib

import yaml

from pra_lib.assessment import datadict

from .conftest import REPO


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~ \[;]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def test_environment_yml_matches_pyproject():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    wanted = {_name(r) for r in project["dependencies"]}
    for extra in ("dev", "lab"):  # bench peers are not needed by conda users
        wanted |= {_name(r) for r in project["optional-dependencies"][extra]}
    env = yaml.safe_load((REPO / "environment.yml").read_text())
    conda = {_name(d) for d in env["dependencies"] if isinstance(d, str)} - {"python", "pip"}
    assert conda == wanted, f"only in environment.yml: {conda - wanted}; only in pyproject: {wanted - conda}"
    pip_part = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert "-e ." in pip_part, "environment.yml installs the package editable"


def test_pyproject_pins_lower_bounds_and_python():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    assert project["requires-python"] == ">=3.11"
    for req in project["dependencies"]:
        assert ">=" in req, f"{req} has no lower bound"
    for core in ("pandas", "seaborn", "scipy", "papermill", "nbconvert", "ipykernel", "matplotlib"):
        assert core in {_name(r) for r in project["dependencies"]}
    assert project["scripts"]["pra"] == "pra_lib.cli:main"


def test_data_dictionary_is_up_to_date():
    committed = (REPO / "docs" / "data-dictionary.md").read_text(encoding="utf-8")
    assert committed == datadict.render(), "regenerate: python -m pra_lib.assessment.datadict > docs/data-dictionary.md"


def _notebooks():
    books = sorted((REPO / "notebooks").glob("*.ipynb"))
    assert books, "no notebooks found"
    return books


def test_notebooks_are_committed_without_outputs():
    for path in _notebooks():
        nb = json.loads(path.read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            if cell["cell_type"] == "code":
                assert cell.get("outputs", []) == [], f"{path.name} has outputs"
                assert cell.get("execution_count") is None, f"{path.name} has execution counts"


def test_each_notebook_has_one_typed_literal_parameters_cell():
    for path in _notebooks():
        nb = json.loads(path.read_text(encoding="utf-8"))
        tagged = [c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
        assert len(tagged) == 1, f"{path.name} needs exactly one cell tagged 'parameters'"
        tree = ast.parse("".join(tagged[0]["source"]))
        names = set()
        for node in tree.body:
            assert isinstance(node, ast.AnnAssign), f"{path.name}: parameters must be typed (name: type = value)"
            assert isinstance(node.value, ast.Constant), f"{path.name}: parameter {ast.unparse(node.target)} needs a literal default"
            names.add(node.target.id)
        assert {"assessment_path", "output_dir", "min_cell_size"} <= names, f"{path.name} misses a standard parameter"


def test_notebook_code_cells_hold_no_loops_or_function_definitions():
    """Notebooks narrate; logic lives in pra_lib."""
    for path in _notebooks():
        nb = json.loads(path.read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            if cell["cell_type"] != "code":
                continue
            tree = ast.parse("".join(cell["source"]))
            for node in ast.walk(tree):
                assert not isinstance(node, (ast.For, ast.While, ast.FunctionDef, ast.ListComp, ast.DictComp, ast.Lambda)), (
                    f"{path.name}: move `{ast.unparse(node)[:60]}` into pra_lib"
                )
