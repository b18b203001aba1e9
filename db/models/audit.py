"""What staff did: one row per staff action, written with the action itself."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import BigInteger, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base, utcnow


class AuditEntry(Base):
    """A staff action: who, when, what (a catalogue key under ``audit.``) and its details."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_at", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    actor_user_id: Mapped[int] = mapped_column(BigInteger)
    action: Mapped[str] = mapped_column(String(40))
    # Plain values that fill in the action's text (a community's name, a user id, a date).
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
