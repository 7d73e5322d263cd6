"""Tutor home: exactly the tutor's active mentees, with their path, activity and sessions."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from sqlalchemy import event, insert

from conftest import login
from factories import (
    make_completion,
    make_module,
    make_pair,
    make_person,
    make_program,
    make_session,
    make_team,
)
from lms_roi.models import TutoringSession
from lms_roi.services.mentees import active_mentees, organisation_today


def row_of(page: str, name: str) -> str:
    """The table row of the mentee called ``name``."""
    return page.split(f'">{name}</a><br>')[1].split("</tr>")[0]


def test_tutor_sees_exactly_their_active_mentees_with_their_figures(app, db, client):
    with app.app_context():
        today = organisation_today()

        def days_ago(days: int) -> datetime:
            return datetime.combine(today - timedelta(days=days), time(12), UTC)

        content = make_team("content", "Content Marketing")
        tutor = make_person("tutor@example.com", roles=("tutor", "learner"))
        other_tutor = make_person("other@example.com", roles=("tutor",))
        modules = [make_module(f"module-{i}") for i in range(6)]
        program = make_program("growth-academy", tuple(modules[:5]))
        ana = make_person("ana@example.com", name="Ana Active", team=content)
        bea = make_person("bea@example.com", name="Bea Lastday")
        names = ("Cid Endedyesterday", "Dan Startstomorrow", "Eve Othertutor", "Fay Switchedoff")
        cid, dan, eve, fay = (make_person(f"m{i}@example.com", name=n) for i, n in enumerate(names))
        pair = make_pair(
            tutor, ana, starts_on=today - timedelta(days=40), program=program, goals="Ship a brief"
        )
        make_pair(tutor, bea, starts_on=today - timedelta(days=10), ends_on=today)
        ended = make_pair(
            tutor, cid, starts_on=today - timedelta(days=90), ends_on=today - timedelta(days=1)
        )
        make_pair(tutor, dan, starts_on=today + timedelta(days=1))
        make_pair(other_tutor, eve, starts_on=today - timedelta(days=5))
        make_pair(tutor, fay, starts_on=today - timedelta(days=5), active=False)
        # Ana: 3 of the 5 path modules (one twice) and one module outside the path.
        for module, when, score in (
            (0, 20, 70),
            (0, 10, 90),
            (1, 9, 80),
            (2, 5, None),
            (5, 3, 100),
        ):
            make_completion(ana, modules[module], days_ago(when), score=score)
        make_completion(cid, modules[0], days_ago(1))
        make_session(pair, today - timedelta(days=30), 30)
        make_session(pair, today - timedelta(days=2), 45)
        make_session(ended, today - timedelta(days=3), 60)
        db.session.commit()
    login(client, "tutor@example.com")
    response = client.get("/roi/tutor/")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Ana Active" in page and "Bea Lastday" in page
    for absent in names:
        assert absent not in page
    ana_row = row_of(page, "Ana Active")
    assert "Content Marketing" in ana_row and "Growth Academy" in ana_row
    assert '<progress value="3" max="5"' in ana_row and "3 / 5" in ana_row
    assert 'aria-label="3 of 5 modules of Growth Academy completed"' in ana_row
    cells = [cell.split("<")[0] for cell in ana_row.split('<td class="num">')[1:]]
    # Quizzes passed, streak, reviews due, modules completed (4 distinct), average score
    # of scored completions, sessions, minutes.
    assert cells == ["0 of 0", "0", "0", "4", "85%", "2", "75"]
    # The last learning action is the session of 2 days ago (the last completion: 3 days).
    last_session = (today - timedelta(days=2)).strftime("%b %-d, %Y")
    assert ana_row.count(last_session) == 2
    bea_row = row_of(page, "Bea Lastday")
    assert (
        "No program" in bea_row
        and "No learning action yet" in bea_row
        and "No session yet" in bea_row
    )
    assert '<span class="figure">2</span> active mentees' in page


def test_counts_are_written_the_locale_way(app, db, client):
    with app.app_context():
        today = organisation_today()
        tutor = make_person("tutor@example.com", roles=("tutor",))
        ana = make_person("ana@example.com", name="Ana Active")
        pair = make_pair(tutor, ana, starts_on=today - timedelta(days=2000))
        db.session.execute(
            insert(TutoringSession),
            [
                {"pair_id": pair.id, "held_on": today - timedelta(days=i), "minutes": 30}
                for i in range(1234)
            ],
        )
        db.session.commit()
    login(client, "tutor@example.com")
    french = client.get("/roi/tutor/", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    cells = [cell.split("<")[0] for cell in row_of(french, "Ana Active").split('"num">')[1:]]
    assert cells[5:] == ["1\u202f234", "37\u202f020"]  # sessions, minutes
    assert '<span class="figure">1\u202f234</span>' in french
    english = client.get("/roi/tutor/").get_data(as_text=True)
    assert '<span class="figure">1,234</span> sessions logged' in english


def test_other_tutor_sees_only_their_mentee(app, db, client):
    with app.app_context():
        today = organisation_today()
        tutor = make_person("tutor@example.com", roles=("tutor",))
        other = make_person("other@example.com", roles=("tutor",))
        make_pair(tutor, make_person("ana@example.com", name="Ana Mine"), starts_on=today)
        make_pair(other, make_person("eve@example.com", name="Eve Theirs"), starts_on=today)
        db.session.commit()
    login(client, "other@example.com")
    page = client.get("/roi/tutor/").get_data(as_text=True)
    assert "Eve Theirs" in page and "Ana Mine" not in page


def test_a_tutor_without_active_mentees_reads_a_sentence(app, db, client):
    with app.app_context():
        today = organisation_today()
        tutor = make_person("tutor@example.com", roles=("tutor",))
        ana = make_person("ana@example.com", name="Ana Former")
        make_pair(
            tutor, ana, starts_on=today - timedelta(days=60), ends_on=today - timedelta(days=1)
        )
        db.session.commit()
    login(client, "tutor@example.com")
    page = client.get("/roi/tutor/").get_data(as_text=True)
    assert "You have no active mentee today" in page
    assert "Ana Former" not in page and "<table" not in page


def test_a_learner_is_refused_the_tutor_home(app, db, client):
    with app.app_context():
        make_person("ana@example.com", roles=("learner",))
        db.session.commit()
    login(client, "ana@example.com")
    response = client.get("/roi/tutor/")
    assert response.status_code == 403
    assert "Your roles do not give access" in response.get_data(as_text=True)


def test_the_query_count_does_not_grow_with_the_mentees(app, ctx):
    today = organisation_today()
    tutor = make_person("tutor@example.com", roles=("tutor",))
    module = make_module("seo-basics")
    program = make_program("path", (module,))

    def queries_for(n_mentees: int) -> int:
        for i in range(n_mentees):
            mentee = make_person(f"m{n_mentees}-{i}@example.com")
            pair = make_pair(tutor, mentee, starts_on=today, program=program)
            make_session(pair, today)
            make_completion(mentee, module, score=50)
        statements = []
        engine = ctx.session.get_bind()
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        try:
            rows = active_mentees(tutor.id, today)
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        assert all(row.paths[0].done == 1 and row.sessions == 1 for row in rows)
        return len(statements)

    # Pairs, then one GROUP BY each: completions, paths, sessions, quizzes, reviews,
    # follow-ups, streaks, sessions in any pair; then the alerts: failed quizzes,
    # follow-ups not applied, objectives of the cohorts (none here).
    assert queries_for(1) == queries_for(6) == 12


def test_a_mentee_followed_in_two_programs_gets_one_row(app, ctx):
    today = organisation_today()
    tutor = make_person("tutor@example.com", roles=("tutor",))
    ana = make_person("ana@example.com", name="Ana Twice")
    seo, ads, crm = make_module("seo-basics"), make_module("social-ads"), make_module("crm")
    first = make_pair(
        tutor,
        ana,
        starts_on=today - timedelta(days=9),
        program=make_program("acquisition", (seo, ads)),
        goals="Grow leads",
    )
    second = make_pair(
        tutor,
        ana,
        starts_on=today - timedelta(days=3),
        program=make_program("retention", (crm,)),
        goals="Keep clients",
    )
    make_completion(ana, seo, score=60)
    make_completion(ana, crm, score=80)
    make_session(first, today - timedelta(days=4), 30)
    make_session(second, today - timedelta(days=1), 60)
    [row] = active_mentees(tutor.id, today)
    assert row.since == today - timedelta(days=9)
    assert row.goals == ["Grow leads", "Keep clients"]
    assert [(p.program, p.done, p.total) for p in row.paths] == [
        ("Acquisition", 1, 2),
        ("Retention", 1, 1),
    ]
    assert (row.modules_completed, row.average_score) == (2, 70.0)
    assert (row.sessions, row.minutes, row.last_session) == (2, 90, today - timedelta(days=1))
