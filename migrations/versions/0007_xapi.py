"""xapi: clients' creator, last use and revocation; statements' status, content hash,
version, effects and voiding; activity IRI to module mapping

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27 18:00:00

"""

from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = "0007"
down_revision: Union[str, Sequence[str], None] = "0006"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

_STATEMENTS = sa.table(
    "lms_roi_xapi_statement",
    sa.column("id", sa.Integer),
    sa.column("client_id", sa.Integer),
)


def _saved_client_links(connection) -> list[dict]:
    """Which statement came from which client, read before the clients table is altered.

    On SQLite, altering a table copies it and drops the old one, and that drop sets
    ``client_id`` to NULL through ON DELETE SET NULL: the links are put back afterwards.
    """
    if connection.dialect.name != "sqlite":
        return []
    rows = connection.execute(
        sa.select(_STATEMENTS.c.id, _STATEMENTS.c.client_id).where(
            _STATEMENTS.c.client_id.is_not(None)
        )
    ).mappings()
    return [{"row_id": row["id"], "client": row["client_id"]} for row in rows]


def _restore_client_links(connection, links: list[dict]) -> None:
    if links:
        connection.execute(
            sa.update(_STATEMENTS)
            .where(_STATEMENTS.c.id == sa.bindparam("row_id"))
            .values(client_id=sa.bindparam("client")),
            links,
        )


def upgrade() -> None:
    """Clients get who created them, their last use and revocation; statements get a status,
    a content hash, the xAPI version, their effects and who voided them; activity IRIs can
    be mapped to modules."""
    connection = op.get_bind()
    links = _saved_client_links(connection)
    with op.batch_alter_table("lms_roi_xapi_client", schema=None) as batch_op:
        batch_op.add_column(sa.Column("created_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_lms_roi_xapi_client_created_by_id_lms_roi_learner"),
            "lms_roi_learner",
            ["created_by_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_index(
            batch_op.f("ix_lms_roi_xapi_client_created_by_id"), ["created_by_id"], unique=False
        )
    with op.batch_alter_table("lms_roi_xapi_statement", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "object_type", sa.String(length=16), nullable=False, server_default="Activity"
            )
        )
        batch_op.add_column(sa.Column("voided_by", sa.String(length=36), nullable=True))
        batch_op.add_column(
            sa.Column("version", sa.String(length=10), nullable=False, server_default="1.0.0")
        )
        batch_op.add_column(
            sa.Column("content_hash", sa.String(length=64), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("status", sa.String(length=20), nullable=False, server_default="received")
        )
        batch_op.add_column(sa.Column("effects", sa.JSON(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_lms_roi_xapi_statement_status"), ["status"], unique=False
        )
        batch_op.create_index(
            "ix_lms_roi_xapi_statement_object_status", ["object_id", "status"], unique=False
        )
    _restore_client_links(connection, links)
    op.create_table(
        "lms_roi_xapi_activity_map",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("activity_iri", sa.String(length=1024), nullable=False),
        sa.Column("module_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["lms_roi_learner.id"],
            name=op.f("fk_lms_roi_xapi_activity_map_created_by_id_lms_roi_learner"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["module_id"],
            ["lms_roi_module.id"],
            name=op.f("fk_lms_roi_xapi_activity_map_module_id_lms_roi_module"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lms_roi_xapi_activity_map")),
        sa.UniqueConstraint(
            "activity_iri", name=op.f("uq_lms_roi_xapi_activity_map_activity_iri")
        ),
    )
    with op.batch_alter_table("lms_roi_xapi_activity_map", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_lms_roi_xapi_activity_map_created_by_id"),
            ["created_by_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_lms_roi_xapi_activity_map_module_id"), ["module_id"], unique=False
        )


def downgrade() -> None:
    """Back to 0006: the mapping table and the new columns go (statements stay)."""
    connection = op.get_bind()
    op.drop_table("lms_roi_xapi_activity_map")
    with op.batch_alter_table("lms_roi_xapi_statement", schema=None) as batch_op:
        batch_op.drop_index("ix_lms_roi_xapi_statement_object_status")
        batch_op.drop_index(batch_op.f("ix_lms_roi_xapi_statement_status"))
        batch_op.drop_column("effects")
        batch_op.drop_column("status")
        batch_op.drop_column("content_hash")
        batch_op.drop_column("version")
        batch_op.drop_column("voided_by")
        batch_op.drop_column("object_type")
    links = _saved_client_links(connection)
    with op.batch_alter_table("lms_roi_xapi_client", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lms_roi_xapi_client_created_by_id"))
        batch_op.drop_constraint(
            batch_op.f("fk_lms_roi_xapi_client_created_by_id_lms_roi_learner"),
            type_="foreignkey",
        )
        batch_op.drop_column("revoked_at")
        batch_op.drop_column("last_used_at")
        batch_op.drop_column("created_by_id")
    _restore_client_links(connection, links)
