"""Demo activity: completions, KPI histories with real training effects, assessments,
reactions, follow-ups and tutoring.

KPI values = learner baseline x market (season and trend, shared by everyone)
x (1 + effect of each module completed at least 30 days earlier) x noise, so a
difference-in-differences analysis recovers each module's effect.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np
from sqlalchemy import insert, select

from lms_roi.db import session
from lms_roi.models import (
    Attempt,
    AttemptAnswer,
    Completion,
    FollowUp,
    KpiValue,
    SurveyResponse,
    TutoringAction,
    TutoringPair,
    TutoringSession,
)
from lms_roi.services.quizzes import score_pct

from .catalog import PASS_MARK
from .content import IMPROVED, KPIS, MODULES, TEAM_KPIS

LAG_DAYS = 30
PARIS = ZoneInfo("Europe/Paris")


@dataclass
class DemoCompletion:
    learner_id: int
    module: str
    day: date
    version: int
    effect: float
    score: float | None = None


def plan_completions(rng, learners, months: list[date], improved_on: date) -> list[DemoCompletion]:
    """Each learner takes about half of the modules aimed at their team's KPIs."""
    first, last = months[3], months[7] + timedelta(days=14)
    span = (last - first).days
    plan = []
    for learner_id, team in learners:
        wanted = set(TEAM_KPIS[team])
        keen = rng.uniform(0.3, 0.8)  # some people learn more than others
        for slug, (*_, links) in MODULES.items():
            if not wanted & set(links) or rng.random() > keen:
                continue
            day = first + timedelta(days=int(rng.integers(span)))
            version = 2 if slug in IMPROVED and day >= improved_on else 1
            plan.append(DemoCompletion(learner_id, slug, day, version, 0.0))
    return plan


def effect_of(completion: DemoCompletion, kpi: str) -> float:
    """The true relative effect of a completion on ``kpi`` (0 when it does not target it)."""
    links = MODULES[completion.module][-1]
    if kpi not in links:
        return 0.0
    if completion.version == 2:
        return IMPROVED[completion.module]
    return links[kpi][1]


def kpi_history(rng, learners, plan, months: list[date], kpi_ids: dict[str, int]) -> list[dict]:
    """Monthly KPI values for every learner and each KPI of their team."""
    by_learner: dict[int, list[DemoCompletion]] = {}
    for completion in plan:
        by_learner.setdefault(completion.learner_id, []).append(completion)
    t = np.arange(len(months))
    market = (1 + 0.05 * np.sin(2 * np.pi * (np.array([m.month for m in months]) - 3) / 12)) * (
        1 + 0.008 * t
    )
    rows = []
    for learner_id, team in learners:
        for kpi in TEAM_KPIS[team]:
            _, _, direction, _, baseline, spread, decimals = KPIS[kpi]
            level = baseline * rng.lognormal(0, spread)
            lift = np.ones(len(months))
            for completion in by_learner.get(learner_id, []):
                effect = effect_of(completion, kpi)
                if effect:
                    after = np.array(
                        [m >= completion.day + timedelta(days=LAG_DAYS) for m in months]
                    )
                    lift *= np.where(after, 1 + (effect if direction == "higher" else -effect), 1)
            values = level * market * lift * rng.normal(1, 0.04, len(months))
            for month, value in zip(months, np.round(values, decimals), strict=True):
                rows.append(
                    dict(
                        learner_id=learner_id,
                        kpi_id=kpi_ids[kpi],
                        period_start=month,
                        value=float(value),
                    )
                )
    return rows


def _moment(day: date, hour: float) -> datetime:
    local = datetime.combine(day, time(int(hour), int(hour % 1 * 60)), PARIS)
    return local.astimezone(UTC)


