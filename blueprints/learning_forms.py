"""Forms of the learner's journey: lesson steps, reaction survey, application follow-ups."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from .forms import AmountField

SCALE = [SelectChoice(str(n), str(n)) for n in range(1, 6)]
YES_NO = [SelectChoice("yes", _l("Yes")), SelectChoice("no", _l("No"))]


class StepForm(FlaskForm):
    """The "next" button of a lesson step (CSRF only)."""


class SurveyForm(FlaskForm):
    """Level 1: reaction to a completed module."""

    rating = RadioField(
        _l("How satisfied are you with this module? (1 = not at all, 5 = very)"),
        choices=SCALE,
        validators=[DataRequired(_l("Choose a value from 1 to 5."))],
    )
    relevance = RadioField(
        _l("How relevant is it to your job? (1 = not at all, 5 = very)"),
        choices=SCALE,
        validators=[DataRequired(_l("Choose a value from 1 to 5."))],
    )
    would_recommend = RadioField(
        _l("Would you recommend it to a colleague?"),
        choices=YES_NO,
        validators=[DataRequired(_l("Answer yes or no."))],
    )
    comment = TextAreaField(_l("Comment (optional)"), validators=[Optional(), Length(max=2000)])


class FollowUpForm(FlaskForm):
    """Level 3: did the learner apply it, and how much of the change is due to it."""

    applied = RadioField(
        _l("Have you applied what you learned in your work?"),
        choices=YES_NO,
        validators=[DataRequired(_l("Answer yes or no."))],
    )
    attribution_pct = AmountField(
        _l("Share of the change in your results due to this training (%)"),
        description=_l("0 to 100. Think of everything else that changed: market, season, team."),
        validators=[Optional(), NumberRange(0, 100, _l("Write a percentage from 0 to 100."))],
    )
    confidence_pct = AmountField(
        _l("How confident are you in that estimate (%)"),
        description=_l("0 to 100. Your estimate is multiplied by it, so be honest."),
        validators=[Optional(), NumberRange(0, 100, _l("Write a percentage from 0 to 100."))],
    )
    comment = TextAreaField(
        _l("What did you change? (optional)"), validators=[Optional(), Length(max=2000)]
    )


__all__ = ["FollowUpForm", "StepForm", "SurveyForm"]
