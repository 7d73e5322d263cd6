"""The one completion path: idempotency, signals once, follow-ups in the learner's calendar,
versions, prerequisites, and the capped time spent."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from factories import make_module, make_person
from lms_roi.errors import DomainError
from lms_roi.models import Completion, FollowUp, ModulePrerequisite, ModuleProgress
from lms_roi.services import learning
from lms_roi.signals import module_completed

BODY = "## One\nfirst\n\n## Two\nsecond"


@pytest.fixture
def sent():
    """Every module_completed signal sent during the test."""
    received = []

    def listen(_sender, **kwargs):
        received.append((kwargs["learner"].id, kwargs["module"].id, kwargs["completion"].id))

    module_completed.connect(listen)
    yield received
    module_completed.disconnect(listen)


def _count(ctx, model) -> int:
    return ctx.session.scalar(select(func.count(model.id)))


def test_a_live_completion_is_recorded_once_per_version_and_signalled_once(ctx, sent):
    ana = make_person()
    module = make_module("lead-qualification", body=BODY)
    first = learning.record_completion(ana, module, score=80)
    again = learning.record_completion(ana, module, score=95)
    assert first.created and not again.created
    assert again.completion.id == first.completion.id and again.completion.score == 80
    assert _count(ctx, Completion) == 1 and sent == [(ana.id, module.id, first.completion.id)]
    module.current_version = 2
    second = learning.record_completion(ana, module)
    assert second.created and second.completion.version == 2
    assert len(sent) == 2
    # Follow-ups come with the first completion only.
    assert _count(ctx, FollowUp) == 3


def test_history_is_unique_per_moment_and_a_batch_signals_each_new_completion(ctx, sent):
    ana, bob = make_person(), make_person("bob@example.com")
    module = make_module("seo-basics")
    moment = datetime(2026, 3, 2, 10, tzinfo=UTC)
    rows = [
        dict(learner_id=ana.id, module_id=module.id, completed_at=moment, score=70.0),
        dict(learner_id=bob.id, module_id=module.id, completed_at=moment, score=None),
    ]
    counts = learning.record_completions(rows)
    assert (counts.inserted, counts.updated, counts.unchanged) == (2, 0, 0)
    assert sorted(lid for lid, _m, _c in sent) == sorted([ana.id, bob.id])
    rows[0]["score"] = 75.0
    again = learning.record_completions(rows)
    assert (again.inserted, again.updated, again.unchanged) == (0, 1, 1)
    assert len(sent) == 2 and _count(ctx, Completion) == 2
    single = learning.record_completion(ana, module, source="import", completed_at=moment)
    assert not single.created and single.completion.score == 75.0
    # The history closed long ago: its follow-ups are not created (nobody was asked).
    assert _count(ctx, FollowUp) == 0


def test_follow_ups_are_due_from_the_completion_day_where_the_learner_is(ctx):
    ana = make_person()
    ana.timezone = "America/New_York"
    module = make_module("seo-basics")
    # 02:00 UTC on 3 Nov is still 2 Nov in New York.
    moment = datetime.now(UTC).replace(hour=2, minute=0, second=0, microsecond=0)
    learning.record_completion(ana, module, source="import", completed_at=moment)
    local_day = (moment - timedelta(hours=5)).date()
    due = sorted(ctx.session.execute(select(FollowUp.offset_days, FollowUp.due_on)).all())
    assert due == [(days, local_day + timedelta(days=days)) for days in (30, 60, 90)]
    assert local_day == moment.date() - timedelta(days=1)


def test_a_new_version_starts_the_lesson_afresh(ctx):
    ana = make_person()
    module = make_module("seo-basics", body=BODY)
    learning.see_step(ana, module, 0)
    _progress, done = learning.see_step(ana, module, 1)
    assert done is not None and done.completion.version == 1
    module.current_version = 2
    # Re-reading one step of version 2 does not complete it: its steps start unseen.
    progress, again = learning.see_step(ana, module, 0)
    assert again is None and progress.steps_seen == [0] and progress.version == 2
    _progress, v2 = learning.see_step(ana, module, 1)
    assert v2.created and v2.completion.version == 2


def test_prerequisites_lock_the_lesson_service(ctx):
    ana = make_person()
    basics = make_module("lead-qualification", body=BODY)
    advanced = make_module("negotiation", body=BODY)
    ctx.session.add(ModulePrerequisite(module_id=advanced.id, required_module_id=basics.id))
    ctx.session.flush()
    with pytest.raises(DomainError) as refused:
        learning.see_step(ana, advanced, 0)
    assert refused.value.code == "module_locked"
    assert refused.value.message == "Complete “Lead Qualification” first"
    learning.record_completion(ana, basics)
    _progress, done = learning.see_step(ana, advanced, 0)
    assert done is None


def test_time_spent_never_outruns_the_clock(ctx):
    ana = make_person()
    module = make_module("seo-basics", body=BODY, duration=1)
    start = datetime(2026, 4, 1, 9, tzinfo=UTC)
    progress = learning.start_module(ana, module, start)
    # A beat claiming 15 s every 100 ms adds nothing until a whole second has passed.
    for tenth in range(1, 10):
        learning.heartbeat(ana, module, 15, start + timedelta(milliseconds=100 * tenth))
    assert progress.time_spent_s == 0
    learning.heartbeat(ana, module, 15, start + timedelta(seconds=15))
    assert progress.time_spent_s == 15
    # 10 minutes later one beat adds at most 60 s, and a 1-minute module caps at 4 minutes.
    for minute in range(1, 10):
        learning.heartbeat(ana, module, 600, start + timedelta(minutes=10 * minute))
    assert progress.time_spent_s == 4 * 60


def test_a_batch_completes_the_lessons_in_progress(ctx):
    ana = make_person()
    module = make_module("seo-basics", body=BODY)
    learning.see_step(ana, module, 0)
    moment = datetime(2026, 3, 2, 10, tzinfo=UTC)
    learning.record_completions(
        [dict(learner_id=ana.id, module_id=module.id, completed_at=moment, score=None)]
    )
    progress = ctx.session.scalar(select(ModuleProgress))
    ctx.session.refresh(progress)
    assert progress.completed_at == moment
    assert date(2026, 3, 2) == progress.completed_at.date()
