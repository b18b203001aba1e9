"""Throughput and memory of the whole stack: stand-in → HTTP → PTB polling → handlers → DB → reply.

The bot runs as a real `python -m bot run` process polling the Bot API stand-in over HTTP, on
a SQLite database seeded with 10,000 users, 2,000 communities and 100,000 activities. Virtual
teachers talk to it in a closed loop (each waits for the answer before the next message): a
mix of questions, /progress views and whole /log conversations. The baseline is an echo bot on
the same stack (PTB polling the same stand-in), run with PTB's defaults and with our bounded
update queue. Reported for each: updates per second, p50/p99 latency per update, peak RSS,
CPU time and Bot API calls per update; then the ratio of our bot's rate to the faster echo
bot's (target ≥ 0.5) and whether our peak RSS is under 200 MB.

Run: .venv/bin/python bench/throughput.py [--users 20] [--seconds 20]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert  # noqa: E402

from bot.app import UPDATE_QUEUE_SIZE  # noqa: E402
from bot.program import load_program  # noqa: E402
from bot.settings import CONSOLE_TOKEN  # noqa: E402
from bot.standin.core import BotApiStandin  # noqa: E402
from bot.standin.http import StandinHttpServer  # noqa: E402
from db.engine import Database  # noqa: E402
from db.models import Activity, Community, Member, School, User  # noqa: E402

TODAY = dt.date(2022, 11, 15)
QUESTIONS = (
    "申請截止日是什麼時候？",
    "共備社群要幾個人？",
    "研創社群經費多少",
    "成果發表會是什麼時候",
    "第二期補助款期間",
    "有問題要找誰",
    "公開授課要幾次",
    "申请截止日期是哪天",
    "經費",
    "How much funding does a co-planning community get?",
)

# The baseline: PTB's echo bot, polling the same stand-in. It runs twice, with PTB's default
# unbounded update queue and with the bounded queue our bot uses (argv[3]); the ratio is taken
# against the faster of the two.
ECHO_BOT = """
import asyncio, sys
from telegram.ext import ApplicationBuilder, MessageHandler, filters
async def echo(update, context):
    await update.effective_chat.send_message(update.effective_message.text or "?")
builder = ApplicationBuilder().token(sys.argv[1]).base_url(sys.argv[2])
if int(sys.argv[3]):
    builder = builder.update_queue(asyncio.Queue(maxsize=int(sys.argv[3])))
