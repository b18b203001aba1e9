"""Time the reminders at city scale: run ``.venv/bin/python bench/reminders.py``.

1. With 10,000 users and 2,000 communities, compute the recipients and texts of the
   period-end nudge (budget: under 1 s, a handful of queries, none per user).
2. Deliver pending messages through the real delivery layer and limiter to the local Bot API
   stand-in limited like Telegram (30 msg/s overall, 1 msg/s per chat) and report the rate
   (target: at least 27 msg/s with no 429).

Options: --messages N (default 600), --rate R (the limiter's rate, default 29; the bot's
default BROADCAST_RATE_PER_SECOND is 25, also measured), DATABASE_URL for PostgreSQL.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import random
import sys
import tempfile
import time
from pathlib import Path

# Run as a script from the checkout, so the project root must be importable.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert
from telegram.ext import ExtBot

from bot.program import load_program
from bot.retry import RetryAfterLimiter
from bot.settings import CONSOLE_TOKEN, to_async_url
from bot.standin.core import BotApiStandin
from bot.standin.http import StandinHttpServer
from db import deliveries
from db.engine import Database
from db.models import Activity, Community, CommunityStatus, Member, Reminder, School, User
from db.models.messaging import ReminderStatus
from reminders.audience import compose
from reminders.delivery import RateLimiter, deliver_pending
from reminders.plan import COMMUNITIES, NUDGES, Audience
from reminders.texts import Content

USERS = 10_000
COMMUNITIES_COUNT = 2_000
BUDGET_SECONDS = 1.0
TARGET_RATE = 27.0
KINDS = ("dialogue", "public_lesson", "sharing_session", "other", "other", "showcase")


async def _populate(database: Database) -> None:
    rng = random.Random(111)
    users = [
        {"id": 100_000 + i, "display_name": f"老師{i}", "language": "en" if i % 10 == 0 else None,
         "reminder_opt_outs": ["nudges"] if i % 50 == 0 else [], "active": i % 97 != 0,
         "is_staff": False}
        for i in range(USERS)
    ]  # fmt: skip
    schools = [{"id": i + 1, "name": f"高雄市立第{i + 1}國民中學"} for i in range(200)]
    communities, members, activities = [], [], []
    member_id = 0
    for index in range(COMMUNITIES_COUNT):
        type_key = "co_planning" if index % 2 == 0 else "curriculum"
        size = 4 if type_key == "co_planning" else 6
        people = [100_000 + (index * 5 + k) % USERS for k in range(size)]
        communities.append(
            {"id": index + 1, "program_year": 111, "type_key": type_key,
             "school_id": index % 200 + 1, "name": f"社群{index + 1}",
             "convener_user_id": people[0], "status": CommunityStatus.APPROVED,
             "invite_code": f"code{index}"}
        )  # fmt: skip
        for position, user_id in enumerate(people):
            member_id += 1
            members.append(
                {"id": member_id, "community_id": index + 1, "position": position,
                 "name": "成員", "gifted_teacher": position < 2, "is_convener": position == 0,
                 "user_id": user_id}
            )  # fmt: skip
        for _ in range(rng.randint(0, 10)):
            activities.append(
                {"community_id": index + 1, "client_token": f"t{len(activities)}",
                 "day": dt.date(2022, 9, 1) + dt.timedelta(days=rng.randint(0, 300)),
                 "kind": rng.choice(KINDS), "topic": "社群活動",
                 "attendee_member_ids": [], "photo_file_ids": []}
            )  # fmt: skip
    async with database.session() as session:
        for model, rows in (
            (User, users), (School, schools), (Community, communities), (Member, members),
            (Activity, activities),
        ):  # fmt: skip
            for start in range(0, len(rows), 2000):
                await session.execute(insert(model), rows[start : start + 2000])


async def _time_period_end_nudge(database: Database) -> tuple[float, int]:
    program = load_program()
    content = Content(NUDGES, "period_end", program.period.end, None, Audience(COMMUNITIES))
    started = time.perf_counter()
    async with database.session() as session:
        messages = await compose(session, program, content, dt.date(2023, 7, 1), frozenset())
    return time.perf_counter() - started, len(messages)


async def _measure_delivery(database: Database, messages: int, rate: float) -> None:
    standin = BotApiStandin(global_rate_per_s=30, per_chat_rate_per_s=1)
    server = StandinHttpServer(standin)
    await server.start()
    user_ids = list(range(500_000, 500_000 + messages))
    for user_id in user_ids:
        standin.add_user(user_id, f"老師{user_id}")
    async with database.session() as session:
        reminder = Reminder(
            key=f"bench:{rate}:{time.time()}", category="staff", program_year=111,
            fire_at=dt.datetime.now(dt.UTC), audience={}, status=ReminderStatus.SENDING,
        )  # fmt: skip
        session.add(reminder)
        await session.flush()
        await deliveries.add_pending(
            session,
            [(u, "📣 <b>教育局提醒</b>\n測試訊息") for u in user_ids],
            reminder_id=reminder.id,
        )
        reminder_id = reminder.id
    bot = ExtBot(CONSOLE_TOKEN, base_url=server.base_url, rate_limiter=RetryAfterLimiter())
    try:
        async with bot:
            started = time.perf_counter()
            report = await deliver_pending(
                database, bot, RateLimiter(rate), reminder_id=reminder_id
            )
            seconds = time.perf_counter() - started
    finally:
        await server.stop()
    refused = report.retried_429
    achieved = report.sent / seconds
    verdict = "ok" if achieved >= TARGET_RATE and refused == 0 else "below target"
    if rate < TARGET_RATE:
        verdict = "(the limiter itself is set below the target)"
    print(
        f"delivery, limiter {rate:>4.1f}/s: {report.sent} sent in {seconds:5.1f} s = "
        f"{achieved:5.1f} msg/s, 429s: {refused}, failed: {report.failed}  {verdict}"
    )


async def _main(args: argparse.Namespace) -> int:
    url = os.environ.get("DATABASE_URL")
    folder = tempfile.TemporaryDirectory()
    database = Database(
        to_async_url(url) if url else f"sqlite+aiosqlite:///{Path(folder.name) / 'bench.sqlite3'}"
    )
    try:
        await database.migrate()
        print(f"populating {USERS:,} users and {COMMUNITIES_COUNT:,} communities …")
        await _populate(database)
        await _time_period_end_nudge(database)  # warm the caches once
        seconds, count = await _time_period_end_nudge(database)
        verdict = "ok" if seconds < BUDGET_SECONDS else "OVER BUDGET"
        print(f"period-end nudge: {count:,} recipients and texts in {seconds:.3f} s  {verdict}")
        for rate in args.rate:
            await _measure_delivery(database, args.messages, rate)
    finally:
        await database.dispose()
        folder.cleanup()
    return 0


def main() -> int:
    """Run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=600)
    parser.add_argument("--rate", type=float, nargs="+", default=[29.0, 25.0])
    return asyncio.run(_main(parser.parse_args()))


if __name__ == "__main__":
    sys.exit(main())
