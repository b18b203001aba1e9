"""Data access for messenger identities: which user a LINE userId (or Telegram id) is."""

from __future__ import annotations

import hashlib

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import ChannelIdentity, User

LINE = "line"


def line_user_number(line_user_id: str) -> int:
    """The users.id of someone first seen on LINE: negative (Telegram user ids are positive),
    derived from the LINE userId so that two processes meeting the same person agree."""
    digest = hashlib.sha256(f"{LINE}:{line_user_id}".encode()).digest()
    return -(int.from_bytes(digest[:6], "big") + 1)


async def user_for_line(
    session: AsyncSession, line_user_id: str, *, display_name: str, language: str | None
) -> User:
    """The user behind a LINE userId, created on first contact; a returning user is active."""
    user_id = await session.scalar(
        select(ChannelIdentity.user_id).where(
            ChannelIdentity.channel == LINE, ChannelIdentity.external_id == line_user_id
        )
    )
    user = await session.get(User, user_id) if user_id is not None else None
    if user is None:
        user = await session.get(User, line_user_number(line_user_id))
    if user is None:
        user = User(
            id=line_user_number(line_user_id), display_name=display_name[:128], language=language
        )
        session.add(user)
        await session.flush()
    if user_id is None:
        session.add(ChannelIdentity(channel=LINE, external_id=line_user_id, user_id=user.id))
        await session.flush()
    if not user.active:
        user.active = True
        user.blocked_at = None
    return user


async def is_known_line_user(session: AsyncSession, line_user_id: str) -> bool:
    found = await session.scalar(
        select(ChannelIdentity.user_id).where(
            ChannelIdentity.channel == LINE, ChannelIdentity.external_id == line_user_id
        )
    )
    return found is not None


async def line_id_of(session: AsyncSession, user_id: int) -> str | None:
    """The LINE userId to push to, if the user has one."""
    return await session.scalar(
        select(ChannelIdentity.external_id).where(
            ChannelIdentity.channel == LINE, ChannelIdentity.user_id == user_id
        )
    )
