"""A synthetic, Jakarta-like assessment with documented planted structure.

Everything here is invented. Place names, agencies, activities and dates follow Jakarta's
2017 PRA (method brief, section 2); people, ratings, assets, actions and budgets do not
describe real ones. The planted effects listed in :data:`PLANTED_EFFECTS` are what the
analyses must recover, and the tests check that they do.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .crf import GOAL_IDS
from .scales import DEFAULT_SCALES

DEFAULT_SEED = 2017
DEFAULT_RESPONDENTS = 600

STAKEHOLDER_GROUPS = [
    ("government", "Government", "Pemerintah"),
    ("academia", "Academia", "Akademisi"),
    ("private", "Private sector", "Swasta"),
    ("community", "Community and social organisations", "Komunitas sosial"),
]
AREAS = [
    ("jakarta_pusat", "Jakarta Pusat", 920_000),
    ("jakarta_utara", "Jakarta Utara", 1_780_000),
    ("jakarta_barat", "Jakarta Barat", 2_530_000),
    ("jakarta_selatan", "Jakarta Selatan", 2_230_000),
    ("jakarta_timur", "Jakarta Timur", 2_890_000),
    ("kepulauan_seribu", "Kepulauan Seribu", 20_000),
]
ACTIVITIES = [
    ("questionnaire", "questionnaire", 2017, "Questionnaires (online and offline) and key-stakeholder interviews", "Kuesioner daring/luring dan wawancara pemangku kepentingan kunci"),
    ("perception_workshop", "perception_workshop", "2017-09-15", "City Perception Workshop", "Lokakarya Persepsi Kota"),
    ("assets_shocks_workshop", "assets_shocks_workshop", "2017-09-20", "Assets and Shocks Workshop", "Lokakarya Aset dan Guncangan"),
    ("stresses_session", "stresses_session", "2017-09-25", "Working session on city stresses", "Sesi kerja penilaian tekanan kota"),
    ("focus_areas_session", "focus_areas_session", None, "Working session on the PRA and its focus areas", "Sesi kerja PRA dan Fokus Penanganan"),
    ("pra_seminar", "pra_seminar", "2017-10-11", "PRA Seminar", "Seminar Penilaian Awal Ketahanan"),
]

# hazard_id, type, English, Indonesian, category, likelihood, consequence (shocks) or severity, trend (stresses)
HAZARDS = [
    ("SH01", "shock", "Flooding", "Banjir", "hydro-meteorological", 5, 5),
    ("SH02", "shock", "Tidal flooding (rob)", "Banjir rob", "hydro-meteorological", 4, 4),
    ("SH03", "shock", "Earthquake", "Gempa bumi", "geophysical", 2, 5),
    ("SH04", "shock", "Fire in dense settlements", "Kebakaran permukiman padat", "technological", 4, 3),
    ("SH05", "shock", "Social conflict", "Konflik sosial", "social", 3, 5),
    ("SH06", "shock", "Disease outbreak (dengue)", "Wabah penyakit (DBD)", "biological", 4, 3),
    ("SH07", "shock", "Infrastructure failure", "Kegagalan infrastruktur", "technological", 3, 3),
    ("SH08", "shock", "Extreme weather", "Cuaca ekstrem", "hydro-meteorological", 3, 2),
    ("ST01", "stress", "Land subsidence", "Penurunan muka tanah", "environmental", 5, "worsening"),
    ("ST02", "stress", "Traffic congestion", "Kemacetan lalu lintas", "infrastructure", 5, "worsening"),
    ("ST03", "stress", "Crime", "Kriminalitas", "social", 3, "stable"),
    ("ST04", "stress", "Clean-water scarcity", "Kelangkaan air bersih", "environmental", 4, "worsening"),
    ("ST05", "stress", "Solid waste and wastewater services", "Layanan sampah dan air limbah", "infrastructure", 4, "stable"),
    ("ST06", "stress", "Electricity supply", "Pasokan listrik", "infrastructure", 2, "improving"),
    ("ST07", "stress", "Affordable housing", "Perumahan terjangkau", "economic", 4, "worsening"),
    ("ST08", "stress", "Air pollution", "Polusi udara", "environmental", 4, "worsening"),
    ("ST09", "stress", "Social inequality", "Ketimpangan sosial", "social", 3, "stable"),
    ("ST10", "stress", "Rapid urbanisation", "Urbanisasi cepat", "social", 3, "worsening"),
    ("ST11", "stress", "Unemployment", "Pengangguran", "economic", 3, "improving"),
    ("ST12", "stress", "Ageing infrastructure", "Infrastruktur menua", "infrastructure", 3, "worsening"),
]

# stress -> shock, strength 1..3
AMPLIFICATIONS = [
    ("ST01", "SH01", 3), ("ST01", "SH02", 3), ("ST01", "SH07", 2),
    ("ST02", "SH04", 2), ("ST02", "SH01", 1),
    ("ST03", "SH05", 2),
    ("ST04", "SH04", 2), ("ST04", "SH06", 1),
    ("ST05", "SH01", 3), ("ST05", "SH06", 2),
    ("ST06", "SH07", 2),
    ("ST07", "SH04", 3), ("ST07", "SH03", 2),
    ("ST08", "SH06", 1),
    ("ST09", "SH05", 3),
    ("ST10", "SH01", 2), ("ST10", "SH04", 2),
    ("ST12", "SH07", 3), ("ST12", "SH03", 2),
]

# agency_id, name, English gloss, stakeholder group
AGENCIES = [
    ("bappeda", "Badan Perencanaan Pembangunan Daerah (Bappeda)", "Regional development planning agency", "government"),
    ("bpbd", "Badan Penanggulangan Bencana Daerah (BPBD)", "Disaster management agency", "government"),
    ("dsda", "Dinas Sumber Daya Air", "Water resources agency", "government"),
    ("dlh", "Dinas Lingkungan Hidup", "Environment agency", "government"),
    ("dishub", "Dinas Perhubungan", "Transport agency", "government"),
    ("dinkes", "Dinas Kesehatan", "Health agency", "government"),
    ("dinsos", "Dinas Sosial", "Social affairs agency", "government"),
    ("dprkp", "Dinas Perumahan Rakyat dan Kawasan Permukiman", "Housing and settlements agency", "government"),
    ("binamarga", "Dinas Bina Marga", "Roads agency", "government"),
    ("citata", "Dinas Cipta Karya, Tata Ruang dan Pertanahan", "Spatial planning agency", "government"),
    ("disdik", "Dinas Pendidikan", "Education agency", "government"),
    ("gulkarmat", "Dinas Penanggulangan Kebakaran dan Penyelamatan", "Fire and rescue agency", "government"),
    ("diskominfotik", "Dinas Komunikasi, Informatika dan Statistik", "ICT and statistics agency", "government"),
    ("satpolpp", "Satuan Polisi Pamong Praja (Satpol PP)", "Public order agency", "government"),
    ("disnaker", "Dinas Tenaga Kerja", "Labour agency", "government"),
    ("dkukm", "Dinas Koperasi dan UMKM", "Small business agency", "government"),
    ("pamjaya", "PAM Jaya", "Water utility", "government"),
    ("paljaya", "PD PAL Jaya", "Wastewater utility", "government"),
    ("mrtj", "MRT Jakarta", "Metro operator", "government"),
    ("transjakarta", "TransJakarta", "Bus rapid transit operator", "government"),
    ("ui", "Universitas Indonesia", "University of Indonesia", "academia"),
    ("trisakti", "Universitas Trisakti", "Trisakti University", "academia"),
    ("kadin", "Kadin DKI Jakarta", "Jakarta chamber of commerce", "private"),
    ("pmi", "Palang Merah Indonesia DKI Jakarta", "Indonesian Red Cross, Jakarta", "community"),
    ("jrmk", "Jaringan Rakyat Miskin Kota", "Urban poor network", "community"),
]

# agency -> (lead goals/hazards, support goals/hazards)
MANDATES = {
    "bappeda": ("G10 G12", "G02 G06 G11 G08 G09"),
    "bpbd": ("G11 SH01 SH02 SH03 SH08", "G03 G10 SH04 SH05"),
    "dsda": ("G07 SH01 SH02 ST01", "G08 ST04"),
    "dlh": ("ST05 ST08", "G07 G08 G01"),
    "dishub": ("G09 ST02", "ST08"),
    "dinkes": ("G03 SH06", "G01"),
    "dinsos": ("G04 ST09", "G05 G01 SH05"),
    "dprkp": ("G01 ST07", "SH04"),
    "binamarga": ("G09", "SH07 ST12"),
    "citata": ("G12 ST01", "G07 ST10"),
    "disdik": ("G11", "G02"),
    "gulkarmat": ("SH04", "G03"),
    "diskominfotik": ("G12", "G09 G10"),
    "satpolpp": ("G05 ST03", "SH05"),
    "disnaker": ("G02 ST11", "G06"),
    "dkukm": ("G06", "G02"),
    "pamjaya": ("G08 ST04", "G01"),
    "paljaya": ("ST05", "G08 G01"),
    "mrtj": ("G09", "ST02"),
    "transjakarta": ("G09", "ST02 ST08"),
    "ui": ("", "G12 G10 SH03"),
    "trisakti": ("", "G07 ST01"),
    "kadin": ("G06", "G02"),
    "pmi": ("G03", "G04 G11 SH01"),
    "jrmk": ("G04", "G01 ST07 G11"),
}

FOCUS_AREAS = [
    ("FA1", "City governance and management", "Tata kelola dan manajemen kota", True, "G10 G12 G05"),
    ("FA2", "A culture of preparedness for shocks", "Budaya siap-siaga menghadapi guncangan", True, "G11 G03 G07 SH01 SH02 SH03 SH04"),
    ("FA3", "Clean water, wastewater and solid waste governance", "Tata kelola air bersih, air limbah dan sampah", True, "G01 G08 ST04 ST05 ST01"),
    ("FA4", "Connectivity and mobility", "Konektivitas dan mobilitas", True, "G09 ST02 ST08"),
    ("FA5", "Social cohesion", "Kohesi sosial", True, "G04 G05 SH05 ST09 ST03"),
    ("FA6", "Economic diversification and jobs", "Diversifikasi ekonomi dan lapangan kerja", False, "G02 G06 ST11"),
    ("FA7", "Health system capacity", "Kapasitas sistem kesehatan", False, "G03 SH06"),
]

# Perception model, on the latent 1-5 scale: offset of each goal from 3 (performance).
PERFORMANCE_OFFSET = dict(zip(GOAL_IDS, [-0.2, 0.3, 0.1, -0.4, -0.1, 0.6, -0.3, -0.6, -0.7, -0.8, -0.6, -0.2]))
IMPORTANCE_OFFSET = dict(zip(GOAL_IDS, [1.6, 1.0, 1.2, 0.8, 1.0, 0.6, 1.3, 1.5, 1.3, 1.1, 0.9, 0.7]))
GROUP_EFFECT = {("community", "G01"): -0.8, ("government", "G01"): 0.6, ("government", "G10"): 0.7}
CHANNEL_EFFECT = {("offline", "G09"): -0.6}

PLANTED_EFFECTS = [
    ("perceptions", "Community respondents rate G01 *Meets basic needs* about 1.4 points lower (latent scale) than government respondents."),
    ("perceptions", "Government respondents rate G10 *Leadership & effective management* higher than every other group."),
    ("perceptions", "The weakest goals overall are G09 mobility, G08 critical services, G10 leadership and G11 empowerment; G06 economic prosperity is the strongest."),
    ("perceptions", "Importance is highest for G01, G08, G07 and G09, so G08 and G09 fall in the high-importance, low-performance quadrant."),
    ("perceptions", "Offline (paper) respondents rate G09 mobility lower than online respondents; no other goal has a mode effect."),
    ("perceptions", "Offline answers arrive as Indonesian labels (*baik*, *tidak tahu*), online answers as codes; about 4% are \"don't know\"."),
    ("perceptions", "Kepulauan Seribu has only a handful of respondents, so its cells must be suppressed."),
    ("interviews", "The most-cited weakness is *inter-agency coordination* (G10), then *flood early warning* (flooding)."),
    ("risk", "Flooding (SH01) is the highest-risk shock (median likelihood 5, consequence 5), ahead of tidal flooding (SH02)."),
    ("risk", "Land subsidence (ST01) amplifies flooding and tidal flooding strongly; it is the most severe, worsening stress with congestion."),
    ("risk", "Three critical assets sit on no risk path (all impacts 0)."),
    ("actions", "Flooding and G07/G08 have many actions; G04 cohesion, G10 leadership, G11 empowerment and social conflict (SH05) have few, so they are the action gaps."),
    ("focus areas", "The five real focus areas (FA1-FA5) outrank the two extra candidates (FA6, FA7)."),
    ("seminar", "Seminar participants give most support to FA2 preparedness and FA3 water; community participants rank FA5 social cohesion higher than others do."),
    ("working groups", "BPBD fits FA2, PAM Jaya/DSDA fit FA3, Dishub fits FA4 and Dinas Sosial fits FA5 better than Bappeda does, so best-fit coordination beats 'Bappeda everywhere'."),
]

_FIRST = ["Siti", "Budi", "Dewi", "Agus", "Rina", "Andi", "Sri", "Joko", "Nur", "Yusuf", "Ayu", "Hendra", "Putri", "Rudi", "Wati", "Fajar", "Lestari", "Bambang", "Indah", "Dimas"]
_LAST = ["Rahma", "Santoso", "Lestari", "Wijaya", "Saputra", "Hidayat", "Kusuma", "Pratama", "Siregar", "Nasution", "Hasibuan", "Gunawan", "Setiawan", "Halim", "Utami"]
AGE_BANDS = ["15-24", "25-34", "35-44", "45-54", "55-64", "65+"]


def _rng(seed: int, part: int) -> np.random.Generator:
    # One stream per table, so the size of one table does not change another.
    return np.random.default_rng([seed, part])


def _people(rng, n, prefix, activity, channel_of, group_p, tables=None, start=1):
    ids = np.char.add(prefix, np.char.zfill(np.arange(start, start + n).astype(str), 5 if n > 9999 else 4))
    groups = rng.choice([g[0] for g in STAKEHOLDER_GROUPS], size=n, p=group_p)
    pop = np.array([a[2] for a in AREAS], dtype=float)
    area_p = pop / pop.sum()
    areas = rng.choice([a[0] for a in AREAS], size=n, p=area_p)
    first = rng.choice(_FIRST, size=n)
    last = rng.choice(_LAST, size=n)
    names = np.char.add(np.char.add(first, " "), last)
    digits = rng.integers(0, 10**8, size=n)
    frame = pd.DataFrame(
        {
            "respondent_id": ids,
            "activity_id": activity,
            "stakeholder_group": groups,
            "channel": channel_of(rng, n),
            "area": areas,
            "organisation": "",
            "workshop_table": "" if tables is None else np.char.add("T", (rng.integers(1, tables + 1, size=n)).astype(str)),
            "gender": rng.choice(["female", "male"], size=n),
            "age_band": rng.choice(AGE_BANDS, size=n, p=[0.18, 0.27, 0.23, 0.17, 0.10, 0.05]),
            "name": names,
            "phone": np.char.add("+62 812 ", np.char.zfill(digits.astype(str), 8)),
            "email": np.char.add(np.char.add(np.char.lower(np.char.replace(names, " ", ".")), np.char.add(".", digits.astype(str))), "@example.id"),
            "nik": np.char.add("3171", np.char.zfill(rng.integers(0, 10**12, size=n).astype(str), 12)),
        }
    )
    gov = frame["stakeholder_group"] == "government"
    opd = [a[1] for a in AGENCIES if a[3] == "government"]
    frame.loc[gov, "organisation"] = rng.choice(opd, size=int(gov.sum()))
    return frame


def _likert_latent(rng, mean, sd=0.9):
    return np.clip(np.rint(mean + rng.normal(0, sd, size=np.shape(mean))), 1, 5).astype(int)


def _perception_ratings(rng, people, aspects, dont_know_rate=0.04):
    n = len(people)
    goals = np.array(GOAL_IDS)
    resp = np.repeat(np.arange(n), len(goals))
    goal_code = np.tile(np.arange(len(goals)), n)
    goal = goals[goal_code]
    group = people["stakeholder_group"].to_numpy()[resp]
    channel = people["channel"].to_numpy()[resp]
    person_effect = rng.normal(0, 0.4, size=n)[resp]
    # Ids and codes are built as categoricals: a million respondents' ratings repeat a few
    # texts 24 million times, and each is then stored (and written) once.
    respondent = pd.Categorical.from_codes(resp, categories=pd.Index(people["respondent_id"].to_numpy(), dtype=object))
    activity_codes, activities = pd.factorize(people["activity_id"].to_numpy())
    activity = pd.Categorical.from_codes(activity_codes[resp], categories=pd.Index(activities, dtype=object))
    frames = []
    for aspect in aspects:
        if aspect == "performance":
            mean = 3 + np.array([PERFORMANCE_OFFSET[g] for g in goals])[goal_code] + person_effect
            for (g, gl), eff in GROUP_EFFECT.items():
                mean = mean + eff * ((group == g) & (goal == gl))
            for (c, gl), eff in CHANNEL_EFFECT.items():
                mean = mean + eff * ((channel == c) & (goal == gl))
        else:
            mean = 3 + np.array([IMPORTANCE_OFFSET[g] for g in goals])[goal_code] + 0.5 * person_effect
        codes = _likert_latent(rng, mean)
        dont_know = rng.random(codes.shape) < dont_know_rate
        offline = channel == "offline"
        scale = DEFAULT_SCALES[aspect]
        # Rating texts: codes 1-5, then the five Indonesian labels, then the two "don't know".
        texts = [str(k) for k in range(1, 6)] + list(scale.labels_id) + ["tidak tahu", "don't know"]
        text = codes - 1 + 5 * offline
        text[dont_know & offline] = 10
        text[dont_know & ~offline] = 11
        frames.append(
            pd.DataFrame(
                {
                    "respondent_id": respondent,
                    "activity_id": activity,
                    "goal_id": pd.Categorical.from_codes(goal_code, categories=pd.Index(goals, dtype=object)),
                    "indicator_id": pd.Categorical.from_codes(np.zeros(len(resp), dtype=np.int8), categories=pd.Index([""], dtype=object)),
                    "aspect": pd.Categorical.from_codes(np.zeros(len(resp), dtype=np.int8), categories=pd.Index([aspect], dtype=object)),
                    "rating": pd.Categorical.from_codes(text, categories=pd.Index(texts, dtype=object)),
                }
            )
        )
    return _concat(frames)


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Stack frames, keeping columns categorical where every frame has them so."""
    columns = {}
    for name in frames[0].columns:
        parts = [f[name] for f in frames]
        if all(isinstance(p.dtype, pd.CategoricalDtype) for p in parts):
            categories = pd.Index(pd.unique(np.concatenate([np.asarray(p.cat.categories, dtype=object) for p in parts])), dtype=object)
            codes = [categories.get_indexer(p.cat.categories)[p.cat.codes.to_numpy()] for p in parts]  # no missing codes here
            columns[name] = pd.Categorical.from_codes(np.concatenate(codes), categories=categories)
        else:
            columns[name] = pd.concat(parts, ignore_index=True)
    return pd.DataFrame(columns)


