"""An analyst authors a module in a real browser and versions it; a learner's completion
records the new version. In English and in French.

New module (live preview of its steps, a KPI weighted the page's way) -> a post-test
with a single-choice and a multiple-choice question -> published as version 1 -> the
lesson edited, refused without a change note, published as version 2 -> a new learner
reads every step and passes the post-test: the completion records version 2.
"""

from __future__ import annotations

import re

import pytest
from babel.numbers import format_percent
from playwright.sync_api import expect
from sqlalchemy import select

from lms_roi.db import session
from lms_roi.demo.people import DEMO_PASSWORD
from lms_roi.models import (
    Completion,
    Kpi,
    Learner,
    Module,
    ModuleKpi,
    ModuleVersion,
    Question,
    Quiz,
)
from lms_roi.services.people import create_person

from .support import PERSONAS

pytestmark = pytest.mark.browser

#: What the analyst writes, in the language of the run (content is data, not catalog text).
CONTENT = {
    "en": {
        "title": "Qualify a lead in five minutes",
        "summary": "Tell buyers from browsers before the first call ends.",
        "steps": [
            (
                "Spot the buying signal",
                "Note which you heard:\n\n- a budget\n- a decision maker\n- a need\n- a date",
            ),
            ("Ask the open question", "Ask *what happens if nothing changes?* and listen."),
            ("Hand the lead over", "Log the answers in the CRM before passing the lead on."),
        ],
        "added_step": (
            "Follow up within a day",
            "A lead called back within 24 hours converts best.",
        ),
        "tag": "prospecting",
        "quiz": "Lead qualification check",
        "change_note": "Added a fourth step on following up within a day.",
        "single": (
            "Which question best uncovers a need?",
            [
                (
                    "What happens if nothing changes?",
                    True,
                    "Yes: it makes the cost of doing nothing visible.",
                ),
                ("Do you have a budget?", False, "A closed question: it stops the conversation."),
                (
                    "Can I send you a brochure?",
                    False,
                    "That ends the call without learning anything.",
                ),
            ],
        ),
        "multiple": (
            "Which signals show a lead is ready to buy?",
            [
                ("A budget is set aside", True, "Right: money is there."),
                ("A decision date is planned", True, "Right: the timing is known."),
                ("They liked our last post", False, "Interest, not intent."),
                ("They asked for a free gift", False, "A freebie seeker, not a buyer."),
            ],
        ),
    },
    "fr": {
        "title": "Qualifier un prospect en cinq minutes",
        "summary": "Distinguer les acheteurs des curieux avant la fin du premier appel.",
        "steps": [
            (
                "Repérer le signal d'achat",
                "Notez ce que vous avez entendu :\n\n"
                "- un budget\n- un décideur\n- un besoin\n- une date",
            ),
            (
                "Poser la question ouverte",
                "Demandez *que se passe-t-il si rien ne change ?* et écoutez.",
            ),
            ("Transmettre le prospect", "Saisissez les réponses dans le CRM avant de transmettre."),
        ],
        "added_step": (
            "Relancer dans la journée",
            "Un prospect rappelé sous 24 heures signe plus souvent.",
        ),
        "tag": "prospection",
        "quiz": "Test de qualification",
        "change_note": "Ajout d'une quatrième étape sur la relance dans la journée.",
        "single": (
            "Quelle question révèle le mieux un besoin ?",
            [
                (
                    "Que se passe-t-il si rien ne change ?",
                    True,
                    "Oui : le coût de l'inaction devient visible.",
                ),
                ("Avez-vous un budget ?", False, "Une question fermée : elle coupe l'échange."),
                (
                    "Puis-je vous envoyer une brochure ?",
                    False,
                    "L'appel se termine sans rien apprendre.",
                ),
            ],
        ),
        "multiple": (
            "Quels signaux montrent qu'un prospect est prêt à acheter ?",
            [
                ("Un budget est réservé", True, "Exact : l'argent est là."),
                ("Une date de décision est fixée", True, "Exact : le calendrier est connu."),
                ("Il a aimé notre dernier post", False, "De l'intérêt, pas une intention."),
                (
                    "Il a demandé un cadeau gratuit",
                    False,
                    "Un chasseur de cadeaux, pas un acheteur.",
                ),
            ],
        ),
    },
}
WEIGHT = {"en": "0.5", "fr": "0,5"}


