"""Leaderboards from the maintained totals: ranking, ties, visibility, neighbours, scopes."""

from __future__ import annotations

import pytest

from factories import make_program, make_team
from leaderboard_factories import (
    NOW,
    at,
    make_enrollment,
    make_everywhere,
    make_learners,
    make_totals,
)
from lms_roi.errors import DomainError
from lms_roi.gamification import pseudonyms
from lms_roi.gamification.leaderboards import (
    ScopeNotFound,
    board,
    choose_visibility,
    parse_scope,
    team_board,
)


def _ranking(result) -> list[tuple[int, str, int]]:
    return [(row.rank, row.display_name, row.xp) for row in result.rows]


def _around(position) -> list[tuple[int, str, int]]:
    return [(row.rank, row.display_name, row.xp) for row in position.neighbours]


@pytest.fixture
def five(ctx):
    """Ana 300, Bo 250 reached at hour 5, Cy 250 reached at hour 2, Di 100, Ed 40, Fay 0."""
    people = make_learners("ana bo cy di ed fay")
    for name, xp, hour in (
        ("ana", 300, 1), ("bo", 250, 5), ("cy", 250, 2), ("di", 100, 3), ("ed", 40, 4),
        ("fay", 0, 6),
    ):  # fmt: skip
        make_totals(people[name], xp, at(hour))
    return people


def test_xp_ranks_first_and_equal_xp_goes_to_who_reached_it_first(five):
    result = board("org", "all", five["di"], now=NOW)
    assert _ranking(result) == [
        (1, "Ana", 300), (2, "Cy", 250), (3, "Bo", 250), (4, "Di", 100), (5, "Ed", 40),
    ]  # fmt: skip
    assert [row.is_me for row in result.rows] == [False, False, False, True, False]
    me = result.me
    assert (me.rank, me.xp, me.hidden) == (4, 100, False)
    assert _around(me) == [(2, "Cy", 250), (3, "Bo", 250), (5, "Ed", 40)]


def test_equal_xp_and_moment_fall_back_to_the_learner_id(ctx):
    people = make_learners("first second third")
    for name in ("third", "second", "first"):
        make_totals(people[name], 50, at(1))
    assert [row.display_name for row in board("org", "all", None, now=NOW).rows] == [
        "First", "Second", "Third",
    ]  # fmt: skip


def test_neighbours_at_the_top_and_bottom_edges_and_outside_the_top(five):
    top = board("org", "all", five["ana"], now=NOW).me
    assert (top.rank, top.above) == (1, ())
    assert _around(top) == [(2, "Cy", 250), (3, "Bo", 250)]
    bottom = board("org", "all", five["ed"], limit=2, now=NOW)
    assert _ranking(bottom) == [(1, "Ana", 300), (2, "Cy", 250)]
    assert (bottom.me.rank, bottom.me.below) == (5, ())
    assert _around(bottom.me) == [(3, "Bo", 250), (4, "Di", 100)]


def test_a_learner_without_xp_in_the_window_has_no_rank(five):
    me = board("org", "all", five["fay"], now=NOW).me
    assert (me.rank, me.xp, me.neighbours) == (None, 0, ())
    assert "Fay" not in [row.display_name for row in board("org", "all", None, now=NOW).rows]


def test_hidden_learners_take_no_rank_but_see_their_place_privately(five):
    choose_visibility(five["cy"], "hidden")
    result = board("org", "all", five["di"], now=NOW)
    assert _ranking(result) == [(1, "Ana", 300), (2, "Bo", 250), (3, "Di", 100), (4, "Ed", 40)]
    assert _around(result.me) == [(1, "Ana", 300), (2, "Bo", 250), (4, "Ed", 40)]
    hidden = board("org", "all", five["cy"], now=NOW)
    assert "Cy" not in [row.display_name for row in hidden.rows]
    # Cy would be second; Bo, just below, holds rank 2 on the public board.
    assert (hidden.me.rank, hidden.me.xp, hidden.me.hidden) == (2, 250, True)
    assert _around(hidden.me) == [(1, "Ana", 300), (2, "Bo", 250), (3, "Di", 100)]


def test_inactive_learners_are_left_out(five):
    five["ana"].active = False
    assert _ranking(board("org", "all", five["bo"], now=NOW))[0] == (1, "Cy", 250)
    assert board("org", "all", five["ana"], now=NOW).me is None


def test_pseudonymous_learners_show_their_stable_pseudonym(five):
    choose_visibility(five["bo"], "pseudonymous")
    alias = five["bo"].pseudonym
    assert alias == pseudonyms.candidate(five["bo"].id)
    rows = board("org", "all", five["ana"], now=NOW).rows
    assert (rows[2].display_name, rows[2].xp) == (alias, 250)
    assert "Bo" not in [row.display_name for row in rows]
    # Named again, then pseudonymous again: the same pseudonym.
    choose_visibility(five["bo"], "named")
    assert board("org", "all", None, now=NOW).rows[2].display_name == "Bo"
    choose_visibility(five["bo"], "pseudonymous")
    assert five["bo"].pseudonym == alias


