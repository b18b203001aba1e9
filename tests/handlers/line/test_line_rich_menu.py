"""The rich menu shipped in deploy/: within LINE's rules, every button one the bot understands,
and `python -m bot line-rich-menu` puts it on the channel (here the LINE stand-in over HTTP)."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import struct
import sys
import zlib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from linebot.v3.messaging import AsyncApiClient, AsyncMessagingApi, Configuration
from support import REPO_ROOT, make_settings

from bot.clock import Clock
from bot.i18n import t
from bot.line_rich_menu import RICH_MENU_FILE
from bot.program import load_program
from bot.services import Services
from bot.standin.line import LineStandin, LineStandinServer, image_size, validate_rich_menu
from bot.standin.line_inprocess import use_standin
from db.engine import Database
from handlers.line.events import keyword_of
from handlers.line.webhook import LineWebhook


@pytest.fixture
async def line_webhook(database_url: str) -> AsyncIterator[tuple[LineStandin, LineWebhook]]:
    standin = LineStandin()
    settings = make_settings("http://127.0.0.1:9/bot", database_url)
    services = Services(
        settings=settings,
        clock=Clock(settings.timezone, today=dt.date(2022, 9, 5)),
        database=Database(database_url),
        program=load_program(settings.PROGRAM_FILE),
    )
    configuration = Configuration(host="https://line.invalid", access_token=standin.access_token)
    async with AsyncApiClient(configuration) as client:
        await use_standin(client, standin)
        api = AsyncMessagingApi(client)
        api.line_base_path = "https://line.invalid"
        try:
            yield standin, LineWebhook(services, api, standin.channel_secret)
        finally:
            await services.database.dispose()


def _menu() -> dict:
    return json.loads(RICH_MENU_FILE.read_text(encoding="utf-8"))


def _png(width: int, height: int) -> bytes:
    """A plain white PNG of the given size (what a designer's image stands for here)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + crc

    rows = b"".join(b"\x00" + b"\xff" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 9))
        + chunk(b"IEND", b"")
    )


def test_the_shipped_rich_menu_is_within_lines_rules():
    menu = _menu()
    assert validate_rich_menu(menu) == []
    assert (menu["size"]["width"], menu["size"]["height"]) in ((2500, 1686), (2500, 843))
    assert 1 <= len(menu["areas"]) <= 20


def test_the_stand_in_refuses_rich_menus_line_would_refuse():
    menu = _menu()
    too_many = {**menu, "areas": menu["areas"] * 4}
    outside = json.loads(json.dumps(menu))
    outside["areas"][0]["bounds"]["x"] = 2000
    camera = json.loads(json.dumps(menu))
    camera["areas"][0]["action"] = {"type": "camera", "label": "拍照"}
    long_text = json.loads(json.dumps(menu))
    long_text["areas"][0]["action"]["text"] = "字" * 301
    long_bar = {**menu, "chatBarText": "十五個字的聊天列文字太長了吧喔"}
    for bad in (too_many, outside, camera, long_text, long_bar):
        assert validate_rich_menu(bad) != []


def test_every_text_button_sends_a_keyword_the_line_handlers_understand():
    texts = [a["action"]["text"] for a in _menu()["areas"] if a["action"]["type"] == "message"]
    assert texts
    assert all(keyword_of(text, "zh-TW") is not None for text in texts)


async def test_every_postback_button_opens_what_it_says(
    line_webhook: tuple[LineStandin, LineWebhook],
):
    standin, webhook = line_webhook
    teacher = standin.add_user("林老師")
    postbacks = [a["action"] for a in _menu()["areas"] if a["action"]["type"] == "postback"]
    assert postbacks
    for action in postbacks:
        body = standin.webhook_body(standin.postback_event(teacher.user_id, action["data"]))
        assert await webhook.call(body, standin.sign(body)) == (200, "")
        reply = standin.messages_to(teacher.user_id)[-1]
        assert reply.text != t("zh-TW", "line.expired")
        assert f"「{action['displayText']}」" in reply.text  # the topic it names
        assert reply.quick_reply_labels
    assert standin.rejected == []


def test_a_png_made_for_the_menu_has_its_size():
    assert image_size(_png(2500, 1686)) == (2500, 1686)
    assert image_size(b"GIF89a") is None


async def test_the_cli_uploads_the_menu_and_its_image_and_makes_it_the_default(tmp_path: Path):
    line = LineStandin()
    image = tmp_path / "menu.png"
    image.write_bytes(_png(2500, 1686))
    wrong = tmp_path / "wrong.png"
    wrong.write_bytes(_png(2500, 843))
    async with LineStandinServer(line) as server:
        env = {
            "PATH": "/usr/bin:/bin",
            "HOME": str(tmp_path),
            "PYTHONPATH": str(REPO_ROOT),
            "BOT_DATA_DIR": str(tmp_path / "data"),
            "LINE_CHANNEL_SECRET": line.channel_secret,
            "LINE_CHANNEL_ACCESS_TOKEN": line.access_token,
            "LINE_API_BASE_URL": server.base_url,
        }

        async def cli(*args: str) -> tuple[int, str, str]:
            process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", "line-rich-menu", *args,
                env=env, cwd=tmp_path,
                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
            )  # fmt: skip
            out, err = await asyncio.wait_for(process.communicate(), timeout=60)
            assert process.returncode is not None
            return process.returncode, out.decode(), err.decode()

        code, out, _ = await cli("--check")
        assert (code, out.strip()) == (0, "LINE accepts the rich menu")
        assert line.rich_menus == {}
        code, _, err = await cli("--image", str(wrong))
        assert code == 1
        assert "image" in err
        assert line.default_rich_menu is None
        code, out, err = await cli("--image", str(image))
        assert code == 0, err
        assert line.default_rich_menu is not None
        assert line.default_rich_menu in out
        assert line.rich_menus[line.default_rich_menu] == _menu()
        assert "Traceback" not in err
        assert line.access_token not in out + err


@pytest.mark.parametrize("args", [[], ["--image", "missing.png"]])
async def test_the_cli_says_what_is_missing(args: list[str], tmp_path: Path):
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "line-rich-menu", *args,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "PYTHONPATH": str(REPO_ROOT)},
        cwd=tmp_path, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    _, err = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode == 2
    assert err.decode().startswith("error: ")