def record_assessments(rng, plan, quizzes) -> None:
    """A pre-test before the lesson, then post-test attempts until one passes (at most three).

    Answers are drawn question by question and every score is computed from them with the
    product's grading rule (see ``question_score``). The draws use a child generator, so the
    quiz content does not shift the random draws of later steps.
    """
    (rng,) = rng.spawn(1)
    db = session()
    attempts, answer_plan = [], []
    for c in plan:
        gain = 0.25 + 2.5 * max(effect_of(c, k) for k in MODULES[c.module][-1])
        hour = float(rng.uniform(9, 16))
        entry = quizzes[c.module]
        runs = [("pre", 1, 0.45, _moment(c.day, hour - 0.5))]
        runs += [
            # each retry comes after re-reading the feedback, so the learner knows more
            ("post", n, min(0.45 + gain + 0.1 * (n - 1), 0.95), _moment(c.day, hour + 0.25 * n))
            for n in (1, 2, 3)
        ]
        for kind, attempt_no, p_known, at in runs:
            quiz_id = entry[kind]
            while True:
                picks = [
                    _answer(rng, p_known, *question) for question in entry["questions"][quiz_id]
                ]
                score = score_pct(p[2] for p in picks)
                # the completion exists, so the last allowed post-test attempt passed
                if kind == "pre" or attempt_no < 3 or score >= PASS_MARK:
                    break
            attempts.append(
                dict(
                    quiz_id=quiz_id,
                    learner_id=c.learner_id,
                    attempt_no=attempt_no,
                    started_at=at - timedelta(minutes=int(rng.integers(4, 12))),
                    submitted_at=at,
                    score_pct=score,
                    passed=score >= PASS_MARK,
                )
            )
            answer_plan.append(picks)
            if kind == "post" and score >= PASS_MARK:
                c.score = score
                break
    db.execute(insert(Attempt), attempts)
    ids = {
        (r.quiz_id, r.learner_id, r.attempt_no): r.id
        for r in db.execute(
            select(Attempt.quiz_id, Attempt.learner_id, Attempt.attempt_no, Attempt.id)
        )
    }
    answers = [
        dict(
            attempt_id=ids[(a["quiz_id"], a["learner_id"], a["attempt_no"])],
            question_id=question_id,
            selected_choice_ids=selected,
            correct=points == 1,
            score=points,
        )
        for a, picks in zip(attempts, answer_plan, strict=True)
        for question_id, selected, points in picks
    ]
    for start in range(0, len(answers), 5000):
        db.execute(insert(AttemptAnswer), answers[start : start + 5000])


def _answer(rng, p_known: float, question_id: int, kind: str, correct: list, wrong: list):
    """``(question_id, selected choice ids, points)`` for a learner who knows the answer
    with probability ``p_known``; on a multiple-choice question a guess is partly right."""
    if rng.random() < p_known:
        selected = list(correct)
    elif kind == "multiple":
        selected = [i for i in correct + wrong if rng.random() < 0.5]
        selected = selected or [int(rng.choice(correct + wrong))]
    else:
        selected = [int(rng.choice(wrong))]
    return question_id, sorted(selected), question_score(kind, selected, correct, wrong)


def question_score(kind: str, selected: list, correct: list, wrong: list) -> float:
    """The rule of ``services.quizzes.grade_question``, on choice ids: single and true/false
    score 1 or 0; multiple choice scores right picks / right choices - wrong picks / wrong
    choices, never below 0."""
    chosen = set(selected)
    if kind != "multiple":
        return 1.0 if chosen == set(correct) else 0.0
    hits = len(chosen & set(correct)) / len(correct)
    misses = len(chosen & set(wrong)) / len(wrong) if wrong else 0.0
    return max(0.0, hits - misses)


def record_completions(rng, plan, module_ids) -> None:
    rows = [
        dict(
            learner_id=c.learner_id,
            module_id=module_ids[c.module],
            version=c.version,
            completed_at=_moment(c.day, 17),
            score=c.score,
            source="web",
        )
        for c in plan
    ]
    db = session()
    for start in range(0, len(rows), 5000):
        db.execute(insert(Completion), rows[start : start + 5000])


