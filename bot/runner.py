"""Running the bot for real: long polling (default) or a webhook behind a reverse proxy."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import secrets

from telegram import Update

from bot.app import build_application
from bot.clock import Clock
from bot.settings import Settings, SettingsError
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


def run_webhook(
    settings: Settings,
    public_url: str,
    *,
    listen: str = "127.0.0.1",
    port: int = 8443,
    today: dt.date | None = None,
) -> int:
    """Upgrade the database, register the webhook and serve it until SIGINT or SIGTERM."""
    from bot.webhook import serve_webhook

    if not public_url.startswith("https://"):
        raise SettingsError("--webhook: Telegram only posts to an https:// URL")
    token = settings.token()
    secret = (
        settings.WEBHOOK_SECRET_TOKEN.get_secret_value()
        if settings.WEBHOOK_SECRET_TOKEN
        else secrets.token_urlsafe(32)
    )
    migrate_blocking(settings.database_url)
    application = build_application(
        settings, Clock(settings.timezone, today=today), token=token, updater=False
    )
    asyncio.run(
        serve_webhook(application, public_url=public_url, secret=secret, listen=listen, port=port)
    )
    return 0
