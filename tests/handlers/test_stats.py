"""/stats: communities by type and status, members, activities, who is behind, deliveries."""

from __future__ import annotations

import datetime as dt
import secrets

from sqlalchemy import select
from support import ADMIN_ID, BotUnderTest, MakeBot

from db.models import (
    Activity,
    Broadcast,
    BroadcastStatus,
    Community,
    CommunityStatus,
    Delivery,
    DeliveryStatus,
    Member,
    Reminder,
    School,
    User,
)


async def add_community(
    bot: BotUnderTest,
    convener_id: int,
    *,
    name: str,
    type_key: str = "co_planning",
    school: str = "高雄市立左營高級中學",
    status: CommunityStatus = CommunityStatus.APPROVED,
    activities: tuple[tuple[dt.date, str], ...] = (),
    linked: int = 1,
) -> int:
    """A community straight in the database, with its members and activities."""
    community_type = bot.services.program.community_type(type_key)
    async with bot.services.database.session() as session:
        found = await session.scalar(select(School).where(School.name == school))
        if await session.get(User, convener_id) is None:
            session.add(User(id=convener_id, display_name="召集人"))
        community = Community(
            program_year=111,
            type_key=type_key,
            school=found or School(name=school, in_letter=True),
            name=name,
            convener_user_id=convener_id,
            status=status,
            invite_code=secrets.token_hex(8),
            members=[
                Member(
                    position=i,
                    name=f"{name}老師{i}",
                    gifted_teacher=i < community_type.min_gifted_teachers,
                    is_convener=i == 0,
                    user_id=convener_id if i == 0 and linked else None,
                )
                for i in range(community_type.member_count)
            ],
            activities=[
                Activity(client_token=secrets.token_hex(8), day=day, kind=kind, topic="共備")
                for day, kind in activities
            ],
        )
        session.add(community)
        await session.flush()
        return community.id


async def test_the_dashboard_counts_communities_members_and_activities(bot: BotUnderTest):
    bot.user(ADMIN_ID)
    await add_community(
        bot,
        20001,
        name="甲社群",
        activities=((dt.date(2022, 9, 1), "dialogue"), (dt.date(2022, 9, 2), "public_lesson")),
    )
    await add_community(bot, 20002, name="乙社群", status=CommunityStatus.SUBMITTED)
    await add_community(bot, 20003, name="丙社群", type_key="curriculum", linked=0)
    reply = await bot.send(ADMIN_ID, "/stats")
    text = reply.text
    assert "社群：共 3 個" in text
    assert "共備精進學習社群：待審核 1、已核定 1/15" in text
    assert "課程研創學習社群：已核定 1/15" in text
    assert "共 14 人，已加入小幫手 2 人，資優班教師 4 人" in text
    assert "共 2 次（專業對話 1、公開授課 1）" in text


async def test_communities_behind_schedule_are_listed_with_what_they_lack(make_bot: MakeBot):
    bot = await make_bot(today=dt.date(2023, 3, 1))
    bot.user(ADMIN_ID)
    on_pace = (
        (dt.date(2022, 10, 3), "dialogue"),
        (dt.date(2022, 10, 4), "dialogue"),
        (dt.date(2022, 10, 5), "dialogue"),
        (dt.date(2022, 11, 1), "public_lesson"),
    )
    await add_community(bot, 20001, name="認真社群", activities=on_pace)
    await add_community(
        bot, 20002, name="落後社群", activities=((dt.date(2022, 10, 3), "dialogue"),)
    )
    await add_community(bot, 20003, name="被退件社群", status=CommunityStatus.REJECTED)
    reply = await bot.send(ADMIN_ID, "/stats")
    assert "進度落後：1 個社群" in reply.text
    assert "「落後社群」：還差 3 次社群運作活動、還差 1 次公開授課" in reply.text
    assert "認真社群" not in reply.text and "被退件社群" not in reply.text


async def test_the_dashboard_shows_reminder_and_broadcast_delivery_figures(bot: BotUnderTest):
    bot.user(ADMIN_ID)
    async with bot.services.database.session() as session:
        reminder = Reminder(
            key="test:deadline",
            category="deadline",
            program_year=111,
            fire_at=dt.datetime(2022, 9, 14, 1, tzinfo=dt.UTC),
        )
        broadcast = Broadcast(created_by=ADMIN_ID, text_html="公告", status=BroadcastStatus.DONE)
        session.add_all([reminder, broadcast])
        await session.flush()
        statuses = [DeliveryStatus.SENT] * 3 + [DeliveryStatus.BLOCKED]
        for user_id, status in enumerate(statuses, start=1):
            for source in ({"reminder_id": reminder.id}, {"broadcast_id": broadcast.id}):
                session.add(Delivery(user_id=user_id, text="x", status=status, **source))
        session.add(
            Delivery(broadcast_id=broadcast.id, user_id=9, text="x", status=DeliveryStatus.FAILED)
        )
    reply = await bot.send(ADMIN_ID, "/stats")
    assert "提醒送達：已送達 3、已封鎖 1" in reply.text
    assert "公告送達：已送達 3、已封鎖 1、失敗 1" in reply.text


async def test_an_empty_year_shows_zeros_not_an_error(bot: BotUnderTest):
    bot.user(ADMIN_ID, language_code="en")
    reply = await bot.send(ADMIN_ID, "/stats")
    assert "Communities: 0" in reply.text
    assert "0/15 approved" in reply.text
    assert "Behind schedule: none" in reply.text
