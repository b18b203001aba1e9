"""Users of the bot and the schools they teach at."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    ForeignKey,
    Integer,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.sql.elements import ColumnElement

from db.models.base import Base, Timestamped


class User(Timestamped, Base):
    """Someone who talked to the bot (a teacher, a convener, a member or staff)."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    display_name: Mapped[str] = mapped_column(String(128), default="")
    username: Mapped[str | None] = mapped_column(String(64))
    language: Mapped[str | None] = mapped_column(String(8))
    is_staff: Mapped[bool] = mapped_column(Boolean, default=False)
    reminder_opt_outs: Mapped[list[Any]] = mapped_column(default=list)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    blocked_at: Mapped[dt.datetime | None]


def on_telegram() -> ColumnElement[bool]:
    """Users Telegram can reach: those first seen on LINE have negative ids (ChannelIdentity)."""
    return User.id > 0


class School(Base):
    __tablename__ = "schools"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(128), unique=True)
    in_letter: Mapped[bool] = mapped_column(Boolean, default=False)


class ChannelIdentity(Base):
    """One messenger account of a user: a Telegram user id or a LINE userId.

    Telegram users keep their Telegram id as ``users.id``; a user first seen on LINE gets an id
    of their own (negative, so it never meets a Telegram user id).
    """

    __tablename__ = "channel_identities"

    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    external_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
