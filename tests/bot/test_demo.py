"""`python -m bot demo`: a rehearsed year that staff and conveners can look at."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

from bot import communities, staff
from bot.demo import FIRST_CONVENER_ID, seed_demo
from bot.rules import MemberDraft
from db.engine import Database
from tests.bot.test_cli import run_cli
from tests.support import ADMIN_ID, BotUnderTest, MakeBot


async def demo_bot(make_bot: MakeBot, database_url: str, today: dt.date) -> BotUnderTest:
    """A bot on ``today`` with the demo year seeded into its database."""
    bot = await make_bot(today=today)
    database = Database(database_url)
    try:
        summary = await seed_demo(database, bot.services.program, today)
        assert summary.communities > 0
    finally:
        await database.dispose()
    return bot


async def test_the_demo_year_shows_in_the_staff_statistics_as_of_its_day(
    make_bot: MakeBot, database_url: str
):
    bot = await demo_bot(make_bot, database_url, dt.date(2023, 3, 15))
    database = Database(database_url)
    try:
        again = await seed_demo(database, bot.services.program, dt.date(2023, 3, 15))
    finally:
        await database.dispose()
    assert again.already_there and again.communities == 0

    bot.user(ADMIN_ID, "承辦人")
    stats = (await bot.send(ADMIN_ID, "/stats")).text
    assert "社群：共 29 個" in stats
    assert "草稿 2、待審核 1、已核定 23、備取 1、未通過 2" in stats

    convener = bot.user(FIRST_CONVENER_ID)
    progress = (await bot.send(convener, "/progress")).text
    assert "申請狀態：核定" in progress


async def test_before_the_deadline_the_demo_has_no_decisions_and_no_meetings(
    make_bot: MakeBot, database_url: str
):
    bot = await demo_bot(make_bot, database_url, dt.date(2022, 9, 10))
    bot.user(ADMIN_ID, "承辦人")
    stats = (await bot.send(ADMIN_ID, "/stats")).text
    # Registered by 9/10 (one a day from 9/3), each submitted the day after; nothing decided.
    assert "社群：共 21 個" in stats
    assert "依狀態：草稿 3、待審核 18" in stats
    assert "活動紀錄：共 0 次" in stats


def test_the_demo_command_tells_how_to_try_it(tmp_path: Path):
    result = run_cli("demo", "--today", "2023-03-15", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Added 29 communities" in result.stdout
    assert "--admin" in result.stdout
    staff = run_cli(
        "console", "--today", "2023-03-15", "--admin", "--user-id", "90001", "--name", "承辦人",
        tmp_path=tmp_path, stdin="/review\n",
    )  # fmt: skip
    assert "待審核的申請：1 件" in staff.stdout


async def test_the_demo_adds_nothing_beside_communities_already_in_the_database(
    make_bot: MakeBot, database_url: str
):
    bot = await make_bot(today=dt.date(2022, 9, 10))
    services = bot.services
    async with services.database.session() as session:
        school = (await communities.search_schools(session, services.program, "正興國小"))[0]
        await communities.register_community(
            session,
            services.program,
            5001,
            communities.CommunityDraft(
                "co_planning", school.id, school.name, "手動社群",
                tuple(MemberDraft(f"老師{n}", n == 0) for n in range(4)),
            ),
        )  # fmt: skip
    database = Database(database_url)
    try:
        summary = await seed_demo(database, services.program, dt.date(2023, 3, 15))
    finally:
        await database.dispose()
    assert summary.others == 1 and summary.communities == 0
    bot.user(ADMIN_ID, "承辦人")
    assert "社群：共 1 個" in (await bot.send(ADMIN_ID, "/stats")).text


def test_a_notice_to_the_convener_shows_as_sent_to_them_not_in_the_staff_chat(tmp_path: Path):
    run_cli("demo", "--today", "2023-03-15", tmp_path=tmp_path)
    staff = run_cli(
        "console", "--today", "2023-03-15", "--admin", "--user-id", "90001", "--name", "承辦人",
        tmp_path=tmp_path, stdin="/review\n1\n",
    )  # fmt: skip
    lines = staff.stdout.splitlines()
    notices = [line for line in lines if "申請已核定" in line]
    assert len(notices) == 1, staff.stdout
    assert notices[0].startswith("→ ") and "老師: 恭喜" in notices[0]


async def test_the_workbook_carries_the_bookkeeping_of_the_demo_year(
    make_bot: MakeBot, database_url: str
):
    bot = await make_bot(today=dt.date(2023, 3, 15))
    program = bot.services.program
    database = Database(database_url)
    try:
        await seed_demo(database, program, dt.date(2023, 3, 15))
        async with database.session() as session:
            records = await staff.export_records(
                session, program, dt.date(2023, 3, 15), "zh-TW", zone=ZoneInfo("Asia/Taipei")
            )
            kept = await staff.kept_photos(session, records)
    finally:
        await database.dispose()
    # Public lessons come with photos the demo keeps, so exported records show them.
    lessons = [a for r in await staff.with_photos(records, kept) for a in r.activities
               if a.kind_key == "public_lesson"]  # fmt: skip
    assert lessons and all(
        p.data and p.data.startswith(b"\x89PNG") for a in lessons for p in a.photos
    )
    by_status = {record.status: record for record in records}
    approved, rejected = by_status["approved"], by_status["rejected"]
    assert approved.submitted_on is not None and approved.decided_on == dt.date(2022, 9, 28)
    assert approved.approved_amount in (10000, 20000)
    assert len(approved.documents_received) == 2
    assert rejected.decision_reason and rejected.approved_amount is None
    assert by_status["waitlisted"].waitlist_position == 1
    assert by_status["waitlisted"].lacking == "不列計（備取）"
    assert by_status["rejected"].lacking == "不列計（未通過）"
    assert approved.lacking != "" and "不列計" not in approved.lacking
    assert by_status["draft"].submitted_on is None
