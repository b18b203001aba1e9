"""`python -m bot demo`: a rehearsed program year, so /review, /stats and exports have data.

Everything goes through the domain (registering, submitting, deciding, logging), as if the
conveners and a bureau clerk had used the bot, and only what has happened by ``today`` is
there: before the deadline communities are still drafts or submitted, decisions come a week
after it, and meetings are logged up to ``today``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import random
import struct
import sys
import zlib
from dataclasses import dataclass

from sqlalchemy import func, select

from bot import applications
from bot.clock import Clock
from bot.communities import (
    ActivityDraft,
    CommunityDraft,
    log_activity,
    register_community,
    search_schools,
)
from bot.program import Program, load_program
from bot.rules import MemberDraft
from bot.settings import Settings
from db import photos
from db.communities import community_of_convener
from db.engine import Database
from db.models import Community, User

FIRST_CONVENER_ID = 20001
STAFF_ID = 90001
STAFF_NAME = "承辦人"

_SURNAMES = "王林陳黃張李吳劉蔡楊許鄭謝郭洪曾邱廖賴周"
_GIVEN = [
    "怡君",
    "志明",
    "淑芬",
    "家豪",
    "雅婷",
    "俊傑",
    "美玲",
    "冠宇",
    "佩珊",
    "建宏",
    "欣怡",
    "宗翰",
]
_SUBJECTS = ["數學", "自然", "國語", "英語", "社會", "資優", "藝術", "科技"]
_TOPICS = {
    "dialogue": ["差異化教學策略", "資優學生獨立研究指導", "校本課程共備", "多元評量設計"],
    "public_lesson": ["數學遊戲化教學", "科學探究公開課", "閱讀理解策略", "專題導向學習"],
    "other": ["校外參訪", "工作坊", "讀書會"],
    "sharing_session": ["期末成果分享"],
}
_PLACES = ["資優班教室", "會議室", "圖書館", "自然教室"]
# Public lessons and sharing sessions come with photos, as a convener's would.
_PHOTOGRAPHED = {"public_lesson": 2, "sharing_session": 1}


def demo_photo(seed: int) -> bytes:
    """A 320×240 PNG of soft stripes in a colour of its own, standing in for a class photo."""
    red, green, blue = (96 + (seed * 37) % 128, 96 + (seed * 71) % 128, 96 + (seed * 53) % 128)
    rows = b"".join(
        b"\x00"
        + bytes((red, green, blue) if (y // 24) % 2 else (red // 2, green // 2, blue // 2)) * 320
        for y in range(240)
    )

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", 320, 240, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


@dataclass(frozen=True)
class _Plan:
    """What happens to one demo community over the year."""

    type_key: str
    submits: bool
    decision: str  # "approve", "reject", "waitlist", "" (left pending)
    pace: float  # the share of the type's minimum activities logged by the period's end


def _plans(program: Program) -> list[_Plan]:
    plans: list[_Plan] = []
    for type_key in ("curriculum", "co_planning"):
        paces = [1.2, 1.0, 1.0, 0.9, 0.8, 0.7, 0.5, 0.3]
        if type_key == "co_planning":
            # Its quota filled, so that one application waits as 備取.
            quota = program.community_type(type_key).quota
            paces = [round(1.2 - n * 1.0 / max(quota - 1, 1), 2) for n in range(quota)]
        plans += [_Plan(type_key, True, "approve", pace) for pace in paces]
        plans.append(_Plan(type_key, True, "reject", 0))
        plans.append(_Plan(type_key, True, "" if type_key == "curriculum" else "waitlist", 0))
        plans.append(_Plan(type_key, False, "", 0))
    return plans


@dataclass(frozen=True)
class DemoSummary:
    """What the demo put in the database."""

    communities: int
    activities: int
    first_convener_id: int
    staff_id: int
    already_there: bool = False
    # Communities of the year someone else put there: the demo adds nothing beside them.
    others: int = 0


def _name(index: int, offset: int) -> str:
    return _SURNAMES[(index + offset) % len(_SURNAMES)] + _GIVEN[(index * 7 + offset) % len(_GIVEN)]


def _short(school: str) -> str:
    """愛國國小 for 高雄市三民區愛國國民小學: how teachers name a school in a community's name."""
    short = school.rsplit("區", 1)[-1].removeprefix("高雄市立").removeprefix("市立")
    return short.replace("國民小學", "國小").replace("國民中學", "國中")


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=dt.UTC)


