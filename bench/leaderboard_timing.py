"""Timings of ``bench/leaderboard.py``: the product's boards, the naive ledger sums, awards/s."""

from __future__ import annotations

import random
import time
from datetime import datetime, timedelta

from sqlalchemy import case, func, select

from lms_roi.gamification import leaderboards
from lms_roi.gamification.leaderboards import SHOWN, board, team_board
from lms_roi.gamification.periods import period_keys
from lms_roi.models import Enrollment, Learner, LearnerTotals, Program, Team, XpEvent

SCOPES = ("org", "team", "program")
WINDOWS = ("all", "month", "week")
LIMIT = 20


def _viewers(db, window: str, key: str, scope_kind: str, n: int, rng) -> list[tuple]:
    """Random visible learners with XP in the bucket, with their team and program slugs."""
    T = LearnerTotals
    stmt = (
        select(Learner.id, Team.slug, Program.slug)
        .join(T, T.learner_id == Learner.id)
        .join(Team, Team.id == Learner.team_id)
        .outerjoin(
            Enrollment,
            (Enrollment.learner_id == Learner.id) & Enrollment.status.in_(("active", "completed")),
        )
        .outerjoin(Program, Program.id == Enrollment.program_id)
        .where(
            T.period_kind == window,
            T.period_key == key,
            T.xp > 0,
            Learner.active.is_(True),
            Learner.leaderboard_visibility.in_(SHOWN),
        )
    )
    if scope_kind == "program":
        stmt = stmt.where(Program.id.is_not(None))
    candidates = db.session.execute(stmt).all()
    return rng.sample(candidates, min(n, len(candidates)))


def _scope(kind: str, viewer: tuple):
    _id, team, program = viewer
    return {"org": "org", "team": ("team", team), "program": ("program", program)}[kind]


def _bounds(window: str, now: datetime) -> tuple[datetime | None, datetime | None]:
    day = now.replace(hour=0, minute=0, second=0, microsecond=0)
    if window == "week":
        start = day - timedelta(days=day.weekday())
        return start, start + timedelta(days=7)
    if window == "month":
        start = day.replace(day=1)
        return start, (start + timedelta(days=32)).replace(day=1)
    return None, None


def naive(db, scope, window: str, viewer_id: int, now: datetime) -> tuple:
    """The same answer from the ledger: SUM per learner, ORDER BY, the whole board fetched."""
    E = XpEvent
    resolved = leaderboards.resolve_scope(scope)
    xp = func.sum(E.points)
    reached = func.max(case((E.points > 0, E.occurred_at)))
    stmt = (
        select(E.learner_id, xp)
        .join(Learner, Learner.id == E.learner_id)
        .where(Learner.active.is_(True), Learner.leaderboard_visibility.in_(SHOWN))
        .group_by(E.learner_id)
        .having(xp > 0)
        .order_by(xp.desc(), reached.asc(), E.learner_id.asc())
    )
    if resolved.kind == "team":
        stmt = stmt.where(Learner.team_id.in_(resolved.team_ids))
    elif resolved.kind == "program":
        stmt = stmt.where(
            E.learner_id.in_(
                select(Enrollment.learner_id).where(
                    Enrollment.program_id == resolved.program_id,
                    Enrollment.status.in_(("active", "completed")),
                )
            )
        )
    start, end = _bounds(window, now)
    if start is not None:
        stmt = stmt.where(E.occurred_at >= start, E.occurred_at < end)
    ranked = db.session.execute(stmt).all()
    top = [(rank, lid, int(x)) for rank, (lid, x) in enumerate(ranked[:LIMIT], start=1)]
    index = next(i for i, (lid, _x) in enumerate(ranked) if lid == viewer_id)
    around = [
        (i + 1, ranked[i][0], int(ranked[i][1]))
        for i in range(max(0, index - 2), min(len(ranked), index + 3))
        if i != index
    ]
    return top, index + 1, around


def _answer(result) -> tuple:
    top = [(r.rank, r.learner_id, r.xp) for r in result.rows]
    around = [(r.rank, r.learner_id, r.xp) for r in result.me.neighbours]
    return top, result.me.rank, around


def _ms(values: list[float]) -> tuple[float, float]:
    from leaderboard import summary

    return summary(values)


