"""update inbox and dead letters

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import db.models

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "update_inbox",
        sa.Column("update_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("received_at", db.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("handled_at", db.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("update_id", name=op.f("pk_update_inbox")),
    )
    op.create_index("ix_update_inbox_handled_at", "update_inbox", ["handled_at"], unique=False)
    op.create_table(
        "dead_letters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("update_id", sa.BigInteger(), nullable=True),
        sa.Column("received_at", db.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("error_kind", sa.String(length=80), nullable=False),
        sa.Column("update_type", sa.String(length=64), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dead_letters")),
    )


def downgrade() -> None:
    op.drop_table("dead_letters")
    op.drop_index("ix_update_inbox_handled_at", table_name="update_inbox")
    op.drop_table("update_inbox")
