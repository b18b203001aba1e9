"""What the operator finds on disk and in the logs: private files, no personal data, one line."""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import stat
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from support import ADMIN_ID, REPO_ROOT, TEACHER_ID, MakeBot

from bot.backup import backup_sqlite
from bot.logs import DropPersonalData, set_personal_data, user_ref
from db.engine import Database

DEPLOY = REPO_ROOT / "deploy"


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def loose_umask() -> Iterator[None]:
    """The usual umask of a login shell (022): files would be world-readable by default."""
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


@pytest.fixture
def no_personal_data() -> Iterator[None]:
    set_personal_data(False, b"test key")
    try:
        yield
    finally:
        set_personal_data(False)


async def test_the_sqlite_database_and_its_wal_are_private(tmp_path: Path, loose_umask: None):
    folder = tmp_path / "data" / "bot"
    database = Database(f"sqlite+aiosqlite:///{folder / 'bot.sqlite3'}")
    try:
        await database.migrate()
        async with database.engine.connect() as connection:
            await connection.exec_driver_sql("SELECT 1")
            files = sorted(folder.iterdir())
            assert [file.name for file in files] == [
                "bot.sqlite3", "bot.sqlite3-shm", "bot.sqlite3-wal",
            ]  # fmt: skip
            assert {file.name: _mode(file) for file in files} == {
                file.name: 0o600 for file in files
            }
    finally:
        await database.dispose()
    assert _mode(folder) == 0o700
    assert _mode(folder.parent) == 0o700


async def test_a_backup_is_private(tmp_path: Path, loose_umask: None):
    source = tmp_path / "bot.sqlite3"
    database = Database(f"sqlite+aiosqlite:///{source}")
    await database.migrate()
    await database.dispose()
    target = backup_sqlite(source, tmp_path / "backups" / "bot-1.sqlite3")
    assert _mode(target) == 0o600
    assert _mode(target.parent) == 0o700


def test_the_systemd_unit_and_the_two_process_nginx_example():
    unit = (DEPLOY / "gifted-community-bot.service").read_text()
    assert "\nUMask=0077\n" in unit
    nginx = (DEPLOY / "nginx-two-processes.conf").read_text()
    upstream = nginx[nginx.index("upstream gifted_bot {") : nginx.index("}")]
    assert upstream.count("server 127.0.0.1:") == 2
    assert "location = /telegram/hook" in nginx and "proxy_pass http://gifted_bot;" in nginx
    assert "X-Telegram-Bot-Api-Secret-Token $http_x_telegram_bot_api_secret_token" in nginx


async def test_logs_carry_no_names_usernames_or_texts_and_only_hashed_user_ids(
    make_bot: MakeBot, caplog: pytest.LogCaptureFixture, no_personal_data: None
):
    caplog.set_level(logging.DEBUG)
    caplog.handler.addFilter(DropPersonalData())  # as configure_logging's handler has
    bot = await make_bot()
    bot.standin.add_user(TEACHER_ID, "林秀琴", username="lin_hsiuchin")
    await bot.send(TEACHER_ID, "/start")
    await bot.send(TEACHER_ID, "我想問共備社群要幾個人？")
    await bot.send(TEACHER_ID, "/audit")  # refused: logged with who asked
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "林秀琴" not in logged and "lin_hsiuchin" not in logged
    assert "我想問" not in logged
    assert str(TEACHER_ID) not in logged
    assert user_ref(TEACHER_ID) in logged
    assert user_ref(TEACHER_ID) != user_ref(ADMIN_ID)


def test_log_personal_data_is_announced_at_start(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, tmp_path: Path
):
    from bot.__main__ import _settings

    monkeypatch.chdir(tmp_path)  # no developer's .env
    monkeypatch.setenv("LOG_PERSONAL_DATA", "true")
    caplog.set_level(logging.INFO)
    try:
        _settings()
        assert user_ref(TEACHER_ID) == str(TEACHER_ID)
    finally:
        set_personal_data(False)
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("LOG_PERSONAL_DATA is on" in message for message in warnings)
    assert user_ref(TEACHER_ID) != str(TEACHER_ID)


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.parametrize("webhook", [False, True], ids=["polling", "webhook"])
async def test_an_unreachable_bot_api_at_start_up_is_one_line_and_a_failing_exit_code(
    tmp_path: Path, webhook: bool
):
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "PYTHONPATH": str(REPO_ROOT),
        "BOT_DATA_DIR": str(tmp_path / "data"),
        "TELEGRAM_BOT_TOKEN": "123456:" + "A" * 35,
        "TELEGRAM_API_BASE_URL": f"http://127.0.0.1:{_closed_port()}/bot",
    }
    extra = ["--webhook", "https://bot.example.edu.tw/hook", "--port", str(_closed_port())]
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", *(extra if webhook else []),
        env=env, cwd=tmp_path, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    _, stderr = await asyncio.wait_for(process.communicate(), timeout=120)
    text = stderr.decode()
    assert process.returncode == 3
    assert "Traceback" not in text
    errors = [line for line in text.splitlines() if line.startswith("error:")]
    assert errors == [
        f"error: cannot reach the Telegram Bot API at {env['TELEGRAM_API_BASE_URL'][:-4]} "
        "(NetworkError); check TELEGRAM_API_BASE_URL and the network, then start again"
    ]
    assert text.rstrip().splitlines()[-1] == errors[0]
