"""The LINE webhook: verify X-Line-Signature on the raw body, then handle each event.

A missing signature or malformed body → 400, a wrong signature → 401, and nothing is handled.
A call's events are stored by their ``webhookEventId`` before the 200 (db/line_events.py) and
each is taken up once, so one LINE delivers again (a late 200, a redelivery) is skipped, and
one stored but not handled when the process stopped is handled at the next start. The 200 goes
out once the events are handled, or, when ``answer_within`` is set, once that long has passed:
the rest are handled after it. An event whose handling fails is logged without personal data
and skipped.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
from typing import Any

from aiohttp import web
from linebot.v3.messaging import ApiException, AsyncMessagingApi
from linebot.v3.webhook import SignatureValidator

from bot.services import Services
from db import line_events
from handlers.line.events import Profile, handle_event
from handlers.line.messenger import LineMessenger

logger = logging.getLogger(__name__)

WEBHOOK_PATH = "/line/webhook"
MAX_BODY = 1024 * 1024
# LINE redelivers an event for a while only; claims older than this are dropped.
KEEP_CLAIMS = dt.timedelta(days=7)
PRUNE_EVERY = dt.timedelta(hours=1)
# How long a served webhook call waits for its events' handling before LINE gets its 200: a
# few events are answered after their handling, a large batch once it is stored.
ANSWER_WITHIN_S = 1.0
# How long a stopping process lets the events being handled finish.
DRAIN_GRACE_S = 10.0


class LineWebhook:
    """What one webhook call does, apart from HTTP: verify, parse, handle every event."""

    def __init__(
        self,
        services: Services,
        api: AsyncMessagingApi,
        channel_secret: str,
        *,
        answer_within: float | None = None,
    ) -> None:
        self.services = services
        self.api = api
        self.validator = SignatureValidator(channel_secret)
        self.messenger = LineMessenger(api)
        self._pruned_at: dt.datetime | None = None
        self.answer_within = answer_within
        self._in_flight: set[asyncio.Task[None]] = set()

    async def lookup_profile(self, line_user_id: str) -> Profile | None:
        """A user's name and language as LINE has them; None when LINE does not say."""
        try:
            profile = await self.api.get_profile(line_user_id)
        except ApiException:
            return None
        return Profile(display_name=profile.display_name, language=profile.language)

    async def fetch_content(self, message_id: str) -> tuple[bytes, str] | None:
        """An image message's bytes and type, fetched at once: LINE keeps them only a while."""
        # The SDK's blob API always calls api-data.line.me; a stand-in serves it on its own host.
        data_host = self.services.settings.line_data_base_url
        try:
            response = await self.api.api_client.call_api(
                "/v2/bot/message/{messageId}/content",
                "GET",
                {"messageId": message_id},
                header_params={"Accept": "*/*"},
                response_types_map={"200": "bytearray"},
                auth_settings=["Bearer"],
                _return_http_data_only=False,
                _host=data_host,
            )
        except (ApiException, OSError, TimeoutError) as error:
            logger.info("a LINE image could not be fetched: %s", type(error).__name__)
            return None
        headers = response.headers or {}
        mime_type = str(headers.get("Content-Type") or "image/jpeg").split(";")[0].strip()
        return bytes(response.data), mime_type

    async def call(self, body: bytes, signature: str | None) -> tuple[int, str]:
        """Handle one call's raw body; return the HTTP status and text to answer with."""
        if not signature:
            return 400, "missing X-Line-Signature"
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            return 400, "body is not UTF-8"
        if not self.validator.validate(text, signature):
            logger.warning("refused a LINE webhook call with a wrong signature")
            return 401, "invalid signature"
        events = _events(text)
        if events is None:
            return 400, "not a LINE webhook body"
        await self._prune_old_claims()
        named = [(_event_id(event), event) for event in events]
        async with self.services.database.session() as session:
            stored = [(event_id, event) for event_id, event in named if event_id is not None]
            await line_events.store(session, stored, self.services.clock.now())
        handling = asyncio.ensure_future(self._handle_all(named))
        self._in_flight.add(handling)
        handling.add_done_callback(self._in_flight.discard)
        # Waiting does not cancel: when LINE is answered first, the handling goes on after.
        await asyncio.wait({handling}, timeout=self.answer_within)
        return 200, ""

    async def resume(self) -> int:
        """At start: handle the events stored but not taken up before; return how many."""
        async with self.services.database.session() as session:
            waiting = await line_events.never_taken_up(session)
        if waiting:
            logger.info("Handling %d LINE events left unhandled by the last run", len(waiting))
            await self._handle_all([(event_id, event) for event_id, event in waiting])
        return len(waiting)

    async def drain(self, grace: float) -> None:
        """At stop: let the events being handled finish for up to ``grace`` seconds (what is
        not taken up by then stays stored for the next start)."""
        if self._in_flight:
            await asyncio.wait(set(self._in_flight), timeout=grace)

    async def _handle_all(self, events: list[tuple[str | None, dict[str, Any]]]) -> None:
        for event_id, event in events:
            try:
                if event_id is not None and not await self._take_up(event_id):
                    logger.info("skipped a LINE event taken up before (%s)", event_id)
                    continue
            except Exception as exc:  # stored, so the next start handles it
                logger.error("a LINE event could not be taken up: %s", type(exc).__name__)
                continue
            await _handle(
                self.services, self.messenger, event, self.lookup_profile, self.fetch_content
            )
            if event_id is not None:
                try:
                    async with self.services.database.session() as session:
                        now = self.services.clock.now()
                        await line_events.mark_handled(session, event_id, now)
                except Exception as exc:  # handled; only the bookkeeping is missing
                    logger.error("a LINE event's handling was not recorded: %s", type(exc).__name__)

    async def _take_up(self, event_id: str) -> bool:
        async with self.services.database.session() as session:
            return await line_events.take_up(session, event_id, self.services.clock.now())

    async def _prune_old_claims(self) -> None:
        now = self.services.clock.now()
        if self._pruned_at is not None and now - self._pruned_at < PRUNE_EVERY:
            return
        self._pruned_at = now
        async with self.services.database.session() as session:
            await line_events.forget_before(session, now - KEEP_CLAIMS)


