"""HR engagement by team and department: the page body, its privacy, French.

The organisation is :func:`hr_factories.build_engagement_org` around today's
date: Marketing (Tiny, 2 learners; Content, 5) and Sales (Field, 7).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from conftest import login
from hr_factories import build_engagement_org, make_totals
from lms_roi.services.mentees import organisation_today

SMALL = "fewer than 5"
WITHHELD = "withheld"
DEPARTMENTS = {"Marketing": ["Tiny", "Content"], "Sales": ["Field"]}


class Tables(HTMLParser):
    """Tables by id: {row header text: [cell texts]} (tags stripped)."""

    def __init__(self):
        super().__init__()
        self.tables: dict[str, dict[str, list[str]]] = {}
        self._table = self._row = self._cell = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
            self._table = self.tables.setdefault(attrs.get("id") or "", {})
        elif tag == "tr" and self._table is not None:
            self._row = []
        elif tag in ("th", "td") and self._row is not None:
            self._cell = ""

    def handle_endtag(self, tag):
        if tag in ("th", "td") and self._cell is not None:
            self._row.append(re.sub(r"[ \t\r\n]+", " ", self._cell).strip(" "))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            if self._row:
                self._table[self._row[0]] = self._row[1:]
            self._row = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell += data


def tables_of(page: str) -> dict[str, dict[str, list[str]]]:
    parser = Tables()
    parser.feed(page)
    return parser.tables


def organisation(app, db) -> None:
    with app.app_context():
        today = organisation_today()
        people = build_engagement_org(today)
        for learner in people["field"]:
            make_totals(learner, today, 40)
        for learner, xp in zip(people["content"], (10, 20, 30, 40, 50), strict=True):
            make_totals(learner, today, xp)
        make_totals(people["tiny"][0], today, 500)
        db.session.commit()


def test_hr_sees_activity_streaks_trend_and_team_board(app, db, client):
    organisation(app, db)
    login(client, "hr@example.com")
    response = client.get("/roi/hr/?days=30")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    tables = tables_of(page)
    activity, streaks = tables["groups-activity"], tables["groups-streaks"]
    # Field: 7 learners, 6 active this week (f6 was active 13 days ago), 7 this month.
    assert activity["Field"][:4] == ["7", "6", "7", "0%"]
    assert activity["Tiny"] == [SMALL] * 6
    assert activity["Content"][0] == "5"
    # Streak rows: Content 2, 1, 2 learners hidden together; zeros shown.
    assert streaks["Content"] == ["5", SMALL, SMALL, SMALL, "0", "0"]
    assert streaks["Field"] == ["7", SMALL, SMALL, "0", SMALL, SMALL]
    assert streaks["Sales"] == streaks["Field"]  # Sales is Field
    assert streaks["Marketing"][0] == WITHHELD  # 7 - Content's 5 = Tiny's 2
    # Team board: Field 40 per member, Content 30; Tiny (one earner) is left off.
    board = tables["team-board-table"]
    assert board == {"Rank": ["Team", "XP per active member"], "1": ["Field", "40.0"],
                     "2": ["Content", "30.0"]}  # fmt: skip
    assert "1 team with fewer than 5 members earning XP is left off the board." in page
    assert page.count('<svg class="chart"') == 2 and "Active learners per month" in page
    assert "Tiny Person0" not in page and "Content Person1" not in page


@pytest.mark.parametrize("days", [30, 90, 365])
def test_no_hidden_figure_of_the_page_is_a_difference_of_shown_ones(app, db, client, days):
    organisation(app, db)
    login(client, "hr@example.com")
    tables = tables_of(client.get(f"/roi/hr/?days={days}").get_data(as_text=True))
    org = "Whole organisation"
    relations = []  # (total, parts) as cell texts
    for name in ("groups-activity", "groups-streaks"):
        table = tables[name]
        for column in range(len(table[org])):
            for department, teams in DEPARTMENTS.items():
                relations.append((table[department][column], [table[t][column] for t in teams]))
            relations.append((table[org][column], [table[d][column] for d in DEPARTMENTS]))
    for row in tables["groups-streaks"].values():
        if row and row[0] != "Learners":
            relations.append((row[0], row[1:]))  # learners = the five streak lengths
    for name in ("trend-active", "trend-xp"):
        table = tables[name]
        for month in range(12):
            relations.append((table[org][month], [table[d][month] for d in DEPARTMENTS]))
    checked = 0
    for total, parts in relations:
        hidden = [cell for cell in (total, *parts) if cell in (SMALL, WITHHELD)]
        assert len(hidden) != 1, (total, parts)
        if not hidden and "%" not in total:
            # Nothing hidden: the shown figures add up (the relation is real).
            assert float(total.replace(",", "")) == sum(float(p.replace(",", "")) for p in parts)
            checked += 1
    assert checked > 20


def test_hr_engagement_in_french(app, db, client):
    organisation(app, db)
    login(client, "hr@example.com")
    page = client.get("/roi/hr/?days=30", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert '<html lang="fr">' in page
    tables = tables_of(page)
    assert tables["groups-activity"]["Field"][3] == "0\u00a0%"
    assert tables["groups-activity"]["Tiny"] == ["moins de 5"] * 6
    assert tables["groups-streaks"]["Toute l'organisation"][0] == "masqué"
    assert "Sans équipe" not in page  # every learner has a team
    assert tables["team-board-table"]["1"] == ["Field", "40,0"]


def test_a_bad_board_window_is_refused_with_a_message(app, db, client):
    organisation(app, db)
    login(client, "hr@example.com")
    response = client.get("/roi/hr/?board=year")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Choose this month, this week or all time for the team board." in page
    assert '<option value="month" selected>This month</option>' in page
