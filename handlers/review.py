"""/apply (a convener submits the community) and /review (staff approve or reject)."""

from __future__ import annotations

import datetime as dt
import enum
import html
import logging
import re
from dataclasses import dataclass

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot import applications, communities
from bot.applications import ApplicationError, ApplicationView, Decision, QuotaUse
from bot.dates import format_date
from bot.i18n import has, html_escape, join_list, normalise_language, t
from bot.logs import user_ref
from bot.program import Program
from bot.rules import RuleProblem, localised_values
from bot.services import Services
from db import staff_queries
from handlers import flows
from handlers.common import (
    BotContext,
    edit_or_send,
    ensure_staff,
    keyboard,
    language_of,
    reply_html,
    tell_user,
)
from handlers.flows import Draft, Pressed

logger = logging.getLogger(__name__)

APPLY_CALLBACK = "ap:go:"
APPLY_LATER_CALLBACK = "ap:later"
APPROVE_CALLBACK = "rv:ok:"
REJECT_CALLBACK = "rv:no:"
WAITLIST_CALLBACK = "rv:wl:"
FLOW = "review"  # the conversation of typing a rejection reason
# How many applications /review shows at once (one message, a row of buttons each).
PAGE = 15


class State(enum.StrEnum):
    """Steps of rejecting an application."""

    REASON = "reason"


# --- texts ----------------------------------------------------------------------------------


def _type_name(program: Program, type_key: str, language: str) -> str:
    return html_escape(program.community_type(type_key).name_in(language))


def paper_documents(program: Program, language: str, deadline: dt.date | None = None) -> str:
    """What still goes to the resource center on paper, and by when (說明三; staff may have
    extended the deadline)."""
    app = program.application
    if language == "en":
        names = join_list([f"the {d.name_en} ({d.copies} copies)" for d in app.documents], language)
        place, collector = app.deliver_to_en, app.collector_en
    else:
        names = join_list([f"「{d.name}」" for d in app.documents], language) + app.copies_text
        place, collector = app.deliver_to, app.collector
    return t(
        language,
        "review.paper",
        documents=html_escape(names),
        cover=html_escape(app.cover_letter_text),
        place=html_escape(place),
        address=html_escape(app.address),
        collector=html_escape(collector),
        deadline=format_date(deadline or app.deadline, language),
    )


def documents_line(
    program: Program, received: dict[int, dt.date], late: dict[int, int], language: str
) -> str:
    """Which paper documents arrived, and when; those after the deadline say how late."""
    parts = []
    for index, document in enumerate(program.application.documents):
        name = html_escape(document.name_en if language == "en" else document.name)
        day = received.get(index)
        if day is None:
            parts.append(t(language, "decisions.document_missing", name=name))
        elif index in late:
            parts.append(
                t(
                    language,
                    "decisions.document_got_late",
                    name=name,
                    date=format_date(day, language),
                    days=late[index],
                )
            )
        else:
            parts.append(
                t(language, "decisions.document_got", name=name, date=format_date(day, language))
            )
    return join_list(parts, language)


def view_documents_line(
    program: Program, view: ApplicationView, language: str, extended_for_all: dt.date | None
) -> str:
    """The paper documents of an application as staff see it."""
    late = view.late_documents(program, extended_for_all)
    return documents_line(program, view.documents_received or {}, late, language)


def _problems(problems: list[RuleProblem], language: str) -> str:
    lines = []
    for problem in problems:
        values = {
            k: html_escape(v) if isinstance(v, str) else v
            for k, v in localised_values(problem, language).items()
        }
        lines.append("• " + t(language, f"rules.{problem.key}", **values))
    return "\n".join(lines)


def _local_day(services: Services, moment: dt.datetime | None, language: str) -> str:
    if moment is None:
        return ""
    zone = services.settings.timezone
    return format_date(moment.astimezone(zone).date(), language)


def _summary(services: Services, view: ApplicationView, language: str) -> str:
    program = services.program
    return t(
        language,
        "review.summary",
        name=html_escape(view.name),
        school=html_escape(view.school),
        type=_type_name(program, view.type_key, language),
        convener=html_escape(view.convener_name),
        members=view.members,
        gifted=view.gifted_teachers,
        activities=view.activities,
        submitted=_local_day(services, view.submitted_at, language)
        or t(language, "review.not_submitted_yet"),
    )


