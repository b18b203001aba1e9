"""The command line: help everywhere, and a console a script can drive."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]


def run_cli(*args: str, tmp_path: Path, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "BOT_DATA_DIR": str(tmp_path / "data"),
        "PYTHONPATH": str(REPO_ROOT),
    }
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=tmp_path, env=env, input=stdin, capture_output=True, text=True, timeout=120,
        check=False,
    )  # fmt: skip


@pytest.mark.parametrize(
    "command", [[], ["run"], ["console"], ["ask"], ["migrate"], ["line-rich-menu"]]
)
def test_every_command_has_help(command: list[str], tmp_path: Path):
    result = run_cli(*command, "--help", tmp_path=tmp_path)
    assert result.returncode == 0
    assert "usage:" in result.stdout


def test_the_console_can_be_scripted_through_a_pipe(tmp_path: Path):
    result = run_cli("console", tmp_path=tmp_path, stdin="/start\n/help\n2\n/help\n")
    assert result.returncode == 0, result.stderr
    assert "you> /start" in result.stdout
    assert "王老師您好" in result.stdout
    assert "[1] 繁體中文  [2] English" in result.stdout
    assert "I will talk to you in English." in result.stdout
    assert "How to use this bot" in result.stdout
    assert "Traceback" not in result.stderr


def test_the_console_keeps_its_database_between_runs(tmp_path: Path):
    run_cli("console", tmp_path=tmp_path, stdin="/language\n2\n")
    second = run_cli("console", tmp_path=tmp_path, stdin="/help\n")
    assert "How to use this bot" in second.stdout
    assert (tmp_path / "data" / "bot.sqlite3").exists()


def test_the_console_can_play_staff_and_rehearse_a_date(tmp_path: Path):
    result = run_cli(
        "console", "--admin", "--today", "2022-09-15", tmp_path=tmp_path, stdin="/help\n"
    )
    assert "/broadcast" in result.stdout


def test_the_console_saves_the_files_the_bot_sends_and_says_where(tmp_path: Path):
    assert run_cli("demo", "--today", "2023-03-01", tmp_path=tmp_path).returncode == 0
    stdin = "/export\n3\n/export\n3\n"
    result = run_cli("console", "--admin", "--today", "2023-03-01", tmp_path=tmp_path, stdin=stdin)
    saved = sorted((tmp_path / "data" / "files").iterdir())
    assert [path.name for path in saved] == [
        "111學年度資優社群_活動紀錄 (2).csv",
        "111學年度資優社群_活動紀錄.csv",
    ]
    assert f"→ {saved[1]}]" in result.stdout
    assert saved[1].read_bytes().startswith(b"\xef\xbb\xbf")  # a CSV Excel opens as UTF-8


def test_a_bad_date_is_refused_with_usage(tmp_path: Path):
    result = run_cli("console", "--today", "2022-13-01", tmp_path=tmp_path)
    assert result.returncode == 2
    assert "YYYY-MM-DD" in result.stderr


def test_migrate_creates_the_database(tmp_path: Path):
    result = run_cli("migrate", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "data" / "bot.sqlite3").exists()


def test_backup_copies_a_live_sqlite_database(tmp_path: Path):
    import sqlite3

    run_cli("migrate", tmp_path=tmp_path)
    target = tmp_path / "copy.sqlite3"
    result = run_cli("backup", "--output", str(target), tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(target) as copy:
        tables = {row[0] for row in copy.execute("SELECT name FROM sqlite_master")}
    assert {"users", "communities", "activities"} <= tables


def test_backup_without_a_database_says_so(tmp_path: Path):
    result = run_cli("backup", tmp_path=tmp_path)
    assert result.returncode == 2
    assert "no database" in result.stderr


def test_the_console_shows_what_the_bot_sends_to_other_people(tmp_path: Path):
    run_cli(
        "console", "--user-id", "10002", "--name", "林老師", tmp_path=tmp_path, stdin="/start\n"
    )
    result = run_cli(
        "console",
        "--admin",
        "--user-id",
        "90001",
        "--name",
        "承辦人",
        tmp_path=tmp_path,
        stdin="/broadcast\n明天下午開會\n1\n1\n" + "/help\n" * 3,
    )
    assert "→ 林老師: 明天下午開會" in result.stdout
    assert "Chat not found" not in result.stdout + result.stderr


def test_typed_numbers_reach_the_bot_when_no_button_has_them(tmp_path: Path):
    result = run_cli("console", tmp_path=tmp_path, stdin="/faq\n99\n:text 1\n")
    assert "you> 99" in result.stdout
    assert "no button" not in result.stdout
    after_99 = result.stdout.split("you> 99", 1)[1]
    assert after_99.lstrip().startswith("bot>")
    assert result.stdout.split("you> :text 1", 1)[1].lstrip().startswith("bot>")
    assert "Traceback" not in result.stderr


def test_the_line_console_plays_a_line_user_against_the_line_handling(tmp_path: Path):
    result = run_cli(
        "console", "--channel", "line", tmp_path=tmp_path,
        stdin="申請截止日是什麼時候？\n常見問題\n1\n2\n進度\n:photo\n",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith("bot> 您好！")  # the first visit adds the account
    assert "you> 申請截止日是什麼時候？\nbot> 截止日已過：申請已於111年9月21日" in out
    assert "[1] 申請  [2] 社群類型" in out  # the topics, as numbered quick replies
    after_topic = out.split("you> 1\n", 1)[1]
    assert after_topic.startswith("bot> 「申請」，請選擇問題：")
    assert out.split("you> 2\n", 1)[1].startswith("bot> 截止日已過：申請已於111年9月21日")
    assert "您還不在任何社群中" in out  # 「進度」 without a community
    assert "收到您的照片" in out
    assert "Traceback" not in result.stderr


def test_the_line_console_welcomes_only_on_the_first_visit(tmp_path: Path):
    run_cli("console", "--channel", "line", tmp_path=tmp_path, stdin="FAQ\n")
    second = run_cli("console", "--channel", "line", tmp_path=tmp_path, stdin="FAQ\n")
    assert second.stdout.startswith("you> FAQ\nbot> 常見問題")
    assert "您好" not in second.stdout


def test_the_console_shows_text_as_telegram_would_with_typed_tags_kept(tmp_path: Path):
    result = run_cli("console", "--admin", tmp_path=tmp_path, stdin="/broadcast\n")
    assert "例如 <b>粗體</b>、<i>斜體</i>" in result.stdout


def test_the_console_sends_an_image_file_as_a_photo_and_keeps_it(tmp_path: Path):
    import sqlite3

    from bot.demo import demo_photo

    (tmp_path / "class.png").write_bytes(demo_photo(3))
    result = run_cli("console", tmp_path=tmp_path, stdin=":photo class.png\n:photo missing.jpg\n")
    assert result.returncode == 0, result.stderr
    assert "(cannot read missing.jpg" in result.stdout
    with sqlite3.connect(tmp_path / "data" / "bot.sqlite3") as connection:
        [(data,)] = connection.execute("SELECT data FROM stored_photos").fetchall()
    assert data == demo_photo(3)  # kept, so exports written later show it


def test_photos_sent_in_two_console_sessions_are_two_photos(tmp_path: Path):
    """A restarted console must not reuse the last session's file ids: the second photo would
    be taken for the first, and the record would keep only one of them."""
    import sqlite3

    from bot.demo import demo_photo

    for number in (1, 2):
        (tmp_path / f"class{number}.png").write_bytes(demo_photo(number))
        result = run_cli("console", tmp_path=tmp_path, stdin=f":photo class{number}.png\n")
        assert result.returncode == 0, result.stderr
    with sqlite3.connect(tmp_path / "data" / "bot.sqlite3") as connection:
        kept = connection.execute("SELECT data FROM stored_photos").fetchall()
    assert sorted(data for (data,) in kept) == sorted([demo_photo(1), demo_photo(2)])
