"""`python -m bot run --line`: serve LINE's webhook at /line/webhook until SIGINT or SIGTERM."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import signal

from aiohttp import web
from linebot.v3.messaging import AsyncApiClient, AsyncMessagingApi, Configuration

from bot.clock import Clock
from bot.program import load_program
from bot.services import Services
from bot.settings import Settings
from db.engine import Database
from handlers.line.webhook import WEBHOOK_PATH, build_line_webhook

logger = logging.getLogger(__name__)


def run_line(settings: Settings, *, listen: str, port: int, today: dt.date | None = None) -> int:
    """Upgrade the database, then serve the LINE webhook; return the exit code."""
    channel_secret, access_token = settings.line_credentials()
    asyncio.run(_serve(settings, channel_secret, access_token, listen, port, today))
    return 0


def build_services(settings: Settings, today: dt.date | None) -> Services:
    """The services of the LINE side alone (its own database engine, no scheduler)."""
    return Services(
        settings=settings,
        clock=Clock(settings.timezone, today=today),
        database=Database(settings.database_url),
        program=load_program(settings.PROGRAM_FILE),
    )


async def _serve(
    settings: Settings,
    channel_secret: str,
    access_token: str,
    listen: str,
    port: int,
    today: dt.date | None,
) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    services = build_services(settings, today)
    await services.database.migrate()
    await services.load_knowledge()
    configuration = Configuration(host=settings.LINE_API_BASE_URL, access_token=access_token)
    try:
        async with AsyncApiClient(configuration) as client:
            api = AsyncMessagingApi(client)
            api.line_base_path = settings.LINE_API_BASE_URL.rstrip("/")
            runner = web.AppRunner(
                build_line_webhook(services, api, channel_secret), access_log=None
            )
            await runner.setup()
            await web.TCPSite(runner, listen, port).start()
            logger.info("LINE webhook listening on http://%s:%d%s", listen, port, WEBHOOK_PATH)
            try:
                await stop.wait()
                logger.info("Stopping")
            finally:
                await runner.cleanup()
    finally:
        await services.database.dispose()
