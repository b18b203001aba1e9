"""/start (with invite deep links), /help and /language."""

from __future__ import annotations

import logging

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot.i18n import LANGUAGES, html_escape, t
from db import users
from handlers.common import (
    LANGUAGE_KEY,
    BotContext,
    edit_or_send,
    is_staff,
    keyboard,
    language_of,
    reply_html,
    say,
)

logger = logging.getLogger(__name__)

LANGUAGE_CALLBACK = "lang:"
LANGUAGE_LABELS = {"zh-TW": "繁體中文", "en": "English"}


def _language_keyboard() -> InlineKeyboardMarkup:
    return keyboard([[(LANGUAGE_LABELS[code], LANGUAGE_CALLBACK + code) for code in LANGUAGES]])


async def start(update: Update, context: BotContext) -> None:
    """Welcome the user and offer the languages."""
    user = update.effective_user
    name = html_escape(user.first_name) if user else ""
    await say(
        update,
        context,
        "common.welcome",
        _language_keyboard(),
        name=name,
        program=html_escape(context.services.program.program.title),
    )


async def show_help(update: Update, context: BotContext) -> None:
    """List what the bot can do (and the staff commands, for staff)."""
    language = language_of(update, context)
    contact = context.services.program.help_contact.reach(language)
    text = t(language, "common.help", contact=html_escape(contact))
    user = update.effective_user
    if user is not None and await is_staff(context, user.id):
        text += "\n\n" + t(language, "common.help_staff")
    await reply_html(update, text)


async def choose_language(update: Update, context: BotContext) -> None:
    """Offer the languages."""
    await say(update, context, "common.choose_language", _language_keyboard())


async def language_chosen(update: Update, context: BotContext) -> None:
    """Remember the chosen language."""
    query = update.callback_query
    assert query is not None and query.data is not None
    code = query.data.removeprefix(LANGUAGE_CALLBACK)
    if code not in LANGUAGES:
        await query.answer(t(language_of(update, context), "common.menu_expired"))
        return
    await query.answer()
    if context.user_data is not None:
        context.user_data[LANGUAGE_KEY] = code
    if update.effective_user is not None:
        async with context.services.database.session() as session:
            await users.set_language(session, update.effective_user.id, code)
    await edit_or_send(update, t(code, "common.language_set"))


def build() -> list[BaseHandler[Update, BotContext, object]]:
    """The handlers of this module."""
    return [
        CommandHandler("start", start),
        CommandHandler("help", show_help),
        CommandHandler("language", choose_language),
        CallbackQueryHandler(language_chosen, pattern=f"^{LANGUAGE_CALLBACK}"),
    ]