def build_line_webhook(
    services: Services, api: AsyncMessagingApi, channel_secret: str
) -> web.Application:
    """The aiohttp application serving LINE's webhook calls."""
    return line_web_application(LineWebhook(services, api, channel_secret))


def line_web_application(handler: LineWebhook) -> web.Application:
    """An aiohttp application with ``handler`` at WEBHOOK_PATH."""

    async def webhook(request: web.Request) -> web.Response:
        status, text = await handler.call(
            await request.read(), request.headers.get("X-Line-Signature")
        )
        return web.Response(status=status, text=text or None)

    app = web.Application(client_max_size=MAX_BODY)
    app.router.add_post(WEBHOOK_PATH, webhook)
    return app


def _event_id(event: dict[str, Any]) -> str | None:
    event_id = event.get("webhookEventId")
    return event_id[:64] if isinstance(event_id, str) and event_id else None


def _events(text: str) -> list[dict[str, Any]] | None:
    try:
        payload = json.loads(text)
    except ValueError:
        return None
    if not isinstance(payload, dict) or not isinstance(payload.get("events"), list):
        return None
    return [event for event in payload["events"] if isinstance(event, dict)]


async def _handle(
    services: Services,
    messenger: LineMessenger,
    event: dict[str, Any],
    lookup_profile: Any,
    fetch_content: Any,
) -> None:
    try:
        outcome = await handle_event(services, event, lookup_profile, fetch_content)
        if outcome is not None and outcome.reply is not None:
            await messenger.reply(outcome.to, outcome.reply_token, outcome.reply)
    except Exception as exc:  # one bad event must not stop the others
        logger.error("a LINE %s event failed: %s", str(event.get("type"))[:20], type(exc).__name__)
