"""Teachers can see what is stored about them and have it deleted."""

from __future__ import annotations

from sqlalchemy import func, select
from support import TEACHER_ID, BotUnderTest

from db.models import QuestionAsked, User


async def _count(bot: BotUnderTest, model: type, **where: object) -> int:
    async with bot.services.database.session() as session:
        query = select(func.count()).select_from(model)
        for column, value in where.items():
            query = query.where(getattr(model, column) == value)
        return int(await session.scalar(query) or 0)


async def test_privacy_says_what_is_stored_and_how_to_delete_it(bot: BotUnderTest):
    bot.user(TEACHER_ID)
    reply = await bot.send(TEACHER_ID, "/privacy")
    assert "個人資料保護法" in reply.text
    assert "/forgetme" in reply.text
    assert "劉書伶" in reply.text


async def test_forgetme_deletes_questions_and_the_account_after_confirmation(bot: BotUnderTest):
    bot.user(TEACHER_ID, "陳老師")
    await bot.send(TEACHER_ID, "申請截止日是什麼時候？")
    assert await _count(bot, QuestionAsked, user_id=TEACHER_ID) == 1
    asked = await bot.send(TEACHER_ID, "/forgetme")
    assert "確定要刪除" in asked.text
    done = await bot.press(TEACHER_ID, "確定刪除")
    assert "已刪除" in done.text
    assert await _count(bot, QuestionAsked, user_id=TEACHER_ID) == 0
    assert await _count(bot, User, id=TEACHER_ID) == 0


async def test_forgetme_can_be_called_off(bot: BotUnderTest):
    bot.user(TEACHER_ID)
    await bot.send(TEACHER_ID, "經費多少？")
    await bot.send(TEACHER_ID, "/forgetme")
    kept = await bot.press(TEACHER_ID, "取消")
    assert "沒有刪除" in kept.text
    assert await _count(bot, QuestionAsked, user_id=TEACHER_ID) == 1


async def test_an_old_forgetme_button_does_nothing(bot: BotUnderTest):
    bot.user(TEACHER_ID)
    first = await bot.send(TEACHER_ID, "/forgetme")
    await bot.send(TEACHER_ID, "/forgetme")
    stale = await bot.press(TEACHER_ID, "確定刪除", message_id=first.last.message_id)
    assert "過期" in stale.text
    assert await _count(bot, User, id=TEACHER_ID) == 1


async def test_a_convener_is_warned_and_their_community_records_stay(bot: BotUnderTest):
    from support import registered_community

    from db.models import Community, Member

    convener = bot.user(TEACHER_ID, "林召集人")
    community_id = await registered_community(bot, convener)
    asked = await bot.send(convener, "/forgetme")
    assert "召集人" in asked.text
    await bot.press(convener, "確定刪除")
    assert await _count(bot, Community, id=community_id) == 1
    assert await _count(bot, Member, community_id=community_id) == 4
    assert await _count(bot, Member, user_id=convener) == 0
    async with bot.services.database.session() as session:
        stub = await session.get(User, convener)
        assert stub is not None and stub.display_name == "" and not stub.active


async def test_forgetme_also_clears_the_raw_copies_of_the_persons_updates(bot: BotUnderTest):
    """The inbox keeps updates as Telegram sent them for a while and dead letters for a month:
    the person's names and texts go with the rest, another teacher's stay."""
    import json

    from db.models import DeadLetter, InboxUpdate

    def message(update_id: int, user_id: int, text: str) -> dict[str, object]:
        person = {"id": user_id, "is_bot": False, "first_name": "陳老師"}
        return {
            "update_id": update_id,
            "message": {"message_id": 1, "date": 0, "chat": {"id": user_id, "type": "private"},
                        "from": person, "text": text},
        }  # fmt: skip

    bot.user(TEACHER_ID, "陳老師")
    async with bot.services.database.session() as session:
        session.add(InboxUpdate(update_id=900001, payload=message(900001, TEACHER_ID, "我的電話")))
        session.add(InboxUpdate(update_id=900002, payload=message(900002, 4242, "別人的問題")))
        session.add(DeadLetter(
            update_id=900003, error_kind="handler:Test", update_type="message",
            payload=json.dumps(message(900003, TEACHER_ID, "壞掉的訊息")),
        ))  # fmt: skip
    await bot.send(TEACHER_ID, "/forgetme")
    await bot.press(TEACHER_ID, "確定刪除")
    async with bot.services.database.session() as session:
        mine = await session.get(InboxUpdate, 900001)
        other = await session.get(InboxUpdate, 900002)
        letters = (await session.scalars(select(DeadLetter))).all()
    assert mine is not None and mine.payload == {"update_id": 900001}
    assert other is not None and "別人的問題" in json.dumps(other.payload, ensure_ascii=False)
    assert letters == []


async def test_forgetting_a_line_user_clears_the_text_of_their_stored_events(bot: BotUnderTest):
    from db import privacy
    from db.models import ChannelIdentity, HandledLineEvent

    line_user = -4242
    async with bot.services.database.session() as session:
        session.add(User(id=line_user, display_name="蔡老師"))
        await session.flush()
        session.add(ChannelIdentity(channel="line", external_id="Uabc", user_id=line_user))
        for event_id, sender in (("E1", "Uabc"), ("E2", "Uother")):
            session.add(HandledLineEvent(
                webhook_event_id=event_id,
                payload={"type": "message", "source": {"type": "user", "userId": sender},
                         "message": {"type": "text", "text": "我的私事"}},
            ))  # fmt: skip
    async with bot.services.database.session() as session:
        await privacy.forget_user(session, line_user)
    async with bot.services.database.session() as session:
        mine = await session.get(HandledLineEvent, "E1")
        other = await session.get(HandledLineEvent, "E2")
    assert mine is not None and mine.payload is None
    assert other is not None and other.payload is not None
