"""board statistics: PostgreSQL learns that a totals row's period kind decides its key

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-27 18:00:00

"""

from typing import Sequence, Union

from alembic import op


revision: str = "0008"
down_revision: Union[str, Sequence[str], None] = "0007"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

# The planner multiplies the selectivities of period_kind = 'all' and period_key = 'all'
# as if they were independent (3 % x 3 %), expects a few hundred rows of a bucket that
# holds every learner, and ranks a team by walking the whole board index (23 ms for a
# team of 200 among 100,000 learners) instead of probing its members (under 5 ms).
# Multivariate statistics give it the true frequency of each (kind, key) pair.
STATISTICS = "lms_roi_learner_totals_period"


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return  # SQLite has no multivariate statistics; its planner chose well here
    op.execute(
        f"CREATE STATISTICS IF NOT EXISTS {STATISTICS} (dependencies, mcv) "
        "ON period_kind, period_key FROM lms_roi_learner_totals"
    )
    op.execute("ANALYZE lms_roi_learner_totals")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"DROP STATISTICS IF EXISTS {STATISTICS}")
