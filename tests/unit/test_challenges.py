"""Challenges: live progress in the window, winners settled exactly once, rewards."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from factories import make_completion, make_module, make_person, make_team
from lms_roi.gamification import challenges
from lms_roi.models import Challenge, ChallengeProgress, Notification, XpEvent

START = datetime(2026, 3, 2, tzinfo=UTC)  # a Monday
END = datetime(2026, 3, 9, tzinfo=UTC)
AFTER = datetime(2026, 3, 9, 8, tzinfo=UTC)


def _challenge(ctx, **values) -> Challenge:
    challenge = Challenge(
        slug=values.pop("slug", "micro-week"),
        title=values.pop("title", "Five micro-modules this week"),
        scope=values.pop("scope", "individual"),
        metric=values.pop("metric", "modules_completed"),
        goal=values.pop("goal", 2),
        starts_at=START,
        ends_at=END,
        reward_xp=values.pop("reward_xp", 50),
        **values,
    )
    ctx.session.add(challenge)
    ctx.session.flush()
    return challenge


def test_progress_counts_distinct_modules_of_the_method_inside_the_window(ctx):
    ana, bob = make_person(), make_person("bob@example.com")
    micro = [make_module(f"micro-{n}", method="micro_learning") for n in range(3)]
    online = make_module("online-one", method="online")
    challenge = _challenge(ctx, method="micro_learning")
    make_completion(ana, micro[0], datetime(2026, 3, 2, 9, tzinfo=UTC))
    make_completion(ana, micro[1], datetime(2026, 3, 8, 23, tzinfo=UTC))
    make_completion(ana, micro[2], datetime(2026, 3, 9, 0, tzinfo=UTC))  # after the window
    make_completion(ana, online, datetime(2026, 3, 3, 9, tzinfo=UTC))  # another method
    make_completion(bob, micro[0], datetime(2026, 3, 4, 9, tzinfo=UTC))
    assert challenges.progress_by_learner(challenge) == {ana.id: 2, bob.id: 1}
    [view] = challenges.for_learner(ana, datetime(2026, 3, 5, tzinfo=UTC), settle=False)
    assert (view.progress, view.goal, view.percent) == (2, 2, 100.0)
    assert view.status(datetime(2026, 3, 5, tzinfo=UTC)) == "won"


def test_winners_are_settled_once_with_xp_and_a_notification(ctx):
    ana, bob = make_person(), make_person("bob@example.com")
    modules = [make_module(f"m-{n}") for n in range(2)]
    challenge = _challenge(ctx)
    for module in modules:
        make_completion(ana, module, datetime(2026, 3, 3, 9, tzinfo=UTC))
    make_completion(bob, modules[0], datetime(2026, 3, 3, 9, tzinfo=UTC))
    assert challenges.settle(challenge.id, datetime(2026, 3, 8, tzinfo=UTC)) is None  # still open
    assert challenges.settle(challenge.id, AFTER) == [ana.id]
    assert challenges.settle(challenge.id, AFTER) is None  # exactly once
    assert challenges.settle_due(AFTER) == 0
    rewards = ctx.session.scalars(select(XpEvent).where(XpEvent.reason == "challenge")).all()
    assert [(r.learner_id, r.points, r.idempotency_key) for r in rewards] == [
        (ana.id, 50, f"challenge:{challenge.id}:{ana.id}")
    ]
    progress = ctx.session.execute(
        select(
            ChallengeProgress.learner_id, ChallengeProgress.progress, ChallengeProgress.completed_at
        ).order_by(ChallengeProgress.learner_id)
    ).all()
    assert progress == [(ana.id, 2, END), (bob.id, 1, None)]
    [note] = ctx.session.scalars(select(Notification).where(Notification.kind == "challenge_won"))
    assert note.learner_id == ana.id and note.payload["challenge"] == "micro-week"


def test_a_team_wins_together_on_the_sum_of_its_members(ctx):
    sales, care = make_team("sales"), make_team("care")
    ana = make_person(team=sales)
    bob = make_person("bob@example.com", team=sales)
    cleo = make_person("cleo@example.com", team=care)
    modules = [make_module(f"m-{n}") for n in range(3)]
    challenge = _challenge(ctx, scope="team", goal=3, slug="team-three")
    make_completion(ana, modules[0], datetime(2026, 3, 3, 9, tzinfo=UTC))
    make_completion(bob, modules[1], datetime(2026, 3, 3, 9, tzinfo=UTC))
    make_completion(bob, modules[2], datetime(2026, 3, 4, 9, tzinfo=UTC))
    make_completion(cleo, modules[0], datetime(2026, 3, 4, 9, tzinfo=UTC))
    assert challenges.progress_by_team(challenge) == {sales.id: 3, care.id: 1}
    # The first read after the close settles it: both sales members are rewarded.
    views = challenges.for_learner(ana, AFTER)
    assert views[0].status(AFTER) == "won" and views[0].team_name == "Sales"
    rewarded = ctx.session.scalars(
        select(XpEvent.learner_id).where(XpEvent.reason == "challenge").order_by(XpEvent.learner_id)
    ).all()
    assert rewarded == sorted([ana.id, bob.id])
    assert ctx.session.get(Challenge, challenge.id).settled_at == AFTER
