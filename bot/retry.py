"""Retry a Bot API call that met a transient fault, for the bot's interactive replies.

Reminders and broadcasts pace themselves with their own shared limiter and handle faults there
(they pass ``rate_limit_args={"retry": False}``); every other call (a reply to a user) is tried
again, a bounded number of times, when Telegram or the network failed in a way that says the
request was not carried out:

- 429: wait the ``retry_after`` Telegram asked for;
- a server error (500, 502, …) or a dropped or refused connection: back off and try again;
- a timeout before the request was sent (no connection from the pool, connecting took too
  long): try again.

A timeout while waiting for the answer is different: Telegram may have carried the request
out. Sending it again could send a teacher the same message twice, so a send is never repeated;
the caller gets ``TimedOut`` and treats the message as delivered. Reads and edits are repeated
once, since doing them twice shows the user nothing new (an edit that already arrived answers
"message is not modified", which counts as success here).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
from collections.abc import Callable, Coroutine
from typing import Any

import httpx
from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut
from telegram.ext import BaseRateLimiter

logger = logging.getLogger(__name__)

RateLimitArgs = dict[str, Any]
ApiResult = bool | dict[str, Any] | list[dict[str, Any]]

# The updater retries getUpdates itself (and a long poll that times out is normal).
_LEFT_TO_THE_CALLER = frozenset({"getUpdates"})
# Calls that change nothing the user sees when Telegram carries them out twice.
_REPEATABLE_PREFIXES = ("get", "edit")
# Calls that put something in a chat: Telegram's 30 messages a second apply to these.
_SENDING_PREFIXES = ("send", "edit", "copy", "forward")
# Replies are spaced to one under Telegram's limit, so jitter never makes 31 in a second.
REPLY_RATE_PER_SECOND = 29.0


class ReplyPacer:
    """Spaces replies evenly: when many chats are answered at once (they are handled side by
    side), the replies queue here for a moment instead of drawing 429s from Telegram.

    Each caller reserves the next free slot and sleeps until it, so nobody waits behind a lock.
    """

    def __init__(self, per_second: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.interval = 1.0 / per_second
        self._clock = clock
        self._next = 0.0

    async def wait(self) -> None:
        """Until this caller's slot comes."""
        now = self._clock()
        slot = max(now, self._next)
        self._next = slot + self.interval
        if slot > now:
            await asyncio.sleep(slot - now)

    def pause(self, seconds: float) -> None:
        """Reserve nothing before ``seconds`` from now (Telegram said retry_after)."""
        self._next = max(self._next, self._clock() + seconds)


class RetryAfterLimiter(BaseRateLimiter[RateLimitArgs]):
    """Retries 429s, server errors and network errors with bounded backoff; see the module."""

    def __init__(
        self,
        *,
        max_retries: int = 3,
        max_wait_seconds: float = 30.0,
        first_backoff_seconds: float = 0.25,
        max_backoff_seconds: float = 2.0,
        timeout_retries: int = 1,
        replies_per_second: float = REPLY_RATE_PER_SECOND,
    ) -> None:
        self.max_retries = max_retries
        self.max_wait_seconds = max_wait_seconds
        self.first_backoff_seconds = first_backoff_seconds
        self.max_backoff_seconds = max_backoff_seconds
        self.timeout_retries = timeout_retries
        self.pacer = ReplyPacer(replies_per_second)

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, ApiResult]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: RateLimitArgs | None,
    ) -> ApiResult:
        retry = rate_limit_args is None or rate_limit_args.get("retry", True)
        if not retry or endpoint in _LEFT_TO_THE_CALLER:
            return await callback(*args, **kwargs)
        attempts = timeouts = 0
        timed_out_before = False
        paced = endpoint.startswith(_SENDING_PREFIXES)
        while True:
            try:
                if paced:
                    await self.pacer.wait()
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                wait = _seconds(exc.retry_after)
                self.pacer.pause(wait)
                if attempts >= self.max_retries or wait > self.max_wait_seconds:
                    raise
                logger.warning("Telegram asked to wait %.0f s before %s; retrying", wait, endpoint)
            except TimedOut as exc:
                if _never_sent(exc):
                    if attempts >= self.max_retries:
                        raise
                    wait = self._backoff(attempts)
                elif endpoint.startswith(_REPEATABLE_PREFIXES) and timeouts < self.timeout_retries:
                    timeouts += 1
                    timed_out_before = True
                    wait = 0.0
                else:
                    # Maybe carried out: the caller treats it as delivered.
                    raise
                logger.warning("%s timed out; retrying", endpoint)
            except BadRequest as exc:
                if timed_out_before and "not modified" in exc.message.lower():
                    # The edit that timed out did arrive.
                    return True
                raise
            except NetworkError as exc:
                if attempts >= self.max_retries:
                    raise
                wait = self._backoff(attempts)
                logger.warning("%s failed (%s); retrying", endpoint, type(exc).__name__)
            attempts += 1
            await asyncio.sleep(wait)

    def _backoff(self, attempts: int) -> float:
        return min(self.max_backoff_seconds, self.first_backoff_seconds * 2**attempts)


def _never_sent(error: TimedOut) -> bool:
    """Whether the request timed out before it left (so Telegram cannot have carried it out)."""
    return isinstance(error.__cause__, httpx.PoolTimeout | httpx.ConnectTimeout)


def _seconds(retry_after: int | dt.timedelta) -> float:
    if isinstance(retry_after, dt.timedelta):
        return retry_after.total_seconds()
    return float(retry_after)
