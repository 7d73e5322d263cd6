"""Tutoring sessions: logging one with its agreed actions, ticking actions, reading them.

DESIGN §4–§6 and §8. A session is logged by the tutor or the mentee of a pair that is
active today, or by an analyst (who may also record a session of a pair that has
ended, within its window). In the same transaction the gamification engine gives
15 XP to each side and evaluates the tutoring badges. Sessions are visible to the
pair and to analysts only: the mentee always sees their own, the tutor only while
the pair is active (ending a pair ends the tutor's access at once). Services only
flush; the caller commits.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import exists, or_, select, update
from sqlalchemy.orm import selectinload

from lms_roi.db import session, utcnow
from lms_roi.errors import DomainError
from lms_roi.gamification import engine as xp
from lms_roi.models import AuditLog, Learner, TutoringAction, TutoringPair, TutoringSession
from lms_roi.services.audit import record_audit
from lms_roi.services.mentees import organisation_today

ANALYSTS = frozenset({"analyst", "admin"})
MIN_MINUTES, MAX_MINUTES = 1, 480
MAX_NOTES = 5000
MAX_ACTION_TEXT = 500
MAX_ACTIONS = 20
#: An ``Idempotency-Key`` is remembered this long (a client resends within minutes).
KEY_RETENTION = timedelta(hours=24)
LOGGED = "tutoring.session_logged"
# Control characters other than tab and newline never belong in notes.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


class NotInPair(DomainError):
    """The person is neither side of the pair nor an analyst."""

    status = 403


class PairNotActive(DomainError):
    """The pair is not active today (requested, declined, ended, not started yet)."""

    status = 409


class InvalidSession(DomainError):
    """A value of the session breaks a rule (a date, the minutes, the actions)."""

    status = 422


@dataclass(frozen=True)
class LoggedSession:
    """A logged session, and whether this call created it (False: an idempotent resend)."""

    session: TutoringSession
    created: bool


def is_analyst(person: Learner) -> bool:
    return bool(person.roles & ANALYSTS)


def pair_active_on(pair: TutoringPair, today: date) -> bool:
    """Whether the pair is running on ``today``: active, started, not ended, mentee active."""
    return (
        pair.status == "active"
        and pair.active
        and pair.starts_on <= today
        and (pair.ends_on is None or pair.ends_on >= today)
        and pair.mentee.active
    )


def is_tutor_of(pair: TutoringPair, person: Learner) -> bool:
    """The pair's tutor, as long as they still hold the tutor role (a role taken away
    ends their access like an ended pair)."""
    return person.id == pair.tutor_id and "tutor" in person.roles


def _has_run(pair_id):
    """SQL: the pair is or was running, or holds sessions (a pair asked for again after it
    ended is ``requested`` or ``declined``, and its history stays the mentee's)."""
    return or_(
        TutoringPair.status.in_(("active", "ended")),
        exists().where(TutoringSession.pair_id == pair_id),
    )


def has_run(pair: TutoringPair) -> bool:
    """Whether the mentee keeps seeing ``pair``: it is or was running, or has sessions."""
    return bool(
        session().scalar(select(_has_run(TutoringPair.id)).where(TutoringPair.id == pair.id))
    )


def may_view(pair: TutoringPair, person: Learner, today: date) -> bool:
    """Sessions are the pair's and analysts': the mentee always, the tutor while active."""
    if is_analyst(person):
        return True
    if person.id == pair.mentee_id:
        return has_run(pair)
    return is_tutor_of(pair, person) and pair_active_on(pair, today)


def clean_notes(text: str | None) -> str:
    """Notes as plain text: newlines normalised, control characters dropped, trimmed.

    Notes are never rendered as HTML or Markdown: pages escape them like any text.
    """
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", text).strip()


def clean_actions(texts: Iterable[str | None]) -> list[str]:
    """The agreed actions typed, one line each, blanks dropped (checked by the caller)."""
    return [" ".join(clean_notes(text).split()) for text in texts if clean_notes(text)]


def log_session(
    pair: TutoringPair,
    *,
    by: Learner,
    held_on: date,
    minutes: int,
    notes: str = "",
    actions: Iterable[str | None] = (),
    next_meeting_on: date | None = None,
    today: date | None = None,
    idempotency_key: str | None = None,
) -> LoggedSession:
    """Log a session of ``pair`` held on ``held_on``, with its agreed actions.

    Rules: ``by`` is the tutor or the mentee of a pair active today, or an analyst
    (a pair active or ended); ``held_on`` is not in the future, not before the pair
    started and not after it ended; ``minutes`` is 1 to 480; at most 20 actions of
    500 characters; ``next_meeting_on`` is not before ``held_on``. The engine then
    gives each side its tutoring XP and evaluates their badges (same transaction).

    With ``idempotency_key`` a resend by the same person within 24 hours returns the
    session first logged (``created`` False) and changes nothing.
    """
    today = today or organisation_today()
    db = session()
    if idempotency_key:
        # A write first: concurrent logs of one pair wait here, so a resend racing
        # the first request finds its audit row instead of logging twice.
        db.execute(update(TutoringPair).where(TutoringPair.id == pair.id).values(id=pair.id))
        found = session_for_key(by, idempotency_key)
        if found is not None:
            if found.pair_id != pair.id:
                raise InvalidSession(
                    "idempotency_key_reused",
                    _("this Idempotency-Key was used for another pair: send a new key"),
                    "pair_id",
                )
            _check_may_log(found.pair, by, today)
            return LoggedSession(found, False)
    _check_may_log(pair, by, today)
    texts = _checked(pair, held_on, minutes, notes, actions, next_meeting_on, today)
    logged = TutoringSession(
        pair_id=pair.id,
        held_on=held_on,
        minutes=minutes,
        notes=clean_notes(notes),
        next_meeting_on=next_meeting_on,
        logged_by_id=by.id,
        actions=[TutoringAction(position=n, text=text) for n, text in enumerate(texts, 1)],
    )
    db.add(logged)
    db.flush()
    xp.on_tutoring_session(logged)
    record_audit(
        LOGGED,
        actor=by,
        target_type="tutoring_session",
        target_id=str(logged.id),
        details={"pair_id": pair.id, "idempotency_key": idempotency_key},
    )
    db.flush()
    return LoggedSession(logged, True)


def _check_may_log(pair: TutoringPair, by: Learner, today: date) -> None:
    if by.id == pair.mentee_id or is_tutor_of(pair, by):
        if not pair_active_on(pair, today):
            raise PairNotActive(
                "pair_not_active",
                _("this tutoring pair is not active today: no session can be logged"),
                "pair_id",
            )
    elif not is_analyst(by):
        raise NotInPair(
            "not_in_pair",
            _("only the tutor, the mentee or an analyst may log a session of this pair"),
            "pair_id",
        )
    elif pair.status not in ("active", "ended"):
        raise PairNotActive(
            "pair_not_active",
            _("this tutoring pair was never active: no session can be logged"),
            "pair_id",
        )


def _checked(
    pair: TutoringPair,
    held_on: date,
    minutes: int,
    notes: str,
    actions: Iterable[str | None],
    next_meeting_on: date | None,
    today: date,
) -> list[str]:
    """The cleaned actions, once every value is checked (the first broken rule raises)."""
    if held_on > today:
        raise InvalidSession("invalid_date", _("the session date is in the future"), "held_on")
    if held_on < pair.starts_on:
        raise InvalidSession(
            "invalid_date",
            _("the session date is before the pair started"),
            "held_on",
        )
    if pair.ends_on is not None and held_on > pair.ends_on:
        raise InvalidSession(
            "invalid_date", _("the session date is after the pair ended"), "held_on"
        )
    if not MIN_MINUTES <= minutes <= MAX_MINUTES:
        raise InvalidSession(
            "invalid_minutes",
            _("a session lasts from %(min)d to %(max)d minutes", min=MIN_MINUTES, max=MAX_MINUTES),
            "minutes",
        )
    if len(clean_notes(notes)) > MAX_NOTES:
        raise InvalidSession(
            "notes_too_long",
            _("the notes are longer than %(max)d characters", max=MAX_NOTES),
            "notes",
        )
    texts = clean_actions(actions)
    if len(texts) > MAX_ACTIONS:
        raise InvalidSession(
            "too_many_actions",
            ngettext(
                "agree on at most %(num)d action per session",
                "agree on at most %(num)d actions per session",
                MAX_ACTIONS,
            ),
            "actions",
        )
    if any(len(text) > MAX_ACTION_TEXT for text in texts):
        raise InvalidSession(
            "action_too_long",
            _("an agreed action is longer than %(max)d characters", max=MAX_ACTION_TEXT),
            "actions",
        )
    if next_meeting_on is not None and next_meeting_on < held_on:
        raise InvalidSession(
            "invalid_date",
            _("the next meeting is before the session"),
            "next_meeting_on",
        )
    return texts


def session_for_key(by: Learner, key: str, now: datetime | None = None) -> TutoringSession | None:
    """The session ``by`` logged under ``key`` in the last 24 hours, if any."""
    since = (now or utcnow()) - KEY_RETENTION
    for target_id, details in session().execute(
        select(AuditLog.target_id, AuditLog.details)
        .where(AuditLog.action == LOGGED, AuditLog.actor_id == by.id, AuditLog.at >= since)
        .order_by(AuditLog.id)
    ):
        if (details or {}).get("idempotency_key") == key:
            return session().get(TutoringSession, int(target_id))
    return None


def set_action_done(
    action: TutoringAction, done: bool, by: Learner, *, today: date | None = None
) -> TutoringAction:
    """Tick an agreed action done (or undone again): either side of the pair.

    The mentee may tick their actions while the pair is active or after it ended;
    the tutor only while it is active. Ticking a done action again keeps who did it
    and when.
    """
    pair = action.session.pair
    today = today or organisation_today()
    if by.id != pair.mentee_id and not is_tutor_of(pair, by):
        raise NotInPair(
            "not_in_pair", _("only the tutor or the mentee may tick this action"), "action"
        )
    allowed = has_run(pair) if by.id == pair.mentee_id else pair_active_on(pair, today)
    if not allowed:
        raise PairNotActive(
            "pair_not_active", _("this tutoring pair is not active today"), "action"
        )
    if done and action.done_at is None:
        action.done_at, action.done_by_id = utcnow(), by.id
    elif not done:
        action.done_at, action.done_by_id = None, None
    session().flush()
    return action


def sessions_of_pair(
    pair: TutoringPair, viewer: Learner, today: date | None = None
) -> list[TutoringSession]:
    """The pair's sessions, latest first, with their actions (the pair and analysts only)."""
    if not may_view(pair, viewer, today or organisation_today()):
        raise NotInPair("not_in_pair", _("these sessions belong to another pair"), "pair_id")
    return sessions_of_pairs([pair.id]).get(pair.id, [])


def sessions_of_pairs(pair_ids: Iterable[int]) -> dict[int, list[TutoringSession]]:
    """Sessions by pair, latest first, actions loaded (two queries; no access check)."""
    ids = list(pair_ids)
    found: dict[int, list[TutoringSession]] = {pair_id: [] for pair_id in ids}
    if not ids:
        return found
    for logged in session().scalars(
        select(TutoringSession)
        .where(TutoringSession.pair_id.in_(ids))
        .options(selectinload(TutoringSession.actions))
        .order_by(TutoringSession.held_on.desc(), TutoringSession.id.desc())
    ):
        found[logged.pair_id].append(logged)
    return found


def next_meeting(sessions: list[TutoringSession], today: date) -> date | None:
    """The next meeting set at the latest session, when it is today or later."""
    planned = sessions[0].next_meeting_on if sessions else None
    return planned if planned is not None and planned >= today else None


def mentee_pairs(mentee: Learner) -> list[TutoringPair]:
    """The mentee's pairs that are or were running (active first, then latest start)."""
    return list(
        session().scalars(
            select(TutoringPair)
            .where(TutoringPair.mentee_id == mentee.id, _has_run(TutoringPair.id))
            .options(selectinload(TutoringPair.tutor))
            .order_by(TutoringPair.status, TutoringPair.starts_on.desc(), TutoringPair.id)
        )
    )


def names_of(sessions: Iterable[TutoringSession]) -> dict[int, str]:
    """Display names of who logged the sessions (one query)."""
    ids = {logged.logged_by_id for logged in sessions if logged.logged_by_id is not None}
    if not ids:
        return {}
    return dict(
        session().execute(select(Learner.id, Learner.display_name).where(Learner.id.in_(ids))).all()
    )
