"""The import rules of ``pra_lib``, read from the source with ``ast`` (see ``docs/architecture.md``).

* Layers, bottom to top: ``_files`` -> ``assessment`` -> ``stats`` -> ``publishing`` ->
  chapters -> ``runner`` / ``cli``. A module imports only from its own layer or below.
* Chapters, bottom to top: overview, perception, interviews, risk, actions, focus_areas,
  seminar, working_groups. A chapter imports only chapters below it.
* Inside ``assessment``: schema/problems/scales/crf -> metadata/readers/personal_data ->
  loading -> sample/importers/template/datadict.
* In a chapter package every module other than ``__init__``, ``figures*`` and ``findings*``
  is a tables module: no matplotlib, seaborn or ``publishing.plots``, no figures or
  findings module, and from ``publishing.i18n`` only the label look-ups. Findings modules
  import no matplotlib or seaborn.
* No module is longer than 1,000 lines; no module imports matplotlib or seaborn when it is
  imported; ``import pra_lib`` loads neither pandas nor matplotlib.

Every import counts, also those inside functions; relative imports are resolved, and the
short names of ``pra_lib/__init__.py`` (``from pra_lib import i18n``) are followed to the
module they stand for. ``pra_lib/__init__.py`` itself is exempt (lazy aliases).
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pytest

from .conftest import REPO

PACKAGE = REPO / "pra_lib"

# Layers, bottom to top. A flat module pra_lib/<name>.py and a package pra_lib/<name>/ count alike.
CHAPTERS = ["overview", "perception", "interviews", "risk", "actions", "focus_areas", "seminar", "working_groups"]
OLD_CHAPTER_NAMES = {"synthesis": "focus_areas"}
LAYERS = [
    ("_files", {"_files"}),
    ("assessment", {"assessment"}),
    ("stats", {"stats"}),
    ("publishing", {"publishing"}),
    ("chapters", set(CHAPTERS) | set(OLD_CHAPTER_NAMES)),
    ("runner/cli", {"runner", "manifest", "cli", "reproduce", "__main__"}),
]
LAYER_OF = {name: (i, layer) for i, (layer, names) in enumerate(LAYERS) for name in names}
LAYER_TEXT = " -> ".join(layer for layer, _ in LAYERS)

# Inside the assessment layer, bottom to top; __init__ is exempt.
ASSESSMENT_TIERS = [
    {"schema", "problems", "scales", "crf"},
    {"metadata", "readers", "personal_data", "snapshot"},
    {"loading"},
    {"sample", "importers", "template", "datadict"},
]
ASSESSMENT_TEXT = " -> ".join("/".join(sorted(tier)) for tier in ASSESSMENT_TIERS)

# Chapter imports that break the chapter order on purpose, with the reason. Keep it short.
CHAPTER_ORDER_EXCEPTIONS = {
    # perception.py held the interview functions; its package re-exports them for old callers.
    ("pra_lib.perception", "interviews"),
}

PLOTTING = {"matplotlib", "seaborn"}
I18N = "pra_lib.publishing.i18n"
PLOTS = "pra_lib.publishing.plots"
I18N_LABELS = {"pick", "pick_all", "goal_label", "dimension_label", "cell_label", "english", "get_language", "format_number"}
MAX_LINES = 1000


@dataclass(frozen=True)
class Import:
    module: str  # the importing module, e.g. "pra_lib.risk.shocks"
    path: str  # its file, relative to the repository
    line: int
    text: str  # the import statement as written
    target: str  # the module imported from, resolved, e.g. "pra_lib.publishing.i18n"
    name: str | None  # the name taken from it (``from target import name``), None for ``import target``
    as_module: bool  # True when the statement binds the target module itself
    at_import: bool  # True when it runs on import (not inside a function)

    def where(self) -> str:
        return f"{self.path}:{self.line}  {self.text}"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@lru_cache(maxsize=None)
def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py")) if "__pycache__" not in p.parts}


@lru_cache(maxsize=None)
def _aliases() -> dict[str, str]:
    """Short name -> module of ``pra_lib/__init__.py`` (``i18n`` -> ``pra_lib.publishing.i18n``)."""
    tree = ast.parse((PACKAGE / "__init__.py").read_text(encoding="utf-8"))
    out: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id in ("_MODULES", "_LAZY") for t in node.targets):
            try:
                mapping = ast.literal_eval(node.value)
            except ValueError:
                continue
            for short, target in mapping.items():
                out.setdefault(short, f"pra_lib.{target}")
    return out


def _resolve(importer: str, is_package: bool, level: int, module: str | None) -> str:
    parts = importer.split(".") if is_package else importer.split(".")[:-1]
    if level > 1:
        parts = parts[: len(parts) - (level - 1)]
    return ".".join(parts + ([module] if module else []))


def _imports_of(module: str, path: Path) -> list[Import]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    rel = str(path.relative_to(REPO))
    is_package = path.name == "__init__.py"
    known = _modules()
    out: list[Import] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            in_function = True
        if isinstance(node, ast.Import):
            for alias in node.names:
                out.append(Import(module, rel, node.lineno, ast.unparse(node), alias.name, None, True, not in_function))
        elif isinstance(node, ast.ImportFrom):
            base = _resolve(module, is_package, node.level, node.module) if node.level else (node.module or "")
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                if base == "pra_lib" and alias.name in _aliases():
                    target, as_module = _aliases()[alias.name], alias.name in _module_aliases()
                elif candidate in known:
                    target, as_module = candidate, True
                else:
                    target, as_module = base, False
                out.append(Import(module, rel, node.lineno, ast.unparse(node), target,
                                  None if as_module else alias.name, as_module, not in_function))
        for child in ast.iter_child_nodes(node):
            visit(child, in_function)

    visit(tree, False)
    return out


@lru_cache(maxsize=None)
def _module_aliases() -> frozenset[str]:
    return frozenset(short for short, target in _aliases().items() if target in _modules())


@lru_cache(maxsize=None)
def _parsed() -> tuple[tuple[Import, ...], tuple[str, ...]]:
    """The imports of every module that parses, and the syntax errors of those that do not."""
    imports, errors = [], []
    for name, path in _modules().items():
        try:
            imports.extend(_imports_of(name, path))
        except SyntaxError as exc:
            errors.append(f"{path.relative_to(REPO)}:{exc.lineno}  {exc.msg}")
    return tuple(imports), tuple(errors)


def _all_imports() -> tuple[Import, ...]:
    return _parsed()[0]


def _top(module: str) -> str | None:
    """``pra_lib.risk.shocks`` -> ``risk``; None outside pra_lib and for pra_lib itself."""
    parts = module.split(".")
    return parts[1] if parts[0] == "pra_lib" and len(parts) > 1 else None


def _chapter(module: str) -> str | None:
    top = _top(module)
    top = OLD_CHAPTER_NAMES.get(top, top)
    return top if top in CHAPTERS else None


def _kind(path: str) -> str | None:
    """Kind of a module inside a chapter package: tables, figures, findings or init; None elsewhere."""
    parts = Path(path).parts
    if len(parts) < 3 or parts[0] != "pra_lib" or OLD_CHAPTER_NAMES.get(parts[1], parts[1]) not in CHAPTERS:
        return None
    stem = Path(path).stem
    if stem == "__init__":
        return "init"
    return next((k for k in ("figures", "findings") if stem.startswith(k)), "tables")


def _natural(text: str) -> list:
    """Sort key putting ``file.py:9`` before ``file.py:10``."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text)]


