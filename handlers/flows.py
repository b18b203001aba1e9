"""What every conversation shares: the flows (/register, /log, /mycommunity) and the staff's
/broadcast, /faqedit and rejection reason in /review (their steps pass the staff gate too:
``step(flow, staff=True)``).

Each keeps its draft in ``context.user_data`` (under DRAFT_KEYS) as plain JSON, so the
database persistence carries it over a restart together with the conversation state. A draft
holds:

- ``nonce``: rotated whenever a new menu is shown and put into every button of that menu, so a
  button of an older message ("this menu expired") never acts on the draft;
- ``expires_at``: refreshed on every step; a step reached after it tells the user the flow timed
  out and ends it (the draft is discarded). ``expire_conversations`` does the same from the
  scheduler for users who simply went away.

Only one conversation runs at a time: starting one (a flow, /broadcast, /faqedit or a
rejection reason in /review) ends the others.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from collections.abc import Callable, Coroutine, MutableMapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError, TimedOut
from telegram.ext import (
    Application,
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)
from telegram.ext._handlers.conversationhandler import PendingState

from bot.i18n import normalise_language, t
from bot.persistence import DatabasePersistence
from db import persistence_store, users
from handlers.common import (
    LANGUAGE_KEY,
    SERVICES_KEY,
    BotContext,
    answer_query,
    edit_or_send,
    ensure_staff,
    language_of,
    reply_html,
    say,
)

logger = logging.getLogger(__name__)

END = ConversationHandler.END
DRAFT_PREFIX = "flow:"
# How long a conversation waits for the user's next step; the database persistence (bot.app)
# stores the same expiry with each conversation state.
CONVERSATION_TIMEOUT = dt.timedelta(minutes=30)
# Callback data of each flow starts with its prefix: "<prefix>:<nonce>:<action>[:<arg>]".
PREFIXES = {
    "register": "rg",
    "log": "lg",
    "community": "mc",
    "broadcast": "bc",
    "faqedit": "fa",
    "staff": "sf",
}
COMMANDS = {"register": "/register", "log": "/log", "community": "/mycommunity"}
# Every conversation of the bot (by its ConversationHandler's name) and the user_data key of
# its draft: the three flows above, and the staff's /broadcast, /faqedit and rejection reason.
DRAFT_KEYS = {
    **{flow: DRAFT_PREFIX + flow for flow in COMMANDS},
    "broadcast": "broadcast_draft",
    "faqedit": "faqedit",
    "review": "review_rejecting",
}
# Drafts of one-button confirmations (no conversation, so starting one ends none of the above).
CONFIRMATION_KEYS = {"staff": "staff_change"}

Draft = dict[str, Any]
State = object
Handler = BaseHandler[Update, BotContext, object]


@dataclass(frozen=True)
class Pressed:
    """A pressed button of a flow: the action and its argument."""

    action: str
    arg: str = ""

    @property
    def number(self) -> int | None:
        """The argument as a number, or None if it is not one."""
        return int(self.arg) if self.arg.isdigit() and len(self.arg) < 12 else None


StepFn = Callable[[Update, BotContext, Draft, Pressed | None], Coroutine[Any, Any, object]]
Callback = Callable[[Update, BotContext], Coroutine[Any, Any, object]]
# Shows a flow's current question again (after the notice) and returns nothing.
Resumer = Callable[[Update, BotContext, Draft, str], Coroutine[Any, Any, object]]


# --- drafts ---------------------------------------------------------------------------------


def draft_key(flow: str) -> str:
    """The user_data key of a flow's draft."""
    return DRAFT_KEYS.get(flow) or CONFIRMATION_KEYS[flow]


def get_draft(context: BotContext, flow: str) -> Draft | None:
    """The user's draft of this flow, if one is open."""
    if context.user_data is None:
        return None
    draft = context.user_data.get(draft_key(flow))
    return draft if isinstance(draft, dict) else None


def _expires_at(draft: Draft) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(str(draft["expires_at"]))
    except (KeyError, ValueError):
        return None


def is_expired(draft: Draft, now: dt.datetime) -> bool:
    """Whether the user went quiet for longer than the timeout."""
    expires = _expires_at(draft)
    return expires is None or expires <= now


def touch(context: BotContext, draft: Draft) -> None:
    """Move the draft's timeout to 30 minutes from now."""
    draft["expires_at"] = (context.services.clock.now() + CONVERSATION_TIMEOUT).isoformat()


