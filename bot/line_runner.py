"""Serving LINE's webhook at /line/webhook: alone (`run --line` without a Telegram token), or
beside the Telegram bot in the same process, on the Telegram side's services."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import signal
from collections.abc import AsyncIterator

from aiohttp import web
from linebot.v3.messaging import AsyncApiClient, AsyncMessagingApi, Configuration

from bot.clock import Clock
from bot.program import load_program
from bot.services import Services
from bot.settings import Settings
from db.engine import Database
from handlers.line.push import LinePusher
from handlers.line.webhook import (
    ANSWER_WITHIN_S,
    DRAIN_GRACE_S,
    WEBHOOK_PATH,
    LineWebhook,
    line_web_application,
)
from reminders.scheduler import ReminderScheduler

logger = logging.getLogger(__name__)


def run_line(settings: Settings, *, listen: str, port: int, today: dt.date | None = None) -> int:
    """Upgrade the database, then serve the LINE webhook; return the exit code."""
    settings.line_credentials()
    asyncio.run(_serve(settings, listen, port, today))
    return 0


def build_services(settings: Settings, today: dt.date | None) -> Services:
    """The services of the LINE side alone (its own database engine; _serve adds the reminders)."""
    return Services(
        settings=settings,
        clock=Clock(settings.timezone, today=today),
        database=Database(settings.database_url),
        program=load_program(settings.PROGRAM_FILE),
    )


@contextlib.asynccontextmanager
async def line_webhook(services: Services) -> AsyncIterator[LineWebhook]:
    """The LINE webhook handling on ``services``, its LINE API client open meanwhile."""
    channel_secret, access_token = services.settings.line_credentials()
    base_url = services.settings.LINE_API_BASE_URL.rstrip("/")
    configuration = Configuration(host=base_url, access_token=access_token)
    async with AsyncApiClient(configuration) as client:
        api = AsyncMessagingApi(client)
        api.line_base_path = base_url
        # Reminders and broadcasts reach LINE users through this process's pushes meanwhile.
        services.push_channel = LinePusher(services, api)
        webhook = LineWebhook(services, api, channel_secret, answer_within=ANSWER_WITHIN_S)
        try:
            # What the last run stored but did not take up (it stopped after the 200) first.
            await webhook.resume()
            yield webhook
        finally:
            await webhook.drain(DRAIN_GRACE_S)
            services.push_channel = None


@contextlib.asynccontextmanager
async def serve_line(services: Services, listen: str, port: int) -> AsyncIterator[None]:
    """Serve the LINE webhook on ``listen:port`` meanwhile."""
    async with line_webhook(services) as webhook:
        runner = web.AppRunner(line_web_application(webhook), access_log=None)
        await runner.setup()
        try:
            await web.TCPSite(runner, listen, port).start()
            logger.info("LINE webhook listening on http://%s:%d%s", listen, port, WEBHOOK_PATH)
            yield
        finally:
            await runner.cleanup()


async def _serve(settings: Settings, listen: str, port: int, today: dt.date | None) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    services = build_services(settings, today)
    await services.database.migrate()
    await services.load_knowledge()
    try:
        async with serve_line(services, listen, port):
            # The reminders run here too: LINE users get them by push (Telegram users' wait
            # for a process that serves Telegram).
            scheduler = ReminderScheduler(services, None)
            services.scheduler = scheduler
            await scheduler.start()
            try:
                await stop.wait()
                logger.info("Stopping")
            finally:
                await scheduler.stop()
                services.scheduler = None
    finally:
        await services.database.dispose()
