"""Forms that create a secret are acted on once: a browser's "send again" is caught.

Reloading the page a POST answered makes the browser send the same form again, which
would create a second API token or xAPI client (and show a second secret). Each such
form carries a one-time number; the numbers already acted on are kept in the signed
session cookie (a few of them, never the secret), so the repeat is recognised and
answered with the list instead.
"""

from __future__ import annotations

import secrets

from flask import session as cookie
from wtforms import HiddenField

#: Session key of the one-time numbers already acted on.
SENT = "lms_roi_sent_forms"
#: How many are kept: enough for several tabs, small enough for a cookie.
KEEP = 10


def _new_number() -> str:
    return secrets.token_hex(8)


class SentOnce:
    """Mixin for a FlaskForm acted on at most once (see :func:`already_sent`)."""

    once = HiddenField(default=_new_number)


def already_sent(form: SentOnce) -> bool:
    """Whether this form's one-time number was already acted on in this session."""
    return bool(form.once.data) and form.once.data in cookie.get(SENT, [])


def mark_sent(form: SentOnce) -> None:
    """Remember the form's one-time number as acted on."""
    if form.once.data:
        cookie[SENT] = [*cookie.get(SENT, []), form.once.data][-KEEP:]
