"""Import questionnaire answers from KoboToolbox/ODK and Google Forms exports.

``pra import kobo EXPORT.xlsx --form FORM.xlsx --mapping MAP.yaml --into DIR`` and
``pra import gforms RESPONSES.csv --mapping MAP.yaml --into DIR`` turn a survey tool's
export into the two questionnaire tables of an assessment, ``participants.csv`` and
``perception_ratings.csv``. A small mapping file (YAML) says which question is which goal
rating and which respondent attribute; see ``docs/importing.md`` for its format and the
workflow.

The rules:

* **Nothing is dropped silently.** Every column of the export that the mapping does not
  use is listed in the result: unmapped questions, questions the mapping ignores,
  ``select_multiple`` (checkbox) questions and repeat groups (which the data model has no
  place for), and the tool's own metadata columns.
* **Answers convert by meaning.** A choice's name and its labels in any language of the
  form are tried; labels of the common answer scales (quality, satisfaction, agreement,
  importance, frequency; English or Indonesian; with or without a leading number such as
  ``5 (Very effective)``) become codes 1-5, "don't know" (*tidak tahu*) stays a
  "don't know" answer (missing, never a middle value) and a refusal is no rating. An answer
  that is not clearly one value (``Male/Female``, a date or a birth year for an age) is an
  error naming the answer, its first row and how many rows hold it, never a guess: add it
  to the mapping's ``values``.
* **Real exports read as written.** Sheets whose writer declared a wrong size (R's
  ``openxlsx``), Kobo's own columns renamed by R (``X_uuid``, ``X.U.FEFF.start``) or by
  scripts (``uuid``), and ``question.choice`` split columns are recognised.
* **Personal data stays in the personal columns.** Name, phone, e-mail and NIK questions
  map to the ``name``, ``phone``, ``email`` and ``nik`` columns of ``participants`` and
  nowhere else; their values are never printed in messages.
* **Inputs are never written.** The tables are written atomically (temporary file and
  rename) into the assessment folder, which must hold the metadata file
  (``assessment.yaml``) or be given one; existing tables are replaced only with
  ``force=True`` (``--force``).

Notes
-----
Where things are:

- :mod:`~pra_lib.assessment.importers.run`: :func:`import_kobo`, :func:`import_gforms`
  and the checks of the assessment folder before anything is written.
- :mod:`~pra_lib.assessment.importers.kobo`: reading a KoboToolbox/ODK export, with
  :mod:`~pra_lib.assessment.importers.xlsform` for workbooks and the XLSForm.
- :mod:`~pra_lib.assessment.importers.gforms`: reading a Google Forms responses CSV.
- :mod:`~pra_lib.assessment.importers.mapping`: the mapping file, checked into a plan.
- :mod:`~pra_lib.assessment.importers.convert`: answers to values, the two tables, and
  what was not imported.
- :mod:`~pra_lib.assessment.importers.answers`: reading one answer: the answer-scale
  families, leading numbers, bilingual pairs and ages.
- :mod:`~pra_lib.assessment.importers.cli`: :func:`register_cli` (``pra import``).
- :mod:`~pra_lib.assessment.importers._common`: :class:`ImportDataError`,
  :class:`ImportResult`, the constants and text helpers shared by the modules.
"""

from ._common import (  # the constants stay importable from here, as before
    DONT_KNOW_TEXT,
    FREE_TEXT_ONLY,
    FREE_TEXT_TARGETS,
    GFORMS_EMAIL,
    GFORMS_SYSTEM,
    HIDDEN,
    KOBO_META_TYPES,
    KOBO_PERSONAL_META,
    KOBO_SYSTEM_PREFIXES,
    OUTPUT_TABLES,
    PARTICIPANT_TARGETS,
    PERSONAL_TARGETS,
    ImportDataError,
    ImportResult,
)
from .cli import EXIT_FAILED, EXIT_INVALID, EXIT_OK, register_cli
from .run import import_gforms, import_kobo

__all__ = ["ImportDataError", "ImportResult", "import_gforms", "import_kobo", "register_cli"]