INTERVIEW_CODES = [
    # code, goal, hazard, valence, percent of interviewees who name it, quote
    ("inter-agency coordination", "G10", "", "weakness", 90, "Koordinasi antar dinas masih lemah, setiap dinas bekerja sendiri-sendiri."),
    ("flood early warning", "G11", "SH01", "weakness", 72, "Peringatan dini banjir belum sampai ke warga di bantaran sungai."),
    ("clean water access", "G01", "ST04", "weakness", 40, "Banyak warga masih membeli air dari pedagang keliling."),
    ("traffic congestion", "G09", "ST02", "weakness", 40, "Waktu tempuh ke tempat kerja terus bertambah."),
    ("waste collection", "G08", "ST05", "weakness", 32, "Sampah menyumbat saluran dan memperparah genangan."),
    ("land subsidence awareness", "G12", "ST01", "weakness", 28, "Penurunan muka tanah belum masuk dalam rencana tata ruang."),
    ("community participation", "G11", "", "weakness", 28, "Warga jarang dilibatkan sejak awal perencanaan."),
    ("community solidarity (gotong royong)", "G04", "", "strength", 40, "Gotong royong warga sangat kuat saat banjir datang."),
    ("growing economy", "G06", "", "strength", 30, "Ekonomi kota tumbuh dan menarik investasi."),
    ("new mass transit", "G09", "", "strength", 30, "MRT dan TransJakarta memberi pilihan transportasi baru."),
    ("fire response in dense areas", "G03", "SH04", "weakness", 20, "Mobil pemadam sulit masuk ke gang sempit."),
    ("social tension", "G05", "SH05", "weakness", 20, "Ketegangan sosial mudah tersulut oleh kabar bohong."),
]


