"""The lesson as a learner takes it: steps, resume, time spent, completion, survey, follow-ups."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from conftest import login
from factories import make_completion, make_module, make_person
from lms_roi.db import session
from lms_roi.models import (
    Choice,
    Completion,
    FollowUp,
    ModulePrerequisite,
    ModuleProgress,
    Question,
    Quiz,
    SurveyResponse,
)

LESSON = """Why it matters: leads that sales never calls.

## Budget
Ask whether money is set aside.

## Authority
Find who signs.

## Need and timing
<script>alert(1)</script><a href="javascript:alert(2)">click</a>
"""


def _csrf(page: str) -> str:
    """The page's CSRF token ("" when the tests run without CSRF protection)."""
    found = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    return found.group(1) if found else ""


def _module(app, db, *, with_quiz=False):
    with app.app_context():
        make_person("ana@example.com")
        module = make_module("lead-qualification", body=LESSON)
        if with_quiz:
            quiz = Quiz(slug="lq-post", module_id=module.id, title="Check", kind="post_test")
            question = Question(position=1, kind="single", prompt="Who signs?")
            question.choices = [
                Choice(position=1, text="The decision maker", is_correct=True, feedback="Yes."),
                Choice(position=2, text="The intern", feedback="No."),
            ]
            quiz.questions.append(question)
            session().add(quiz)
        db.session.commit()


def _walk_steps(client, n=4):
    response = None
    for number in range(1, n + 1):
        page = client.get(f"/roi/modules/lead-qualification/steps/{number}").get_data(as_text=True)
        response = client.post(
            f"/roi/modules/lead-qualification/steps/{number}", data={"csrf_token": _csrf(page)}
        )
    return response


def test_steps_are_cut_at_level_two_headings_with_a_progress_bar(app, db, client):
    _module(app, db)
    login(client, "ana@example.com")
    overview = client.get("/roi/modules/lead-qualification").get_data(as_text=True)
    assert "Start the lesson" in overview
    assert '<progress max="4" value="0"' in overview
    assert "<li>Introduction" in overview
    for title in ("Budget", "Authority", "Need and timing"):
        assert f"<li><span data-authored>{title}</span>" in overview
    step = client.get("/roi/modules/lead-qualification/steps/2").get_data(as_text=True)
    assert "Step 2 of 4" in step and '<progress max="4" value="2"' in step
    assert "Ask whether money is set aside." in step and "Find who signs." not in step
    unsafe = client.get("/roi/modules/lead-qualification/steps/4").get_data(as_text=True)
    assert "<script>alert" not in unsafe
    assert not re.search(r"<a [^>]*javascript:", unsafe)
    assert client.get("/roi/modules/lead-qualification/steps/5").status_code == 404


def test_resume_where_left_and_completion_after_the_last_step(app, db, client):
    _module(app, db)
    login(client, "ana@example.com")
    page = client.get("/roi/modules/lead-qualification/steps/1").get_data(as_text=True)
    client.post("/roi/modules/lead-qualification/steps/1", data={"csrf_token": _csrf(page)})
    client.get("/roi/modules/lead-qualification/steps/2")
    overview = client.get("/roi/modules/lead-qualification").get_data(as_text=True)
    assert "Continue where you left off" in overview
    assert "/roi/modules/lead-qualification/steps/2" in overview
    last = _walk_steps(client)
    assert last.headers["Location"].endswith("/roi/modules/lead-qualification/survey")
    with app.app_context():
        completion = session().scalar(select(Completion))
        assert (completion.source, completion.version) == ("web", 1)
        progress = session().scalar(select(ModuleProgress))
        assert progress.steps_seen == [0, 1, 2, 3] and progress.completed_at is not None
        due = sorted(f.offset_days for f in session().scalars(select(FollowUp)))
        assert due == [30, 60, 90]
    # Walking the steps again changes nothing: one completion per module version.
    _walk_steps(client)
    with app.app_context():
        assert len(session().scalars(select(Completion)).all()) == 1


def test_a_module_with_a_quiz_completes_only_once_the_quiz_is_passed(app, db, client):
    _module(app, db, with_quiz=True)
    login(client, "ana@example.com")
    last = _walk_steps(client)
    assert "/roi/quizzes/" in last.headers["Location"]
    with app.app_context():
        assert session().scalar(select(Completion)) is None


def test_heartbeat_adds_capped_time_and_needs_the_csrf_token(app, db, client):
    _module(app, db)
    login(client, "ana@example.com")
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        _heartbeats(app, db, client)
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def _heartbeats(app, db, client):
    page = client.get("/roi/modules/lead-qualification/steps/1").get_data(as_text=True)
    token = re.search(r'data-csrf-token="([^"]+)"', page).group(1)
    refused = client.post("/roi/modules/lead-qualification/heartbeat", data={"seconds": "15"})
    assert refused.status_code == 400 and refused.get_json()["code"] == "csrf_invalid"
    with app.app_context():
        progress = session().scalar(select(ModuleProgress))
        progress.last_activity_at = datetime.now(UTC) - timedelta(seconds=600)
        db.session.commit()
    beat = client.post(
        "/roi/modules/lead-qualification/heartbeat",
        data={"seconds": "900"},
        headers={"X-CSRFToken": token},
    )
    # 900 claimed, 600 elapsed: a beat adds at most 60 s.
    assert beat.get_json() == {"time_spent_s": 60}
    again = client.post(
        "/roi/modules/lead-qualification/heartbeat",
        data={"seconds": "15"},
        headers={"X-CSRFToken": token},
    )
    # Immediately after: at most the elapsed time (+1 s of clock slack).
    assert again.get_json()["time_spent_s"] <= 62


