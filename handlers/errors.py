"""The one global error handler."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import Forbidden, NetworkError, RetryAfter, TimedOut

from bot.i18n import html_escape, t
from bot.intake import intake_of
from handlers.common import BotContext, language_of, reply_html

logger = logging.getLogger(__name__)


async def on_error(update: object, context: BotContext) -> None:
    """Log the failure and tell the user; their conversation state is left as it was."""
    error = context.error
    if error is not None:
        # The intake keeps the update as a dead letter once its handling is over.
        intake_of(context.application).note_failure(update, error)
    if isinstance(error, Forbidden):
        logger.info("A user blocked the bot; nothing to tell them")
        return
    if isinstance(error, TimedOut):
        # Telegram may well have delivered the reply that timed out (bot/retry.py does not
        # send it twice); an apology after the answer would be false, so say nothing.
        logger.warning("A Telegram call timed out; treated as delivered")
        return
    if isinstance(error, RetryAfter | NetworkError):
        logger.warning("Transient Telegram error: %s", type(error).__name__)
    else:
        logger.error("Unhandled error while handling an update", exc_info=error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    language = language_of(update, context)
    contact = context.services.program.help_contact
    name = contact.name_en if language == "en" else contact.name
    try:
        await reply_html(
            update,
            t(
                language,
                "common.error",
                contact=html_escape(f"{name} {contact.phone_with_extension}"),
            ),
        )
    except Exception:
        logger.warning("Could not tell the user about the error")