def rotate_nonce(draft: Draft) -> str:
    """A new nonce: buttons of every earlier menu stop working."""
    draft["nonce"] = secrets.token_hex(4)
    return str(draft["nonce"])


def button(flow: str, draft: Draft, action: str, arg: object = "") -> str:
    """Callback data for a button of the draft's current menu."""
    data = f"{PREFIXES[flow]}:{draft['nonce']}:{action}"
    return f"{data}:{arg}" if arg != "" else data


def parse_button(flow: str, data: str | None) -> tuple[str, Pressed] | None:
    """(nonce, pressed) from callback data of this flow, or None if it is not one."""
    if not data:
        return None
    parts = data.split(":", 3)
    if len(parts) < 3 or parts[0] != PREFIXES[flow]:
        return None
    return parts[1], Pressed(parts[2], parts[3] if len(parts) > 3 else "")


def end_other_conversations(update: Update, context: BotContext, keep: str) -> None:
    """End every conversation the user is in except ``keep``, the one they are starting.

    Otherwise a conversation registered earlier would take the messages meant for the new one.
    """
    chat, user = update.effective_chat, update.effective_user
    if context.user_data is None or chat is None or user is None:
        return
    for name, key in DRAFT_KEYS.items():
        if name != keep:
            context.user_data.pop(key, None)
            _end_in_memory(context.application, name, (chat.id, user.id))


def begin(update: Update, context: BotContext, flow: str, **fields: Any) -> Draft:
    """Open a fresh draft of this flow, ending any other conversation the user was in."""
    assert context.user_data is not None
    end_other_conversations(update, context, flow)
    draft: Draft = dict(fields)
    rotate_nonce(draft)
    touch(context, draft)
    context.user_data[draft_key(flow)] = draft
    return draft


def begin_confirmation(context: BotContext, flow: str, **fields: Any) -> Draft:
    """Open a draft for a yes/no confirmation; other conversations go on."""
    assert context.user_data is not None
    draft: Draft = dict(fields)
    rotate_nonce(draft)
    touch(context, draft)
    context.user_data[draft_key(flow)] = draft
    return draft


def finish(context: BotContext, flow: str) -> object:
    """Drop the draft; the conversation ends."""
    if context.user_data is not None:
        context.user_data.pop(draft_key(flow), None)
    return END


def nonce_matches(context: BotContext, flow: str, nonce: str) -> bool:
    """Whether ``nonce`` is that of the current menu of the user's open draft of ``flow``."""
    draft = get_draft(context, flow)
    return draft is not None and draft.get("nonce") == nonce


# --- replies --------------------------------------------------------------------------------


async def show(
    update: Update, context: BotContext, text: str, markup: InlineKeyboardMarkup | None = None
) -> None:
    """Show a step: in place of the pressed menu after a button, as a new message after text.

    A call that timed out is taken as delivered (Telegram may have shown it, and it is not
    sent twice): the step goes on and the conversation moves to the state the user now sees.
    """
    try:
        if update.callback_query is not None:
            await edit_or_send(update, text, markup)
        else:
            await reply_html(update, text, markup)
    except TimedOut:
        logger.warning("Showing a flow step timed out; taken as delivered")


# --- steps ----------------------------------------------------------------------------------


def step(flow: str, *, staff: bool = False) -> Callable[[StepFn], Callback]:
    """Wrap a state callback: staff gate (``staff=True``), timeout check, stale-button check,
    then the step; refresh expiry.

    The step gets the draft and, for a button, what was pressed (the button is answered here);
    a cancel button cancels. It returns the next state; returning the current state keeps it.
    A staff conversation checks the role again on every step: someone removed from the staff
    mid-way is refused and their draft dropped.
    """

    def decorate(function: StepFn) -> Callback:
        async def wrapper(update: Update, context: BotContext) -> object:
            if staff and not await ensure_staff(update, context, f"{flow} step"):
                return finish(context, flow)
            draft = get_draft(context, flow)
            now = context.services.clock.now()
            if draft is None or is_expired(draft, now):
                await answer_query(update)
                await reply_html(update, timed_out_text(language_of(update, context), flow))
                return finish(context, flow)
            pressed: Pressed | None = None
            if update.callback_query is not None:
                parsed = parse_button(flow, update.callback_query.data)
                if parsed is None or parsed[0] != draft.get("nonce"):
                    await answer_query(
                        update, t(language_of(update, context), "common.menu_expired")
                    )
                    return None
                pressed = parsed[1]
                await answer_query(update)
                if pressed.action == "cancel":
                    await show(update, context, t(language_of(update, context), "common.cancelled"))
                    return finish(context, flow)
            result = await function(update, context, draft, pressed)
            if result != END and get_draft(context, flow) is draft:
                touch(context, draft)
            return result

        wrapper.__name__ = function.__name__
        wrapper.__doc__ = function.__doc__
        return wrapper

    return decorate


