"""What a statement's verb and result ask for, before anyone is looked up.

=====================================================  =====================================
verb (IRI)                                             effect on the mapped module
=====================================================  =====================================
``adlnet.gov/expapi/verbs/completed``,                 completion (history, source ``xapi``,
``id.tincanapi.com/verb/completed``                    at the statement's ``timestamp``)
``adlnet.gov/expapi/verbs/passed``                     completion, and a passed attempt at the
                                                       module's quiz when the result has a score
``adlnet.gov/expapi/verbs/failed``                     a failed attempt (with a score) and
                                                       progress, no completion
``w3id.org/xapi/adl/verbs/satisfied`` (cmi5)           completion: the LMS says the AU's
                                                       ``moveOn`` criteria are met
``w3id.org/xapi/adl/verbs/waived`` (cmi5)              nothing: an exemption is not training
``adlnet.gov/expapi/verbs/experienced``,               progress: the module is started
``id.tincanapi.com/verb/viewed``, ``.../viewed``,
``launched``, ``initialized``, ``progressed``,
``attempted``, ``answered``
any other verb                                         nothing
=====================================================  =====================================

On any verb but ``failed`` and ``waived``, ``result.completion: true`` or
``result.success: true`` also completes the module (cmi5 ``completed``/``passed``
statements carry them; so do Moodle's quiz attempts). Any statement with a score and
a success (``passed``/``failed``, or ``result.success``) is also an attempt at the
module's quiz (its post-test, else practice quiz) when it has one. The score is
``result.score.scaled`` x 100, else ``(raw - min) / (max - min)`` x 100 (``min`` 0),
clipped to 0-100; it is the completion's score too.
"""

from __future__ import annotations

from dataclasses import dataclass

ADL = "http://adlnet.gov/expapi/verbs/"
TINCAN = "http://id.tincanapi.com/verb/"
CMI5 = "https://w3id.org/xapi/adl/verbs/"

COMPLETING = frozenset(
    {ADL + "completed", TINCAN + "completed", ADL + "passed", CMI5 + "satisfied"}
)
PASSED, FAILED, WAIVED = ADL + "passed", ADL + "failed", CMI5 + "waived"
STARTING = frozenset(
    {
        ADL + "experienced",
        TINCAN + "viewed",
        ADL + "viewed",
        ADL + "launched",
        ADL + "initialized",
        ADL + "progressed",
        ADL + "attempted",
        ADL + "answered",
    }
)


@dataclass(frozen=True)
class Intent:
    """What one statement asks for: a completion, an attempt, module progress."""

    completes: bool
    #: True/False: an attempt that passed/failed (when the module has a quiz); None: none.
    attempt_passed: bool | None
    starts: bool
    score: float | None


def intent_of(verb: str, result: dict | None) -> Intent:
    """Read the verb and result of a statement (see the module's table)."""
    result = result if isinstance(result, dict) else {}
    score = score_pct(result.get("score"))
    success = result.get("success")
    completes = verb in COMPLETING or (
        verb not in (FAILED, WAIVED) and (result.get("completion") is True or success is True)
    )
    passed: bool | None = None
    if verb == PASSED:
        passed = True
    elif verb == FAILED:
        passed = False
    elif isinstance(success, bool) and verb != WAIVED:
        passed = success
    attempt = passed if score is not None else None
    # A completion needs no "started" row (imports make none either).
    starts = not completes and (verb in STARTING or attempt is not None)
    return Intent(completes, attempt, starts, score)


def score_pct(score) -> float | None:
    """A result score as a percentage 0-100 (None when it says nothing usable)."""
    if not isinstance(score, dict):
        return None
    scaled = _number(score.get("scaled"))
    if scaled is not None:
        return _clip(scaled * 100)
    raw, top = _number(score.get("raw")), _number(score.get("max"))
    bottom = _number(score.get("min")) or 0.0
    if raw is None or top is None or top <= bottom:
        return None
    return _clip((raw - bottom) / (top - bottom) * 100)


def _number(value) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _clip(value: float) -> float:
    return round(min(max(value, 0.0), 100.0), 6)


__all__ = ["Intent", "intent_of", "score_pct"]
