"""Forms of the authoring pages (Flask-WTF, CSRF-protected).

They only parse what was typed; the authoring services check it and name the field
of each problem, so the rules live in one place.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    Form,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.fields import FieldList, FormField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from lms_roi.labels import LABELS
from lms_roi.models._types import METHODS

from .forms import AmountField, _strip

QUIZ_KINDS = {
    "practice": _l("practice quiz"),
    "pre_test": _l("pre-test"),
    "post_test": _l("post-test"),
}
QUESTION_KINDS = {
    "single": _l("single choice"),
    "multiple": _l("multiple choice"),
    "true_false": _l("true / false"),
}
#: Blank rows offered under the filled ones (more after saving).
SPARE_ROWS = 2


class KpiWeightRow(Form):
    """One KPI the module is meant to move, with its weight."""

    kpi = SelectField(_l("KPI"), validate_choice=False)
    weight = AmountField(_l("Weight"), places=None, validators=[Optional()])


class ModuleForm(FlaskForm):
    """A module's content and links (the slug is set on creation only)."""

    title = StringField(_l("Title"), filters=[_strip])
    summary = TextAreaField(_l("Summary (shown in the catalog)"), filters=[_strip])
    body_md = TextAreaField(
        _l("Lesson (Markdown)"),
        description=_l(
            "Each line starting with “## ” and a heading starts a new lesson step; "
            "text before the first heading is an introduction step."
        ),
    )
    method = SelectField(
        _l("Method"), choices=[SelectChoice(m, LABELS["method"][m]) for m in METHODS]
    )
    duration_minutes = IntegerField(_l("Duration (minutes)"), validators=[Optional()])
    tags = StringField(
        _l("Tags"), filters=[_strip], description=_l("Separated by commas, e.g. seo, content.")
    )
    prerequisites = SelectMultipleField(
        _l("Prerequisites"),
        coerce=int,
        description=_l(
            "Modules a learner completes first. Hold Ctrl (⌘ on a Mac) to pick several."
        ),
    )
    kpis = FieldList(FormField(KpiWeightRow), _l("KPIs and weights"), min_entries=1)
    change_note = TextAreaField(
        _l("Change note"),
        filters=[_strip],
        description=_l(
            "Required when a published module's title, lesson or duration changes: "
            "the change becomes a new version."
        ),
    )


class NewModuleForm(ModuleForm):
    slug = StringField(
        _l("Slug"),
        filters=[_strip],
        description=_l(
            "Lower-case letters, digits and hyphens (e.g. lead-qualification). "
            "It is the module's address and key in files, so it cannot change later."
        ),
    )


class QuizForm(FlaskForm):
    """A quiz's settings."""

    kind = SelectField(_l("Kind"), choices=[SelectChoice(k, v) for k, v in QUIZ_KINDS.items()])
    title = StringField(_l("Title"), filters=[_strip])
    pass_mark_pct = IntegerField(_l("Pass mark (%)"), default=70, validators=[Optional()])
    max_attempts = IntegerField(
        _l("Maximum attempts"),
        validators=[Optional()],
        description=_l("Leave empty for no limit."),
    )
    shuffle = BooleanField(_l("Shuffle questions and answers"))


class ChoiceRow(Form):
    """One answer of a question."""

    choice_id = HiddenField()
    text = StringField(_l("Answer"), filters=[_strip])
    correct = BooleanField(_l("Correct"))
    feedback = StringField(_l("Feedback"), filters=[_strip])


class QuestionForm(FlaskForm):
    """A question with its answers."""

    kind = SelectField(_l("Type"), choices=[SelectChoice(k, v) for k, v in QUESTION_KINDS.items()])
    prompt = TextAreaField(_l("Question"), filters=[_strip])
    explanation = TextAreaField(
        _l("Explanation"),
        filters=[_strip],
        description=_l("Shown after the learner answers, whatever the answer."),
    )
    choices = FieldList(FormField(ChoiceRow), _l("Answers"), min_entries=1)

    @classmethod
    def of(cls, question) -> QuestionForm:
        """The form filled with a stored question and its answers (ids kept for the edit)."""
        return cls(
            data={
                "kind": question.kind,
                "prompt": question.prompt,
                "explanation": question.explanation,
                "choices": [
                    {
                        "choice_id": str(c.id),
                        "text": c.text,
                        "correct": c.is_correct,
                        "feedback": c.feedback,
                    }
                    for c in question.choices
                ],
            }
        )


class StepRow(Form):
    """One module of a path and its position."""

    position = IntegerField(_l("Position"), validators=[Optional()])
    module = SelectField(_l("Module"), validate_choice=False)


class ProgramForm(FlaskForm):
    """A learning path."""

    title = StringField(_l("Title"), filters=[_strip])
    description = TextAreaField(_l("Description"), filters=[_strip])
    steps = FieldList(FormField(StepRow), _l("Modules in the path"), min_entries=1)


class NewProgramForm(ProgramForm):
    slug = StringField(
        _l("Slug"),
        filters=[_strip],
        description=_l("Lower-case letters, digits and hyphens (e.g. growth-academy)."),
    )


def pad_rows(field_list: FieldList, filled: int) -> None:
    """Offer :data:`SPARE_ROWS` blank rows under the ``filled`` ones."""
    while len(field_list) < filled + SPARE_ROWS:
        field_list.append_entry()


def int_or_none(value) -> int | None:
    """A submitted id (``"12"``) as an int, None when blank or not a number."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
