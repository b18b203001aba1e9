"""Data access for users: who talked to the bot, their language, role and preferences."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import User, utcnow
from db.models.people import on_telegram


async def upsert_user(
    session: AsyncSession,
    user_id: int,
    *,
    display_name: str,
    username: str | None,
    client_language: str | None = None,
) -> User:
    """Record that this user talked to the bot (and that they have not blocked it).

    ``client_language`` (from their Telegram setting) is kept until they choose one, so that
    reminders and broadcasts, which have no update to read it from, speak it too.
    """
    user = await session.get(User, user_id)
    if user is None:
        user = User(
            id=user_id,
            display_name=display_name[:128],
            username=username,
            language=client_language,
        )
        session.add(user)
        await session.flush()
        return user
    user.display_name = display_name[:128]
    user.username = username
    if user.language is None and client_language is not None:
        user.language = client_language
    if not user.active:
        user.active = True
        user.blocked_at = None
    return user


async def get_user(session: AsyncSession, user_id: int) -> User | None:
    """The user, if they ever talked to the bot."""
    return await session.get(User, user_id)


async def set_language(session: AsyncSession, user_id: int, language: str) -> None:
    """Remember the language the user chose."""
    await session.execute(update(User).where(User.id == user_id).values(language=language))


async def mark_blocked(
    session: AsyncSession, user_id: int, when: dt.datetime | None = None
) -> None:
    """The user blocked the bot: stop sending to them until they write again."""
    await session.execute(
        update(User).where(User.id == user_id).values(active=False, blocked_at=when or utcnow())
    )


async def staff_ids(session: AsyncSession) -> set[int]:
    """Users staff added with /staff add."""
    return set(await session.scalars(select(User.id).where(User.is_staff.is_(True))))


async def telegram_users(session: AsyncSession) -> list[tuple[int, str, str | None]]:
    """(id, name, language) of every user with a Telegram id (LINE-only users are negative)."""
    rows = await session.execute(
        select(User.id, User.display_name, User.language).where(on_telegram()).order_by(User.id)
    )
    return [(row[0], row[1], row[2]) for row in rows]
