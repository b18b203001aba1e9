"""`python -m bot run` loses no update to a kill -9 and is not wedged by a poison update.

The real bot runs as a subprocess polling the stand-in over HTTP, as in production.
"""

from __future__ import annotations

import asyncio
import signal
import sys
import time
from pathlib import Path

from support import REPO_ROOT, TEACHER_ID

from bot.settings import CONSOLE_TOKEN
from bot.standin.core import BotApiStandin

OTHER_TEACHER_ID = 10002


def _env(standin: BotApiStandin, tmp_path: Path) -> dict[str, str]:
    server = standin.http_server  # type: ignore[attr-defined]
    return {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "PYTHONPATH": str(REPO_ROOT),
        "BOT_DATA_DIR": str(tmp_path / "data"),
        "TELEGRAM_BOT_TOKEN": CONSOLE_TOKEN,
        "TELEGRAM_API_BASE_URL": server.base_url,
    }


async def _start(standin: BotApiStandin, tmp_path: Path) -> asyncio.subprocess.Process:
    polls_before = len(standin.calls_to("getUpdates"))
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", "--today", "2022-09-10",
        env=_env(standin, tmp_path), cwd=tmp_path, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    await standin.wait_until(
        lambda: (
            len(standin.calls_to("getUpdates")) > polls_before or process.returncode is not None
        ),
        within=60,
    )
    return process


async def _stop(process: asyncio.subprocess.Process) -> bytes:
    process.send_signal(signal.SIGTERM)
    _, stderr = await asyncio.wait_for(process.communicate(), timeout=60)
    return stderr


def _confirmed_past(standin: BotApiStandin, update_id: int) -> bool:
    return any(
        int(params.get("offset", 0)) > update_id for params in standin.calls_to("getUpdates")
    )


async def test_a_kill_9_with_one_update_in_flight_and_one_queued_loses_neither(
    standin: BotApiStandin, tmp_path: Path
):
    standin.add_user(TEACHER_ID, "王老師")
    first = await _start(standin, tmp_path)
    try:
        # The first answer hangs in Telegram; the teacher's second message waits behind it.
        standin.inject_delay("sendMessage", 120, chat_id=TEACHER_ID)
        standin.user_sends_text(TEACHER_ID, "/help")
        await standin.wait_until(lambda: bool(standin.calls_to("sendMessage")), within=30)
        queued = standin.user_sends_text(TEACHER_ID, "申請截止日是什麼時候？")
        # Telegram was told both arrived (the next offset is past them) ...
        await standin.wait_until(lambda: _confirmed_past(standin, queued["update_id"]), within=30)
    finally:
        first.kill()  # ... and then the process dies without a chance to clean up.
        await first.wait()
    assert standin.sent_messages(TEACHER_ID) == []
    assert standin.pending_updates() == []

    second = await _start(standin, tmp_path)
    try:
        await standin.wait_until(lambda: len(standin.sent_messages(TEACHER_ID)) >= 2, within=60)
        texts = [m.text or "" for m in standin.sent_messages(TEACHER_ID)]
        assert "使用說明" in texts[0]
        assert "111年9月21日" in texts[1]
        # Handled once each: nothing more arrives.
        standin.add_user(OTHER_TEACHER_ID, "李老師")
        standin.user_sends_text(OTHER_TEACHER_ID, "/help")
        await standin.wait_for_message(OTHER_TEACHER_ID, within=30)
        assert len(standin.sent_messages(TEACHER_ID)) == 2
    finally:
        stderr = await _stop(second)
    assert second.returncode == 0, stderr.decode(errors="replace")[-2000:]
    assert b"Traceback" not in stderr


async def test_an_unparsable_update_is_dead_lettered_and_later_updates_are_handled(
    standin: BotApiStandin, tmp_path: Path
):
    standin.add_user(TEACHER_ID, "王老師")
    process = await _start(standin, tmp_path)
    try:
        # A message without the message_id the Bot API promises: PTB cannot parse it.
        poison = standin.deliver_raw_update(
            "message",
            {
                "date": int(time.time()),
                "chat": {"id": TEACHER_ID, "type": "private"},
                "text": "秘密",
            },
        )
        standin.user_sends_text(TEACHER_ID, "申請截止日是什麼時候？")
        reply = await standin.wait_for_message(TEACHER_ID, within=30)
        assert "111年9月21日" in (reply.text or "")
        await standin.wait_until(lambda: _confirmed_past(standin, poison["update_id"]), within=30)
        assert standin.calls_to("getUpdates")[-1]["allowed_updates"] == [
            "message",
            "edited_message",
            "callback_query",
        ]
    finally:
        stderr = await _stop(process)
    assert process.returncode == 0
    assert b"CRITICAL" not in stderr
    assert "秘密".encode() not in stderr

    listing = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "deadletters",
        env=_env(standin, tmp_path), cwd=tmp_path, stdout=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, _ = await listing.communicate()
    assert listing.returncode == 0
    line = next(row for row in out.decode().splitlines() if str(poison["update_id"]) in row)
    assert "message" in line and "invalid:bad_message" in line
    letter_id = line.split()[0]
    shown = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "deadletters", "--show", letter_id,
        env=_env(standin, tmp_path), cwd=tmp_path, stdout=asyncio.subprocess.PIPE,
    )  # fmt: skip
    raw, _ = await shown.communicate()
    assert "秘密" in raw.decode()
