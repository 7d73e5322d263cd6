"""``lms-roi demo``: a complete, deterministic organisation with real signal in it."""

from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import Integer, func, select

from lms_roi.models import (
    Attempt,
    AttemptAnswer,
    Completion,
    Enrollment,
    Kpi,
    KpiValue,
    Learner,
    Module,
    Objective,
    Quiz,
    RoleGrant,
    SurveyResponse,
    Team,
    TutoringPair,
    TutoringSession,
)

AS_OF = "2026-11-26"


def _fingerprint(db) -> tuple:
    return (
        db.session.scalar(select(func.sum(KpiValue.value))),
        tuple(db.session.scalars(select(Completion.completed_at).order_by(Completion.id))),
        tuple(db.session.scalars(select(Learner.display_name).order_by(Learner.id))),
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


def test_quiz_scores_are_computed_from_the_answers(app, cli, db):
    assert cli.invoke(args=["lms-roi", "demo", "--learners", "20", "--as-of", AS_OF]).exit_code == 0
    with app.app_context():
        rows = db.session.execute(
            select(Attempt.score_pct, func.avg(AttemptAnswer.correct.cast(Integer)) * 100)
            .join(AttemptAnswer, AttemptAnswer.attempt_id == Attempt.id)
            .group_by(Attempt.id, Attempt.score_pct)
        ).all()
        assert rows and all(abs(score - float(expected)) < 0.06 for score, expected in rows)
        post = db.session.scalar(
            select(func.avg(Attempt.score_pct)).join(Quiz).where(Quiz.kind == "post_test")
        )
        pre = db.session.scalar(
            select(func.avg(Attempt.score_pct)).join(Quiz).where(Quiz.kind == "pre_test")
        )
        assert float(post) > float(pre) + 15  # the training teaches something


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
