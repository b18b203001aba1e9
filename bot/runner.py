"""Running the bot for real: long polling against Telegram (or TELEGRAM_API_BASE_URL)."""

from __future__ import annotations

import datetime as dt
import logging

from telegram import Update

from bot.app import build_application
from bot.clock import Clock
from bot.settings import Settings
from db.engine import migrate_blocking

logger = logging.getLogger(__name__)


def run_polling(settings: Settings, today: dt.date | None = None) -> int:
    """Upgrade the database, then poll until SIGINT or SIGTERM; return the exit code."""
    token = settings.token()
    migrate_blocking(settings.database_url)
    application = build_application(settings, Clock(settings.timezone, today=today), token=token)
    logger.info("Polling %s", settings.TELEGRAM_API_BASE_URL.split("/bot")[0])
    # PTB stops cleanly on SIGINT/SIGTERM/SIGABRT and saves the persistence on the way out.
    application.run_polling(allowed_updates=Update.ALL_TYPES)
    return 0
