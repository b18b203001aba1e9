"""LINE webhook events stored before their 200 and taken up once, so none is handled twice

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import db.models

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "handled_line_events",
        sa.Column("webhook_event_id", sa.String(length=64), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=True),
        sa.Column("received_at", db.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("started_at", db.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("handled_at", db.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("webhook_event_id", name=op.f("pk_handled_line_events")),
    )
    op.create_index(
        "ix_handled_line_events_received_at",
        "handled_line_events",
        ["received_at"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_handled_line_events_received_at", table_name="handled_line_events")
    op.drop_table("handled_line_events")
