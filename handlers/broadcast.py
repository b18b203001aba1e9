"""/broadcast (write, choose the audience, preview, confirm; sent in the background),
/broadcasts and /recipients.

These handlers read the staff's updates, call the domain (bot.broadcasts: the text, the
audience, the record of what is to be sent) and render the replies. The sending itself, in the
background and at the pace shared with the reminders, is reminders.broadcasting's; it shows the
sender the progress and report texts rendered here (SENDER_TEXTS).
"""

from __future__ import annotations

import enum
import logging
import re
from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot import broadcasts
from bot.broadcasts import Audience, BroadcastTextError, Figures, NoRecipients
from bot.dates import format_date
from bot.i18n import html_escape, t
from bot.program import Program
from bot.services import Services
from db import broadcasts as store
from handlers import flows
from handlers.common import (
    SERVICES_KEY,
    BotContext,
    Button,
    answer_query,
    edit_or_send,
    ensure_staff,
    keyboard,
    language_of,
    reply_html,
    say,
)
from handlers.flows import Draft, Pressed
from reminders import broadcasting
from reminders.broadcasting import wait_for_broadcasts as wait_for_broadcasts

logger = logging.getLogger(__name__)

END = ConversationHandler.END
FLOW = "broadcast"
PREFIX = f"{flows.PREFIXES[FLOW]}:"
MAX_SCHOOL_CHOICES = 10
LIST_LIMIT = 10


class State(enum.StrEnum):
    """Steps of writing a broadcast."""

    TEXT = "text"
    AUDIENCE = "audience"
    SCHOOLS = "schools"
    CONFIRM = "confirm"


# --- the draft ------------------------------------------------------------------------------


def _b(draft: Draft, action: str, arg: object = "") -> str:
    return flows.button(FLOW, draft, action, arg)


# --- texts ----------------------------------------------------------------------------------


def _type_name(program: Program, type_key: str, language: str) -> str:
    return html_escape(program.community_type(type_key).name_in(language))


def describe_audience(program: Program, audience: Audience, language: str, schools: str) -> str:
    """The audience in words."""
    if audience.kind == broadcasts.COMMUNITY_TYPE and audience.type_key:
        name = _type_name(program, audience.type_key, language)
        return t(language, "broadcast.audience_type", type=name)
    if audience.kind == broadcasts.SCHOOLS:
        return t(language, "broadcast.audience_schools", schools=schools)
    return t(language, f"broadcast.audience_{audience.kind}")


def _audience_menu(program: Program, draft: Draft, language: str) -> InlineKeyboardMarkup:
    rows: list[list[Button]] = [
        [(t(language, "broadcast.audience_everyone"), _b(draft, "aud", "everyone"))],
        [(t(language, "broadcast.audience_conveners"), _b(draft, "aud", "conveners"))],
    ]
    for community_type in program.community_types:
        label = t(
            language,
            "broadcast.audience_type",
            type=community_type.name_in(language),
        )
        rows.append([(label, _b(draft, "aud", f"type:{community_type.key}"))])
    rows.append([(t(language, "broadcast.choose_schools"), _b(draft, "aud", "schools"))])
    rows.append([(t(language, "broadcast.audience_behind"), _b(draft, "aud", "behind"))])
    rows.append([(t(language, "broadcast.cancel_button"), _b(draft, "cancel"))])
    return keyboard(rows)


def _error_text(error: BroadcastTextError, language: str) -> str:
    values = {k: html_escape(str(v)) for k, v in error.values.items()}
    return (
        t(language, f"broadcast.error_{error.reason}", **values)
        + "\n"
        + t(language, "broadcast.error_hint")
    )


def _counts(figures: Figures) -> dict[str, int]:
    """The figures the progress and the final report both show."""
    return {
        "total": figures.total,
        "sent": figures.sent,
        "blocked": figures.blocked,
        "failed": figures.failed,
        "unknown": figures.unknown,
    }


def _progress_text(language: str, broadcast_id: int, figures: Figures) -> str:
    return t(language, "broadcast.progress", id=broadcast_id, done=figures.done, **_counts(figures))


