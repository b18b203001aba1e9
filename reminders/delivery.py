"""Sending pending deliveries to Telegram, at Telegram's pace; shared by reminders and broadcasts.

Every message is a Delivery row written beforehand; a row is claimed (pending → sending,
compare-and-set) and committed before the call and its outcome committed after it, so no row
is ever sent twice. A process that dies during the call leaves the row in 'sending'; the next
start marks its outcome unknown instead of sending again (at most once for that one message
per worker). A call that times out is recorded the same way: Telegram may well have delivered
it, so it is neither sent again nor counted as failed.

The messages about a sending to the staff member who started it (edit_notice, send_notice)
go out in slots of the same limiter.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from telegram import InlineKeyboardMarkup, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.ext import ExtBot

from bot.channels import PushChannel, PushResult, reached_by_push
from bot.pacing import RateLimiter
from db import deliveries, users
from db.deliveries import TIMED_OUT, PendingDelivery
from db.engine import Database
from db.models import DeliveryStatus, utcnow

logger = logging.getLogger(__name__)

# This layer handles 429 itself (pausing the shared limiter), so the bot-wide retry stays out.
NO_RETRY = {"retry": False}

# Connection failures (the request never left) are retried this often, then left pending.
NETWORK_RETRIES = 3
NETWORK_BACKOFF_SECONDS = 1.0
# A 429 is obeyed this often for one message; after that it is left pending for the next run.
RATE_LIMIT_RETRIES = 5
BATCH_SIZE = 200
WORKERS = 6
PROGRESS_EVERY = 50


@dataclass
class DeliveryReport:
    """What one run of deliver_pending did, and how much is left."""

    sent: int = 0
    blocked: int = 0
    failed: int = 0
    unknown: int = 0
    retried_429: int = 0
    left_pending: int = 0
    over_budget: int = 0  # pushes to another messenger held back by its monthly budget

    @property
    def handled(self) -> int:
        """Messages with a final outcome in this run (an unknown outcome is final too)."""
        return self.sent + self.blocked + self.failed + self.unknown + self.over_budget


ProgressCallback = Callable[[DeliveryReport], Awaitable[None]]


def _seconds(value: object) -> float:
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    return float(value)  # type: ignore[arg-type]


async def _finish(
    database: Database,
    item: PendingDelivery,
    status: DeliveryStatus,
    *,
    message_id: int | None = None,
    error: str | None = None,
) -> None:
    async with database.session() as session:
        await deliveries.finish(
            session, item.id, status, when=utcnow(), message_id=message_id, error=error
        )
        if status == DeliveryStatus.BLOCKED:
            await users.mark_blocked(session, item.user_id)


NO_CHANNEL = "the messenger of this user is not served by this process"
OVER_BUDGET = "this month's push budget is used up"


async def _push_one(
    database: Database,
    channel: PushChannel | None,
    item: PendingDelivery,
    report: DeliveryReport,
) -> None:
    """A delivery to a user of another messenger (LINE), through its push."""
    if channel is None:
        await _finish(database, item, DeliveryStatus.FAILED, error=NO_CHANNEL)
        report.failed += 1
        return
    result = await channel.push(item.user_id, item.text)
    if result == PushResult.SENT:
        await _finish(database, item, DeliveryStatus.SENT)
        report.sent += 1
    elif result == PushResult.OVER_BUDGET:
        await _finish(database, item, DeliveryStatus.FAILED, error=OVER_BUDGET)
        report.over_budget += 1
    else:
        await _finish(database, item, DeliveryStatus.FAILED, error="the push failed")
        report.failed += 1


async def _send_one(
    database: Database,
    bot: ExtBot[Any] | None,
    limiter: RateLimiter,
    item: PendingDelivery,
    report: DeliveryReport,
    channel: PushChannel | None = None,
) -> None:
    if bot is None and not reached_by_push(item.user_id):
        # A process serving LINE alone: Telegram users wait for a process that serves Telegram.
        report.left_pending += 1
        return
    if reached_by_push(item.user_id):
        async with database.session() as session:
            if not await deliveries.claim(session, item.id):
                return  # another sender has it
        await _push_one(database, channel, item, report)
        return
    assert bot is not None
    # Wait for the pace before claiming: a row is 'sending' only while its call is in flight,
    # so a crash leaves at most the messages actually being sent unknown.
    await limiter.acquire(item.user_id)
    async with database.session() as session:
        if not await deliveries.claim(session, item.id):
            return  # another sender has it
    rate_limited = network_failures = 0
    while True:
        try:
            message = await bot.send_message(
                item.user_id,
                item.text,
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
                rate_limit_args=NO_RETRY,
            )
        except RetryAfter as exc:
            rate_limited += 1
            report.retried_429 += 1
            limiter.pause(_seconds(exc.retry_after))
            if rate_limited > RATE_LIMIT_RETRIES:
                await _finish(database, item, DeliveryStatus.PENDING, error="rate limited")
                report.left_pending += 1
                return
            await limiter.acquire(item.user_id)
            continue
        except Forbidden as exc:
            await _finish(database, item, DeliveryStatus.BLOCKED, error=exc.message)
            report.blocked += 1
            return
        except BadRequest as exc:
            await _finish(database, item, DeliveryStatus.FAILED, error=exc.message)
            report.failed += 1
            return
        except TimedOut:
            # The request may have reached Telegram: do not send it again, and do not call it
            # failed either (with slow answers most of these did arrive).
            await _finish(database, item, DeliveryStatus.UNKNOWN, error=TIMED_OUT)
            report.unknown += 1
            return
        except NetworkError as exc:
            network_failures += 1
            if network_failures > NETWORK_RETRIES:
                await _finish(database, item, DeliveryStatus.PENDING, error=exc.message)
                report.left_pending += 1
                return
            await asyncio.sleep(NETWORK_BACKOFF_SECONDS * network_failures)
            await limiter.acquire(item.user_id)
            continue
        await _finish(database, item, DeliveryStatus.SENT, message_id=message.message_id)
        report.sent += 1
        return


async def deliver_pending(
    database: Database,
    bot: ExtBot[Any] | None,
    limiter: RateLimiter,
    *,
    reminder_id: int | None = None,
    broadcast_id: int | None = None,
    progress: ProgressCallback | None = None,
    keep_going: Callable[[], bool] | None = None,
    workers: int = WORKERS,
    channel: PushChannel | None = None,
) -> DeliveryReport:
    """Send every pending delivery of one reminder or one broadcast; return what happened.

    Users of another messenger (LINE) are reached through ``channel``'s push; without ``bot``
    (LINE served alone) Telegram users' deliveries stay pending.

    ``progress`` is awaited every PROGRESS_EVERY messages and once at the end;
    ``keep_going`` is asked before each message (False stops early, the rest stay pending).
    """
    report = DeliveryReport()
    last_id = 0
    reported = 0
    stopped = False
    while not stopped:
        async with database.session() as session:
            batch = await deliveries.pending(
                session,
                reminder_id=reminder_id,
                broadcast_id=broadcast_id,
                after_id=last_id,
                limit=BATCH_SIZE,
            )
        if not batch:
            break
        last_id = batch[-1].id
        queue: asyncio.Queue[PendingDelivery] = asyncio.Queue()
        for item in batch:
            queue.put_nowait(item)

        async def worker(queue: asyncio.Queue[PendingDelivery]) -> None:
            nonlocal reported, stopped
            while not queue.empty():
                if keep_going is not None and not keep_going():
                    stopped = True
                    return
                await _send_one(database, bot, limiter, queue.get_nowait(), report, channel)
                if progress is not None and report.handled - reported >= PROGRESS_EVERY:
                    reported = report.handled
                    await progress(report)

        await asyncio.gather(*(worker(queue) for _ in range(max(1, workers))))
    if progress is not None:
        await progress(report)
    return report


# --- messages to the staff member who sent a broadcast ---------------------------------------

NOTICE_ATTEMPTS = 3


async def edit_notice(
    bot: ExtBot[Any], limiter: RateLimiter, chat_id: int, message_id: int, text: str
) -> None:
    """Edit a message about a sending (its progress), in a slot of the shared limiter.

    Failures are only logged: progress is a courtesy, and a rate limit or a deleted message
    must not stop the sending.
    """
    await limiter.acquire(chat_id)
    try:
        await bot.edit_message_text(
            text,
            chat_id=chat_id,
            message_id=message_id,
            parse_mode=ParseMode.HTML,
            rate_limit_args=NO_RETRY,
        )
    except TelegramError as error:
        logger.info("Could not update a sending's progress: %s", type(error).__name__)


async def send_notice(
    bot: ExtBot[Any],
    limiter: RateLimiter,
    chat_id: int,
    text: str,
    markup: InlineKeyboardMarkup | None = None,
) -> None:
    """Send a message about a sending (its final report) as a new message, so it notifies.

    A 429 pauses the shared limiter for its retry_after and the message is tried again, at
    most NOTICE_ATTEMPTS times; another failure is logged.
    """
    for _ in range(NOTICE_ATTEMPTS):
        await limiter.acquire(chat_id)
        try:
            await bot.send_message(
                chat_id,
                text,
                parse_mode=ParseMode.HTML,
                reply_markup=markup,
                rate_limit_args=NO_RETRY,
            )
            return
        except RetryAfter as error:
            limiter.pause(_seconds(error.retry_after))
        except TelegramError as error:
            logger.warning("Could not send a sending's report: %s", type(error).__name__)
            return