def _quota_lines(context: BotContext, uses: list[QuotaUse], language: str) -> str:
    program = context.services.program
    return "\n".join(
        t(
            language,
            "review.quota_full_line" if use.full else "review.quota_line",
            type=_type_name(program, use.type_key, language),
            approved=use.approved,
            quota=use.quota,
        )
        for use in uses
    )


def _error_text(error: ApplicationError, language: str) -> str:
    values = dict(error.values)
    if "problems" in values:
        values["problems"] = _problems(values["problems"], language)  # type: ignore[arg-type]
    if "name" in values:
        values["name"] = html_escape(str(values["name"]))
    for key, value in values.items():
        if isinstance(value, dt.date):
            values[key] = format_date(value, language)
    return t(language, f"review.error_{error.reason}", **values)


# --- /apply ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ApplyPage:
    """What /apply (or 「送出申請」 on LINE) shows: a text, and the community to submit when
    the convener may submit it now (None: nothing to press)."""

    text: str
    submit_id: int | None = None


async def apply_page(
    services: Services, user_id: int, language: str, *, on_line: bool = False
) -> ApplyPage:
    """The convener's application: what is checked, what goes on paper, whether to submit.
    The text is Telegram's HTML; LINE shows it as plain text, and where a text names Telegram's
    commands LINE's own (``line.review.*``) names its keywords."""
    program = services.program
    today = services.clock.today()
    member_of: list[tuple[str, str]] = []  # (community, convener) where the user is a member
    async with services.database.session() as session:
        found = await applications.own_application(session, program, user_id)
        if found is not None:
            community = await staff_queries.community(session, found[0].id)
            assert community is not None
            open_to_submit = await applications.may_submit(session, program, community, today)
            deadline = await applications.deadline_of(session, program, community)
        else:
            joined = await communities.communities_of(
                session, program.program.year, user_id, activities=False
            )
            member_of = [
                (c.name, next((m.name for m in c.members if m.is_convener), ""))
                for c, role in joined
                if role is communities.Role.MEMBER
            ]
    if found is None and member_of:
        # A member, not the convener: say who may submit rather than "register first".
        name, convener = member_of[0]
        return ApplyPage(
            t(
                language,
                "review.apply_member_only",
                community=html_escape(name),
                convener=html_escape(convener),
            )
        )
    if found is None:
        key = "review.apply_no_community"
        if on_line and has(language, "line." + key):
            key = "line." + key
        return ApplyPage(t(language, key))
    view, problems = found
    text = _summary(services, view, language)
    if view.status == "submitted":
        text += "\n\n" + t(language, "review.apply_already_submitted")
        return ApplyPage(text + "\n" + paper_documents(program, language, deadline))
    if view.status == "approved":
        return ApplyPage(text + "\n\n" + t(language, "review.apply_already_approved"))
    if view.status == "waitlisted":
        position = view.waitlist_position or 0
        waiting = t(language, "review.apply_already_waitlisted", position=position)
        return ApplyPage(text + "\n\n" + waiting)
    if view.status == "withdrawn":
        return ApplyPage(text + "\n\n" + t(language, "review.apply_withdrawn"))
    if view.status == "rejected":
        text += "\n\n" + t(
            language, "review.apply_was_rejected", reason=html_escape(view.review_reason or "")
        )
    if view.reopened:
        text += "\n\n" + t(
            language, "review.apply_reopened", reason=html_escape(view.reopen_reason or "")
        )
    if not open_to_submit:
        error = ApplicationError("deadline_passed", deadline=deadline)
        return ApplyPage(text + "\n\n" + _error_text(error, language))
    if problems:
        fix = t(language, "review.apply_fix", problems=_problems(problems, language))
        return ApplyPage(text + "\n\n" + fix)
    confirm = (
        t(language, "review.apply_confirm") + "\n" + paper_documents(program, language, deadline)
    )
    return ApplyPage(text + "\n\n" + confirm, view.id)