app = builder.build()
app.add_handler(MessageHandler(filters.ALL, echo))
app.run_polling()
"""


async def seed(url: str, users: int, communities: int, activities: int) -> None:
    """Fill the database in bulk (no per-row round trips)."""
    database = Database(url)
    await database.migrate()
    program = load_program()
    schools = program.recipients.schools
    kinds = ["dialogue", "public_lesson", "other", "sharing_session"]
    async with database.session() as session:
        await session.execute(
            insert(School),
            [{"id": i + 1, "name": name, "in_letter": True} for i, name in enumerate(schools)],
        )
        await session.execute(
            insert(User),
            [
                {
                    "id": 100000 + i,
                    "display_name": f"老師{i}",
                    "language": "zh-TW",
                    "reminder_opt_outs": [],
                    "active": True,
                    "is_staff": False,
                }
                for i in range(users)
            ],
        )
        await session.execute(
            insert(Community),
            [
                {
                    "id": c + 1,
                    "program_year": program.program.year,
                    "type_key": "co_planning" if c % 2 else "curriculum",
                    "school_id": c % len(schools) + 1,
                    "name": f"社群{c}",
                    "convener_user_id": 100000 + c,
                    "invite_code": f"inv{c:08d}",
                    "status": "approved",
                }
                for c in range(communities)
            ],
        )
        await session.execute(
            insert(Member),
            [
                {
                    "community_id": c + 1,
                    "position": p,
                    "name": f"成員{c}-{p}",
                    "gifted_teacher": p < 2,
                    "is_convener": p == 0,
                    "user_id": 100000 + c if p == 0 else None,
                }
                for c in range(communities)
                for p in range(4 if c % 2 else 6)
            ],
        )
        await session.execute(
            insert(Activity),
            [
                {
                    "community_id": a % communities + 1,
                    "client_token": f"seed-{a}",
                    "day": dt.date(2022, 9, 1) + dt.timedelta(days=a % 70),
                    "kind": kinds[a % 4],
                    "topic": f"主題{a}",
                    "attendee_member_ids": [],
                    "photo_file_ids": [],
                }
                for a in range(activities)
            ],
        )
    await database.dispose()


class VirtualUser:
    """One teacher: sends, waits for the bot's answer, records the latency."""

    def __init__(self, standin: BotApiStandin, user_id: int, latencies: list[float]) -> None:
        self.standin = standin
        self.user_id = user_id
        self.latencies = latencies
        self.updates = 0

    async def _await_answer(self, before: int, start: float) -> None:
        def answered() -> bool:
            chat = [m for m in self.standin.sent_messages(self.user_id)]
            edits = sum(len(m.edits) for m in chat)
            return len(chat) + edits > before

        await self.standin.wait_until(answered, within=30)
        self.latencies.append(time.perf_counter() - start)
        self.updates += 1

    def _mark(self) -> int:
        chat = self.standin.sent_messages(self.user_id)
        return len(chat) + sum(len(m.edits) for m in chat)

    async def text(self, text: str) -> None:
        before, start = self._mark(), time.perf_counter()
        self.standin.user_sends_text(self.user_id, text)
        await self._await_answer(before, start)

    async def press(self, label: str) -> None:
        before, start = self._mark(), time.perf_counter()
        self.standin.user_presses_button_labelled(self.user_id, label)
        await self._await_answer(before, start)

    async def log_activity(self, day: int) -> None:
        await self.text("/log")
        await self.text(f"2022-10-{day:02d}")
        await self.press("專業對話")
        await self.text("差異化教學")
        await self.press("全部")
        await self.press("完成")
        await self.text("60")
        await self.press("略過")
        await self.press("略過")
        await self.press("儲存")

    async def mix(self, until: float) -> None:
        rng = random.Random(self.user_id)
        while time.perf_counter() < until:
            roll = rng.random()
            if roll < 0.6:
                await self.text(rng.choice(QUESTIONS))
            elif roll < 0.85:
                await self.text("/progress")
            else:
                await self.log_activity(rng.randint(1, 28))

    async def echo(self, until: float) -> None:
        rng = random.Random(self.user_id)
        while time.perf_counter() < until:
            await self.text(rng.choice(QUESTIONS))


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time the process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_rss_mb(pid: int) -> float:
    """The process's peak resident memory (VmHWM)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def measure(
    kind: str, users: int, seconds: float, data_dir: str, queue_size: int = 0
) -> dict[str, Any]:
    """Run one closed-loop load against the bot (or the echo bot); return the figures."""
    standin = BotApiStandin(first_update_id=1_000_000)
    async with StandinHttpServer(standin) as server:
        env = dict(
            os.environ,
            PYTHONPATH=str(ROOT),
            BOT_DATA_DIR=data_dir,
            TELEGRAM_BOT_TOKEN=CONSOLE_TOKEN,
            TELEGRAM_API_BASE_URL=server.base_url,
        )
        env.pop("DATABASE_URL", None)
        if kind == "bot":
            command = [sys.executable, "-m", "bot", "run", "--today", TODAY.isoformat()]
        else:
            command = [
                sys.executable,
                "-c",
                ECHO_BOT,
                CONSOLE_TOKEN,
                server.base_url,
                str(queue_size),
            ]
        process = await asyncio.create_subprocess_exec(
            *command, env=env, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL
        )
        await standin.wait_until(lambda: bool(standin.calls_to("getUpdates")), within=60)
        latencies: list[float] = []
        people = []
        for index in range(users):
            # The first users convene seeded communities (so /progress and /log have data).
            user_id = 100000 + index
            standin.add_user(user_id, f"老師{index}")
            people.append(VirtualUser(standin, user_id, latencies))
        warm = VirtualUser(standin, 100000 + users, [])
        standin.add_user(warm.user_id, "暖身")
        await warm.text("你好")
        cpu_before, calls_before = cpu_seconds(process.pid), len(standin.calls)
        polls_before = len(standin.calls_to("getUpdates"))
        start = time.perf_counter()
        until = start + seconds
        await asyncio.gather(*(p.mix(until) if kind == "bot" else p.echo(until) for p in people))
        elapsed = time.perf_counter() - start
        rss = peak_rss_mb(process.pid)
        cpu = cpu_seconds(process.pid) - cpu_before
        calls = len(standin.calls) - calls_before
        polls = len(standin.calls_to("getUpdates")) - polls_before
        process.terminate()
        await process.wait()
    total = sum(p.updates for p in people)
    ordered = sorted(latencies)
    return {
        "rate": total / elapsed,
        "updates": total,
        "p50": statistics.median(ordered) * 1000,
        "p99": ordered[int(len(ordered) * 0.99) - 1] * 1000,
        "rss": rss,
        "cpu_ms": cpu / total * 1000,
        "calls": calls / total,
        "polls": polls / total,
    }


async def main() -> None:
    """Seed, measure the bot and the echo baseline, print the comparison."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=20.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data_dir:
        url = f"sqlite+aiosqlite:///{Path(data_dir) / 'bot.sqlite3'}"
        started = time.perf_counter()
        await seed(url, users=10_000, communities=2_000, activities=100_000)
        print(
            f"seeded 10,000 users, 2,000 communities, 100,000 activities "
            f"in {time.perf_counter() - started:.1f} s"
        )
        bot = await measure("bot", args.users, args.seconds, data_dir)
        echo_default = await measure("echo", args.users, args.seconds, data_dir)
        echo_bounded = await measure(
            "echo", args.users, args.seconds, data_dir, queue_size=UPDATE_QUEUE_SIZE
        )
    report("echo bot, PTB defaults", echo_default)
    report(f"echo bot, update queue {UPDATE_QUEUE_SIZE}", echo_bounded)
    report("our bot", bot)
    echo = max(echo_default, echo_bounded, key=lambda figures: figures["rate"])
    ratio = bot["rate"] / echo["rate"]
    print(
        f"ratio {ratio:.2f} against the faster echo bot (target ≥ 0.5); "
        f"peak RSS target < 200 MB: {'ok' if bot['rss'] < 200 else 'OVER'}"
    )


def report(name: str, figures: dict[str, Any]) -> None:
    """One line of figures for one bot."""
    print(
        f"{name:26s} {figures['rate']:6.1f} updates/s  p50 {figures['p50']:6.1f} ms  "
        f"p99 {figures['p99']:6.1f} ms  peak RSS {figures['rss']:4.0f} MB  "
        f"CPU {figures['cpu_ms']:4.1f} ms/update  Bot API calls/update {figures['calls']:.2f} "
        f"(getUpdates {figures['polls']:.2f})  [{figures['updates']} updates]"
    )


if __name__ == "__main__":
    asyncio.run(main())
