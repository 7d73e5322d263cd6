"""PostgreSQL specifics (skipped without LMS_ROI_TEST_DATABASE_URL; CI always sets it)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import inspect, select, text
from sqlalchemy.exc import IntegrityError

from conftest import ON_POSTGRES
from factories import make_completion, make_module, make_person

pytestmark = pytest.mark.skipif(
    not ON_POSTGRES, reason="needs PostgreSQL: set LMS_ROI_TEST_DATABASE_URL (CI does)"
)


def test_timestamps_are_timestamptz_and_round_trip_in_utc(ctx):
    columns = {
        c["name"]: c for c in inspect(ctx.session.connection()).get_columns("lms_roi_completion")
    }
    assert str(columns["completed_at"]["type"]) == "TIMESTAMP"
    assert columns["completed_at"]["type"].timezone is True
    person = make_person()
    module = make_module()
    paris = timezone(timedelta(hours=1))
    make_completion(person, module, datetime(2026, 3, 2, 12, 0, tzinfo=paris))
    ctx.session.expire_all()
    from lms_roi.models import Completion

    stored = ctx.session.scalar(select(Completion.completed_at))
    assert stored == datetime(2026, 3, 2, 11, 0, tzinfo=UTC)
    assert stored.utcoffset() == timedelta(0)


def test_check_constraints_are_enforced_by_the_database(ctx):
    module = make_module()
    with (
        pytest.raises(IntegrityError, match="ck_lms_roi_module_method_valid"),
        ctx.session.begin_nested(),
    ):
        ctx.session.execute(
            text("UPDATE lms_roi_module SET method = 'webinar' WHERE id = :i"), {"i": module.id}
        )
