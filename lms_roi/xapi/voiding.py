"""Reversing what voided xAPI statements caused.

A voided statement's completion is removed when it came from xAPI (``source`` is
``xapi``: an imported or web completion at the same moment stands on its own) and no
statement still standing supports it; likewise its attempt. The follow-ups of a
module the learner no longer has any completion of are withdrawn while unanswered, a
progress row loses its ``completed_at``. Then the learners' ledger, totals, streaks and
level notifications are replayed from what remains
(:func:`~lms_roi.gamification.learner_replay.replay_learners`), so their XP is what
``lms-roi gamification rebuild`` would give, and the board counts follow. Badges
already earned stay (as for any badge: an analyst may revoke one). Only flushes.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, select, tuple_, update

from lms_roi.db import IN_CHUNK, chunked, session
from lms_roi.gamification.learner_replay import replay_learners
from lms_roi.gamification.xp_rules import instant
from lms_roi.models import Attempt, Completion, FollowUp, ModuleProgress, XapiStatement

PROCESSED = "processed"


def void_statements(targets: Sequence[XapiStatement]) -> None:
    """Reverse the completions, attempts and XP of ``targets`` (being voided)."""
    acted = [t for t in targets if t.effects and t.learner_id is not None]
    if not acted:
        return
    completions: set[tuple[int, int, str]] = set()
    attempts: set[str] = set()
    for target in acted:
        effects = target.effects
        if "completion" in effects:
            completions.add((target.learner_id, effects["module_id"], effects["completion"]["at"]))
        if "attempt" in effects:
            attempts.add(effects["attempt"]["key"])
    still = _still_supported(acted)
    completions -= still["completions"]
    attempts -= still["attempts"]
    learner_ids = {t.learner_id for t in acted}
    pairs = _remove_completions(completions)
    _remove_attempts(attempts)
    _after_removal(pairs)
    replay_learners(learner_ids)
    for target in acted:
        # A new dict, so the JSON column is seen as changed.
        target.effects = {**target.effects, "reversed": True}
    session().flush()


def _still_supported(targets: list[XapiStatement]) -> dict[str, set]:
    """Effects of other standing statements of the same learners at the same moments."""
    ids = {t.id for t in targets}
    learners = sorted({t.learner_id for t in targets})
    moments = sorted({t.timestamp for t in targets})
    out: dict[str, set] = {"completions": set(), "attempts": set()}
    for part in chunked(learners, IN_CHUNK):
        for moment_part in chunked(moments, IN_CHUNK):
            rows = session().execute(
                select(XapiStatement.id, XapiStatement.learner_id, XapiStatement.effects).where(
                    XapiStatement.learner_id.in_(part),
                    XapiStatement.timestamp.in_(moment_part),
                    XapiStatement.status == PROCESSED,
                    XapiStatement.voided.is_(False),
                )
            )
            for statement_id, learner_id, effects in rows:
                if statement_id in ids or not effects or effects.get("reversed"):
                    continue
                if "completion" in effects:
                    out["completions"].add(
                        (learner_id, effects["module_id"], effects["completion"]["at"])
                    )
                if "attempt" in effects:
                    out["attempts"].add(effects["attempt"]["key"])
    return out


def _remove_completions(keys: set[tuple[int, int, str]]) -> set[tuple[int, int]]:
    """Delete the xAPI completions at those (learner, module, moment); their pairs."""
    if not keys:
        return set()
    db = session()
    pairs = {(lid, mid) for lid, mid, _at in keys}
    doomed = []
    for part in chunked(sorted(pairs), IN_CHUNK):
        for cid, lid, mid, at in db.execute(
            select(
                Completion.id, Completion.learner_id, Completion.module_id, Completion.completed_at
            ).where(
                tuple_(Completion.learner_id, Completion.module_id).in_(part),
                Completion.source == "xapi",
            )
        ):
            if (lid, mid, instant(at)) in keys:
                doomed.append(cid)
    for part in chunked(doomed, IN_CHUNK):
        db.execute(delete(Completion).where(Completion.id.in_(part)))
    return pairs


def _remove_attempts(keys: set[str]) -> None:
    for part in chunked(sorted(keys), IN_CHUNK):
        session().execute(delete(Attempt).where(Attempt.idempotency_key.in_(part)))


def _after_removal(pairs: set[tuple[int, int]]) -> None:
    """Pairs left without any completion: unanswered follow-ups go, progress reopens."""
    db = session()
    earliest: dict[tuple[int, int], datetime] = {}
    for part in chunked(sorted(pairs), IN_CHUNK):
        for lid, mid, at in db.execute(
            select(Completion.learner_id, Completion.module_id, Completion.completed_at).where(
                tuple_(Completion.learner_id, Completion.module_id).in_(part)
            )
        ):
            if (lid, mid) not in earliest or at < earliest[(lid, mid)]:
                earliest[(lid, mid)] = at
    bare = sorted(pair for pair in pairs if pair not in earliest)
    for part in chunked(bare, IN_CHUNK):
        db.execute(
            delete(FollowUp).where(
                tuple_(FollowUp.learner_id, FollowUp.module_id).in_(part),
                FollowUp.answered_at.is_(None),
            )
        )
        db.execute(
            update(ModuleProgress)
            .where(tuple_(ModuleProgress.learner_id, ModuleProgress.module_id).in_(part))
            .values(completed_at=None)
        )


__all__ = ["void_statements"]
