"""Synthetic, seeded Likert data for the benchmarks.

Everything here is invented. Ratings are 1-5 codes drawn from a latent normal (a person
effect plus a goal offset, a few planted group and channel effects), rounded and
clipped, with about 4 % "don't know" answers. Sizes are counted in respondents; every
respondent rates the 12 City Resilience Framework goals, so 1 000 000 respondents give
12 000 000 ratings per aspect.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pra_lib.assessment import crf

GROUPS = ["government", "academia", "private", "community"]
GROUP_LABELS = ["Government", "Academia", "Private sector", "Community and social organisations"]
GROUP_P = [0.25, 0.15, 0.15, 0.45]
AREAS = ["jakarta_pusat", "jakarta_utara", "jakarta_barat", "jakarta_selatan", "jakarta_timur", "kepulauan_seribu"]
AREA_NAMES = ["Jakarta Pusat", "Jakarta Utara", "Jakarta Barat", "Jakarta Selatan", "Jakarta Timur", "Kepulauan Seribu"]
AREA_P = np.array([920_000, 1_780_000, 2_530_000, 2_230_000, 2_890_000, 20_000]) / 10_370_000
CHANNELS = ["online", "offline"]
GOAL_OFFSET = np.linspace(-0.6, 0.6, 12)


def likert(rng: np.random.Generator, mean: np.ndarray, sd: float = 0.9) -> np.ndarray:
    """Likert codes 1-5 (int8) from a latent normal."""
    latent = mean + rng.normal(0.0, sd, size=np.shape(mean))
    return np.clip(np.rint(latent), 1, 5).astype(np.int8)


def respondent_ids(n: int) -> pd.Index:
    width = max(len(str(n)), 4)
    return pd.Index([f"Q{i:0{width}d}" for i in range(1, n + 1)])


def people(n: int, *, seed: int) -> dict[str, np.ndarray]:
    """Stakeholder group, channel and area codes of ``n`` respondents."""
    rng = np.random.default_rng([seed, 1])
    return {
        "group": rng.choice(len(GROUPS), size=n, p=GROUP_P).astype(np.int8),
        "channel": rng.choice(2, size=n, p=[0.6, 0.4]).astype(np.int8),
        "area": rng.choice(len(AREAS), size=n, p=AREA_P).astype(np.int8),
        "person": rng.normal(0.0, 0.4, size=n),
    }


def perception_frame(n: int, *, seed: int = 2017, aspect: str = "performance", dont_know_rate: float = 0.04, ids: pd.Index | None = None) -> pd.DataFrame:
    """The frame :func:`pra_lib.perception.ratings_frame` returns, in compact dtypes.

    One row per respondent and goal (12 ``n`` rows), respondent-major and goals in CRF
    order, as ``ratings_frame`` sorts them. Ids, goals and groups are categoricals (1-4
    bytes a row), ratings are ``Int8`` (NA = no rating), ``dont_know`` is bool.
    """
    who = people(n, seed=seed)
    rng = np.random.default_rng([seed, 2 if aspect == "performance" else 3])
    k = len(crf.GOAL_IDS)
    codes = np.empty(n * k, dtype=np.int8)
    dont_know = np.empty(n * k, dtype=bool)
    step = 50_000  # respondents per chunk: keeps the float temporaries small
    for lo in range(0, n, step):
        hi = min(n, lo + step)
        mean = 3.0 + who["person"][lo:hi, None] + GOAL_OFFSET[None, :]
        if aspect == "performance":
            mean[:, 0] -= 0.8 * (who["group"][lo:hi] == 3)  # community rates G01 lower
            mean[:, 9] += 0.5 * (who["group"][lo:hi] == 0)  # government rates G10 higher
            mean[:, 8] -= 0.4 * (who["channel"][lo:hi] == 1)  # paper answers rate G09 lower
        codes[lo * k:hi * k] = likert(rng, mean).ravel()
        dont_know[lo * k:hi * k] = rng.random((hi - lo) * k) < dont_know_rate
    rating = pd.arrays.IntegerArray(codes, dont_know.copy())
    goals = crf.goals()
    goal_rows = np.tile(np.arange(k, dtype=np.int8), n)

    def per_person(values: np.ndarray, categories: list[str]) -> pd.Categorical:
        return pd.Categorical.from_codes(np.repeat(values, k), categories=categories)

    def per_goal(values) -> pd.Categorical:
        codes, uniques = pd.factorize(pd.Series(list(values), dtype=object))
        return pd.Categorical.from_codes(codes.astype(np.int8)[goal_rows], categories=list(uniques))

    ids = respondent_ids(n) if ids is None else ids
    frame = pd.DataFrame(
        {
            "respondent_id": pd.Categorical.from_codes(np.repeat(np.arange(n, dtype=np.int32), k), categories=ids),
            "activity_id": pd.Categorical.from_codes(np.zeros(n * k, dtype=np.int8), categories=["questionnaire"]),
            "stakeholder_group": per_person(who["group"], GROUPS),
            "group_label": per_person(who["group"], GROUP_LABELS),
            "channel": per_person(who["channel"], CHANNELS),
            "area": per_person(who["area"], AREAS),
            "area_name": per_person(who["area"], AREA_NAMES),
            "workshop_table": pd.Categorical.from_codes(np.full(n * k, -1, dtype=np.int8), categories=["T1"]),
            "aspect": pd.Categorical.from_codes(np.zeros(n * k, dtype=np.int8), categories=[aspect]),
            "dimension_id": per_goal(goals["dimension_id"]),
            "dimension_label": per_goal(goals["dimension_name_en"]),
            "goal_id": pd.Categorical.from_codes(goal_rows, categories=list(crf.GOAL_IDS)),
            "goal_number": (goal_rows + 1).astype(np.int8),
            "goal_label": per_goal(goals["short_name_en"]),
            "indicator_id": pd.Categorical.from_codes(np.full(n * k, -1, dtype=np.int8), categories=["1.1"]),
            "rating": rating,
            "dont_know": dont_know,
        }
    )
    frame.attrs["category_order"] = {
        "stakeholder_group": GROUPS,
        "group_label": GROUP_LABELS,
        "area": [*AREAS, "(city-wide)"],
        "area_name": [*AREA_NAMES, "(city-wide)"],
        "channel": ["online", "offline", "interview", "workshop"],
        "aspect": ["performance", "importance"],
    }
    return frame


def single_item(n: int, *, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """One Likert rating (float 1-5) and a stakeholder group code per respondent."""
    who = people(n, seed=seed)
    rng = np.random.default_rng([seed, 4])
    rating = likert(rng, 3.1 + who["person"] - 0.3 * (who["group"] == 3)).astype(float)
    return rating, who["group"]


def items(n: int, *, seed: int, k: int = 12, missing: float = 0.04) -> np.ndarray:
    """Respondents x items ratings (float, NaN = missing) with a common person factor."""
    rng = np.random.default_rng([seed, 5])
    mean = 3.0 + rng.normal(0.0, 0.6, size=(n, 1)) + GOAL_OFFSET[None, :k]
    out = likert(rng, mean).astype(float)
    out[rng.random(out.shape) < missing] = np.nan
    return out


def fleiss_counts(n: int, *, seed: int, raters: int = 10, categories: int = 5) -> np.ndarray:
    """Subjects x categories counts; every subject rated by ``raters`` raters."""
    rng = np.random.default_rng([seed, 6])
    tilt = rng.dirichlet(np.full(categories, 2.0), size=n)
    p = 0.5 * tilt + 0.5 / categories
    u = rng.random((n, raters))
    cats = (u[:, :, None] > np.cumsum(p, axis=1)[:, None, :-1]).sum(axis=2)
    return np.stack([(cats == c).sum(axis=1) for c in range(categories)], axis=1).astype(np.int64)