# --- the conversation -----------------------------------------------------------------------


async def start(update: Update, context: BotContext) -> object:
    """Ask for the message to broadcast."""
    if not await ensure_staff(update, context, "/broadcast"):
        return END
    draft = flows.get_draft(context, FLOW)
    if draft is not None and draft.get("text") and not flows.is_expired(
        draft, context.services.clock.now()
    ):
        # A message typed before (a restart, a side command): go on from its audience.
        language = language_of(update, context)
        flows.touch(context, draft)
        flows.rotate_nonce(draft)
        text = t(language, "flows.resumed") + "\n" + t(language, "broadcast.choose_audience")
        await reply_html(update, text, _audience_menu(context.services.program, draft, language))
        return State.AUDIENCE
    flows.begin(update, context, FLOW)
    await say(update, context, "broadcast.ask_text", limit=broadcasts.MAX_TEXT_LENGTH)
    return State.TEXT


def _typed_html(update: Update) -> str:
    """The HTML to send: Telegram's own formatting if used, else the text as typed (tags too)."""
    message = update.effective_message
    if message is None or message.text is None:
        return ""
    if message.entities and any(e.type != "bot_command" for e in message.entities):
        return message.text_html
    return message.text


@flows.step(FLOW, staff=True)
async def text_typed(
    update: Update, context: BotContext, draft: Draft, _pressed: Pressed | None
) -> object:
    """Check the message; offer the audiences."""
    language = language_of(update, context)
    try:
        draft["text"] = broadcasts.clean_broadcast_html(_typed_html(update))
    except BroadcastTextError as error:
        await reply_html(update, _error_text(error, language))
        return State.TEXT
    flows.rotate_nonce(draft)
    await reply_html(
        update,
        t(language, "broadcast.choose_audience"),
        _audience_menu(context.services.program, draft, language),
    )
    return State.AUDIENCE


@flows.step(FLOW, staff=True)
async def not_text(
    update: Update, context: BotContext, _draft: Draft, _pressed: Pressed | None
) -> object:
    """Only text can be broadcast."""
    await say(update, context, "broadcast.text_only")
    return None


@flows.step(FLOW, staff=True)
async def audience_chosen(
    update: Update, context: BotContext, draft: Draft, pressed: Pressed | None
) -> object:
    """An audience (or schools, or cancel) was chosen."""
    if pressed is None:
        return None
    language = language_of(update, context)
    action, arg = pressed.action, pressed.arg
    if action != "aud":
        return None
    if arg == "schools":
        draft["schools"] = []
        flows.rotate_nonce(draft)
        await edit_or_send(update, t(language, "broadcast.ask_school"))
        return State.SCHOOLS
    kind, _, type_key = arg.partition(":")
    if kind not in broadcasts.AUDIENCE_KINDS:
        return None
    audience = Audience(kind, type_key or None)
    if kind == broadcasts.COMMUNITY_TYPE:
        try:
            context.services.program.community_type(type_key)
        except KeyError:
            return None
    return await _preview(update, context, draft, audience)


@flows.step(FLOW, staff=True)
async def school_typed(
    update: Update, context: BotContext, draft: Draft, _pressed: Pressed | None
) -> object:
    """Show the schools matching what was typed, to tick."""
    language = language_of(update, context)
    message = update.effective_message
    typed = (message.text or "") if message else ""
    async with context.services.database.session() as session:
        found = await broadcasts.find_schools(
            session, context.services.program, typed, MAX_SCHOOL_CHOICES
        )
    draft["found"] = [[school.id, school.name] for school in found]
    if not found:
        await say(update, context, "broadcast.no_school", typed=html_escape(typed))
        return State.SCHOOLS
    flows.rotate_nonce(draft)
    await reply_html(update, _schools_text(draft, language), _schools_menu(draft, language))
    return State.SCHOOLS


