"""tutoring: pair requests and their decisions, sessions' next meeting and agreed actions

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27 15:00:00

"""

from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = "0006"
down_revision: Union[str, Sequence[str], None] = "0005"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def _sessions_table(*text_columns: str) -> sa.TableClause:
    """The sessions table as both revisions share it, plus ``text_columns``."""
    return sa.table(
        "lms_roi_tutoring_session",
        sa.column("id", sa.Integer),
        sa.column("pair_id", sa.Integer),
        sa.column("held_on", sa.Date),
        sa.column("minutes", sa.Integer),
        sa.column("notes", sa.Text),
        sa.column("created_at", sa.DateTime(timezone=True)),
        *(sa.column(name, sa.Text) for name in text_columns),
    )


def upgrade() -> None:
    """Pairs get a status, the request and the decision; sessions get the next meeting and
    who logged them; agreed actions become rows that can be ticked done (the text of
    earlier sessions' actions becomes one action per non-empty line)."""
    # Read the sessions first. On SQLite, altering a table copies it and drops the old
    # one, and that drop deletes, through ON DELETE CASCADE, the rows pointing to it: the
    # sessions (when the pairs table is altered) are put back afterwards.
    connection = op.get_bind()
    sessions = _sessions_table("actions")
    saved = [dict(row) for row in connection.execute(sa.select(sessions)).mappings()]
    actions = sa.table(
        "lms_roi_tutoring_action",
        sa.column("session_id", sa.Integer),
        sa.column("position", sa.Integer),
        sa.column("text", sa.Text),
    )
    rows = []
    for row in saved:
        lines = [line.strip() for line in (row.pop("actions") or "").splitlines() if line.strip()]
        rows += [
            {"session_id": row["id"], "position": i, "text": line}
            for i, line in enumerate(lines, start=1)
        ]
    with op.batch_alter_table("lms_roi_tutoring_pair", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("status", sa.String(length=12), nullable=False, server_default="active")
        )
        batch_op.add_column(sa.Column("requested_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("request_note", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("reason", sa.Text(), nullable=False, server_default=""))
        batch_op.create_foreign_key(
            batch_op.f("fk_lms_roi_tutoring_pair_requested_by_id_lms_roi_learner"),
            "lms_roi_learner",
            ["requested_by_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_check_constraint(
            op.f("ck_lms_roi_tutoring_pair_status_valid"),
            "status IN ('requested', 'active', 'declined', 'ended')",
        )
    op.execute("UPDATE lms_roi_tutoring_pair SET status = 'ended' WHERE NOT active")
    with op.batch_alter_table("lms_roi_tutoring_session", schema=None) as batch_op:
        batch_op.add_column(sa.Column("next_meeting_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("logged_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_lms_roi_tutoring_session_logged_by_id_lms_roi_learner"),
            "lms_roi_learner",
            ["logged_by_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.drop_column("actions")
    if connection.dialect.name == "sqlite" and saved:
        kept = sa.table("lms_roi_tutoring_session", sa.column("id", sa.Integer))
        connection.execute(sa.delete(kept))
        connection.execute(sa.insert(sessions), saved)
    op.create_table(
        "lms_roi_tutoring_action",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("done_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["done_by_id"],
            ["lms_roi_learner.id"],
            name=op.f("fk_lms_roi_tutoring_action_done_by_id_lms_roi_learner"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["lms_roi_tutoring_session.id"],
            name=op.f("fk_lms_roi_tutoring_action_session_id_lms_roi_tutoring_session"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lms_roi_tutoring_action")),
        sa.UniqueConstraint(
            "session_id", "position", name=op.f("uq_lms_roi_tutoring_action_session_id_position")
        ),
    )
    with op.batch_alter_table("lms_roi_tutoring_action", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_lms_roi_tutoring_action_session_id"), ["session_id"], unique=False
        )
    if rows:
        connection.execute(sa.insert(actions), rows)


def downgrade() -> None:
    """Back to one text of actions per session (the lines of its actions), no statuses.

    Sessions are read first and, on SQLite, put back (see :func:`upgrade`).
    """
    connection = op.get_bind()
    actions = sa.table(
        "lms_roi_tutoring_action",
        sa.column("session_id", sa.Integer),
        sa.column("position", sa.Integer),
        sa.column("text", sa.Text),
    )
    texts: dict[int, list[str]] = {}
    for session_id, text in connection.execute(
        sa.select(actions.c.session_id, actions.c.text).order_by(
            actions.c.session_id, actions.c.position
        )
    ):
        texts.setdefault(session_id, []).append(text)
    sessions = _sessions_table()
    saved = [dict(row) for row in connection.execute(sa.select(sessions)).mappings()]
    op.drop_table("lms_roi_tutoring_action")
    with op.batch_alter_table("lms_roi_tutoring_session", schema=None) as batch_op:
        batch_op.add_column(sa.Column("actions", sa.Text(), nullable=False, server_default=""))
        batch_op.drop_constraint(
            batch_op.f("fk_lms_roi_tutoring_session_logged_by_id_lms_roi_learner"),
            type_="foreignkey",
        )
        batch_op.drop_column("logged_by_id")
        batch_op.drop_column("next_meeting_on")
    with op.batch_alter_table("lms_roi_tutoring_pair", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_lms_roi_tutoring_pair_status_valid"), type_="check")
        batch_op.drop_constraint(
            batch_op.f("fk_lms_roi_tutoring_pair_requested_by_id_lms_roi_learner"),
            type_="foreignkey",
        )
        batch_op.drop_column("reason")
        batch_op.drop_column("ended_at")
        batch_op.drop_column("decided_at")
        batch_op.drop_column("request_note")
        batch_op.drop_column("requested_by_id")
        batch_op.drop_column("status")
    back = [{**row, "actions": "\n".join(texts.get(row["id"], []))} for row in saved]
    with_actions = _sessions_table("actions")
    if connection.dialect.name == "sqlite":
        connection.execute(sa.delete(with_actions))
        if back:
            connection.execute(sa.insert(with_actions), back)
    else:
        for row in back:
            connection.execute(
                sa.update(with_actions)
                .where(with_actions.c.id == row["id"])
                .values(actions=row["actions"])
            )