def cancel_command(flow: str) -> Callback:
    """The /cancel fallback of a flow."""

    async def cancel(update: Update, context: BotContext) -> object:
        """Drop the draft and end the flow."""
        await answer_query(update)
        await say(update, context, "common.cancelled")
        return finish(context, flow)

    return cancel


def stale_button(flow: str) -> Callback:
    """A button of this flow pressed where no step expects it: say the menu expired."""

    async def stale(update: Update, context: BotContext) -> object:
        """Say the menu expired; nothing else happens."""
        await answer_query(update, t(language_of(update, context), "common.menu_expired"))
        return None

    return stale


def fallbacks(flow: str, reprompt: Callback) -> list[Handler]:
    """/cancel, and a re-prompt for anything a step did not expect (stale buttons included:
    the step wrapper answers those with "menu expired", and a cancel button cancels)."""
    return [
        CommandHandler("cancel", cancel_command(flow)),
        CallbackQueryHandler(reprompt, pattern=f"^{PREFIXES[flow]}:"),
        MessageHandler(filters.ALL & ~filters.COMMAND, reprompt),
    ]


def resume_after_side_commands(resumers: MutableMapping[str, Resumer]) -> Handler:
    """After a side command (/progress, /help, …) answered in the middle of a flow, ask the
    flow's pending question again.

    Registered in a group after the features', so it runs once the command has replied.
    Without it the next message would silently answer a question the user no longer sees (a
    topic typed as a /help question). Commands that end or restart the flow leave no open
    draft (or show the question themselves), so nothing is asked twice.
    """

    async def resume(update: Update, context: BotContext) -> None:
        message = update.effective_message
        if context.user_data is None or message is None or not message.text:
            return
        command = message.text.split(maxsplit=1)[0].split("@", 1)[0].lower()
        now = context.services.clock.now()
        for flow, resumer in resumers.items():
            draft = get_draft(context, flow)
            if draft is None or is_expired(draft, now) or command == COMMANDS[flow]:
                continue
            language = language_of(update, context)
            notice = t(language, "flows.side_command_resume", command=COMMANDS[flow])
            await resumer(update, context, draft, notice)
            return

    return MessageHandler(filters.COMMAND & filters.ChatType.PRIVATE, resume)


def outside(flow: str) -> list[Handler]:
    """After the conversation: buttons of a finished flow answer that the menu expired."""
    return [CallbackQueryHandler(stale_button(flow), pattern=f"^{PREFIXES[flow]}:")]


# --- expiry ---------------------------------------------------------------------------------


def _conversation_states(
    application: Application[Any, Any, Any, Any, Any, Any], name: str
) -> MutableMapping[Any, object] | None:
    # PTB offers no public way to end one user's conversation from outside an update, and its
    # own timeout needs the (unpersisted) JobQueue. The states live in the handler's private
    # ``_conversations`` (a TrackingDict, so a deletion is written to the persistence too).
    # This is the only place that touches it.
    for group in application.handlers.values():
        for handler in group:
            if isinstance(handler, ConversationHandler) and handler.name == name:
                return handler._conversations
    return None


def _end_in_memory(
    application: Application[Any, Any, Any, Any, Any, Any], name: str, key: tuple[Any, ...]
) -> bool:
    states = _conversation_states(application, name)
    if states is None or key not in states:
        return False
    states.pop(key, None)
    return True


def _named_conversations(
    application: Application[Any, Any, Any, Any, Any, Any],
) -> dict[str, ConversationHandler[Any]]:
    return {
        handler.name: handler
        for group in application.handlers.values()
        for handler in group
        if isinstance(handler, ConversationHandler) and handler.name
    }


