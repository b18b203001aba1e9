"""Messengers beside Telegram, as the delivery of reminders and broadcasts sees them.

Users first seen on another messenger have negative ids (db.identities); a delivery to one of
them goes through that messenger's push, which the process serving it provides.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass
from typing import Protocol


class PushResult(enum.StrEnum):
    """What one push did."""

    SENT = "sent"
    FAILED = "failed"
    OVER_BUDGET = "over_budget"  # this month's push budget is used up


@dataclass(frozen=True)
class PushUsage:
    """This month's pushes: ours against the budget setting, and what the platform counts."""

    sent: int
    budget: int
    platform_used: int | None = None  # None: the platform did not say
    platform_limit: int | None = None  # None: no limit, or the platform did not say


class PushChannel(Protocol):
    """A messenger that can push a message to one of its users."""

    async def push(self, user_id: int, telegram_html: str) -> PushResult:
        """Send the text (written for Telegram's HTML) to the user; never raises."""
        ...

    async def usage(self) -> PushUsage:
        """This month's pushes so far."""
        ...


def reached_by_push(user_id: int) -> bool:
    """Whether the user is on another messenger (reached by its push, not by Telegram)."""
    return user_id < 0


def month_start(today: dt.date, zone: dt.tzinfo) -> dt.datetime:
    """The first moment of ``today``'s month where the bot runs, in UTC."""
    return dt.datetime.combine(today.replace(day=1), dt.time(), tzinfo=zone).astimezone(dt.UTC)
