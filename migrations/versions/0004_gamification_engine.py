"""gamification engine: settings, the learner's day and the guard flag on XP events

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 12:30:00

"""

from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = "0004"
down_revision: Union[str, Sequence[str], None] = "0003"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Create the settings table; XP events get their local day and a guard flag."""
    op.create_table(
        "lms_roi_setting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lms_roi_setting")),
        sa.UniqueConstraint("key", name=op.f("uq_lms_roi_setting_key")),
    )
    with op.batch_alter_table("lms_roi_xp_event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("local_day", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column("flagged", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("lms_roi_challenge", schema=None) as batch_op:
        batch_op.add_column(sa.Column("method", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("settled_at", sa.DateTime(timezone=True), nullable=True))
    # Events written before this revision get their UTC date (the learner's zone was not kept).
    if op.get_bind().dialect.name == "sqlite":
        op.execute("UPDATE lms_roi_xp_event SET local_day = date(occurred_at)")
    else:
        op.execute("UPDATE lms_roi_xp_event SET local_day = CAST(occurred_at AS DATE)")
    with op.batch_alter_table("lms_roi_xp_event", schema=None) as batch_op:
        batch_op.alter_column("local_day", existing_type=sa.Date(), nullable=False)
        batch_op.create_index(batch_op.f("ix_lms_roi_xp_event_flagged"), ["flagged"], unique=False)
        batch_op.create_index(
            "ix_lms_roi_xp_event_learner_day", ["learner_id", "local_day"], unique=False
        )


def downgrade() -> None:
    """Drop the settings table, the XP events' local day and flag, the challenge columns."""
    with op.batch_alter_table("lms_roi_challenge", schema=None) as batch_op:
        batch_op.drop_column("settled_at")
        batch_op.drop_column("method")
    with op.batch_alter_table("lms_roi_xp_event", schema=None) as batch_op:
        batch_op.drop_index("ix_lms_roi_xp_event_learner_day")
        batch_op.drop_index(batch_op.f("ix_lms_roi_xp_event_flagged"))
        batch_op.drop_column("flagged")
        batch_op.drop_column("local_day")
    op.drop_table("lms_roi_setting")