async def seed_demo(database: Database, program: Program, today: dt.date) -> DemoSummary:
    """Fill an empty database with a program year as it stands on ``today``."""
    year = program.program.year
    async with database.session() as session:
        if await community_of_convener(session, year, FIRST_CONVENER_ID) is not None:
            return DemoSummary(0, 0, FIRST_CONVENER_ID, STAFF_ID, already_there=True)
        # Beside real or hand-made communities the year would not add up (quotas, the 備取
        # list), and a half-seeded year helps no one: refuse before adding anything.
        others = await session.scalar(
            select(func.count()).select_from(Community).where(Community.program_year == year)
        )
        if others:
            return DemoSummary(0, 0, FIRST_CONVENER_ID, STAFF_ID, others=int(others))
    randomness = random.Random(year)
    deadline = program.application.deadline
    start = program.period.start
    decided_on = deadline + dt.timedelta(days=7)
    schools = program.recipients.schools
    communities = activities = 0
    async with database.session() as session:
        if await session.get(User, STAFF_ID) is None:
            session.add(User(id=STAFF_ID, display_name=STAFF_NAME, language="zh-TW"))
    for index, plan in enumerate(_plans(program)):
        registered_on = min(start + dt.timedelta(days=2 + index % 12), deadline)
        if registered_on > today:
            continue
        convener_id = FIRST_CONVENER_ID + index
        community_type = program.community_type(plan.type_key)
        names = [_name(index, offset) for offset in range(community_type.member_count)]
        members = tuple(
            MemberDraft(
                name,
                position < community_type.min_gifted_teachers,
                _SUBJECTS[(index + position) % len(_SUBJECTS)],
            )
            for position, name in enumerate(names)
        )
        async with database.session() as session:
            school = (await search_schools(session, program, schools[index % len(schools)]))[0]
            community = await register_community(
                session,
                program,
                convener_id,
                CommunityDraft(
                    plan.type_key,
                    school.id,
                    school.name,
                    f"{_short(school.name)}{community_type.name[:4]}社群",
                    members,
                ),
            )
            user = await session.get(User, convener_id)
            if user is not None:
                user.display_name = f"{names[0]}老師"
                user.language = "zh-TW"
            community_id = community.id
            member_ids = [member.id for member in community.members]
        communities += 1
        submitted_on = registered_on + dt.timedelta(days=1)
        if not plan.submits or submitted_on > min(today, deadline):
            continue
        async with database.session() as session:
            await applications.submit(
                session,
                program,
                convener_id,
                community_id,
                today=submitted_on,
                now=_at(submitted_on, 3),
            )
        # The paper copies arrive a few days later; one community's after the deadline.
        arrives = (
            submitted_on + dt.timedelta(days=3) if index != 3 else deadline + dt.timedelta(days=4)
        )
        for number in range(1, len(program.application.documents) + 1):
            if arrives <= today:
                async with database.session() as session:
                    await applications.mark_received(
                        session,
                        program,
                        community_id,
                        number,
                        arrives,
                        STAFF_ID,
                        _at(arrives, 2),
                    )
        if decided_on > today or not plan.decision:
            continue
        async with database.session() as session:
            now = _at(decided_on, 2)
            if plan.decision == "approve":
                await applications.approve(session, program, community_id, STAFF_ID, now)
            elif plan.decision == "reject":
                await applications.reject(
                    session,
                    program,
                    community_id,
                    STAFF_ID,
                    "成員名單與計畫書不一致，請修正後再送",
                    now,
                    today=decided_on,
                )
            else:
                await applications.waitlist(session, program, community_id, STAFF_ID, now)
        if plan.decision != "approve":
            continue
        activities += await _log_year(
            database,
            program,
            plan,
            convener_id,
            community_id,
            member_ids,
            decided_on,
            today,
            randomness,
        )
    return DemoSummary(communities, activities, FIRST_CONVENER_ID, STAFF_ID)


