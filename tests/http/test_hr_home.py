"""HR engagement home: team aggregates only, small teams suppressed, no learner named."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from conftest import login
from factories import make_completion, make_module, make_person, make_team
from lms_roi.services.mentees import organisation_today

CONTENT = [f"Content Person{i}" for i in range(6)]
TINY = ["Tiny Solo", "Tiny Duo"]


def build_organisation(app, db, *, year_learners: int = 5):
    """Content Marketing: 6 learners, 5 active lately; Tiny Team: 2 learners.

    ``year_learners`` Content learners completed a module only in the yearly
    window (200 days ago): 5 by default, 1 to make the periods' difference small.
    """
    with app.app_context():
        today = organisation_today()

        def days_ago(days: int) -> datetime:
            return datetime.combine(today - timedelta(days=days), time(12), UTC)

        content, tiny = make_team("content", "Content Marketing"), make_team("tiny", "Tiny Team")
        seo, ads = make_module("seo-basics"), make_module("social-ads")
        people = [
            make_person(f"c{i}@example.com", name=name, team=content)
            for i, name in enumerate(CONTENT)
        ]
        smalls = [
            make_person(f"t{i}@example.com", name=name, team=tiny) for i, name in enumerate(TINY)
        ]
        for person, score in zip(people[:5], (60, 70, 80, 90, 100), strict=True):
            make_completion(person, seo, days_ago(5), score=score)
        make_completion(people[0], ads, days_ago(6), score=100)
        make_completion(people[5], seo, days_ago(200), score=40)  # only in the yearly view
        for person in people[1:year_learners]:
            make_completion(person, ads, days_ago(200), score=50)
        make_completion(smalls[0], seo, days_ago(2), score=10)
        make_person("hr@example.com", name="Helene Hr", roles=("hr",))
        db.session.commit()


def row_of(page: str, header: str) -> list[str]:
    """The cells of the row headed ``header``."""
    row = page.split(f'<th scope="row">{header}</th>')[1].split("</tr>")[0]
    return [cell.split("</td>")[0].strip() for cell in row.split('<td class="num">')[1:]]


def test_hr_sees_team_counts_and_a_suppressed_small_team(app, db, client):
    build_organisation(app, db)
    login(client, "hr@example.com")
    default = client.get("/roi/hr/").get_data(as_text=True)
    assert '<option value="90" selected>' in default  # a quarter unless asked otherwise
    response = client.get("/roi/hr/?days=30")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    # 6 learners, 5 completed lately (83 %), 6 completions in 30 days, 6 + 5 in all,
    # 6 distinct modules / 6 learners, average of 60, 70, 80, 90, 100 and 100.
    assert row_of(page, "Content Marketing") == ["6", "5", "83%", "6", "11", "1.0", "83%"]
    marker = '<span class="tag flag">fewer than 5</span>'
    assert row_of(page, "Tiny Team") == [marker] * 7
    # One small team: the organisation total would give it away by subtraction.
    withheld = '<span class="tag flag">withheld</span>'
    assert row_of(page, "Whole organisation") == [withheld] * 7
    assert "covers at least 5 learners" in page
    for name in CONTENT + TINY:
        assert name not in page


def test_the_period_filter_widens_the_window(app, db, client):
    build_organisation(app, db)
    login(client, "hr@example.com")
    page = client.get("/roi/hr/?days=365").get_data(as_text=True)
    # 11 modules over 6 learners; scores (500 + 4 x 50 + 40) / 11 = 67.3 %.
    assert row_of(page, "Content Marketing") == ["6", "6", "100%", "11", "11", "1.8", "67%"]
    assert '<option value="365" selected>Last 365 days</option>' in page


def test_two_periods_cannot_be_subtracted_to_reveal_a_few_learners(app, db, client):
    # Only one learner completed between 30 and 365 days ago: the 30-day and the
    # yearly figures would differ by that learner's completion and score alone.
    build_organisation(app, db, year_learners=1)
    login(client, "hr@example.com")
    marker = '<span class="tag flag">fewer than 5</span>'
    for days in (30, 90, 365):  # 90 days minus 365 days gives the same learner away
        page = client.get(f"/roi/hr/?days={days}").get_data(as_text=True)
        cells = row_of(page, "Content Marketing")
        assert cells[0] == "6" and cells[4] == "7"  # team size and all-time count stay
        assert cells[1:4] == [marker] * 3 and cells[5:] == [marker] * 2


def test_a_bad_period_is_refused_with_a_message(app, db, client):
    build_organisation(app, db)
    login(client, "hr@example.com")
    response = client.get("/roi/hr/?days=7")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Choose a period of 30, 90 or 365 days." in page
    assert row_of(page, "Content Marketing")[0] == "6"


def test_hr_page_in_french(app, db, client):
    build_organisation(app, db)
    login(client, "hr@example.com")
    page = client.get("/roi/hr/", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert row_of(page, "Content Marketing")[2] == "83\u00a0%"


def test_a_learner_is_refused_the_hr_home(app, db, client):
    with app.app_context():
        make_person("ana@example.com", roles=("learner", "tutor"))
        db.session.commit()
    login(client, "ana@example.com")
    assert client.get("/roi/hr/").status_code == 403


def test_an_admin_may_read_engagement(app, db, client):
    build_organisation(app, db)
    with app.app_context():
        make_person("admin@example.com", roles=("admin",))
        db.session.commit()
    login(client, "admin@example.com")
    page = client.get("/roi/hr/").get_data(as_text=True)
    assert row_of(page, "Content Marketing")[0] == "6"


def test_an_odd_period_is_refused_not_a_crash(app, db, client):
    build_organisation(app, db)
    login(client, "hr@example.com")
    for odd in ("²", "9" * 40, "-30", "30.0"):
        response = client.get(f"/roi/hr/?days={odd}")
        assert response.status_code == 400
        assert "Choose a period of 30, 90 or 365 days." in response.get_data(as_text=True)
