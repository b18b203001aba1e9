"""/reminders (what is coming, categories on and off), and for staff /remind and /setdate."""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot import audit
from bot.dateparse import DateParseError, parse_user_date
from bot.dates import format_date
from bot.i18n import html_escape, join_items, t
from bot.services import Services
from handlers.common import (
    BotContext,
    edit_or_send,
    ensure_staff,
    keyboard,
    language_of,
    reply_html,
    say,
)
from reminders import manage
from reminders.plan import at
from reminders.texts import describe_audience, format_when, summary

logger = logging.getLogger(__name__)

SWITCH_CALLBACK = "rem:"  # rem:on:<category> / rem:off:<category>
CANCEL_CALLBACK = "remc:"  # remc:<reminder id>
_TIME = re.compile(r"^(\d{1,2})(?:[:：.](\d{2}))?(?:點|点|時)?$")
_CLEAR_WORDS = ("清除", "取消", "clear", "none")
_EVENT_WORDS = {
    "showcase": ("成果發表會", "發表會", "公開成果發表會", "showcase"),
    "workshop": ("研習", "召集人研習", "workshop"),
}


# --- /reminders -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ReminderListing:
    """What /reminders (or 「提醒」 on LINE) shows: the text (Telegram's HTML), and a button for
    each category the user can switch: its label and ``on:<category>`` / ``off:<category>``."""

    text: str
    switches: list[tuple[str, str]]


async def reminder_listing(services: Services, user_id: int, language: str) -> ReminderListing:
    """The user's coming reminders (those turned off marked) and their category switches."""
    async with services.database.session() as session:
        mine = await manage.user_reminders(
            session,
            services.program,
            services.settings.timezone,
            user_id,
            services.clock.now(),
            services.settings.BOT_ADMIN_IDS,
        )
    lines = [t(language, "reminders.my_title")]
    for item in mine.upcoming:
        line = t(
            language,
            "reminders.my_line",
            when=format_when(item.fire_at, language),
            what=summary(item.content, language),
        )
        lines.append(line + (" " + t(language, "reminders.my_off") if item.turned_off else ""))
    if not mine.upcoming:
        lines.append(t(language, "reminders.my_none"))
    switches = []
    if mine.categories:
        lines += ["", t(language, "reminders.my_settings")]
        for category, on in mine.categories:
            name = t(language, f"reminders.category.{category}")
            label = t(
                language, "reminders.button_on" if on else "reminders.button_off", category=name
            )
            switches.append((label, f"{'off' if on else 'on'}:{category}"))
    return ReminderListing("\n".join(lines), switches)


async def _my_reminders(
    update: Update, context: BotContext
) -> tuple[str, InlineKeyboardMarkup | None]:
    user = update.effective_user
    assert user is not None
    listing = await reminder_listing(context.services, user.id, language_of(update, context))
    rows = [[(label, SWITCH_CALLBACK + switch)] for label, switch in listing.switches]
    return listing.text, keyboard(rows) if rows else None


async def show_reminders(update: Update, context: BotContext) -> None:
    """Show the user's coming reminders and the categories they can switch off."""
    text, markup = await _my_reminders(update, context)
    await reply_html(update, text, markup)


async def switch_category(update: Update, context: BotContext) -> None:
    """Turn a category of reminders on or off, and show the list again."""
    query = update.callback_query
    user = update.effective_user
    assert query is not None and query.data is not None and user is not None
    language = language_of(update, context)
    parts = query.data.removeprefix(SWITCH_CALLBACK).split(":", 1)
    if len(parts) != 2 or parts[0] not in ("on", "off"):
        await query.answer(t(language, "common.menu_expired"))
        return
    action, category = parts
    try:
        async with context.services.database.session() as session:
            await manage.switch_category(session, user.id, category, on=action == "on")
    except ValueError:
        await query.answer(t(language, "common.menu_expired"))
        return
    name = t(language, f"reminders.category.{category}")
    await query.answer(
        t(
            language,
            "reminders.turned_on" if action == "on" else "reminders.turned_off",
            category=name,
        )
    )
    text, markup = await _my_reminders(update, context)
    await edit_or_send(update, text, markup)


# --- /remind (staff) ------------------------------------------------------------------------


