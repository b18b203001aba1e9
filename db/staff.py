"""Data access for the staff added from chat with /staff add (BOT_ADMIN_IDS live in settings)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import User


async def add_staff(session: AsyncSession, user_id: int) -> bool:
    """Make the user staff (creating their row if they never wrote); whether anything changed."""
    user = await session.get(User, user_id)
    if user is None:
        session.add(User(id=user_id, display_name="", is_staff=True))
        await session.flush()
        return True
    if user.is_staff:
        return False
    user.is_staff = True
    await session.flush()
    return True


async def remove_staff(session: AsyncSession, user_id: int) -> bool:
    """Make the user a teacher again; whether they were staff."""
    user = await session.get(User, user_id)
    if user is None or not user.is_staff:
        return False
    user.is_staff = False
    await session.flush()
    return True


async def added_staff(session: AsyncSession) -> list[User]:
    """Users added as staff from chat, by id."""
    rows = await session.scalars(select(User).where(User.is_staff.is_(True)).order_by(User.id))
    return list(rows)


async def display_names(session: AsyncSession, user_ids: set[int]) -> dict[int, str]:
    """The names users have in Telegram, for the ids that ever wrote to the bot."""
    if not user_ids:
        return {}
    rows = await session.execute(select(User.id, User.display_name).where(User.id.in_(user_ids)))
    return {user_id: name for user_id, name in rows if name}