def _schools_text(draft: Draft, language: str) -> str:
    chosen = draft.get("chosen_names", [])
    names = t(language, "broadcast.separator").join(html_escape(n) for n in chosen)
    return t(language, "broadcast.tick_schools", chosen=names or t(language, "broadcast.none"))


def _schools_menu(draft: Draft, language: str) -> InlineKeyboardMarkup:
    chosen = set(draft.get("schools", []))
    rows: list[list[Button]] = [
        [(("☑ " if school_id in chosen else "☐ ") + name[:40], _b(draft, "tick", school_id))]
        for school_id, name in draft.get("found", [])
    ]
    rows.append(
        [
            (t(language, "broadcast.schools_done"), _b(draft, "done")),
            (t(language, "broadcast.cancel_button"), _b(draft, "cancel")),
        ]
    )
    return keyboard(rows)


@flows.step(FLOW, staff=True)
async def school_pressed(
    update: Update, context: BotContext, draft: Draft, pressed: Pressed | None
) -> object:
    """Tick or untick a school, or finish choosing."""
    if pressed is None:
        return None
    language = language_of(update, context)
    action, arg = pressed.action, pressed.arg
    if action == "tick" and arg.isdigit():
        school_id = int(arg)
        found = {int(i): name for i, name in draft.get("found", [])}
        chosen: list[int] = list(draft.get("schools", []))
        names: list[str] = list(draft.get("chosen_names", []))
        if school_id in chosen:
            index = chosen.index(school_id)
            chosen.pop(index)
            names.pop(index)
        elif school_id in found:
            chosen.append(school_id)
            names.append(found[school_id])
        draft["schools"], draft["chosen_names"] = chosen, names
        await edit_or_send(update, _schools_text(draft, language), _schools_menu(draft, language))
        return State.SCHOOLS
    if action == "done":
        if not draft.get("schools"):
            await answer_query(update, t(language, "broadcast.pick_a_school"))
            return State.SCHOOLS
        audience = Audience(broadcasts.SCHOOLS, school_ids=tuple(draft["schools"]))
        return await _preview(update, context, draft, audience)
    return None


async def _preview(update: Update, context: BotContext, draft: Draft, audience: Audience) -> object:
    """Show the message as it will arrive, the audience and how many it reaches."""
    language = language_of(update, context)
    services = context.services
    async with services.database.session() as session:
        count = len(
            await broadcasts.recipients(session, services.program, audience, services.clock.today())
        )
        schools = await broadcasts.school_names(session, audience.school_ids)
    names = t(language, "broadcast.separator").join(html_escape(n) for n in schools)
    described = describe_audience(services.program, audience, language, names)
    if count == 0:
        flows.rotate_nonce(draft)
        await edit_or_send(
            update,
            t(language, "broadcast.no_recipients", audience=described),
            _audience_menu(services.program, draft, language),
        )
        return State.AUDIENCE
    draft["audience"] = audience.to_dict()
    flows.rotate_nonce(draft)
    buttons = keyboard(
        [
            [(t(language, "broadcast.send_button", count=count), _b(draft, "send"))],
            [
                (t(language, "broadcast.change_audience"), _b(draft, "audience")),
                (t(language, "broadcast.change_text"), _b(draft, "text")),
            ],
            [(t(language, "broadcast.cancel_button"), _b(draft, "cancel"))],
        ]
    )
    confirm = t(language, "broadcast.confirm", audience=described, count=count)
    preview = t(language, "broadcast.preview", text=str(draft["text"]), confirm=confirm)
    if broadcasts.visible_length(preview) <= broadcasts.MAX_TEXT_LENGTH:
        # One message: Telegram allows about one message a second in a chat.
        await edit_or_send(update, preview, buttons)
    else:
        await edit_or_send(update, t(language, "broadcast.preview_below"))
        await reply_html(update, str(draft["text"]))
        await reply_html(update, confirm, buttons)
    return State.CONFIRM


