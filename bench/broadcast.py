"""Time a broadcast to 5,000 teachers: run ``.venv/bin/python bench/broadcast.py``.

The real bot (built as in production, started without polling) sends through the local Bot
API stand-in over HTTP, which enforces Telegram's limits: 30 messages a second in all and one
a second per chat (BotApiStandin(global_rate_per_s=30, per_chat_rate_per_s=1)). The staff
member goes through /broadcast like anyone would; the clock runs from pressing "send" to the
final report.

Two runs: a clean one, then one where Telegram answers some messages with 429 (retry after
1 s) and some users have blocked the bot (403). Each run reports the achieved rate, the
duplicates (users who got the message more than once) and the losses (users who have not
blocked the bot and never got it). Targets: rate ≥ 90% of BROADCAST_RATE_PER_SECOND (clean
run), 0 duplicates and 0 losses in both.

Options: --recipients N (5000), --rate R (BROADCAST_RATE_PER_SECOND, default 25),
--database-url URL (a fresh SQLite file by default), --skip-faults.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import logging
import random
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

# Run as a script from the checkout, so the project root must be importable.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.app import build_application, services_of, start_embedded, stop_embedded
from bot.clock import Clock
from bot.settings import CONSOLE_TOKEN, Settings
from bot.standin.core import BotApiStandin
from bot.standin.driver import ChatDriver
from bot.standin.http import StandinHttpServer
from db.models import User

ADMIN_ID = 90001
FIRST_TEACHER = 200_000
TEXT = "<b>研習通知</b>：資優教育教師專業成长社群召集人研習，請準時出席。"
PLAIN = "研習通知：資優教育教師專業成长社群召集人研習，請準時出席。"
TELEGRAM_GLOBAL_LIMIT = 30
TELEGRAM_PER_CHAT_LIMIT = 1
TARGET_SHARE = 0.9
HUMAN_PAUSE = 1.1


@dataclass
class Result:
    """What one run achieved."""

    label: str
    recipients: int
    seconds: float
    sent: int
    blocked_expected: int
    blocked_reported: int
    duplicates: int
    losses: int
    rate_limited: int
    configured_rate: float

    @property
    def rate(self) -> float:
        """Messages Telegram accepted or refused (sent + blocked), per second."""
        return (self.sent + self.blocked_reported) / self.seconds

    @property
    def ok(self) -> bool:
        """Whether nobody got it twice and nobody who could get it was missed."""
        return self.duplicates == 0 and self.losses == 0


def _final_report_sent(standin: BotApiStandin) -> bool:
    # Cheap on purpose: called after every API call of the run.
    return any(
        method == "sendMessage"
        and params.get("chat_id") == ADMIN_ID
        and "發送完成" in str(params.get("text", ""))
        for method, params in standin.calls[-3:]
    )


async def run_once(
    label: str,
    recipients: int,
    rate: float,
    database_url: str,
    *,
    blocked_share: float = 0.0,
    rate_limited: int = 0,
) -> Result:
    """Broadcast to ``recipients`` teachers through the whole bot; measure what happened."""
    standin = BotApiStandin(
        global_rate_per_s=TELEGRAM_GLOBAL_LIMIT, per_chat_rate_per_s=TELEGRAM_PER_CHAT_LIMIT
    )
    server = StandinHttpServer(standin)
    await server.start()
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        TELEGRAM_API_BASE_URL=server.base_url,
        DATABASE_URL=database_url,
        BOT_ADMIN_IDS=frozenset({ADMIN_ID}),
        BROADCAST_RATE_PER_SECOND=rate,
    )
    application = build_application(
        settings, Clock(settings.timezone, today=dt.date(2022, 9, 2)), token=CONSOLE_TOKEN
    )
    await start_embedded(application)
    try:
        teachers = list(range(FIRST_TEACHER, FIRST_TEACHER + recipients))
        standin.add_user(ADMIN_ID, "賴承辦")
        for user_id in teachers:
            standin.add_user(user_id, f"老師{user_id}")
        async with services_of(application).database.session() as session:
            session.add_all(User(id=user_id, display_name=f"老師{user_id}") for user_id in teachers)
        rng = random.Random(111)
        blocked = set(rng.sample(teachers, int(recipients * blocked_share)))
        for user_id in blocked:
            standin.block_user(user_id)
        for user_id in rng.sample(teachers, rate_limited):
            standin.inject_fault(
                method="sendMessage",
                chat_id=user_id,
                error_code=429,
                description="Too Many Requests: retry after 1",
                retry_after=1,
            )

        driver = ChatDriver(application, standin)
        # A person takes a moment between steps; the stand-in allows one message a second
        # in a chat, as Telegram asks.
        for step in ("/broadcast", TEXT):
            await driver.send(ADMIN_ID, step)
            await asyncio.sleep(HUMAN_PAUSE)
        await driver.press(ADMIN_ID, "所有使用者")
        await asyncio.sleep(HUMAN_PAUSE)
        began = time.perf_counter()
        await driver.press(ADMIN_ID, "確認發送")
        budget = recipients / rate * 2 + 60
        await standin.wait_until(lambda: _final_report_sent(standin), within=budget)
        seconds = time.perf_counter() - began

        received = Counter(
            message.chat_id for message in standin.sent_messages() if message.text == PLAIN
        )
        duplicates = sum(1 for user_id in teachers if received[user_id] > 1)
        losses = sum(1 for user_id in teachers if user_id not in blocked and not received[user_id])
        report = next(
            params["text"]
            for method, params in reversed(standin.calls)
            if method == "sendMessage" and "發送完成" in str(params.get("text", ""))
        )
        blocked_reported = int(str(report).split("已封鎖 ")[1].split()[0])
        sent = sum(1 for user_id in teachers if received[user_id])
        return Result(
            label=label,
            recipients=recipients,
            seconds=seconds,
            sent=sent,
            blocked_expected=len(blocked),
            blocked_reported=blocked_reported,
            duplicates=duplicates,
            losses=losses,
            rate_limited=rate_limited,
            configured_rate=rate,
        )
    finally:
        await stop_embedded(application)
        await server.stop()


def show(result: Result) -> bool:
    """Print one run; whether it met its targets."""
    share = result.rate / result.configured_rate
    clean = result.rate_limited == 0 and result.blocked_expected == 0
    rate_ok = share >= TARGET_SHARE or not clean
    print(f"{result.label}")
    print(f"  recipients          {result.recipients}")
    print(f"  time                {result.seconds:8.1f} s")
    print(
        f"  achieved rate       {result.rate:8.2f} msg/s "
        f"({share:.0%} of the configured {result.configured_rate:g}/s; "
        f"Telegram limit {TELEGRAM_GLOBAL_LIMIT}/s)" + ("" if rate_ok else "  BELOW TARGET")
    )
    print(f"  delivered           {result.sent}")
    print(
        f"  blocked (403)       {result.blocked_reported} reported / {result.blocked_expected} set"
    )
    print(f"  429s injected       {result.rate_limited}")
    print(f"  duplicates          {result.duplicates}")
    print(f"  losses              {result.losses}")
    return rate_ok and result.ok and result.blocked_reported == result.blocked_expected


def main() -> int:
    """Run the clean and the faulty broadcast; exit 1 if a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipients", type=int, default=5000)
    parser.add_argument(
        "--rate", type=float, default=Settings.model_fields["BROADCAST_RATE_PER_SECOND"].default
    )
    parser.add_argument("--database-url", help="a database to use (emptied tables expected)")
    parser.add_argument("--skip-faults", action="store_true")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)

    ok = True
    with tempfile.TemporaryDirectory() as folder:

        def url(name: str) -> str:
            return args.database_url or f"sqlite+aiosqlite:///{Path(folder) / name}.sqlite3"

        clean = asyncio.run(run_once("clean run", args.recipients, args.rate, url("clean")))
        ok &= show(clean)
        if not args.skip_faults:
            faulty = asyncio.run(
                run_once(
                    "with 429s and 403s",
                    args.recipients,
                    args.rate,
                    url("faulty"),
                    blocked_share=0.02,
                    rate_limited=10,
                )
            )
            ok &= show(faulty)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
