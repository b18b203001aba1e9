"""/privacy (what is stored and why) and /forgetme (delete a teacher's personal data)."""

from __future__ import annotations

import logging
import secrets

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from bot.i18n import html_escape, t
from db import privacy
from handlers.common import BotContext, edit_or_send, keyboard, language_of, say
from handlers.flows import end_all_conversations

logger = logging.getLogger(__name__)

PREFIX = "pv:"
NONCE_KEY = "forgetme_nonce"


async def show_privacy(update: Update, context: BotContext) -> None:
    """Say what the bot stores, why, and how to have it deleted."""
    language = language_of(update, context)
    program = context.services.program
    operator = program.letter.issuer + program.letter.unit
    await say(
        update,
        context,
        "privacy.notice",
        operator=html_escape(operator),
        program=html_escape(program.program.title),
        contact=html_escape(context.services.program.help_contact.reach(language)),
        forget="/forgetme",
    )


async def ask_to_forget(update: Update, context: BotContext) -> None:
    """Ask for confirmation before deleting anything."""
    user = update.effective_user
    if user is None or context.user_data is None:
        return
    language = language_of(update, context)
    nonce = secrets.token_hex(4)
    context.user_data[NONCE_KEY] = nonce
    text = t(language, "privacy.confirm")
    async with context.services.database.session() as session:
        if await privacy.is_convener(session, user.id):
            text += "\n\n" + t(language, "privacy.confirm_convener")
    buttons = [[(t(language, "privacy.yes"), f"{PREFIX}{nonce}:yes"),
                (t(language, "privacy.no"), f"{PREFIX}{nonce}:no")]]  # fmt: skip
    await edit_or_send(update, text, keyboard(buttons))


async def forget_pressed(update: Update, context: BotContext) -> None:
    """Delete the data (or not) after the user confirmed in the latest menu."""
    query = update.callback_query
    user = update.effective_user
    if query is None or query.data is None or user is None or context.user_data is None:
        return
    language = language_of(update, context)
    nonce, _, choice = query.data.removeprefix(PREFIX).partition(":")
    if nonce != context.user_data.get(NONCE_KEY):
        await query.answer(t(language, "common.menu_expired"), show_alert=True)
        return
    await query.answer()
    context.user_data.pop(NONCE_KEY, None)
    if choice != "yes":
        await edit_or_send(update, t(language, "privacy.kept"))
        return
    async with context.services.database.session() as session:
        await privacy.forget_user(session, user.id)
    end_all_conversations(context.application, user.id)
    context.application.drop_user_data(user.id)
    if update.effective_chat is not None:
        context.application.drop_chat_data(update.effective_chat.id)
    logger.info("A user had their personal data deleted")
    await edit_or_send(update, t(language, "privacy.done"))


def build() -> list[BaseHandler[Update, BotContext, object]]:
    """The handlers of this module."""
    private = filters.ChatType.PRIVATE
    return [
        CommandHandler("privacy", show_privacy, filters=private),
        CommandHandler("forgetme", ask_to_forget, filters=private),
        CallbackQueryHandler(forget_pressed, pattern=f"^{PREFIX}"),
    ]
