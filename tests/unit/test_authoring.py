"""Authoring services: versioning rules, prerequisite cycles, question and path checks."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from factories import make_kpi, make_module, make_person
from lms_roi.db import session
from lms_roi.models import (
    Choice,
    Module,
    ModuleKpi,
    ModulePrerequisite,
    ModuleVersion,
    ProgramModule,
)
from lms_roi.services import authoring, path_authoring, quiz_authoring
from lms_roi.services.authoring import AuthoringInvalid, ModuleDraft
from lms_roi.services.quiz_authoring import ChoiceDraft, QuestionDraft, QuizDraft

T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)
T1 = datetime(2026, 3, 9, 9, tzinfo=UTC)
T2 = datetime(2026, 4, 1, 9, tzinfo=UTC)
BODY = "Why it matters.\n\n## Spot the signal\nBudget.\n\n## Ask\nOpen questions."


def draft(**changes) -> ModuleDraft:
    values = {
        "title": "Lead qualification",
        "body_md": BODY,
        "summary": "Tell buyers from browsers.",
        "method": "micro_learning",
        "duration_minutes": 15,
        "tags": ["sales"],
    }
    return ModuleDraft(**{**values, **changes})


def refused(call, *args, **kwargs) -> AuthoringInvalid:
    with pytest.raises(AuthoringInvalid) as caught:
        call(*args, **kwargs)
    return caught.value


def versions(module: Module) -> list[tuple[int, str, str]]:
    rows = session().scalars(
        select(ModuleVersion).where(ModuleVersion.module_id == module.id).order_by("version")
    )
    return [(row.version, row.title, row.change_note) for row in rows]


# -- versioning ---------------------------------------------------------------------------


def test_a_new_module_is_a_draft_with_version_1(ctx):
    saved = authoring.create_module("lead-qualification", draft(), now=T0)
    module = saved.module
    assert (module.published, module.current_version) == (False, 1)
    assert versions(module) == [(1, "Lead qualification", "")]
    assert module.versions[0].published_at == T0
    assert module.tag_names == ["sales"]


def test_a_draft_is_edited_in_place(ctx):
    module = authoring.create_module("lead-qualification", draft(), now=T0).module
    saved = authoring.update_module(
        module, draft(title="Qualifying leads", body_md=BODY + "\n\nMore.", duration_minutes=20)
    )
    assert saved.new_version is None
    assert module.current_version == 1
    assert versions(module) == [(1, "Qualifying leads", "")]
    assert module.versions[0].body_md == BODY + "\n\nMore."
    assert module.versions[0].duration_minutes == 20


def test_publishing_a_draft_stamps_version_1(ctx):
    module = authoring.create_module("lead-qualification", draft(), now=T0).module
    saved = authoring.update_module(module, draft(), publish=True, now=T1)
    assert saved.published_now and saved.changed == () and saved.new_version is None
    assert module.published is True and module.current_version == 1
    assert module.versions[0].published_at == T1


def test_a_content_change_to_a_published_module_is_version_2(ctx):
    module = authoring.create_module("lead-qualification", draft(), publish=True, now=T0).module
    new_body = BODY + "\n\n## Close\nAgree on a next step."
    saved = authoring.update_module(
        module, draft(body_md=new_body, change_note="Added a closing step."), now=T2
    )
    assert saved.new_version == 2 and saved.changed == ("body_md",)
    assert (module.current_version, module.body_md) == (2, new_body)
    assert versions(module) == [
        (1, "Lead qualification", ""),
        (2, "Lead qualification", "Added a closing step."),
    ]
    first, second = module.versions
    assert first.body_md == BODY and first.published_at == T0  # version 1 keeps what it was
    assert second.body_md == new_body and second.published_at == T2
    assert second.duration_minutes == 15


@pytest.mark.parametrize(
    "change", [{"title": "Qualifying leads"}, {"duration_minutes": 25}, {"body_md": "New."}]
)
def test_a_versioning_change_needs_a_note(ctx, change):
    module = authoring.create_module("lead-qualification", draft(), publish=True, now=T0).module
    error = refused(authoring.update_module, module, draft(**change, change_note="  "))
    assert (error.field, error.code) == ("change_note", "change_note_required")
    assert "version 2" in error.message
    assert module.current_version == 1 and module.title == "Lead qualification"
    assert module.body_md == BODY and module.duration_minutes == 15
    assert len(versions(module)) == 1


def test_descriptive_changes_create_no_version(ctx):
    kpi = make_kpi("qualified_leads")
    other = make_module("crm-hygiene")
    module = authoring.create_module("lead-qualification", draft(), publish=True, now=T0).module
    saved = authoring.update_module(
        module,
        draft(
            tags=["prospecting", "sales"],
            summary="New summary.",
            method="online",
            kpi_weights=[(kpi.id, 0.5)],
            prerequisite_ids=[other.id],
        ),
    )
    assert saved.new_version is None
    assert set(saved.changed) == {"tags", "summary", "method", "kpis", "prerequisites"}
    assert module.current_version == 1 and len(versions(module)) == 1
    assert module.tag_names == ["prospecting", "sales"]
    link = session().scalar(select(ModuleKpi).where(ModuleKpi.module_id == module.id))
    assert (link.kpi_id, link.weight) == (kpi.id, 0.5)


def test_line_ends_and_blank_edges_are_not_a_change(ctx):
    module = authoring.create_module("lead-qualification", draft(), publish=True, now=T0).module
    saved = authoring.update_module(module, draft(body_md="\r\n" + BODY.replace("\n", "\r\n")))
    assert saved.changed == () and saved.new_version is None


def test_a_module_someone_completed_is_versioned_even_when_unpublished(ctx):
    from factories import make_completion

    module = authoring.create_module("lead-qualification", draft(), now=T0).module
    make_completion(make_person("ana@example.com"), module)
    assert authoring.versions_frozen(module)
    error = refused(authoring.update_module, module, draft(title="Renamed"))
    assert error.field == "change_note"


def test_unpublish_hides_the_module_and_keeps_its_versions(ctx):
    module = authoring.create_module("lead-qualification", draft(), publish=True, now=T0).module
    assert authoring.unpublish_module(module) is True
    assert module.published is False and len(versions(module)) == 1
    assert authoring.unpublish_module(module) is False


def test_a_new_completion_records_the_published_version(ctx):
    learning = pytest.importorskip("lms_roi.services.learning")
    module = authoring.create_module("lead-qualification", draft(), publish=True, now=T0).module
    authoring.update_module(module, draft(body_md="Rewritten.", change_note="Rewritten."), now=T2)
    result = learning.record_completion(make_person("ana@example.com"), module)
    assert result.completion.version == 2


# -- checks of a module --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("slug", "code"),
    [
        ("", "slug_required"),
        ("Lead Qualification", "slug_invalid"),
        ("lead--qualification", "slug_invalid"),
        ("-lead", "slug_invalid"),
        ("seo-basics", "slug_taken"),
    ],
)
def test_slugs_are_checked(ctx, slug, code):
    make_module("seo-basics")
    error = refused(authoring.create_module, slug, draft())
    assert (error.field, error.code) == ("slug", code)


def test_every_problem_is_reported_by_field_and_nothing_is_written(ctx):
    kpi = make_kpi("qualified_leads")
    error = refused(
        authoring.create_module,
        "lead-qualification",
        draft(title=" ", duration_minutes=0, method="webinar", kpi_weights=[(kpi.id, 1.5)]),
    )
    assert [(field, code) for field, code, _message in error.problems] == [
        ("title", "title_required"),
        ("method", "method_invalid"),
        ("duration_minutes", "duration_invalid"),
        ("kpis", "weight_invalid"),
    ]
    assert session().scalar(select(func.count(Module.id))) == 0


def test_kpi_rows_are_checked(ctx):
    kpi = make_kpi("qualified_leads")
    twice = refused(authoring.create_module, "a", draft(kpi_weights=[(kpi.id, 0.5), (kpi.id, 0.2)]))
    assert (twice.code, twice.message) == (
        "kpi_twice",
        "Qualified Leads is listed twice: keep one row.",
    )
    assert refused(authoring.create_module, "a", draft(kpi_weights=[(None, 0.5)])).code == (
        "kpi_missing"
    )
    zero = refused(authoring.create_module, "a", draft(kpi_weights=[(kpi.id, 0)]))
    assert zero.code == "weight_invalid"
    saved = authoring.create_module("a", draft(kpi_weights=[(kpi.id, None)]))
    link = session().scalar(select(ModuleKpi).where(ModuleKpi.module_id == saved.module.id))
    assert link.weight == 1.0  # an empty weight means 1


def test_tags_are_parsed_from_commas():
    assert authoring.parse_tags(" SEO, content,seo,, ") == ["content", "seo"]


def test_a_prerequisite_cycle_is_refused_with_its_chain(ctx):
    basics = authoring.create_module("basics", draft(title="Basics")).module
    scoring = authoring.create_module(
        "scoring", draft(title="Scoring", prerequisite_ids=[basics.id])
    ).module
    closing = authoring.create_module(
        "closing", draft(title="Closing", prerequisite_ids=[scoring.id])
    ).module
    # Closing requires Scoring requires Basics: Basics cannot require Closing.
    assert authoring.prerequisite_cycle(basics.id, [closing.id]) == [
        closing.id,
        scoring.id,
        basics.id,
    ]
    error = refused(authoring.update_module, basics, draft(prerequisite_ids=[closing.id]))
    assert (error.field, error.code) == ("prerequisites", "prerequisite_cycle")
    assert "Closing → Scoring → Basics" in error.message
    self_error = refused(authoring.update_module, basics, draft(prerequisite_ids=[basics.id]))
    assert self_error.code == "prerequisite_self"
    stored = session().scalars(
        select(ModulePrerequisite.required_module_id).where(
            ModulePrerequisite.module_id == basics.id
        )
    )
    assert list(stored) == []
    # A link that closes no loop is fine.
    assert authoring.prerequisite_cycle(closing.id, [basics.id]) == []


def test_the_preview_renders_steps_sanitised(ctx):
    steps = authoring.preview_steps(
        "Intro\n\n## One\n<script>alert(1)</script>\n\n## Two\n[x](javascript:alert(1))"
    )
    assert [step.title for step in steps] == ["", "One", "Two"]
    html = "".join(str(step.html) for step in steps)
    # The script and the link come back as text, never as a tag or a link.
    assert "<script" not in html and "href" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<h2>One</h2>" in html


# -- quizzes and questions ------------------------------------------------------------------


def question(kind="single", *answers, prompt="Which lead is qualified?") -> QuestionDraft:
    return QuestionDraft(kind=kind, prompt=prompt, choices=list(answers))


RIGHT, WRONG = ChoiceDraft("Budget and need", True), ChoiceDraft("Opened an email", False)


@pytest.mark.parametrize(
    ("draft_question", "code"),
    [
        (question("single", RIGHT), "too_few_choices"),
        (question("single", RIGHT, ChoiceDraft("Also right", True)), "one_correct"),
        (question("single", WRONG, ChoiceDraft("Also wrong")), "one_correct"),
        (question("multiple", WRONG, ChoiceDraft("Also wrong")), "some_correct"),
        (question("true_false", RIGHT, WRONG, ChoiceDraft("Maybe")), "true_false_two"),
        (
            question("true_false", ChoiceDraft("True", True), ChoiceDraft("False", True)),
            "one_correct",
        ),
        (question("single", RIGHT, ChoiceDraft("", True), WRONG), "choice_text_missing"),
    ],
)
def test_questions_are_checked(draft_question, code):
    problems = quiz_authoring.check_question(draft_question)
    assert [(field, found) for field, found, _message in problems] == [("choices", code)]


def test_valid_questions_pass():
    assert quiz_authoring.check_question(question("single", RIGHT, WRONG)) == []
    two_right = question("multiple", RIGHT, ChoiceDraft("Has a deadline", True), WRONG)
    assert quiz_authoring.check_question(two_right) == []
    true_false = question("true_false", ChoiceDraft("True", True), ChoiceDraft("False"))
    assert quiz_authoring.check_question(true_false) == []
    # Blank rows are ignored.
    assert quiz_authoring.check_question(question("single", RIGHT, ChoiceDraft(""), WRONG)) == []
    assert [
        c
        for _f, c, _m in quiz_authoring.check_question(question("single", RIGHT, WRONG, prompt=" "))
    ] == ["prompt_required"]


def test_a_module_has_one_quiz_of_each_kind(ctx):
    module = make_module("seo-basics")
    first = quiz_authoring.create_quiz(module, QuizDraft("post_test", "SEO check"))
    assert first.slug == "seo-basics-post-test" and first.pass_mark_pct == 70
    error = refused(quiz_authoring.create_quiz, module, QuizDraft("post_test", "Again"))
    assert (error.field, error.code) == ("kind", "quiz_kind_taken")
    practice = quiz_authoring.create_quiz(module, QuizDraft("practice", "Warm-up"))
    moved = refused(quiz_authoring.update_quiz, practice, QuizDraft("post_test", "Warm-up"))
    assert moved.code == "quiz_kind_taken"
    bad = refused(
        quiz_authoring.create_quiz,
        module,
        QuizDraft("pre_test", "", pass_mark_pct=120, max_attempts=0),
    )
    assert [field for field, _c, _m in bad.problems] == ["title", "pass_mark_pct", "max_attempts"]


def test_editing_a_question_keeps_the_ids_of_its_answers(ctx):
    quiz = quiz_authoring.create_quiz(make_module("seo-basics"), QuizDraft("practice", "Quiz"))
    saved = quiz_authoring.save_question(
        quiz, question("single", RIGHT, WRONG, ChoiceDraft("Visited the site"))
    )
    right, wrong, visited = saved.choices
    edited = QuestionDraft(
        kind="single",
        prompt="Which lead is sales-ready?",
        choices=[
            ChoiceDraft("Budget, need and timing", True, "Yes.", choice_id=right.id),
            ChoiceDraft("Asked for a demo", False, choice_id=None),
            ChoiceDraft("", choice_id=wrong.id),  # cleared: removed
            ChoiceDraft("Visited the site", False, choice_id=visited.id),
        ],
    )
    quiz_authoring.save_question(quiz, edited, saved)
    rows = [(c.id, c.position, c.text, c.is_correct, c.feedback) for c in saved.choices]
    assert rows[0] == (right.id, 1, "Budget, need and timing", True, "Yes.")
    assert rows[1] == (visited.id, 3, "Visited the site", False, "")
    assert rows[2][1:] == (4, "Asked for a demo", False, "")
    assert session().get(Choice, wrong.id) is None
    second = quiz_authoring.save_question(quiz, question("single", RIGHT, WRONG))
    assert (saved.position, second.position) == (1, 2)


def test_an_answer_picked_in_past_attempts_cannot_be_removed(ctx):
    from lms_roi.models import Attempt, AttemptAnswer

    quiz = quiz_authoring.create_quiz(make_module("seo-basics"), QuizDraft("practice", "Quiz"))
    saved = quiz_authoring.save_question(quiz, question("single", RIGHT, WRONG))
    right, wrong = saved.choices
    learner = make_person("ana@example.com")
    attempt = Attempt(quiz_id=quiz.id, learner_id=learner.id, attempt_no=1)
    attempt.answers.append(AttemptAnswer(question_id=saved.id, selected_choice_ids=[wrong.id]))
    session().add(attempt)
    session().flush()
    cleared = QuestionDraft(
        kind="single",
        prompt="Changed prompt",
        choices=[
            ChoiceDraft(RIGHT.text, True, choice_id=right.id),
            ChoiceDraft("", choice_id=wrong.id),
            ChoiceDraft("Another wrong one"),
        ],
    )
    error = refused(quiz_authoring.save_question, quiz, cleared, saved)
    assert (error.field, error.code) == ("choices", "choice_answered")
    assert saved.prompt != "Changed prompt" and len(saved.choices) == 2


# -- paths -------------------------------------------------------------------------------


def test_path_rows_are_ordered_by_position():
    rows = [(2, 10), (None, 30), (1, 20), (2, 40), (5, None)]
    assert path_authoring.order_steps(rows) == [20, 10, 40, 30]


def test_a_path_stores_positions_1_to_n_and_reorders(ctx):
    a, b, c = (make_module(slug) for slug in ("a", "b", "c"))
    program = path_authoring.create_program(
        "growth-academy", path_authoring.ProgramDraft("Growth academy", module_ids=[b.id, a.id])
    )
    assert [(s.position, s.module_id) for s in program.steps] == [(1, b.id), (2, a.id)]
    changed = path_authoring.update_program(
        program, path_authoring.ProgramDraft("Growth academy", module_ids=[a.id, c.id, b.id])
    )
    assert changed
    stored = session().execute(
        select(ProgramModule.position, ProgramModule.module_id)
        .where(ProgramModule.program_id == program.id)
        .order_by(ProgramModule.position)
    )
    assert stored.all() == [(1, a.id), (2, c.id), (3, b.id)]
    twice = refused(
        path_authoring.update_program,
        program,
        path_authoring.ProgramDraft("Growth academy", module_ids=[a.id, a.id]),
    )
    assert (twice.field, twice.code) == ("steps", "module_twice")
    assert not path_authoring.update_program(
        program, path_authoring.ProgramDraft("Growth academy", module_ids=[a.id, c.id, b.id])
    )
