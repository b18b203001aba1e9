"""Retry a Bot API call that Telegram answered with 429, for the bot's interactive replies.

Reminders and broadcasts pace themselves with their own shared limiter and handle 429 there
(they pass ``rate_limit_args={"retry": False}``); every other call (a reply to a user) waits
the ``retry_after`` Telegram asked for and tries again, so a burst does not lose a reply.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

logger = logging.getLogger(__name__)

RateLimitArgs = dict[str, Any]


class RetryAfterLimiter(BaseRateLimiter[RateLimitArgs]):
    """Waits out a 429 and retries, a bounded number of times and for a bounded wait."""

    def __init__(self, *, max_retries: int = 2, max_wait_seconds: float = 30.0) -> None:
        self.max_retries = max_retries
        self.max_wait_seconds = max_wait_seconds

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: RateLimitArgs | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        retry = rate_limit_args is None or rate_limit_args.get("retry", True)
        attempts = 0
        while True:
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                wait = _seconds(exc.retry_after)
                if not retry or attempts >= self.max_retries or wait > self.max_wait_seconds:
                    raise
                attempts += 1
                logger.warning("Telegram asked to wait %.0f s before %s; retrying", wait, endpoint)
                await asyncio.sleep(wait)


def _seconds(retry_after: int | dt.timedelta) -> float:
    if isinstance(retry_after, dt.timedelta):
        return retry_after.total_seconds()
    return float(retry_after)
