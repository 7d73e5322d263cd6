"""Forms of the badge pages (Flask-WTF, CSRF-protected).

They only parse what was typed; :mod:`lms_roi.gamification.badges` checks it and names
the field of each problem.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, IntegerField, SelectField, StringField
from wtforms.fields import TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from lms_roi.gamification.criteria import KINDS
from lms_roi.labels import LABELS
from lms_roi.models._types import METHODS

from .forms import _strip


class BadgeForm(FlaskForm):
    """A badge: what it is called, what earns it, what it gives, how it looks."""

    name = StringField(_l("Name"), filters=[_strip])
    description = TextAreaField(
        _l("Description"),
        filters=[_strip],
        description=_l("Shown to learners and in the Open Badges badge class."),
    )
    xp = IntegerField(_l("XP given with the badge"), default=10, validators=[Optional()])
    kind = SelectField(_l("Earned for"), choices=[SelectChoice(k, v) for k, v in KINDS.items()])
    min = IntegerField(
        _l("How many"),
        default=1,
        validators=[Optional()],
        description=_l("For modules, quizzes, streak days and tutoring sessions."),
    )
    method = SelectField(
        _l("Method"),
        choices=[SelectChoice(m, LABELS["method"][m]) for m in METHODS],
        description=_l("For modules completed with one method."),
    )
    program = SelectField(
        _l("Learning path"), validate_choice=False, description=_l("For a completed path.")
    )
    kpi = SelectField(_l("KPI"), validate_choice=False, description=_l("For a KPI objective met."))
    challenge = SelectField(
        _l("Challenge"),
        validate_choice=False,
        description=_l("For a challenge won: one challenge, or any."),
    )
    active = BooleanField(_l("Active (learners can earn it)"), default=True)
    image = FileField(
        _l("Image"),
        description=_l(
            "PNG or JPEG, at most 512 KB; it is cropped to a square of 400 × 400 pixels. "
            "Without an upload, the badge gets a disc with its initials."
        ),
    )
    generated_image = BooleanField(_l("Use the generated image (drop the uploaded one)"))


class NewBadgeForm(BadgeForm):
    slug = StringField(
        _l("Slug"),
        filters=[_strip],
        description=_l(
            "Lower-case letters, digits and hyphens (e.g. micro-master). It is the badge's "
            "public Open Badges address, so it cannot change later."
        ),
    )


class RevokeForm(FlaskForm):
    """Revoke one award: a reason is required."""

    reason = StringField(_l("Reason"), filters=[_strip])
