"""The admin page that manages people and their roles."""

from __future__ import annotations

from sqlalchemy import select

from conftest import login
from factories import make_person, make_team
from lms_roi.models import AuditLog, Learner


def _admin_client(app, db, client):
    with app.app_context():
        make_person("root@example.com", roles=("admin",), name="Root Admin")
        make_team("content", "Content Marketing")
        make_person("ana@example.com", name="Ana Lima")
        make_person("bob@example.com", name="Bob Martin", roles=("learner", "tutor"))
        db.session.commit()
    login(client, "root@example.com")
    return client


def _learner(db, external_id):
    return db.session.scalar(select(Learner).where(Learner.external_id == external_id))


def test_list_shows_people_with_roles_and_filters(app, db, client):
    _admin_client(app, db, client)
    page = client.get("/roi/admin/people").get_data(as_text=True)
    assert "Ana Lima" in page and "Bob Martin" in page and "Root Admin" in page
    assert "learner, tutor" in page
    tutors = client.get("/roi/admin/people?role=tutor").get_data(as_text=True)
    assert "Bob Martin" in tutors and "Ana Lima" not in tutors
    search = client.get("/roi/admin/people?q=LIMA").get_data(as_text=True)
    assert "Ana Lima" in search and "Bob Martin" not in search


def test_list_paginates(app, db, client):
    app.config["LMS_ROI_PAGE_SIZE"] = 2
    try:
        _admin_client(app, db, client)
        first = client.get("/roi/admin/people").get_data(as_text=True)
        assert "Page 1 of 2" in first
        second = client.get("/roi/admin/people?page=2").get_data(as_text=True)
        assert "Root Admin" in second and "Ana Lima" not in second
        # A page past the end (even beyond any integer a database stores) is the last one.
        for query in ("99999999999999999999999", "3"):
            response = client.get(f"/roi/admin/people?page={query}")
            assert response.status_code == 200, query
            page = response.get_data(as_text=True)
            assert "Page 2 of 2" in page and "Root Admin" in page, query
        for query in ("-5", "abc", ""):
            page = client.get(f"/roi/admin/people?page={query}").get_data(as_text=True)
            assert "Page 1 of 2" in page and "Ana Lima" in page, query
    finally:
        app.config["LMS_ROI_PAGE_SIZE"] = 25


def test_admin_creates_a_person_who_can_then_sign_in(app, db, client):
    _admin_client(app, db, client)
    response = client.post(
        "/roi/admin/people/new",
        data={
            "display_name": "Chloé Petit",
            "email": "Chloe@Example.com",
            "external_id": "HR-042",
            "team": "content",
            "hourly_cost": "45.50",
            "active": "y",
            "roles": ["learner", "analyst"],
            "password": "a-long-password",
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/roi/admin/people/HR-042"
    with app.app_context():
        chloe = _learner(db, "HR-042")
        assert chloe.email == "chloe@example.com"
        assert chloe.roles == {"learner", "analyst"}
        assert str(chloe.hourly_cost) == "45.50"
        assert chloe.team.slug == "content"
        audit = db.session.scalars(select(AuditLog).where(AuditLog.target_id == "HR-042")).all()
        assert [entry.action for entry in audit] == ["person.created"]
    other = app.test_client()
    assert login(other, "chloe@example.com", "a-long-password").status_code == 302


def test_duplicate_email_is_refused_on_the_field(app, db, client):
    _admin_client(app, db, client)
    response = client.post(
        "/roi/admin/people/new",
        data={
            "display_name": "Another Ana",
            "email": "ana@example.com",
            "team": "",
            "roles": ["learner"],
        },
    )
    assert response.status_code == 422
    assert "ana@example.com already belongs to someone" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.query(Learner).count() == 3


def test_admin_changes_roles_and_it_is_audited(app, db, client):
    _admin_client(app, db, client)
    response = client.post(
        "/roi/admin/people/bob@example.com",
        data={
            "display_name": "Bob Martin",
            "email": "bob@example.com",
            "team": "content",
            "hourly_cost": "30",
            "active": "y",
            "roles": ["learner", "hr"],
        },
    )
    assert response.status_code == 302
    with app.app_context():
        assert _learner(db, "bob@example.com").roles == {"learner", "hr"}
        entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "person.roles_changed"))
        assert entry.details == {"before": ["learner", "tutor"], "after": ["hr", "learner"]}
        assert entry.actor_label == "root@example.com"


def test_admin_cannot_remove_their_own_admin_role(app, db, client):
    _admin_client(app, db, client)
    response = client.post(
        "/roi/admin/people/root@example.com",
        data={
            "display_name": "Root Admin",
            "email": "root@example.com",
            "team": "",
            "hourly_cost": "0",
            "active": "y",
            "roles": ["learner"],
        },
    )
    assert response.status_code == 422
    assert "you cannot remove your own admin role" in response.get_data(as_text=True)
    with app.app_context():
        assert _learner(db, "root@example.com").roles == {"admin"}


def test_edit_form_shows_current_values(app, db, client):
    _admin_client(app, db, client)
    page = client.get("/roi/admin/people/bob@example.com").get_data(as_text=True)
    assert 'value="Bob Martin"' in page
    import re

    pattern = r'<input checked id="roles-\d" name="roles" type="checkbox" value="(\w+)"'
    checked = re.findall(pattern, page)
    assert checked == ["learner", "tutor"]


def test_unknown_person_is_404(app, db, client):
    _admin_client(app, db, client)
    assert client.get("/roi/admin/people/nobody").status_code == 404


def _edit(client, address: str, **changes):
    data = {
        "display_name": "Bob Martin",
        "email": "bob@example.com",
        "team": "",
        "hourly_cost": "0",
        "active": "y",
        "roles": ["learner", "tutor"],
        **changes,
    }
    return client.post(f"/roi/admin/people/{address}", data=data)


def test_admin_gives_a_person_another_external_id(app, db, client):
    """The platform's user id (the xAPI account name) attached to an existing person."""
    _admin_client(app, db, client)
    form = client.get("/roi/admin/people/bob@example.com").get_data(as_text=True)
    assert 'name="external_id"' in form and 'value="bob@example.com"' in form
    response = _edit(client, "bob@example.com", external_id=" 42 ")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/roi/admin/people/42")
    with app.app_context():
        assert _learner(db, "42").display_name == "Bob Martin"
        assert _learner(db, "bob@example.com") is None
        entry = db.session.scalar(
            select(AuditLog).where(AuditLog.action == "person.external_id_changed")
        )
        assert entry.details == {"before": "bob@example.com", "after": "42"}
        assert entry.actor_label == "root@example.com"
    # Left empty, the external id stays what it is.
    assert _edit(client, "42", external_id="").status_code == 302
    with app.app_context():
        assert _learner(db, "42") is not None


def test_a_taken_external_id_is_refused_on_the_field(app, db, client):
    _admin_client(app, db, client)
    response = _edit(client, "bob@example.com", external_id="ana@example.com", hourly_cost="55")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    field = page.split('name="external_id"', 1)[1].split("</label>", 1)[1]
    assert "&#39;ana@example.com&#39; already exists" in field.split("<label", 1)[0]
    with app.app_context():
        bob = _learner(db, "bob@example.com")
        assert bob is not None and bob.hourly_cost == 0  # nothing of the change was kept
