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
    "load_assessment": "assessment.loading",
    "validate_assessment": "assessment.loading",
    "Assessment": "assessment.loading",
    "AssessmentError": "assessment.problems",
    "Problem": "assessment.problems",
    "NoDataWarning": "stats._base",
    "Report": "publishing.report",
    "generate_sample": "assessment.sample",
    "run_reports": "runner",
    "shared": "assessment.snapshot",
}
# Layers and chapters, plus short names for the modules a notebook reaches for most.
_MODULES = {
    "actions": "actions",
    "assessment": "assessment",
    "cli": "cli",
    "crf": "assessment.crf",
    "focus_areas": "focus_areas",
    "i18n": "publishing.i18n",
    "interviews": "interviews",
    "weights": "stats.weights",
    "overview": "overview",
    "perception": "perception",
    "plots": "publishing.plots",
    "publishing": "publishing",
    "risk": "risk",
    "runner": "runner",
    "seminar": "seminar",
    "stats": "stats",
    "synthesis": "focus_areas",  # the chapter's earlier name
    "working_groups": "working_groups",
}

__all__ = sorted(_LAZY) + ["__version__"]


def __getattr__(name):
    if name in _LAZY:
        return getattr(import_module(f".{_LAZY[name]}", __name__), name)
    if name in _MODULES:
        return import_module(f".{_MODULES[name]}", __name__)
    raise AttributeError(f"module 'pra_lib' has no attribute {name!r}")
