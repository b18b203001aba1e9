"""one status for every community: waitlist, reopening, deadlines, paper documents

Revision ID: 0007
Revises: 0006

The status column is a plain string (no database enum, no CHECK constraint), so the two new
statuses (waitlisted, withdrawn) need no schema change; every existing row keeps its status,
which means the same in the new model (draft, submitted, approved, rejected).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import db.models

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("communities") as batch:
        batch.add_column(
            sa.Column("reopened_at", db.models.base.UTCDateTime(timezone=True), nullable=True)
        )
        batch.add_column(sa.Column("reopen_reason", sa.Text(), nullable=True))
        batch.add_column(sa.Column("deadline", sa.Date(), nullable=True))
        batch.add_column(sa.Column("waitlist_position", sa.Integer(), nullable=True))
        batch.add_column(
            sa.Column("documents_received", sa.JSON(), nullable=False, server_default="{}")
        )
    with op.batch_alter_table("program_dates") as batch:
        batch.add_column(sa.Column("application_deadline", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("program_dates") as batch:
        batch.drop_column("application_deadline")
    # Statuses the old model does not know fall back to the nearest one it does.
    op.execute("UPDATE communities SET status = 'submitted' WHERE status = 'waitlisted'")
    op.execute("UPDATE communities SET status = 'rejected' WHERE status = 'withdrawn'")
    with op.batch_alter_table("communities") as batch:
        batch.drop_column("documents_received")
        batch.drop_column("waitlist_position")
        batch.drop_column("deadline")
        batch.drop_column("reopen_reason")
        batch.drop_column("reopened_at")
