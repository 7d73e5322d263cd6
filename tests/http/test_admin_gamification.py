"""Admin: the gamification rules are changed in the web UI and read back by the engine."""

from __future__ import annotations

from conftest import login
from factories import make_person
from lms_roi.gamification.settings import DEFAULT_RULES, rules


def _form(**changes) -> dict:
    values = {name: str(value) for name, value in DEFAULT_RULES.as_dict().items()}
    values.update({name: str(value) for name, value in changes.items()})
    return values


def test_an_admin_changes_the_rules_and_the_level_table_follows(app, db, client):
    with app.app_context():
        make_person("root@example.com", roles=("admin",))
        db.session.commit()
    login(client, "root@example.com")
    page = client.get("/roi/admin/gamification").get_data(as_text=True)
    assert "Default: 500" in page and '<td class="num">120</td>' in page
    saved = client.post(
        "/roi/admin/gamification", data=_form(daily_cap=300, level_base=100, level_growth="1.5")
    )
    assert saved.status_code == 302
    with app.app_context():
        current = rules()
        assert (current.daily_cap, current.level_base, current.level_growth) == (300, 100, 1.5)
        assert current.module_max == 60
    after = client.get("/roi/admin/gamification").get_data(as_text=True)
    # Levels 2..4 now cost 100, 150, 225: cumulative 100, 250, 475.
    assert all(f'<td class="num">{xp}</td>' in after for xp in (100, 250, 475))


def test_bad_numbers_are_refused_field_by_field_and_nothing_is_saved(app, db, client):
    with app.app_context():
        make_person("root@example.com", roles=("admin",))
        db.session.commit()
    login(client, "root@example.com")
    refused = client.post("/roi/admin/gamification", data=_form(daily_cap=0, level_growth="9"))
    body = refused.get_data(as_text=True)
    assert refused.status_code == 200 and body.count('class="error"') == 2
    assert "Write a number from 1 to 100000." in body
    with app.app_context():
        assert rules() == DEFAULT_RULES


def test_only_admins_change_the_rules(app, db, client):
    with app.app_context():
        make_person("ana@example.com", roles=("analyst",))
        db.session.commit()
    login(client, "ana@example.com")
    assert client.get("/roi/admin/gamification").status_code == 403
