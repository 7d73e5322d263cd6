"""Logging tutoring sessions: who may, the rules of each value, XP and badges, actions ticked."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from badge_factories import make_badge
from factories import make_pair, make_person
from lms_roi.db import session
from lms_roi.models import BadgeAward, TutoringAction, TutoringSession, XpEvent
from lms_roi.services import tutoring_pairs
from lms_roi.services.tutoring_sessions import (
    InvalidSession,
    NotInPair,
    PairNotActive,
    log_session,
    may_view,
    next_meeting,
    sessions_of_pair,
    set_action_done,
)

TODAY = date(2026, 3, 10)


@pytest.fixture
def people(ctx):
    tutor = make_person("theo@example.com", roles=("tutor", "learner"), name="Theo")
    mentee = make_person("mia@example.com", name="Mia")
    analyst = make_person("nadia@example.com", roles=("analyst",), name="Nadia")
    outsider = make_person("omar@example.com", roles=("tutor", "learner"), name="Omar")
    pair = make_pair(tutor, mentee, starts_on=date(2026, 2, 1))
    return tutor, mentee, analyst, outsider, pair


def log(pair, by, **values):
    values.setdefault("held_on", TODAY)
    values.setdefault("minutes", 45)
    return log_session(pair, by=by, today=TODAY, **values)


def xp_of(learner) -> list[tuple[str, int]]:
    return list(
        session().execute(
            select(XpEvent.reason, XpEvent.points)
            .where(XpEvent.learner_id == learner.id)
            .order_by(XpEvent.id)
        )
    )


def test_the_tutor_logs_a_session_with_actions_and_both_sides_earn_15_xp(people):
    tutor, mentee, _analyst, _outsider, pair = people
    result = log(
        pair,
        tutor,
        notes="  Went through\r\nthe brief\x07  ",
        actions=["Draft the ad copy", "  ", None, " Call   the client "],
        next_meeting_on=TODAY + timedelta(days=7),
    )
    logged = result.session
    assert result.created and logged.logged_by_id == tutor.id
    assert (logged.held_on, logged.minutes, logged.notes) == (TODAY, 45, "Went through\nthe brief")
    assert [(a.position, a.text, a.done_at) for a in logged.actions] == [
        (1, "Draft the ad copy", None),
        (2, "Call the client", None),
    ]
    assert ("tutoring_session", 15) in xp_of(tutor) and ("tutoring_session", 15) in xp_of(mentee)
    assert next_meeting([logged], TODAY) == TODAY + timedelta(days=7)
    assert next_meeting([logged], TODAY + timedelta(days=8)) is None


def test_the_mentee_may_log_too_and_a_tutoring_badge_is_evaluated(people):
    tutor, mentee, *_rest, pair = people
    make_badge("mentor", {"kind": "tutor_sessions", "min": 2})
    log(pair, mentee, held_on=TODAY - timedelta(days=1))
    assert session().scalar(select(func.count(BadgeAward.id))) == 0
    log(pair, tutor)
    awarded = set(session().scalars(select(BadgeAward.learner_id)))
    assert awarded == {tutor.id, mentee.id}


def test_someone_outside_the_pair_is_refused_with_403(people):
    *_sides, outsider, pair = people
    with pytest.raises(NotInPair) as refused:
        log(pair, outsider)
    assert (refused.value.status, refused.value.code, refused.value.field) == (
        403,
        "not_in_pair",
        "pair_id",
    )


@pytest.mark.parametrize(
    "change",
    [
        {"ends_on": TODAY - timedelta(days=1), "status": "ended", "active": False},
        {"starts_on": TODAY + timedelta(days=1)},
        {"status": "requested", "active": False},
    ],
)
def test_a_pair_not_active_today_takes_no_session_from_its_sides(people, change):
    tutor, mentee, *_rest, pair = people
    for key, value in change.items():
        setattr(pair, key, value)
    for side in (tutor, mentee):
        with pytest.raises(PairNotActive) as refused:
            log(pair, side, held_on=date(2026, 2, 5))
        assert refused.value.status == 409


def test_a_deactivated_mentee_ends_the_pair_for_logging(people):
    tutor, mentee, *_rest, pair = people
    mentee.active = False
    with pytest.raises(PairNotActive):
        log(pair, tutor)


def test_an_analyst_records_a_session_of_an_ended_pair_within_its_window(people):
    _tutor, _mentee, analyst, _outsider, pair = people
    pair.status, pair.active, pair.ends_on = "ended", False, date(2026, 3, 1)
    assert log(pair, analyst, held_on=date(2026, 3, 1)).created
    with pytest.raises(InvalidSession) as late:
        log(pair, analyst, held_on=date(2026, 3, 2))
    assert late.value.field == "held_on"
    pair.status = "declined"
    with pytest.raises(PairNotActive):
        log(pair, analyst, held_on=date(2026, 2, 10))


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"held_on": TODAY + timedelta(days=1)}, "held_on"),
        ({"held_on": date(2026, 1, 31)}, "held_on"),
        ({"minutes": 0}, "minutes"),
        ({"minutes": 481}, "minutes"),
        ({"notes": "x" * 5001}, "notes"),
        ({"actions": [f"action {n}" for n in range(21)]}, "actions"),
        ({"actions": ["x" * 501]}, "actions"),
        ({"next_meeting_on": TODAY - timedelta(days=1)}, "next_meeting_on"),
    ],
)
def test_each_rule_refuses_with_422_on_its_field(people, values, field):
    tutor, *_rest, pair = people
    with pytest.raises(InvalidSession) as refused:
        log(pair, tutor, **values)
    assert (refused.value.status, refused.value.field) == (422, field)
    assert session().scalar(select(func.count(TutoringSession.id))) == 0


@pytest.mark.parametrize(
    "values",
    [
        {"held_on": date(2026, 2, 1), "minutes": 1},
        {"minutes": 480, "notes": "x" * 5000},
        {"actions": [f"action {n}" for n in range(20)], "next_meeting_on": TODAY},
        {"actions": ["x" * 500]},
    ],
)
def test_the_limits_themselves_are_accepted(people, values):
    tutor, *_rest, pair = people
    assert log(pair, tutor, **values).created


def test_an_idempotency_key_returns_the_first_session_once(people):
    tutor, mentee, *_rest, pair = people
    first = log(pair, tutor, idempotency_key="k-1", actions=["Draft"])
    again = log(pair, tutor, idempotency_key="k-1", minutes=90)
    assert first.created and not again.created and again.session.id == first.session.id
    assert session().scalar(select(func.count(TutoringSession.id))) == 1
    assert xp_of(mentee).count(("tutoring_session", 15)) == 1
    # The key is the caller's: the mentee's same key logs their own session.
    assert log(pair, mentee, idempotency_key="k-1").created


def test_either_side_ticks_an_action_done_and_undone(people):
    tutor, mentee, _analyst, outsider, pair = people
    [action] = log(pair, tutor, actions=["Draft the copy"]).session.actions
    set_action_done(action, True, mentee, today=TODAY)
    first_done = action.done_at
    assert first_done is not None and action.done_by_id == mentee.id
    set_action_done(action, True, tutor, today=TODAY)  # already done: who and when stay
    assert (action.done_at, action.done_by_id) == (first_done, mentee.id)
    set_action_done(action, False, tutor, today=TODAY)
    assert (action.done_at, action.done_by_id) == (None, None)
    with pytest.raises(NotInPair):
        set_action_done(action, True, outsider, today=TODAY)


def test_after_the_pair_ends_only_the_mentee_ticks_actions(people):
    tutor, mentee, *_rest, pair = people
    [action] = log(pair, tutor, actions=["Draft the copy"]).session.actions
    pair.status, pair.active, pair.ends_on = "ended", False, TODAY
    with pytest.raises(PairNotActive):
        set_action_done(action, True, tutor, today=TODAY + timedelta(days=1))
    set_action_done(action, True, mentee, today=TODAY + timedelta(days=1))
    assert session().get(TutoringAction, action.id).done_by_id == mentee.id


def test_sessions_are_seen_by_the_pair_and_analysts_the_tutor_only_while_active(people):
    tutor, mentee, analyst, outsider, pair = people
    log(pair, tutor, held_on=TODAY - timedelta(days=3))
    log(pair, tutor, held_on=TODAY)
    assert [s.held_on for s in sessions_of_pair(pair, tutor, TODAY)] == [
        TODAY,
        TODAY - timedelta(days=3),
    ]
    assert may_view(pair, mentee, TODAY) and may_view(pair, analyst, TODAY)
    with pytest.raises(NotInPair):
        sessions_of_pair(pair, outsider, TODAY)
    pair.status, pair.active, pair.ends_on = "ended", False, TODAY - timedelta(days=1)
    with pytest.raises(NotInPair):
        sessions_of_pair(pair, tutor, TODAY)
    assert len(sessions_of_pair(pair, mentee, TODAY)) == 2
    assert len(sessions_of_pair(pair, analyst, TODAY)) == 2


def test_a_tutor_whose_role_is_taken_away_loses_the_pair_at_once(people):
    tutor, _mentee, _analyst, _outsider, pair = people
    logged = log(pair, tutor, actions=["Draft the ad copy"]).session
    assert may_view(pair, tutor, TODAY)
    for grant in list(tutor.role_grants):
        if grant.role == "tutor":
            tutor.role_grants.remove(grant)
    session().flush()
    assert not may_view(pair, tutor, TODAY)
    with pytest.raises(NotInPair):
        log(pair, tutor)
    with pytest.raises(NotInPair):
        set_action_done(logged.actions[0], True, tutor, today=TODAY)


def test_a_resent_key_for_another_pair_is_refused(people):
    tutor, mentee, _analyst, _outsider, pair = people
    other = make_pair(tutor, make_person("max@example.com", name="Max"), starts_on=date(2026, 2, 1))
    assert log(pair, tutor, idempotency_key="k-9").created
    with pytest.raises(InvalidSession) as refused:
        log(other, tutor, idempotency_key="k-9")
    assert (refused.value.code, refused.value.field) == ("idempotency_key_reused", "pair_id")


def test_a_pair_asked_for_again_after_it_ended_keeps_its_history_for_the_mentee(people):
    """The same tutor, mentee and program reuse one row: asking again (then a decline)
    must not hide the sessions and actions of the pair that ran."""
    tutor, mentee, _analyst, _outsider, pair = people
    logged = log(pair, tutor, actions=["Draft the ad copy"]).session
    pair.status, pair.active, pair.ends_on = "ended", False, TODAY
    session().flush()
    again = tutoring_pairs.request_tutor(mentee, tutor.id, note="Once more?")
    assert again.id == pair.id and again.status == "requested"
    tutoring_pairs.decline_request(tutor, again.id, "Full this month")
    assert may_view(pair, mentee, TODAY) and not may_view(pair, tutor, TODAY)
    assert [s.id for s in sessions_of_pair(pair, mentee, TODAY)] == [logged.id]
    assert set_action_done(logged.actions[0], True, mentee, today=TODAY).done_by_id == mentee.id
