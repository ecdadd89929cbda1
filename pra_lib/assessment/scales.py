"""Likert scales: codes, English and Indonesian labels, and "don't know".

An assessment's metadata may declare its own scales; these are the defaults users expect
(method brief, section 4).
"""

from __future__ import annotations

from dataclasses import dataclass

DONT_KNOW_LABELS = ("don't know", "dont know", "do not know", "dk", "tidak tahu", "tt", "n/a")


@dataclass(frozen=True)
class Scale:
    """A 1..K rating scale with labels in English and Indonesian."""

    name: str
    labels_en: tuple[str, ...]
    labels_id: tuple[str, ...]
    dont_know: tuple[str, ...] = DONT_KNOW_LABELS

    @property
    def codes(self) -> tuple[int, ...]:
        return tuple(range(1, len(self.labels_en) + 1))

    def label_map(self) -> dict[str, int]:
        """Lower-cased label -> code, for both languages."""
        mapping: dict[str, int] = {}
        for labels in (self.labels_en, self.labels_id):
            for code, label in enumerate(labels, start=1):
                mapping[label.casefold()] = code
        return mapping

    def label(self, code: int, *, lang: str = "en") -> str:
        labels = self.labels_id if lang == "id" else self.labels_en
        return labels[int(code) - 1]


DEFAULT_SCALES: dict[str, Scale] = {
    "performance": Scale(
        "performance",
        ("very poor", "poor", "fair", "good", "very good"),
        ("sangat buruk", "buruk", "cukup", "baik", "sangat baik"),
    ),
    "importance": Scale(
        "importance",
        ("not important", "slightly important", "moderately important", "important", "very important"),
        ("tidak penting", "kurang penting", "cukup penting", "penting", "sangat penting"),
    ),
    "agreement": Scale(
        "agreement",
        ("strongly disagree", "disagree", "neutral", "agree", "strongly agree"),
        ("sangat tidak setuju", "tidak setuju", "netral", "setuju", "sangat setuju"),
    ),
    "likelihood": Scale(
        "likelihood",
        ("rare", "unlikely", "possible", "likely", "almost certain"),
        ("sangat jarang", "jarang", "mungkin", "sering", "hampir pasti"),
    ),
    "consequence": Scale(
        "consequence",
        ("insignificant", "minor", "moderate", "major", "catastrophic"),
        ("tidak signifikan", "kecil", "sedang", "besar", "bencana"),
    ),
    "severity": Scale(
        "severity",
        ("negligible", "minor", "moderate", "serious", "severe"),
        ("dapat diabaikan", "ringan", "sedang", "serius", "parah"),
    ),
}

# A perception rating may be a performance, importance or agreement rating.
PERCEPTION_SCALES = ("performance", "importance", "agreement")


def label_map(scale_names: tuple[str, ...] | str, scales: dict[str, Scale] | None = None) -> dict[str, int]:
    """Lower-cased label -> code for one or several scales.

    Examples
    --------
    >>> label_map("performance")["baik"]
    4
    """
    scales = scales or DEFAULT_SCALES
    if isinstance(scale_names, str):
        scale_names = (scale_names,)
    mapping: dict[str, int] = {}
    for name in scale_names:
        mapping.update(scales[name].label_map())
    return mapping


def dont_know_labels(scale_names: tuple[str, ...] | str, scales: dict[str, Scale] | None = None) -> set[str]:
    scales = scales or DEFAULT_SCALES
    if isinstance(scale_names, str):
        scale_names = (scale_names,)
    return {label.casefold() for name in scale_names for label in scales[name].dont_know}