def _markdown(steps) -> str:
    return "\n\n".join(f"## {title}\n{text}" for title, text in steps)


def _learner(app, locale: str) -> str:
    """A fresh learner per language, who has taken nothing yet."""
    email = f"authoring-{locale}@learners.test"
    with app.app_context():
        if session().scalar(select(Learner).where(Learner.email == email)) is None:
            create_person(
                email=email,
                display_name=f"Authoring {locale.upper()}",
                roles=["learner"],
                password=DEMO_PASSWORD,
            )
            session().commit()
    return email


def _kpi_name(app) -> str:
    with app.app_context():
        return session().scalar(select(Kpi.name).order_by(Kpi.name).limit(1))


def test_analyst_publishes_version_2_and_a_new_completion_records_it(app, browsing, page):
    t, tn, locale = browsing.t, browsing.tn, browsing.locale
    text = CONTENT[locale]
    slug = f"e2e-authoring-{locale}"
    kpi_name = _kpi_name(app)
    edit_path = f"/roi/authoring/modules/{slug}/edit"
    browsing.allow_status(422, edit_path)  # the edit refused without a change note

    # 1. A new module, its steps previewed live, saved as a draft.
    browsing.sign_in(page, PERSONAS["analyst"])
    nav = page.get_by_role("navigation", name=t("Main"))
    nav.get_by_role("link", name=t("Authoring"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(t("Authoring"))
    browsing.check(page, "modules")
    page.get_by_role("link", name=t("New module"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("New module"))
    browsing.check(page, "new-module")

    page.get_by_label(t("Slug"), exact=True).fill(slug)
    page.get_by_label(t("Title"), exact=True).fill(text["title"])
    page.get_by_label(t("Summary (shown in the catalog)"), exact=True).fill(text["summary"])
    page.get_by_label(t("Method")).select_option(label=t("online"))
    page.get_by_label(t("Duration (minutes)"), exact=True).fill("12")
    page.get_by_label(t("Lesson (Markdown)"), exact=True).fill(_markdown(text["steps"]))
    preview = page.get_by_role("region", name=t("Preview"))
    # The script asks the server for the preview once typing pauses.
    expect(preview).to_contain_text(t("Step %(number)s of %(total)s", number=3, total=3))
    for title, _body in text["steps"]:
        expect(preview.get_by_role("heading", name=title, exact=True)).to_be_visible()
    # A list in a step reads as a plain list, the way learners see it (not as boxed cards).
    expect(preview.get_by_role("listitem")).to_have_count(4)
    expect(preview.get_by_role("listitem").first).to_have_css("border-top-style", "none")
    three_steps = tn("%(num)d lesson step detected.", "%(num)d lesson steps detected.", 3)
    expect(page.locator("#body_md-count")).to_have_text(three_steps)
    page.get_by_label(t("Tags"), exact=True).fill(text["tag"])
    page.get_by_label(t("KPI %(row)s", row=1)).select_option(label=kpi_name)
    page.get_by_label(t("Weight %(row)s", row=1), exact=True).fill(WEIGHT[locale])
    browsing.check(page, "new-module-preview")
    page.get_by_role("button", name=t("Save draft"), exact=True).click()

    expect(page).to_have_url(re.compile(re.escape(edit_path) + "$"))
    expect(page.get_by_role("status")).to_contain_text(
        t("%(title)s was saved as a draft.", title=text["title"])
    )
    expect(page.get_by_label(t("Weight %(row)s", row=1), exact=True)).to_have_value(WEIGHT[locale])
    expect(page.locator("#body_md-count")).to_have_text(three_steps)
    browsing.check(page, "module-draft")
    with app.app_context():
        module = session().scalar(select(Module).where(Module.slug == slug))
        assert (module.published, module.current_version, module.method) == (False, 1, "online")
        assert (module.duration_minutes, module.tag_names) == (12, [text["tag"]])
        weights = (
            session()
            .execute(
                select(Kpi.name, ModuleKpi.weight)
                .join(Kpi, Kpi.id == ModuleKpi.kpi_id)
                .where(ModuleKpi.module_id == module.id)
            )
            .all()
        )
        assert [tuple(row) for row in weights] == [(kpi_name, 0.5)]

    # 2. A post-test with a single-choice and a multiple-choice question.
    page.get_by_role("link", name=t("Quizzes of this module"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        t("Quizzes of %(module)s", module=text["title"])
    )
    browsing.check(page, "quizzes")
    page.get_by_label(t("Kind")).select_option(label=t("post-test"))
    page.get_by_label(t("Title"), exact=True).fill(text["quiz"])
    page.get_by_role("button", name=t("Add the quiz"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(text["quiz"])
    expect(page.get_by_role("status")).to_contain_text(
        t("The quiz %(title)s was added: now write its questions.", title=text["quiz"])
    )
    browsing.check(page, "quiz-empty")

    for kind, kind_label in (("single", t("single choice")), ("multiple", t("multiple choice"))):
        prompt, choices = text[kind]
        page.get_by_role("link", name=t("Add a question"), exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(t("New question"))
        page.get_by_label(t("Type")).select_option(label=kind_label)
        page.get_by_label(t("Question"), exact=True).fill(prompt)
        for row, (answer, correct, feedback) in enumerate(choices, start=1):
            page.get_by_label(t("Answer %(row)s", row=row), exact=True).fill(answer)
            if correct:
                page.get_by_label(t("Answer %(row)s is correct", row=row), exact=True).check()
            page.get_by_label(t("Feedback %(row)s", row=row), exact=True).fill(feedback)
        browsing.check(page, f"question-{kind}")
        page.get_by_role("button", name=t("Save the question"), exact=True).click()
        expect(page.get_by_role("status")).to_contain_text(t("The question was saved."))
        expect(page.get_by_text(prompt, exact=True)).to_be_visible()
    expect(page.get_by_text(tn("%(num)d question", "%(num)d questions", 2))).to_be_visible()
    for kind in ("single", "multiple"):
        for answer, correct, feedback in text[kind][1]:
            row = page.get_by_role("row").filter(has_text=answer)
            expect(row.get_by_role("cell").nth(1)).to_have_text(t("Yes") if correct else t("No"))
            expect(row.get_by_role("cell").nth(2)).to_have_text(feedback)
    browsing.check(page, "quiz-with-questions")
    with app.app_context():
        quiz = session().scalar(select(Quiz).where(Quiz.title == text["quiz"]))
        assert (quiz.kind, quiz.module_id) == ("post_test", module.id)
        questions = (
            session()
            .scalars(
                select(Question).where(Question.quiz_id == quiz.id).order_by(Question.position)
            )
            .all()
        )
        assert [q.kind for q in questions] == ["single", "multiple"]
        assert [[c.is_correct for c in q.choices] for q in questions] == [
            [True, False, False],
            [True, True, False, False],
        ]
        assert all(c.feedback for q in questions for c in q.choices)

    # 3. Published as version 1, then the lesson changes: version 2 with its note.
    page.get_by_role("link", name=t("Quizzes of %(module)s", module=text["title"])).click()
    page.get_by_role("link", name=text["title"]).first.click()
    expect(page).to_have_url(re.compile(re.escape(edit_path) + "$"))
    page.get_by_role("button", name=t("Publish"), exact=True).click()
    expect(page.get_by_role("status")).to_contain_text(
        t("%(title)s is published: learners see it in the catalog.", title=text["title"])
    )
    standing = page.locator("p.muted").filter(has=page.locator("code", has_text=slug))
    expect(standing).to_contain_text(t("published"))
    expect(standing).to_contain_text(t("version %(version)s", version=1))
    browsing.check(page, "module-published")

    body = page.get_by_label(t("Lesson (Markdown)"))
    body.fill(_markdown([*text["steps"], text["added_step"]]))
    preview = page.get_by_role("region", name=t("Preview"))
    expect(preview).to_contain_text(t("Step %(number)s of %(total)s", number=4, total=4))
    expect(preview.get_by_role("heading", name=text["added_step"][0])).to_be_visible()
    page.get_by_role("button", name=t("Publish changes"), exact=True).click()
    # Refused: a change to a published lesson needs a change note.
    expect(page.get_by_role("alert")).to_contain_text(t("Nothing was saved. Correct these fields:"))
    expect(page.get_by_label(t("Change note"))).to_have_attribute("aria-invalid", "true")
    browsing.check(page, "change-note-required")
    page.get_by_label(t("Change note")).fill(text["change_note"])
    page.get_by_role("button", name=t("Publish changes"), exact=True).click()
    expect(page.get_by_role("status")).to_contain_text(
        t("%(title)s: version %(version)s was created.", title=text["title"], version=2)
    )
    expect(standing).to_contain_text(t("version %(version)s", version=2))
    versions = page.get_by_role("region", name=t("Versions"))
    expect(versions.get_by_role("cell", name=text["change_note"])).to_be_visible()
    expect(versions.locator("tbody tr")).to_have_count(2)
    browsing.check(page, "module-version-2")
    with app.app_context():
        module = session().scalar(select(Module).where(Module.slug == slug))
        assert module.current_version == 2 and module.published
        rows = (
            session()
            .scalars(
                select(ModuleVersion)
                .where(ModuleVersion.module_id == module.id)
                .order_by(ModuleVersion.version)
            )
            .all()
        )
        assert [row.version for row in rows] == [1, 2]
        assert rows[1].change_note == text["change_note"]
        assert text["added_step"][0] in rows[1].body_md
        assert text["added_step"][0] not in rows[0].body_md

    # 4. A new learner reads every step of version 2 and passes the post-test.
    email = _learner(app, locale)
    learner_page = browsing.new_page()
    browsing.sign_in(learner_page, email)
    learner_nav = learner_page.get_by_role("navigation", name=t("Main"))
    learner_nav.get_by_role("link", name=t("Modules"), exact=True).click()
    learner_page.get_by_role("link", name=text["title"], exact=True).click()
    expect(learner_page.get_by_role("heading", level=1)).to_have_text(text["title"])
    expect(learner_page.get_by_text(t("version %(version)s", version=2))).to_be_visible()
    browsing.check(learner_page, "learner-module")
    learner_page.get_by_role("link", name=t("Start the lesson")).click()
    n_steps = len(text["steps"]) + 1
    for number in range(1, n_steps + 1):
        step = t("Step %(number)s of %(total)s", number=number, total=n_steps)
        expect(learner_page.get_by_text(step)).to_be_visible()
        if number == n_steps:
            heading = learner_page.get_by_role("heading", name=text["added_step"][0])
            expect(heading).to_be_visible()
            browsing.check(learner_page, "learner-step-4")
        button = t("Next step") if number < n_steps else t("Finish the lesson")
        learner_page.get_by_role("button", name=button).click()
    expect(learner_page.get_by_role("heading", level=1)).to_have_text(text["quiz"])
    browsing.check(learner_page, "learner-post-test-intro")
    learner_page.get_by_role("button", name=t("Start the quiz")).click()
    for kind in ("single", "multiple"):
        prompt, choices = text[kind]
        group = learner_page.get_by_role("group", name=re.compile(re.escape(prompt) + "$"))
        for answer, correct, _feedback in choices:
            if correct:
                group.get_by_label(answer, exact=True).check()
    browsing.check(learner_page, "learner-post-test")
    learner_page.get_by_role("button", name=t("Submit my answers")).click()
    passed = t(
        "Passed with %(score)s (pass mark %(mark)s).",
        score=format_percent(1, locale=locale),
        mark=format_percent(0.7, locale=locale),
    )
    expect(learner_page.get_by_role("status").first).to_contain_text(passed)
    # The feedback of each pick is shown once graded.
    for kind in ("single", "multiple"):
        for _answer, correct, feedback in text[kind][1]:
            if correct:
                expect(learner_page.get_by_text(feedback, exact=True)).to_be_visible()
    browsing.check(learner_page, "learner-post-test-result")

    with app.app_context():
        learner = session().scalar(select(Learner).where(Learner.email == email))
        module = session().scalar(select(Module).where(Module.slug == slug))
        completions = (
            session()
            .scalars(
                select(Completion).where(
                    Completion.learner_id == learner.id, Completion.module_id == module.id
                )
            )
            .all()
        )
        assert [(c.version, c.source, c.score) for c in completions] == [(2, "web", 100)]
