"""Quiz builders for tests; call inside an app context, then commit if a request needs it."""

from __future__ import annotations

from lms_roi.db import session
from lms_roi.models import Choice, Module, Question, Quiz

#: A ready-made question per kind: (kind, prompt, explanation, [(text, correct, feedback)]).
SEO_QUESTIONS = [
    (
        "single",
        "What does a title tag describe?",
        "Search engines show the title tag as the result's headline.",
        [
            ("The page's topic", True, "FB-title-right"),
            ("The site's colours", False, "FB-title-colours"),
            ("The server's location", False, "FB-title-server"),
        ],
    ),
    (
        "true_false",
        "Backlinks from unrelated sites help ranking.",
        "Relevance of the linking site matters more than the number of links.",
        [("True", False, "FB-backlinks-true"), ("False", True, "FB-backlinks-false")],
    ),
    (
        "multiple",
        "Which are on-page factors?",
        "On-page factors are what you control on the page itself.",
        [
            ("Headings", True, "FB-multi-headings"),
            ("Meta description", True, "FB-multi-meta"),
            ("Image alt text", True, "FB-multi-alt"),
            ("Competitor's budget", False, "FB-multi-budget"),
            ("Domain age", False, "FB-multi-age"),
        ],
    ),
]


def make_question(quiz: Quiz, kind: str, prompt: str, choices, explanation: str = "") -> Question:
    """A question at the end of ``quiz``; ``choices`` are (text, correct, feedback) tuples."""
    question = Question(
        kind=kind,
        prompt=prompt,
        explanation=explanation,
        position=len(quiz.questions) + 1,
        choices=[
            Choice(position=i, text=text, is_correct=correct, feedback=feedback)
            for i, (text, correct, feedback) in enumerate(choices, start=1)
        ],
    )
    quiz.questions.append(question)
    session().flush()
    return question


def make_quiz(
    slug: str = "seo-check",
    *,
    module: Module | None = None,
    kind: str = "practice",
    pass_mark: int = 70,
    max_attempts: int | None = None,
    shuffle: bool = False,
    questions=SEO_QUESTIONS,
) -> Quiz:
    """A quiz with ``questions`` as (kind, prompt, explanation, choices) tuples."""
    quiz = Quiz(
        slug=slug,
        title=slug.replace("-", " ").title(),
        module_id=module.id if module else None,
        kind=kind,
        pass_mark_pct=pass_mark,
        max_attempts=max_attempts,
        shuffle=shuffle,
    )
    session().add(quiz)
    session().flush()
    for question_kind, prompt, explanation, choices in questions:
        make_question(quiz, question_kind, prompt, choices, explanation)
    return quiz


def right_answers(quiz: Quiz) -> dict[int, list[int]]:
    """Every question answered fully right."""
    return {q.id: [c.id for c in q.choices if c.is_correct] for q in quiz.questions}


def wrong_answers(quiz: Quiz) -> dict[int, list[int]]:
    """Every question answered with only wrong choices."""
    return {q.id: [next(c.id for c in q.choices if not c.is_correct)] for q in quiz.questions}


def stub_try_complete(monkeypatch) -> list:
    """Replace ``learning.try_complete`` by a recorder of (learner, module) calls."""
    from lms_roi.services import learning

    calls = []
    monkeypatch.setattr(
        learning, "try_complete", lambda learner, module, **_: calls.append((learner, module))
    )
    return calls
