"""Helpers the tests share (importable: pytest puts tests/ on the path)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from telegram.ext import Application

from bot.app import services_of
from bot.services import Services
from bot.settings import Settings
from bot.standin.core import BotApiStandin
from bot.standin.driver import ChatDriver, Reply

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED = REPO_ROOT.parent / "shared"
ADMIN_ID = 90001
TEACHER_ID = 10001


def make_settings(base_url: str, database_url: str, **overrides: Any) -> Settings:
    """Settings for a test, ignoring any .env file of the developer."""
    values: dict[str, Any] = {
        "TELEGRAM_API_BASE_URL": base_url,
        "DATABASE_URL": database_url,
        "BOT_ADMIN_IDS": frozenset({ADMIN_ID}),
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@dataclass
class BotUnderTest:
    """The real application, started against the stand-in, with a driver for the user side."""

    application: Application[Any, Any, Any, Any, Any, Any]
    standin: BotApiStandin
    driver: ChatDriver

    @property
    def services(self) -> Services:
        return services_of(self.application)

    def user(self, user_id: int, name: str = "王老師", language_code: str = "zh-hant") -> int:
        """Make a Telegram user known to the stand-in; return the id."""
        self.standin.add_user(user_id, name, language_code=language_code)
        return user_id

    async def send(self, user_id: int, text: str) -> Reply:
        return await self.driver.send(user_id, text)

    async def press(self, user_id: int, label: str, *, message_id: int | None = None) -> Reply:
        return await self.driver.press(user_id, label, message_id=message_id)

    async def process(self, update: dict[str, Any]) -> Reply:
        return await self.driver.process(update)


MakeBot = Callable[..., Awaitable[BotUnderTest]]


async def registered_community(
    bot: BotUnderTest,
    convener_id: int,
    *,
    type_key: str = "co_planning",
    name: str = "數學共備社群",
    school: str = "高雄市立左營高級中學",
) -> int:
    """A community saved straight through the domain (not the chat flow); returns its id."""
    from bot.communities import CommunityDraft, register_community
    from bot.rules import MemberDraft

    size = bot.services.program.community_type(type_key).member_count
    members = tuple(
        MemberDraft(name=f"老師{index}", gifted_teacher=index < 2, subject="數學")
        for index in range(size)
    )
    draft = CommunityDraft(
        type_key=type_key, school_id=None, school_name=school, name=name, members=members
    )
    async with bot.services.database.session() as session:
        community = await register_community(session, bot.services.program, convener_id, draft)
        return community.id


async def fill_quota(bot: BotUnderTest, type_key: str = "co_planning") -> None:
    """As many approved communities of the type as its quota allows (so 備取 is possible)."""
    from db.models import Community, CommunityStatus

    quota = bot.services.program.community_type(type_key).quota
    for number in range(quota):
        community_id = await registered_community(
            bot, 80000 + number, type_key=type_key, name=f"已核定社群{number}"
        )
        async with bot.services.database.session() as session:
            community = await session.get(Community, community_id)
            assert community is not None
            community.status = CommunityStatus.APPROVED
