"""Data access for the learning loop: every question asked, and those the bot could not answer."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import QuestionAsked

# The question is answered in full, but only this much of it is kept.
MAX_STORED_TEXT = 2000
MAX_NORMALISED = 512
MAX_ID = 64


@dataclass(frozen=True)
class UnansweredQuestion:
    """A group of low-confidence questions with the same normalised text."""

    normalised: str
    example: str
    count: int
    question_id: int
    last_asked: dt.datetime


def _storable(text: str, limit: int) -> str:
    # PostgreSQL refuses NUL in text and lone surrogates cannot be encoded: drop both.
    text = text.replace("\x00", "").encode("utf-8", "replace").decode("utf-8")
    return text[:limit]


async def record_question(
    session: AsyncSession,
    *,
    user_id: int | None,
    text: str,
    normalised: str,
    language: str,
    answered: bool,
    score: float,
    entry_id: str | None,
    source: str | None,
    asked_at: dt.datetime,
) -> QuestionAsked:
    """Store one question and what the bot made of it (long texts are truncated)."""
    row = QuestionAsked(
        user_id=user_id,
        text=_storable(text, MAX_STORED_TEXT),
        normalised=_storable(normalised, MAX_NORMALISED),
        language=language[:8],
        answered=answered,
        score=float(score),
        entry_id=entry_id[:MAX_ID] if entry_id else None,
        source=source[:MAX_ID] if source else None,
        asked_at=asked_at,
    )
    session.add(row)
    await session.flush()
    return row


async def get_question(session: AsyncSession, question_id: int) -> QuestionAsked | None:
    """One stored question by its id."""
    return await session.get(QuestionAsked, question_id)


async def top_unanswered(
    session: AsyncSession,
    *,
    since: dt.datetime,
    until: dt.datetime,
    limit: int = 15,
) -> list[UnansweredQuestion]:
    """The most frequent unanswered questions asked in [since, until), most frequent first."""
    asked = func.count(QuestionAsked.id).label("asked")
    latest_id = func.max(QuestionAsked.id).label("latest_id")
    last_asked = func.max(QuestionAsked.asked_at).label("last_asked")
    groups = (
        await session.execute(
            select(QuestionAsked.normalised, asked, latest_id, last_asked)
            .where(
                QuestionAsked.answered.is_(False),
                QuestionAsked.normalised != "",
                QuestionAsked.asked_at >= since,
                QuestionAsked.asked_at < until,
            )
            .group_by(QuestionAsked.normalised)
            .order_by(asked.desc(), last_asked.desc(), QuestionAsked.normalised)
            .limit(limit)
        )
    ).all()
    ids = [group.latest_id for group in groups]
    rows = await session.execute(
        select(QuestionAsked.id, QuestionAsked.text).where(QuestionAsked.id.in_(ids))
    )
    texts = {question_id: text for question_id, text in rows}
    return [
        UnansweredQuestion(
            normalised=group.normalised,
            example=texts.get(group.latest_id, group.normalised),
            count=int(group.asked),
            question_id=int(group.latest_id),
            last_asked=group.last_asked,
        )
        for group in groups
    ]
