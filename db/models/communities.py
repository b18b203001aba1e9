"""Communities, their members and the activities they log."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.models.base import Base, Timestamped, enum_column
from db.models.people import School


class CommunityStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"
    WAITLISTED = "waitlisted"  # 備取: in order, promoted when an approved place frees
    WITHDRAWN = "withdrawn"


class Community(Timestamped, Base):
    __tablename__ = "communities"
    __table_args__ = (UniqueConstraint("program_year", "convener_user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    program_year: Mapped[int] = mapped_column(Integer, index=True)
    type_key: Mapped[str] = mapped_column(String(32))
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"))
    name: Mapped[str] = mapped_column(String(128))
    convener_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    status: Mapped[CommunityStatus] = mapped_column(
        enum_column(CommunityStatus), default=CommunityStatus.DRAFT
    )
    invite_code: Mapped[str] = mapped_column(String(32), unique=True)
    submitted_at: Mapped[dt.datetime | None]
    reviewed_at: Mapped[dt.datetime | None]
    reviewed_by: Mapped[int | None] = mapped_column(BigInteger)
    review_reason: Mapped[str | None] = mapped_column(Text)
    # Staff reopened the application (with a reason): it may be submitted after the deadline.
    reopened_at: Mapped[dt.datetime | None]
    reopen_reason: Mapped[str | None] = mapped_column(Text)
    # A later deadline staff granted this community alone (None: the program's deadline).
    deadline: Mapped[dt.date | None] = mapped_column(Date)
    # Place on the 備取 list (1 first); None when not waitlisted.
    waitlist_position: Mapped[int | None] = mapped_column(Integer)
    # The paper documents the resource center received: document index (str) → ISO date.
    documents_received: Mapped[dict[str, Any]] = mapped_column(default=dict)

    school: Mapped[School] = relationship(lazy="joined")
    members: Mapped[list[Member]] = relationship(
        back_populates="community",
        cascade="all, delete-orphan",
        order_by="Member.position",
        lazy="selectin",
    )
    activities: Mapped[list[Activity]] = relationship(
        back_populates="community",
        cascade="all, delete-orphan",
        order_by="(Activity.day, Activity.id)",
        lazy="selectin",
    )


class Member(Base):
    __tablename__ = "members"
    __table_args__ = (UniqueConstraint("community_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str] = mapped_column(String(64))
    gifted_teacher: Mapped[bool] = mapped_column(Boolean, default=False)
    subject: Mapped[str | None] = mapped_column(String(64))
    is_convener: Mapped[bool] = mapped_column(Boolean, default=False)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # The secret of this member's invite link (t.me/<bot>?start=join_<code>); random, one per
    # member, so a forwarded link can only ever claim the entry it was made for.
    invite_code: Mapped[str | None] = mapped_column(String(32), unique=True)

    community: Mapped[Community] = relationship(back_populates="members", lazy="raise")


class Activity(Timestamped, Base):
    __tablename__ = "activities"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    community_id: Mapped[int] = mapped_column(
        ForeignKey("communities.id", ondelete="CASCADE"), index=True
    )
    # Makes saving idempotent: a replayed "confirm" carries the same token.
    client_token: Mapped[str] = mapped_column(String(64), unique=True)
    day: Mapped[dt.date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(32))
    topic: Mapped[str] = mapped_column(String(256))
    duration_minutes: Mapped[int | None] = mapped_column(Integer)
    notes: Mapped[str | None] = mapped_column(Text)
    # Where and when the meeting took place; activities logged before these fields have none.
    place: Mapped[str | None] = mapped_column(String(100))
    start_time: Mapped[dt.time | None] = mapped_column(Time)
    end_time: Mapped[dt.time | None] = mapped_column(Time)
    # The meeting's minutes or the convener's reflection on it (會議紀錄／省思), optional.
    reflection: Mapped[str | None] = mapped_column(Text)
    attendee_member_ids: Mapped[list[Any]] = mapped_column(default=list)
    photo_file_ids: Mapped[list[Any]] = mapped_column(default=list)
    created_by: Mapped[int | None] = mapped_column(BigInteger)

    community: Mapped[Community] = relationship(back_populates="activities", lazy="raise")


class ProgramDates(Base):
    """Dates the letter leaves open, as staff set them."""

    __tablename__ = "program_dates"

    program_year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    showcase_date: Mapped[dt.date | None] = mapped_column(Date)
    workshop_date: Mapped[dt.date | None] = mapped_column(Date)
    # The application deadline as staff extended it for everyone (None: the letter's).
    application_deadline: Mapped[dt.date | None] = mapped_column(Date)
    updated_by: Mapped[int | None] = mapped_column(BigInteger)


class ApprovalQuotaLock(Base):
    """One row per program year and community type, locked while an approval counts the quota.

    Several bot processes may approve at once: each locks this row (SELECT … FOR UPDATE) before
    counting, so two approvals of one type never both see the last free place.
    """

    __tablename__ = "approval_quota_locks"

    program_year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    type_key: Mapped[str] = mapped_column(String(32), primary_key=True)


class StoredPhoto(Base):
    """A photo the bot had to fetch at once to keep (LINE keeps a message's content only for a
    while); keyed by the reference an activity lists (``line:<message id>``)."""

    __tablename__ = "stored_photos"

    reference: Mapped[str] = mapped_column(String(80), primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    mime_type: Mapped[str] = mapped_column(String(64))
