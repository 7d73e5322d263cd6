"""Migration 0007 (xAPI): existing statements keep their client, both ways."""

from __future__ import annotations

from sqlalchemy import inspect, text

from lms_roi.migrate import downgrade, upgrade


def test_0007_keeps_each_statement_linked_to_its_client_up_and_down(
    fresh_database_url, app_factory
):
    app = app_factory(fresh_database_url)
    with app.app_context():
        upgrade("0006")
        engine = app.extensions["lms_roi"].db.engine
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO lms_roi_xapi_client (id, name, key, secret_hash, active,"
                    " created_at) VALUES (1, 'Moodle', 'k1', 'h', :t, :c)"
                ),
                {"t": True, "c": "2026-01-01 00:00:00+00:00"},
            )
            connection.execute(
                text(
                    "INSERT INTO lms_roi_xapi_statement (id, statement_id, client_id, actor,"
                    " verb, object_id, timestamp, stored, voided, raw) VALUES (1,"
                    " '2c4f5e3a-6d4b-4e8f-9a1c-3b2d1e0f9a8b', 1, 'mbox:mailto:a@x.org',"
                    " 'http://adlnet.gov/expapi/verbs/completed', 'https://x.org/a', :c, :c,"
                    " :f, '{}')"
                ),
                {"f": False, "c": "2026-01-02 00:00:00+00:00"},
            )
        upgrade("0007")
        with engine.connect() as connection:
            row = connection.execute(
                text(
                    "SELECT client_id, status, version, object_type, content_hash, voided_by"
                    " FROM lms_roi_xapi_statement"
                )
            ).one()
        assert tuple(row) == (1, "received", "1.0.0", "Activity", "", None)
        assert "lms_roi_xapi_activity_map" in inspect(engine).get_table_names()
        downgrade("0006")
        with engine.connect() as connection:
            client_id = connection.execute(
                text("SELECT client_id FROM lms_roi_xapi_statement")
            ).scalar()
        assert client_id == 1
        assert "lms_roi_xapi_activity_map" not in inspect(engine).get_table_names()
        columns = {c["name"] for c in inspect(engine).get_columns("lms_roi_xapi_client")}
        assert "revoked_at" not in columns
