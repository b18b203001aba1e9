"""Several bot processes on one database, as behind one reverse proxy (deploy/nginx-webhook.conf).

Most tests here run two independent bot applications in one test process: each has its own
engine, connection pool, persistence and scheduler, and they share only the database and the
Telegram stand-in, like two `python -m bot run --webhook` processes. The quota race runs in two
real operating-system processes, on PostgreSQL only (SQLite serialises its one writer anyway).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import textwrap
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlalchemy import func, select
from support import ADMIN_ID, REPO_ROOT, TEACHER_ID, BotUnderTest, MakeBot, registered_community

from bot.app import stop_embedded
from db.models import Activity, Community, CommunityStatus, ProcessedUpdate

TODAY = dt.date(2022, 10, 20)
TPE = ZoneInfo("Asia/Taipei")


async def _count(bot: BotUnderTest, model: type[object]) -> int:
    async with bot.services.database.session() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_a_registration_begun_in_one_process_continues_in_the_other(make_bot: MakeBot):
    # Both run from the start: neither learns the other's states at start-up, only per update.
    first = await make_bot(today=TODAY)
    second = await make_bot(today=TODAY)
    first.user(TEACHER_ID)
    await first.send(TEACHER_ID, "/register")
    await second.press(TEACHER_ID, "共備精進")
    await first.send(TEACHER_ID, "正興國小")
    await second.press(TEACHER_ID, "正興國民小學")
    reply = await first.send(TEACHER_ID, "正興數學共備社群")
    assert "第 1 位就是您" in reply.text
    bots = (second, first)
    for index, (name, gifted) in enumerate(
        (("王大明", True), ("李小華", False), ("陳一心", False), ("林二郎", False))
    ):
        bot = bots[index % 2]
        await bot.send(TEACHER_ID, name)
        await bots[(index + 1) % 2].press(TEACHER_ID, "是，資優班教師" if gifted else "不是")
        await bot.press(TEACHER_ID, "略過")
    summary = second.standin.last_message(TEACHER_ID)
    assert summary is not None
    confirm = next(d for row in summary.buttons for label, d in row if "確認登錄" in label)
    assert confirm is not None
    saved = await second.press(TEACHER_ID, "確認登錄")
    assert "已登錄社群" in saved.text
    assert await _count(first, Community) == 1
    # The flow is over in both: its summary's button has expired in the other process too
    # (a client that missed the edit presses it again there).
    press = first.standin.user_presses_button(TEACHER_ID, summary.message_id, confirm, forge=True)
    stale = await first.process(press)
    assert any("過期" in toast for toast in stale.toasts) or stale.messages, stale
    assert await _count(first, Community) == 1


async def test_cancel_in_one_process_ends_the_flow_in_the_other(make_bot: MakeBot):
    first = await make_bot(today=TODAY)
    second = await make_bot(today=TODAY)
    first.user(TEACHER_ID)
    await first.send(TEACHER_ID, "/register")
    await first.press(TEACHER_ID, "共備精進")
    cancelled = await second.send(TEACHER_ID, "/cancel")
    assert "取消" in cancelled.text
    # The first process still remembers the flow in memory; the database says it ended, so
    # the text is a question now, not the school of a registration.
    reply = await first.send(TEACHER_ID, "共備社群要幾個人？")
    assert "4" in reply.text


async def test_one_update_delivered_to_both_processes_is_handled_once(make_bot: MakeBot):
    first = await make_bot(today=dt.date(2022, 10, 6))
    second = await make_bot(today=dt.date(2022, 10, 6))
    convener = first.user(TEACHER_ID, "林召集人")
    await registered_community(first, convener)
    await first.send(convener, "/log")
    await second.send(convener, "2022-10-05")
    await first.press(convener, "專業對話")
    await second.send(convener, "差異化教學設計")
    await first.press(convener, "全部")
    await second.press(convener, "完成")
    await first.send(convener, "90分鐘")
    # Skip the optional steps, alternating processes, until the summary offers to save.
    bots = [second, first]
    for step in range(8):
        message = first.standin.last_message(convener)
        assert message is not None
        saves = [
            d for row in message.buttons for label, d in row if "確認" in label or "儲存" in label
        ]
        if saves:
            break
        await bots[step % 2].press(convener, "略過")
    data = saves[0]
    assert data is not None
    press = first.standin.user_presses_button(convener, message.message_id, data)
    saved = await first.process(press)
    assert "已記錄" in saved.messages[-1].text
    again = await second.process(press)  # a webhook retry that reached the other process
    assert again.messages == [] and again.toasts == []
    assert await _count(first, Activity) == 1
    async with first.services.database.session() as session:
        marks = await session.scalar(
            select(func.count())
            .select_from(ProcessedUpdate)
            .where(ProcessedUpdate.update_id == press["update_id"])
        )
    assert marks == 1


async def test_an_abandoned_flow_is_timed_out_once_by_two_processes(make_bot: MakeBot):
    from handlers.flows import expire_conversations

    first = await make_bot(today=TODAY)
    second = await make_bot(today=TODAY)
    first.user(TEACHER_ID)
    await first.send(TEACHER_ID, "/register")
    await second.press(TEACHER_ID, "共備精進")
    sent_before = len(first.standin.sent_messages(TEACHER_ID))
    later = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=31)
    with time_machine.travel(later, tick=True):
        ended = [await expire_conversations(first.application)]
        ended.append(await expire_conversations(second.application))
    assert sorted(ended) == [0, 1]
    told = first.standin.sent_messages(TEACHER_ID)[sent_before:]
    assert [("逾時" in (m.text or "")) for m in told] == [True]


async def test_a_reminder_is_sent_once_by_two_processes_and_after_a_handover(make_bot: MakeBot):
    with time_machine.travel(dt.datetime(2022, 9, 2, 10, 0, tzinfo=TPE), tick=False) as clock:
        first = await make_bot()
        second = await make_bot()
        # A teacher who registered a community but has not applied yet: the deadline
        # reminders are for them.
        admin = first.user(TEACHER_ID, "林召集人")
        await first.send(admin, "/start")
        await registered_community(first, admin)
        assert first.services.scheduler.is_leader != second.services.scheduler.is_leader
        inbox_before = len(first.standin.sent_messages(admin))
        # Each deadline reminder fires at 09:00 of its day; walk past the first one.
        clock.move_to(dt.datetime(2022, 9, 14, 9, 5, tzinfo=TPE))
        await first.services.scheduler.run_due()
        await second.services.scheduler.run_due()
        after_first = first.standin.sent_messages(admin)[inbox_before:]
        # The leader stops; the other process takes the lease over and runs what is due.
        leader = first if first.services.scheduler.is_leader else second
        other = second if leader is first else first
        await stop_embedded(leader.application)
        await other.services.scheduler.claim_lease()
        assert other.services.scheduler.is_leader
        await other.services.scheduler.run_due()
        assert first.standin.sent_messages(admin)[inbox_before:] == after_first
        clock.move_to(dt.datetime(2022, 9, 18, 9, 5, tzinfo=TPE))
        await other.services.scheduler.run_due()
        texts = [m.text or "" for m in first.standin.sent_messages(admin)[inbox_before:]]
    assert len(texts) == 2, texts
    assert "還有 7 天" in texts[0] and "還有 3 天" in texts[1]


# --- the approval quota, raced by two operating-system processes ----------------------------

_APPROVER = textwrap.dedent(
    """
    import asyncio, datetime as dt, json, sys, time
    from bot.applications import ApplicationError, approve
    from bot.program import load_program
    from db.engine import Database

    url, staff_id, start_at, ids = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
    program = load_program()

    async def one(database, community_id):
        try:
            async with database.session() as session:
                now = dt.datetime.now(dt.UTC)
                await approve(session, program, community_id, staff_id, now)
            return "approved"
        except ApplicationError as error:
            return error.reason

    async def main():
        database = Database(url)
        async with database.engine.connect():  # connect before the start signal
            pass
        time.sleep(max(0.0, start_at - time.time()))
        results = await asyncio.gather(*(one(database, int(i)) for i in ids.split(",")))
        await database.dispose()
        print(json.dumps(results))

    asyncio.run(main())
    """
)


async def _submitted_communities(bot: BotUnderTest, how_many: int) -> list[int]:
    from bot.applications import submit

    ids = []
    for index in range(how_many):
        convener = 20000 + index
        community_id = await registered_community(bot, convener, name=f"共備社群{index:02d}")
        async with bot.services.database.session() as session:
            await submit(
                session, bot.services.program, convener, community_id,
                today=dt.date(2022, 9, 10), now=dt.datetime.now(dt.UTC),
            )  # fmt: skip
        ids.append(community_id)
    return ids


async def test_two_processes_approving_at_the_quota_edge_approve_exactly_the_quota(
    make_bot: MakeBot,
):
    if not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"):
        pytest.skip("PostgreSQL only: SQLite has one writer and no row locks to race")
    import time

    bot = await make_bot(today=dt.date(2022, 9, 10))
    quota = bot.services.program.community_type("co_planning").quota
    ids = await _submitted_communities(bot, quota + 5)
    url = bot.services.database.url
    start_at = time.time() + 3
    # Each process tries every application, in opposite orders, eight at a time in parallel.
    orders = (ids, list(reversed(ids)))
    environment = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    processes = [
        subprocess.Popen(  # noqa: ASYNC220  (the test waits for them on purpose)
            [
                sys.executable,
                "-c",
                _APPROVER,
                url,
                str(ADMIN_ID),
                str(start_at),
                ",".join(map(str, order)),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=environment,
        )
        for order in orders
    ]
    results: list[str] = []
    for process in processes:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        results += json.loads(out.strip().splitlines()[-1])
    assert results.count("approved") == quota
    assert set(results) <= {"approved", "quota_full", "already_decided", "already_approved"}
    async with bot.services.database.session() as session:
        approved = await session.scalar(
            select(func.count())
            .select_from(Community)
            .where(Community.status == CommunityStatus.APPROVED)
        )
    assert approved == quota
    bot.user(ADMIN_ID, "局端")
    overview = await bot.send(ADMIN_ID, "/review")
    assert f"已核定 {quota}/{quota} 組（已額滿）" in overview.text
    assert "待審核的申請：5 件" in overview.text
