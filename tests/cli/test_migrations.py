"""The packaged Alembic migrations build exactly the models' schema (no drift)."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

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
