"""``lms-roi demo``: a complete, deterministic organisation with real signal in it."""

from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import func, select

from lms_roi.lessons import split_steps
from lms_roi.models import (
    Attempt,
    AttemptAnswer,
    Choice,
    Completion,
    Enrollment,
    Kpi,
    KpiValue,
    Learner,
    Module,
    ModuleVersion,
    Objective,
    Question,
    Quiz,
    RoleGrant,
    SurveyResponse,
    Team,
    TutoringPair,
    TutoringSession,
)
from lms_roi.services.quizzes import grade_question

AS_OF = "2026-11-26"


def _fingerprint(db) -> tuple:
    return (
        db.session.scalar(select(func.sum(KpiValue.value))),
        tuple(db.session.scalars(select(Completion.completed_at).order_by(Completion.id))),
        tuple(db.session.scalars(select(Learner.display_name).order_by(Learner.id))),
        tuple(db.session.scalars(select(Attempt.score_pct).order_by(Attempt.id))),
    )


def test_demo_builds_every_part_of_the_organisation(app, cli, db):
    result = cli.invoke(args=["lms-roi", "demo", "--learners", "80", "--as-of", AS_OF])
    assert result.exit_code == 0, result.stderr
    assert (
        "Sign in at http://127.0.0.1:5000/roi/login with password 'demo-password'" in result.stdout
    )
    assert "learner  learner1@demo.lms-roi.test" in result.stdout
    with app.app_context():
        s = db.session
        assert s.scalar(select(func.count(Learner.id))) == 87
        assert set(s.scalars(select(RoleGrant.role).distinct())) == {
            "learner",
            "tutor",
            "analyst",
            "hr",
            "admin",
        }
        assert s.scalar(select(func.count(Team.id)).where(Team.parent_id.is_not(None))) == 7
        methods = dict(s.execute(select(Module.method, func.count()).group_by(Module.method)).all())
        assert sum(methods.values()) == 20 and set(methods) == {
            "in_person",
            "online",
            "blended",
            "micro_learning",
        }
        assert s.scalar(select(func.count(Quiz.id))) == 40
        months = s.scalars(select(KpiValue.period_start).distinct()).all()
        assert sorted(months)[0] == date(2025, 11, 1) and len(months) == 12
        assert s.scalar(select(func.count(Kpi.id))) == 7
        assert s.scalar(select(func.count(TutoringPair.id))) > 0
        assert s.scalar(select(func.count(TutoringSession.id))) > 0
        assert s.scalar(select(func.count(Enrollment.id))) > 0
        assert s.scalar(select(func.count(Objective.id))) == 4
        assert s.scalar(select(func.count(SurveyResponse.id))) > 0
        n_completions = s.scalar(select(func.count(Completion.id)))
        assert n_completions > 150
        assert max(s.scalars(select(Completion.completed_at))).date() < date(2026, 11, 26)


def _hand_score(kind: str, selected: set, correct: set, wrong: set) -> float:
    """The grading rule, written out again: 1/0 for single and true/false; for multiple
    choice right picks / right choices - wrong picks / wrong choices, floored at 0."""
    if kind != "multiple":
        return float(selected == correct)
    return max(0.0, len(selected & correct) / len(correct) - len(selected & wrong) / len(wrong))


def test_quiz_scores_are_computed_from_the_answers(app, cli, db):
    assert cli.invoke(args=["lms-roi", "demo", "--learners", "20", "--as-of", AS_OF]).exit_code == 0
    with app.app_context():
        s = db.session
        questions = {q.id: q for q in s.scalars(select(Question))}
        kinds = {question_id: q.kind for question_id, q in questions.items()}
        correct, wrong = {}, {}
        for question_id, choice_id, is_correct in s.execute(
            select(Choice.question_id, Choice.id, Choice.is_correct)
        ):
            (correct if is_correct else wrong).setdefault(question_id, set()).add(choice_id)
        points: dict[int, list[float]] = {}
        partial = 0
        for attempt_id, question_id, selected, flagged in s.execute(
            select(
                AttemptAnswer.attempt_id,
                AttemptAnswer.question_id,
                AttemptAnswer.selected_choice_ids,
                AttemptAnswer.correct,
            )
        ):
            assert selected and set(selected) <= correct[question_id] | wrong[question_id]
            value = _hand_score(
                kinds[question_id], set(selected), correct[question_id], wrong[question_id]
            )
            assert flagged == (value == 1)
            assert grade_question(questions[question_id], selected) == value  # product grader
            partial += 0 < value < 1
            points.setdefault(attempt_id, []).append(value)
        assert partial > 0  # some multiple-choice answers earn part of the points
        attempts = s.execute(
            select(
                Attempt.id, Attempt.score_pct, Attempt.passed, Quiz.kind, Quiz.pass_mark_pct
            ).join(Quiz)
        ).all()
        assert len(attempts) == len(points)
        for attempt_id, score, passed, _, pass_mark in attempts:
            expected = 100 * sum(points[attempt_id]) / len(points[attempt_id])
            assert abs(score - expected) < 0.06 and passed == (score >= pass_mark)
        by_kind = {
            kind: [score for _, score, _, k, _ in attempts if k == kind]
            for kind in ("pre_test", "post_test")
        }
        pre, post = (sum(v) / len(v) for v in by_kind.values())
        assert post > pre + 15  # the training teaches something


