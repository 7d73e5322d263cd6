"""Tutoring pairs: who may pair whom, capacity, reuse of rows, ending, requests."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from factories import make_pair, make_person, make_program
from lms_roi.db import session
from lms_roi.errors import DomainError
from lms_roi.models import AuditLog, Learner, TutoringPair
from lms_roi.services import tutoring_pairs as pairs
from lms_roi.services.mentees import active_pair_filter
from tutoring_pair_factories import all_pairs, make_tutor, mentees

TODAY = date(2026, 5, 11)


def followed(tutor, today=TODAY) -> set[str]:
    """Names of the mentees ``tutor`` may see on ``today`` (the API's access rule)."""
    return set(
        session().scalars(
            select(Learner.display_name)
            .join(TutoringPair, TutoringPair.mentee_id == Learner.id)
            .where(active_pair_filter(tutor.id, today))
        )
    )


@pytest.fixture
def people(ctx):
    """An analyst, a tutor with 2 places (Tess) and three would-be mentees."""
    analyst = make_person("nadia@example.com", roles=("analyst",), name="Nadia", password=None)
    tess = make_tutor("tess@example.com", "Tess Tutor", capacity=2)
    return analyst, tess, mentees(3)


def refused(call, *args, **kwargs) -> DomainError:
    with pytest.raises(DomainError) as caught:
        call(*args, **kwargs)
    return caught.value


def create(analyst, tutor, mentee, **kwargs):
    return pairs.create_pair(analyst, tutor_id=tutor.id, mentee_id=mentee.id, today=TODAY, **kwargs)


def test_an_analyst_creates_an_active_pair_and_the_change_is_audited(people):
    analyst, tess, (mia, *_) = people
    program = make_program("sales-path")
    pair = create(
        analyst, tess, mia, program_id=program.id, goals=" Close a deal ", ends_on=date(2026, 9, 30)
    )
    assert (pair.status, pair.active, pair.program_id) == ("active", True, program.id)
    assert (pair.starts_on, pair.ends_on, pair.goals) == (TODAY, date(2026, 9, 30), "Close a deal")
    assert pair.requested_by_id == analyst.id and pair.decided_at is not None
    assert followed(tess) == {"Mentee m0"}
    audit = session().scalars(select(AuditLog).where(AuditLog.target_type == "tutoring_pair"))
    assert [(a.action, a.actor_id, a.target_id) for a in audit] == [
        ("tutoring.pair_created", analyst.id, str(pair.id))
    ]


def test_creating_is_refused_with_a_code_and_a_field(people):
    analyst, tess, (mia, bob, _) = people
    plain = make_person("pat@example.com", name="Pat", password=None)
    cases = [
        ((analyst, plain, mia), {}, ("not_a_tutor", "tutor", 400)),
        ((analyst, tess, tess), {}, ("self_pair", "mentee", 400)),
        ((mia, tess, bob), {}, ("not_allowed", None, 403)),
        ((analyst, tess, mia), {"program_id": 999_999}, ("program_not_found", "program", 400)),
        (
            (analyst, tess, mia),
            {"starts_on": date(2026, 6, 1), "ends_on": date(2026, 5, 31)},
            ("dates_ordered", "ends_on", 400),
        ),
    ]
    for args, kwargs, expected in cases:
        error = refused(create, *args, **kwargs)
        assert (error.code, error.field, error.status) == expected
    mia.active = False
    assert refused(create, analyst, tess, mia).code == "mentee_not_found"
    assert all_pairs() == []


def test_capacity_counts_active_pairs_only_and_names_the_tutor(people):
    analyst, tess, (mia, bob, cid) = people
    dan, eve, fay = mentees(3, "x")
    create(analyst, tess, mia)
    # Neither a request, nor a pair past its last day, nor an ended pair takes a place.
    pairs.request_tutor(eve, tess.id, today=TODAY)
    make_pair(tess, dan, starts_on=TODAY - timedelta(days=60), ends_on=TODAY - timedelta(days=1))
    ended = make_pair(tess, fay, starts_on=TODAY - timedelta(days=60), active=False)
    ended.status = "ended"
    create(analyst, tess, bob, starts_on=TODAY + timedelta(days=30))  # a later start holds a place
    error = refused(create, analyst, tess, cid)
    assert (error.code, error.status, error.field) == ("tutor_full", 409, "tutor")
    assert error.message == "Tess Tutor has no free place: their capacity is 2 mentees at a time."
    assert pairs.places_taken([tess.id], TODAY) == {tess.id: 2}
    first = all_pairs()[0]
    pairs.end_pair(analyst, first.id, "Goal reached", today=TODAY)
    assert create(analyst, tess, cid).status == "active"
    assert pairs.places_taken([tess.id], TODAY) == {tess.id: 2}


def test_without_a_capacity_a_tutor_takes_the_default(people):
    analyst, *_ = people
    ted = make_tutor("ted@example.com", "Ted", capacity=None)
    people_ = mentees(pairs.DEFAULT_TUTOR_CAPACITY + 1, "d")
    for mentee in people_[:-1]:
        create(analyst, ted, mentee)
    error = refused(create, analyst, ted, people_[-1])
    assert error.message == "Ted has no free place: their capacity is 6 mentees at a time."
    ted.tutor_capacity = 0
    assert refused(create, analyst, ted, people_[-1]).code == "tutor_full"


def test_a_pair_row_is_reused_for_the_same_tutor_mentee_and_program(people):
    analyst, tess, (mia, *_) = people
    program = make_program("sales-path")
    asked = pairs.request_tutor(mia, tess.id, note="SEO please", today=TODAY)
    pairs.decline_request(tess, asked.id, "Too busy this month")
    again = pairs.request_tutor(mia, tess.id, note="Next month?", today=TODAY)
    assert again.id == asked.id
    assert (again.status, again.active, again.reason, again.request_note) == (
        "requested",
        False,
        "",
        "Next month?",
    )
    accepted = pairs.accept_request(tess, again.id, today=TODAY)
    pairs.end_pair(tess, accepted.id, "Done", today=TODAY)
    recreated = create(analyst, tess, mia, goals="Round two")
    assert recreated.id == asked.id and recreated.status == "active"
    assert (recreated.ended_at, recreated.reason, recreated.ends_on) == (None, "", None)
    # Another program is another pair.
    other = create(analyst, tess, mia, program_id=program.id)
    assert other.id != asked.id
    assert len(all_pairs()) == 2
    error = refused(create, analyst, tess, mia)
    assert (error.code, error.status) == ("pair_exists", 409)
    assert "Tess Tutor already tutors Mentee m0" in error.message


def test_an_analyst_pairing_an_asked_tutor_keeps_the_learners_note(people):
    analyst, tess, (mia, *_) = people
    asked = pairs.request_tutor(mia, tess.id, note="SEO please", today=TODAY)
    pair = create(analyst, tess, mia)
    assert pair.id == asked.id
    assert (pair.status, pair.request_note, pair.requested_by_id) == (
        "active",
        "SEO please",
        mia.id,
    )


def test_ending_a_pair_removes_the_tutors_access_at_once(people):
    analyst, tess, (mia, bob, cid) = people
    open_ended = create(analyst, tess, mia, starts_on=TODAY - timedelta(days=10))
    later = create(
        analyst,
        tess,
        bob,
        starts_on=TODAY - timedelta(days=10),
        ends_on=TODAY + timedelta(days=20),
    )
    assert followed(tess) == {"Mentee m0", "Mentee m1"}
    ended = pairs.end_pair(tess, open_ended.id, " Moved team ", today=TODAY)
    assert (ended.status, ended.active, ended.ends_on, ended.reason) == (
        "ended",
        False,
        TODAY,
        "Moved team",
    )
    assert ended.ended_at is not None
    pairs.end_pair(analyst, later.id, "Goal reached", today=TODAY)
    assert later.ends_on == TODAY
    assert followed(tess) == set()
    # A pair that had not started yet ends on its first day (dates stay ordered).
    future = create(analyst, tess, cid, starts_on=TODAY + timedelta(days=5))
    pairs.end_pair(analyst, future.id, "Cancelled", today=TODAY)
    assert future.ends_on == future.starts_on == TODAY + timedelta(days=5)
    assert refused(pairs.end_pair, analyst, future.id, "again", today=TODAY).code == "not_active"


def test_only_an_analyst_or_the_pairs_tutor_ends_it_and_says_why(people):
    analyst, tess, (mia, *_) = people
    other = make_tutor("otto@example.com", "Otto")
    pair = create(analyst, tess, mia)
    for stranger in (other, mia):
        error = refused(pairs.end_pair, stranger, pair.id, "No", today=TODAY)
        assert (error.code, error.status) == ("pair_not_found", 404)
    error = refused(pairs.end_pair, tess, pair.id, "   ", today=TODAY)
    assert (error.code, error.field) == ("reason_required", "reason")
    assert pair.status == "active"


def test_a_learner_asks_and_the_tutor_accepts_within_capacity(people):
    analyst, tess, (mia, bob, cid) = people
    asks = [
        pairs.request_tutor(m, tess.id, note=f"hi {i}", today=TODAY)
        for i, m in enumerate((mia, bob, cid))
    ]
    assert [(p.status, p.active, p.requested_by_id) for p in asks] == [
        ("requested", False, mia.id),
        ("requested", False, bob.id),
        ("requested", False, cid.id),
    ]
    assert followed(tess) == set()  # a request gives no access
    pairs.accept_request(tess, asks[0].id, today=TODAY + timedelta(days=2))
    assert (asks[0].status, asks[0].active, asks[0].starts_on) == (
        "active",
        True,
        TODAY + timedelta(days=2),
    )
    pairs.accept_request(tess, asks[1].id, today=TODAY)
    error = refused(pairs.accept_request, tess, asks[2].id, today=TODAY)
    assert error.code == "tutor_full" and asks[2].status == "requested"
    assert refused(pairs.accept_request, tess, asks[0].id, today=TODAY).code == "not_pending"


def test_requests_are_answered_by_their_tutor_only_and_declines_need_a_reason(people):
    analyst, tess, (mia, *_) = people
    otto = make_tutor("otto@example.com", "Otto")
    asked = pairs.request_tutor(mia, tess.id, today=TODAY)
    assert refused(pairs.accept_request, otto, asked.id, today=TODAY).code == "pair_not_found"
    assert refused(pairs.decline_request, otto, asked.id, "no").code == "pair_not_found"
    assert refused(pairs.decline_request, tess, asked.id, "").code == "reason_required"
    declined = pairs.decline_request(tess, asked.id, "Outside my area")
    assert (declined.status, declined.active, declined.reason) == (
        "declined",
        False,
        "Outside my area",
    )
    assert refused(pairs.decline_request, tess, asked.id, "again").code == "not_pending"


def test_what_a_learner_cannot_ask(people):
    analyst, tess, (mia, bob, cid) = people
    plain = make_person("pat@example.com", name="Pat", password=None)
    assert refused(pairs.request_tutor, mia, plain.id, today=TODAY).code == "not_a_tutor"
    assert refused(pairs.request_tutor, tess, tess.id, today=TODAY).code == "self_pair"
    pairs.request_tutor(mia, tess.id, today=TODAY)
    error = refused(pairs.request_tutor, mia, tess.id, today=TODAY)
    assert (error.code, error.message) == (
        "already_requested",
        "You already asked Tess Tutor: wait for their answer.",
    )
    create(analyst, tess, bob)
    assert refused(pairs.request_tutor, bob, tess.id, today=TODAY).code == "already_paired"
    create(analyst, tess, cid)
    assert refused(
        pairs.request_tutor, make_person("z@example.com", password=None), tess.id, today=TODAY
    ).code == ("tutor_full")


def test_an_analyst_sets_a_capacity(people):
    analyst, tess, (mia, bob, _) = people
    create(analyst, tess, mia)
    create(analyst, tess, bob)
    assert pairs.set_tutor_capacity(analyst, tess.id, 1).tutor_capacity == 1
    assert pairs.places_taken([tess.id], TODAY) == {tess.id: 2}  # kept, none admitted
    assert pairs.set_tutor_capacity(analyst, tess.id, None).tutor_capacity is None
    error = refused(pairs.set_tutor_capacity, analyst, tess.id, -1)
    assert (error.code, error.field) == ("invalid_capacity", "capacity")
    assert refused(pairs.set_tutor_capacity, tess, tess.id, 3).code == "not_allowed"
    assert refused(pairs.set_tutor_capacity, analyst, mia.id, 3).code == "not_a_tutor"