async def submit_application(
    services: Services, user_id: int, community_id: int | None, language: str
) -> str:
    """Submit the community for review (rules and deadline checked again); the answer's text."""
    try:
        if community_id is None:
            raise ApplicationError("not_convener")
        async with services.database.session() as session:
            view = await applications.submit(
                session,
                services.program,
                user_id,
                community_id,
                today=services.clock.today(),
                now=services.clock.now(),
            )
            # An extension moves the paper documents' date too.
            deadline = await applications.deadline_for(session, services.program, view.id)
    except ApplicationError as error:
        if error.reason == "not_convener":
            logger.warning("Refused an application submit to user %s", user_ref(user_id))
        return _error_text(error, language)
    logger.info("Application submitted for community %s", view.id)
    return (
        t(language, "review.submitted", name=html_escape(view.name))
        + "\n"
        + paper_documents(services.program, language, deadline)
    )


async def apply(update: Update, context: BotContext) -> None:
    """Show the convener's application: what is checked, what goes on paper, and a submit button."""
    user = update.effective_user
    if user is None:
        return
    language = language_of(update, context)
    page = await apply_page(context.services, user.id, language)
    markup = None
    if page.submit_id is not None:
        markup = keyboard(
            [
                [(t(language, "review.apply_button"), f"{APPLY_CALLBACK}{page.submit_id}")],
                [(t(language, "review.apply_later_button"), APPLY_LATER_CALLBACK)],
            ]
        )
    await reply_html(update, page.text, markup)


async def apply_later(update: Update, context: BotContext) -> None:
    """Not now: nothing is submitted, and the buttons go away."""
    query = update.callback_query
    if query is None:
        return
    await query.answer()
    await edit_or_send(update, t(language_of(update, context), "review.apply_later"))


async def apply_pressed(update: Update, context: BotContext) -> None:
    """Submit the community for review (rules and deadline checked again)."""
    query = update.callback_query
    user = update.effective_user
    if query is None or query.data is None or user is None:
        return
    language = language_of(update, context)
    community_id = _id_in(query.data, APPLY_CALLBACK)
    text = await submit_application(context.services, user.id, community_id, language)
    await query.answer()
    await edit_or_send(update, text)


# --- /review --------------------------------------------------------------------------------


async def _listing(context: BotContext, language: str) -> tuple[str, InlineKeyboardMarkup | None]:
    """One message: the quota, the applications waiting (numbered) and a button row for each.

    One message rather than one per application: Telegram allows about one a second in a chat.
    """
    program = context.services.program
    async with context.services.database.session() as session:
        waiting = await applications.pending(session, program)
        uses = await applications.quota_use(session, program)
    text = t(
        language, "review.header", count=len(waiting), quota=_quota_lines(context, uses, language)
    )
    if not waiting:
        return text + "\n\n" + t(language, "review.none_pending"), None
    lines = []
    rows = []
    for number, view in enumerate(waiting[:PAGE], start=1):
        lines.append(
            t(
                language,
                "review.line",
                number=number,
                name=html_escape(view.name),
                school=html_escape(view.school),
                type=_type_name(program, view.type_key, language),
                convener=html_escape(view.convener_name),
                members=view.members,
                gifted=view.gifted_teachers,
                submitted=_local_day(context.services, view.submitted_at, language),
            )
            + "\n"
            + t(
                language,
                "review.documents",
                id=view.id,
                documents=view_documents_line(
                    program, view, language, context.services.application_deadline
                ),
            )
        )
        buttons = [
            (t(language, "review.approve_button", number=number), f"{APPROVE_CALLBACK}{view.id}"),
            (t(language, "review.reject_button", number=number), f"{REJECT_CALLBACK}{view.id}"),
        ]
        # 備取 waits for a place: offered only once the type's quota is full.
        if applications.quota_full(uses, view.type_key):
            buttons.append(
                (
                    t(language, "review.waitlist_button", number=number),
                    f"{WAITLIST_CALLBACK}{view.id}",
                )
            )
        rows.append(buttons)
    text += "\n\n" + "\n\n".join(lines)
    if len(waiting) > PAGE:
        text += "\n\n" + t(language, "review.more_pending", shown=PAGE, count=len(waiting))
    return text, keyboard(rows)


