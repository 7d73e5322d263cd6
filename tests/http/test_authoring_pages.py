"""Authoring pages: an analyst writes, publishes and versions a module with a quiz."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from conftest import login
from factories import make_kpi, make_module, make_person
from lms_roi.db import session
from lms_roi.models import (
    Module,
    ModuleKpi,
    ModuleVersion,
    Program,
    ProgramModule,
    Question,
    Quiz,
)
from lms_roi.services.learning import record_completion

BODY = (
    "## Spot the signal\nBudget, authority, need, timing.\n\n"
    "## Ask open questions\nWhat happens if nothing changes?\n\n"
    "## Hand over\nLog the answers before passing the lead."
)


def module_form(**changes) -> dict:
    values = {
        "title": "Lead qualification",
        "summary": "Tell buyers from browsers.",
        "body_md": BODY,
        "method": "micro_learning",
        "duration_minutes": "15",
        "tags": "Sales, prospecting",
        "change_note": "",
        "action": "draft",
    }
    return {**values, **changes}


@pytest.fixture
def analyst(app, db, client):
    with app.app_context():
        make_person("mia@example.com", roles=("analyst",))
        db.session.commit()
    login(client, "mia@example.com")
    return client


def page(response) -> str:
    return response.get_data(as_text=True)


def test_an_analyst_authors_publishes_and_versions_a_module(app, db, analyst):
    with app.app_context():
        kpi_id = make_kpi("qualified_leads").id
        db.session.commit()
    response = analyst.post(
        "/roi/authoring/modules/new",
        data=module_form(
            slug="lead-qualification", **{"kpis-0-kpi": kpi_id, "kpis-0-weight": "0.5"}
        ),
    )
    assert response.status_code == 303
    assert response.headers["Location"] == "/roi/authoring/modules/lead-qualification/edit"
    edit = page(analyst.get(response.headers["Location"]))
    assert "Lead qualification was saved as a draft." in edit
    assert "3 lesson steps detected." in edit
    assert edit.count("Step 1 of 3") == 1 and "<h2>Hand over</h2>" in edit
    assert "This draft is corrected in place (version 1)" in edit

    # A post-test with two questions.
    response = analyst.post(
        "/roi/authoring/modules/lead-qualification/quizzes",
        data={"kind": "post_test", "title": "Qualification check", "pass_mark_pct": "80"},
    )
    assert response.headers["Location"] == "/roi/authoring/quizzes/lead-qualification-post-test"
    questions = [
        {
            "kind": "single",
            "prompt": "Which lead is sales-ready?",
            "choices-0-text": "Budget and a deadline",
            "choices-0-correct": "y",
            "choices-0-feedback": "Yes: need and timing.",
            "choices-1-text": "Downloaded a white paper",
            "choices-1-feedback": "Interest, not intent.",
        },
        {
            "kind": "true_false",
            "prompt": "Open questions qualify faster.",
            "choices-0-text": "True",
            "choices-0-correct": "y",
            "choices-1-text": "False",
        },
    ]
    for data in questions:
        response = analyst.post(
            "/roi/authoring/quizzes/lead-qualification-post-test/questions/new", data=data
        )
        assert response.status_code == 303
    quiz_page = page(analyst.get("/roi/authoring/quizzes/lead-qualification-post-test"))
    assert "2 questions" in quiz_page and "Interest, not intent." in quiz_page

    # Publish, then change the lesson: version 2 with its note.
    analyst.post(
        "/roi/authoring/modules/lead-qualification/edit",
        data=module_form(action="publish", **{"kpis-0-kpi": kpi_id, "kpis-0-weight": "0.5"}),
    )
    new_body = BODY + "\n\n## Follow up\nBook the next call."
    refused = analyst.post(
        "/roi/authoring/modules/lead-qualification/edit",
        data=module_form(body_md=new_body, action="publish"),
    )
    assert refused.status_code == 422
    assert "Describe the change" in page(refused) and "4 lesson steps detected." in page(refused)
    response = analyst.post(
        "/roi/authoring/modules/lead-qualification/edit",
        data=module_form(
            body_md=new_body,
            action="publish",
            change_note="Added a follow-up step.",
            **{"kpis-0-kpi": kpi_id, "kpis-0-weight": "0.5"},
        ),
    )
    assert response.status_code == 303
    assert "Lead qualification: version 2 was created." in page(
        analyst.get(response.headers["Location"])
    )
    with app.app_context():
        module = session().scalar(select(Module).where(Module.slug == "lead-qualification"))
        assert (module.published, module.current_version) == (True, 2)
        assert module.tag_names == ["prospecting", "sales"]
        rows = session().execute(
            select(ModuleVersion.version, ModuleVersion.change_note, ModuleVersion.body_md)
            .where(ModuleVersion.module_id == module.id)
            .order_by(ModuleVersion.version)
        )
        assert rows.all() == [(1, "", BODY), (2, "Added a follow-up step.", new_body)]
        quiz = session().scalar(select(Quiz).where(Quiz.module_id == module.id))
        assert (quiz.kind, quiz.pass_mark_pct) == ("post_test", 80)
        stored = [(q.kind, [(c.text, c.is_correct) for c in q.choices]) for q in quiz.questions]
        assert stored == [
            ("single", [("Budget and a deadline", True), ("Downloaded a white paper", False)]),
            ("true_false", [("True", True), ("False", False)]),
        ]
        link = session().scalar(select(ModuleKpi).where(ModuleKpi.module_id == module.id))
        assert link.weight == 0.5
        # A completion from now on records the version learners take: 2.
        learner = make_person("ana@example.com")
        assert record_completion(learner, module).completion.version == 2


def test_unpublishing_hides_the_module_from_the_catalog(app, db, analyst):
    with app.app_context():
        make_module("seo-basics")
        make_person("ana@example.com")
        db.session.commit()
    edit = page(analyst.get("/roi/authoring/modules/seo-basics/edit"))
    assert "Unpublish (hide from the catalog)" in edit and "Publish changes" in edit
    response = analyst.post("/roi/authoring/modules/seo-basics/unpublish")
    assert response.headers["Location"] == "/roi/authoring/modules/seo-basics/edit"
    edit = page(analyst.get(response.headers["Location"]))
    assert "Seo Basics is unpublished: learners no longer see it in the catalog." in edit
    assert "Save draft" in edit and "Unpublish (hide" not in edit
    with app.app_context():
        assert session().scalar(select(Module.published)) is False
    learner = app.test_client()
    login(learner, "ana@example.com")
    assert "Seo Basics" not in page(learner.get("/roi/modules"))


def test_a_weight_typed_the_french_way_is_read(app, db, analyst):
    with app.app_context():
        kpi_id = make_kpi("qualified_leads").id
        db.session.commit()
    analyst.post("/roi/language", data={"locale": "fr"})
    response = analyst.post(
        "/roi/authoring/modules/new",
        data=module_form(
            slug="lead-qualification", **{"kpis-0-kpi": kpi_id, "kpis-0-weight": "0,5"}
        ),
    )
    assert response.status_code == 303
    with app.app_context():
        assert session().scalar(select(ModuleKpi.weight)) == 0.5


def test_errors_name_their_field_and_write_nothing(app, db, analyst):
    with app.app_context():
        kpi_id = make_kpi("qualified_leads").id
        db.session.commit()
    response = analyst.post(
        "/roi/authoring/modules/new",
        data=module_form(
            slug="Lead Qualification",
            title="",
            duration_minutes="0",
            **{"kpis-0-kpi": kpi_id, "kpis-0-weight": "2"},
        ),
    )
    assert response.status_code == 422
    body = page(response)
    assert '<a href="#slug">Slug</a>: Use lower-case letters' in body
    assert '<a href="#title">Title</a>: Enter a title.' in body
    assert '<a href="#duration_minutes">Duration (minutes)</a>: Enter a duration above 0' in body
    assert '<a href="#kpis">KPIs and weights</a>: The weight of Qualified Leads must be' in body
    assert 'aria-invalid="true"' in body
    with app.app_context():
        assert session().scalar(select(Module.id)) is None


def test_a_learner_may_not_author(app, db, client):
    with app.app_context():
        make_person("ana@example.com")
        make_module("seo-basics")
        db.session.commit()
    login(client, "ana@example.com")
    for url in (
        "/roi/authoring/",
        "/roi/authoring/paths",
        "/roi/authoring/modules/seo-basics/edit",
    ):
        response = client.get(url)
        assert response.status_code == 403 and "Not allowed" in page(response)
    preview = client.post("/roi/authoring/preview", json={"markdown": "## Hi"})
    assert preview.status_code == 403
    assert "Authoring" not in page(client.get("/roi/modules"))


def test_the_module_list_shows_status_version_and_method(app, db, analyst):
    with app.app_context():
        make_module("seo-basics", method="online")
        make_module("draft-ideas", published=False)
        db.session.commit()
    body = page(analyst.get("/roi/authoring/"))
    assert 'href="/roi/authoring/modules/new"' in body
    assert re.search(r"Draft Ideas</a>.*?<td>draft</td>", body, re.S)
    assert re.search(r"Seo Basics</a>.*?<td>published</td>\s*<td class=\"num\">1</td>", body, re.S)
    assert ">online<" in body
    assert 'href="/roi/authoring/"' in page(analyst.get("/roi/data/kpis"))  # header link


def test_the_preview_returns_inert_html(app, db, analyst):
    markdown = (
        "Intro\n\n## Try it\n<script>alert(1)</script>\n\n"
        '<img src="x" onerror="alert(2)">\n\n[click](javascript:alert(3))\n\n## Done\n**Well done**'
    )
    response = analyst.post("/roi/authoring/preview", json={"markdown": markdown})
    assert response.status_code == 200
    data = response.get_json()
    assert data["steps"] == 3 and data["summary"] == "3 lesson steps detected."
    html = data["html"]
    assert "<script" not in html and "<img" not in html and "href" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<h2>Try it</h2>" in html and "<strong>Well done</strong>" in html
    assert "Step 3 of 3" in html
    form = analyst.post("/roi/authoring/preview", data={"markdown": ""}).get_json()
    assert (form["steps"], form["summary"]) == (0, "0 lesson steps detected.")


def test_the_preview_needs_the_csrf_token_when_protection_is_on(app, db, analyst):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        edit = page(analyst.get("/roi/authoring/modules/new"))
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', edit).group(1)
        assert 'data-preview-url="/roi/authoring/preview"' in edit
        assert '<script src="/roi/static/authoring.js" defer></script>' in edit
        refused = analyst.post("/roi/authoring/preview", json={"markdown": "## Hi"})
        assert refused.status_code == 400 and refused.get_json()["code"] == "csrf_invalid"
        accepted = analyst.post(
            "/roi/authoring/preview", json={"markdown": "## Hi"}, headers={"X-CSRFToken": token}
        )
        assert accepted.status_code == 200 and "<h2>Hi</h2>" in accepted.get_json()["html"]
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_the_preview_button_renders_without_javascript_and_saves_nothing(app, db, analyst):
    response = analyst.post(
        "/roi/authoring/modules/new",
        data=module_form(
            slug="lead-qualification", body_md="## One\nA\n\n## Two\nB", action="preview"
        ),
    )
    body = page(response)
    assert response.status_code == 200 and "2 lesson steps detected." in body
    assert "<h2>Two</h2>" in body and 'aria-live="polite"' in body
    with app.app_context():
        assert session().scalar(select(Module.id)) is None


def test_a_prerequisite_cycle_is_refused_on_the_page(app, db, analyst):
    for slug, title in (("basics", "Basics"), ("scoring", "Scoring")):
        analyst.post("/roi/authoring/modules/new", data=module_form(slug=slug, title=title))
    with app.app_context():
        ids = dict(session().execute(select(Module.slug, Module.id)).all())
    analyst.post(
        "/roi/authoring/modules/scoring/edit",
        data=module_form(title="Scoring", prerequisites=[ids["basics"]]),
    )
    response = analyst.post(
        "/roi/authoring/modules/basics/edit",
        data=module_form(title="Basics", prerequisites=[ids["scoring"]]),
    )
    assert response.status_code == 422
    assert "Scoring cannot be a prerequisite of this module" in page(response)
    assert "Scoring → Basics" in page(response)


def test_question_rules_and_one_quiz_per_kind_on_the_pages(app, db, analyst):
    with app.app_context():
        make_module("seo-basics")
        db.session.commit()
    data = {"kind": "practice", "title": "Warm-up", "pass_mark_pct": "70"}
    analyst.post("/roi/authoring/modules/seo-basics/quizzes", data=data)
    again = analyst.post("/roi/authoring/modules/seo-basics/quizzes", data=data)
    assert again.status_code == 422
    assert "already has a quiz of this kind (Warm-up)" in page(again)
    wrong = analyst.post(
        "/roi/authoring/quizzes/seo-basics-practice/questions/new",
        data={
            "kind": "single",
            "prompt": "Which tag matters most?",
            "choices-0-text": "title",
            "choices-0-correct": "y",
            "choices-1-text": "meta keywords",
            "choices-1-correct": "y",
        },
    )
    assert wrong.status_code == 422
    assert '<a href="#choices">Answers</a>: Mark exactly one answer as correct.' in page(wrong)
    with app.app_context():
        assert session().scalar(select(Question.id)) is None


def test_an_analyst_builds_and_reorders_a_path(app, db, analyst):
    with app.app_context():
        ids = [make_module(slug).id for slug in ("seo-basics", "lead-scoring", "crm-hygiene")]
        db.session.commit()
    response = analyst.post(
        "/roi/authoring/paths/new",
        data={
            "slug": "growth-academy",
            "title": "Growth academy",
            "steps-0-position": "2",
            "steps-0-module": str(ids[0]),
            "steps-1-position": "1",
            "steps-1-module": str(ids[1]),
            "steps-2-position": "",
            "steps-2-module": "",
        },
    )
    assert response.headers["Location"] == "/roi/authoring/paths/growth-academy/edit"
    edit = page(analyst.get(response.headers["Location"]))
    assert "The path Growth academy was created." in edit
    analyst.post(
        "/roi/authoring/paths/growth-academy/edit",
        data={
            "title": "Growth academy",
            "steps-0-position": "3",
            "steps-0-module": str(ids[1]),
            "steps-1-position": "1",
            "steps-1-module": str(ids[2]),
            "steps-2-position": "2",
            "steps-2-module": str(ids[0]),
        },
    )
    with app.app_context():
        program_id = session().scalar(select(Program.id).where(Program.slug == "growth-academy"))
        stored = session().execute(
            select(ProgramModule.position, ProgramModule.module_id)
            .where(ProgramModule.program_id == program_id)
            .order_by(ProgramModule.position)
        )
        assert stored.all() == [(1, ids[2]), (2, ids[0]), (3, ids[1])]
    assert "Growth Academy" not in page(analyst.get("/roi/authoring/paths"))
    assert "Growth academy" in page(analyst.get("/roi/authoring/paths"))
