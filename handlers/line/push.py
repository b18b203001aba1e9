"""Reminders and broadcasts to LINE users: pushes, counted against the monthly budget setting.

LINE charges for pushes (the free plan has 200 a month), so the bot stops pushing once this
month's budget is used; what is held back is recorded as such, not sent later.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging

from linebot.v3.messaging import ApiException, AsyncMessagingApi

from bot.channels import PushResult, PushUsage, month_start
from bot.services import Services
from db import deliveries, identities
from handlers.line.messenger import LineMessenger, PushOutcome
from handlers.line.render import Reply, batches, messages_of, plain_text

logger = logging.getLogger(__name__)


class LinePusher:
    """The PushChannel of a process that serves LINE."""

    def __init__(self, services: Services, api: AsyncMessagingApi) -> None:
        self.services = services
        self.api = api
        self.messenger = LineMessenger(api)
        # Pushes are counted here as they go (the deliveries are recorded just after), under a
        # lock, so that parallel senders never spend past the budget.
        self._lock = asyncio.Lock()
        self._month: dt.datetime | None = None
        self._sent = 0

    async def _sent_this_month(self) -> int:
        services = self.services
        since = month_start(services.clock.today(), services.settings.timezone)
        if self._month != since:
            async with services.database.session() as session:
                self._sent = await deliveries.pushes_since(session, since)
            self._month = since
        return self._sent

    async def push(self, user_id: int, telegram_html: str) -> PushResult:
        """Push the text to the LINE user behind ``user_id``, within the budget."""
        async with self.services.database.session() as session:
            line_user_id = await identities.line_id_of(session, user_id)
        if line_user_id is None:
            return PushResult.FAILED
        groups = batches(messages_of(Reply([plain_text(telegram_html)])))
        async with self._lock:
            if await self._sent_this_month() >= self.services.settings.LINE_MONTHLY_PUSH_BUDGET:
                return PushResult.OVER_BUDGET
            outcome = await self.messenger.push(line_user_id, groups[0])
            if outcome == PushOutcome.SENT:
                self._sent += 1
                return PushResult.SENT
        if outcome == PushOutcome.OVER_BUDGET:
            return PushResult.OVER_BUDGET
        return PushResult.FAILED

    async def usage(self) -> PushUsage:
        """This month's pushes, ours and as LINE counts them (when LINE answers)."""
        async with self._lock:
            self._month = None  # count afresh from the deliveries
            sent = await self._sent_this_month()
        used = limit = None
        try:
            used = (await self.api.get_message_quota_consumption()).total_usage
            quota = await self.api.get_message_quota()
            limit = quota.value if quota.type == "limited" else None
        except (ApiException, OSError) as exc:
            logger.info("LINE did not say its quota (%s)", type(exc).__name__)
        return PushUsage(
            sent=sent,
            budget=self.services.settings.LINE_MONTHLY_PUSH_BUDGET,
            platform_used=used,
            platform_limit=limit,
        )
