"""/staff (list, add and remove bureau staff), /audit, and the staff command menus."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from telegram import BotCommand, BotCommandScopeChat, InlineKeyboardMarkup, Update
from telegram.error import TelegramError
from telegram.ext import Application, BaseHandler, CallbackQueryHandler, CommandHandler

from bot import audit
from bot.dates import format_date
from bot.i18n import LANGUAGES, has, html_escape, t
from bot.logs import user_ref
from bot.staff import StaffChangeError, change_staff, check_staff_change
from db import staff as staff_store
from handlers.common import (
    SERVICES_KEY,
    BotContext,
    answer_query,
    edit_or_send,
    ensure_staff,
    keyboard,
    language_of,
    reply_html,
    say,
)
from handlers.flows import (
    begin_confirmation,
    button,
    finish,
    get_draft,
    is_expired,
    parse_button,
)
from handlers.menu import MENU_COMMANDS

logger = logging.getLogger(__name__)

MAX_USER_ID = 10**15
AUDIT_CALLBACK = "au:"
# Shown in the command menu of staff chats only; everyone else's menu never lists them.
STAFF_MENU = ("broadcast", "broadcasts", "review", "stats", "export", "staff")


def _parse_user_id(text: str) -> int | None:
    text = text.strip()
    if not text.isdigit() or not 0 < int(text) < MAX_USER_ID:
        return None
    return int(text)


async def staff_command(update: Update, context: BotContext) -> None:
    """List staff, or add or remove one: /staff add <id>, /staff remove <id>."""
    if not await ensure_staff(update, context, "/staff"):
        return
    args = context.args or []
    if not args:
        await _list_staff(update, context)
        return
    action = args[0].lower()
    user_id = _parse_user_id(args[1]) if len(args) == 2 else None
    if action not in ("add", "remove") or user_id is None:
        await say(update, context, "staff.usage")
        return
    await _ask_confirmation(update, context, action, user_id)


async def _list_staff(update: Update, context: BotContext) -> None:
    language = language_of(update, context)
    admins = sorted(context.services.settings.BOT_ADMIN_IDS)
    async with context.services.database.session() as session:
        added = [u.id for u in await staff_store.added_staff(session) if u.id not in admins]
        names = await staff_store.display_names(session, set(admins) | set(added))

    def line(user_id: int) -> str:
        name = names.get(user_id)
        if name:
            return t(language, "staff.line_named", id=user_id, name=html_escape(name))
        return t(language, "staff.line", id=user_id)

    none = t(language, "staff.none")
    await say(
        update,
        context,
        "staff.list",
        admins="\n".join(line(i) for i in admins) or none,
        added="\n".join(line(i) for i in added) or none,
    )


async def _ask_confirmation(update: Update, context: BotContext, action: str, user_id: int) -> None:
    """Check the change, then ask the admin to confirm it with a button."""
    user = update.effective_user
    assert user is not None
    language = language_of(update, context)
    admins = context.services.settings.BOT_ADMIN_IDS
    try:
        check_staff_change(admins, user.id, action, user_id)
    except StaffChangeError as error:
        await say(update, context, f"staff.{error.reason}", id=user_id)
        return
    async with context.services.database.session() as session:
        names = await staff_store.display_names(session, {user_id})
    who = (
        t(language, "staff.who_named", id=user_id, name=html_escape(names[user_id]))
        if user_id in names
        else t(language, "staff.who", id=user_id)
    )
    draft = begin_confirmation(context, "staff", action=action, user_id=user_id)
    markup = keyboard(
        [
            [
                (t(language, f"staff.confirm_{action}_button"), button("staff", draft, "yes")),
                (t(language, "staff.cancel_button"), button("staff", draft, "no")),
            ]
        ]
    )
    await reply_html(update, t(language, f"staff.confirm_{action}", who=who), markup)


async def confirm_pressed(update: Update, context: BotContext) -> None:
    """Make the confirmed staff change (admins only; an old or expired button does nothing)."""
    query = update.callback_query
    user = update.effective_user
    if query is None or user is None:
        return
    language = language_of(update, context)
    services = context.services
    if not services.is_admin(user.id):
        logger.warning("Refused a staff change to non-admin user %s", user_ref(user.id))
        await answer_query(update, t(language, "staff.admins_only"))
        return
    parsed = parse_button("staff", query.data)
    draft = get_draft(context, "staff")
    if parsed is None or draft is None or parsed[0] != draft.get("nonce"):
        await answer_query(update, t(language, "common.menu_expired"))
        return
    await answer_query(update)
    finish(context, "staff")
    action, user_id = str(draft.get("action")), int(draft.get("user_id", 0))
    if parsed[1].action != "yes":
        await edit_or_send(update, t(language, "common.cancelled"))
        return
    if is_expired(draft, services.clock.now()):
        await edit_or_send(update, t(language, "staff.confirm_expired"))
        return
    try:
        async with services.database.session() as session:
            changed = await change_staff(
                session,
                services.settings.BOT_ADMIN_IDS,
                user.id,
                action,
                user_id,
                services.clock.now(),
            )
    except StaffChangeError as error:
        await edit_or_send(update, t(language, f"staff.{error.reason}", id=user_id))
        return
    if action == "add":
        if changed:
            logger.info("Staff member added (%s)", user_ref(user_id))
            await set_staff_menu(context.application, user_id)
        key = "staff.added" if changed else "staff.already"
        await edit_or_send(update, t(language, key, id=user_id))
        return
    if changed:
        logger.info("Staff member removed (%s)", user_ref(user_id))
        await remove_staff_menu(context.application, user_id)
    await edit_or_send(
        update, t(language, "staff.removed" if changed else "staff.not_staff", id=user_id)
    )


# --- /audit (admins) -------------------------------------------------------------------------


def _audit_details(context: BotContext, line: audit.AuditLine, language: str) -> str:
    values: dict[str, object] = {
        key: html_escape(str(value)) for key, value in line.details.items() if value is not None
    }
    program = context.services.program
    if "event" in line.details:
        event = program.showcase if line.details["event"] == "showcase" else program.workshop
        values["event"] = html_escape(event.name)
    if isinstance(line.details.get("date"), str):
        values["date"] = format_date(dt.date.fromisoformat(line.details["date"]), language)
    if isinstance(line.details.get("was"), str):
        # A status, as the catalogue names it (備取, not "waitlisted").
        was = line.details["was"]
        status_key = "status.name_waitlisted_plain" if was == "waitlisted" else f"status.name_{was}"
        if has(language, status_key):
            values["was"] = t(language, status_key)
    if "audience" in line.details:
        key = f"audit.audience_{line.details['audience']}"
        values["audience"] = t(language, key) if has(language, key) else values["audience"]
    key = f"audit.{line.action}"
    if line.action == audit.DEADLINE_EXTENDED and "community" in line.details:
        key = "audit.deadline_extended_one"  # one community's deadline, not everyone's
    try:
        return t(language, key, **values) if has(language, key) else html_escape(line.action)
    except (KeyError, IndexError):  # an entry written by another version with other details
        return html_escape(line.action)


def _audit_line(context: BotContext, line: audit.AuditLine, language: str) -> str:
    moment = line.at.astimezone(context.services.settings.timezone)
    actor = (
        t(language, "staff.line_named", id=line.actor_user_id, name=html_escape(line.actor_name))
        if line.actor_name
        else t(language, "staff.line", id=line.actor_user_id)
    ).removeprefix("• ")
    return t(
        language,
        "audit.line",
        day=format_date(moment.date(), language, weekday=False),
        time=moment.strftime("%H:%M"),
        actor=actor,
        action=_audit_details(context, line, language),
    )


async def _audit_page(
    context: BotContext, page: int, language: str
) -> tuple[str, InlineKeyboardMarkup | None]:
    async with context.services.database.session() as session:
        found = await audit.read_page(session, page)
    if not found.lines:
        return t(language, "audit.empty"), None
    text = t(language, "audit.header", page=found.page + 1, pages=found.pages, total=found.total)
    text += "\n\n" + "\n".join(_audit_line(context, line, language) for line in found.lines)
    row = []
    if found.page + 1 < found.pages:
        row.append((t(language, "audit.older"), f"{AUDIT_CALLBACK}{found.page + 1}"))
    if found.page > 0:
        row.append((t(language, "audit.newer"), f"{AUDIT_CALLBACK}{found.page - 1}"))
    return text, keyboard([row]) if row else None


async def _ensure_admin(update: Update, context: BotContext) -> bool:
    user = update.effective_user
    if user is not None and context.services.is_admin(user.id):
        return True
    logger.warning("Refused /audit to non-admin user %s", user_ref(user.id if user else None))
    text = t(language_of(update, context), "audit.admins_only")
    if update.callback_query is not None:
        await answer_query(update, text)
    else:
        await reply_html(update, text)
    return False


async def audit_command(update: Update, context: BotContext) -> None:
    """Show the latest staff actions (admins only)."""
    if not await _ensure_admin(update, context):
        return
    text, markup = await _audit_page(context, 0, language_of(update, context))
    await reply_html(update, text, markup)


async def audit_page_pressed(update: Update, context: BotContext) -> None:
    """Show an older or newer page of the audit log."""
    query = update.callback_query
    if query is None or not await _ensure_admin(update, context):
        return
    await answer_query(update)
    rest = (query.data or "").removeprefix(AUDIT_CALLBACK)
    page = int(rest) if rest.isdigit() and len(rest) < 9 else 0
    text, markup = await _audit_page(context, page, language_of(update, context))
    await edit_or_send(update, text, markup)


def _menu(language: str) -> list[BotCommand]:
    everyone = [BotCommand(name, t(language, f"commands.{name}")) for name in MENU_COMMANDS]
    return everyone + [BotCommand(name, t(language, f"staff.menu_{name}")) for name in STAFF_MENU]


async def set_staff_menu(
    application: Application[Any, Any, Any, Any, Any, Any], user_id: int
) -> None:
    """Give a staff member's chat the command menu with the staff commands."""
    for language in LANGUAGES:
        try:
            await application.bot.set_my_commands(
                _menu(language),
                scope=BotCommandScopeChat(user_id),
                language_code=None if language == "zh-TW" else language,
            )
        except TelegramError as error:
            # A chat that never talked to the bot has no menu yet; /staff add still worked.
            logger.info("Could not set a staff command menu: %s", type(error).__name__)
            return


async def remove_staff_menu(
    application: Application[Any, Any, Any, Any, Any, Any], user_id: int
) -> None:
    """Give a former staff member's chat the everyone menu again."""
    for language in LANGUAGES:
        try:
            await application.bot.delete_my_commands(
                scope=BotCommandScopeChat(user_id),
                language_code=None if language == "zh-TW" else language,
            )
        except TelegramError as error:
            logger.info("Could not remove a staff command menu: %s", type(error).__name__)
            return


async def set_staff_menus(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """On start-up: the staff menu in the chat of everyone who is staff."""
    services = application.bot_data[SERVICES_KEY]
    async with services.database.session() as session:
        added = {user.id for user in await staff_store.added_staff(session)}
    for user_id in sorted(set(services.settings.BOT_ADMIN_IDS) | added):
        await set_staff_menu(application, user_id)


def build() -> list[BaseHandler[Update, BotContext, object]]:
    """The handlers of this module."""
    return [
        CommandHandler("staff", staff_command),
        CallbackQueryHandler(confirm_pressed, pattern="^sf:"),
        CommandHandler("audit", audit_command),
        CallbackQueryHandler(audit_page_pressed, pattern=f"^{AUDIT_CALLBACK}"),
    ]
