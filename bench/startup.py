"""Start-up times: `--help`, the console, and `run` until its first getUpdates.

Run: .venv/bin/python bench/startup.py  (targets: --help < 1 s; console and run ready < 2 s
with an empty database)
"""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from bot.settings import CONSOLE_TOKEN  # noqa: E402
from bot.standin.core import BotApiStandin  # noqa: E402
from bot.standin.http import StandinHttpServer  # noqa: E402

RUNS = 5


def _env(data_dir: str, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update({"BOT_DATA_DIR": data_dir, "PYTHONPATH": str(REPO_ROOT)}, **extra)
    env.pop("DATABASE_URL", None)
    return env


def time_help() -> float:
    """Seconds for `python -m bot --help`."""
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "bot", "--help"], capture_output=True, check=True, cwd=REPO_ROOT
    )
    return time.perf_counter() - start


def time_console() -> float:
    """Seconds from launch to the console's answer to /start, on an empty database."""
    with tempfile.TemporaryDirectory() as data_dir:
        start = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "console"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=_env(data_dir),
        )  # fmt: skip
        assert process.stdin and process.stdout
        process.stdin.write("/start\n")
        process.stdin.flush()
        for line in process.stdout:
            if line.startswith("bot>"):
                break
        elapsed = time.perf_counter() - start
        process.stdin.close()
        process.wait(timeout=30)
        return elapsed


async def time_run() -> float:
    """Seconds from launching `run` until it polls the (stand-in) Bot API, empty database."""
    standin = BotApiStandin()
    async with StandinHttpServer(standin) as server:
        with tempfile.TemporaryDirectory() as data_dir:
            env = _env(
                data_dir,
                TELEGRAM_BOT_TOKEN=CONSOLE_TOKEN,
                TELEGRAM_API_BASE_URL=server.base_url,
            )
            start = time.perf_counter()
            process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", "run", env=env,
                stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
            )  # fmt: skip
            await standin.wait_until(lambda: bool(standin.calls_to("getUpdates")), within=30)
            elapsed = time.perf_counter() - start
            process.terminate()
            await process.wait()
            return elapsed


def report(name: str, samples: list[float], target: float) -> None:
    """Print median and worst of the samples against the target."""
    median, worst = statistics.median(samples), max(samples)
    verdict = "ok" if median < target else "OVER TARGET"
    print(f"{name:<28} median {median * 1000:7.0f} ms   max {worst * 1000:7.0f} ms   "
          f"target < {target * 1000:.0f} ms   {verdict}")  # fmt: skip


def main() -> None:
    """Measure each start-up RUNS times and print the figures."""
    report("python -m bot --help", [time_help() for _ in range(RUNS)], 1.0)
    report("console ready (/start)", [time_console() for _ in range(RUNS)], 2.0)
    report("run polling", [asyncio.run(time_run()) for _ in range(RUNS)], 2.0)


if __name__ == "__main__":
    main()
