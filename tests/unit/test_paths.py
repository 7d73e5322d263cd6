"""Learning paths: enrollment, steps and their status, prerequisites explained, completion."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from factories import make_completion, make_module, make_person, make_program
from lms_roi.db import session
from lms_roi.errors import DomainError
from lms_roi.models import Enrollment
from lms_roi.services.paths import (
    enroll,
    home_paths,
    missing_prerequisites,
    path_progress,
    paths_overview,
    prerequisite_message,
    refresh_enrollment,
    refresh_enrollments,
    withdraw,
)
from paths_factories import count_queries, make_enrollment, make_prerequisite

MARCH, APRIL = datetime(2026, 3, 2, 10, tzinfo=UTC), datetime(2026, 4, 6, 15, tzinfo=UTC)


@pytest.fixture
def sales_path(ctx):
    """Ana and a path: Lead Qualification, then Objection Handling (needs it), Closing."""
    ana = make_person("ana@example.com")
    lead = make_module("lead-qualification")
    objections = make_module("objection-handling")
    closing = make_module("closing")
    make_prerequisite(objections, lead)
    program = make_program("sales-path", (lead, objections, closing))
    return ana, program, (lead, objections, closing)


def test_a_module_is_locked_until_its_prerequisite_is_completed(sales_path):
    ana, _program, (lead, objections, _closing) = sales_path
    assert missing_prerequisites(ana, objections) == [lead]
    assert prerequisite_message([lead]) == "Complete “Lead Qualification” first"
    make_completion(ana, lead)
    assert missing_prerequisites(ana, objections) == []


def test_the_message_names_every_missing_module_in_title_order(ctx):
    seo, ads = make_module("seo-basics"), make_module("ads-basics")
    assert prerequisite_message([ads, seo]) == "Complete “Ads Basics” and “Seo Basics” first"


def test_completing_any_version_of_the_prerequisite_unlocks(sales_path):
    ana, _program, (lead, objections, _closing) = sales_path
    make_completion(ana, lead).version = 1
    lead.current_version = 2
    session().flush()
    assert missing_prerequisites(ana, objections) == []


def test_path_progress_marks_steps_completed_available_and_locked(sales_path):
    ana, program, (lead, objections, closing) = sales_path
    progress = path_progress(ana, program)
    assert [(s.module.slug, s.status) for s in progress.steps] == [
        ("lead-qualification", "available"),
        ("objection-handling", "locked"),
        ("closing", "available"),
    ]
    locked = progress.steps[1]
    assert locked.reason == "Complete “Lead Qualification” first"
    assert locked.missing == (lead,)
    assert progress.next_step.module == lead
    assert (progress.done, progress.total, progress.enrollment_status) == (0, 3, None)

    make_completion(ana, lead)
    progress = path_progress(ana, program)
    assert [s.status for s in progress.steps] == ["completed", "available", "available"]
    assert progress.next_step.module == objections  # path order is the advice
    assert (progress.done, round(progress.percent, 2)) == (1, 33.33)


def test_an_unpublished_step_is_locked_with_its_reason(sales_path):
    ana, program, (_lead, _objections, closing) = sales_path
    closing.published = False
    step = path_progress(ana, program).steps[2]
    assert (step.status, step.reason) == ("locked", "This module is not published yet.")


def test_path_progress_is_four_queries_or_fewer(sales_path):
    ana, program, _modules = sales_path
    with count_queries() as statements:
        path_progress(ana, program)
    assert len(statements) <= 4


def test_enroll_is_idempotent_and_withdraw_then_enroll_reactivates(sales_path):
    ana, program, _modules = sales_path
    first = enroll(ana, program)
    assert enroll(ana, program) is first and first.status == "active"
    assert withdraw(ana, program).status == "withdrawn"
    assert withdraw(ana, program).status == "withdrawn"
    again = enroll(ana, program)
    assert again.id == first.id and again.status == "active" and again.completed_at is None
    assert session().query(Enrollment).count() == 1


def test_enroll_refuses_an_empty_path_and_withdraw_needs_an_enrollment(ctx):
    ana = make_person("ana@example.com")
    empty = make_program("empty-path")
    with pytest.raises(DomainError) as refused:
        enroll(ana, empty)
    assert refused.value.code == "path_empty"
    with pytest.raises(DomainError) as not_enrolled:
        withdraw(ana, empty)
    assert not_enrolled.value.code == "not_enrolled"


def test_the_last_module_completes_the_enrollment(sales_path):
    ana, program, (lead, objections, closing) = sales_path
    bob = make_person("bob@example.com")
    enroll(ana, program)
    enroll(bob, program)
    make_completion(ana, lead, MARCH)
    make_completion(ana, objections, MARCH)
    assert refresh_enrollment(ana.id, objections.id) == []
    make_completion(ana, closing, APRIL)
    make_completion(bob, closing, APRIL)  # Bob still misses two modules

    assert refresh_enrollment(ana.id, closing.id) == [program.id]
    assert refresh_enrollment(bob.id, closing.id) == []
    mine = session().get(Enrollment, enroll(ana, program).id)
    assert (mine.status, mine.completed_at) == ("completed", APRIL)
    assert path_progress(ana, program).enrollment_status == "completed"
    with pytest.raises(DomainError) as refused:
        withdraw(ana, program)
    assert refused.value.code == "path_completed"


def test_refresh_only_touches_active_enrollments_of_paths_with_the_module(sales_path):
    ana, program, modules = sales_path
    other = make_program("other-path", (modules[2],))
    make_enrollment(ana, program, status="withdrawn")
    make_enrollment(ana, other)
    for module in modules:
        make_completion(ana, module)
    assert refresh_enrollment(ana.id, modules[0].id) == []  # other path lacks it
    assert refresh_enrollment(ana.id, modules[2].id) == [other.id]  # withdrawn stays so


def test_enrolling_in_a_path_already_done_completes_it_at_once(sales_path):
    ana, program, modules = sales_path
    for module in modules:
        make_completion(ana, module, MARCH)
    assert enroll(ana, program).status == "completed"


def test_bulk_refresh_completes_every_finished_enrollment(sales_path):
    ana, program, modules = sales_path
    make_enrollment(ana, program)
    for module in modules:
        make_completion(ana, module, APRIL)
    assert refresh_enrollments() == 1
    assert refresh_enrollments() == 0


def test_home_paths_give_done_total_and_next_module(sales_path):
    ana, program, (lead, objections, closing) = sales_path
    finished = make_program("finished-path", (lead,))
    make_program("not-joined", (closing,))
    enroll(ana, finished)
    enroll(ana, program)
    make_completion(ana, lead)
    refresh_enrollment(ana.id, lead.id)
    rows = [(p.program.slug, p.status, p.done, p.total, p.next_module) for p in home_paths(ana)]
    assert rows == [
        ("sales-path", "active", 1, 3, objections),
        ("finished-path", "completed", 1, 1, None),
    ]


def test_paths_overview_lists_other_paths_with_modules_in_three_queries(sales_path):
    ana, program, (lead, _objections, closing) = sales_path
    make_program("empty-path")
    again = make_program("joined-then-left", (closing,))
    make_enrollment(ana, again, status="withdrawn")
    enroll(ana, program)
    session().flush()
    with count_queries() as statements:
        overview = paths_overview(ana)
    assert len(statements) <= 3
    assert [p.program.slug for p in overview.mine] == ["sales-path"]
    assert [(p.slug, n) for p, n in overview.others] == [("joined-then-left", 1)]