def test_every_completion_follows_a_passed_post_test(app, cli, db):
    assert cli.invoke(args=["lms-roi", "demo", "--learners", "20", "--as-of", AS_OF]).exit_code == 0
    with app.app_context():
        s = db.session
        tries = {}
        for learner_id, module_id, kind, attempt_no, score, passed, submitted_at in s.execute(
            select(
                Attempt.learner_id,
                Quiz.module_id,
                Quiz.kind,
                Attempt.attempt_no,
                Attempt.score_pct,
                Attempt.passed,
                Attempt.submitted_at,
            )
            .join(Quiz)
            .order_by(Attempt.attempt_no)
        ):
            tries.setdefault((learner_id, module_id, kind), []).append(
                (attempt_no, score, passed, submitted_at)
            )
        completions = s.execute(
            select(
                Completion.learner_id,
                Completion.module_id,
                Completion.score,
                Completion.completed_at,
            )
        ).all()
        assert len(completions) == len(tries) / 2
        retried = 0
        for learner_id, module_id, score, completed_at in completions:
            (pre,) = tries[(learner_id, module_id, "pre_test")]
            post = tries[(learner_id, module_id, "post_test")]
            assert [t[0] for t in post] == list(range(1, len(post) + 1)) and len(post) <= 3
            assert [t[2] for t in post] == [False] * (len(post) - 1) + [True]
            assert score == post[-1][1]
            assert pre[3] < post[0][3] and post[-1][3] < completed_at
            retried += len(post) > 1
        assert 0 < retried < len(completions) / 2


def test_kpi_history_carries_each_module_effect(app, cli, db):
    assert cli.invoke(args=["lms-roi", "demo", "--as-of", AS_OF]).exit_code == 0
    with app.app_context():
        completions = pd.DataFrame(
            db.session.execute(
                select(Completion.learner_id, Module.slug, Completion.completed_at).join(Module)
            ).all()
        )
        values = pd.DataFrame(
            db.session.execute(
                select(KpiValue.learner_id, Kpi.key, KpiValue.period_start, KpiValue.value).join(
                    Kpi
                )
            ).all()
        )

    def uplift(slug: str, kpi: str) -> float:
        """Mean post/pre ratio of completers minus that of non-completers (whole year halves)."""
        series = values[values.key == kpi].copy()
        series["late"] = series.period_start >= date(2026, 7, 1)
        means = series.groupby(["learner_id", "late"]).value.mean().unstack()
        ratio = means[True] / means[False]
        treated = set(completions[completions.slug == slug].learner_id)
        return ratio[ratio.index.isin(treated)].mean() - ratio[~ratio.index.isin(treated)].mean()

    assert uplift("seo-fundamentals", "web_traffic") > 0.05
    assert abs(uplift("brand-voice", "social_engagement")) < 0.04


def test_same_seed_same_data_and_reset(fresh_database_url, app_factory):
    app = app_factory(fresh_database_url)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["lms-roi", "init-db"]).exit_code == 0
    args = ["lms-roi", "demo", "--learners", "15", "--seed", "3", "--as-of", AS_OF]
    assert runner.invoke(args=args).exit_code == 0
    with app.app_context():
        db = app.extensions["lms_roi"].db
        first = _fingerprint(db)
    refused = runner.invoke(args=args)
    assert refused.exit_code == 1
    assert "the database already has people; run 'lms-roi demo --reset'" in refused.stderr
    assert runner.invoke(args=[*args, "--reset"]).exit_code == 0
    with app.app_context():
        assert _fingerprint(db) == first
    other = runner.invoke(
        args=["lms-roi", "demo", "--learners", "15", "--seed", "4", "--as-of", AS_OF, "--reset"]
    )
    assert other.exit_code == 0
    with app.app_context():
        assert _fingerprint(db) != first


def test_demo_roi_differs_clearly_between_modules_and_methods(app, cli, db):
    assert cli.invoke(args=["lms-roi", "demo", "--as-of", AS_OF]).exit_code == 0
    from lms_roi.analytics import roi_report

    with app.app_context():
        modules = {r["module"]: r for r in roi_report("module").rows}
        methods = [r["roi_pct"] for r in roi_report("method").rows]
    roi = [r["roi_pct"] for r in modules.values() if r["roi_pct"] is not None]
    assert max(roi) - min(roi) > 300  # from clear losses to large gains
    assert modules["brand-voice"]["roi_pct"] < 0 < modules["lead-qualification"]["roi_pct"]
    assert max(methods) - min(methods) > 50
    effect = modules["seo-fundamentals"]["kpis"][0]
    assert effect["isolation"] == "control_group" and effect["ci_low"] > 0