def test_a_taken_pseudonym_moves_to_the_next_candidate(five):
    five["ana"].pseudonym = pseudonyms.candidate(five["bo"].id)
    assert pseudonyms.preview(five["bo"]) == pseudonyms.candidate(five["bo"].id, 1)
    assert pseudonyms.ensure_pseudonym(five["bo"]) == pseudonyms.candidate(five["bo"].id, 1)
    name = five["bo"].pseudonym.split()
    assert name[0] in pseudonyms.ADJECTIVES and name[1] in pseudonyms.ANIMALS
    assert 100 <= int(name[2]) <= 999


def test_an_unknown_visibility_is_refused(five):
    with pytest.raises(DomainError) as refused:
        choose_visibility(five["ana"], "famous")
    assert refused.value.field == "visibility"


def test_windows_read_their_own_bucket(ctx):
    people = make_learners("ana bo cy")
    make_totals(people["ana"], 900, at(1))  # all time only: nothing this month
    make_totals(people["bo"], 200, at(1))
    make_totals(people["bo"], 120, at(1), window="month")
    make_totals(people["bo"], 30, at(1), window="week", key="2026-W47")  # last week
    make_totals(people["cy"], 80, at(2))
    make_totals(people["cy"], 80, at(2), window="month")
    make_totals(people["cy"], 80, at(2), window="week")
    assert _ranking(board("org", "all", None, now=NOW)) == [
        (1, "Ana", 900), (2, "Bo", 200), (3, "Cy", 80),
    ]  # fmt: skip
    assert _ranking(board("org", "month", None, now=NOW)) == [(1, "Bo", 120), (2, "Cy", 80)]
    week = board("org", "week", people["bo"], now=NOW)
    assert week.period_key == "2026-W48"
    assert (_ranking(week), week.me.rank) == ([(1, "Cy", 80)], None)


def test_team_scope_holds_the_team_and_its_sub_teams(ctx):
    sales = make_team("sales")
    north = make_team("sales-north")
    north.parent_id = sales.id
    other = make_team("support")
    people = {
        **make_learners("ana bo", team=sales),
        **make_learners("cy", team=north),
        **make_learners("di", team=other),
    }
    for xp, name in enumerate(("ana", "bo", "cy", "di"), start=1):
        make_totals(people[name], 10 * xp, at(xp))
    result = board(("team", "sales"), "all", people["ana"], now=NOW)
    assert _ranking(result) == [(1, "Cy", 30), (2, "Bo", 20), (3, "Ana", 10)]
    assert (result.me.rank, result.scope.key) == (3, "team:sales")
    assert board(("team", "sales-north"), "all", people["ana"], now=NOW).me is None
    with pytest.raises(ScopeNotFound) as missing:
        board(("team", "nope"), "all", people["ana"], now=NOW)
    assert (missing.value.status, missing.value.code) == (404, "team_not_found")


def test_program_scope_holds_its_active_and_completed_enrollments(ctx):
    program = make_program("onboarding")
    people = make_learners("ana bo cy di")
    make_enrollment(people["ana"], program)
    make_enrollment(people["bo"], program, "completed")
    make_enrollment(people["cy"], program, "withdrawn")
    for xp, name in enumerate(("ana", "bo", "cy", "di"), start=1):
        make_totals(people[name], 10 * xp, at(xp))
    result = board(("program", "onboarding"), "all", people["ana"], now=NOW)
    assert _ranking(result) == [(1, "Bo", 20), (2, "Ana", 10)]
    assert _around(result.me) == [(1, "Bo", 20)]
    assert board(("program", "onboarding"), "all", people["cy"], now=NOW).me is None


def test_scopes_are_parsed_from_the_api_notation():
    assert parse_scope("org") == "org"
    assert parse_scope("team:sales") == ("team", "sales")
    assert parse_scope("program:onboarding") == ("program", "onboarding")
    for bad in ("team", "team:", "people:x", ""):
        with pytest.raises(DomainError):
            parse_scope(bad)


def test_team_board_ranks_xp_per_active_member_and_leaves_small_teams_out(ctx):
    """Blue: 5 active of 6 members, 500 XP -> 100 each; Red: 6 active, 540 -> 90; Tiny: 4."""
    blue, red, tiny = make_team("blue"), make_team("red"), make_team("tiny")
    blues = make_learners("b1 b2 b3 b4 b5 b6", team=blue)
    reds = make_learners("r1 r2 r3 r4 r5 r6 r7", team=red)
    tinies = make_learners("t1 t2 t3 t4", team=tiny)
    for i, name in enumerate(("b1", "b2", "b3", "b4", "b5")):
        make_everywhere(blues[name], 60 + 20 * i, at(i))  # 60+80+100+120+140 = 500
    make_everywhere(blues["b6"], 0, at(1))  # no XP: not an active member
    for name in ("r1", "r2", "r3", "r4", "r5", "r6"):
        make_everywhere(reds[name], 90, at(2))
    make_everywhere(reds["r7"], 5000, at(3))
    choose_visibility(reds["r7"], "hidden")  # hidden: not counted in the team either
    for learner in tinies.values():
        make_everywhere(learner, 1000, at(1))
    result = team_board("week", blues["b1"], now=NOW)
    assert [(r.rank, r.slug, r.active_members, r.xp, r.xp_per_member) for r in result.rows] == [
        (1, "blue", 5, 500, 100.0), (2, "red", 6, 540, 90.0),
    ]  # fmt: skip
    assert [r.is_mine for r in result.rows] == [True, False]
    assert (result.unranked, result.mine_unranked) == (1, False)
    assert team_board("all", tinies["t1"], now=NOW).mine_unranked is True
