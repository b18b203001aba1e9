"""Webhook mode: Telegram posts updates to our HTTPS endpoint (behind a reverse proxy).

PTB's own webhook server offers no extra routes, so this small tornado server (tornado comes
with python-telegram-bot[webhooks]) serves both the webhook and `/health`. Every webhook
request must carry Telegram's secret token header; anything else gets 403. A body that is not
an update (not a JSON object, no integer update_id, fields of the wrong type) gets 400 and
never reaches the database; an update is answered 200 only once it is stored in the inbox.
With LINE on (``run --webhook URL --line``), the same server also serves LINE's webhook at
/line/webhook, checked by LINE's own signature rather than Telegram's secret.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
import signal
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import text
from telegram.ext import Application
from tornado.httpserver import HTTPServer
from tornado.web import Application as WebApplication
from tornado.web import RequestHandler

from bot.app import services_of
from bot.intake import HANDLED_UPDATE_TYPES, InvalidUpdate, check_update, intake_of
from handlers.line.webhook import WEBHOOK_PATH as LINE_WEBHOOK_PATH
from handlers.line.webhook import LineWebhook

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_BODY_BYTES = 1_000_000


class WebhookHandler(RequestHandler):
    """Receives one update from Telegram, stores it in the inbox and starts handling it."""

    def initialize(
        self, bot_application: Application[Any, Any, Any, Any, Any, Any], secret: str
    ) -> None:
        self.bot_application = bot_application
        self.secret = secret

    async def post(self) -> None:
        given = self.request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), self.secret.encode()):
            logger.warning("Webhook request without the right secret token refused")
            self.set_status(403)
            return
        try:
            payload = json.loads(self.request.body)
            check_update(payload)
        except InvalidUpdate as problem:
            logger.warning("Webhook request refused: not an update (%s)", problem.kind)
            self.set_status(400)
            return
        except (ValueError, RecursionError):
            # Not JSON (or nested deeper than the parser goes).
            logger.warning("Webhook request refused: not JSON")
            self.set_status(400)
            return
        try:
            # Stored before the 200: Telegram sends the update again until it gets one.
            await intake_of(self.bot_application).store_one(payload)
        except Exception:
            logger.exception("Could not store a webhook update; Telegram will send it again")
            self.set_status(503)
            return
        self.set_status(200)


class HealthHandler(RequestHandler):
    """Says whether the bot is running and its database answers."""

    def initialize(self, bot_application: Application[Any, Any, Any, Any, Any, Any]) -> None:
        self.bot_application = bot_application

    async def get(self) -> None:
        database_ok = True
        try:
            database = services_of(self.bot_application).database
            async with database.engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
        except Exception:
            logger.exception("Health check: the database does not answer")
            database_ok = False
        running = self.bot_application.running
        healthy = database_ok and running
        self.set_status(200 if healthy else 503)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps({"ok": healthy, "running": running, "database": database_ok}))


class LineHandler(RequestHandler):
    """Receives one call from LINE and hands it to the LINE webhook handling."""

    def initialize(self, line: LineWebhook) -> None:
        self.line = line

    async def post(self) -> None:
        status, text = await self.line.call(
            self.request.body, self.request.headers.get("X-Line-Signature")
        )
        self.set_status(status)
        self.finish(text)


def web_application(
    application: Application[Any, Any, Any, Any, Any, Any],
    url_path: str,
    secret: str,
    line: LineWebhook | None = None,
) -> WebApplication:
    """The tornado routes: the webhook at ``url_path``, ``/health`` and LINE's, if given."""
    routes: list[Any] = [
        (url_path, WebhookHandler, {"bot_application": application, "secret": secret}),
        ("/health", HealthHandler, {"bot_application": application}),
    ]
    if line is not None:
        routes.append((LINE_WEBHOOK_PATH, LineHandler, {"line": line}))
    return WebApplication(routes)


async def serve_webhook(
    application: Application[Any, Any, Any, Any, Any, Any],
    *,
    public_url: str,
    secret: str,
    listen: str,
    port: int,
    line: bool = False,
) -> None:
    """Register the webhook with Telegram and serve until SIGINT/SIGTERM."""
    async with contextlib.AsyncExitStack() as stack:
        line_handler = None
        if line:
            from bot.line_runner import line_webhook

            line_handler = await stack.enter_async_context(line_webhook(services_of(application)))
        await _serve(application, public_url, secret, listen, port, line_handler)


async def _serve(
    application: Application[Any, Any, Any, Any, Any, Any],
    public_url: str,
    secret: str,
    listen: str,
    port: int,
    line: LineWebhook | None,
) -> None:
    url_path = urlsplit(public_url).path or "/"
    server = HTTPServer(
        web_application(application, url_path, secret, line), max_body_size=MAX_BODY_BYTES
    )
    server.listen(port, address=listen)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    await application.initialize()
    intake = intake_of(application)
    try:
        if application.post_init is not None:
            await application.post_init(application)
        await application.start()
        await intake.resume()
        await application.bot.set_webhook(
            public_url, secret_token=secret, allowed_updates=list(HANDLED_UPDATE_TYPES)
        )
        logger.info("Serving the webhook on %s:%s%s", listen, port, url_path)
        if line is not None:
            logger.info("Serving LINE's webhook on %s:%s%s", listen, port, LINE_WEBHOOK_PATH)
        await stop.wait()
        logger.info("Stopping")
    finally:
        server.stop()
        await intake.lanes.stop(grace=10.0)
        if application.running:
            await application.stop()
        # Shutdown saves the persistence, so the database is closed only after it.
        await application.shutdown()
        if application.post_shutdown is not None:
            await application.post_shutdown(application)
