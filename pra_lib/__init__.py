"""pra_lib: analyse a city's Preliminary Resilience Assessment (PRA).

The heavy parts (pandas, plotting) load on first use, so ``import pra_lib`` stays fast.

Examples
--------
>>> import pra_lib as pra
>>> assessment = pra.load_assessment("data/sample")   # doctest: +SKIP
"""

from importlib import import_module

__version__ = "0.1.0"

_LAZY = {
    "load_assessment": "assessment",
    "validate_assessment": "assessment",
    "Assessment": "assessment",
    "AssessmentError": "problems",
    "Problem": "problems",
    "Report": "report",
    "generate_sample": "sample",
    "run_reports": "runner",
}
_MODULES = {"actions", "assessment", "cli", "crf", "datadict", "disclosure", "i18n", "importers", "metadata", "overview", "perception", "plots", "privacy", "problems", "readers", "report", "risk", "runner", "sample", "scales", "schema", "seminar", "stats", "synthesis", "template", "weights", "working_groups"}

__all__ = sorted(_LAZY) + ["__version__"]


def __getattr__(name):
    if name in _LAZY:
        return getattr(import_module(f".{_LAZY[name]}", __name__), name)
    if name in _MODULES:
        return import_module(f".{name}", __name__)
    raise AttributeError(f"module 'pra_lib' has no attribute {name!r}")
