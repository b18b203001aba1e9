"""Staff, after the review: /decide (備取, undo, reopen, withdraw), /extend, /received.

Thin: parse the command, call bot.applications, render, and tell conveners what the domain
says they must be told.
"""

from __future__ import annotations

import datetime as dt
import logging

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler

from bot import applications
from bot.applications import ApplicationError, ApplicationView, Notice, Outcome
from bot.dateparse import DateParseError, parse_user_date
from bot.dates import format_date
from bot.i18n import has, html_escape, join_list, normalise_language, t
from bot.program import Program
from db import staff_queries
from handlers.common import BotContext, ensure_staff, language_of, reply_html, say, tell_user
from handlers.review import _error_text, view_documents_line
from reminders import manage

logger = logging.getLogger(__name__)

# The words staff type for each action, in either language.
_ACTIONS: dict[str, tuple[str, ...]] = {
    "waitlist": ("備取", "waitlist", "waiting"),
    "undo": ("撤銷", "undo", "revert"),
    "reopen": ("重新開放", "開放", "reopen"),
    "withdraw": ("撤回", "withdraw"),
}
_DONE_KEYS = {
    "waitlist": "waitlisted",
    "undo": "undone",
    "reopen": "reopened",
    "withdraw": "withdrawn",
}
_NEEDS_REASON = frozenset({"undo", "reopen", "withdraw"})


def _action_of(word: str) -> str | None:
    folded = word.strip().casefold()
    return next((action for action, words in _ACTIONS.items() if folded in words), None)


def _document_names(program: Program, language: str) -> str:
    return join_list(
        [
            f"{number}. {d.name_en if language == 'en' else d.name}"
            for number, d in enumerate(program.application.documents, start=1)
        ],
        language,
    )


def _status_name(status: str, language: str) -> str:
    """The status's name where its 備取 place does not matter (名稱 without 第 N 順位)."""
    key = "status.name_waitlisted_plain" if status == "waitlisted" else f"status.name_{status}"
    return t(language, key)


async def _waiting_list(context: BotContext, language: str) -> str:
    program = context.services.program
    async with context.services.database.session() as session:
        waiting = await applications.waiting_list(session, program)
    if not waiting:
        return t(language, "decisions.waiting_none")
    lines = [
        t(
            language,
            "decisions.waiting_line",
            type=html_escape(program.community_type(view.type_key).name_in(language)),
            position=view.waitlist_position or 0,
            id=view.id,
            name=html_escape(view.name),
            school=html_escape(view.school),
        )
        for view in waiting
    ]
    return t(language, "decisions.waiting_header") + "\n" + "\n".join(lines)


async def _usage(update: Update, context: BotContext, *, not_understood: bool = False) -> None:
    language = language_of(update, context)
    program = context.services.program
    text = t(language, "decisions.usage", documents=html_escape(_document_names(program, language)))
    if not_understood:
        await reply_html(update, t(language, "decisions.bad_command") + "\n\n" + text)
        return
    await reply_html(update, text + "\n\n" + await _waiting_list(context, language))


async def send_notices(context: BotContext, notices: list[Notice]) -> bool:
    """Tell each user what the domain said, in their language; whether everyone was reached."""
    services = context.services
    if not notices:
        return True
    async with services.database.session() as session:
        languages = await staff_queries.user_languages(session, {n.user_id for n in notices})
    everyone = True
    for notice in notices:
        stored = context.application.user_data.get(notice.user_id, {}).get("lang")
        language = normalise_language(str(stored) if stored else languages.get(notice.user_id))
        values: dict[str, object] = {}
        for key, value in notice.values.items():
            if isinstance(value, dt.date):
                values[key] = format_date(value, language)
            elif isinstance(value, str):
                values[key] = html_escape(value)
            else:
                values[key] = value
        if language == "en" and "after_en" in values:
            values["after"] = values["after_en"]
        if not await tell_user(context, notice.user_id, t(language, notice.key, **values)):
            everyone = False
    return everyone


def _done_text(action: str, outcome: Outcome, language: str) -> str:
    view = outcome.application
    text = t(
        language,
        f"decisions.{_DONE_KEYS[action]}",
        id=view.id,
        name=html_escape(view.name),
        position=view.waitlist_position or 0,
        was=_status_name(outcome.previous, language),
    )
    if outcome.promoted is not None:
        text += "\n" + _promoted_line(outcome.promoted, language)
    return text


def _promoted_line(view: ApplicationView, language: str) -> str:
    return t(language, "decisions.promoted", id=view.id, name=html_escape(view.name))


async def decide(update: Update, context: BotContext) -> None:
    """/decide ID 備取 | 撤銷 原因 | 重新開放 原因 | 撤回 原因 (staff)."""
    if not await ensure_staff(update, context, "/decide"):
        return
    user = update.effective_user
    message = update.effective_message
    if user is None or message is None:
        return
    language = language_of(update, context)
    parts = (message.text or "").split(maxsplit=3)[1:]
    if not parts:
        await _usage(update, context)
        return
    if len(parts) < 2 or not parts[0].lstrip("#").isdigit() or len(parts[0]) > 11:
        await _usage(update, context, not_understood=True)
        return
    community_id = int(parts[0].lstrip("#"))
    action = _action_of(parts[1])
    if action is None:
        await say(update, context, "decisions.bad_action", action=html_escape(parts[1]))
        return
    reason = parts[2] if len(parts) > 2 else ""
    if len(parts) > 3:
        reason += " " + parts[3]
    if action in _NEEDS_REASON and not reason.strip():
        await say(update, context, "decisions.reason_needed", id=community_id, action=parts[1])
        return
    services = context.services
    program = services.program
    now = services.clock.now()
    try:
        async with services.database.session() as session:
            if action == "waitlist":
                outcome = await applications.waitlist(session, program, community_id, user.id, now)
            elif action == "undo":
                outcome = await applications.undo_decision(
                    session, program, community_id, user.id, reason, now
                )
            elif action == "reopen":
                outcome = await applications.reopen(
                    session, program, community_id, user.id, reason, now
                )
            else:
                outcome = await applications.withdraw(
                    session, program, community_id, user.id, reason, now
                )
    except ApplicationError as error:
        await reply_html(update, _decision_error(error, language))
        return
    logger.info("Application %s: %s", community_id, action)
    reached = await send_notices(context, outcome.notices)
    text = _done_text(action, outcome, language)
    text += "\n" + t(language, "decisions.notified" if reached else "decisions.not_notified")
    await reply_html(update, text)