async def review(update: Update, context: BotContext) -> None:
    """List the applications waiting for review, with approve and reject buttons."""
    if not await ensure_staff(update, context, "/review"):
        return
    text, markup = await _listing(context, language_of(update, context))
    await reply_html(update, text, markup)


def _id_in(data: str, prefix: str) -> int | None:
    rest = data.removeprefix(prefix)
    return int(rest) if rest.isdigit() and len(rest) < 12 else None


async def approve_pressed(update: Update, context: BotContext) -> None:
    """Approve the application if the quota has room; tell the convener."""
    query = update.callback_query
    user = update.effective_user
    if query is None or query.data is None or user is None:
        return
    if not await ensure_staff(update, context, "approve"):
        return
    language = language_of(update, context)
    community_id = _id_in(query.data, APPROVE_CALLBACK)
    services = context.services
    try:
        if community_id is None:
            raise ApplicationError("not_found")
        async with services.database.session() as session:
            decision = await applications.approve(
                session, services.program, community_id, user.id, services.clock.now()
            )
    except ApplicationError as error:
        _log_own_community(error, user.id)
        text = _error_text(error, language)
        await query.answer(_plain(text), show_alert=True)
        return
    await query.answer()
    logger.info("Application %s approved", decision.application.id)
    done = await _decided(update, context, decision, language)
    listing, markup = await _listing(context, language)
    await edit_or_send(update, f"{done}\n\n{listing}", markup)


async def waitlist_pressed(update: Update, context: BotContext) -> None:
    """Put the application on the 備取 list; tell the convener."""
    query = update.callback_query
    user = update.effective_user
    if query is None or query.data is None or user is None:
        return
    if not await ensure_staff(update, context, "waitlist"):
        return
    from handlers.decisions import send_notices  # the module imports this one

    language = language_of(update, context)
    community_id = _id_in(query.data, WAITLIST_CALLBACK)
    services = context.services
    try:
        if community_id is None:
            raise ApplicationError("not_found")
        async with services.database.session() as session:
            outcome = await applications.waitlist(
                session, services.program, community_id, user.id, services.clock.now()
            )
    except ApplicationError as error:
        _log_own_community(error, user.id)
        await query.answer(_plain(_error_text(error, language)), show_alert=True)
        return
    await query.answer()
    view = outcome.application
    reached = await send_notices(context, outcome.notices)
    done = t(
        language,
        "decisions.waitlisted",
        id=view.id,
        name=html_escape(view.name),
        position=view.waitlist_position or 0,
    )
    done += "\n" + t(language, "decisions.notified" if reached else "decisions.not_notified")
    listing, markup = await _listing(context, language)
    await edit_or_send(update, f"{done}\n\n{listing}", markup)


async def reject_pressed(update: Update, context: BotContext) -> object:
    """Ask for the reason of rejecting (the convener will read it)."""
    query = update.callback_query
    user = update.effective_user
    if query is None or query.data is None or user is None:
        return ConversationHandler.END
    if not await ensure_staff(update, context, "reject"):
        return ConversationHandler.END
    language = language_of(update, context)
    community_id = _id_in(query.data, REJECT_CALLBACK)
    try:
        if community_id is None:
            raise ApplicationError("not_found")
        async with context.services.database.session() as session:
            view = await applications.check_may_decide(
                session, context.services.program, community_id, user.id
            )
    except ApplicationError as error:
        _log_own_community(error, user.id)
        await query.answer(_plain(_error_text(error, language)), show_alert=True)
        return ConversationHandler.END
    await query.answer()
    flows.begin(update, context, FLOW, id=view.id)
    await reply_html(update, t(language, "review.ask_reason", name=html_escape(view.name)))
    return State.REASON