def measure(db, now: datetime, calls: int, naive_calls: int, seed: int) -> None:
    """Time every scope x window through board() and the naive way; print the table."""
    rng = random.Random(seed)
    keys = period_keys(now)
    print(
        f"{'scope':<8} {'window':<6} {'on board':>9} {'board p50':>10} {'p95 ms':>7} "
        f"{'naive p50':>10} {'p95 ms':>7} {'ratio p50':>10} {'ratio p95':>10} {'same':>5}"
    )
    worst_p95, worst_ratio = 0.0, float("inf")
    for scope_kind in SCOPES:
        for window in WINDOWS:
            viewers = _viewers(db, window, keys[window], scope_kind, calls, rng)
            viewer_rows = {
                v.id: v
                for v in db.session.scalars(
                    select(Learner).where(Learner.id.in_([v[0] for v in viewers]))
                )
            }
            times, answers, sizes = [], {}, []
            for viewer in viewers:
                person = viewer_rows[viewer[0]]
                db.session.rollback()  # a fresh transaction per call, as per request
                person.leaderboard_visibility  # noqa: B018 (reloaded before timing)
                t0 = time.perf_counter()
                result = board(_scope(scope_kind, viewer), window, person, LIMIT, now=now)
                times.append(time.perf_counter() - t0)
                answers[viewer[0]] = _answer(result)
            naive_times, same = [], True
            for viewer in viewers[:naive_calls]:
                db.session.rollback()
                t0 = time.perf_counter()
                expected = naive(db, _scope(scope_kind, viewer), window, viewer[0], now)
                naive_times.append(time.perf_counter() - t0)
                sizes.append(expected[1])
                same = same and expected == answers[viewer[0]]
            p50, p95 = _ms(times)
            n50, n95 = _ms(naive_times)
            worst_p95, worst_ratio = max(worst_p95, p95), min(worst_ratio, n50 / p50)
            print(
                f"{scope_kind:<8} {window:<6} {_board_size(db, scope_kind, window, keys):>9} "
                f"{p50:>10.2f} {p95:>7.2f} {n50:>10.1f} {n95:>7.1f} {n50 / p50:>9.0f}x "
                f"{n95 / p95:>9.0f}x {'yes' if same else 'NO':>5}"
            )
    print(
        f"worst board p95: {worst_p95:.2f} ms (target <= 10); worst ratio p50: {worst_ratio:.0f}x"
    )
    for window in WINDOWS:
        db.session.rollback()
        t0 = time.perf_counter()
        teams = team_board(window, None, now=now)
        print(
            f"team board {window:<5}: {(time.perf_counter() - t0) * 1000:.1f} ms "
            f"({len(teams.rows)} teams ranked, {teams.unranked} too small)"
        )


def _board_size(db, scope_kind: str, window: str, keys: dict) -> str:
    if scope_kind != "org":
        return "-"
    T = LearnerTotals
    return str(
        db.session.scalar(
            select(func.count()).where(
                T.period_kind == window, T.period_key == keys[window], T.xp > 0
            )
        )
    )


def award_rate(db, now: datetime, awards: int) -> None:
    """XP awards per second through the completion service (fresh learners, one module)."""
    from lms_roi.models import Module
    from lms_roi.services.learning import record_completion

    session = db.session
    module = Module(
        slug="bench-award",
        title="Bench award",
        duration_minutes=20,
        method="online",
        published=True,
    )
    session.add(module)
    learners = session.scalars(select(Learner).where(Learner.active.is_(True)).limit(awards)).all()
    session.commit()
    before = session.scalar(select(func.count(XpEvent.id)))
    t0 = time.perf_counter()
    for i, learner in enumerate(learners):
        record_completion(learner, module, source="import", completed_at=now + timedelta(seconds=i))
        session.commit()
    elapsed = time.perf_counter() - t0
    written = session.scalar(select(func.count(XpEvent.id))) - before
    if not written:
        print(f"XP awards: no XP engine wired to completions ({len(learners)} completions "
              f"in {elapsed:.1f} s, no XP event written)")  # fmt: skip
        return
    print(
        f"XP awards through record_completion: {len(learners)} completions, {written} XP "
        f"events in {elapsed:.2f} s = {len(learners) / elapsed:.0f} completions/s "
        f"(one commit each)"
    )