def test_prerequisites_lock_the_lesson_with_the_reason(app, db, client):
    with app.app_context():
        make_person("ana@example.com")
        first = make_module("lead-qualification", body=LESSON)
        second = make_module("objection-handling", body="## One\ntext")
        session().add(ModulePrerequisite(module_id=second.id, required_module_id=first.id))
        db.session.commit()
    login(client, "ana@example.com")
    overview = client.get("/roi/modules/objection-handling").get_data(as_text=True)
    assert "Complete “Lead Qualification” first" in overview
    step = client.get("/roi/modules/objection-handling/steps/1")
    assert step.status_code == 302


def test_survey_after_completion_saves_and_updates(app, db, client):
    _module(app, db)
    login(client, "ana@example.com")
    early = client.get("/roi/modules/lead-qualification/survey")
    assert early.status_code == 302
    _walk_steps(client)
    page = client.get("/roi/modules/lead-qualification/survey").get_data(as_text=True)
    bad = client.post(
        "/roi/modules/lead-qualification/survey",
        data={"csrf_token": _csrf(page), "rating": "7", "relevance": "4", "would_recommend": "yes"},
    )
    assert "Not a valid choice" in bad.get_data(as_text=True)
    sent = client.post(
        "/roi/modules/lead-qualification/survey",
        data={
            "csrf_token": _csrf(page),
            "rating": "4",
            "relevance": "5",
            "would_recommend": "yes",
            "comment": "Useful checklist",
        },
    )
    assert sent.status_code == 302
    with app.app_context():
        response = session().scalar(select(SurveyResponse))
        assert (response.rating, response.relevance, response.would_recommend) == (4, 5, True)
        assert response.comment == "Useful checklist"


def test_follow_up_due_is_answered_and_closed_ones_are_refused(app, db, client):
    today = date.today()
    with app.app_context():
        ana = make_person("ana@example.com")
        module = make_module("lead-qualification", body=LESSON)
        make_completion(ana, module, datetime.now(UTC) - timedelta(days=31))
        due = FollowUp(
            learner_id=ana.id, module_id=module.id, offset_days=30, due_on=today - timedelta(1)
        )
        later = FollowUp(
            learner_id=ana.id, module_id=module.id, offset_days=60, due_on=today + timedelta(29)
        )
        session().add_all([due, later])
        db.session.commit()
        due_id = due.id
    login(client, "ana@example.com")
    listing = client.get("/roi/follow-ups").get_data(as_text=True)
    assert "Lead Qualification" in listing and f"/roi/follow-ups/{due_id}" in listing
    page = client.get(f"/roi/follow-ups/{due_id}").get_data(as_text=True)
    missing = client.post(
        f"/roi/follow-ups/{due_id}", data={"csrf_token": _csrf(page), "applied": "yes"}
    )
    assert "how much of the change it explains" in missing.get_data(as_text=True)
    answered = client.post(
        f"/roi/follow-ups/{due_id}",
        data={
            "csrf_token": _csrf(page),
            "applied": "yes",
            "attribution_pct": "40",
            "confidence_pct": "75",
        },
    )
    assert answered.status_code == 302
    with app.app_context():
        item = session().get(FollowUp, due_id)
        assert (item.applied, item.attribution_pct, item.confidence_pct) == (True, 40.0, 75.0)
    listing = client.get("/roi/follow-ups").get_data(as_text=True)
    assert "No follow-up to answer now." in listing


def test_follow_ups_answered_in_the_browser_feed_the_participant_estimate(app, db, client):
    """No control group: the ROI falls back on what learners said in their follow-ups."""
    from factories import make_kpi, make_kpi_value
    from lms_roi.analytics import roi_report

    done = datetime(2026, 4, 15, 10, tzinfo=UTC)
    today = date.today()
    with app.app_context():
        csat = make_kpi("csat", value_per_unit="40")
        webinar = make_module("webinar", kpis={csat: 1.0})
        ids = []
        for email, after in (("w1@example.com", 74), ("w2@example.com", 78)):
            person = make_person(email)
            for month in range(1, 10):
                start = date(2026, month, 1)
                make_kpi_value(person, csat, start, 70 if month < 5 else after)
            make_completion(person, webinar, done)
            item = FollowUp(
                learner_id=person.id,
                module_id=webinar.id,
                offset_days=90,
                due_on=today - timedelta(days=2),
            )
            session().add(item)
            session().flush()
            ids.append(item.id)
        db.session.commit()
        before = {row["module"]: row for row in roi_report("module").rows}["webinar"]
        assert before["benefit"] == 0 and before["kpis"][0]["isolation"] == "none"
    answers = (
        {"applied": "yes", "attribution_pct": "50", "confidence_pct": "50"},
        {"applied": "no"},
    )
    for email, follow_up_id, answer in zip(
        ("w1@example.com", "w2@example.com"), ids, answers, strict=True
    ):
        login(client, email)
        page = client.get(f"/roi/follow-ups/{follow_up_id}").get_data(as_text=True)
        sent = client.post(
            f"/roi/follow-ups/{follow_up_id}", data={"csrf_token": _csrf(page), **answer}
        )
        assert sent.status_code == 302
        client.post("/roi/logout")
    with app.app_context():
        row = {row["module"]: row for row in roi_report("module").rows}["webinar"]
        [kpi] = row["kpis"]
        assert kpi["isolation"] == "participant_estimate"
        # w1: +4 x 50 % x 50 % = 1; w2 did not apply it: 0. Mean 0.5 a month.
        assert kpi["effect"] == 0.5
        assert row["benefit"] == 0.5 * 12 * 40 * 2