async def reload_conversations(
    application: Application[Any, Any, Any, Any, Any, Any],
    session: AsyncSession,
    key: tuple[int, int],
) -> None:
    """Set where this chat is in every conversation to what the database says, before its update.

    Several bot processes may share one database (behind one reverse proxy): the previous step
    may have been handled by another process, so the states this one remembers can be stale.
    The reload is not counted as a change, so it is not written back.
    """
    handlers = _named_conversations(application)
    if not handlers:
        return
    stored = await persistence_store.states_of_key(session, list(handlers), key)
    for name, handler in handlers.items():
        states = handler._conversations  # see _conversation_states: the one private access
        if isinstance(states.get(key), PendingState):
            continue  # a non-blocking step of this process is still running
        # PTB's TrackingDict: changed without marking it for persistence, which it came from.
        if name in stored:
            states.update_no_track({key: stored[name]})  # type: ignore[attr-defined]
        else:
            states.data.pop(key, None)  # type: ignore[attr-defined]


def end_all_conversations(
    application: Application[Any, Any, Any, Any, Any, Any], user_id: int
) -> None:
    """End every conversation the user is in (their data is being deleted)."""
    for group in application.handlers.values():
        for handler in group:
            if isinstance(handler, ConversationHandler) and handler.name:
                states = _conversation_states(application, handler.name)
                for key in [key for key in (states or {}) if user_id in key]:
                    _end_in_memory(application, handler.name, key)


async def _language(application: Application[Any, Any, Any, Any, Any, Any], user_id: int) -> str:
    data = application.user_data.get(user_id) or {}
    if isinstance(data.get(LANGUAGE_KEY), str):
        return normalise_language(data[LANGUAGE_KEY])
    services = application.bot_data[SERVICES_KEY]
    async with services.database.session() as session:
        user = await users.get_user(session, user_id)
    return normalise_language(user.language if user else None)


def timed_out_text(language: str, name: str) -> str:
    """What a user is told when their conversation ``name`` timed out."""
    if name in COMMANDS:
        return t(language, "flows.timed_out", command=COMMANDS[name])
    # The staff's conversations say what was (not) done: nothing was sent, changed or rejected.
    keys = {
        "broadcast": "broadcast.timed_out",
        "faqedit": "faq_admin.timed_out",
        "review": "review.reason_timed_out",
    }
    return t(language, keys[name])


async def expire_conversations(application: Application[Any, Any, Any, Any, Any, Any]) -> int:
    """End the conversations of users who went quiet past the timeout; tell each once; return
    how many ended.

    The scheduler calls this every minute. A draft touched since the database row was written
    (its own ``expires_at`` is still ahead) is left alone.
    """
    services = application.bot_data[SERVICES_KEY]
    now = services.clock.now()
    async with services.database.session() as session:
        expired = await persistence_store.expired_conversations(session, now)
    ended = 0
    for name, key in expired:
        if name not in DRAFT_KEYS or len(key) != 2:
            continue
        chat_id, user_id = int(key[0]), int(key[1])
        user_data = application.user_data.get(user_id)
        async with services.database.session() as session:
            # Another process may have handled the user's last step: its draft is in the
            # database; this process's memory is never newer than that, except mid-update.
            stored = await persistence_store.load_one(session, "user", user_id)
            drafts = [stored.get(DRAFT_KEYS[name])]
            if user_data is not None:
                drafts.append(user_data.get(DRAFT_KEYS[name]))
            if any(isinstance(d, dict) and not is_expired(d, now) for d in drafts):
                continue
            # Only the process whose delete removed the row tells the user.
            if not await persistence_store.end_expired_conversation(session, name, key, now):
                continue
            stored.pop(DRAFT_KEYS[name], None)
            await persistence_store.save_data(session, "user", user_id, stored)
            if user_data is not None and isinstance(application.persistence, DatabasePersistence):
                await application.persistence.reload_user_data(session, user_id, user_data)
        states = _conversation_states(application, name)
        if states is not None:
            states.data.pop(key, None)  # type: ignore[attr-defined]  # already deleted above
        ended += 1
        language = await _language(application, user_id)
        try:
            await application.bot.send_message(
                chat_id, timed_out_text(language, name), parse_mode=ParseMode.HTML
            )
        except TelegramError as error:
            logger.info("Could not tell a user their flow timed out: %s", type(error).__name__)
    return ended
