"""Runs before every other handler: records who is talking to the bot."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, TypeHandler

from db import users
from handlers.common import LANGUAGE_KEY, BotContext

SEEN_KEY = "seen_name"


async def track_user(update: Update, context: BotContext) -> None:
    """Remember the user (once per name change), so reminders and broadcasts can reach them."""
    user = update.effective_user
    if user is None or user.is_bot or context.user_data is None:
        return
    if context.user_data.get(SEEN_KEY) == user.full_name and not context.user_data.get("blocked"):
        return
    async with context.services.database.session() as session:
        stored = await users.upsert_user(
            session, user.id, display_name=user.full_name, username=user.username
        )
        if stored.language and LANGUAGE_KEY not in context.user_data:
            context.user_data[LANGUAGE_KEY] = stored.language
    context.user_data[SEEN_KEY] = user.full_name
    context.user_data.pop("blocked", None)


def build() -> list[BaseHandler[Update, BotContext, object]]:
    """The handlers of this module."""
    return [TypeHandler(Update, track_user)]
