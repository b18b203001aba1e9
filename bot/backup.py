"""`python -m bot backup`: a consistent copy of the database while the bot keeps running."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

from sqlalchemy.engine import make_url

from bot.settings import Settings, SettingsError
from db.engine import create_private_file


def backup_sqlite(source: Path, target: Path) -> Path:
    """Copy a live SQLite database page by page (SQLite's online backup: consistent in WAL)."""
    if not source.exists():
        raise SettingsError(f"DATABASE_URL: no database at {source} (run the bot or migrate first)")
    # A copy of every teacher's name: readable by the bot's user only (0600 in a 0700 folder).
    create_private_file(target)
    with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    target.chmod(0o600)
    return target


def default_target(settings: Settings, now: dt.datetime) -> Path:
    """backups/bot-YYYYmmdd-HHMMSS.sqlite3 in the data directory."""
    return settings.BOT_DATA_DIR / "backups" / f"bot-{now:%Y%m%d-%H%M%S}.sqlite3"


def run_backup(settings: Settings, output: str | None) -> tuple[int, str]:
    """Back up the configured database; return the exit code and what to tell the user."""
    url = make_url(settings.database_url)
    if url.get_backend_name() != "sqlite":
        safe = url.set(drivername="postgresql", password=None)
        return 1, (
            "PostgreSQL: use its own tool for a consistent backup, for example\n"
            f"  pg_dump --format=custom --file=bot-$(date +%F).dump '{safe.render_as_string()}'"
        )
    now = dt.datetime.now(settings.timezone)
    target = Path(output) if output else default_target(settings, now)
    backup_sqlite(Path(url.database or ""), target)
    return 0, f"backup written to {target}"
