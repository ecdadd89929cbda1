"""Reading a Google Forms responses CSV into a :class:`_Source`.

Questions are the column headers; repeated headers are numbered (``<header> [2]``) and the
form's own columns (timestamp, score) are set aside.
"""

from __future__ import annotations

from pathlib import Path

from ._common import GFORMS_SYSTEM, _Question, _Source, _norm


def _gforms_source(responses: Path):
    from ..readers import read_csv

    frame, problem, notes, _ = read_csv(responses)
    if problem:
        return None, [problem]
    frame = frame.astype(object)  # the reader hands back categoricals; plain text here
    headers = [str(h) for h in frame.columns]
    seen: dict[str, int] = {}
    unique = []
    for h in headers:
        seen[h] = seen.get(h, 0) + 1
        unique.append(h if seen[h] == 1 else f"{h} [{seen[h]}]")
    if unique != headers:
        notes = notes + ["some column headers repeat (questions with the same title); later ones are named '<header> [2]', '<header> [3]'"]
    frame.columns = unique
    system = [h for h in unique if _norm(h) in GFORMS_SYSTEM]
    questions = {h: _Question(ref=h, name=h, type="") for h in unique if h not in system}
    return _Source("gforms", responses.name, frame, questions, system, {}, {}, [], {}, notes, None, "GF"), []
