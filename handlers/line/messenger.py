"""Sending to LINE: the single-use reply token first, a push only for what it cannot carry.

A push is retried on transient errors (5xx, network, 429) with the same X-Line-Retry-Key, so a
retry never sends twice: LINE answers 409 for a key it already accepted, and that counts as sent.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from enum import StrEnum

import aiohttp
from linebot.v3.messaging import (
    ApiException,
    AsyncMessagingApi,
    Message,
    PushMessageRequest,
    ReplyMessageRequest,
)

from handlers.line.render import Reply, batches, messages_of

logger = logging.getLogger(__name__)

PUSH_ATTEMPTS = 3
_BACKOFF_S = (0.25, 0.5, 1.0)


class PushOutcome(StrEnum):
    SENT = "sent"
    FAILED = "failed"
    OVER_BUDGET = "over_budget"  # LINE's monthly limit


class LineMessenger:
    def __init__(self, api: AsyncMessagingApi) -> None:
        self.api = api

    async def reply(self, to: str, reply_token: str | None, reply: Reply) -> None:
        """Answer an event: the first five messages on the reply token, the rest pushed."""
        groups = batches(messages_of(reply))
        if not groups:
            return
        if reply_token is not None:
            try:
                await self.api.reply_message(
                    ReplyMessageRequest(replyToken=reply_token, messages=groups[0])
                )
                groups = groups[1:]
            except ApiException as exc:
                # An expired or used token: the answer still reaches the user, as a push.
                logger.info("LINE refused a reply (%s); pushing instead", exc.status)
        for group in groups:
            await self.push(to, group)

    async def push(self, to: str, messages: list[Message]) -> PushOutcome:
        retry_key = str(uuid.uuid4())
        request = PushMessageRequest(to=to, messages=messages)
        for attempt in range(PUSH_ATTEMPTS + 1):
            try:
                await self.api.push_message(request, x_line_retry_key=retry_key)
                return PushOutcome.SENT
            except ApiException as exc:
                if exc.status == 409:  # this retry key was accepted before: already sent
                    return PushOutcome.SENT
                if exc.status == 429 and "monthly limit" in str(exc.body):
                    return PushOutcome.OVER_BUDGET
                if exc.status is not None and exc.status < 500 and exc.status != 429:
                    logger.warning("LINE refused a push: %s", exc.status)
                    return PushOutcome.FAILED
            except (aiohttp.ClientError, TimeoutError):
                pass
            if attempt < PUSH_ATTEMPTS:
                await asyncio.sleep(_BACKOFF_S[attempt])
        logger.warning("a LINE push failed %d times", PUSH_ATTEMPTS + 1)
        return PushOutcome.FAILED
