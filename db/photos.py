"""Photos kept in the database: LINE's, fetched when sent, for the exported records."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import StoredPhoto


async def keep(session: AsyncSession, reference: str, data: bytes, mime_type: str) -> None:
    """Store a photo under its reference (a second store of one reference changes nothing)."""
    if await session.get(StoredPhoto, reference) is None:
        session.add(StoredPhoto(reference=reference, data=data, mime_type=mime_type))
        await session.flush()


async def photos(session: AsyncSession, references: Collection[str]) -> dict[str, bytes]:
    """The stored bytes of these references (those not stored are left out)."""
    if not references:
        return {}
    rows = await session.execute(
        select(StoredPhoto.reference, StoredPhoto.data).where(
            StoredPhoto.reference.in_(list(references))
        )
    )
    return {reference: data for reference, data in rows}
