"""`python -m bot run` polls the Bot API (here the stand-in over HTTP) and stops cleanly."""

from __future__ import annotations

import asyncio
import signal
import sys
from pathlib import Path

from support import REPO_ROOT, TEACHER_ID

from bot.settings import CONSOLE_TOKEN
from bot.standin.core import BotApiStandin


async def test_run_answers_over_polling_and_stops_cleanly_on_sigterm(
    standin: BotApiStandin, tmp_path: Path
):
    server = standin.http_server  # type: ignore[attr-defined]
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "PYTHONPATH": str(REPO_ROOT),
        "BOT_DATA_DIR": str(tmp_path / "data"),
        "TELEGRAM_BOT_TOKEN": CONSOLE_TOKEN,
        "TELEGRAM_API_BASE_URL": server.base_url,
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", "--today", "2022-09-10",
        env=env, cwd=tmp_path, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        await standin.wait_until(lambda: bool(standin.calls_to("getUpdates")), within=60)
        standin.add_user(TEACHER_ID, "王老師")
        standin.user_sends_text(TEACHER_ID, "申請截止日是什麼時候？")
        reply = await standin.wait_for_message(TEACHER_ID, within=30)
        assert "111年9月21日" in (reply.text or "")
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode == 0
    assert b"Traceback" not in stderr
    assert CONSOLE_TOKEN.encode() not in stderr
