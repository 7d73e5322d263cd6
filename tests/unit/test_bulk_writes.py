"""The bulk write helpers of the batch paths: list parameters, many-row inserts, many badge
awards at once. Known answers on the suite's database (SQLite, or PostgreSQL when set)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from badge_factories import AT, make_badge
from lms_roi import signals
from lms_roi.db import session
from lms_roi.gamification import badge_awards, badges
from lms_roi.models import BadgeAward, Completion, Learner, Notification, XpEvent
from lms_roi.sql_lists import insert_many, one_of
from xp_factories import make_learner


def test_one_of_matches_integers_and_text_and_an_empty_list_matches_nothing(ctx):
    ana, bob, cyd = make_learner("ana"), make_learner("bob"), make_learner("cyd")

    def ids(condition) -> set[int]:
        return set(session().scalars(select(Learner.id).where(condition)))

    assert ids(one_of(Learner.id, [ana.id, cyd.id, 999_999])) == {ana.id, cyd.id}
    assert ids(one_of(Learner.external_id, ["bob", "café ☕", 'a "quoted" one'])) == {bob.id}
    assert ids(one_of(Learner.id, [])) == set()


def test_insert_many_applies_python_defaults_and_keeps_json_as_an_executemany_would(ctx):
    from factories import make_module

    ana, module = make_learner("ana"), make_module("seo-basics")
    moments = [AT + timedelta(minutes=i) for i in range(3)]
    insert_many(
        session(),
        Completion.__table__,
        [
            dict(learner_id=ana.id, module_id=module.id, completed_at=at, score=None)
            for at in moments
        ],
    )
    rows = (
        session()
        .execute(
            select(
                Completion.completed_at,
                Completion.version,
                Completion.source,
                Completion.created_at,
            )
            .where(Completion.learner_id == ana.id)
            .order_by(Completion.completed_at)
        )
        .all()
    )
    # version 1 and source "web" are the columns' defaults; created_at is now.
    assert [(row[0], row[1], row[2]) for row in rows] == [(at, 1, "web") for at in moments]
    assert all(row[3] is not None for row in rows)
    details = [{}, {"quiz_id": 7, "note": 'with "quotes" and é'}, {"nested": [1, None]}]
    insert_many(
        session(),
        XpEvent.__table__,
        [
            dict(
                learner_id=ana.id,
                points=i,
                reason="badge",
                idempotency_key=f"bulk:{i}",
                occurred_at=AT,
                local_day=AT.date(),
                flagged=False,
                details=value,
            )
            for i, value in enumerate(details)
        ],
    )
    stored = session().scalars(
        select(XpEvent.details).where(XpEvent.learner_id == ana.id).order_by(XpEvent.points)
    )
    assert list(stored) == details


def test_awards_lost_to_a_concurrent_event_are_dropped_one_by_one(ctx):
    ana, bob = make_learner("ana"), make_learner("bob")
    first = make_badge("first")
    # Awarded meanwhile (another transaction, as far as this batch read).
    assert badges.award_badge(bob.id, first, AT) is not None
    received = []

    def listener(sender, **kw):
        received.append((kw["learner_id"], kw["award"].badge_id))

    evidence = {"kind": "modules_completed", "count": 1}
    with signals.badge_earned.connected_to(listener):
        made = badge_awards.award_all(
            [(AT, first, ana.id, evidence), (AT + timedelta(hours=1), first, bob.id, evidence)]
        )
    assert [(a.learner_id, a.badge_id, a.issued_on) for a in made] == [(ana.id, first.id, AT)]
    assert received == [(ana.id, first.id)]
    count = session().scalar(
        select(func.count()).select_from(Notification).where(Notification.kind == "badge_earned")
    )
    assert count == 2  # bob's from the first award, ana's now: none twice


def test_awards_made_without_being_returned_still_reach_listeners(ctx):
    ana = make_learner("ana")
    first = make_badge("first")
    received = []

    def listener(sender, **kw):
        received.append(kw["award"].learner_id)

    evidence = {"kind": "modules_completed", "count": 1}
    with signals.badge_earned.connected_to(listener):
        made = badge_awards.award_all([(AT, first, ana.id, evidence)], returned=False)
    assert made == [] and received == [ana.id]
    award = session().scalar(select(BadgeAward).where(BadgeAward.learner_id == ana.id))
    assert (award.issued_on, award.evidence, award.revoked) == (AT, evidence, False)


def test_insert_many_stores_exactly_what_an_executemany_stores(ctx):
    from sqlalchemy import insert, text

    ana = make_learner("ana")

    def event(key: str) -> dict:
        return dict(
            learner_id=ana.id,
            points=40,
            reason="module_completed",
            idempotency_key=key,
            occurred_at=AT + timedelta(microseconds=1500),
            local_day=AT.date(),
            flagged=True,
            details={"quiz_id": 3, "capped_from": 45.5, "note": None},
        )

    insert_many(session(), XpEvent.__table__, [event("bulk")])
    session().execute(insert(XpEvent.__table__), [event("plain")])
    columns = ("points", "occurred_at", "local_day", "flagged", "details")
    if session().get_bind().dialect.name == "sqlite":
        shown = ", ".join(f"typeof({name}), {name}" for name in columns)
    else:
        shown = ", ".join(f"{name}::text" for name in columns)
    stored = {
        key: tuple(rest)
        for key, *rest in session().execute(
            text(f"SELECT idempotency_key, {shown} FROM lms_roi_xp_event")  # noqa: S608
        )
    }
    assert stored["bulk"] == stored["plain"]


def test_insert_many_of_plain_columns_stores_what_an_executemany_stores(ctx):
    from sqlalchemy import insert, text

    from factories import make_module

    ana, module = make_learner("ana"), make_module("seo-basics")

    def completion(minute: int, score) -> dict:
        return dict(
            learner_id=ana.id,
            module_id=module.id,
            completed_at=AT + timedelta(minutes=minute, microseconds=250),
            score=score,
            source="xapi",
            version=2,
            created_at=AT,
        )

    insert_many(session(), Completion.__table__, [completion(1, 87.5), completion(2, None)])
    session().execute(insert(Completion.__table__), [completion(3, 87.5), completion(4, None)])
    columns = ("completed_at", "score", "source", "version", "created_at")
    if session().get_bind().dialect.name == "sqlite":
        shown = ", ".join(f"typeof({name}), {name}" for name in columns[1:])
        shown = f"substr(completed_at, 17), {shown}"  # the minute differs on purpose
    else:
        shown = ", ".join(f"{name}::text" for name in columns[1:])
        shown = f"to_char(completed_at, 'SS.US'), {shown}"
    stored = session().execute(
        text(f"SELECT {shown} FROM lms_roi_completion ORDER BY completed_at")  # noqa: S608
    ).all()
    assert stored[0] == stored[2] and stored[1] == stored[3]
    assert stored[0] != stored[1]
