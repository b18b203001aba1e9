"""What is left after every feature had its turn: unknown commands, non-text, edits, groups."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, MessageHandler, filters

from handlers.common import BotContext, say


async def unknown_command(update: Update, context: BotContext) -> None:
    """Say the command is unknown and point to /help."""
    await say(update, context, "common.unknown_command")


async def non_text(update: Update, context: BotContext) -> None:
    """Stickers, photos, voice and the like outside a conversation: say what the bot reads."""
    await say(update, context, "common.non_text")


async def edited(update: Update, context: BotContext) -> None:
    """Edits are not processed again; say so, so the user does not wait for an answer."""
    await say(update, context, "common.edited_ignored")


async def group_message(update: Update, context: BotContext) -> None:
    """In groups the bot only answers commands, and asks to be messaged privately."""
    await say(update, context, "common.group_only_private")


def build() -> list[BaseHandler[Update, BotContext, object]]:
    """The handlers of this module, in order."""
    private = filters.ChatType.PRIVATE
    # In groups, plain chatter is ignored on purpose: the bot is not part of the conversation.
    return [
        MessageHandler(filters.COMMAND & filters.ChatType.GROUPS, group_message),
        MessageHandler(filters.UpdateType.EDITED_MESSAGE & private, edited),
        MessageHandler(filters.COMMAND & private, unknown_command),
        MessageHandler(private & ~filters.TEXT & ~filters.StatusUpdate.ALL, non_text),
    ]