async def _staff_or_refuse(update: Update, context: BotContext, action: str) -> int | None:
    """The staff member's id, or None (refused by the staff gate)."""
    user = update.effective_user
    if user is None or not await ensure_staff(update, context, action):
        return None
    return user.id


def _parse_time(text: str) -> dt.time | None:
    match = _TIME.match(text.strip())
    if match is None:
        return None
    hour, minute = int(match[1]), int(match[2] or 0)
    if hour > 23 or minute > 59:
        return None
    return dt.time(hour, minute)


def _type_words(context: BotContext, language: str) -> str:
    program = context.services.program
    words = [c.aliases_en[0] if language == "en" else c.aliases[0] for c in program.community_types]
    return join_items(words, language)


async def _staff_list(
    context: BotContext, language: str
) -> tuple[str, InlineKeyboardMarkup | None]:
    services = context.services
    async with services.database.session() as session:
        waiting = await manage.pending_staff_reminders(session, services.settings.timezone)
    lines = [t(language, "reminders.remind.list_title")]
    buttons = []
    for reminder_id, when, content in waiting:
        lines.append(
            t(
                language,
                "reminders.remind.list_line",
                id=reminder_id,
                when=format_when(when, language),
                audience=describe_audience(content.audience, services.program, language),
                text=html_escape(content.text or ""),
            )
        )
        label = t(language, "reminders.remind.cancel_button", id=reminder_id)
        buttons.append([(label, f"{CANCEL_CALLBACK}{reminder_id}")])
    if not waiting:
        lines.append(t(language, "reminders.remind.list_empty"))
    return "\n".join(lines), keyboard(buttons) if buttons else None


async def remind(update: Update, context: BotContext) -> None:
    """Staff: add a one-off reminder (/remind DATE TIME AUDIENCE TEXT), or list and cancel."""
    staff_id = await _staff_or_refuse(update, context, "/remind")
    if staff_id is None or update.effective_message is None:
        return
    services = context.services
    language = language_of(update, context)
    parts = (update.effective_message.text or "").split(maxsplit=4)[1:]
    if not parts:
        listing, markup = await _staff_list(context, language)
        await reply_html(update, t(language, "reminders.remind.usage") + "\n\n" + listing, markup)
        return
    now = services.clock.now()
    try:
        day = parse_user_date(parts[0], now.date())
    except DateParseError:
        await say(update, context, "reminders.remind.bad_date", text=html_escape(parts[0]))
        return
    time = _parse_time(parts[1]) if len(parts) > 1 else None
    if time is None:
        shown = parts[1] if len(parts) > 1 else ""
        await say(update, context, "reminders.remind.bad_time", text=html_escape(shown))
        return
    audience = manage.audience_from_word(parts[2], services.program) if len(parts) > 2 else None
    if audience is None:
        choices = t(language, "reminders.remind.choices", types=_type_words(context, language))
        shown = parts[2] if len(parts) > 2 else ""
        await say(
            update,
            context,
            "reminders.remind.bad_audience",
            text=html_escape(shown),
            choices=choices,
        )
        return
    if len(parts) < 4 or not parts[3].strip():
        await say(update, context, "reminders.remind.no_text")
        return
    zone = services.settings.timezone
    when = at(day, time, zone)
    if when <= now:
        await say(update, context, "reminders.remind.past", when=format_when(when, language))
        return
    async with services.database.session() as session:
        added = await manage.add_staff_reminder(
            session,
            services.program,
            zone,
            when=when,
            audience=audience,
            text=parts[3].strip(),
            staff_id=staff_id,
            now=now,
            staff_ids=services.settings.BOT_ADMIN_IDS,
        )
    await manage.plan_changed(services)
    text = t(
        language,
        "reminders.remind.added",
        id=added.id,
        when=format_when(added.fire_at, language),
        audience=describe_audience(audience, services.program, language),
        count=added.recipients,
    )
    if added.moved_out_of_quiet_hours:
        text += "\n" + t(
            language, "reminders.remind.quiet_moved", when=format_when(added.fire_at, language)
        )
    label = t(language, "reminders.remind.cancel_button", id=added.id)
    await reply_html(update, text, keyboard([[(label, f"{CANCEL_CALLBACK}{added.id}")]]))


