"""PTB persistence backed by the project's database.

PTB's PicklePersistence rewrites a whole file non-atomically; here each conversation state and
each user's data is its own row, written in a transaction. Data must be JSON-serialisable:
nothing live is ever pickled. Conversations carry an expiry so an abandoned one can be timed
out even across restarts (PTB does not persist its own timeout jobs).
"""

from __future__ import annotations

import contextvars
import datetime as dt
import json
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from telegram.ext import BasePersistence, PersistenceInput
from telegram.ext._utils.types import ConversationDict, ConversationKey

from db import persistence_store as store
from db.engine import Database

JsonDict = dict[str, Any]
Write = Callable[[AsyncSession], Awaitable[None]]


class DatabasePersistence(BasePersistence[JsonDict, JsonDict, JsonDict]):
    """Stores conversations, user_data and chat_data in the database (bot_data is not used)."""

    def __init__(
        self,
        database: Database,
        now: Callable[[], dt.datetime],
        conversation_timeout: dt.timedelta,
    ) -> None:
        super().__init__(
            # Only user_data and conversations are used; chat_data would be one more write.
            store_data=PersistenceInput(bot_data=False, chat_data=False, callback_data=False),
            update_interval=60,
        )
        self._database = database
        self._now = now
        self._timeout = conversation_timeout
        # Per task (updates of different chats finish side by side): the writes a caller is
        # collecting for its own transaction.
        self._collected: contextvars.ContextVar[list[Write] | None] = contextvars.ContextVar(
            "collected_writes", default=None
        )
        # PTB hands over every user's data after each of their updates, changed or not; what
        # is unchanged since the last write is not written again.
        self._written: dict[tuple[str, int], str] = {}

    @contextmanager
    def collecting(self) -> Iterator[list[Write]]:
        """Collect writes instead of running them, to apply them in the caller's transaction.

        PTB runs its persistence writes concurrently, and one session cannot serve concurrent
        calls; so they are gathered here and applied one after another by the caller.
        """
        collected: list[Write] = []
        token = self._collected.set(collected)
        try:
            yield collected
        finally:
            self._collected.reset(token)

    async def _write(self, write: Write) -> None:
        collected = self._collected.get()
        if collected is not None:
            collected.append(write)
            return
        async with self._database.session() as session:
            await write(session)

    def _changed(self, scope: str, owner_id: int, data: JsonDict) -> bool:
        encoded = json.dumps(data, sort_keys=True, default=_reject)
        if self._written.get((scope, owner_id)) == encoded:
            return False
        self._written[(scope, owner_id)] = encoded
        return True

    async def get_user_data(self) -> dict[int, JsonDict]:
        async with self._database.session() as session:
            loaded = await store.load_data(session, "user")
        for user_id, data in loaded.items():
            self._written[("user", user_id)] = json.dumps(data, sort_keys=True, default=_reject)
        return loaded

    async def reload_user_data(
        self, session: AsyncSession, user_id: int, user_data: JsonDict
    ) -> None:
        """Replace ``user_data`` in place with what the database holds now.

        Several bot processes may share one database: the user's previous update may have been
        handled by another one, so what this process remembers can be out of date.
        """
        stored = await store.load_one(session, "user", user_id)
        user_data.clear()
        user_data.update(stored)
        self._written[("user", user_id)] = json.dumps(stored, sort_keys=True, default=_reject)

    async def get_chat_data(self) -> dict[int, JsonDict]:
        async with self._database.session() as session:
            return await store.load_data(session, "chat")

    async def get_bot_data(self) -> JsonDict:
        return {}

    async def get_callback_data(self) -> None:
        return None

    async def get_conversations(self, name: str) -> ConversationDict:
        async with self._database.session() as session:
            return await store.load_conversations(session, name)  # type: ignore[return-value]

    async def update_conversation(
        self, name: str, key: ConversationKey, new_state: object | None
    ) -> None:
        expires_at = self._now() + self._timeout

        async def write(session: AsyncSession) -> None:
            await store.save_conversation(session, name, key, new_state, expires_at)

        await self._write(write)

    async def update_user_data(self, user_id: int, data: JsonDict) -> None:
        if not self._changed("user", user_id, data):
            return
        safe = _json_safe(data)

        async def write(session: AsyncSession) -> None:
            await store.save_data(session, "user", user_id, safe)

        await self._write(write)

    async def update_chat_data(self, chat_id: int, data: JsonDict) -> None:
        if not self._changed("chat", chat_id, data):
            return
        safe = _json_safe(data)

        async def write(session: AsyncSession) -> None:
            await store.save_data(session, "chat", chat_id, safe)

        await self._write(write)

    async def update_bot_data(self, data: JsonDict) -> None:
        return None

    async def update_callback_data(self, data: object) -> None:
        return None

    async def drop_chat_data(self, chat_id: int) -> None:
        async def write(session: AsyncSession) -> None:
            await store.drop_data(session, "chat", chat_id)

        await self._write(write)

    async def drop_user_data(self, user_id: int) -> None:
        self._written.pop(("user", user_id), None)

        async def write(session: AsyncSession) -> None:
            await store.drop_data(session, "user", user_id)

        await self._write(write)

    async def refresh_user_data(self, user_id: int, user_data: JsonDict) -> None:
        return None

    async def refresh_chat_data(self, chat_id: int, chat_data: JsonDict) -> None:
        return None

    async def refresh_bot_data(self, bot_data: JsonDict) -> None:
        return None

    async def flush(self) -> None:
        return None


def _json_safe(data: JsonDict) -> JsonDict:
    # Round-trip so a non-JSON value fails loudly here, not silently on the next start.
    return json.loads(json.dumps(data, default=_reject))


def _reject(value: object) -> object:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} cannot be persisted; store plain JSON values")
