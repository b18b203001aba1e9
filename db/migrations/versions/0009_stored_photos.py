"""photos kept in the database (LINE's, fetched when sent)

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "stored_photos",
        sa.Column("reference", sa.String(length=80), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("mime_type", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("reference", name=op.f("pk_stored_photos")),
    )


def downgrade() -> None:
    op.drop_table("stored_photos")