def _report(problems: list[str], rule: str) -> None:
    if problems:
        listing = "\n  ".join(sorted(set(problems), key=_natural))
        pytest.fail(f"{len(set(problems))} import(s) break the rule: {rule}\n  {listing}", pytrace=False)


def _pra_imports():
    for imp in _all_imports():
        if imp.module != "pra_lib" and _top(imp.target) is not None:
            yield imp


# ---------------------------------------------------------------------------
# Layers and chapters
# ---------------------------------------------------------------------------


def test_every_module_parses():
    errors = _parsed()[1]
    assert not errors, "modules that do not parse (the other rules skip them):\n  " + "\n  ".join(errors)


def test_every_module_belongs_to_a_layer():
    unknown = [f"{path.relative_to(REPO)}: '{_top(name)}' is in no layer (add it to LAYERS in this test)"
               for name, path in _modules().items() if name != "pra_lib" and _top(name) not in LAYER_OF]
    assert not unknown, "\n".join(unknown)


def test_layers_point_down():
    problems = []
    for imp in _pra_imports():
        mine, theirs = LAYER_OF.get(_top(imp.module)), LAYER_OF.get(_top(imp.target))
        if mine and theirs and theirs[0] > mine[0]:
            problems.append(f"{imp.where()}  ->  {imp.target} ({theirs[1]}) is above {imp.module} ({mine[1]})")
    _report(problems, f"a module imports only its own layer or layers below ({LAYER_TEXT})")


def test_chapters_import_only_chapters_below():
    problems = []
    for imp in _pra_imports():
        mine, theirs = _chapter(imp.module), _chapter(imp.target)
        if not (mine and theirs) or mine == theirs or (imp.module, theirs) in CHAPTER_ORDER_EXCEPTIONS:
            continue
        if CHAPTERS.index(theirs) > CHAPTERS.index(mine):
            problems.append(f"{imp.where()}  ->  chapter {theirs} is above chapter {mine}")
    _report(problems, f"a chapter imports only chapters below it ({' -> '.join(CHAPTERS)})")


