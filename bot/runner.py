"""Running the bot for real: long polling (default) or a webhook behind a reverse proxy.

With ``line`` the LINE webhook is served in the same process, on the same services (database,
Q&A engine, scheduler): beside the polling on ``--listen``/``--port``, or on the Telegram
webhook's own server.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import secrets
import signal
from dataclasses import dataclass
from typing import Any

from telegram.error import InvalidToken, NetworkError, TelegramError
from telegram.ext import Application

from bot.app import build_application, on_shutdown, on_startup, services_of
from bot.clock import Clock
from bot.intake import intake_of
from bot.polling import poll
from bot.settings import BotApiUnreachable, Settings, SettingsError
from db.engine import migrate_blocking

logger = logging.getLogger(__name__)

STOP_GRACE_SECONDS = 10.0


def _api_host(settings: Settings) -> str:
    return settings.TELEGRAM_API_BASE_URL.split("/bot")[0]


def _unreachable(settings: Settings, error: TelegramError) -> BotApiUnreachable:
    if isinstance(error, InvalidToken):
        return BotApiUnreachable(
            f"the Bot API at {_api_host(settings)} refused TELEGRAM_BOT_TOKEN; check the token"
        )
    return BotApiUnreachable(
        f"cannot reach the Telegram Bot API at {_api_host(settings)} "
        f"({type(error).__name__}); check TELEGRAM_API_BASE_URL and the network, then start again"
    )


@dataclass(frozen=True)
class LineListen:
    """Where the LINE webhook listens beside Telegram's long polling."""

    listen: str
    port: int


def run_polling(
    settings: Settings, today: dt.date | None = None, *, line: LineListen | None = None
) -> int:
    """Upgrade the database, then poll (and serve LINE, with ``line``) until SIGINT or
    SIGTERM; return the exit code."""
    token = settings.token()
    if line is not None:
        settings.line_credentials()
    application = build_application(
        settings, Clock(settings.timezone, today=today), token=token, updater=False
    )
    try:
        asyncio.run(_poll(application, settings, line))
    except (NetworkError, InvalidToken) as error:
        raise _unreachable(settings, error) from None
    return 0


async def _poll(
    application: Application[Any, Any, Any, Any, Any, Any],
    settings: Settings,
    line: LineListen | None,
) -> None:
    # One event loop from migration to shutdown (PTB's run_polling would need a second one
    # for the migration, since the persistence reads the tables while initialising).
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    await services_of(application).database.migrate()
    await application.initialize()
    intake = intake_of(application)
    try:
        await on_startup(application)
        await application.start()
        # What the last run stored but did not finish goes first, then new updates.
        await intake.resume()
        async with contextlib.AsyncExitStack() as beside:
            if line is not None:
                from bot.line_runner import serve_line

                services = services_of(application)
                await beside.enter_async_context(serve_line(services, line.listen, line.port))
            logger.info("Polling %s", _api_host(settings))
            await poll(application, intake, stop)
            logger.info("Stopping")
    finally:
        # Updates still being handled get a moment; what is cut short stays in the inbox.
        await intake.lanes.stop(grace=STOP_GRACE_SECONDS)
        if application.running:
            await application.stop()
        # Shutdown saves the persistence, so the database is closed only after it.
        await application.shutdown()
        await on_shutdown(application)


def run_webhook(
    settings: Settings,
    public_url: str,
    *,
    listen: str = "127.0.0.1",
    port: int = 8443,
    today: dt.date | None = None,
    line: bool = False,
) -> int:
    """Upgrade the database, register the webhook and serve it (and LINE's, with ``line``)
    until SIGINT or SIGTERM."""
    from bot.webhook import serve_webhook

    if not public_url.startswith("https://"):
        raise SettingsError("--webhook: Telegram only posts to an https:// URL")
    token = settings.token()
    if line:
        settings.line_credentials()
    secret = (
        settings.WEBHOOK_SECRET_TOKEN.get_secret_value()
        if settings.WEBHOOK_SECRET_TOKEN
        else secrets.token_urlsafe(32)
    )
    migrate_blocking(settings.database_url)
    application = build_application(
        settings, Clock(settings.timezone, today=today), token=token, updater=False
    )
    try:
        asyncio.run(
            serve_webhook(
                application,
                public_url=public_url,
                secret=secret,
                listen=listen,
                port=port,
                line=line,
            )
        )
    except (NetworkError, InvalidToken) as error:
        raise _unreachable(settings, error) from None
    return 0
