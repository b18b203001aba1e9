"""Settings come from the environment and fail with one clear line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.settings import SettingsError, load_settings

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_admin_ids_are_read_as_a_comma_separated_list(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("BOT_ADMIN_IDS", " 11, 22 ,33")
    assert load_settings(_env_file=None).BOT_ADMIN_IDS == {11, 22, 33}


def test_a_malformed_admin_list_names_the_variable(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("BOT_ADMIN_IDS", "11,abc")
    with pytest.raises(SettingsError, match="BOT_ADMIN_IDS"):
        load_settings(_env_file=None)


def test_an_unknown_time_zone_names_the_variable(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("BOT_TIMEZONE", "Mars/Olympus")
    with pytest.raises(SettingsError, match="BOT_TIMEZONE"):
        load_settings(_env_file=None)


def test_plain_database_urls_get_async_drivers(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@localhost/db")
    assert load_settings(_env_file=None).database_url == "postgresql+asyncpg://u@localhost/db"


def test_the_default_database_is_a_sqlite_file_in_the_data_dir(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("BOT_DATA_DIR", str(tmp_path))
    url = load_settings(_env_file=None).database_url
    assert url == f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}"


def test_running_without_a_token_says_how_to_get_one_and_exits_2(tmp_path: Path):
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "BOT_DATA_DIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        cwd=tmp_path,
        env={**env, "PYTHONPATH": str(REPO_ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "TELEGRAM_BOT_TOKEN" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_malformed_setting_exits_2_with_one_line_and_hides_the_token(tmp_path: Path):
    secret = "123456789:SECRETSECRETSECRETSECRETSECRETSECRE"
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "PYTHONPATH": str(REPO_ROOT),
        "TELEGRAM_BOT_TOKEN": secret,
        "BOT_TIMEZONE": "Nowhere/Town",
    }
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "BOT_TIMEZONE" in result.stderr
    assert secret not in result.stderr + result.stdout
