"""Who may do what: every command and every button, tried by every role.

Roles: a teacher with no community, a member of community A, the convener of another
community B, the convener of A, and bureau staff. Buttons are collected from what the
convener and staff were shown, then pressed (forged) by everyone else; nothing may change.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import select
from support import ADMIN_ID, BotUnderTest, registered_community

from bot.communities import join
from db.models import Activity, Broadcast, Community, FaqEntryRow, Member, User

TEACHER, MEMBER, OTHER_CONVENER, CONVENER = 20001, 20002, 20003, 20004
STAFF = ADMIN_ID
ROLES = {
    "teacher": TEACHER,
    "member": MEMBER,
    "other convener": OTHER_CONVENER,
    "convener": CONVENER,
    "staff": STAFF,
}
STAFF_COMMANDS = (
    "/broadcast", "/broadcasts", "/review", "/stats", "/staff", "/unanswered", "/faqedit",
    "/remind", "/setdate",
)  # fmt: skip
STAFF_ONLY = "僅供教育局與資源中心人員使用"
REFUSALS = ("沒有權限", "過期", "只有", "僅供", "無法", "不是", "找不到", "已結束")


@dataclass
class World:
    bot: BotUnderTest
    community_a: int
    community_b: int


async def _snapshot(bot: BotUnderTest) -> list[Any]:
    """Everything a forged action could change, as plain values."""
    rows: list[Any] = []
    async with bot.services.database.session() as session:
        for model, columns in (
            (Community, ("id", "name", "status", "type_key", "convener_user_id", "school_id")),
            (Member, ("id", "community_id", "name", "gifted_teacher", "user_id", "invite_code")),
            (Activity, ("id", "community_id", "day", "kind", "topic", "notes")),
            (User, ("id", "is_staff", "active")),
            (Broadcast, ("id", "status")),
            (FaqEntryRow, ("id", "answer_zh")),
        ):
            for row in await session.scalars(select(model).order_by(model.id)):  # type: ignore[attr-defined]
                rows.append(tuple(getattr(row, column) for column in columns))
    return rows


@pytest.fixture
async def world(make_bot: Any) -> World:
    bot = await make_bot(today=dt.date(2022, 9, 15))
    for name, user_id in ROLES.items():
        bot.user(user_id, name)
    community_a = await registered_community(bot, CONVENER, name="A 社群")
    community_b = await registered_community(bot, OTHER_CONVENER, name="B 社群")
    async with bot.services.database.session() as session:
        code = await session.scalar(
            select(Member.invite_code).where(
                Member.community_id == community_a, Member.position == 1
            )
        )
        assert code is not None
        await join(session, code, MEMBER)
    return World(bot, community_a, community_b)


@pytest.mark.parametrize("command", STAFF_COMMANDS)
async def test_staff_commands_are_refused_to_everyone_else(world: World, command: str):
    for role, user_id in ROLES.items():
        reply = await world.bot.send(user_id, command)
        assert reply.messages, (role, command)
        if role == "staff":
            assert STAFF_ONLY not in reply.text, command
        else:
            assert STAFF_ONLY in reply.text, (role, command)
        await world.bot.send(user_id, "/cancel")


@pytest.mark.parametrize(
    ("command", "outsiders"),
    [
        ("/progress", ("teacher", "other convener")),
        ("/mycommunity", ("teacher", "other convener")),
        ("/log", ("teacher", "member", "other convener")),
        ("/export", ("teacher", "member", "other convener")),
    ],
)
async def test_another_communitys_id_shows_nothing_of_it(
    world: World, command: str, outsiders: tuple[str, ...]
):
    for role in outsiders:
        reply = await world.bot.send(ROLES[role], f"{command} {world.community_a}")
        assert "A 社群" not in reply.text, (role, command)
        await world.bot.send(ROLES[role], "/cancel")


async def test_members_see_progress_but_cannot_log(world: World):
    progress = await world.bot.send(MEMBER, "/progress")
    assert "A 社群" in progress.text
    log = await world.bot.send(MEMBER, "/log")
    assert "召集人" in log.text
    assert await _snapshot(world.bot) == await _snapshot(world.bot)


async def _buttons_shown(bot: BotUnderTest, user_id: int, commands: list[str]) -> list[str]:
    """Every callback button the user was shown while running these commands."""
    seen: list[str] = []
    for command in commands:
        reply = await bot.send(user_id, command)
        for message in reply.messages:
            seen += [data for row in message.buttons for _, data in row if data]
        await bot.send(user_id, "/cancel")
    return seen


async def test_nobody_else_can_press_the_conveners_or_the_staffs_buttons(world: World):
    bot = world.bot
    await bot.send(CONVENER, "/apply")
    await bot.press(CONVENER, "送出申請")
    convener_buttons = await _buttons_shown(
        bot, CONVENER, ["/mycommunity", "/progress", "/log", "/export", "/apply"]
    )
    staff_buttons = await _buttons_shown(bot, STAFF, ["/review", "/export", "/staff"])
    assert len(convener_buttons) >= 5 and len(staff_buttons) >= 3, (convener_buttons, staff_buttons)
    for user_id in ROLES.values():
        await bot.send(user_id, "/help")  # every role is a known user before the snapshot
    before = await _snapshot(bot)
    for owner_buttons, owners in (
        (convener_buttons, {"convener", "staff"}),
        (staff_buttons, {"staff"}),
    ):
        for role, user_id in ROLES.items():
            if role in owners:
                continue
            for data in owner_buttons:
                last = bot.standin.last_message(user_id)
                message_id = last.message_id if last is not None else 1
                reply = await bot.process(
                    bot.standin.user_presses_button(user_id, message_id, data, forge=True)
                )
                said = reply.text
                assert said, (role, data)
                assert any(word in said for word in REFUSALS), (role, data, said)
    assert await _snapshot(bot) == before
