"""The assessment data model: every table, every column, in one place.

The loader, the validator, the sample generator and ``docs/data-dictionary.md`` all read
these definitions, so the data model has a single source of truth.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Ids that end up in file names or URLs: letters, digits, dash, underscore, dot; no leading dot.
SAFE_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"

CHANNELS = ("online", "offline", "interview", "workshop")
ASPECTS = ("performance", "importance")
HAZARD_TYPES = ("shock", "stress")
VALENCES = ("strength", "weakness")
TRENDS = ("worsening", "stable", "improving")
ACTION_STATUSES = ("planned", "ongoing", "completed")
MANDATE_ROLES = ("lead", "support")
GENDERS = ("female", "male", "other")
AGE_BANDS = ("15-24", "25-34", "35-44", "45-54", "55-64", "65+")
ACTIVITY_TYPES = (
    "questionnaire",
    "perception_workshop",
    "assets_shocks_workshop",
    "stresses_session",
    "focus_areas_session",
    "pra_seminar",
)


@dataclass(frozen=True)
class Column:
    """One column of an assessment table.

    ``kind`` is one of ``str``, ``int``, ``float``, ``bool`` or ``likert``. A ``likert``
    column holds integer codes of the named ``scale`` but also accepts the scale's English
    or Indonesian labels; "don't know" labels become missing.
    ``references`` names what the values must exist in: ``"<table>.<column>"``, or one of the
    metadata lists ``"meta.activities"``, ``"meta.stakeholder_groups"``, ``"meta.areas"``, or
    the CRF reference ``"crf.goals"`` / ``"crf.indicators"``.
    """

    name: str
    kind: str
    description: str
    example: str
    required: bool = True  # the column must be present
    nullable: bool = False  # cells may be empty
    unique: bool = False
    allowed: tuple[str, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None
    scale: str | None = None
    references: str | None = None
    personal: bool = False  # direct identifier: never reaches an output
    free_text: bool = False  # text typed by or about a person: shown only with care


@dataclass(frozen=True)
class Table:
    """One table of an assessment: a CSV file, or a sheet of an XLSX workbook."""

    name: str
    description: str
    columns: tuple[Column, ...]
    required: bool = False  # the table must exist and hold at least one row
    # Row-level rule: at least one of these columns must be filled in every row.
    one_of: tuple[str, ...] = field(default_factory=tuple)
    # Columns that together name a row: a second row with the same values is a duplicate
    # (a double-submitted form, a pasted block), reported rather than counted twice.
    key: tuple[str, ...] = field(default_factory=tuple)

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)


def _likert(name, scale, description, example="4", **kw):
    return Column(name, "likert", description, example, scale=scale, minimum=1, maximum=5, **kw)


TABLES: tuple[Table, ...] = (
    Table(
        "participants",
        "Everyone who took part in an activity: questionnaire respondents, interviewees, "
        "workshop and seminar participants. One row per person per activity.",
        (
            Column("respondent_id", "str", "Stable id of the person in this activity.", "Q0001", unique=True),
            Column("activity_id", "str", "The activity they took part in.", "questionnaire", references="meta.activities"),
            Column("stakeholder_group", "str", "Their stakeholder group.", "community", references="meta.stakeholder_groups"),
            Column("channel", "str", "How they took part.", "online", allowed=CHANNELS),
            Column("area", "str", "Area they live or work in; empty for city-wide roles.", "jakarta_utara", nullable=True, references="meta.areas"),
            Column("organisation", "str", "Organisation they represent, if any.", "Dinas Sosial", required=False, nullable=True),
            Column("workshop_table", "str", "Table or breakout group at a workshop.", "T3", required=False, nullable=True),
            Column("gender", "str", "Self-reported gender.", "female", required=False, nullable=True, allowed=GENDERS),
            Column("age_band", "str", "Age band in years.", "25-34", required=False, nullable=True, allowed=AGE_BANDS),
            Column("name", "str", "Full name.", "Siti Rahma", required=False, nullable=True, personal=True),
            Column("phone", "str", "Phone number.", "+62 812 0000 0000", required=False, nullable=True, personal=True),
            Column("email", "str", "E-mail address.", "siti@example.org", required=False, nullable=True, personal=True),
            Column("nik", "str", "National identity number (NIK, 16 digits).", "3171000000000000", required=False, nullable=True, personal=True),
            Column("weight", "float", "The survey's own design weight for this respondent, when imported from a weighted survey.", "1.25", required=False, nullable=True, minimum=0),
            Column("stratum", "str", "The survey's own sampling stratum, when imported from a stratified survey.", "urban", required=False, nullable=True),
        ),
        required=True,
    ),
    Table(
        "perception_ratings",
        "Ratings of the CRF goals (or indicators) by questionnaire respondents and workshop "
        "participants. Long format: one row per person, goal or indicator, and aspect.",
        (
            Column("respondent_id", "str", "Who rated.", "Q0001", references="participants.respondent_id"),
            Column("activity_id", "str", "In which activity.", "questionnaire", references="meta.activities"),
            Column("goal_id", "str", "CRF goal rated (G01..G12; 1..12 is accepted).", "G01", references="crf.goals"),
            Column("indicator_id", "str", "CRF indicator rated, when the rating is at indicator level.", "1.3", required=False, nullable=True, references="crf.indicators"),
            Column("aspect", "str", "What was rated: the city's performance, or the goal's importance.", "performance", allowed=ASPECTS),
            _likert("rating", "performance", "The rating on a 1-5 scale; code or label. \"Don't know\" / tidak tahu is missing.", nullable=True),
        ),
        required=True,
        key=('respondent_id', 'goal_id', 'indicator_id', 'aspect'),
    ),
    Table(
        "interview_statements",
        "Coded statements from key-stakeholder interviews. Each statement is tagged to a goal "
        "and/or a hazard and coded as a strength or a weakness.",
        (
            Column("statement_id", "str", "Stable id of the statement.", "S001", unique=True),
            Column("respondent_id", "str", "The interviewee.", "I001", references="participants.respondent_id"),
            Column("goal_id", "str", "CRF goal the statement is about.", "G10", nullable=True, references="crf.goals"),
            Column("hazard_id", "str", "Shock or stress the statement is about.", "SH01", nullable=True, references="hazards.hazard_id"),
            Column("valence", "str", "Whether the statement names a strength or a weakness.", "weakness", allowed=VALENCES),
            Column("code", "str", "Short thematic code from the coding frame.", "inter-agency coordination"),
            Column("quote", "str", "Verbatim excerpt; shown only attributed to the stakeholder group.", "Koordinasi antar dinas masih lemah.", required=False, nullable=True, free_text=True),
        ),
        one_of=("goal_id", "hazard_id"),
    ),
    Table(
        "hazards",
        "The shocks and stresses the assessment considers.",
        (
            Column("hazard_id", "str", "Stable id.", "SH01", unique=True),
            Column("hazard_type", "str", "Shock (acute event) or stress (chronic pressure).", "shock", allowed=HAZARD_TYPES),
            Column("name_en", "str", "English name.", "Flooding"),
            Column("name_id", "str", "Indonesian name.", "Banjir", required=False, nullable=True),
            Column("category", "str", "Hazard family, free text.", "hydro-meteorological"),
        ),
    ),
    Table(
        "hazard_ratings",
        "Workshop ratings of each hazard, by participant or by workshop table. Shocks take "
        "likelihood and consequence; stresses take severity and trend.",
        (
            Column("activity_id", "str", "The workshop or session.", "assets_shocks_workshop", references="meta.activities"),
            Column("respondent_id", "str", "Who rated, when rated individually.", "W101", nullable=True, references="participants.respondent_id"),
            Column("workshop_table", "str", "Which table rated, when rated by table.", "T2", nullable=True),
            Column("hazard_id", "str", "The hazard rated.", "SH01", references="hazards.hazard_id"),
            _likert("likelihood", "likelihood", "Likelihood, 1 rare to 5 almost certain (shocks).", nullable=True),
            _likert("consequence", "consequence", "Consequence, 1 insignificant to 5 catastrophic (shocks).", nullable=True),
            _likert("severity", "severity", "Severity of a stress, 1 negligible to 5 severe.", required=False, nullable=True),
            Column("trend", "str", "Direction of a stress.", "worsening", required=False, nullable=True, allowed=TRENDS),
        ),
        one_of=("respondent_id", "workshop_table"),
        key=('activity_id', 'respondent_id', 'workshop_table', 'hazard_id'),
    ),
    Table(
        "assets",
        "City assets: infrastructure, services, ecosystems and institutions.",
        (
            Column("asset_id", "str", "Stable id.", "A01", unique=True),
            Column("name", "str", "Asset name.", "Pluit pumping station"),
            Column("category", "str", "Asset category.", "water", allowed=None),
            Column("area", "str", "Where the asset is; empty for city-wide assets.", "jakarta_utara", nullable=True, references="meta.areas"),
            Column("criticality", "int", "How critical the asset is to the city, 1 low to 5 vital.", "5", minimum=1, maximum=5),
        ),
    ),
    Table(
        "asset_impacts",
        "How hard each shock hits each asset, as rated at the Assets & Shocks Workshop.",
        (
            Column("activity_id", "str", "The workshop.", "assets_shocks_workshop", references="meta.activities"),
            Column("asset_id", "str", "The asset.", "A01", references="assets.asset_id"),
            Column("shock_id", "str", "The shock (a hazard of type shock).", "SH01", references="hazards.hazard_id"),
            Column("impact", "int", "Impact, 0 none to 5 loss of function.", "4", minimum=0, maximum=5),
            Column("workshop_table", "str", "Which table rated it.", "T2", required=False, nullable=True),
        ),
        key=('activity_id', 'asset_id', 'shock_id', 'workshop_table'),
    ),
    Table(
        "amplifications",
        "Links from a stress to a shock it makes worse.",
        (
            Column("activity_id", "str", "The session that recorded the link.", "stresses_session", references="meta.activities"),
            Column("stress_id", "str", "The stress (a hazard of type stress).", "ST01", references="hazards.hazard_id"),
            Column("shock_id", "str", "The shock it amplifies (a hazard of type shock).", "SH01", references="hazards.hazard_id"),
            Column("strength", "int", "How strongly, 1 weak, 2 moderate, 3 strong.", "3", minimum=1, maximum=3),
        ),
        key=('activity_id', 'stress_id', 'shock_id'),
    ),
    Table(
        "agencies",
        "Organisations that own actions or may join Phase II working groups: government "
        "agencies (OPD), utilities, and organisations of the other stakeholder groups.",
        (
            Column("agency_id", "str", "Stable short id.", "bappeda", unique=True),
            Column("name", "str", "Official name.", "Badan Perencanaan Pembangunan Daerah"),
            Column("name_en", "str", "English name or gloss.", "Regional development planning agency", required=False, nullable=True),
            Column("stakeholder_group", "str", "Stakeholder group of the organisation.", "government", references="meta.stakeholder_groups"),
        ),
    ),
    Table(
        "agency_mandates",
        "What each organisation is responsible for, as CRF goals and hazards.",
        (
            Column("agency_id", "str", "The organisation.", "bpbd", references="agencies.agency_id"),
            Column("goal_id", "str", "A goal in its mandate.", "G11", nullable=True, references="crf.goals"),
            Column("hazard_id", "str", "A hazard in its mandate.", "SH01", nullable=True, references="hazards.hazard_id"),
            Column("role", "str", "Lead or supporting responsibility.", "lead", allowed=MANDATE_ROLES),
        ),
        one_of=("goal_id", "hazard_id"),
        key=('agency_id', 'goal_id', 'hazard_id'),
    ),
    Table(
        "actions",
        "The actions inventory: existing plans, programmes and projects.",
        (
            Column("action_id", "str", "Stable id.", "AC001", unique=True),
            Column("title", "str", "Title of the action.", "Normalisasi sungai Ciliwung"),
            Column("owner_agency_id", "str", "The agency that owns it.", "dsda", references="agencies.agency_id"),
            Column("status", "str", "Where it stands.", "ongoing", allowed=ACTION_STATUSES),
            Column("budget_idr", "float", "Budget in rupiah, when known.", "125000000000", required=False, nullable=True, minimum=0),
            Column("start_year", "int", "Year it started or starts.", "2016", required=False, nullable=True, minimum=1945, maximum=2100),
        ),
    ),
    Table(
        "action_links",
        "Which goals and hazards each action addresses. One row per link.",
        (
            Column("action_id", "str", "The action.", "AC001", references="actions.action_id"),
            Column("goal_id", "str", "A goal it addresses.", "G07", nullable=True, references="crf.goals"),
            Column("hazard_id", "str", "A hazard it addresses.", "SH01", nullable=True, references="hazards.hazard_id"),
        ),
        one_of=("goal_id", "hazard_id"),
        key=('action_id', 'goal_id', 'hazard_id'),
    ),
    Table(
        "focus_areas",
        "Candidate focus areas considered at the focus-areas working session.",
        (
            Column("focus_area_id", "str", "Stable id.", "FA1", unique=True),
            Column("name_en", "str", "English name.", "Connectivity and mobility"),
            Column("name_id", "str", "Indonesian name.", "Konektivitas dan mobilitas", required=False, nullable=True),
            Column("selected", "bool", "Whether the PRA finally selected it.", "true", required=False, nullable=True),
        ),
    ),
    Table(
        "focus_area_links",
        "Which goals and hazards each candidate focus area covers. One row per link.",
        (
            Column("focus_area_id", "str", "The focus area.", "FA4", references="focus_areas.focus_area_id"),
            Column("goal_id", "str", "A goal it covers.", "G09", nullable=True, references="crf.goals"),
            Column("hazard_id", "str", "A hazard it covers.", "ST02", nullable=True, references="hazards.hazard_id"),
        ),
        one_of=("goal_id", "hazard_id"),
        key=('focus_area_id', 'goal_id', 'hazard_id'),
    ),
    Table(
        "seminar_votes",
        "Support for each focus area at the PRA seminar, and optional rankings.",
        (
            Column("respondent_id", "str", "The seminar participant.", "P001", references="participants.respondent_id"),
            Column("activity_id", "str", "The seminar.", "pra_seminar", references="meta.activities"),
            Column("focus_area_id", "str", "The focus area.", "FA2", references="focus_areas.focus_area_id"),
            _likert("support", "agreement", "Agreement that it should be a focus area, 1-5; code or label.", nullable=True),
            Column("rank", "int", "The participant's rank for this focus area, 1 = top.", "2", required=False, nullable=True, minimum=1),
        ),
        key=('respondent_id', 'activity_id', 'focus_area_id'),
    ),
)

TABLES_BY_NAME: dict[str, Table] = {t.name: t for t in TABLES}


def table(name: str) -> Table:
    """Return the definition of the table called ``name``."""
    try:
        return TABLES_BY_NAME[name]
    except KeyError:
        raise KeyError(f"unknown table {name!r}; known tables: {', '.join(TABLES_BY_NAME)}") from None


def personal_columns() -> dict[str, list[str]]:
    """Map each table to its columns marked personal."""
    return {t.name: [c.name for c in t.columns if c.personal] for t in TABLES if any(c.personal for c in t.columns)}