async def cancel_reminder(update: Update, context: BotContext) -> None:
    """Staff: cancel a one-off reminder that has not gone out."""
    query = update.callback_query
    assert query is not None and query.data is not None
    language = language_of(update, context)
    if not await ensure_staff(update, context, "cancel reminder button"):
        return
    try:
        reminder_id = int(query.data.removeprefix(CANCEL_CALLBACK))
    except ValueError:
        await query.answer(t(language, "common.menu_expired"))
        return
    services = context.services
    async with services.database.session() as session:
        cancelled = await manage.cancel_staff_reminder(session, reminder_id, services.clock.now())
    await manage.plan_changed(services)
    key = "reminders.remind.cancelled" if cancelled else "reminders.remind.cancel_failed"
    await query.answer()
    await reply_html(update, t(language, key, id=reminder_id))


# --- /setdate (staff) -----------------------------------------------------------------------


def _event_of(word: str) -> str | None:
    folded = word.strip().casefold()
    for event, words in _EVENT_WORDS.items():
        if folded in (w.casefold() for w in words):
            return event
    return None


async def set_date(update: Update, context: BotContext) -> None:
    """Staff: set (or clear) the showcase or workshop date the letter leaves open."""
    staff_id = await _staff_or_refuse(update, context, "/setdate")
    if staff_id is None or update.effective_message is None:
        return
    services = context.services
    program = services.program
    language = language_of(update, context)
    parts = (update.effective_message.text or "").split()[1:]
    if not parts:
        unset = t(language, "reminders.setdate.unset")
        showcase, workshop = program.showcase.date, program.workshop.date
        await say(
            update,
            context,
            "reminders.setdate.usage",
            showcase_name=program.showcase.name,
            showcase=format_date(showcase, language) if showcase else unset,
            workshop_name=program.workshop.name,
            workshop=format_date(workshop, language) if workshop else unset,
        )
        return
    event = _event_of(parts[0])
    if event is None or len(parts) < 2:
        await say(update, context, "reminders.setdate.bad_event")
        return
    typed = " ".join(parts[1:])
    day: dt.date | None = None
    check: manage.DateCheck | None = None
    if typed.casefold() not in _CLEAR_WORDS:
        try:
            day = parse_user_date(typed, services.clock.today())
        except DateParseError:
            await say(update, context, "reminders.setdate.bad_date", text=html_escape(typed))
            return
        check = manage.check_program_date(program, event, day, services.clock.today())
        if check.past:
            await say(update, context, "reminders.setdate.past", day=format_date(day, language))
            return
        if check.outside_period:
            await say(
                update,
                context,
                "reminders.setdate.outside",
                start=format_date(program.period.start, language),
                end=format_date(program.period.end, language),
            )
            return
    async with services.database.session() as session:
        row = await audit.set_program_date(
            session, program.program.year, event, day, staff_id, services.clock.now()
        )
        showcase, workshop = row.showcase_date, row.workshop_date
    services.apply_program_dates(showcase, workshop)
    await manage.plan_changed(services)
    name = program.showcase.name if event == "showcase" else program.workshop.name
    if day is None:
        await say(update, context, "reminders.setdate.cleared", event=name)
    else:
        warnings = []
        if check is not None and check.outside_window:
            warnings.append(
                t(
                    language,
                    "reminders.setdate.outside_window",
                    when=html_escape(program.showcase.when_text),
                    start=format_date(program.showcase.window_start, language),
                    end=format_date(program.showcase.window_end, language),
                )
            )
        if check is not None and check.day_off:
            key = "holiday" if check.holiday else "weekend"
            warnings.append(
                t(language, f"reminders.setdate.{key}", holiday=html_escape(check.holiday or ""))
            )
        await say(
            update,
            context,
            "reminders.setdate.done",
            event=name,
            day=format_date(day, language),
            warnings="".join("\n" + warning for warning in warnings),
        )


def build() -> list[BaseHandler[Update, BotContext, object]]:
    """The handlers of this module."""
    return [
        CommandHandler("reminders", show_reminders),
        CommandHandler("remind", remind),
        CommandHandler("setdate", set_date),
        CallbackQueryHandler(switch_category, pattern=f"^{SWITCH_CALLBACK}"),
        CallbackQueryHandler(cancel_reminder, pattern=f"^{CANCEL_CALLBACK}"),
    ]
