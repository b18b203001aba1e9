"""What the question-answering engine learns from: staff FAQ entries and questions asked."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base, Timestamped, utcnow


class FaqEntryRow(Timestamped, Base):
    """An FAQ entry staff added or edited from chat."""

    __tablename__ = "faq_entries"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    topic: Mapped[str] = mapped_column(String(32))
    questions: Mapped[list[Any]] = mapped_column(default=list)
    answer_zh: Mapped[str] = mapped_column(Text)
    answer_en: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str | None] = mapped_column(String(64))
    related: Mapped[list[Any]] = mapped_column(default=list)
    updated_by: Mapped[int | None] = mapped_column(BigInteger)


class QuestionAsked(Base):
    """Every question and the answer given, for the learning loop."""

    __tablename__ = "questions_asked"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int | None] = mapped_column(BigInteger)
    text: Mapped[str] = mapped_column(Text)
    normalised: Mapped[str] = mapped_column(String(512), index=True)
    language: Mapped[str] = mapped_column(String(8))
    answered: Mapped[bool] = mapped_column(Boolean)
    score: Mapped[float]
    entry_id: Mapped[str | None] = mapped_column(String(64))
    source: Mapped[str | None] = mapped_column(String(64))
    asked_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
