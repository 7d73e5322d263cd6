"""Leaderboard pages: the learner's boards (organisation, team, programs) and the team board."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, abort, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from lms_roi.db import session
from lms_roi.gamification.leaderboards import (
    PROGRAM_STATUSES,
    WINDOWS,
    board,
    parse_scope,
    team_board,
)
from lms_roi.models import Enrollment, Learner, Program
from lms_roi.policy import current_person, policy

leaderboards = Blueprint("leaderboards", __name__)

WINDOW_LABELS = {"week": _l("This week"), "month": _l("This month"), "all": _l("All time")}
#: The page lists the windows in this order; the week is the default.
WINDOW_ORDER = ("week", "month", "all")
TEAMS = "teams"


@dataclass(frozen=True)
class Tab:
    """One board the learner may open: its ``scope`` argument and its label."""

    key: str
    label: str


def scope_tabs(person: Learner) -> list[Tab]:
    """The organisation, the learner's team, each of their programs, then the team board."""
    tabs = [Tab("org", _("Organisation"))]
    if person.team is not None:
        tabs.append(Tab(f"team:{person.team.slug}", _("My team: %(team)s", team=person.team.name)))
    programs = session().execute(
        select(Program.slug, Program.title)
        .join(Enrollment, Enrollment.program_id == Program.id)
        .where(Enrollment.learner_id == person.id, Enrollment.status.in_(PROGRAM_STATUSES))
        .order_by(Program.title)
    )
    tabs += [Tab(f"program:{slug}", title) for slug, title in programs]
    tabs.append(Tab(TEAMS, _("Teams")))
    return tabs


@leaderboards.route("/leaderboards")
@policy("learner", "hr")
def board_page():
    """A board chosen by ``scope`` (a tab) and ``window`` (week, month, all)."""
    person = current_person()
    tabs = scope_tabs(person)
    scope = request.args.get("scope", "org")
    window = request.args.get("window", "week")
    if window not in WINDOWS or scope not in {tab.key for tab in tabs}:
        abort(404)
    common = {
        "tabs": tabs,
        "scope": scope,
        "window": window,
        "windows": [(key, WINDOW_LABELS[key]) for key in WINDOW_ORDER],
    }
    if scope == TEAMS:
        return render_template(
            "lms_roi/leaderboards/teams.html", teams=team_board(window, person), **common
        )
    return render_template(
        "lms_roi/leaderboards/board.html", board=board(parse_scope(scope), window, person), **common
    )
