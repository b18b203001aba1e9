"""Logging set-up: plain or JSON lines, quiet libraries, and no token in any record."""

from __future__ import annotations

import datetime as dt
import json
import logging
import re

# Telegram bot tokens: digits, a colon, 35 URL-safe characters.
_TOKEN = re.compile(r"\d{5,12}:[A-Za-z0-9_-]{30,}")
_NOISY = ("httpx", "httpcore", "apscheduler", "aiosqlite", "alembic", "tornado.access")


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
    if json_lines:
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in _NOISY:
        logging.getLogger(name).setLevel(logging.WARNING)
