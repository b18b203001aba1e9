"""Alembic environment: runs on the connection the application hands over."""

from __future__ import annotations

from alembic import context

from db.models import Base

target_metadata = Base.metadata


def run() -> None:
    """Run migrations on the given connection (online) or emit SQL (offline)."""
    connection = context.config.attributes.get("connection")
    if connection is None:
        context.configure(
            url=context.config.get_main_option("sqlalchemy.url"),
            target_metadata=target_metadata,
            literal_binds=True,
            render_as_batch=True,
        )
        with context.begin_transaction():
            context.run_migrations()
        return
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


run()