def _decision_error(error: ApplicationError, language: str) -> str:
    key = f"decisions.error_{error.reason}"
    if not has(language, key):
        return _error_text(error, language)
    values = {k: html_escape(str(v)) if isinstance(v, str) else v for k, v in error.values.items()}
    for name, value in values.items():
        if isinstance(value, dt.date):
            values[name] = format_date(value, language)
    return t(language, key, **values)


def _parse_day(text: str, today: dt.date) -> dt.date | None:
    try:
        return parse_user_date(text, today)
    except DateParseError:
        return None


async def extend(update: Update, context: BotContext) -> None:
    """/extend DATE (everyone) or /extend ID DATE (one community) (staff)."""
    if not await ensure_staff(update, context, "/extend"):
        return
    user = update.effective_user
    message = update.effective_message
    if user is None or message is None:
        return
    language = language_of(update, context)
    parts = (message.text or "").split()[1:]
    if not parts:
        await _usage(update, context)
        return
    community_id = None
    if len(parts) > 1 and parts[0].lstrip("#").isdigit() and len(parts[0]) < 12:
        community_id = int(parts[0].lstrip("#"))
        parts = parts[1:]
    services = context.services
    typed = " ".join(parts)
    day = _parse_day(typed, services.clock.today())
    if day is None:
        await say(update, context, "decisions.bad_date", text=html_escape(typed))
        return
    try:
        async with services.database.session() as session:
            before, in_force, view, notices = await applications.extend_deadline(
                session,
                services.program,
                user.id,
                day,
                services.clock.now(),
                community_id=community_id,
            )
    except ApplicationError as error:
        await reply_html(update, _decision_error(error, language))
        return
    deadline = format_date(in_force, language)
    if view is None:
        # The deadline reminders move with it.
        services.application_deadline = in_force
        await manage.plan_changed(services)
        if in_force == before:
            await say(update, context, "decisions.extended_unchanged", deadline=deadline)
            return
        reached = await send_notices(context, notices)
        key = "decisions.extended_all" if in_force > before else "decisions.extended_all_earlier"
        text = t(
            language,
            key,
            deadline=deadline,
            before=format_date(before, language),
            count=len(notices),
        )
        if not reached:
            text += "\n" + t(language, "decisions.not_notified")
        await reply_html(update, text)
        return
    if in_force == before:
        await say(update, context, "decisions.extended_unchanged", deadline=deadline)
        return
    reached = await send_notices(context, notices)
    text = t(
        language,
        "decisions.extended_one" if in_force >= before else "decisions.extended_one_earlier",
        id=view.id,
        name=html_escape(view.name),
        deadline=deadline,
        before=format_date(before, language),
    )
    if view.status != "draft":
        status = _status_name(view.status, language)
        text += "\n" + t(language, "decisions.extend_not_draft", status=status)
    text += "\n" + t(language, "decisions.notified" if reached else "decisions.not_notified")
    await reply_html(update, text)


async def received(update: Update, context: BotContext) -> None:
    """/received ID DOCUMENT [DATE]: a paper document reached the resource center (staff)."""
    if not await ensure_staff(update, context, "/received"):
        return
    user = update.effective_user
    message = update.effective_message
    if user is None or message is None:
        return
    language = language_of(update, context)
    parts = (message.text or "").split()[1:]
    if not parts:
        await _usage(update, context)
        return
    if len(parts) < 2 or not all(p.lstrip("#").isdigit() and len(p) < 12 for p in parts[:2]):
        await _usage(update, context, not_understood=True)
        return
    services = context.services
    program = services.program
    today = services.clock.today()
    day = today
    if len(parts) > 2:
        typed = " ".join(parts[2:])
        parsed = _parse_day(typed, today)
        if parsed is None:
            await say(update, context, "decisions.bad_date", text=html_escape(typed))
            return
        day = parsed
    number = int(parts[1])
    try:
        async with services.database.session() as session:
            view, previous = await applications.mark_received(
                session,
                program,
                int(parts[0].lstrip("#")),
                number,
                day,
                user.id,
                services.clock.now(),
            )
    except ApplicationError as error:
        await reply_html(update, _decision_error(error, language))
        return
    document = program.application.documents[number - 1]
    await say(
        update,
        context,
        "decisions.received",
        id=view.id,
        name=html_escape(view.name),
        document=html_escape(document.name_en if language == "en" else document.name),
        date=format_date(day, language),
        documents=view_documents_line(program, view, language, services.application_deadline),
        corrected=""
        if previous is None
        else t(language, "decisions.received_corrected", date=format_date(previous, language)),
    )


def build() -> list[BaseHandler[Update, BotContext, object]]:
    """The handlers of this module."""
    return [
        CommandHandler("decide", decide),
        CommandHandler("extend", extend),
        CommandHandler("received", received),
    ]
