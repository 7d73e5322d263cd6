"""At-risk alerts: each fires on its stated condition with known-answer data, and not just below.

The clock is fixed (``NOW``); every learner joined long before it unless a test says so.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import select

from factories import (
    make_completion,
    make_kpi,
    make_kpi_value,
    make_module,
    make_pair,
    make_person,
    make_program,
    make_session,
    make_team,
)
from lms_roi.db import session
from lms_roi.models import Attempt, FollowUp, Objective, Quiz, ReviewItem, TutoringPair
from lms_roi.services.mentees import active_mentees
from lms_roi.services.tutoring_alerts import all_alerts, expected_done
from paths_factories import make_enrollment

NOW = datetime(2027, 3, 10, 11, tzinfo=UTC)
TODAY = date(2027, 3, 10)


def days_ago(days: int, hour: int = 12) -> datetime:
    return datetime.combine(TODAY - timedelta(days=days), time(hour), UTC)


@pytest.fixture
def tutor(ctx):
    return make_person("tutor@example.com", roles=("tutor", "learner"), name="Theo Tutor")


def mentee(tutor, name: str, *, joined_days_ago: int = 400, program=None, **pair):
    """A learner followed by ``tutor`` since 60 days, who joined long ago."""
    person = make_person(f"{name.lower()}@example.com", name=name)
    person.created_at = NOW - timedelta(days=joined_days_ago)
    pair.setdefault("starts_on", TODAY - timedelta(days=60))
    make_pair(tutor, person, program=program, **pair)
    return person


def alerts_of(tutor, name: str | None = None) -> list:
    rows = active_mentees(tutor.id, TODAY, now=NOW)
    if name is None:
        return all_alerts(rows)
    return next(row for row in rows if row.name == name).alerts


def kinds(tutor, name: str) -> list[str]:
    return [alert.kind for alert in alerts_of(tutor, name)]


def busy(person, days: int = 1) -> None:
    """A completion ``days`` ago, so the inactivity alert stays out of the way."""
    make_completion(person, make_module(f"busy-{person.id}-{days}"), days_ago(days))


# --- 1. inactive for 7+ days ---------------------------------------------------------------


def test_inactive_fires_at_seven_days_not_six(tutor):
    ana, bea = mentee(tutor, "Ana"), mentee(tutor, "Bea")
    module = make_module("seo-basics")
    make_completion(ana, module, days_ago(7))
    make_completion(bea, module, days_ago(6))
    [alert] = alerts_of(tutor, "Ana")
    assert (alert.kind, alert.urgency, alert.action) == ("inactive", 1, "message")
    assert alert.figures["days"] == 7 and alert.figures["last_activity"] == TODAY - timedelta(7)
    assert alert.sentence == "No learning action for 7 days: the last one was on Mar 3, 2027."
    assert alerts_of(tutor, "Bea") == []


@pytest.mark.parametrize("action", ["attempt", "review", "session_as_mentee", "session_as_tutor"])
def test_every_learning_action_counts_as_activity(tutor, action):
    ana = mentee(tutor, "Ana")
    make_completion(ana, make_module("old"), days_ago(30))
    if action == "attempt":
        quiz = Quiz(slug="q", title="Q", kind="practice")
        session().add(quiz)
        session().flush()
        session().add(
            Attempt(
                quiz_id=quiz.id,
                learner_id=ana.id,
                attempt_no=1,
                submitted_at=days_ago(6),
                score_pct=90,
                passed=True,
            )
        )
    elif action == "review":
        from quiz_factories import make_quiz

        question = make_quiz("check").questions[0]
        session().add(
            ReviewItem(
                learner_id=ana.id, question_id=question.id, due_at=NOW, last_reviewed_at=days_ago(6)
            )
        )
    elif action == "session_as_mentee":
        other = make_person("other@example.com", roles=("tutor",))
        make_session(make_pair(other, ana, starts_on=TODAY - timedelta(30)), TODAY - timedelta(6))
    else:
        junior = make_person("junior@example.com")
        make_session(make_pair(ana, junior, starts_on=TODAY - timedelta(30)), TODAY - timedelta(6))
    session().flush()
    assert alerts_of(tutor, "Ana") == []
    row = active_mentees(tutor.id, TODAY, now=NOW)[0]
    assert row.last_activity == TODAY - timedelta(days=6)


def test_days_are_the_mentees_own_calendar_days(tutor):
    # 23:30 in Auckland on Mar 4; "now" is 00:00 on Mar 11 there: 7 local days, though
    # only 6 on a UTC calendar.
    ana = mentee(tutor, "Ana")
    ana.timezone = "Pacific/Auckland"
    make_completion(ana, make_module("seo"), datetime(2027, 3, 4, 10, 30, tzinfo=UTC))
    [alert] = alerts_of(tutor, "Ana")
    assert alert.figures["days"] == 7
    ana.timezone = "UTC"
    assert alerts_of(tutor, "Ana") == []


def test_a_mentee_who_never_acted_counts_from_the_day_they_joined(tutor):
    mentee(tutor, "Ana", joined_days_ago=7)
    mentee(tutor, "Bea", joined_days_ago=6)
    [alert] = alerts_of(tutor, "Ana")
    assert alert.figures == {"days": 7, "last_activity": None, "joined_on": date(2027, 3, 3)}
    assert alert.sentence == "No learning action in the 7 days since joining on Mar 3, 2027."
    assert alerts_of(tutor, "Bea") == []


def test_without_an_email_the_inactive_alert_asks_for_a_session(tutor):
    ana = mentee(tutor, "Ana", joined_days_ago=10)
    ana.email = None
    [alert] = alerts_of(tutor, "Ana")
    assert alert.action == "log_session"


# --- 2. failed the same quiz twice ---------------------------------------------------------


def attempts(person, quiz: Quiz, *results: bool) -> None:
    """Submitted attempts of ``quiz``, one a day ending yesterday, passed or failed."""
    for n, passed in enumerate(results, start=1):
        session().add(
            Attempt(
                quiz_id=quiz.id,
                learner_id=person.id,
                attempt_no=n,
                submitted_at=days_ago(len(results) - n + 1, 10),
                score_pct=90.0 if passed else 40.0 + n,
                passed=passed,
            )
        )
    session().flush()


def a_quiz(slug: str, kind: str = "post_test") -> Quiz:
    quiz = Quiz(slug=slug, title=slug.replace("-", " ").title(), kind=kind, pass_mark_pct=70)
    session().add(quiz)
    session().flush()
    return quiz


@pytest.mark.parametrize(
    ("results", "failures"),
    [
        ((False,), None),
        ((False, False), 2),
        ((False, False, False), 3),
        ((False, False, True), None),
        ((True, False, False), 2),
        ((False, True, False), None),
        ((False, False, True, False), None),
    ],
)
def test_failed_twice_fires_on_two_failures_with_no_pass_since(tutor, results, failures):
    ana = mentee(tutor, "Ana")
    busy(ana)
    attempts(ana, a_quiz("budget-check"), *results)
    found = alerts_of(tutor, "Ana")
    if failures is None:
        assert found == []
        return
    [alert] = found
    assert (alert.kind, alert.urgency, alert.action) == ("failed_quiz_twice", 2, "log_session")
    assert alert.figures["failures"] == failures and alert.figures["quiz"] == "Budget Check"
    assert alert.figures["best_score"] == 40.0 + len(results)  # the last failure scored most
    assert alert.sentence.startswith(f"Failed the quiz “Budget Check” {failures} times")


def test_two_failures_of_different_quizzes_or_of_a_pre_test_do_not_fire(tutor):
    ana = mentee(tutor, "Ana")
    busy(ana)
    attempts(ana, a_quiz("one"), False)
    attempts(ana, a_quiz("two"), False)
    attempts(ana, a_quiz("before", kind="pre_test"), False, False)
    assert alerts_of(tutor, "Ana") == []


# --- 3. behind the path schedule -----------------------------------------------------------


def test_expected_done_is_the_elapsed_share_rounded_down():
    start, due = date(2027, 3, 1), date(2027, 4, 10)  # 40 days
    assert expected_done(4, start, due, date(2027, 3, 10)) == 0  # 9 days: 0.9
    assert expected_done(4, start, due, date(2027, 3, 11)) == 1  # 10 days: 1.0
    assert expected_done(4, start, due, date(2027, 4, 9)) == 3
    assert expected_done(4, start, due, date(2027, 4, 10)) == 4
    assert expected_done(4, start, due, date(2027, 6, 1)) == 4  # past due: all
    assert expected_done(4, start, due, date(2027, 2, 1)) == 0  # not started
    assert expected_done(3, start, start, start) == 3  # a one-day schedule


def path_program(slug: str, starts: int, ends: int | None, done: int = 0, person=None):
    modules = tuple(make_module(f"{slug}-{n}") for n in range(4))
    program = make_program(slug, modules)
    program.starts_on = TODAY - timedelta(days=starts)
    program.ends_on = TODAY + timedelta(days=ends) if ends is not None else None
    for module in modules[:done]:
        make_completion(person, module, days_ago(1))
    return program


@pytest.mark.parametrize(
    ("starts", "ends", "done", "behind"),
    [
        (10, 30, 0, True),  # 10 of 40 days: 1 module expected, none done
        (10, 30, 1, False),  # the one expected is done
        (9, 31, 0, False),  # 9 of 40 days: 0 expected
        (35, 5, 2, True),  # 35 of 40 days: 3 expected, 2 done
        (10, None, 0, False),  # no end: no schedule
    ],
)
def test_behind_schedule_on_the_programs_dates(tutor, starts, ends, done, behind):
    ana = make_person("ana@example.com", name="Ana")
    ana.created_at = NOW - timedelta(days=400)
    busy(ana)
    program = path_program("growth", starts, ends, done, ana)
    make_pair(tutor, ana, starts_on=TODAY - timedelta(days=60), program=program)
    found = alerts_of(tutor, "Ana")
    assert [a.kind for a in found] == (["behind_schedule"] if behind else [])
    if behind:
        figures = found[0].figures
        assert (figures["done"], figures["total"]) == (done, 4)
        assert figures["expected"] == (1 if starts == 10 else 3)
        assert found[0].action == "progress" and found[0].urgency == 3


def test_the_schedule_starts_at_enrolment_and_can_end_with_the_pair(tutor):
    ana = make_person("ana@example.com", name="Ana")
    ana.created_at = NOW - timedelta(days=400)
    busy(ana)
    # Program open for 30 days, Ana enrolled 9 days ago, due in 30: 9 of 39 days, 0.92
    # of 4 modules expected, rounded down to 0.
    program = path_program("growth", 30, 30)
    enrollment = make_enrollment(ana, program)
    enrollment.enrolled_at = days_ago(9)
    make_pair(tutor, ana, starts_on=TODAY - timedelta(days=60), program=program)
    assert alerts_of(tutor, "Ana") == []
    enrollment.enrolled_at = days_ago(10)  # 10 of 40 days: 1 of 4 expected
    assert kinds(tutor, "Ana") == ["behind_schedule"]
    enrollment.status = "withdrawn"
    assert alerts_of(tutor, "Ana") == []
    # No program end: the pair's last day is the due day (pair of 40 days, 10 elapsed).
    bea = make_person("bea@example.com", name="Bea")
    bea.created_at = NOW - timedelta(days=400)
    busy(bea)
    open_program = path_program("open", 400, None)
    open_program.starts_on = None
    make_pair(
        tutor,
        bea,
        starts_on=TODAY - timedelta(days=10),
        ends_on=TODAY + timedelta(days=30),
        program=open_program,
    )
    [alert] = alerts_of(tutor, "Bea")
    assert alert.figures["expected"] == 1 and alert.figures["due"] == TODAY + timedelta(30)


# --- 4. a follow-up saying the skill is not applied ----------------------------------------


def follow_up(person, module, offset: int, applied: bool, days: int) -> None:
    session().add(
        FollowUp(
            learner_id=person.id,
            module_id=module.id,
            offset_days=offset,
            due_on=TODAY - timedelta(days=days),
            answered_at=days_ago(days, 9),
            applied=applied,
        )
    )
    session().flush()


def test_not_applied_fires_until_a_later_answer_or_a_session_takes_it_up(tutor):
    ana = mentee(tutor, "Ana")
    busy(ana)
    module = make_module("lead-qualification")
    follow_up(ana, module, 30, True, 40)
    assert alerts_of(tutor, "Ana") == []
    follow_up(ana, module, 60, False, 5)
    [alert] = alerts_of(tutor, "Ana")
    assert (alert.kind, alert.urgency, alert.action) == ("skill_not_applied", 4, "log_session")
    assert alert.figures["offset_days"] == 60 and alert.figures["answered_on"] == date(2027, 3, 5)
    assert alert.sentence.startswith(
        "Answered on Mar 5, 2027 that “Lead Qualification” is not applied at work (60-day"
    )
    # A session the day before the answer does not take it up; one on the day does.
    pair = session().scalar(select(TutoringPair).where(TutoringPair.mentee_id == ana.id))
    make_session(pair, TODAY - timedelta(days=6))
    assert kinds(tutor, "Ana") == ["skill_not_applied"]
    make_session(pair, TODAY - timedelta(days=5))
    assert alerts_of(tutor, "Ana") == []


def test_a_later_applied_answer_clears_it(tutor):
    ana = mentee(tutor, "Ana")
    busy(ana)
    module = make_module("crm")
    follow_up(ana, module, 30, False, 40)
    assert kinds(tutor, "Ana") == ["skill_not_applied"]
    follow_up(ana, module, 60, True, 10)
    assert alerts_of(tutor, "Ana") == []


# --- 5. an objective's forecast at risk ----------------------------------------------------


def objective_case(
    tutor, *, members: int, values: tuple[float, float, float], with_values: int | None = None
):
    """A team of ``members`` with a flat (or rising) KPI and an objective of +50 %; the
    first ``with_values`` of them (all by default) have KPI values."""
    team = make_team("content", "Content")
    kpi = make_kpi("qualified_leads")
    program = make_program("growth")
    program.starts_on = date(2027, 1, 1)
    people = []
    for n in range(members):
        person = make_person(f"m{n}@example.com", name=f"Member {n}", team=team)
        person.created_at = NOW - timedelta(days=400)
        busy(person)
        if with_values is None or n < with_values:
            for month, value in zip((1, 2, 3), values, strict=True):
                make_kpi_value(person, kpi, date(2027, month, 1), value)
        people.append(person)
    make_pair(tutor, people[0], starts_on=TODAY - timedelta(days=60))
    objective = Objective(
        program_id=program.id,
        kpi_id=kpi.id,
        cohort_team_id=team.id,
        statement="Grow qualified leads by half",
        baseline=10.0,
        target_kind="percent",
        target_value=50,
        deadline=date(2027, 6, 30),
    )
    session().add(objective)
    session().flush()
    return objective


def test_objective_at_risk_fires_for_a_cohort_of_five_with_a_flat_forecast(tutor):
    objective_case(tutor, members=5, values=(10, 10, 10))
    [alert] = alerts_of(tutor, "Member 0")
    assert (alert.kind, alert.urgency, alert.action) == ("objective_at_risk", 5, "progress")
    assert alert.figures["forecast"] == 10.0 and alert.figures["target"] == 15.0
    assert alert.figures["cohort_size"] == 5
    assert alert.sentence == (
        "The objective “Grow qualified leads by half” of “Growth” is at risk: Qualified Leads "
        "is forecast at 10 on Jun 30, 2027 against a target of 15."
    )


def test_objective_on_track_or_past_deadline_or_small_cohort_does_not_fire(tutor):
    objective = objective_case(tutor, members=5, values=(10, 12.5, 15))
    assert alerts_of(tutor, "Member 0") == []  # rising: forecast above 15 by June
    objective.target_value = 500  # now out of reach
    assert kinds(tutor, "Member 0") == ["objective_at_risk"]
    objective.deadline = TODAY - timedelta(days=1)
    assert alerts_of(tutor, "Member 0") == []


def test_a_cohort_under_five_learners_never_shows_its_forecast_to_a_tutor(tutor):
    objective_case(tutor, members=4, values=(10, 10, 10))
    assert alerts_of(tutor, "Member 0") == []


def test_a_forecast_from_fewer_than_five_learners_with_values_is_not_shown(tutor):
    """Six members, but only the mentee and three others have KPI values: the forecast
    would be four people's data, the mentee's among them."""
    objective_case(tutor, members=6, values=(10, 10, 10), with_values=4)
    assert alerts_of(tutor, "Member 0") == []


# --- order -----------------------------------------------------------------------------------


def test_alerts_come_in_the_order_of_the_issue_then_heaviest_first(tutor):
    module = make_module("crm")
    mentee(tutor, "Zoe", joined_days_ago=9)  # inactive 9 days
    mentee(tutor, "Amy", joined_days_ago=30)  # inactive 30 days
    ben = mentee(tutor, "Ben")  # failed twice, and a skill not applied
    busy(ben)
    attempts(ben, a_quiz("check"), False, False)
    follow_up(ben, module, 30, False, 3)
    cid = mentee(tutor, "Cid")  # all fine
    busy(cid)
    found = [(a.kind, a.mentee_name) for a in alerts_of(tutor)]
    assert found == [
        ("inactive", "Amy"),
        ("inactive", "Zoe"),
        ("failed_quiz_twice", "Ben"),
        ("skill_not_applied", "Ben"),
    ]
    rows = active_mentees(tutor.id, TODAY, now=NOW)
    assert [row.name for row in rows] == ["Amy", "Zoe", "Ben", "Cid"]
    assert [row.urgency for row in rows] == [1, 1, 2, None]