async def _log_year(
    database: Database,
    program: Program,
    plan: _Plan,
    convener_id: int,
    community_id: int,
    member_ids: list[int],
    decided_on: dt.date,
    today: dt.date,
    randomness: random.Random,
) -> int:
    """Log the community's meetings from its approval up to ``today``, at the plan's pace."""
    community_type = program.community_type(plan.type_key)
    end = program.period.end
    wanted = round(community_type.min_activities * plan.pace)
    kinds = (
        ["dialogue"] * community_type.min_dialogues
        + ["public_lesson"] * community_type.min_public_lessons
        + ["other"] * max(0, community_type.min_activities - 1)
    )[:wanted]
    if plan.pace >= 1:
        kinds.append("sharing_session")
    span = (end - decided_on).days
    logged = 0
    for number, kind in enumerate(kinds, start=1):
        day = decided_on + dt.timedelta(days=span * number // (len(kinds) + 1))
        while day.weekday() >= 5:
            day -= dt.timedelta(days=1)
        if day > today:
            break
        attendees = tuple(
            member_ids if kind != "dialogue" else member_ids[: max(2, len(member_ids) - 1)]
        )
        pictures = [
            f"demo-photo-{community_id}-{number}-{i}" for i in range(_PHOTOGRAPHED.get(kind, 0))
        ]
        draft = ActivityDraft(
            day,
            kind,
            randomness.choice(_TOPICS[kind]),
            attendees,
            details={
                "duration_minutes": 90,
                "start_time": dt.time(13, 30),
                "end_time": dt.time(15, 0),
                "place": randomness.choice(_PLACES),
            },
            photo_file_ids=tuple(pictures),
        )
        async with database.session() as session:
            for index, reference in enumerate(pictures):
                await photos.keep(
                    session, reference, demo_photo(community_id * 10 + index), "image/png"
                )
            await log_activity(
                session, program, convener_id, community_id, draft, f"demo-{community_id}-{number}"
            )
        logged += 1
    return logged


def run_demo(settings: Settings, *, today: dt.date | None) -> int:
    """Seed the demo year into the configured database and say how to try it."""
    program = load_program(settings.PROGRAM_FILE)
    day = today or Clock(settings.timezone).today()

    async def seed() -> DemoSummary:
        database = Database(settings.database_url)
        try:
            await database.migrate()
            return await seed_demo(database, program, day)
        finally:
            await database.dispose()

    summary = asyncio.run(seed())
    if summary.others:
        sys.stderr.write(
            f"This database already holds {summary.others} communities of the program year, so "
            "the demo added nothing. Run it on an empty one, e.g. with another BOT_DATA_DIR.\n"
        )
        return 1
    if summary.already_there:
        sys.stdout.write("The demo year is already in this database; nothing was added.\n")
    else:
        sys.stdout.write(
            f"Added {summary.communities} communities and {summary.activities} meetings "
            f"as they stand on {day.isoformat()}.\n"
        )
    option = f" --today {today.isoformat()}" if today else ""
    sys.stdout.write(
        "Try it:\n"
        f"  python -m bot console{option} --admin --user-id {summary.staff_id} --name {STAFF_NAME}"
        "   (bureau staff: /review, /stats, /export)\n"
        f"  python -m bot console{option} --user-id {summary.first_convener_id}"
        "   (a convener: /progress, /mycommunity, /log)\n"
    )
    return 0