def _steps(body: str) -> list[str]:
    return [line for line in body.splitlines() if line.startswith("## ")]


def test_demo_lessons_read_like_a_real_product(app, cli, db):
    assert cli.invoke(args=["lms-roi", "demo", "--learners", "10", "--as-of", AS_OF]).exit_code == 0
    with app.app_context():
        s = db.session
        modules = s.scalars(select(Module)).all()
        assert len(modules) == 20
        for module in modules:
            steps = split_steps(module.body_md)
            assert 3 <= len(_steps(module.body_md)) <= 6 and len(steps) == len(
                _steps(module.body_md)
            ), module.slug
            assert steps[-1].title == "Apply it this week", module.slug
            for step in steps:
                words = len(step.markdown.split("\n", 1)[1].split())
                assert 60 <= words <= 150, (module.slug, step.title, words)
            for filler in ("a online", "This module is meant to"):
                assert filler not in module.body_md and filler not in module.summary
            assert module.summary and not module.summary.startswith(module.title)
            versions = {v.version: v for v in module.versions}
            assert set(versions) == set(range(1, module.current_version + 1))
            assert versions[module.current_version].body_md == module.body_md
        improved = [m for m in modules if m.current_version == 2]
        assert {m.slug for m in improved} == {"seo-fundamentals", "lead-qualification"}
        for module in improved:
            v1, v2 = sorted(module.versions, key=lambda v: v.version)
            assert len(_steps(v2.body_md)) == len(_steps(v1.body_md)) + 1
            assert v2.change_note.startswith("Added a step")
        assert "## Hand over to sales with notes" in next(
            m.body_md for m in improved if m.slug == "lead-qualification"
        )
        assert s.scalar(select(func.count(ModuleVersion.id))) == 22


def test_demo_quizzes_have_real_questions_with_feedback(app, cli, db):
    assert cli.invoke(args=["lms-roi", "demo", "--learners", "10", "--as-of", AS_OF]).exit_code == 0
    with app.app_context():
        quizzes = db.session.scalars(select(Quiz)).all()
        assert len(quizzes) == 40 and {
            (q.kind, q.max_attempts, q.pass_mark_pct) for q in quizzes
        } == {("post_test", 3, 66), ("pre_test", 1, 66)}
        prompts = set()
        for quiz in quizzes:
            if quiz.kind == "post_test":
                assert len(quiz.questions) >= 5, quiz.slug
            kinds = [q.kind for q in quiz.questions]
            assert "multiple" in kinds and "true_false" in kinds, quiz.slug
            assert kinds.count("single") > len(kinds) / 2, quiz.slug
            for question in quiz.questions:
                assert question.explanation.strip(), question.prompt
                right = [c for c in question.choices if c.is_correct]
                assert all(c.feedback.strip() and c.text.strip() for c in question.choices)
                assert len(question.choices) > len(right)
                if question.kind == "multiple":
                    assert len(right) >= 2, question.prompt
                else:
                    assert len(right) == 1, question.prompt
                if question.kind == "true_false":
                    assert [c.text for c in question.choices] == ["True", "False"]
                prompts.add(question.prompt)
        assert len(prompts) == 20 * 6  # no generic question shared between modules


def test_demo_learners_have_a_journey_in_progress(app, cli, db):
    """Prerequisites, review queues from missed questions, learner1 halfway in a lesson."""
    from lms_roi.models import ModulePrerequisite, ModuleProgress, ReviewItem

    assert cli.invoke(args=["lms-roi", "demo", "--learners", "10", "--as-of", AS_OF]).exit_code == 0
    with app.app_context():
        session = db.session
        required = session.execute(
            select(Module.slug, ModulePrerequisite.required_module_id)
            .join(Module, Module.id == ModulePrerequisite.module_id)
            .order_by(Module.slug)
        ).all()
        assert [slug for slug, _ in required] == [
            "email-nurturing",
            "negotiation-workshop",
            "paid-search-bidding",
            "seo-technical-audit",
        ]
        missed = session.execute(
            select(Attempt.learner_id, AttemptAnswer.question_id)
            .join(Attempt, Attempt.id == AttemptAnswer.attempt_id)
            .where(AttemptAnswer.correct.is_(False))
            .distinct()
        ).all()
        queued = session.execute(
            select(ReviewItem.learner_id, ReviewItem.question_id, ReviewItem.box)
        ).all()
        assert {(lid, qid) for lid, qid, _ in queued} == set(missed) and missed
        assert {box for _, _, box in queued} == {1}
        learner1 = session.scalar(select(Learner).where(Learner.email.like("learner1@%")))
        progress = session.scalar(
            select(ModuleProgress).where(ModuleProgress.learner_id == learner1.id)
        )
        assert progress.steps_seen == [0, 1] and progress.completed_at is None
        completed = session.scalar(
            select(func.count(Completion.id)).where(
                Completion.learner_id == learner1.id,
                Completion.module_id == progress.module_id,
            )
        )
        assert completed == 0
