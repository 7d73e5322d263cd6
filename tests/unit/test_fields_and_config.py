"""Cell parsers, configuration and database settings."""

from __future__ import annotations

import os
import stat
from datetime import UTC, date, datetime

import pytest

from lms_roi.config import from_environment, instance_secret_key
from lms_roi.importers import fields as f


@pytest.mark.parametrize(
    ("text", "expected"),
    [("12", 12.0), ("12.5", 12.5), ("12,5", 12.5), ("-3", -3.0), (".5", 0.5), ("1e3", 1000.0)],
)
def test_numbers(text, expected):
    assert f.number(text, "value") == expected


@pytest.mark.parametrize("text", ["1,234.5", "12 leads", "", "€12", "nan", "inf", "1 234"])
def test_not_numbers(text):
    with pytest.raises(f.FieldError, match="not a number"):
        f.number(text, "value")


def test_bare_date_is_noon_in_the_organisation_time_zone():
    # Paris is UTC+2 in summer: noon local is 10:00 UTC, still the same calendar day.
    assert f.iso_moment("2026-07-14", "completed_at", "Europe/Paris") == datetime(
        2026, 7, 14, 10, tzinfo=UTC
    )
    assert f.iso_moment("2026-07-14", "completed_at", "Pacific/Auckland").date() == date(
        2026, 7, 14
    )
    assert f.iso_moment("2026-07-14T23:30:00-04:00", "x", "UTC") == datetime(
        2026, 7, 15, 3, 30, tzinfo=UTC
    )


@pytest.mark.parametrize(
    ("day", "period", "fix"),
    [
        (date(2026, 3, 4), "week", "use 2026-03-02"),
        (date(2026, 3, 4), "month", "use 2026-03-01"),
        (date(2026, 5, 1), "quarter", "use 2026-04-01"),
    ],
)
def test_period_start_alignment(day, period, fix):
    with pytest.raises(f.FieldError) as error:
        f.period_start(day, period, "k")
    assert error.value.fix.startswith(fix)


def test_aligned_period_starts_pass():
    assert f.period_start(date(2026, 3, 2), "week", "k") == date(2026, 3, 2)
    assert f.period_start(date(2026, 7, 1), "quarter", "k") == date(2026, 7, 1)
    assert f.period_start(date(2026, 7, 9), "day", "k") == date(2026, 7, 9)


def test_secret_key_is_generated_once_and_private(tmp_path):
    first = instance_secret_key(str(tmp_path))
    assert len(first) >= 60
    assert instance_secret_key(str(tmp_path)) == first
    mode = stat.S_IMODE(os.stat(tmp_path / "secret_key").st_mode)
    assert mode == 0o600


def test_environment_variables_map_to_config():
    config = from_environment(
        {
            "LMS_ROI_DATABASE_URL": "postgresql+psycopg://db/lms",
            "LMS_ROI_CURRENCY": "CAD",
            "LMS_ROI_URL_PREFIX": "/learning",
            "LMS_ROI_TIMEZONE": "America/Montreal",
            "LMS_ROI_SECRET_KEY": "",
            "UNRELATED": "x",
        }
    )
    assert config == {
        "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://db/lms",
        "LMS_ROI_CURRENCY": "CAD",
        "LMS_ROI_URL_PREFIX": "/learning",
        "LMS_ROI_TIMEZONE": "America/Montreal",
    }


def test_xapi_lists_and_flags_come_from_the_environment():
    config = from_environment(
        {
            "LMS_ROI_XAPI_HOME_PAGES": "https://moodle.example.com, https://lms.example.org",
            "LMS_ROI_XAPI_ACTIVITY_PATTERNS": "https://{host}/courses/{slug}",
            "LMS_ROI_XAPI_CREATE_LEARNERS": "yes",
        }
    )
    assert config == {
        "LMS_ROI_XAPI_HOME_PAGES": ("https://moodle.example.com", "https://lms.example.org"),
        "LMS_ROI_XAPI_ACTIVITY_PATTERNS": ("https://{host}/courses/{slug}",),
        "LMS_ROI_XAPI_CREATE_LEARNERS": True,
    }
    assert from_environment({"LMS_ROI_XAPI_CREATE_LEARNERS": "0"}) == {
        "LMS_ROI_XAPI_CREATE_LEARNERS": False
    }


def test_standalone_defaults(tmp_path, monkeypatch):
    from lms_roi import create_app

    for name in ("LMS_ROI_DATABASE_URL", "LMS_ROI_SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LMS_ROI_INSTANCE_PATH", str(tmp_path / "inst"))
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "sqlite:///" + str(
        tmp_path / "inst" / "lms_roi.sqlite3"
    )
    assert app.config["SECRET_KEY"] == (tmp_path / "inst" / "secret_key").read_text()
    assert app.config["LMS_ROI_URL_PREFIX"] == "/roi"
    assert app.config["LMS_ROI_CURRENCY"] == "EUR"
    with app.app_context():
        engine = app.extensions["lms_roi"].db.engine
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        engine.dispose()
