"""Plain values the data access hands out and takes in: no SQLAlchemy, no bot, no Telegram.

They live here, below bot/, so that db/ can build them from rows without importing the domain;
the domain modules re-export them (bot.qa.FaqEntry, bot.progress.ActivityRecord).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class FaqEntry:
    """A plain FAQ entry, as staff add them from chat (static answer text)."""

    id: str
    topic: str
    questions: list[str]
    answer_zh: str
    answer_en: str | None = None
    source: str | None = None
    related: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ActivityRecord:
    """One logged activity: its day and its activity_kinds key."""

    day: dt.date
    kind: str
    # How many attended (None: the caller did not load them; then the count is not checked)
    # and whether the convener explicitly confirmed a meeting with fewer than it takes.
    attendees: int | None = None
    confirmed: bool = False