@flows.step(FLOW, staff=True)
async def reason_typed(
    update: Update, context: BotContext, pending: Draft, _pressed: Pressed | None
) -> object:
    """Reject with the typed reason and tell the convener."""
    user = update.effective_user
    message = update.effective_message
    if user is None or message is None:
        return flows.finish(context, FLOW)
    language = language_of(update, context)
    services = context.services
    try:
        async with services.database.session() as session:
            decision = await applications.reject(
                session,
                services.program,
                int(pending["id"]),
                user.id,
                message.text or "",
                services.clock.now(),
                today=services.clock.today(),
            )
    except ApplicationError as error:
        await reply_html(update, _error_text(error, language))
        if error.reason in ("reason_empty", "reason_too_long"):
            return State.REASON
        return flows.finish(context, FLOW)
    flows.finish(context, FLOW)
    logger.info("Application %s rejected", decision.application.id)
    await reply_html(update, await _decided(update, context, decision, language))
    return ConversationHandler.END


def _log_own_community(error: ApplicationError, user_id: int) -> None:
    if error.reason == "own_community":
        logger.warning(
            "Refused a decision on their own community to staff user %s", user_ref(user_id)
        )


def _plain(text: str) -> str:
    """A catalogue text without markup, short enough for a button's alert."""
    return html.unescape(re.sub(r"<[^>]+>", "", text))[:190]


# --- telling the convener -------------------------------------------------------------------


async def _decided(update: Update, context: BotContext, decision: Decision, language: str) -> str:
    """Notify the convener; the text for staff saying what was done and whether they were told."""
    view = decision.application
    program = context.services.program
    notified = await _notify_convener(context, decision)
    key = "review.approved" if decision.approved else "review.rejected"
    text = t(
        language,
        key,
        name=html_escape(view.name),
        school=html_escape(view.school),
        reason=html_escape(view.review_reason or ""),
        quota=t(
            language,
            "review.quota_line",
            type=_type_name(program, view.type_key, language),
            approved=decision.quota.approved,
            quota=decision.quota.quota,
        ),
    )
    text += "\n" + t(language, "review.notified" if notified else "review.not_notified")
    return text


async def _notify_convener(context: BotContext, decision: Decision) -> bool:
    view = decision.application
    services = context.services
    async with services.database.session() as session:
        languages = await staff_queries.user_languages(session, {view.convener_user_id})
    stored = context.application.user_data.get(view.convener_user_id, {}).get("lang")
    language = normalise_language(str(stored) if stored else languages.get(view.convener_user_id))
    program = services.program
    if decision.approved:
        text = t(
            language,
            "review.tell_approved",
            name=html_escape(view.name),
            after=html_escape(
                program.application.after_approval_en
                if language == "en"
                else program.application.after_approval
            ),
        )
    else:
        text = t(
            language,
            "review.tell_rejected",
            name=html_escape(view.name),
            reason=html_escape(view.review_reason or ""),
            contact=html_escape(program.help_contact.reach(language)),
            # Never promise a resubmission /apply would refuse.
            again=t(
                language,
                "review.again_until",
                deadline=format_date(decision.resubmit_until, language),
            )
            if decision.resubmit_until is not None
            else t(language, "review.again_closed"),
        )
    return await tell_user(context, view.convener_user_id, text)


def build() -> list[BaseHandler[Update, BotContext, object]]:
    """The handlers of this module."""
    rejecting: ConversationHandler[BotContext] = ConversationHandler(
        entry_points=[CallbackQueryHandler(reject_pressed, pattern=f"^{REJECT_CALLBACK}")],
        states={
            State.REASON: [MessageHandler(filters.TEXT & ~filters.COMMAND, reason_typed)],
        },
        fallbacks=[CommandHandler("cancel", flows.cancel_command(FLOW))],
        name="review",
        persistent=True,
        allow_reentry=True,
    )
    return [
        CommandHandler("apply", apply),
        CallbackQueryHandler(apply_pressed, pattern=f"^{APPLY_CALLBACK}"),
        CallbackQueryHandler(apply_later, pattern=f"^{APPLY_LATER_CALLBACK}$"),
        CommandHandler("review", review),
        CallbackQueryHandler(approve_pressed, pattern=f"^{APPROVE_CALLBACK}"),
        CallbackQueryHandler(waitlist_pressed, pattern=f"^{WAITLIST_CALLBACK}"),
        rejecting,
    ]
