"""The assessment: the data model, reading and validating a folder, the sample and importers.

This is the bottom layer of ``pra_lib``; it imports nothing from the statistics, publishing
or chapter layers above it.

* :mod:`~pra_lib.assessment.schema`: every table and column, the one definition of the data model;
* :mod:`~pra_lib.assessment.crf`: the City Resilience Framework (12 goals, 52 indicators);
* :mod:`~pra_lib.assessment.readers`: CSV, Parquet and XLSX into text tables, with notes;
* :mod:`~pra_lib.assessment.loading`: :func:`load_assessment` and :func:`validate_assessment`;
* :mod:`~pra_lib.assessment.sample`: the synthetic Jakarta-like sample;
* :mod:`~pra_lib.assessment.importers` and :mod:`~pra_lib.assessment.template`: data from
  KoboToolbox, Google Forms and the Excel input workbook.

Examples
--------
>>> from pra_lib.assessment.loading import load_assessment
>>> assessment = load_assessment("data/sample")   # doctest: +SKIP
"""

from importlib import import_module

_LAZY = {
    "Assessment": "loading",
    "load_assessment": "loading",
    "validate_assessment": "loading",
    "AssessmentError": "problems",
    "Problem": "problems",
    "generate_sample": "sample",
}

__all__ = sorted(_LAZY)


def __getattr__(name):
    # Loading pulls in pandas and pandera; the package itself stays cheap to import.
    if name in _LAZY:
        return getattr(import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
