"""`python -m bot export` writes the workbook or a community record to a folder."""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import secrets
import zipfile
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from support import make_settings

from bot.demo import demo_photo
from bot.export_cli import run_export
from bot.settings import CONSOLE_TOKEN, Settings
from bot.standin.core import BotApiStandin
from bot.standin.http import StandinHttpServer
from db import photos
from db.engine import Database
from db.models import Activity, Community, CommunityStatus, Member, School, User


async def _database(database_url: str, *, with_community: bool) -> int | None:
    database = Database(database_url)
    await database.migrate()
    community_id = None
    if with_community:
        async with database.session() as session:
            session.add(User(id=20001, display_name="召集人"))
            community = Community(
                program_year=111,
                type_key="co_planning",
                school=School(name="高雄市立左營高級中學", in_letter=True),
                name="數學資優共備社群",
                convener_user_id=20001,
                status=CommunityStatus.APPROVED,
                invite_code=secrets.token_hex(8),
                members=[
                    Member(position=i, name=f"林老師{i}", gifted_teacher=i == 0, is_convener=i == 0)
                    for i in range(4)
                ],
                activities=[
                    Activity(
                        client_token="a1",
                        day=dt.date(2022, 10, 5),
                        kind="public_lesson",
                        topic="公開授課：資優數學",
                    )
                ],
            )
            session.add(community)
            await session.flush()
            community_id = community.id
    await database.dispose()
    return community_id


PNG = demo_photo(1)


def _only_file(folder: Path, suffix: str) -> Path:
    (written,) = folder.glob(f"*{suffix}")
    return written


def _settings(database_url: str) -> Settings:
    return make_settings("http://127.0.0.1:1/bot", database_url)


async def test_the_workbook_is_written_as_ods_and_its_path_printed(
    database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    await _database(database_url, with_community=True)
    code = await _in_thread(_settings(database_url), fmt="ods", out_dir=tmp_path / "out")
    assert code == 0
    written = _only_file(tmp_path / "out", ".ods")
    assert str(written) in capsys.readouterr().out
    with zipfile.ZipFile(written) as archive:
        assert "數學資優共備社群" in archive.read("content.xml").decode()


async def test_the_workbook_is_written_as_xlsx(database_url: str, tmp_path: Path):
    await _database(database_url, with_community=True)
    assert await _in_thread(_settings(database_url), fmt="xlsx", out_dir=tmp_path) == 0
    written = _only_file(tmp_path, ".xlsx")
    workbook = load_workbook(io.BytesIO(written.read_bytes()))
    assert len(workbook.sheetnames) == 4


async def test_one_community_record_is_written_as_odt(database_url: str, tmp_path: Path):
    community_id = await _database(database_url, with_community=True)
    code = await _in_thread(
        _settings(database_url), fmt="odt", out_dir=tmp_path, community_id=community_id
    )
    assert code == 0
    written = _only_file(tmp_path, ".odt")
    with zipfile.ZipFile(written) as archive:
        assert "公開授課：資優數學" in archive.read("content.xml").decode()


async def test_without_a_community_every_record_is_written_in_one_zip(
    database_url: str, tmp_path: Path
):
    await _database(database_url, with_community=True)
    assert await _in_thread(_settings(database_url), fmt="odt", out_dir=tmp_path) == 0
    written = _only_file(tmp_path, ".zip")
    assert written.name == "111學年度資優社群_社群運作紀錄.zip"
    with zipfile.ZipFile(written) as archive:
        combined, name = sorted(archive.namelist())
        assert combined == "111學年度資優社群_社群運作紀錄（合訂本）.odt"
        assert name.startswith("社群運作紀錄_") and name.endswith(".odt")
        with zipfile.ZipFile(io.BytesIO(archive.read(name))) as record:
            assert "公開授課：資優數學" in record.read("content.xml").decode()


async def test_an_empty_program_year_writes_nothing_and_says_why(
    database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    await _database(database_url, with_community=False)
    code = await _in_thread(_settings(database_url), fmt="ods", out_dir=tmp_path / "out")
    assert code == 1
    assert not (tmp_path / "out").exists()
    assert "no community in program year 111" in capsys.readouterr().err


async def test_a_wrong_format_is_refused_before_touching_the_database(
    database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    assert await _in_thread(_settings(database_url), fmt="pdf", out_dir=tmp_path) == 2
    assert "ods, xlsx, csv" in capsys.readouterr().err
    code = await _in_thread(_settings(database_url), fmt="ods", out_dir=tmp_path, community_id=1)
    assert code == 2


async def test_an_unknown_community_is_reported(database_url: str, tmp_path: Path):
    await _database(database_url, with_community=True)
    code = await _in_thread(_settings(database_url), fmt="docx", out_dir=tmp_path, community_id=999)
    assert code == 1


async def _in_thread(settings: Settings, **kwargs: Any) -> int:
    """run_export runs its own event loop, as the CLI does; keep it off the test's loop."""
    return await asyncio.to_thread(run_export, settings, **kwargs)


def _pictures(odt: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(odt)) as document:
        return [name for name in document.namelist() if name.startswith("Pictures/")]


async def test_records_show_kept_photos_and_telegrams_downloaded_with_the_token(
    database_url: str, tmp_path: Path, standin: BotApiStandin
):
    community_id = await _database(database_url, with_community=True)
    standin.add_user(20001, "召集人")
    sent = standin.user_sends_photo(20001, data=demo_photo(2))
    telegram_photo = sent["message"]["photo"][-1]["file_id"]
    database = Database(database_url)
    async with database.session() as session:
        activity = await session.scalar(select(Activity))
        assert activity is not None
        # One photo sent on LINE (kept by the bot), one on Telegram (downloaded with the token).
        activity.photo_file_ids = ["line:77", telegram_photo]
        await photos.keep(session, "line:77", PNG, "image/png")
    await database.dispose()
    server: StandinHttpServer = standin.http_server  # type: ignore[attr-defined]
    with_token = make_settings(server.base_url, database_url, TELEGRAM_BOT_TOKEN=CONSOLE_TOKEN)
    one = tmp_path / "one"
    assert await _in_thread(with_token, fmt="odt", out_dir=one, community_id=community_id) == 0
    assert len(_pictures(_only_file(one, ".odt").read_bytes())) == 2
    # Without a token only the kept one is shown, and the zip holds the kept ones too.
    alone = tmp_path / "alone"
    settings = _settings(database_url)
    assert await _in_thread(settings, fmt="odt", out_dir=alone, community_id=community_id) == 0
    assert len(_pictures(_only_file(alone, ".odt").read_bytes())) == 1
    assert await _in_thread(settings, fmt="odt", out_dir=tmp_path / "all") == 0
    with zipfile.ZipFile(_only_file(tmp_path / "all", ".zip")) as archive:
        assert [len(_pictures(archive.read(name))) for name in archive.namelist()] == [1, 1]
