"""data version for report caching

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 10:45:00

"""

from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = "0002"
down_revision: Union[str, Sequence[str], None] = "0001"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Create the one-row data version table."""
    table = op.create_table(
        "lms_roi_data_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lms_roi_data_version")),
    )
    op.bulk_insert(table, [{"id": 1, "token": "initial"}])


def downgrade() -> None:
    """Drop the data version table."""
    op.drop_table("lms_roi_data_version")
