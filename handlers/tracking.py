"""Bookkeeping around every update: skip redelivered ones, record users, save state after."""

from __future__ import annotations

import logging

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Update
from telegram.ext import ApplicationHandlerStop, BaseHandler, TypeHandler

from bot.i18n import normalise_language
from bot.persistence import DatabasePersistence
from bot.services import Services
from db import updates, users
from handlers import flows
from handlers.common import LANGUAGE_KEY, BotContext

logger = logging.getLogger(__name__)

SEEN_KEY = "seen_name"
RECENT_KEY = "recent_updates"


class RecentUpdates:
    """The update ids handled lately, kept in memory so most updates need no lookup."""

    KEEP = 2000

    def __init__(self, ids: list[int]) -> None:
        self.ids = set(ids)
        self.highest_loaded = max(ids, default=-1)

    def add(self, update_id: int) -> None:
        """Remember one more handled update."""
        self.ids.add(update_id)
        if len(self.ids) > 2 * self.KEEP:
            self.ids = set(sorted(self.ids)[-self.KEEP :])


async def load_recent_updates(services: Services) -> RecentUpdates:
    """Read the latest handled update ids (at start-up)."""
    async with services.database.session() as session:
        return RecentUpdates(await updates.latest_processed(session, RecentUpdates.KEEP))


def _recent(context: BotContext) -> RecentUpdates:
    recent = context.application.bot_data.get(RECENT_KEY)
    if not isinstance(recent, RecentUpdates):
        recent = RecentUpdates([])
        context.application.bot_data[RECENT_KEY] = recent
    return recent


async def skip_redelivered(update: Update, context: BotContext) -> None:
    """Stop an update that was already handled (getUpdates is at-least-once, and a webhook
    retry may reach another process), then load the user's current state from the database.

    Several processes may share one database behind one reverse proxy: whether an update was
    handled, where the user is in a conversation and their drafts are read from the database
    for each update, never only from this process's memory.
    """
    recent = _recent(context)
    if update.update_id in recent.ids:
        logger.info("Skipping update %s: already handled", update.update_id)
        raise ApplicationHandlerStop
    async with context.services.database.session() as session:
        seen = await updates.was_processed(session, update.update_id)
        if not seen:
            await _reload_state(session, update, context)
    if seen:
        recent.add(update.update_id)
        logger.info("Skipping update %s: already handled", update.update_id)
        raise ApplicationHandlerStop


async def _reload_state(session: AsyncSession, update: Update, context: BotContext) -> None:
    user, chat = update.effective_user, update.effective_chat
    if user is None:
        return
    persistence = context.application.persistence
    if isinstance(persistence, DatabasePersistence) and context.user_data is not None:
        await persistence.reload_user_data(session, user.id, context.user_data)
    if chat is not None:
        await flows.reload_conversations(context.application, session, (chat.id, user.id))


async def track_user(update: Update, context: BotContext) -> None:
    """Remember the user (once per name change), so reminders and broadcasts can reach them."""
    user = update.effective_user
    if user is None or user.is_bot or context.user_data is None:
        return
    if context.user_data.get(SEEN_KEY) == user.full_name:
        return
    async with context.services.database.session() as session:
        stored = await users.upsert_user(
            session,
            user.id,
            display_name=user.full_name,
            username=user.username,
            client_language=normalise_language(user.language_code),
        )
        if stored.language and LANGUAGE_KEY not in context.user_data:
            context.user_data[LANGUAGE_KEY] = stored.language
    context.user_data[SEEN_KEY] = user.full_name


async def finish_update(update: Update, context: BotContext) -> None:
    """Save what the update asked to save with it, the conversation states (now, not once a
    minute) and the mark that the update was handled: in one transaction."""
    persistence = context.application.persistence
    async with context.services.database.session() as session:
        for write in context.writes_with_update:
            await write(session)
        if isinstance(persistence, DatabasePersistence):
            # PTB marks the update's user for saving only after every handler, this one
            # included; marked now, the user's drafts are saved with the update they belong to,
            # so the next update (in whichever process) reads them from the database.
            user, chat = update.effective_user, update.effective_chat
            context.application.mark_data_for_update_persistence(
                user_ids=user.id if user else None, chat_ids=chat.id if chat else None
            )
            with persistence.collecting() as writes:
                await context.application.update_persistence()
            for write in writes:
                await write(session)
        await updates.mark_processed(session, update.update_id, context.services.clock.now())
    _recent(context).add(update.update_id)


def build_before() -> list[BaseHandler[Update, BotContext, object]]:
    """Handlers that run before any feature, in order of their groups."""
    return [TypeHandler(Update, skip_redelivered), TypeHandler(Update, track_user)]


def build_after() -> list[BaseHandler[Update, BotContext, object]]:
    """The handler that runs after every feature."""
    return [TypeHandler(Update, finish_update)]
