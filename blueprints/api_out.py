"""Output schemas of the API views that build their JSON by hand (``jsonify``).

They only describe those bodies in the OpenAPI document: a view returning a ``Response``
is not dumped again by ``@api.response``, so its body stays exactly what it writes.
Keep a schema in step with the view it documents (the view's tests read the body).
"""

from __future__ import annotations

from marshmallow import Schema, fields

_Iso = fields.String  # a date or date-time as ISO 8601 text


def _nullable(field_cls, **kwargs):
    return field_cls(allow_none=True, **kwargs)


# --- reports ---------------------------------------------------------------------------


class RoiCostBreakdownOut(Schema):
    """Where a row's cost comes from."""

    cost_items = fields.Float()
    participant_time = fields.Float()
    program_items = fields.Float()
    tutoring_time = fields.Float()


class RoiKpiEffectOut(Schema):
    """The isolated effect of training on one KPI (``by=module``)."""

    kpi = fields.String()
    isolation = fields.String(metadata={"description": "control_group, trend or estimate"})
    effect = _nullable(fields.Float)
    std_error = _nullable(fields.Float)
    ci_low = _nullable(fields.Float)
    ci_high = _nullable(fields.Float)
    benefit = _nullable(fields.Float)
    n_treated = fields.Integer()
    n_control = fields.Integer()
    mde = _nullable(fields.Float, metadata={"description": "Minimum detectable effect"})
    placebo_effect = _nullable(fields.Float)
    placebo_ci_low = _nullable(fields.Float)
    placebo_ci_high = _nullable(fields.Float)
    pre_trend_differs = fields.Boolean()
    underpowered = fields.Boolean()


class RoiRowOut(Schema):
    """One row of the ROI report; its key column and extra fields depend on ``by``."""

    module = fields.String(metadata={"description": "by=module, by=version"})
    version = fields.Integer(metadata={"description": "by=version"})
    method = fields.String(metadata={"description": "by=module, by=method"})
    program = fields.String(metadata={"description": "by=program"})
    learner = fields.String(metadata={"description": "by=learner (external id)"})
    team = fields.String(metadata={"description": "by=team"})
    modules = fields.List(fields.String(), metadata={"description": "by=learner"})
    n_completions = fields.Integer()
    n_learners = fields.Integer()
    n_modules = fields.Integer()
    benefit = fields.Float()
    cost = fields.Float()
    net_benefit = fields.Float()
    roi_pct = _nullable(fields.Float, metadata={"description": "Unrounded; null without cost"})
    bcr = _nullable(fields.Float, metadata={"description": "Benefit-cost ratio"})
    payback_months = _nullable(fields.Float)
    cost_breakdown = fields.Nested(RoiCostBreakdownOut)
    flags = fields.List(fields.String(), metadata={"description": "e.g. insufficient_data"})
    kpis = fields.List(fields.Nested(RoiKpiEffectOut))


class EventStudyRowOut(Schema):
    """The effect ``r`` KPI periods from training (``r = -1`` is the reference, 0)."""

    kpi = fields.String()
    r = fields.Integer()
    effect = _nullable(fields.Float)
    std_error = _nullable(fields.Float)
    ci_low = _nullable(fields.Float)
    ci_high = _nullable(fields.Float)
    n_treated = fields.Integer()
    n_control = fields.Integer()


# --- modules, completions, attempts, progress -------------------------------------------


class ModuleQuizSummaryOut(Schema):
    """A quiz of a module."""

    id = fields.Integer()
    kind = fields.String()
    title = fields.String()
    pass_mark_pct = fields.Float()
    max_attempts = _nullable(fields.Integer)


class CatalogModuleOut(Schema):
    """A module of the catalog."""

    slug = fields.String()
    title = fields.String()
    summary = fields.String(allow_none=True)
    method = fields.String()
    duration_minutes = _nullable(fields.Integer)
    version = fields.Integer()
    published = fields.Boolean()
    tags = fields.List(fields.String())
    prerequisites = fields.List(fields.String(), metadata={"description": "Module slugs"})
    quizzes = fields.List(fields.Nested(ModuleQuizSummaryOut))


class ModuleStepOut(Schema):
    """One lesson step in Markdown."""

    title = fields.String(allow_none=True)
    markdown = fields.String()


class ModuleKpiWeightOut(Schema):
    """A KPI the module is meant to move, with its weight."""

    kpi = fields.String()
    weight = fields.Float()


class CatalogModuleDetailOut(CatalogModuleOut):
    """A module with its lesson steps and KPIs."""

    steps = fields.List(fields.Nested(ModuleStepOut))
    kpis = fields.List(fields.Nested(ModuleKpiWeightOut))


class CompletionResultOut(Schema):
    """A recorded completion (``created``: false when it was already recorded)."""

    id = fields.Integer()
    learner = fields.String()
    module = fields.String()
    version = fields.Integer()
    completed_at = _Iso()
    score = _nullable(fields.Float)
    source = fields.String()
    created = fields.Boolean()


