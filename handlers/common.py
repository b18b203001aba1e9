"""Small helpers every handler module shares: services, language, replies, keyboards."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import Application, CallbackContext, ContextTypes, ExtBot

from bot.channels import PushResult, reached_by_push
from bot.i18n import normalise_language, t
from bot.logs import user_ref
from bot.services import Services
from db import users

logger = logging.getLogger(__name__)

SERVICES_KEY = "services"
LANGUAGE_KEY = "lang"

JsonDict = dict[str, object]
Write = Callable[[AsyncSession], Awaitable[object]]


class BotContext(CallbackContext[ExtBot[None], JsonDict, JsonDict, JsonDict]):
    """The callback context (one per update), with typed access to the bot's services."""

    def __init__(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        chat_id: int | None = None,
        user_id: int | None = None,
    ) -> None:
        super().__init__(application, chat_id, user_id)
        self.writes_with_update: list[Write] = []

    def save_with_update(self, write: Write) -> None:
        """Save ``write`` in the transaction that marks this update handled: both or neither.

        For records that need not be saved before the reply (a question asked): a redelivered
        update then records nothing twice, and the update costs one transaction, not two.
        """
        self.writes_with_update.append(write)

    @property
    def services(self) -> Services:
        """The services of the running bot."""
        services = self.application.bot_data[SERVICES_KEY]
        if not isinstance(services, Services):
            raise RuntimeError("the application was not built by bot.app.build_application")
        return services


CONTEXT_TYPES = ContextTypes(context=BotContext, user_data=dict, chat_data=dict, bot_data=dict)

Button = tuple[str, str]


def language_of(update: Update, context: BotContext) -> str:
    """The language to talk to this user in: their choice, else their Telegram setting."""
    if context.user_data is not None and isinstance(context.user_data.get(LANGUAGE_KEY), str):
        return normalise_language(str(context.user_data[LANGUAGE_KEY]))
    user = update.effective_user
    return normalise_language(user.language_code if user else None)


def keyboard(rows: Sequence[Sequence[Button]]) -> InlineKeyboardMarkup:
    """An inline keyboard from rows of (label, callback_data)."""
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=data) for label, data in row] for row in rows]
    )


async def tell_user(context: BotContext, user_id: int, text: str) -> bool:
    """Send a notice (Telegram HTML) to a user on whichever messenger they use: Telegram, or
    LINE by push; whether it reached them. A user who blocked the bot is marked so."""
    services = context.services
    if reached_by_push(user_id):
        channel = services.push_channel
        if channel is None:
            logger.warning("A notice to a user of another messenger: not served by this process")
            return False
        return await channel.push(user_id, text) == PushResult.SENT
    try:
        await context.bot.send_message(
            user_id, text, parse_mode=ParseMode.HTML, disable_web_page_preview=True
        )
    except Forbidden:
        async with services.database.session() as session:
            await users.mark_blocked(session, user_id, services.clock.now())
        return False
    except TelegramError as error:
        logger.warning("Could not send a notice: %s", type(error).__name__)
        return False
    return True


async def reply_html(
    update: Update,
    text: str,
    markup: InlineKeyboardMarkup | None = None,
) -> Message | None:
    """Reply in the chat of the update with an HTML text (user text must be escaped)."""
    chat = update.effective_chat
    if chat is None:
        return None
    return await chat.send_message(
        text, parse_mode=ParseMode.HTML, reply_markup=markup, disable_web_page_preview=True
    )


async def say(
    update: Update,
    context: BotContext,
    key: str,
    markup: InlineKeyboardMarkup | None = None,
    **values: object,
) -> Message | None:
    """Reply with a catalogue text in the user's language."""
    return await reply_html(update, t(language_of(update, context), key, **values), markup)


async def edit_or_send(
    update: Update, text: str, markup: InlineKeyboardMarkup | None = None
) -> None:
    """Show the next step in place of the pressed menu, or as a new message if that fails."""
    query = update.callback_query
    if query is not None and query.message is not None:
        try:
            await query.edit_message_text(
                text,
                parse_mode=ParseMode.HTML,
                reply_markup=markup,
                disable_web_page_preview=True,
            )
            return
        except BadRequest as exc:
            if "not modified" in str(exc).lower():
                return
    await reply_html(update, text, markup)


async def answer_query(update: Update, text: str | None = None) -> None:
    """Answer the pressed button (once), with an optional notice; a too-old query is fine."""
    query = update.callback_query
    if query is not None:
        try:
            await query.answer(text)
        except TelegramError:
            logger.info("Could not answer a callback query (too old)")


async def is_staff(context: BotContext, user_id: int) -> bool:
    """Whether the user is bureau staff (BOT_ADMIN_IDS or added with /staff add)."""
    services = context.services
    if services.is_admin(user_id):
        return True
    async with services.database.session() as session:
        user = await users.get_user(session, user_id)
        return bool(user and user.is_staff and user.active)


async def ensure_staff(update: Update, context: BotContext, action: str) -> bool:
    """The one staff gate: whether the user is staff; otherwise refuse (a reply, or an alert
    for a button) and log the refusal. Every staff command, button and step passes it."""
    user = update.effective_user
    if user is not None and await is_staff(context, user.id):
        return True
    logger.warning(
        "Refused staff action %s to non-staff user %s", action, user_ref(user.id if user else None)
    )
    text = t(language_of(update, context), "common.staff_only")
    query = update.callback_query
    if query is not None:
        await query.answer(text, show_alert=True)
    else:
        await reply_html(update, text)
    return False
