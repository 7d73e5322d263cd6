"""Property: after any sequence of awards, every maintained total equals its ledger sum.

Awards of random points, reasons, keys (replays included), moments and learners in
different time zones through the live path, then a batch of imported completions;
each LearnerTotals row must equal SUM(points) of the learner's ledger rows in its
bucket (organisation calendar), no ledger row may lack its buckets, no local day may
exceed the cap. The same holds after a rebuild. The board's per-score counts
(``BoardScore``) always equal a recount of the listed totals, also when a learner hides
between awards.
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from factories import make_module
from lms_roi.gamification import board_index, engine, periods
from lms_roi.gamification.leaderboards import choose_visibility
from lms_roi.gamification.rebuild import rebuild
from lms_roi.models import BoardScore, LearnerTotals, XpEvent
from lms_roi.services import learning
from xp_factories import at, make_learner

REASONS = ["quiz_passed", "review", "tutoring_session", "badge", "challenge"]
START = at(2026, 3, 20, 0)  # spans the spring DST change and a month end

awards = st.lists(
    st.tuples(
        st.integers(0, 1),  # learner
        st.integers(0, 260),  # points asked
        st.sampled_from(REASONS),
        st.integers(0, 11),  # key: small range, so replays happen
        st.integers(0, 20 * 24 * 60),  # minutes after START
    ),
    max_size=40,
)
imports = st.lists(
    st.tuples(st.integers(0, 1), st.integers(0, 2), st.integers(0, 20 * 24 * 60)),
    max_size=15,
    unique_by=lambda row: (row[0], row[1], row[2]),
)


def expected_totals(db) -> Counter:
    sums: Counter = Counter()
    for learner_id, points, moment in db.execute(
        select(XpEvent.learner_id, XpEvent.points, XpEvent.occurred_at)
    ):
        for kind, key in periods.period_keys(moment).items():
            sums[(learner_id, kind, key)] += points
    return sums


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(sequence=awards, batch=imports, hide_after=st.integers(0, 40))
def test_totals_always_equal_the_ledger_sums(ctx, sequence, batch, hide_after):
    db = ctx.session
    savepoint = db.begin_nested()
    try:
        learners = [make_learner("ana", "Europe/Paris"), make_learner("kei", "Asia/Tokyo")]
        modules = [make_module(f"m{i}", duration=5 + 25 * i) for i in range(3)]
        for step, (who, points, reason, key, minutes) in enumerate(sequence):
            if step == hide_after:
                choose_visibility(learners[0], "hidden")
            learner = learners[who]
            moment = START + timedelta(minutes=minutes)
            engine.award(learner.id, points, reason, f"{reason}:{who}:{key}", moment)
        learning.record_completions(
            [
                dict(
                    learner_id=learners[who].id,
                    module_id=modules[m].id,
                    completed_at=START + timedelta(minutes=minutes),
                    score=None,
                )
                for who, m, minutes in batch
            ]
        )
        check(db)
        rebuild()
        check(db)
    finally:
        savepoint.rollback()


def check(db) -> None:
    board_index.settle(db)
    t = LearnerTotals
    listed = Counter(
        db.execute(
            select(t.period_kind, t.period_key, t.xp).where(t.listed.is_(True), t.xp > 0)
        ).all()
    )
    counted = Counter(
        {(r.period_kind, r.period_key, r.xp): r.learners for r in db.scalars(select(BoardScore))}
    )
    assert +counted == listed and not -counted  # no negative or stray counts
    stored = Counter(
        {
            (row.learner_id, row.period_kind, row.period_key): row.xp
            for row in db.execute(select(LearnerTotals)).scalars().all()
        }
    )
    expected = expected_totals(db)
    assert set(stored) == set(expected)
    assert all(stored[group] == expected[group] for group in expected)
    by_day: Counter = Counter()
    for learner_id, day, points in db.execute(
        select(XpEvent.learner_id, XpEvent.local_day, XpEvent.points)
    ):
        by_day[(learner_id, day)] += points
    assert all(points <= 500 for points in by_day.values())
    keys = db.scalars(select(XpEvent.idempotency_key)).all()
    assert len(keys) == len(set(keys))