class GradedQuestionOut(Schema):
    """How one question of an attempt was graded."""

    question = fields.Integer()
    score = fields.Float()
    selected = fields.List(fields.Integer())
    correct_choices = fields.List(
        fields.Integer(),
        allow_none=True,
        metadata={"description": "Only once passed or out of attempts"},
    )
    feedback = fields.Dict(
        keys=fields.String(),
        values=fields.String(allow_none=True),
        metadata={"description": "Feedback of each selected choice, by choice id"},
    )
    explanation = fields.String(allow_none=True)


class GradedAttemptOut(Schema):
    """A graded attempt."""

    quiz = fields.Integer()
    attempt_no = fields.Integer()
    score_pct = _nullable(fields.Float)
    passed = _nullable(fields.Boolean)
    submitted_at = _nullable(_Iso)
    attempts_left = _nullable(fields.Integer, metadata={"description": "null: unlimited"})
    questions = fields.List(fields.Nested(GradedQuestionOut))


class ProgressModuleOut(Schema):
    """A module the learner started or completed."""

    module = fields.String()
    title = fields.String()
    started_at = _nullable(_Iso)
    steps_seen = fields.Integer()
    steps_total = fields.Integer()
    time_spent_s = fields.Integer()
    completions = fields.Integer()
    last_completed_at = _nullable(_Iso)
    last_version = _nullable(fields.Integer)


class ProgressQuizOut(Schema):
    """The learner's best attempt at a quiz."""

    quiz = fields.Integer()
    kind = fields.String()
    module = _nullable(fields.String)
    best_score_pct = _nullable(fields.Float)
    passed = fields.Boolean()


class LearnerProgressOut(Schema):
    """A learner's modules, quiz bests, reviews and follow-ups due."""

    learner = fields.String()
    modules = fields.List(fields.Nested(ProgressModuleOut))
    quizzes = fields.List(fields.Nested(ProgressQuizOut))
    reviews_due = fields.Integer()
    follow_ups_due = fields.Integer()


# --- the game: leaderboards, XP, badges -------------------------------------------------


class BoardRowOut(Schema):
    """A listed learner of a leaderboard."""

    rank = fields.Integer()
    display_name = fields.String()
    xp = fields.Integer()


class BoardMeOut(Schema):
    """The caller's place on the board (the rank they would take when hidden)."""

    rank = _nullable(fields.Integer)
    xp = fields.Integer()
    hidden = fields.Boolean()
    neighbours = fields.List(fields.Nested(BoardRowOut))


class LeaderboardOut(Schema):
    """The top of a board and the caller's own place."""

    scope = fields.String(metadata={"description": "org, team:<slug> or program:<slug>"})
    window = fields.String()
    period = _nullable(fields.String)
    rows = fields.List(fields.Nested(BoardRowOut))
    me = fields.Nested(BoardMeOut, allow_none=True)


class XpFiguresOut(Schema):
    """XP over all time, this month and this week."""

    all = fields.Integer()
    month = fields.Integer()
    week = fields.Integer()


class XpPeriodsOut(Schema):
    """The keys of this month and this week."""

    month = fields.String()
    week = fields.String()


class XpLevelOut(Schema):
    """The level reached and the way to the next one."""

    level = fields.Integer()
    xp = fields.Integer()
    floor_xp = fields.Integer()
    next_xp = _nullable(fields.Integer)
    progress = fields.Float(metadata={"description": "0 to 1 towards the next level"})


class StreakOut(Schema):
    """Days in a row with learning."""

    current = fields.Integer()
    longest = fields.Integer()


class LearnerXpOut(Schema):
    """A learner's XP, level and streak."""

    learner = fields.String()
    xp = fields.Nested(XpFiguresOut)
    periods = fields.Nested(XpPeriodsOut)
    level = fields.Nested(XpLevelOut)
    streak = fields.Nested(StreakOut)


class BadgeOfferOut(Schema):
    """A badge on offer and how to earn it."""

    slug = fields.String()
    name = fields.String()
    description = fields.String()
    xp = fields.Integer()
    active = fields.Boolean()
    criteria = fields.Dict(metadata={"description": "The machine-readable criterion"})
    criteria_text = fields.String()
    image = fields.String(metadata={"description": "URL of the badge image"})
    badge_class = fields.String(metadata={"description": "URL of the Open Badges class"})


class HeldBadgeOut(Schema):
    """A badge the learner holds or held (revoked)."""

    badge = fields.String()
    name = fields.String()
    issued_on = _Iso()
    revoked = fields.Boolean()
    assertion = fields.String(metadata={"description": "URL of the Open Badges assertion"})
    baked_image = fields.String(metadata={"description": "Only while not revoked"})
    revoked_at = _nullable(_Iso, metadata={"description": "Only when revoked"})
    revocation_reason = _nullable(fields.String, metadata={"description": "Only when revoked"})


class BadgeToEarnOut(Schema):
    """A badge not held yet, with the progress towards it."""

    badge = fields.String()
    name = fields.String()
    criteria_text = fields.String()
    count = fields.Integer()
    goal = fields.Integer()


class LearnerBadgesOut(Schema):
    """A learner's badges: held ones and progress towards the others."""

    learner = fields.String()
    earned = fields.List(fields.Nested(HeldBadgeOut))
    to_earn = fields.List(fields.Nested(BadgeToEarnOut))
