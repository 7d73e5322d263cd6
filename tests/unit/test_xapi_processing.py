"""What stored xAPI statements do: completions, attempts, progress, XP, badges; actors and
activities resolved; unmapped statements kept and processed once mapped; voiding reverses.

Known answers: a 30-minute module's first completion earns min(10 + 30, 60) = 40 XP; a
quiz passed on the first try 20 + 10 XP (+10 at 100 %).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from badge_factories import make_badge
from factories import make_module
from lms_roi.gamification import board_index, periods
from lms_roi.gamification.rebuild import rebuild
from lms_roi.models import (
    Attempt,
    BadgeAward,
    BoardScore,
    Completion,
    Learner,
    LearnerTotals,
    ModuleProgress,
    XapiActivityMap,
    XpEvent,
)
from lms_roi.xapi.processing import process_activity, process_statements, void_statements
from lms_roi.xapi.verbs import intent_of, score_pct
from quiz_factories import make_quiz
from xapi_factories import ADL, MOODLE_HOME, WHEN, moodle, statement, store
from xp_factories import ledger, make_learner, total_xp

TINCAN = "http://id.tincanapi.com/verb/"
PAGE = "https://lms.example.org/roi/modules/seo-basics"


@pytest.fixture
def world(ctx):
    learner = make_learner("ana")
    module = make_module("seo-basics", duration=30)
    return learner, module


def run(*bodies):
    rows = [store(body) for body in bodies]
    process_statements(rows)
    return rows


def _completions(learner):
    from lms_roi.db import session

    return (
        session()
        .execute(
            select(
                Completion.module_id, Completion.completed_at, Completion.score, Completion.source
            )
            .where(Completion.learner_id == learner.id)
            .order_by(Completion.completed_at)
        )
        .all()
    )


def attempts(learner):
    from lms_roi.db import session

    return (
        session()
        .execute(
            select(Attempt.attempt_no, Attempt.score_pct, Attempt.passed)
            .where(Attempt.learner_id == learner.id)
            .order_by(Attempt.attempt_no)
        )
        .all()
    )


def consistent(db) -> None:
    """Totals equal their ledger sums, board counts equal a recount, a rebuild agrees."""
    board_index.settle(db.session)
    sums: Counter = Counter()
    for learner_id, points, moment in db.session.execute(
        select(XpEvent.learner_id, XpEvent.points, XpEvent.occurred_at)
    ):
        for kind, key in periods.period_keys(moment).items():
            sums[(learner_id, kind, key)] += points
    stored = {
        (t.learner_id, t.period_kind, t.period_key): t.xp
        for t in db.session.scalars(select(LearnerTotals))
    }
    assert stored == dict(sums)
    t = LearnerTotals
    listed = Counter(
        db.session.execute(
            select(t.period_kind, t.period_key, t.xp).where(t.listed.is_(True), t.xp > 0)
        ).all()
    )
    counted = Counter(
        {
            (r.period_kind, r.period_key, r.xp): r.learners
            for r in db.session.scalars(select(BoardScore))
        }
    )
    assert +counted == listed and not -counted
    assert not rebuild(dry_run=True).changed


# --- verbs ------------------------------------------------------------------------------


@pytest.mark.parametrize("verb", [ADL + "completed", TINCAN + "completed"])
def test_both_completed_verbs_complete_the_module_once_with_its_xp(world, verb):
    learner, module = world
    (row,) = run(statement(verb, activity=PAGE))
    assert row.status == "processed" and row.learner_id == learner.id
    assert _completions(learner) == [(module.id, WHEN, None, "xapi")]
    assert row.effects["completion"]["score"] is None
    assert ledger(learner) == [("module_completed", 40)]
    assert total_xp(learner) == 40


def test_passed_with_a_score_completes_and_is_a_first_try_pass_of_the_module_quiz(world, ctx):
    learner, module = world
    make_quiz("seo-check", module=module)
    result = {"score": {"scaled": 0.85}, "success": True}
    run(statement(ADL + "passed", activity=PAGE, result=result))
    assert _completions(learner) == [(module.id, WHEN, 85.0, "xapi")]
    assert attempts(learner) == [(1, 85.0, True)]
    assert sorted(ledger(learner)) == [("module_completed", 40), ("quiz_passed", 30)]
    assert total_xp(learner) == 70
    consistent(ctx)


def test_failed_is_a_failed_attempt_and_a_start_not_a_completion(world, ctx):
    learner, module = world
    make_quiz("seo-check", module=module)
    (row,) = run(statement(ADL + "failed", activity=PAGE, result={"score": {"scaled": 0.4}}))
    assert _completions(learner) == []
    assert attempts(learner) == [(1, 40.0, False)]
    assert ledger(learner) == [("quiz_attempt", 0)]
    progress = ctx.session.scalar(
        select(ModuleProgress).where(ModuleProgress.learner_id == learner.id)
    )
    assert progress.started_at == WHEN and progress.completed_at is None
    assert row.status == "processed"


def test_a_passed_without_a_quiz_keeps_the_score_on_the_completion(world):
    learner, module = world
    run(statement(ADL + "passed", activity=PAGE, result={"score": {"raw": 9, "max": 10}}))
    assert _completions(learner) == [(module.id, WHEN, 90.0, "xapi")]
    assert attempts(learner) == []


@pytest.mark.parametrize("verb", [ADL + "experienced", TINCAN + "viewed", ADL + "answered"])
def test_experienced_viewed_answered_start_the_module(world, ctx, verb):
    learner, module = world
    (row,) = run(statement(verb, activity=PAGE))
    later = WHEN + timedelta(hours=1)
    run(statement(verb, activity=PAGE, timestamp=later))
    progress = ctx.session.scalars(
        select(ModuleProgress).where(ModuleProgress.learner_id == learner.id)
    ).all()
    assert [(p.started_at, p.last_activity_at, p.completed_at) for p in progress] == [
        (WHEN, later, None)
    ]
    assert _completions(learner) == [] and ledger(learner) == []
    assert row.status == "processed" and row.effects == {"module_id": module.id, "progress": True}


def test_result_completion_or_success_completes_on_other_verbs(world):
    learner, module = world
    run(
        statement(ADL + "answered", activity=PAGE, result={"completion": True}),
        statement(
            ADL + "experienced",
            activity=PAGE,
            result={"success": True},
            timestamp=WHEN + timedelta(days=1),
        ),
    )
    assert [row[1] for row in _completions(learner)] == [WHEN, WHEN + timedelta(days=1)]
    assert sorted(ledger(learner)) == [
        ("module_completed", 40),
        ("module_repeat", 0),
        ("streak_bonus", 5),
    ]


def test_cmi5_satisfied_completes_and_waived_does_nothing(world):
    learner, module = world
    satisfied, waived = run(
        statement("https://w3id.org/xapi/adl/verbs/satisfied", activity=PAGE),
        statement(
            "https://w3id.org/xapi/adl/verbs/waived",
            activity=PAGE,
            result={"completion": True, "success": True},
            timestamp=WHEN + timedelta(days=3),
        ),
    )
    assert satisfied.status == "processed"
    assert waived.status == "no_effect" and waived.effects is None
    assert [row[1] for row in _completions(learner)] == [WHEN]


def test_an_unknown_verb_has_no_effect(world):
    learner, _module = world
    (row,) = run(statement("http://example.org/verbs/liked", activity=PAGE))
    assert row.status == "no_effect" and row.learner_id == learner.id
    assert _completions(learner) == []


@pytest.mark.parametrize(
    ("score", "expected"),
    [
        ({"scaled": 0.5}, 50.0),
        ({"raw": 51, "min": 1, "max": 101, "scaled": 0.5}, 50.0),
        ({"raw": 51, "min": 1, "max": 101}, 50.0),
        ({"raw": 7, "max": 8}, 87.5),
        ({"scaled": -0.3}, 0.0),
        ({"scaled": 1}, 100.0),
        ({"raw": 80}, None),
        ({"raw": 5, "min": 5, "max": 5}, None),
        (None, None),
    ],
)
def test_score_scaling(score, expected):
    assert score_pct(score) == expected


def test_intent_table():
    assert intent_of(ADL + "failed", {"completion": True, "success": False}).completes is False
    assert intent_of(ADL + "passed", None).attempt_passed is None  # no score: no attempt
    assert intent_of(ADL + "completed", {"success": True, "score": {"scaled": 1}}).attempt_passed


# --- actors -----------------------------------------------------------------------------


def test_actor_by_account_of_a_configured_home_page(world, app, monkeypatch):
    learner, _module = world
    monkeypatch.setitem(app.config, "LMS_ROI_XAPI_HOME_PAGES", ["https://lms.example.org/"])
    mine = {"account": {"homePage": "https://LMS.example.org", "name": "ana"}}
    other = {"account": {"homePage": "https://elsewhere.example.org", "name": "ana"}}
    known, unknown = run(
        statement(actor=mine, activity=PAGE),
        statement(actor=other, activity=PAGE, timestamp=WHEN + timedelta(days=1)),
    )
    assert known.learner_id == learner.id and known.status == "processed"
    assert unknown.status == "unknown_actor" and unknown.learner_id is None


def test_actor_by_mbox_ignores_case_and_by_mbox_sha1sum(world):
    learner, _module = world
    sha1 = hashlib.sha1(b"mailto:ana@example.com").hexdigest()  # noqa: S324 (xAPI's own)
    by_mbox, by_sha1 = run(
        statement(actor={"mbox": "mailto:Ana@Example.com"}, activity=PAGE),
        statement(
            actor={"mbox_sha1sum": sha1.upper()}, activity=PAGE, timestamp=WHEN + timedelta(days=1)
        ),
    )
    assert by_mbox.learner_id == learner.id == by_sha1.learner_id
    assert len(_completions(learner)) == 2


def test_unknown_actor_is_stored_with_its_status(world, ctx):
    (row,) = run(statement(actor={"mbox": "mailto:nobody@example.com"}, activity=PAGE))
    assert row.status == "unknown_actor" and row.effects is None
    assert ctx.session.scalar(select(func.count(Completion.id))) == 0


def test_unknown_actors_become_learners_when_configured(world, ctx, app, monkeypatch):
    monkeypatch.setitem(app.config, "LMS_ROI_XAPI_CREATE_LEARNERS", True)
    monkeypatch.setitem(app.config, "LMS_ROI_XAPI_HOME_PAGES", [MOODLE_HOME])
    new_mbox = {"mbox": "mailto:kei@example.com", "name": "Kei Tanaka"}
    new_account = {"name": "Moodle User", "account": {"homePage": MOODLE_HOME, "name": "m-7"}}
    first, second, again = run(
        statement(actor=new_mbox, activity=PAGE),
        statement(actor=new_account, activity=PAGE),
        statement(actor=new_mbox, activity=PAGE, timestamp=WHEN + timedelta(days=1)),
    )
    kei = ctx.session.scalar(select(Learner).where(Learner.email == "kei@example.com"))
    moodle_user = ctx.session.scalar(select(Learner).where(Learner.external_id == "m-7"))
    assert (kei.display_name, kei.roles) == ("Kei Tanaka", {"learner"})
    assert moodle_user.display_name == "Moodle User" and moodle_user.email is None
    assert first.learner_id == again.learner_id == kei.id and second.learner_id == moodle_user.id
    assert total_xp(kei) == 40 + 5  # a repeat the next day: streak bonus


# --- activities -------------------------------------------------------------------------


def test_the_default_pattern_reads_this_apps_module_pages(world):
    learner, module = world
    rows = run(
        statement(activity="http://other-host:8080/roi/modules/seo-basics/"),
        statement(activity="https://lms.example.org/roi/modules/no-such-module"),
        statement(activity="https://lms.example.org/modules/seo-basics"),
    )
    assert [row.status for row in rows] == ["processed", "unmapped_activity", "unmapped_activity"]


def test_configured_patterns_and_the_explicit_map_wins(world, ctx, app, monkeypatch):
    learner, module = world
    other = make_module("crm-basics", duration=10)
    monkeypatch.setitem(
        app.config, "LMS_ROI_XAPI_ACTIVITY_PATTERNS", ["https://{host}/courses/{slug}"]
    )
    ctx.session.add(
        XapiActivityMap(
            activity_iri="https://lms.example.org/courses/seo-basics", module_id=other.id
        )
    )
    ctx.session.flush()
    by_map, by_pattern = run(
        statement(activity="https://lms.example.org/courses/seo-basics"),
        statement(
            activity="https://lms.example.org/courses/crm-basics",
            timestamp=WHEN + timedelta(days=1),
        ),
    )
    assert by_map.effects["module_id"] == other.id
    assert by_pattern.effects["module_id"] == other.id
    assert [row[0] for row in _completions(learner)] == [other.id, other.id]


def test_unmapped_statements_are_kept_and_processed_once_mapped(world, ctx):
    learner, module = world
    iri = "https://moodle.example.org/mod/book/view.php?id=4"
    rows = run(
        statement(activity=iri),
        statement(activity=iri, timestamp=WHEN + timedelta(days=1)),
        statement(ADL + "experienced", activity=iri, timestamp=WHEN - timedelta(days=1)),
    )
    assert {row.status for row in rows} == {"unmapped_activity"}
    assert _completions(learner) == []
    ctx.session.add(XapiActivityMap(activity_iri=iri, module_id=module.id))
    ctx.session.flush()
    assert process_activity(iri) == 3
    assert [row.status for row in rows] == ["processed"] * 3
    assert [row[1] for row in _completions(learner)] == [WHEN, WHEN + timedelta(days=1)]
    assert process_activity(iri) == 0  # nothing left to process
    assert total_xp(learner) == 40 + 5  # first completion, then a streak bonus
    consistent(ctx)


# --- exactly once, replays, voiding -----------------------------------------------------


def test_same_content_under_another_id_changes_nothing(world, ctx):
    learner, module = world
    make_badge("first-steps", {"kind": "modules_completed", "min": 1}, xp=10)
    body = statement(activity=PAGE)
    run(body)
    before = (ledger(learner), total_xp(learner), _completions(learner))
    run(body)
    assert (ledger(learner), total_xp(learner), _completions(learner)) == before
    assert total_xp(learner) == 40 + 10
    assert ctx.session.scalar(select(func.count(BadgeAward.id))) == 1
    consistent(ctx)


def test_voiding_reverses_the_completion_and_its_xp(world, ctx):
    learner, module = world
    earlier = make_module("crm-basics", duration=5)
    run(
        statement(
            activity="https://lms.example.org/roi/modules/crm-basics",
            timestamp=WHEN - timedelta(days=1),
        )
    )
    assert total_xp(learner) == 15
    (row,) = run(statement(activity=PAGE))
    assert total_xp(learner) == 15 + 40 + 5  # with the streak bonus of the second day
    void_statements([row])
    row.voided = True
    assert [c[0] for c in _completions(learner)] == [earlier.id]
    assert ledger(learner) == [("module_completed", 15)]
    assert total_xp(learner) == 15
    assert row.effects["reversed"] is True
    consistent(ctx)


def test_voiding_the_first_completion_makes_the_repeat_the_first(world, ctx):
    learner, module = world
    first, _repeat = run(
        statement(activity=PAGE),
        statement(activity=PAGE, timestamp=WHEN + timedelta(days=10)),
    )
    assert sorted(ledger(learner)) == [("module_completed", 40), ("module_repeat", 0)]
    void_statements([first])
    first.voided = True
    assert ledger(learner) == [("module_completed", 40)]
    assert [c[1] for c in _completions(learner)] == [WHEN + timedelta(days=10)]
    consistent(ctx)


def test_a_completion_another_statement_supports_survives_voiding(world, ctx):
    learner, module = world
    one, two = run(statement(activity=PAGE), statement(activity=PAGE))
    void_statements([one])
    one.voided = True
    assert len(_completions(learner)) == 1 and total_xp(learner) == 40
    void_statements([two])
    two.voided = True
    assert _completions(learner) == [] and total_xp(learner) == 0
    consistent(ctx)


def test_voiding_a_pass_removes_its_attempt_and_quiz_xp(world, ctx):
    learner, module = world
    make_quiz("seo-check", module=module)
    (row,) = run(statement(ADL + "passed", activity=PAGE, result={"score": {"scaled": 1.0}}))
    assert total_xp(learner) == 40 + 40
    void_statements([row])
    row.voided = True
    assert attempts(learner) == [] and _completions(learner) == []
    assert total_xp(learner) == 0 and ledger(learner) == []
    consistent(ctx)


# --- Moodle's log store -----------------------------------------------------------------


def test_moodle_statements_are_accepted_and_count_once_their_activities_are_mapped(
    ctx, app, monkeypatch
):
    monkeypatch.setitem(app.config, "LMS_ROI_XAPI_HOME_PAGES", [MOODLE_HOME])
    learner = make_learner("1")
    course = make_module("marketing-course", duration=60)
    book = make_module("content-book", duration=15)
    quiz_module = make_module("seo-quiz", duration=10)
    make_quiz("seo-quiz-check", module=quiz_module, kind="post_test")
    names = [
        "course_completed",
        "module_completion_updated",
        "quiz_attempt_submitted",
        "quiz_module_viewed",
    ]
    rows = [store(moodle(name)) for name in names]
    process_statements(rows)
    assert [row.status for row in rows] == ["unmapped_activity"] * 4
    for iri, module in (
        ("http://www.example.org/course/view.php?id=1", course),
        ("http://www.example.org/mod/book/view.php?id=1", book),
        ("http://www.example.org/mod/quiz/view.php?id=1", quiz_module),
    ):
        ctx.session.add(XapiActivityMap(activity_iri=iri, module_id=module.id))
        ctx.session.flush()
        process_activity(iri)
    assert [row.status for row in rows] == ["processed"] * 4
    assert {row.learner_id for row in rows} == {learner.id}
    found = {row[0]: row for row in _completions(learner)}
    assert set(found) == {course.id, book.id, quiz_module.id}
    assert found[quiz_module.id][2] == 50.0  # scaled 0.5
    assert found[course.id][1] == rows[0].timestamp  # 2015-06-10T15:31:41+01:00
    assert attempts(learner) == [(1, 50.0, True)]
    # 60 (course, capped) + 25 (book) + 20 (quiz module) + 30 (quiz passed, first try)
    assert total_xp(learner) == 60 + 25 + 20 + 30 + _streak_bonus(learner)
    consistent(ctx)


def _streak_bonus(learner) -> int:
    return sum(points for reason, points in ledger(learner) if reason == "streak_bonus")
