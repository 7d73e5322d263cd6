"""board scores: totals carry whether the learner is listed; counts per score for ranks

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27 15:10:00

"""

from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = "0005"
down_revision: Union[str, Sequence[str], None] = "0004"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Add ``listed`` to the totals (from the learners), the board index on it, and the
    per-score counts of listed learners (from the totals)."""
    with op.batch_alter_table("lms_roi_learner_totals", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("listed", sa.Boolean(), nullable=False, server_default=sa.true())
        )
        batch_op.drop_index("ix_lms_roi_learner_totals_board")
    op.execute(
        "UPDATE lms_roi_learner_totals SET listed = ("
        " SELECT l.active AND l.leaderboard_visibility IN ('named', 'pseudonymous')"
        " FROM lms_roi_learner AS l WHERE l.id = lms_roi_learner_totals.learner_id)"
    )
    op.create_index(
        "ix_lms_roi_learner_totals_board",
        "lms_roi_learner_totals",
        ["period_kind", "period_key", "listed", sa.text("xp DESC"), "reached_at", "learner_id"],
        unique=False,
    )
    op.create_table(
        "lms_roi_board_score",
        sa.Column("period_kind", sa.String(length=8), nullable=False),
        sa.Column("period_key", sa.String(length=10), nullable=False),
        sa.Column("xp", sa.Integer(), nullable=False),
        sa.Column("learners", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "period_kind", "period_key", "xp", name=op.f("pk_lms_roi_board_score")
        ),
    )
    op.execute(
        "INSERT INTO lms_roi_board_score (period_kind, period_key, xp, learners)"
        " SELECT period_kind, period_key, xp, COUNT(*) FROM lms_roi_learner_totals"
        " WHERE listed AND xp > 0 GROUP BY period_kind, period_key, xp"
    )


def downgrade() -> None:
    """Drop the score counts and ``listed``; restore the earlier board index."""
    op.drop_table("lms_roi_board_score")
    op.drop_index("ix_lms_roi_learner_totals_board", table_name="lms_roi_learner_totals")
    with op.batch_alter_table("lms_roi_learner_totals", schema=None) as batch_op:
        batch_op.drop_column("listed")
        batch_op.create_index(
            "ix_lms_roi_learner_totals_board",
            ["period_kind", "period_key", "xp", "reached_at"],
            unique=False,
        )
