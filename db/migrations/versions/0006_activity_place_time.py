"""an activity's place, its start and end time, and its minutes or reflection

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Nullable: the activities logged before these fields existed have no place or time.
    with op.batch_alter_table("activities") as batch:
        batch.add_column(sa.Column("place", sa.String(length=100), nullable=True))
        batch.add_column(sa.Column("start_time", sa.Time(), nullable=True))
        batch.add_column(sa.Column("end_time", sa.Time(), nullable=True))
        batch.add_column(sa.Column("reflection", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("activities") as batch:
        batch.drop_column("reflection")
        batch.drop_column("end_time")
        batch.drop_column("start_time")
        batch.drop_column("place")
