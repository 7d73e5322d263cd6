"""Admin: the gamification rules (DESIGN §6 numbers), changed in the web UI."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField
from wtforms.validators import InputRequired, NumberRange

from lms_roi.db import session
from lms_roi.gamification.levels import threshold
from lms_roi.gamification.settings import DEFAULT_RULES, Rules, rules, save_rules
from lms_roi.policy import current_person, policy
from lms_roi.services.audit import record_audit

from .admin import admin
from .forms import AmountField


def _whole(label, low: int, high: int):
    return IntegerField(
        label,
        validators=[
            InputRequired(_l("Write a whole number.")),
            NumberRange(low, high, _l("Write a number from %(min)s to %(max)s.")),
        ],
    )


class RulesForm(FlaskForm):
    """Every number of the XP, level and streak rules."""

    module_base = _whole(_l("Module: XP base (added to the duration in minutes)"), 0, 1000)
    module_max = _whole(_l("Module: most XP for one module"), 0, 1000)
    quiz_pass = _whole(_l("Quiz: XP for the first pass"), 0, 1000)
    quiz_first_try = _whole(_l("Quiz: bonus when passed at the first attempt"), 0, 1000)
    quiz_perfect = _whole(_l("Quiz: bonus for a perfect score"), 0, 1000)
    tutoring_session = _whole(_l("Tutoring session: XP to the tutor and to the mentee"), 0, 1000)
    streak_bonus = _whole(_l("Streak: bonus for a day after an active day"), 0, 1000)
    daily_cap = _whole(_l("Daily cap: most XP per learner per day"), 1, 100000)
    level_base = _whole(_l("Levels: XP from level 1 to level 2"), 1, 100000)
    level_growth = AmountField(
        _l("Levels: growth of each next level (1.3 = +30 %)"),
        places=2,
        validators=[
            InputRequired(_l("Write a number.")),
            NumberRange(1, 3, _l("Write a number from %(min)s to %(max)s.")),
        ],
    )
    guard_seconds_per_question = AmountField(
        _l("Guard: fewest seconds per quiz question"),
        places=1,
        validators=[
            InputRequired(_l("Write a number.")),
            NumberRange(0, 60, _l("Write a number from %(min)s to %(max)s.")),
        ],
    )
    guard_duration_share = AmountField(
        _l("Guard: least share of a module's duration before completing it"),
        places=2,
        validators=[
            InputRequired(_l("Write a number.")),
            NumberRange(0, 1, _l("Write a number from %(min)s to %(max)s.")),
        ],
    )


@admin.route("/gamification", methods=["GET", "POST"])
@policy("admin")
def gamification_rules():
    current = rules()
    form = RulesForm(data=current.as_dict())
    if form.validate_on_submit():
        values = {name: form[name].data for name in current.as_dict()}
        new = Rules(
            **{name: type(getattr(DEFAULT_RULES, name))(value) for name, value in values.items()}
        )
        save_rules(new)
        record_audit(
            "gamification.rules_changed",
            actor=current_person(),
            target_type="setting",
            target_id="gamification.rules",
            details={"before": current.as_dict(), "after": new.as_dict()},
        )
        session().commit()
        flash(_("The gamification rules are saved; they apply to the next awards."), "success")
        return redirect(url_for(".gamification_rules"))
    return render_template(
        "lms_roi/admin/gamification.html",
        form=form,
        thresholds=[(level, threshold(level, current)) for level in range(2, 7)],
        defaults=DEFAULT_RULES.as_dict(),
    )