def generate_sample(out, *, seed: int = DEFAULT_SEED, respondents: int = DEFAULT_RESPONDENTS, file_format: str = "csv") -> Path:
    """Write a synthetic Jakarta-like assessment to the folder ``out``.

    The same ``seed`` and ``respondents`` always give byte-identical files.

    Parameters
    ----------
    out : str or Path
        Folder to write; created if missing. Existing assessment files there are replaced.
    seed : int
        Random seed.
    respondents : int
        Number of questionnaire respondents (online and offline).
    file_format : {"csv", "parquet"}
        How the tables are written. Parquet is much faster for very large assessments.

    Returns
    -------
    Path
        The folder written.

    Examples
    --------
    >>> generate_sample("/tmp/pra-sample", seed=1, respondents=200)  # doctest: +SKIP
    """
    if respondents < 1:
        raise ValueError(f"respondents must be at least 1, not {respondents}")
    if file_format not in ("csv", "parquet"):
        raise ValueError(f"file_format must be 'csv' or 'parquet', not {file_format!r}")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    group_p = [0.25, 0.15, 0.15, 0.45]

    def channels(kind):
        if kind == "questionnaire":
            return lambda rng, n: rng.choice(["online", "offline"], size=n, p=[0.6, 0.4])
        return lambda rng, n: np.full(n, kind)

    q = _people(_rng(seed, 1), respondents, "Q", "questionnaire", channels("questionnaire"), group_p)
    iv = _people(_rng(seed, 2), 25, "I", "questionnaire", channels("interview"), [0.4, 0.2, 0.16, 0.24])
    pw = _people(_rng(seed, 3), 80, "W", "perception_workshop", channels("workshop"), [0.35, 0.2, 0.15, 0.3], tables=8)
    aw = _people(_rng(seed, 4), 60, "A", "assets_shocks_workshop", channels("workshop"), [0.4, 0.2, 0.15, 0.25], tables=6)
    ss = _people(_rng(seed, 5), 40, "S", "stresses_session", channels("workshop"), [0.4, 0.2, 0.15, 0.25], tables=5)
    fs = _people(_rng(seed, 6), 30, "F", "focus_areas_session", channels("workshop"), [0.5, 0.2, 0.1, 0.2], tables=4)
    sm = _people(_rng(seed, 7), 100, "P", "pra_seminar", channels("workshop"), [0.35, 0.2, 0.15, 0.3])
    # A remote, small area: a handful of respondents, so suppression has work to do.
    q.loc[q.index[:: max(respondents // 3, 1)][:3], "area"] = "kepulauan_seribu"
    participants = pd.concat([q, iv, pw, aw, ss, fs, sm], ignore_index=True)
    city_wide = participants["channel"].isin(["interview", "workshop"]) & (participants["stakeholder_group"] == "government")
    participants.loc[city_wide, "area"] = ""

    ratings = _concat(
        [
            _perception_ratings(_rng(seed, 11), q, ("performance", "importance")),
            _perception_ratings(_rng(seed, 12), pw, ("performance",), dont_know_rate=0.01),
        ]
    )

    tables = {
        "participants": participants,
        "perception_ratings": ratings,
        "interview_statements": _interviews(_rng(seed, 13), iv),
        "hazards": pd.DataFrame(
            [(h[0], h[1], h[2], h[3], h[4]) for h in HAZARDS],
            columns=["hazard_id", "hazard_type", "name_en", "name_id", "category"],
        ),
        "hazard_ratings": _hazard_ratings(_rng(seed, 14), aw, ss),
        "assets": ASSETS.drop(columns=["exposure"]),
        "asset_impacts": _asset_impacts(_rng(seed, 15)),
        "amplifications": pd.DataFrame(
            [("stresses_session", s, h, k) for s, h, k in AMPLIFICATIONS],
            columns=["activity_id", "stress_id", "shock_id", "strength"],
        ),
        "agencies": pd.DataFrame(AGENCIES, columns=["agency_id", "name", "name_en", "stakeholder_group"]),
        "agency_mandates": _mandates(),
        **_actions(_rng(seed, 16)),
        "focus_areas": pd.DataFrame(
            [(f[0], f[1], f[2], "true" if f[3] else "false") for f in FOCUS_AREAS],
            columns=["focus_area_id", "name_en", "name_id", "selected"],
        ),
        "focus_area_links": _links([(f[0], f[4]) for f in FOCUS_AREAS], "focus_area_id"),
        "seminar_votes": _seminar(_rng(seed, 17), sm),
    }
    for name, frame in tables.items():
        for stale in (out / f"{name}.csv", out / f"{name}.parquet"):
            stale.unlink(missing_ok=True)
        if file_format == "parquet":
            _write_parquet(frame, out / f"{name}.parquet")
        elif len(frame) > 200_000:
            _write_csv_fast(frame, out / f"{name}.csv")
        else:
            frame.to_csv(out / f"{name}.csv", index=False, lineterminator="\n")
    _write_metadata(out, seed=seed, respondents=respondents)
    (out / "README.md").write_text(_readme(seed, respondents), encoding="utf-8")
    return out


def _write_csv_fast(frame: pd.DataFrame, path: Path) -> None:
    """pyarrow's multi-threaded CSV writer for the very large tables (it quotes every text
    value, which any CSV reader accepts)."""
    import pyarrow as pa
    from pyarrow import csv as pacsv

    table = pa.Table.from_pandas(_as_text(frame), preserve_index=False)
    pacsv.write_csv(table, path, write_options=pacsv.WriteOptions(quoting_style="needed"))


def _as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Every column as text; a categorical stays one (its categories are the texts), so each
    distinct text is converted and written once."""
    return pd.DataFrame({c: frame[c] if isinstance(frame[c].dtype, pd.CategoricalDtype) else frame[c].astype(str) for c in frame.columns})


def _write_parquet(frame: pd.DataFrame, path: Path) -> None:
    """Text columns, dictionary-coded as Parquet stores them: a reader gets the codes back."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(_as_text(frame), preserve_index=False)
    # One row group: a million respondent ids are then one dictionary written once, not a
    # dictionary per row group of a million rows that overflows into plain text (five
    # times the file and three times the writing; a reader decodes far less, too).
    pq.write_table(table, path, row_group_size=max(len(table), 1))


def _write_metadata(out: Path, *, seed: int, respondents: int) -> None:
    import yaml

    meta = {
        "assessment_id": "jakarta-2017-synthetic",
        "city": "Jakarta",
        "title": "Preliminary Resilience Assessment, Jakarta 2017 (SYNTHETIC SAMPLE)",
        "title_id": "Penilaian Awal Ketahanan, Jakarta 2017 (SAMPEL SINTETIS)",
        "synthetic": True,
        "generator": {"command": "pra sample", "seed": seed, "respondents": respondents},
        "activities": [
            {k: v for k, v in {"id": a[0], "type": a[1], "date": a[2], "title": a[3], "title_id": a[4]}.items() if v is not None}
            for a in ACTIVITIES
        ],
        "stakeholder_groups": [{"id": g[0], "label": g[1], "label_id": g[2]} for g in STAKEHOLDER_GROUPS],
        "areas": [{"id": a[0], "name": a[1], "population": a[2]} for a in AREAS],
    }
    text = "# SYNTHETIC sample assessment generated by `pra sample`; it describes no real people.\n"
    text += yaml.safe_dump(meta, sort_keys=False, allow_unicode=True)
    (out / "assessment.yaml").write_text(text, encoding="utf-8")


def _interviews(rng, interviewees):
    # Each interviewee names each code independently with its planted probability, so the
    # order of the most-cited codes is the planted one, not an accident of a few draws.
    share = np.array([c[4] for c in INTERVIEW_CODES], dtype=float) / 100.0
    rows = []
    sid = 1
    for rid in interviewees["respondent_id"]:
        picks = np.flatnonzero(rng.random(len(share)) < share)
        if not len(picks):
            picks = [int(np.argmax(rng.random(len(share)) * share))]
        for i in picks:
            code, goal, hazard, valence, _, quote = INTERVIEW_CODES[i]
            rows.append((f"S{sid:04d}", rid, goal, hazard, valence, code, quote))
            sid += 1
    return pd.DataFrame(rows, columns=["statement_id", "respondent_id", "goal_id", "hazard_id", "valence", "code", "quote"])


def _hazard_ratings(rng, shock_raters, stress_raters):
    rows = []
    for rid, table in zip(shock_raters["respondent_id"], shock_raters["workshop_table"]):
        for h in HAZARDS:
            if h[1] != "shock":
                continue
            like = int(np.clip(h[5] + rng.choice([-1, 0, 0, 0, 1]), 1, 5))
            cons = int(np.clip(h[6] + rng.choice([-1, 0, 0, 0, 1]), 1, 5))
            if rng.random() < 0.03:
                like = ""
            rows.append(("assets_shocks_workshop", rid, table, h[0], like, cons, "", ""))
    trends = ["worsening", "stable", "improving"]
    for rid, table in zip(stress_raters["respondent_id"], stress_raters["workshop_table"]):
        for h in HAZARDS:
            if h[1] != "stress":
                continue
            sev = int(np.clip(h[5] + rng.choice([-1, 0, 0, 1]), 1, 5))
            trend = h[6] if rng.random() < 0.8 else trends[int(rng.integers(0, 3))]
            rows.append(("stresses_session", rid, table, h[0], "", "", sev, trend))
    return pd.DataFrame(rows, columns=["activity_id", "respondent_id", "workshop_table", "hazard_id", "likelihood", "consequence", "severity", "trend"])


# asset_id, name, category, area, criticality, exposure profile (shock -> typical impact)
_ASSETS = [
    ("Pluit pumping station", "water", "jakarta_utara", 5, "SH01:5 SH02:5 SH07:3"),
    ("Giant sea wall, north coast (NCICD)", "water", "jakarta_utara", 5, "SH02:4 SH03:2"),
    ("Manggarai floodgate", "water", "jakarta_selatan", 5, "SH01:4 SH07:2"),
    ("Ciliwung river embankments", "water", "jakarta_timur", 4, "SH01:5 SH08:2"),
    ("Pejompongan water treatment plant", "water", "jakarta_pusat", 5, "SH01:3 SH07:4 SH03:3"),
    ("Buaran water treatment plant", "water", "jakarta_timur", 5, "SH01:3 SH07:3"),
    ("Setiabudi wastewater treatment plant", "sanitation", "jakarta_selatan", 4, "SH01:4 SH07:2"),
    ("Sunter reservoir", "water", "jakarta_utara", 3, "SH01:2 SH02:3"),
    ("Muara Karang power plant", "energy", "jakarta_utara", 5, "SH02:4 SH03:3 SH07:3"),
    ("Priok power plant", "energy", "jakarta_utara", 5, "SH02:4 SH01:3"),
    ("Gandul substation", "energy", "jakarta_selatan", 4, "SH07:4 SH08:2"),
    ("Tanjung Priok port", "transport", "jakarta_utara", 5, "SH02:4 SH01:3 SH05:2"),
    ("MRT north-south line", "transport", "jakarta_selatan", 5, "SH01:3 SH03:3 SH07:3"),
    ("TransJakarta busway network", "transport", "", 5, "SH01:4 SH05:2 SH08:2"),
    ("KRL commuter rail", "transport", "", 5, "SH01:3 SH07:3"),
    ("Halim Perdanakusuma airport", "transport", "jakarta_timur", 4, "SH08:3 SH01:2"),
    ("Inner-city toll road", "transport", "", 4, "SH01:3 SH03:2"),
    ("RSUD Koja hospital", "health", "jakarta_utara", 5, "SH01:4 SH06:4 SH02:3"),
    ("RSCM national referral hospital", "health", "jakarta_pusat", 5, "SH06:4 SH03:3"),
    ("Puskesmas network", "health", "", 4, "SH06:5 SH01:3"),
    ("Fire stations", "emergency services", "", 5, "SH04:4 SH01:2"),
    ("BPBD emergency operations centre", "emergency services", "jakarta_pusat", 5, "SH03:3 SH07:3"),
    ("Public schools", "education", "", 4, "SH01:3 SH03:3 SH04:2"),
    ("Jakarta Smart City data centre", "communications", "jakarta_pusat", 4, "SH07:4 SH01:2"),
    ("Mobile telecommunication towers", "communications", "", 4, "SH07:3 SH08:3"),
    ("Muara Angke mangrove forest", "ecosystem", "jakarta_utara", 3, "SH02:3"),
    ("Green open spaces (RTH)", "ecosystem", "", 3, "SH08:2"),
    ("Bantar Gebang landfill", "sanitation", "", 5, "SH08:2 SH06:2"),
    ("Kampung settlements along rivers", "housing", "", 4, "SH01:5 SH04:5 SH06:3"),
    ("Public rental flats (rusunawa)", "housing", "", 3, "SH03:3 SH04:3"),
    ("Tanah Abang market", "economy", "jakarta_pusat", 4, "SH04:4 SH05:3"),
    ("Sudirman-Thamrin business district", "economy", "jakarta_pusat", 4, "SH03:3 SH05:3 SH01:2"),
    ("Kota Tua heritage district", "culture", "jakarta_barat", 3, "SH01:3 SH02:2"),
    ("City Hall (Balai Kota)", "governance", "jakarta_pusat", 4, "SH05:2"),
    ("Police and public-order posts", "governance", "", 3, "SH05:4"),
    ("Food distribution centre Cipinang", "food", "jakarta_timur", 4, "SH01:3 SH07:2"),
    ("Fuel depot Plumpang", "energy", "jakarta_utara", 5, "SH04:5 SH03:3"),
    ("Civil registry archive", "governance", "jakarta_pusat", 4, ""),
    ("Regional disaster logistics warehouse", "emergency services", "jakarta_timur", 4, ""),
    ("Kepulauan Seribu ferry piers", "transport", "kepulauan_seribu", 4, ""),
]
ASSETS = pd.DataFrame(
    [(f"A{i:02d}", *a) for i, a in enumerate(_ASSETS, start=1)],
    columns=["asset_id", "name", "category", "area", "criticality", "exposure"],
)


def _asset_impacts(rng):
    shocks = [h[0] for h in HAZARDS if h[1] == "shock"]
    rows = []
    for asset_id, profile in zip(ASSETS["asset_id"], ASSETS["exposure"]):
        typical = dict(p.split(":") for p in profile.split()) if profile else {}
        table = f"T{int(rng.integers(1, 7))}"
        for shock in shocks:
            base = int(typical.get(shock, 0))
            impact = int(np.clip(base + (rng.choice([-1, 0, 0, 1]) if base else 0), 0, 5))
            rows.append(("assets_shocks_workshop", asset_id, shock, impact, table))
    return pd.DataFrame(rows, columns=["activity_id", "asset_id", "shock_id", "impact", "workshop_table"])


def _links(items, id_column):
    rows = []
    for key, refs in items:
        for ref in refs.split():
            rows.append((key, ref if ref.startswith("G") else "", "" if ref.startswith("G") else ref))
    return pd.DataFrame(rows, columns=[id_column, "goal_id", "hazard_id"])


def _mandates():
    rows = []
    for agency, (lead, support) in MANDATES.items():
        for role, refs in (("lead", lead), ("support", support)):
            for ref in refs.split():
                rows.append((agency, ref if ref.startswith("G") else "", "" if ref.startswith("G") else ref, role))
    return pd.DataFrame(rows, columns=["agency_id", "goal_id", "hazard_id", "role"])


def _actions(rng, n=120):
    # Topics and how often they occur: flooding and water dominate, cohesion is thin.
    topics = [
        ("Normalisasi sungai", "dsda", "G07 SH01", 11),
        ("Pembangunan waduk dan situ", "dsda", "G07 SH01 ST01", 8),
        ("Tanggul pantai NCICD", "dsda", "G07 SH02 ST01", 6),
        ("Pompa dan drainase", "dsda", "G08 SH01", 8),
        ("Perluasan jaringan air perpipaan", "pamjaya", "G01 G08 ST04", 8),
        ("Sistem pengolahan air limbah", "paljaya", "G08 ST05", 5),
        ("Pengelolaan sampah terpadu", "dlh", "G08 ST05", 6),
        ("Pembangunan MRT dan LRT", "mrtj", "G09 ST02", 6),
        ("Integrasi TransJakarta", "transjakarta", "G09 ST02", 7),
        ("Manajemen lalu lintas", "dishub", "G09 ST02 ST08", 5),
        ("Rusunawa untuk warga bantaran", "dprkp", "G01 ST07 SH04", 6),
        ("Sistem peringatan dini banjir", "bpbd", "G07 SH01", 5),
        ("Latihan kesiapsiagaan bencana", "bpbd", "G03 SH03", 3),
        ("Proteksi kebakaran permukiman", "gulkarmat", "G03 SH04", 4),
        ("Pengendalian DBD", "dinkes", "G03 SH06", 5),
        ("Jaminan kesehatan daerah", "dinkes", "G03 G01", 4),
        ("Pelatihan kerja", "disnaker", "G02 ST11", 4),
        ("Pembinaan UMKM", "dkukm", "G02 G06", 4),
        ("Jakarta Smart City", "diskominfotik", "G12 G10", 3),
        ("Rencana tata ruang dan zonasi", "citata", "G12 ST01", 3),
        ("Forum warga dan musrenbang", "bappeda", "G11 G04", 2),
        ("Kerukunan antarwarga", "dinsos", "G04 SH05", 2),
        ("Ketertiban umum", "satpolpp", "G05 ST03", 5),
    ]
    # Each topic occurs in proportion to its count (exactly, when the counts sum to n), so the
    # planted coverage does not hinge on the luck of n independent draws.
    counts = np.array([t[3] for t in topics], dtype=float)
    counts = np.floor(counts / counts.sum() * n).astype(int)
    counts[: n - counts.sum()] += 1
    picks = rng.permutation(np.repeat(np.arange(len(topics)), counts))
    actions, links = [], []
    for i, t in enumerate(picks, start=1):
        title, owner, refs, _ = topics[t]
        action_id = f"AC{i:03d}"
        budget = "" if rng.random() < 0.2 else f"{float(np.round(np.exp(rng.normal(24, 1.2)), -6)):.0f}"
        status = rng.choice(["planned", "ongoing", "completed"], p=[0.25, 0.55, 0.2])
        actions.append((action_id, f"{title} ({i})", owner, status, budget, int(rng.integers(2012, 2018))))
        links.append((action_id, refs))
    return {
        "actions": pd.DataFrame(actions, columns=["action_id", "title", "owner_agency_id", "status", "budget_idr", "start_year"]),
        "action_links": _links(links, "action_id"),
    }


def _seminar(rng, people):
    selected = [f for f in FOCUS_AREAS if f[3]]
    base = {"FA1": 3.8, "FA2": 4.4, "FA3": 4.3, "FA4": 4.0, "FA5": 3.6}
    rows = []
    for rid, group in zip(people["respondent_id"], people["stakeholder_group"]):
        score = {fa[0]: base[fa[0]] + (0.9 if group == "community" and fa[0] == "FA5" else 0.0) + rng.normal(0, 0.8) for fa in selected}
        order = sorted(score, key=lambda k: -score[k])
        for fa in selected:
            support = int(np.clip(np.rint(score[fa[0]]), 1, 5))
            rows.append((rid, "pra_seminar", fa[0], support, order.index(fa[0]) + 1))
    return pd.DataFrame(rows, columns=["respondent_id", "activity_id", "focus_area_id", "support", "rank"])


def _readme(seed: int, respondents: int) -> str:
    effects = "\n".join(f"| {area} | {text} |" for area, text in PLANTED_EFFECTS)
    return f"""# Sample assessment: Jakarta 2017 (SYNTHETIC)

**This assessment is synthetic.** It was generated by `pra sample` (seed {seed},
{respondents} questionnaire respondents) and describes no real person, rating or budget.
Place names, stakeholder groups, activities and their dates, agencies and the five focus
areas follow Jakarta's 2017 PRA as summarised in the method brief. Hazards marked there as
unconfirmed (disease outbreak, infrastructure failure, air pollution, inequality) and the
extra stresses and candidate focus areas FA6-FA7 are plausible additions. Names, phones,
e-mails and NIK numbers are invented, so that the privacy checks have something to protect.

Regenerate it with:

```
pra sample data/sample --seed {seed} --respondents {respondents}
```

## Planted structure

The analyses must recover these effects; the tests check that they do.

| analysis | planted effect |
|---|---|
{effects}

## Files

See `docs/data-dictionary.md` for every table and column.
"""
