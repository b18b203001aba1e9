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


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_run_with_both_messengers_configured_answers_on_telegram_and_on_line(
    standin: BotApiStandin, tmp_path: Path
):
    from bot.standin.line import LineStandin, LineStandinServer

    line = LineStandin()
    port = _free_port()
    async with LineStandinServer(line) as line_server:
        env = {
            "PATH": "/usr/bin:/bin",
            "HOME": str(tmp_path),
            "PYTHONPATH": str(REPO_ROOT),
            "BOT_DATA_DIR": str(tmp_path / "data"),
            "TELEGRAM_BOT_TOKEN": CONSOLE_TOKEN,
            "TELEGRAM_API_BASE_URL": standin.http_server.base_url,  # type: ignore[attr-defined]
            "LINE_CHANNEL_SECRET": line.channel_secret,
            "LINE_CHANNEL_ACCESS_TOKEN": line.access_token,
            "LINE_API_BASE_URL": line_server.base_url,
        }
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", "--today", "2022-09-10", "--port", str(port),
            env=env, cwd=tmp_path, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        try:
            await standin.wait_until(lambda: bool(standin.calls_to("getUpdates")), within=60)
            standin.add_user(TEACHER_ID, "王老師")
            standin.user_sends_text(TEACHER_ID, "申請截止日是什麼時候？")
            reply = await standin.wait_for_message(TEACHER_ID, within=30)
            assert "111年9月21日" in (reply.text or "")

            teacher = line.add_user("林老師")
            event = line.text_event(teacher.user_id, "申請截止日是什麼時候？")
            url = f"http://127.0.0.1:{port}/line/webhook"
            assert await line.deliver(url, event) == 200
            [answer] = line.messages_to(teacher.user_id)
            assert "111年9月21日" in answer.text
            assert answer.via == "reply"
        finally:
            process.send_signal(signal.SIGTERM)
            _, stderr = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode == 0
    assert b"Traceback" not in stderr
    assert b"LINE webhook listening" in stderr
    for secret in (CONSOLE_TOKEN, line.channel_secret, line.access_token):
        assert secret.encode() not in stderr


async def test_run_line_without_a_telegram_token_serves_line_alone(tmp_path: Path):
    from bot.standin.line import LineStandin, LineStandinServer

    line = LineStandin()
    port = _free_port()
    async with LineStandinServer(line) as line_server:
        env = {
            "PATH": "/usr/bin:/bin",
            "HOME": str(tmp_path),
            "PYTHONPATH": str(REPO_ROOT),
            "BOT_DATA_DIR": str(tmp_path / "data"),
            "LINE_CHANNEL_SECRET": line.channel_secret,
            "LINE_CHANNEL_ACCESS_TOKEN": line.access_token,
            "LINE_API_BASE_URL": line_server.base_url,
        }
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", "--line", "--port", str(port),
            env=env, cwd=tmp_path, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        started = b""
        try:
            assert process.stderr is not None
            while b"LINE webhook listening" not in started:
                line_read = await asyncio.wait_for(process.stderr.readline(), timeout=60)
                assert line_read, started
                started += line_read
            teacher = line.add_user("林老師")
            url = f"http://127.0.0.1:{port}/line/webhook"
            assert await line.deliver(url, line.text_event(teacher.user_id, "FAQ")) == 200
            assert "請選擇主題" in line.messages_to(teacher.user_id)[0].text
        finally:
            process.send_signal(signal.SIGTERM)
            _, rest = await asyncio.wait_for(process.communicate(), timeout=60)
            stderr = started + rest
    assert process.returncode == 0
    assert b"Traceback" not in stderr
    assert b"Polling" not in stderr