def record_reactions_and_follow_ups(rng, plan, module_ids, as_of: date) -> None:
    """Level 1 ratings for most completions; level 3 follow-ups at +30/+60/+90 days."""
    surveys, follow_ups = [], []
    for c in plan:
        best = max(effect_of(c, k) for k in MODULES[c.module][-1])
        if rng.random() < 0.8:
            surveys.append(
                dict(
                    learner_id=c.learner_id,
                    module_id=module_ids[c.module],
                    rating=int(np.clip(round(rng.normal(3.5 + 10 * best, 0.7)), 1, 5)),
                    relevance=int(np.clip(round(rng.normal(3.3 + 12 * best, 0.8)), 1, 5)),
                    submitted_at=_moment(c.day, 17.5),
                )
            )
        for offset in (30, 60, 90):
            due = c.day + timedelta(days=offset)
            answered = due <= as_of and rng.random() < 0.6
            applied = bool(rng.random() < 0.45 + 3 * best) if answered else None
            # Drawn only for answered follow-ups, in this order (a stable random stream).
            attribution = (
                float(np.clip(round(rng.normal(35 + 250 * best, 12)), 0, 100)) if answered else 0
            )
            confidence = float(np.clip(round(rng.normal(70, 12)), 10, 100)) if answered else 0
            follow_ups.append(
                dict(
                    learner_id=c.learner_id,
                    module_id=module_ids[c.module],
                    offset_days=offset,
                    due_on=due,
                    answered_at=_moment(due, 10) if answered else None,
                    applied=applied,
                    # As the follow-up form records it: not applied credits nothing.
                    attribution_pct=(attribution if applied else 0.0) if answered else None,
                    confidence_pct=(confidence if applied else 100.0) if answered else None,
                )
            )
    db = session()
    if surveys:
        db.execute(insert(SurveyResponse), surveys)
    if follow_ups:
        db.execute(insert(FollowUp), follow_ups)


def record_tutoring(rng, people, program_ids, months: list[date], as_of: date) -> int:
    """Each tutor follows up to six mentees of their area, with a few sessions each."""
    areas = {
        "content": ("content", "social", "seo"),
        "paid": ("paid", "seo"),
        "inside-sales": ("inside-sales", "field-sales"),
        "service": ("service",),
    }
    program_of = {
        "content": "growth-marketing-academy",
        "social": "growth-marketing-academy",
        "seo": "growth-marketing-academy",
        "paid": "performance-marketing",
        "inside-sales": "sales-excellence",
        "field-sales": "sales-excellence",
        "service": "customer-first",
    }
    team_of = dict(people["learners"])
    db = session()
    taken: set[int] = set()
    n_pairs = 0
    for tutor_id, area in people["tutor_teams"].items():
        mentees = [
            lid for lid, team in people["learners"] if team in areas[area] and lid not in taken
        ][:6]
        for mentee_id in mentees:
            taken.add(mentee_id)
            team = team_of[mentee_id]
            pair = TutoringPair(
                tutor_id=tutor_id,
                mentee_id=mentee_id,
                program_id=program_ids[program_of[team]],
                starts_on=months[3],
                goals="Apply each module on a live campaign within a week",
            )
            db.add(pair)
            db.flush()
            n_pairs += 1
            for _ in range(int(rng.integers(2, 7))):
                held = months[3] + timedelta(days=int(rng.integers((as_of - months[3]).days)))
                recent = held > as_of - timedelta(days=14)
                db.add(
                    TutoringSession(
                        pair_id=pair.id,
                        held_on=held,
                        minutes=int(rng.choice([30, 45, 60])),
                        notes="Reviewed last week's campaign results",
                        logged_by_id=tutor_id,
                        actions=[
                            TutoringAction(
                                position=1,
                                text="Try one technique from the module on the next brief",
                                # Actions of the last two weeks are still open.
                                done_at=None if recent else _noon(held + timedelta(days=7)),
                                done_by_id=None if recent else mentee_id,
                            )
                        ],
                    )
                )
    db.flush()
    return n_pairs


def _noon(day: date) -> datetime:
    return datetime.combine(day, time(12), tzinfo=UTC)


def insert_kpi_values(rows: list[dict]) -> None:
    db = session()
    for start in range(0, len(rows), 5000):
        db.execute(insert(KpiValue), rows[start : start + 5000])
