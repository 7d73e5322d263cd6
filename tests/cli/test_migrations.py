"""The packaged Alembic migrations build exactly the models' schema (no drift)."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from lms_roi.db import Base
from lms_roi.migrate import VERSION_TABLE, alembic_config, current_revision, downgrade, include_name


def _head() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def test_init_db_migrates_to_head_and_matches_the_models(fresh_database_url, app_factory):
    app = app_factory(fresh_database_url)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["lms-roi", "init-db"])
    assert result.exit_code == 0, result.output
    assert f"lms-roi database is at revision {_head()}" in result.output
    with app.app_context():
        engine = app.extensions["lms_roi"].db.engine
        with engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"compare_type": True, "include_name": include_name}
            )
            drift = compare_metadata(context, Base.metadata)
        assert drift == []
        tables = set(inspect(engine).get_table_names())
        assert {t for t in tables if t != VERSION_TABLE} == set(Base.metadata.tables)
    again = runner.invoke(args=["lms-roi", "init-db"])
    assert again.exit_code == 0 and _head() in again.output


def test_downgrade_to_base_removes_every_plugin_table(fresh_database_url, app_factory):
    app = app_factory(fresh_database_url)
    with app.app_context():
        from lms_roi.migrate import upgrade

        assert upgrade() == _head()
        downgrade("base")
        assert current_revision() is None
        engine = app.extensions["lms_roi"].db.engine
        assert set(inspect(engine).get_table_names()) <= {VERSION_TABLE}


def test_0006_turns_each_line_of_agreed_actions_into_an_action_and_back(
    fresh_database_url, app_factory
):
    app = app_factory(fresh_database_url)
    with app.app_context():
        from lms_roi.migrate import upgrade

        upgrade("0005")
        engine = app.extensions["lms_roi"].db.engine
        with engine.begin() as connection:
            for i, name in ((1, "tom"), (2, "ana")):
                connection.execute(
                    text(
                        "INSERT INTO lms_roi_learner (id, external_id, display_name, hourly_cost,"
                        " timezone, leaderboard_visibility, active, created_at)"
                        " VALUES (:i, :n, :n, 0, 'UTC', 'named', :t, :c)"
                    ),
                    {"i": i, "n": name, "t": True, "c": "2026-01-01 00:00:00+00:00"},
                )
            connection.execute(
                text(
                    "INSERT INTO lms_roi_tutoring_pair (id, tutor_id, mentee_id, goals, starts_on,"
                    " active, created_at) VALUES (1, 1, 2, '', '2026-01-05', :f, :c)"
                ),
                {"f": False, "c": "2026-01-01 00:00:00+00:00"},
            )
            connection.execute(
                text(
                    "INSERT INTO lms_roi_tutoring_session (id, pair_id, held_on, minutes, notes,"
                    " actions, created_at) VALUES (1, 1, '2026-01-12', 45, '',"
                    " :actions, :c)"
                ),
                {"actions": "Call two leads\n\n  Rewrite the brief  \n", "c": "2026-01-12 09:00"},
            )
        upgrade()
        with engine.connect() as connection:
            rows = connection.execute(
                text("SELECT position, text, done_at FROM lms_roi_tutoring_action ORDER BY 1")
            ).all()
            status = connection.execute(text("SELECT status FROM lms_roi_tutoring_pair")).scalar()
        assert [tuple(r) for r in rows] == [
            (1, "Call two leads", None),
            (2, "Rewrite the brief", None),
        ]
        assert status == "ended"  # the pair was no longer active
        downgrade("0005")
        with engine.connect() as connection:
            text_back = connection.execute(
                text("SELECT actions FROM lms_roi_tutoring_session")
            ).scalar()
        assert text_back == "Call two leads\nRewrite the brief"
