"""The services one running bot shares, created at start-up and reached through the context."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bot.clock import Clock
from bot.program import Program
from bot.settings import Settings
from db.engine import Database

if TYPE_CHECKING:
    from bot.qa import QaEngine


@dataclass
class Services:
    """Settings, clock, database, program knowledge and engines of one running bot."""

    settings: Settings
    clock: Clock
    database: Database
    program: Program
    qa: QaEngine | None = None
    bot_username: str = ""
    extras: dict[str, Any] = field(default_factory=dict)

    def is_admin(self, user_id: int) -> bool:
        """Whether the user is bureau staff named in BOT_ADMIN_IDS."""
        return user_id in self.settings.BOT_ADMIN_IDS
