"""learning journey: lesson steps, live completion keys, Leitner boxes, program tests

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 11:36:35

"""

from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = "0003"
down_revision: Union[str, Sequence[str], None] = "0002"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Add the columns the learner's journey needs; existing rows get neutral defaults."""
    with op.batch_alter_table("lms_roi_completion", schema=None) as batch_op:
        batch_op.add_column(sa.Column("idempotency_key", sa.String(length=191), nullable=True))
        batch_op.create_unique_constraint(
            batch_op.f("uq_lms_roi_completion_idempotency_key"), ["idempotency_key"]
        )
        batch_op.drop_constraint(batch_op.f("ck_lms_roi_completion_source_valid"), type_="check")
        batch_op.create_check_constraint(
            batch_op.f("ck_lms_roi_completion_source_valid"),
            "source IN ('web', 'api', 'xapi', 'import')",
        )

    with op.batch_alter_table("lms_roi_module_progress", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("steps_seen", sa.JSON(), nullable=False, server_default=sa.text("'[]'"))
        )
        batch_op.add_column(
            sa.Column("current_step", sa.Integer(), nullable=False, server_default=sa.text("0"))
        )

    with op.batch_alter_table("lms_roi_quiz", schema=None) as batch_op:
        batch_op.add_column(sa.Column("program_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_lms_roi_quiz_program_id"), ["program_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_lms_roi_quiz_program_id_lms_roi_program"),
            "lms_roi_program",
            ["program_id"],
            ["id"],
            ondelete="CASCADE",
        )

    with op.batch_alter_table("lms_roi_review_item", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("box", sa.Integer(), nullable=False, server_default=sa.text("1"))
        )
        batch_op.add_column(sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_check_constraint(
            batch_op.f("ck_lms_roi_review_item_box_range"), "box BETWEEN 1 AND 5"
        )

    with op.batch_alter_table("lms_roi_survey_response", schema=None) as batch_op:
        batch_op.add_column(sa.Column("would_recommend", sa.Boolean(), nullable=True))

    with op.batch_alter_table("lms_roi_attempt_answer", schema=None) as batch_op:
        batch_op.add_column(sa.Column("score", sa.Float(), nullable=True))


def downgrade() -> None:
    """Remove the learner's journey columns (API completions become web ones)."""
    op.execute("UPDATE lms_roi_completion SET source = 'web' WHERE source = 'api'")
    with op.batch_alter_table("lms_roi_attempt_answer", schema=None) as batch_op:
        batch_op.drop_column("score")
    with op.batch_alter_table("lms_roi_survey_response", schema=None) as batch_op:
        batch_op.drop_column("would_recommend")

    with op.batch_alter_table("lms_roi_review_item", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_lms_roi_review_item_box_range"), type_="check")
        batch_op.drop_column("retired_at")
        batch_op.drop_column("box")

    with op.batch_alter_table("lms_roi_quiz", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_lms_roi_quiz_program_id_lms_roi_program"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_lms_roi_quiz_program_id"))
        batch_op.drop_column("program_id")

    with op.batch_alter_table("lms_roi_module_progress", schema=None) as batch_op:
        batch_op.drop_column("current_step")
        batch_op.drop_column("steps_seen")

    with op.batch_alter_table("lms_roi_completion", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_lms_roi_completion_source_valid"), type_="check")
        batch_op.create_check_constraint(
            batch_op.f("ck_lms_roi_completion_source_valid"),
            "source IN ('web', 'xapi', 'import')",
        )
        batch_op.drop_constraint(
            batch_op.f("uq_lms_roi_completion_idempotency_key"), type_="unique"
        )
        batch_op.drop_column("idempotency_key")
