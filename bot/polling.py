"""Long polling that confirms an update to Telegram only once it is stored.

PTB's Updater parses each fetched batch as a whole (one unparsable update fails them all, the
offset never moves and the same batch is fetched forever) and confirms a batch as soon as it
is queued in memory. Here getUpdates goes through the bot's own HTTP request and its answer
stays raw JSON: the batch is written to the inbox (bot/intake.py) first, and only the next
getUpdates, whose offset confirms it, comes after that commit.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from telegram.error import Conflict, InvalidToken, RetryAfter, TelegramError
from telegram.ext import Application
from telegram.request import BaseRequest, RequestData

# Not re-exported by telegram.request, but the type RequestData is built from (PTB 22).
from telegram.request._requestparameter import RequestParameter

from bot.intake import HANDLED_UPDATE_TYPES, UpdateIntake

logger = logging.getLogger(__name__)

POLL_TIMEOUT_SECONDS = 10
BATCH_LIMIT = 100
# Short enough that a teacher who wrote during an outage is answered soon after it ends.
MAX_BACKOFF_SECONDS = 10.0


def _get_updates_request(application: Application[Any, Any, Any, Any, Any, Any]) -> BaseRequest:
    # The bot's request object for getUpdates (PTB keeps it apart from the one for replies, so
    # a long poll never holds a connection a reply needs); PTB initialises and closes it.
    return application.bot._request[0]


async def poll(
    application: Application[Any, Any, Any, Any, Any, Any],
    intake: UpdateIntake,
    stop: asyncio.Event,
    *,
    poll_seconds: int = POLL_TIMEOUT_SECONDS,
) -> None:
    """Fetch, store and dispatch updates until ``stop`` is set."""
    request = _get_updates_request(application)
    url = f"{application.bot.base_url}/getUpdates"
    offset = await intake.next_offset()
    failures = 0
    while not stop.is_set():
        await intake.wait_for_room()
        parameters = [
            RequestParameter.from_input("timeout", poll_seconds),
            RequestParameter.from_input("limit", BATCH_LIMIT),
            RequestParameter.from_input("allowed_updates", list(HANDLED_UPDATE_TYPES)),
        ]
        if offset is not None:
            parameters.append(RequestParameter.from_input("offset", offset))
        fetch = asyncio.ensure_future(
            request.post(url, RequestData(parameters), read_timeout=poll_seconds + 10)
        )
        stopping = asyncio.ensure_future(stop.wait())
        await asyncio.wait({fetch, stopping}, return_when=asyncio.FIRST_COMPLETED)
        stopping.cancel()
        if not fetch.done():
            # Stopping: whatever this poll would bring stays unconfirmed at Telegram.
            fetch.cancel()
            await asyncio.gather(fetch, return_exceptions=True)
            return
        try:
            batch = fetch.result()
        except InvalidToken:
            raise
        except RetryAfter as exc:
            # Telegram says how long to wait: no more (backing off further only delays answers).
            wait = float(exc.retry_after if isinstance(exc.retry_after, int | float)
                         else exc.retry_after.total_seconds())
            logger.warning("getUpdates was rate limited; trying again in %.1f s", wait)
            await _sleep_unless_stopped(stop, wait)
            continue
        except (Conflict, TelegramError) as exc:
            failures += 1
            wait = min(MAX_BACKOFF_SECONDS, 0.5 * 2 ** min(failures, 6))
            logger.warning(
                "getUpdates failed (%s); trying again in %.1f s", type(exc).__name__, wait
            )
            await _sleep_unless_stopped(stop, wait)
            continue
        failures = 0
        if not isinstance(batch, list):
            logger.error("getUpdates answered something that is not a list; ignored")
            await _sleep_unless_stopped(stop, 1.0)
            continue
        if not batch:
            continue
        try:
            highest = await intake.accept(batch)
        except Exception:
            # Not stored, so not confirmed: the same batch comes again.
            logger.exception("Could not store received updates; fetching them again")
            await _sleep_unless_stopped(stop, 1.0)
            continue
        if highest is not None:
            offset = highest + 1


async def _sleep_unless_stopped(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)
