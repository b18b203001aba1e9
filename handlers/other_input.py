"""Input no feature handles: edits and groups (stopped early), unknown commands, non-text."""

from __future__ import annotations

from telegram import Update
from telegram.ext import (
    ApplicationHandlerStop,
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from bot.i18n import t
from handlers.common import BotContext, language_of, say


async def unknown_command(update: Update, context: BotContext) -> None:
    """Say the command is unknown and point to /help."""
    await say(update, context, "common.unknown_command")


async def nothing_to_cancel(update: Update, context: BotContext) -> None:
    """/cancel when no conversation is running."""
    await say(update, context, "common.nothing_to_cancel")


async def non_text(update: Update, context: BotContext) -> None:
    """Stickers, photos, voice and the like outside a conversation: say what the bot reads."""
    await say(update, context, "common.non_text")


async def edited(update: Update, context: BotContext) -> None:
    """Edits are not processed again; say so, so the user does not wait for an answer."""
    await say(update, context, "common.edited_ignored")
    raise ApplicationHandlerStop


async def unknown_button(update: Update, context: BotContext) -> None:
    """A button no feature knows (an old menu, or forged data): say it has expired."""
    query = update.callback_query
    if query is not None:
        await query.answer(t(language_of(update, context), "common.menu_expired"), show_alert=True)


async def group_command(update: Update, context: BotContext) -> None:
    """In groups the bot only answers commands, and asks to be messaged privately."""
    await say(update, context, "common.group_only_private")
    raise ApplicationHandlerStop


async def group_chatter(update: Update, context: BotContext) -> None:
    """Plain chatter in groups is ignored on purpose: the bot is not part of the conversation."""
    raise ApplicationHandlerStop


def build_gate() -> list[BaseHandler[Update, BotContext, object]]:
    """Handlers that run before the features and stop updates no feature should see."""
    return [
        MessageHandler(filters.UpdateType.EDITED & filters.ChatType.PRIVATE, edited),
        MessageHandler(filters.ChatType.GROUPS & filters.COMMAND, group_command),
        MessageHandler(filters.ChatType.GROUPS | filters.UpdateType.EDITED, group_chatter),
    ]


def build() -> list[BaseHandler[Update, BotContext, object]]:
    """Handlers that run after every feature had its turn."""
    private = filters.ChatType.PRIVATE
    return [
        CommandHandler("cancel", nothing_to_cancel, filters=private),
        MessageHandler(filters.COMMAND & private, unknown_command),
        MessageHandler(private & ~filters.TEXT & ~filters.StatusUpdate.ALL, non_text),
        CallbackQueryHandler(unknown_button),
    ]