def test_assessment_layer_order():
    tier = {name: i for i, names in enumerate(ASSESSMENT_TIERS) for name in names}
    problems = []
    for imp in _pra_imports():
        mine, theirs = imp.module.split("."), imp.target.split(".")
        if mine[1:2] != ["assessment"] or theirs[1:2] != ["assessment"] or len(mine) < 3 or len(theirs) < 3:
            continue  # only module-to-module imports inside assessment; its __init__ is exempt
        a, b = tier.get(mine[2]), tier.get(theirs[2])
        if a is None or b is None:
            problems.append(f"{imp.where()}  ->  assessment.{mine[2] if a is None else theirs[2]} has no tier "
                            "(add it to ASSESSMENT_TIERS in this test)")
        elif b > a:
            problems.append(f"{imp.where()}  ->  assessment.{theirs[2]} is above assessment.{mine[2]}")
    _report(problems, f"inside assessment, a module imports only its own tier or below ({ASSESSMENT_TEXT})")


def test_statistics_core_knows_no_chapter_and_no_publishing():
    problems = []
    for imp in _pra_imports():
        if _top(imp.module) == "stats" and (_chapter(imp.target) or _top(imp.target) in ("publishing", "runner", "cli")):
            problems.append(f"{imp.where()}  ->  {imp.target}")
    _report(problems, "the statistics core (pra_lib.stats) imports no chapter, publishing, runner or cli module")


# ---------------------------------------------------------------------------
# Chapter packages: tables, figures, findings
# ---------------------------------------------------------------------------


def test_tables_modules_hold_no_drawing_and_no_prose():
    problems = []
    for imp in _all_imports():
        if _kind(imp.path) != "tables":
            continue
        root = imp.target.split(".")[0]
        last = imp.target.split(".")[-1]
        if root in PLOTTING:
            problems.append(f"{imp.where()}  ->  {root}: tables modules do not draw")
        elif imp.target == PLOTS or imp.target.startswith(PLOTS + "."):
            problems.append(f"{imp.where()}  ->  publishing.plots: tables modules do not draw")
        elif _chapter(imp.target) and last.startswith(("figures", "findings")):
            problems.append(f"{imp.where()}  ->  {imp.target}: tables modules sit below figures and findings")
        elif imp.target == I18N and (imp.as_module or imp.name not in I18N_LABELS):
            what = "the i18n module" if imp.as_module else f"i18n.{imp.name}"
            problems.append(f"{imp.where()}  ->  {what}: tables modules use only the label look-ups "
                            f"({', '.join(sorted(I18N_LABELS))}); sentences belong in findings")
    _report(problems, "a chapter's tables modules (not __init__, figures*, findings*) compute; they do not draw or write")


def test_findings_modules_do_not_draw():
    problems = [f"{imp.where()}  ->  {imp.target}" for imp in _all_imports()
                if _kind(imp.path) == "findings" and imp.target.split(".")[0] in PLOTTING]
    _report(problems, "findings modules build sentences; they import no matplotlib or seaborn")


def test_no_module_imports_plotting_libraries_on_import():
    problems = [f"{imp.where()}  ->  {imp.target}" for imp in _all_imports()
                if imp.at_import and imp.target.split(".")[0] in PLOTTING]
    _report(problems, "matplotlib and seaborn are imported inside the figure functions, never at module level")


# ---------------------------------------------------------------------------
# Size and import cost
# ---------------------------------------------------------------------------


def test_no_module_is_longer_than_1000_lines():
    long = []
    for path in _modules().values():
        with path.open(encoding="utf-8") as fh:
            n = sum(1 for _ in fh)
        if n > MAX_LINES:
            long.append(f"{path.relative_to(REPO)}: {n} lines")
    assert not long, f"modules longer than {MAX_LINES} lines (split them by topic):\n  " + "\n  ".join(long)


def _run(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_import_pra_lib_loads_neither_pandas_nor_matplotlib():
    out = _run("import pra_lib, sys; print('pandas' in sys.modules, 'matplotlib' in sys.modules)")
    assert out == "False False", f"import pra_lib loaded (pandas, matplotlib) = {out}; keep heavy imports lazy"


def test_importing_a_chapter_loads_no_matplotlib():
    present = [name for name in CHAPTERS + sorted(OLD_CHAPTER_NAMES)
               if (PACKAGE / name).is_dir() or (PACKAGE / f"{name}.py").is_file()]
    code = ("import importlib, sys\n"
            f"for name in {present!r}:\n"
            "    importlib.import_module('pra_lib.' + name)\n"
            "    if 'matplotlib' in sys.modules or 'seaborn' in sys.modules:\n"
            "        print(name)\n"
            "        break\n")
    culprit = _run(code)
    assert not culprit, f"importing pra_lib.{culprit} loads matplotlib; import it inside the figure functions"