@flows.step(FLOW, staff=True)
async def confirm_pressed(
    update: Update, context: BotContext, draft: Draft, pressed: Pressed | None
) -> object:
    """Send, or go back to the audience or the text, or cancel."""
    if pressed is None:
        return None
    language = language_of(update, context)
    action = pressed.action
    if action == "audience":
        flows.rotate_nonce(draft)
        await edit_or_send(
            update,
            t(language, "broadcast.choose_audience"),
            _audience_menu(context.services.program, draft, language),
        )
        return State.AUDIENCE
    if action == "text":
        flows.rotate_nonce(draft)
        await edit_or_send(
            update, t(language, "broadcast.ask_text", limit=broadcasts.MAX_TEXT_LENGTH)
        )
        return State.TEXT
    if action != "send":
        return None
    return await _send(update, context, draft, language)


async def _send(update: Update, context: BotContext, draft: Draft, language: str) -> object:
    user, chat = update.effective_user, update.effective_chat
    assert user is not None and chat is not None
    services = context.services
    audience = Audience.from_dict(dict(draft["audience"]))
    draft["nonce"] = ""  # this menu is spent: a second press finds it expired
    try:
        async with services.database.session() as session:
            broadcast, count = await broadcasts.create(
                session,
                services.program,
                created_by=user.id,
                text_html=str(draft["text"]),
                audience=audience,
                today=services.clock.today(),
                now=services.clock.now(),
                sender_language=language,
            )
    except NoRecipients:
        flows.rotate_nonce(draft)
        await edit_or_send(
            update,
            t(language, "broadcast.no_recipients", audience=""),
            _audience_menu(services.program, draft, language),
        )
        return State.AUDIENCE
    except BroadcastTextError as error:
        await reply_html(update, _error_text(error, language))
        flows.rotate_nonce(draft)
        return State.TEXT
    logger.info("Broadcast %s created for %d recipients", broadcast.id, count)
    empty = Figures(total=count, sent=0, blocked=0, failed=0, waiting=count)
    text = t(language, "broadcast.queued", id=broadcast.id, count=count)
    text += "\n\n" + _progress_text(language, broadcast.id, empty)
    # The confirmation becomes the progress message (one message: the chat's rate limit).
    query = update.callback_query
    message_id: int | None = None
    # Through the shared limiter: the sender may be a recipient too, one message a second.
    await services.limiter.acquire(chat.id)
    if query is not None and query.message is not None:
        try:
            await query.edit_message_text(text, parse_mode=ParseMode.HTML)
            message_id = query.message.message_id
        except TelegramError:
            message_id = None
    if message_id is None:
        sent = await chat.send_message(text, parse_mode=ParseMode.HTML)
        message_id = sent.message_id
    async with services.database.session() as session:
        await store.set_progress_message(session, broadcast.id, chat.id, message_id)
    broadcasting.start_sending(context.application, services, broadcast.id, SENDER_TEXTS)
    return flows.finish(context, FLOW)


@flows.step(FLOW, staff=True)
async def reprompt(
    update: Update, context: BotContext, _draft: Draft, _pressed: Pressed | None
) -> object:
    """Something typed where a button is expected: say so; the step stays."""
    await say(update, context, "broadcast.press_a_button")
    return None


async def stale(update: Update, context: BotContext) -> object:
    """A broadcast button pressed outside the flow: refused for non-staff, expired otherwise."""
    if not await ensure_staff(update, context, "broadcast button"):
        return None
    await answer_query(update, t(language_of(update, context), "common.menu_expired"))
    return None


# --- what the sender is shown while it is sent (reminders.broadcasting sends it) -----------


def _final_report(
    language: str, broadcast_id: int, figures: Figures
) -> tuple[str, InlineKeyboardMarkup | None]:
    report = t(language, "broadcast.final", id=broadcast_id, **_counts(figures))
    if figures.unknown:
        report += "\n" + t(language, "broadcast.unknown_note")
    return report, group_buttons(language, "b", broadcast_id, figures)


SENDER_TEXTS = broadcasting.SenderTexts(progress=_progress_text, report=_final_report)


