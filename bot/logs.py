"""Logging set-up: plain or JSON lines, quiet libraries, no token and no personal data.

Personal data (names, usernames, message texts) is never logged unless LOG_PERSONAL_DATA asks
for it: python-telegram-bot's debug lines carry whole updates and requests, so its loggers stay
quieter. User ids appear only as ``user_ref``: a short keyed hash, the same in every process of
one deployment (so lines of one user can be followed) but not reversible without the key.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import re
import secrets

# Telegram bot tokens: digits, a colon, 35 URL-safe characters.
_TOKEN = re.compile(r"\d{5,12}:[A-Za-z0-9_-]{30,}")
_NOISY = ("httpx", "httpcore", "apscheduler", "aiosqlite", "alembic", "tornado.access")
# Below these levels their lines quote updates, API calls or SQL parameters: names, usernames,
# message texts and user ids (SQLAlchemy's INFO is its SQL echo; the stand-in plays Telegram in
# the console and quotes every message).
_PERSONAL_BELOW = {
    "telegram": logging.INFO,
    "bot.standin": logging.INFO,
    "httpx": logging.WARNING,
    "httpcore": logging.WARNING,
    "aiosqlite": logging.WARNING,
    "asyncpg": logging.WARNING,
    "sqlalchemy": logging.WARNING,
}


class _Privacy:
    personal_data = False
    key = secrets.token_bytes(16)  # until set_personal_data gives the deployment's key


def set_personal_data(allowed: bool, key: bytes | None = None) -> None:
    """Whether logs may carry personal data, and the key of ``user_ref``."""
    _Privacy.personal_data = allowed
    if key:
        _Privacy.key = key


class DropPersonalData(logging.Filter):
    """Drops the library lines that quote personal data, unless LOG_PERSONAL_DATA is on."""

    def filter(self, record: logging.LogRecord) -> bool:
        if _Privacy.personal_data:
            return True
        for name, minimum in _PERSONAL_BELOW.items():
            if record.name == name or record.name.startswith(name + "."):
                return record.levelno >= minimum
        return True


def personal_data_logged() -> bool:
    """Whether LOG_PERSONAL_DATA turned personal data in logs on."""
    return _Privacy.personal_data


def user_ref(user_id: int | None) -> str:
    """How a log line names a user: a short keyed hash of the id (the id itself only with
    LOG_PERSONAL_DATA)."""
    if user_id is None:
        return "?"
    if _Privacy.personal_data:
        return str(user_id)
    digest = hmac.new(_Privacy.key, str(user_id).encode(), hashlib.sha256).hexdigest()
    return f"u-{digest[:10]}"


class RedactTokens(logging.Filter):
    """Masks anything shaped like a bot token, whoever logged it."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if _TOKEN.search(message):
            record.msg = _TOKEN.sub("<token>", message)
            record.args = None
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line, for log collectors."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(level: int, *, json_lines: bool = False) -> None:
    """Log to stderr at ``level``; libraries that narrate every request stay at WARNING."""
    handler = logging.StreamHandler()
    handler.addFilter(RedactTokens())
    handler.addFilter(DropPersonalData())
    if json_lines:
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in _NOISY:
        logging.getLogger(name).setLevel(logging.WARNING)
