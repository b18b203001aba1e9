"""Benchmark the conversational flows: one full /register and ten /log runs, update by update.

Drives the real Application (handlers, persistence, database) against the in-process Bot API
stand-in and reports the handling time per update, with the time spent inside the stand-in
subtracted. Usage: ``.venv/bin/python bench/flows.py [--database-url URL] [--rounds N]``
(default: a fresh SQLite file in a temporary directory).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.app import build_application, start_embedded, stop_embedded  # noqa: E402
from bot.clock import Clock  # noqa: E402
from bot.settings import CONSOLE_TOKEN, Settings  # noqa: E402
from bot.standin.core import BotApiStandin  # noqa: E402
from bot.standin.driver import ChatDriver  # noqa: E402
from bot.standin.inprocess import InProcessRequest  # noqa: E402

USER = 10001
TODAY = dt.date(2022, 10, 20)


class TimedStandin(BotApiStandin):
    """The stand-in, counting the time spent inside it so it can be left out."""

    inside = 0.0

    async def handle(self, *args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return await super().handle(*args, **kwargs)
        finally:
            self.inside += time.perf_counter() - start


async def _script(driver: ChatDriver, timings: list[float], standin: TimedStandin) -> None:
    async def step(action: Callable[[], Awaitable[object]]) -> None:
        standin.inside = 0.0
        start = time.perf_counter()
        await action()
        timings.append((time.perf_counter() - start - standin.inside) * 1000)

    def send(text: str) -> Callable[[], Awaitable[object]]:
        return lambda: driver.send(USER, text)

    def press(label: str) -> Callable[[], Awaitable[object]]:
        return lambda: driver.press(USER, label)

    for action in (send("/register"), press("共備精進"), send("正興國小"), press("正興國民小學"),
                   send("正興數學共備社群")):  # fmt: skip
        await step(action)
    for name, gifted in (("王大明", True), ("李小華", False), ("陳一心", False), ("林二郎", False)):
        await step(send(name))
        await step(press("是，資優班教師" if gifted else "不是"))
        await step(press("略過"))
    await step(press("確認登錄"))
    for number in range(10):
        for action in (send("/log"), send(f"10/{number + 1}"), press("專業對話"),
                       send(f"主題 {number}"), press("全部出席"), press("完成"),
                       send("90分鐘"), press("略過"), press("略過"), press("儲存")):  # fmt: skip
            await step(action)


async def _run(database_url: str) -> list[float]:
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        TELEGRAM_API_BASE_URL="http://127.0.0.1:1/bot",
        DATABASE_URL=database_url,
    )
    standin = TimedStandin()
    standin.add_user(USER, "王老師", language_code="zh-hant")
    application = build_application(
        settings,
        Clock(settings.timezone, today=TODAY),
        token=CONSOLE_TOKEN,
        request=InProcessRequest(standin),
        get_updates_request=InProcessRequest(standin),
    )
    await start_embedded(application)
    timings: list[float] = []
    try:
        await _script(ChatDriver(application, standin), timings, standin)
    finally:
        await stop_embedded(application)
    return timings


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    """Print the median and tail handling time per update."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", help="SQLAlchemy URL (default: a temporary SQLite)")
    parser.add_argument("--rounds", type=int, default=3, help="fresh databases to run on")
    args = parser.parse_args()
    everything: list[float] = []
    for _ in range(args.rounds):
        with tempfile.TemporaryDirectory() as folder:
            url = args.database_url or f"sqlite+aiosqlite:///{Path(folder) / 'bench.sqlite3'}"
            if args.database_url:
                asyncio.run(_reset(url))
            timings = asyncio.run(_run(url))
        everything.extend(timings)
        print(
            f"{len(timings)} updates: median {statistics.median(timings):.2f} ms, "
            f"p90 {_percentile(timings, 0.9):.2f} ms, max {max(timings):.2f} ms"
        )
    print(
        f"all rounds ({len(everything)} updates, stand-in time excluded): "
        f"median {statistics.median(everything):.2f} ms, p90 {_percentile(everything, 0.9):.2f} "
        f"ms, p99 {_percentile(everything, 0.99):.2f} ms"
    )


async def _reset(url: str) -> None:
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import create_async_engine

    from bot.settings import to_async_url

    engine = create_async_engine(to_async_url(url))
    async with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            await connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            await connection.execute(text("CREATE SCHEMA public"))
    await engine.dispose()


if __name__ == "__main__":
    main()
