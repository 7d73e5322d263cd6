"""Learning path pages: my paths with progress, a path's steps, enroll and withdraw."""

from __future__ import annotations

from sqlalchemy import select

from conftest import login
from factories import make_completion, make_module, make_person, make_program
from lms_roi.models import Enrollment, Program
from paths_factories import make_enrollment, make_prerequisite


def _sales_path(db):
    """Ana enrolled in Sales Path (lead done; objections need lead; closing needs cold calls)."""
    ana = make_person("ana@example.com")
    lead = make_module("lead-qualification")
    objections = make_module("objection-handling")
    closing = make_module("closing")
    cold_calls = make_module("cold-calls")
    make_prerequisite(objections, lead)
    make_prerequisite(closing, cold_calls)
    sales = make_program("sales-path", (lead, objections, closing))
    make_program("seo-path", (make_module("seo-basics"),)).description = "Rank and be found."
    make_program("empty-path")
    make_enrollment(ana, sales)
    make_completion(ana, lead)
    db.session.commit()
    return ana


def test_paths_page_shows_progress_next_step_and_other_paths(app, db, client):
    with app.app_context():
        _sales_path(db)
    login(client, "ana@example.com")
    page = client.get("/roi/paths").get_data(as_text=True)
    mine, others = page.split("<h2>Other paths</h2>")
    assert "Sales Path" in mine and "Seo Path" not in mine
    assert (
        '<progress value="1" max="3" aria-label="1 of 3 modules of Sales Path completed">' in mine
    )
    assert "1 of 3 modules · 33%" in mine
    assert 'Next step: <a href="/roi/modules/objection-handling">Objection Handling</a>' in mine
    assert "Seo Path" in others and "Rank and be found." in others and "1 module" in others
    assert 'action="/roi/paths/seo-path/enroll"' in others
    assert 'aria-label="Enroll in Seo Path">Enroll</button>' in others
    assert "Empty Path" not in page


def test_path_page_shows_each_step_status_and_the_locked_reason(app, db, client):
    with app.app_context():
        _sales_path(db)
    login(client, "ana@example.com")
    page = client.get("/roi/paths/sales-path").get_data(as_text=True)
    steps = page.split('<ol class="modules">')[1].split("</ol>")[0].split("<li>")[1:]
    assert '<span aria-hidden="true">✓</span>' in steps[0]
    assert '<a href="/roi/modules/lead-qualification">' in steps[0]
    assert ">completed<" in steps[0]
    assert '<a href="/roi/modules/objection-handling">' in steps[1]
    assert ">available<" in steps[1] and ">next step<" in steps[1]
    assert ">locked<" in steps[2] and 'href="/roi/modules/closing"' not in steps[2]
    assert "<p>Complete “Cold Calls” first</p>" in steps[2]
    assert "You are enrolled in this path." in page
    assert 'action="/roi/paths/sales-path/withdraw"' in page


def test_enroll_then_leave_a_path(app, db, client):
    with app.app_context():
        ana = _sales_path(db)
        ana_id = ana.id
    login(client, "ana@example.com")
    response = client.post("/roi/paths/seo-path/enroll")
    assert response.status_code == 303
    assert response.headers["Location"] == "/roi/paths/seo-path"
    page = client.get("/roi/paths/seo-path").get_data(as_text=True)
    assert "You are enrolled in the path “Seo Path”." in page
    assert "You are enrolled in this path." in page
    client.post("/roi/paths/seo-path/enroll")  # twice: still one enrollment
    with app.app_context():
        rows = db.session.scalars(select(Enrollment).where(Enrollment.learner_id == ana_id)).all()
        assert sorted(e.status for e in rows) == ["active", "active"]

    client.post("/roi/paths/seo-path/withdraw")
    page = client.get("/roi/paths/seo-path").get_data(as_text=True)
    assert "You left the path “Seo Path”." in page
    assert 'action="/roi/paths/seo-path/enroll"' in page
    listing = client.get("/roi/paths").get_data(as_text=True)
    assert "Seo Path" in listing.split("<h2>Other paths</h2>")[1]


def test_enrolling_in_an_empty_path_is_refused_with_a_message(app, db, client):
    with app.app_context():
        _sales_path(db)
    login(client, "ana@example.com")
    page = client.post("/roi/paths/empty-path/enroll", follow_redirects=True).get_data(as_text=True)
    assert "This path has no module yet." in page
    assert "You are not enrolled" not in page  # no false success
    assert "You are enrolled" not in page


def test_a_post_without_its_csrf_token_changes_nothing(app, db, client):
    with app.app_context():
        _sales_path(db)
    login(client, "ana@example.com")
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        page = client.post("/roi/paths/seo-path/enroll", follow_redirects=True)
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert "This form has expired. Reload the page and try again." in page.get_data(as_text=True)
    with app.app_context():
        seo = select(Program.id).where(Program.slug == "seo-path").scalar_subquery()
        assert db.session.scalar(select(Enrollment).where(Enrollment.program_id == seo)) is None


def test_unknown_path_is_404_and_non_learners_are_refused(app, db, client):
    with app.app_context():
        _sales_path(db)
        make_person("nadia@example.com", roles=("analyst",))
        db.session.commit()
    login(client, "ana@example.com")
    assert client.get("/roi/paths/nowhere").status_code == 404
    assert client.post("/roi/paths/nowhere/enroll").status_code == 404
    client.post("/roi/logout")
    login(client, "nadia@example.com")
    assert client.get("/roi/paths").status_code == 403
    assert client.post("/roi/paths/seo-path/enroll").status_code == 403


def test_the_paths_page_formats_for_a_french_learner(app, db, client):
    with app.app_context():
        _sales_path(db).locale = "fr"
        db.session.commit()
    login(client, "ana@example.com")
    page = client.get("/roi/paths").get_data(as_text=True)
    assert '<html lang="fr">' in page
    assert "33\u202f%" in page or "33\xa0%" in page  # French percent spacing
