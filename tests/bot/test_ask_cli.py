"""`python -m bot ask` answers from the command line exactly as the bot answers in chat."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

from support import ADMIN_ID, REPO_ROOT, TEACHER_ID, MakeBot

DEADLINE_QUESTION = "申請截止日是什麼時候？"
QUESTIONS = (
    DEADLINE_QUESTION,
    "共備社群要幾個人？",
    "停車位在哪裡？",
    "你好",
    "When is the application deadline?",
    "A & B <script>",
)


def _ask(tmp_path: Path, *args: str, database_url: str | None = None) -> str:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("BOT_", "DATABASE_URL", "TELEGRAM_", "PROGRAM_FILE"))
    }
    env.update(BOT_DATA_DIR=str(tmp_path / "data"), PYTHONPATH=str(REPO_ROOT))
    if database_url is not None:
        env["DATABASE_URL"] = database_url
    done = subprocess.run(
        [sys.executable, "-m", "bot", "ask", *args],
        cwd=tmp_path,  # no developer .env file
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_ask_prints_the_answer_as_plain_text(tmp_path: Path):
    out = _ask(tmp_path, DEADLINE_QUESTION, "--today", "2022-09-02")
    assert out.startswith("請於111年9月21日（三）前送件（還有19天）")
    assert out.endswith("（來源：說明三）\n")
    assert "<" not in out


def test_ask_after_the_deadline_says_the_application_has_closed(tmp_path: Path):
    out = _ask(tmp_path, DEADLINE_QUESTION, "--today", "2022-09-22")
    assert out.startswith("截止日已過：申請已於111年9月21日（三）截止")


def test_ask_on_the_deadline_day_says_it_is_today(tmp_path: Path):
    before = _ask(tmp_path, DEADLINE_QUESTION, "--today", "2022-09-20")
    on_the_day = _ask(tmp_path, DEADLINE_QUESTION, "--today", "2022-09-21")
    assert "還有1天" in before
    assert on_the_day.startswith("今天（111年9月21日（三））就是送件截止日")


def test_ask_json_prints_one_object_with_the_answer_and_its_confidence(tmp_path: Path):
    out = _ask(tmp_path, "--json", "--today", "2022-09-02", DEADLINE_QUESTION)
    (line,) = out.splitlines()
    record = json.loads(line)
    assert record["question"] == DEADLINE_QUESTION
    assert record["answered"] is True and record["score"] >= 0.55
    assert record["source"] == "說明三"
    assert record["suggestions"] == []
    assert "111年9月21日" in record["answer"]


def test_ask_json_of_an_unclear_question_lists_the_suggestions(tmp_path: Path):
    out = _ask(tmp_path, "--json", "--today", "2022-09-02", "停車位在哪裡？")
    record = json.loads(out)
    assert record["answered"] is False
    assert 1 <= len(record["suggestions"]) <= 3
    assert "07-3118935#64" in record["answer"]


def test_ask_batch_answers_each_line_separated_by_a_blank_line(tmp_path: Path):
    batch = tmp_path / "questions.txt"
    batch.write_text("\n".join(QUESTIONS[:2]) + "\n", encoding="utf-8")
    out = _ask(tmp_path, "--batch", str(batch), "--today", "2022-09-02")
    blocks = out.rstrip("\n").split("\n\n")
    assert len(blocks) == 2
    assert "111年9月21日" in blocks[0]
    assert "4人" in blocks[1]


async def test_the_chat_text_equals_the_ask_text_for_the_same_question_and_date(
    make_bot: MakeBot, tmp_path: Path
):
    batch = tmp_path / "questions.txt"
    batch.write_text("\n".join(QUESTIONS) + "\n", encoding="utf-8")
    for today in (dt.date(2022, 9, 2), dt.date(2022, 9, 25)):
        out = _ask(tmp_path, "--json", "--batch", str(batch), "--today", today.isoformat())
        printed = [json.loads(line)["answer"] for line in out.splitlines()]
        bot = await make_bot(today=today)
        bot.user(TEACHER_ID)
        chat = [(await bot.send(TEACHER_ID, question)).last.text for question in QUESTIONS]
        assert chat == printed


async def test_ask_uses_the_entries_staff_added_in_chat(make_bot: MakeBot, tmp_path: Path):
    bot = await make_bot(today=dt.date(2022, 9, 2))
    bot.user(ADMIN_ID, "賴承辦")
    await bot.send(ADMIN_ID, "/faqedit")
    await bot.press(ADMIN_ID, "新增問答")
    await bot.send(ADMIN_ID, "停車位在哪裡？")
    await bot.send(ADMIN_ID, "請停在資源中心後方的停車場。")
    await bot.press(ADMIN_ID, "略過")
    await bot.press(ADMIN_ID, "略過")
    await bot.press(ADMIN_ID, "聯絡")
    await bot.press(ADMIN_ID, "確認儲存")
    url = bot.services.settings.database_url
    out = _ask(tmp_path, "停車位在哪裡？", "--today", "2022-09-02", database_url=url)
    assert out == "請停在資源中心後方的停車場。\n"