async def resume_broadcasts(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """On start-up: continue every broadcast still being sent (its pending rows only)."""
    services: Services = application.bot_data[SERVICES_KEY]
    await broadcasting.resume_broadcasts(application, services, SENDER_TEXTS)


# --- /broadcasts ----------------------------------------------------------------------------


def _snippet(text_html: str, limit: int = 40) -> str:
    plain = re.sub(r"<[^>]+>", "", text_html)
    plain = " ".join(plain.split())
    return plain if len(plain) <= limit else plain[: limit - 1] + "…"


async def list_broadcasts(update: Update, context: BotContext) -> None:
    """List past broadcasts with their delivery figures."""
    if not await ensure_staff(update, context, "/broadcasts"):
        return
    language = language_of(update, context)
    services = context.services
    async with services.database.session() as session:
        past = await broadcasts.recent(session, LIST_LIMIT)
    if not past:
        await say(update, context, "broadcast.none_sent")
        return
    zone = services.settings.timezone
    lines = [t(language, "broadcast.list_title", count=len(past))]
    for item in past:
        try:
            audience = Audience.from_dict(item.audience)
            async with services.database.session() as session:
                schools = await broadcasts.school_names(session, audience.school_ids)
            names = t(language, "broadcast.separator").join(html_escape(n) for n in schools)
            described = describe_audience(services.program, audience, language, names)
        except (ValueError, KeyError):
            described = "—"
        lines.append(
            t(
                language,
                "broadcast.list_line",
                id=item.id,
                day=format_date(item.created_at.astimezone(zone).date(), language),
                audience=described,
                status=t(language, f"broadcast.status_{item.status}"),
                text=_snippet(item.text_html),
                total=item.figures.total,
                sent=item.figures.sent,
                blocked=item.figures.blocked,
                failed=item.figures.failed,
                unknown=item.figures.unknown,
                waiting=item.figures.waiting,
            )
        )
    await reply_html(update, "\n\n".join(lines))


# --- who is in each group of a report -------------------------------------------------------

GROUP_PREFIX = "bl:"  # "bl:<b|r>:<id>:<group>": list one group of a broadcast or reminder
GROUP_LIST_LIMIT = 80  # names in one message (Telegram's 4,096 characters)


def group_buttons(
    language: str, kind: str, owner_id: int, figures: Figures
) -> InlineKeyboardMarkup | None:
    """One button per non-empty group of a report, to list who is in it."""
    counts = {
        "sent": figures.sent,
        "blocked": figures.blocked,
        "failed": figures.failed,
        "unknown": figures.unknown,
    }
    buttons: list[Button] = [
        (
            t(
                language,
                "broadcast.group_button",
                group=t(language, f"broadcast.group_{g}"),
                count=n,
            ),
            f"{GROUP_PREFIX}{kind}:{owner_id}:{g}",
        )
        for g in broadcasts.REPORT_GROUPS
        if (n := counts[g])
    ]
    if not buttons:
        return None
    return keyboard([buttons[i : i + 2] for i in range(0, len(buttons), 2)])


def _group_text(
    language: str,
    kind: str,
    owner_id: int,
    group: str,
    people: list[broadcasts.Recipient],
    total: int,
) -> str:
    title = t(
        language,
        f"broadcast.group_title_{'reminder' if kind == 'r' else 'broadcast'}",
        id=owner_id,
        group=t(language, f"broadcast.group_{group}"),
        count=total,
    )
    if not people:
        return title + "\n" + t(language, "broadcast.group_empty")
    lines = [title]
    for person in people:
        name = html_escape(person.name) if person.name else t(language, "broadcast.group_no_name")
        handle = f" @{html_escape(person.username)}" if person.username else ""
        lines.append(
            t(language, "broadcast.group_line", name=name, username=handle, id=person.user_id)
        )
    if total > len(people):
        lines.append(t(language, "broadcast.group_more", count=total - len(people)))
    return "\n".join(lines)


async def _show_group(
    update: Update, context: BotContext, kind: str, owner_id: int, group: str
) -> None:
    language = language_of(update, context)
    owner = {"broadcast_id": owner_id} if kind == "b" else {"reminder_id": owner_id}
    async with context.services.database.session() as session:
        people, total = await broadcasts.people_in_group(
            session, group, limit=GROUP_LIST_LIMIT, **owner
        )
    await reply_html(update, _group_text(language, kind, owner_id, group, people, total))


async def group_pressed(update: Update, context: BotContext) -> None:
    """A group button under a report: list who is in that group."""
    if not await ensure_staff(update, context, "report group button"):
        return
    query = update.callback_query
    parts = (query.data or "").split(":") if query else []
    if (
        len(parts) != 4
        or parts[1] not in ("b", "r")
        or not parts[2].isdigit()
        or parts[3] not in broadcasts.REPORT_GROUPS
    ):
        await answer_query(update, t(language_of(update, context), "common.menu_expired"))
        return
    await answer_query(update)
    await _show_group(update, context, parts[1], int(parts[2]), parts[3])


async def recipients_command(update: Update, context: BotContext) -> None:
    """/recipients <id> or /recipients r<id> [group]: a report's groups, or who is in one."""
    if not await ensure_staff(update, context, "/recipients"):
        return
    language = language_of(update, context)
    args = list(context.args or [])
    match = re.fullmatch(r"([rR#]?)(\d{1,9})", args[0]) if args else None
    group = args[1].lower() if len(args) > 1 else None
    if match is None or (group is not None and group not in broadcasts.REPORT_GROUPS):
        await say(update, context, "broadcast.recipients_usage")
        return
    kind = "r" if match.group(1).lower() == "r" else "b"
    owner_id = int(match.group(2))
    async with context.services.database.session() as session:
        if kind == "b":
            figures = await broadcasts.figures(session, owner_id)
        else:
            figures = await broadcasts.reminder_figures(session, owner_id)
    if figures.total == 0:
        await say(
            update,
            context,
            f"broadcast.recipients_none_{'reminder' if kind == 'r' else 'broadcast'}",
            id=owner_id,
        )
        return
    if group is not None:
        await _show_group(update, context, kind, owner_id, group)
        return
    text = t(
        language,
        f"broadcast.recipients_figures_{'reminder' if kind == 'r' else 'broadcast'}",
        id=owner_id,
        total=figures.total,
        sent=figures.sent,
        blocked=figures.blocked,
        failed=figures.failed,
        unknown=figures.unknown,
        waiting=figures.waiting,
    )
    await reply_html(update, text, group_buttons(language, kind, owner_id, figures))


def build() -> list[BaseHandler[Update, BotContext, object]]:
    """The handlers of this module."""
    conversation: ConversationHandler[BotContext] = ConversationHandler(
        entry_points=[CommandHandler("broadcast", start)],
        states={
            State.TEXT: [
                MessageHandler(filters.TEXT & ~filters.COMMAND, text_typed),
                MessageHandler(~filters.TEXT & ~filters.COMMAND, not_text),
            ],
            State.AUDIENCE: [CallbackQueryHandler(audience_chosen, pattern=f"^{PREFIX}")],
            State.SCHOOLS: [
                MessageHandler(filters.TEXT & ~filters.COMMAND, school_typed),
                CallbackQueryHandler(school_pressed, pattern=f"^{PREFIX}"),
            ],
            State.CONFIRM: [CallbackQueryHandler(confirm_pressed, pattern=f"^{PREFIX}")],
        },
        fallbacks=[
            CommandHandler("cancel", flows.cancel_command(FLOW)),
            CallbackQueryHandler(stale, pattern=f"^{PREFIX}"),
            MessageHandler(~filters.COMMAND, reprompt),
        ],
        name="broadcast",
        persistent=True,
        allow_reentry=True,
    )
    return [
        conversation,
        CommandHandler("broadcasts", list_broadcasts),
        CommandHandler("recipients", recipients_command),
        CallbackQueryHandler(stale, pattern=f"^{PREFIX}"),
        CallbackQueryHandler(group_pressed, pattern=f"^{GROUP_PREFIX}"),
    ]
