"""Reminders, broadcasts and the deliveries that carry them."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import (
    BigInteger,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base, Timestamped, enum_column, utcnow


class DeliveryStatus(enum.StrEnum):
    PENDING = "pending"
    # Claimed by a sender: the Telegram call is under way (or the process died during it).
    SENDING = "sending"
    SENT = "sent"
    BLOCKED = "blocked"
    FAILED = "failed"
    SKIPPED = "skipped"
    # The Telegram call timed out, or the process died during it: the message may well have
    # arrived, and it is not sent again. Stored as text (no native enum): no migration needed.
    UNKNOWN = "unknown"


class BroadcastStatus(enum.StrEnum):
    DRAFT = "draft"
    SENDING = "sending"
    DONE = "done"
    CANCELLED = "cancelled"


class ReminderStatus(enum.StrEnum):
    SCHEDULED = "scheduled"
    # Its deliveries are written; they are being sent.
    SENDING = "sending"
    DONE = "done"
    # Fired too late to be useful (its event had passed) or superseded by a later one.
    SKIPPED = "skipped"
    CANCELLED = "cancelled"


class Reminder(Timestamped, Base):
    """One reminder: derived from the program (stable key) or added by staff (key staff:…).

    Times are program time (the clock's `now`), aware. `fire_at` is already moved out of the
    quiet hours; `useful_until` is the moment after which sending it makes no sense.
    """

    __tablename__ = "reminders"
    __table_args__ = (Index("ix_reminders_status_fire_at", "status", "fire_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(128), unique=True)
    category: Mapped[str] = mapped_column(String(32))
    # Reminders of one series (7, 3 and 1 day before the same deadline) are coalesced.
    series: Mapped[str] = mapped_column(String(96), default="")
    program_year: Mapped[int] = mapped_column(Integer)
    fire_at: Mapped[dt.datetime]
    useful_until: Mapped[dt.datetime | None]
    audience: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # Catalogue text (reminders.<message_key>) about `event_day`, or the staff's own words.
    message_key: Mapped[str | None] = mapped_column(String(64))
    event_day: Mapped[dt.date | None] = mapped_column(Date)
    text: Mapped[str | None] = mapped_column(Text)
    status: Mapped[ReminderStatus] = mapped_column(
        enum_column(ReminderStatus), default=ReminderStatus.SCHEDULED
    )
    created_by: Mapped[int | None] = mapped_column(BigInteger)
    materialised_at: Mapped[dt.datetime | None]
    cancelled_at: Mapped[dt.datetime | None]
    done_at: Mapped[dt.datetime | None]


class Broadcast(Timestamped, Base):
    __tablename__ = "broadcasts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_by: Mapped[int] = mapped_column(BigInteger)
    text_html: Mapped[str] = mapped_column(Text)
    audience: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[BroadcastStatus] = mapped_column(
        enum_column(BroadcastStatus), default=BroadcastStatus.DRAFT
    )
    progress_chat_id: Mapped[int | None] = mapped_column(BigInteger)
    progress_message_id: Mapped[int | None] = mapped_column(BigInteger)
    started_at: Mapped[dt.datetime | None]
    finished_at: Mapped[dt.datetime | None]


class Delivery(Base):
    """One message to one user, for a reminder or a broadcast; written before it is sent."""

    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("reminder_id", "user_id"),
        UniqueConstraint("broadcast_id", "user_id"),
        Index("ix_deliveries_status", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reminder_id: Mapped[int | None] = mapped_column(ForeignKey("reminders.id", ondelete="CASCADE"))
    broadcast_id: Mapped[int | None] = mapped_column(
        ForeignKey("broadcasts.id", ondelete="CASCADE")
    )
    user_id: Mapped[int] = mapped_column(BigInteger)
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[DeliveryStatus] = mapped_column(
        enum_column(DeliveryStatus), default=DeliveryStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(String(256))
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[dt.datetime | None]


class SchedulerLease(Base):
    """Which process runs the scheduler: one row per lease, taken while expired or own."""

    __tablename__ = "scheduler_leases"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    holder: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[dt.datetime]
