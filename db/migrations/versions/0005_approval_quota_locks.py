"""approval quota lock rows, so several bot processes never approve past the quota

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "approval_quota_locks",
        sa.Column("program_year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("type_key", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("program_year", "type_key", name=op.f("pk_approval_quota_locks")),
    )


def downgrade() -> None:
    op.drop_table("approval_quota_locks")
