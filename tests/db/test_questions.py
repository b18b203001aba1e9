"""The learning loop's storage: every question kept, unanswered ones grouped and counted."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select

from db import questions
from db.engine import Database
from db.models import QuestionAsked

TAIPEI = dt.timezone(dt.timedelta(hours=8))
START = dt.datetime(2022, 9, 1, tzinfo=TAIPEI)
END = dt.datetime(2023, 8, 1, tzinfo=TAIPEI)


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    db = Database(database_url)
    await db.migrate()
    try:
        yield db
    finally:
        await db.dispose()


async def _ask(
    database: Database,
    text: str,
    *,
    answered: bool = False,
    when: dt.datetime = dt.datetime(2022, 9, 5, 10, tzinfo=TAIPEI),
    normalised: str | None = None,
) -> None:
    async with database.session() as session:
        await questions.record_question(
            session,
            user_id=10001,
            text=text,
            normalised=text.lower() if normalised is None else normalised,
            language="zh-TW",
            answered=answered,
            score=0.9 if answered else 0.2,
            entry_id="deadline" if answered else None,
            source="說明三" if answered else None,
            asked_at=when,
        )


async def test_a_recorded_question_keeps_the_answer_and_its_confidence(database: Database):
    await _ask(database, "申請截止日？", answered=True)
    async with database.session() as session:
        row = (await session.scalars(select(QuestionAsked))).one()
    assert (row.text, row.answered, row.score, row.entry_id, row.source) == (
        "申請截止日？",
        True,
        0.9,
        "deadline",
        "說明三",
    )
    assert row.asked_at == dt.datetime(2022, 9, 5, 2, tzinfo=dt.UTC)


async def test_long_questions_are_stored_truncated_and_nul_characters_dropped(
    database: Database,
):
    await _ask(database, "經\x00費" + "問" * 5000, normalised="經費" + "問" * 1000)
    async with database.session() as session:
        row = (await session.scalars(select(QuestionAsked))).one()
    assert len(row.text) == questions.MAX_STORED_TEXT
    assert row.text.startswith("經費問")
    assert len(row.normalised) == questions.MAX_NORMALISED


async def test_unanswered_questions_are_grouped_by_normalised_text_most_frequent_first(
    database: Database,
):
    for text in ("停車位在哪", "停車位在哪？", "停車位在哪"):
        await _ask(database, text, normalised="停車位在哪")
    for _ in range(2):
        await _ask(database, "午餐吃什麼")
    await _ask(database, "申請截止日？", answered=True)
    async with database.session() as session:
        top = await questions.top_unanswered(session, since=START, until=END)
    assert [(q.normalised, q.count) for q in top] == [("停車位在哪", 3), ("午餐吃什麼", 2)]
    assert top[0].example == "停車位在哪"
    async with database.session() as session:
        latest = await questions.get_question(session, top[0].question_id)
    assert latest is not None and latest.normalised == "停車位在哪"


async def test_only_questions_of_the_period_count_and_the_limit_is_kept(database: Database):
    await _ask(database, "去年的問題", when=dt.datetime(2022, 8, 31, 23, tzinfo=TAIPEI))
    for number in range(20):
        await _ask(database, f"問題{number}")
    async with database.session() as session:
        top = await questions.top_unanswered(session, since=START, until=END, limit=15)
    assert len(top) == 15
    assert "去年的問題" not in {q.normalised for q in top}


async def test_ties_show_the_most_recently_asked_first(database: Database):
    await _ask(database, "早問的", when=dt.datetime(2022, 9, 3, tzinfo=TAIPEI))
    await _ask(database, "晚問的", when=dt.datetime(2022, 9, 4, tzinfo=TAIPEI))
    async with database.session() as session:
        top = await questions.top_unanswered(session, since=START, until=END)
    assert [q.normalised for q in top] == ["晚問的", "早問的"]
    assert top[0].last_asked == dt.datetime(2022, 9, 3, 16, tzinfo=dt.UTC)


async def test_questions_with_no_words_are_not_listed(database: Database):
    await _ask(database, "？？？", normalised="")
    async with database.session() as session:
        assert await questions.top_unanswered(session, since=START, until=END) == []
