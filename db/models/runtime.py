"""State the running bot keeps: conversations, per-user data, processed updates, the inbox
of received updates and the dead letters."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    BigInteger,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base, utcnow


class ConversationState(Base):
    """Where a user is in a conversation, so it survives a restart."""

    __tablename__ = "conversation_states"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    state: Mapped[str] = mapped_column(String(64))
    # When an abandoned conversation times out; kept here because PTB does not persist it.
    expires_at: Mapped[dt.datetime | None]
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class StoredData(Base):
    """user_data / chat_data / bot_data of the persistence, as JSON."""

    __tablename__ = "stored_data"

    scope: Mapped[str] = mapped_column(String(8), primary_key=True)
    owner_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class ProcessedUpdate(Base):
    """Updates already handled, so a redelivered update is not handled twice."""

    __tablename__ = "processed_updates"

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    processed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class HandledLineEvent(Base):
    """A LINE webhook event, by its ``webhookEventId``: stored before LINE gets its 200.

    ``started_at`` is set, once, by the process that takes the event up, so an event LINE
    delivers again (a lost or slow 200, a redelivery after a crash) is never handled twice.
    ``payload`` is the event until it is handled (a row stored but never started is handled at
    the next start); ``handled_at`` stays empty for one whose handling was cut short.
    """

    __tablename__ = "handled_line_events"
    __table_args__ = (Index("ix_handled_line_events_received_at", "received_at"),)

    webhook_event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    payload: Mapped[dict[str, Any] | None]
    received_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    started_at: Mapped[dt.datetime | None]
    handled_at: Mapped[dt.datetime | None]


class InboxUpdate(Base):
    """An update as Telegram sent it, stored before it is confirmed to Telegram.

    A row without ``handled_at`` is still to be handled (again, after a crash); handled rows
    are kept a day so that an update Telegram delivers twice is recognised as done.
    """

    __tablename__ = "update_inbox"
    __table_args__ = (Index("ix_update_inbox_handled_at", "handled_at"),)

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    payload: Mapped[dict[str, Any]]
    received_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    handled_at: Mapped[dt.datetime | None]


class DeadLetter(Base):
    """An update that could not be parsed or whose handling failed: kept raw, then skipped."""

    __tablename__ = "dead_letters"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # None when the update had no usable id at all.
    update_id: Mapped[int | None] = mapped_column(BigInteger)
    received_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    error_kind: Mapped[str] = mapped_column(String(80))
    update_type: Mapped[str] = mapped_column(String(64))
    # The raw JSON text, whatever its shape (it may not even be an object).
    payload: Mapped[str] = mapped_column(Text)
