"""Publishing: everything between a computed table and a file a reader opens.

* :mod:`~pra_lib.publishing.report`: :class:`Report`, the one gate every table and figure passes;
* :mod:`~pra_lib.publishing.disclosure`: small-cell suppression and its audit;
* :mod:`~pra_lib.publishing.privacy`: pseudonyms and the last check for personal data;
* :mod:`~pra_lib.publishing.i18n`: the report language (English and Indonesian);
* :mod:`~pra_lib.publishing.plots`: the figure style shared by every chapter.

Publishing sits above the assessment and statistics layers and below the chapters.
"""

from importlib import import_module

__all__ = ["Report"]


def __getattr__(name):
    if name == "Report":
        return import_module(".report", __name__).Report
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
