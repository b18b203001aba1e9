"""/mycommunity (view and manage one's community) and the members' invite deep links.

The convener (and staff, with /mycommunity <id>) sees the members with their invite links, can
replace a member while the letter's rules still hold, and can list, edit or delete logged
activities (editing opens the /log summary). Linked members see the same pages without the
buttons that change anything. Every press is checked again on the server: the draft names the
community, and an id from a button that belongs to another community is refused.

``/start join_<code>`` links the Telegram account that opens a member's invite link to that
member's entry.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Callable

from telegram import Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot import applications, communities
from bot.activity_fields import details_of, details_to_json
from bot.applications import ConvenerStatus
from bot.dates import format_roc_numeric
from bot.i18n import html_escape, t
from bot.program import Program
from bot.progress import render_checklist
from bot.rules import MemberDraft, describe_problems
from bot.services import Services
from db.models import Activity, Community, CommunityStatus
from handlers import flows
from handlers.activity_log import kind_name, summary_text
from handlers.common import BotContext, Button, is_staff, keyboard, language_of, say
from handlers.flows import Draft, Pressed
from handlers.progress import render_status
from handlers.qa import answer_question
from handlers.register import line_invite, saved_member_line

logger = logging.getLogger(__name__)

FLOW = "community"
ACTIVITIES_SHOWN = 20


class State(enum.StrEnum):
    """Where the user is in /mycommunity."""

    MENU = "mc_menu"
    MEMBERS = "mc_members"
    MEMBER = "mc_member"
    MEMBER_NAME = "mc_member_name"
    MEMBER_GIFTED = "mc_member_gifted"
    MEMBER_SUBJECT = "mc_member_subject"
    ACTIVITIES = "mc_activities"
    ACTIVITY = "mc_activity"
    DELETE = "mc_delete"


TEXT_STATES = frozenset({State.MEMBER_NAME, State.MEMBER_SUBJECT})
# Pages that only browse: text typed there is a question, not an answer to a step.
BROWSING_STATES = frozenset(
    {State.MENU, State.MEMBERS, State.MEMBER, State.ACTIVITIES, State.ACTIVITY}
)
CHANGES = frozenset(
    {"members", "member", "replace", "invite", "gifted", "skip", "aedit", "adel", "adel_yes"}
)


def _b(draft: Draft, action: str, arg: object = "") -> str:
    return flows.button(FLOW, draft, action, arg)


class _Denied(Exception):
    """The press is not allowed for this user and community."""


async def _load(
    context: BotContext, user_id: int, draft: Draft, *, change: bool
) -> tuple[Community, communities.Role]:
    """The draft's community, checked again for this user; _Denied if they may not."""
    staff = await is_staff(context, user_id)
    async with context.services.database.session() as session:
        try:
            community, role = await communities.community_for_view(
                session, user_id, int(draft["community_id"]), staff=staff
            )
        except communities.NotAllowed:
            raise _Denied from None
    if change and not role.can_change:
        raise _Denied
    draft["role"] = role.value
    return community, role


# --- pages ----------------------------------------------------------------------------------


def overview(
    services: Services,
    community: Community,
    role: communities.Role,
    language: str,
    application: ConvenerStatus | None,
    invite: Callable[[str, str], str],
) -> str:
    """The community page: type, school, members (linked or not), invites, progress. Each
    messenger says how a member joins: ``invite(member name, code)``."""
    program = services.program
    community_type = program.community_type(community.type_key)
    lines = []
    links = []
    # A withdrawn community takes no new members (communities.join refuses them).
    joinable = community.status != CommunityStatus.WITHDRAWN
    for number, member in enumerate(community.members, start=1):
        line = saved_member_line(member, language)
        status = "community.linked" if member.user_id else "community.not_linked"
        lines.append(f"{number}. {line} {t(language, status)}")
        if member.user_id is None and member.invite_code and role.can_change and joinable:
            links.append(invite(member.name, member.invite_code))
    progress = communities.progress_of(program, community, services.clock.today())
    text = t(
        language,
        "community.overview",
        name=html_escape(community.name),
        type_name=html_escape(community_type.name_in(language)),
        school=html_escape(community.school.name),
        members="\n".join(lines),
        checklist="\n".join(render_checklist(progress, program, language))
        if application is None or application.shows_progress
        else t(language, "status.not_running"),
    )
    if application is not None:
        text += "\n\n" + render_status(application, program, language)
    if links:
        text += "\n\n" + t(language, "community.invites", links="\n".join(links))
    if not role.can_change:
        text += "\n\n" + t(language, "community.view_only")
    return text


def _telegram_invite(context: BotContext, language: str) -> Callable[[str, str], str]:
    services = context.services
    username = services.bot_username or context.bot.username

    def invite(name: str, code: str) -> str:
        return t(
            language,
            "community.invite_line",
            name=html_escape(name),
            link=communities.invite_link(username, code),
        ) + line_invite(services, language, code)

    return invite


def _activity_label(program: Program, activity: Activity, language: str) -> str:
    kind = kind_name(program, activity.kind, language)
    return f"{format_roc_numeric(activity.day)} {kind} {activity.topic}"[:60]


async def render(
    update: Update,
    context: BotContext,
    draft: Draft,
    state: State,
    community: Community,
    role: communities.Role,
    notice: str = "",
) -> State:
    """Show the page of ``state`` for this community and wait there."""
    language = language_of(update, context)
    program = context.services.program
    flows.rotate_nonce(draft)
    draft["state"] = state.value
    rows: list[list[Button]] = []
    back = [(t(language, "community.back"), _b(draft, "menu"))]
    if state is State.MENU:
        async with context.services.database.session() as session:
            viewer = update.effective_user
            status = await applications.convener_status(
                session,
                program,
                community,
                context.services.clock.today(),
                viewer_id=viewer.id if viewer is not None else None,
            )
        text = overview(
            context.services, community, role, language, status, _telegram_invite(context, language)
        )
        first = [(t(language, "community.activities"), _b(draft, "activities"))]
        if role.can_change:
            first.insert(0, (t(language, "community.members"), _b(draft, "members")))
        rows = [first, [(t(language, "community.close"), _b(draft, "close"))]]
    elif state is State.MEMBERS:
        text = t(language, "community.choose_member")
        rows = [[(f"{n}. {m.name[:24]}", _b(draft, "member", m.id))]
                for n, m in enumerate(community.members, start=1)]  # fmt: skip
        rows.append(back)
    elif state is State.MEMBER:
        member = next(m for m in community.members if m.id == draft["member_id"])
        line = saved_member_line(member, language)
        text = t(language, "community.member_page", line=line)
        row = [(t(language, "community.replace"), _b(draft, "replace"))]
        if not member.is_convener and community.status != CommunityStatus.WITHDRAWN:
            row.append((t(language, "community.new_invite"), _b(draft, "invite")))
        rows = [row, back]
    elif state is State.MEMBER_NAME:
        text = t(language, "community.ask_member_name")
        rows = [back]
    elif state is State.MEMBER_GIFTED:
        name = html_escape(str(draft["member"]["name"]))
        text = t(language, "register.ask_gifted", name=name)
        rows = [[(t(language, "register.gifted_yes"), _b(draft, "gifted", 1)),
                 (t(language, "register.gifted_no"), _b(draft, "gifted", 0))], back]  # fmt: skip
    elif state is State.MEMBER_SUBJECT:
        name = html_escape(str(draft["member"]["name"]))
        text = t(language, "register.ask_subject", name=name)
        rows = [[(t(language, "register.skip"), _b(draft, "skip"))], back]
    elif state is State.ACTIVITIES:
        newest_first = sorted(community.activities, key=lambda a: (a.day, a.id), reverse=True)
        last_page = max(0, (len(newest_first) - 1) // ACTIVITIES_SHOWN)
        page = min(max(int(draft.get("page", 0)), 0), last_page)
        draft["page"] = page
        start = page * ACTIVITIES_SHOWN
        shown = newest_first[start : start + ACTIVITIES_SHOWN]
        key = "community.activities_page" if shown else "community.no_activities"
        text = t(language, key, count=len(newest_first), first=start + 1, last=start + len(shown))
        rows = [[(_activity_label(program, a, language), _b(draft, "activity", a.id))]
                for a in shown]  # fmt: skip
        turn = []
        if page > 0:
            turn.append((t(language, "community.newer"), _b(draft, "activities", page - 1)))
        if page < last_page:
            turn.append((t(language, "community.older"), _b(draft, "activities", page + 1)))
        if turn:
            rows.append(turn)
        rows.append(back)
    else:
        activity = next(a for a in community.activities if a.id == draft["activity_id"])
        names = {m.id: m.name for m in community.members}
        details = summary_text(
            program,
            {
                "day": activity.day.isoformat(),
                "kind": activity.kind,
                "topic": activity.topic,
                "members": [[i, n] for i, n in names.items()],
                "attendees": activity.attendee_member_ids,
                "details": details_to_json(details_of(activity)),
                "photos": activity.photo_file_ids,
                "activity_id": activity.id,
            },
            language,
        )
        to_list = (t(language, "community.back"), _b(draft, "activities", draft.get("page", 0)))
        if state is State.DELETE:
            text = details + "\n\n" + t(language, "community.delete_confirm")
            rows = [[(t(language, "community.delete_yes"), _b(draft, "adel_yes", activity.id))],
                    [to_list]]  # fmt: skip
        else:
            text = details
            if role.can_change:
                edit = (t(language, "community.edit"), _b(draft, "aedit", activity.id))
                delete = (t(language, "community.delete"), _b(draft, "adel", activity.id))
                rows.append([edit, delete])
            rows.append([to_list])
    if notice:
        text = notice + "\n\n" + text
    await flows.show(update, context, text, keyboard(rows))
    return state


# --- entry ----------------------------------------------------------------------------------


async def open_community(update: Update, context: BotContext) -> object:
    """Show the user's community (staff: /mycommunity <id>)."""
    user = update.effective_user
    if user is None or context.user_data is None:
        return flows.END
    services = context.services
    year = services.program.program.year
    staff = await is_staff(context, user.id)
    async with services.database.session() as session:
        found = await communities.communities_of(session, year, user.id)
        if context.args and context.args[0].isdigit() and staff:
            try:
                found = [
                    await communities.community_for_view(
                        session, user.id, int(context.args[0]), staff=True
                    )
                ]
            except communities.NotAllowed:
                found = []
    if not found:
        await say(update, context, "progress.none_yet")
        return flows.finish(context, FLOW)
    # A convener's own community comes first; a teacher in several sees the first one.
    found.sort(key=lambda pair: pair[1] is not communities.Role.CONVENER)
    community, role = found[0]
    draft = flows.begin(update, context, FLOW, community_id=community.id, role=role.value)
    return await render(update, context, draft, State.MENU, community, role)


# --- steps ----------------------------------------------------------------------------------


@flows.step(FLOW)
async def pressed_button(
    update: Update, context: BotContext, draft: Draft, pressed: Pressed | None
) -> object:
    """Every button of /mycommunity: check the user's right again, then act."""
    assert pressed is not None
    user = update.effective_user
    assert user is not None
    language = language_of(update, context)
    action = pressed.action
    try:
        community, role = await _load(context, user.id, draft, change=action in CHANGES)
    except _Denied:
        await say(update, context, "common.not_allowed")
        return draft.get("state")
    member_ids = {m.id for m in community.members}
    activity_ids = {a.id for a in community.activities}
    if action == "close":
        await flows.show(update, context, t(language, "community.closed"))
        return flows.finish(context, FLOW)
    if action == "menu":
        return await render(update, context, draft, State.MENU, community, role)
    if action == "members":
        return await render(update, context, draft, State.MEMBERS, community, role)
    if action == "activities":
        # The menu opens the newest page; "back" from an activity returns to the page it was on.
        draft["page"] = pressed.number if pressed.number is not None else 0
        return await render(update, context, draft, State.ACTIVITIES, community, role)
    if action in ("member", "activity", "adel", "adel_yes", "aedit"):
        known = member_ids if action == "member" else activity_ids
        if pressed.number not in known:
            await say(update, context, "common.not_allowed")
            return draft.get("state")
    if action == "member":
        draft["member_id"] = pressed.number
        return await render(update, context, draft, State.MEMBER, community, role)
    if action == "activity":
        draft["activity_id"] = pressed.number
        return await render(update, context, draft, State.ACTIVITY, community, role)
    if action == "adel":
        draft["activity_id"] = pressed.number
        return await render(update, context, draft, State.DELETE, community, role)
    if action == "adel_yes":
        return await _delete(update, context, draft, pressed.number or 0)
    if action in ("replace", "invite") and draft.get("member_id") in member_ids:
        if action == "replace":
            return await render(update, context, draft, State.MEMBER_NAME, community, role)
        return await _new_invite(update, context, draft)
    if action == "gifted" and "member" in draft and pressed.arg in ("0", "1"):
        draft["member"]["gifted"] = pressed.arg == "1"
        return await render(update, context, draft, State.MEMBER_SUBJECT, community, role)
    if action == "skip" and "member" in draft and "gifted" in draft["member"]:
        return await _replace(update, context, draft, None)
    notice = t(language, "flows.expected_button")
    state = State(draft.get("state", State.MENU.value))
    return await render(update, context, draft, state, community, role, notice)


async def _delete(update: Update, context: BotContext, draft: Draft, activity_id: int) -> object:
    user = update.effective_user
    assert user is not None
    language = language_of(update, context)
    staff = await is_staff(context, user.id)
    async with context.services.database.session() as session:
        try:
            activity = await communities.delete_activity(session, user.id, activity_id, staff=staff)
            label = _activity_label(context.services.program, activity, language)
        except communities.NotAllowed:
            await say(update, context, "common.not_allowed")
            return draft.get("state")
    community, role = await _load(context, user.id, draft, change=False)
    notice = t(language, "community.deleted", label=html_escape(label))
    return await render(update, context, draft, State.ACTIVITIES, community, role, notice)


async def _new_invite(update: Update, context: BotContext, draft: Draft) -> object:
    user = update.effective_user
    assert user is not None
    language = language_of(update, context)
    staff = await is_staff(context, user.id)
    async with context.services.database.session() as session:
        try:
            member = await communities.new_invite(
                session, user.id, int(draft["community_id"]), int(draft["member_id"]), staff=staff
            )
            name = member.name
        except communities.NotAllowed:
            await say(update, context, "common.not_allowed")
            return draft.get("state")
    community, role = await _load(context, user.id, draft, change=True)
    notice = t(language, "community.invite_renewed", name=html_escape(name))
    return await render(update, context, draft, State.MENU, community, role, notice)


async def _replace(
    update: Update, context: BotContext, draft: Draft, subject: str | None
) -> object:
    user = update.effective_user
    assert user is not None
    language = language_of(update, context)
    entry = draft.pop("member")
    replacement = MemberDraft(str(entry["name"]), bool(entry["gifted"]), subject)
    staff = await is_staff(context, user.id)
    services = context.services
    try:
        async with services.database.session() as session:
            await communities.replace_member(
                session, services.program, user.id, int(draft["community_id"]),
                int(draft["member_id"]), replacement, staff=staff,
            )  # fmt: skip
        notice = t(language, "community.member_saved", name=html_escape(replacement.name))
    except communities.RulesBroken as error:
        problems = describe_problems(error.problems, language)
        items = "\n".join(f"• {html_escape(problem)}" for problem in problems)
        notice = t(language, "community.member_refused", items=items)
    except communities.NotAllowed:
        await say(update, context, "common.not_allowed")
        return draft.get("state")
    community, role = await _load(context, user.id, draft, change=False)
    return await render(update, context, draft, State.MENU, community, role, notice)


@flows.step(FLOW)
async def member_name_typed(
    update: Update, context: BotContext, draft: Draft, pressed: Pressed | None
) -> object:
    """Take the replacement member's name."""
    user = update.effective_user
    assert update.message is not None and update.message.text is not None and user is not None
    language = language_of(update, context)
    try:
        community, role = await _load(context, user.id, draft, change=True)
    except _Denied:
        await say(update, context, "common.not_allowed")
        return flows.finish(context, FLOW)
    try:
        name = communities.clean_name(update.message.text)
    except communities.InvalidText as error:
        notice = html_escape(t(language, f"rules.name_{error.reason}"))
        return await render(update, context, draft, State.MEMBER_NAME, community, role, notice)
    draft["member"] = {"name": name}
    return await render(update, context, draft, State.MEMBER_GIFTED, community, role)


@flows.step(FLOW)
async def member_subject_typed(
    update: Update, context: BotContext, draft: Draft, pressed: Pressed | None
) -> object:
    """Take the replacement member's subject and save the replacement."""
    user = update.effective_user
    assert update.message is not None and update.message.text is not None and user is not None
    try:
        subject = communities.clean_text(update.message.text, communities.MAX_SUBJECT)
    except communities.InvalidText as error:
        community, role = await _load(context, user.id, draft, change=True)
        notice = t(language_of(update, context), f"register.subject_{error.reason}")
        return await render(update, context, draft, State.MEMBER_SUBJECT, community, role, notice)
    if "member" not in draft or "gifted" not in draft["member"]:
        return await _reprompt(update, context, draft, None)
    return await _replace(update, context, draft, subject)


async def _reprompt(
    update: Update, context: BotContext, draft: Draft, pressed: Pressed | None
) -> object:
    """Something the page did not expect: say what is expected and show it again.

    Text typed on a page that only browses is a question: the page closes and it is answered.
    """
    user = update.effective_user
    assert user is not None
    language = language_of(update, context)
    typed = pressed is None and update.message is not None and bool(update.message.text)
    if typed and str(draft.get("state", State.MENU)) in BROWSING_STATES:
        flows.finish(context, FLOW)
        await answer_question(update, context)
        return flows.END
    try:
        community, role = await _load(context, user.id, draft, change=False)
    except _Denied:
        await say(update, context, "common.not_allowed")
        return flows.finish(context, FLOW)
    try:
        state = State(str(draft.get("state")))
    except ValueError:
        state = State.MENU
    if state in (State.MEMBER_GIFTED, State.MEMBER_SUBJECT) and "member" not in draft:
        state = State.MENU
    key = "flows.expected_text" if state in TEXT_STATES else "flows.expected_button"
    return await render(update, context, draft, state, community, role, t(language, key))


reprompt = flows.step(FLOW)(_reprompt)


# --- invite links ---------------------------------------------------------------------------


async def join(update: Update, context: BotContext) -> None:
    """Link the account that opened a member's invite link to that member."""
    user = update.effective_user
    if user is None:
        return
    code = (context.args[0] if context.args else "").removeprefix(communities.INVITE_PREFIX)
    async with context.services.database.session() as session:
        result = await communities.join(session, code, user.id)
    if result.status is communities.JoinStatus.UNKNOWN:
        await say(update, context, "common.join_unknown")
        return
    await say(
        update,
        context,
        f"community.join_{result.status.value}",
        community=html_escape(result.community_name),
        member=html_escape(result.member_name),
    )


def build() -> list[BaseHandler[Update, BotContext, object]]:
    """The invite deep link, the /mycommunity conversation, and its expired buttons."""
    pattern = f"^{flows.PREFIXES[FLOW]}:"
    text = filters.TEXT & ~filters.COMMAND
    states: dict[object, list[BaseHandler[Update, BotContext, object]]] = {
        state: [CallbackQueryHandler(pressed_button, pattern=pattern)]
        for state in State
        if state not in TEXT_STATES
    }
    states[State.MEMBER_NAME] = [
        MessageHandler(text, member_name_typed),
        CallbackQueryHandler(pressed_button, pattern=pattern),
    ]
    states[State.MEMBER_SUBJECT] = [
        MessageHandler(text, member_subject_typed),
        CallbackQueryHandler(pressed_button, pattern=pattern),
    ]
    conversation = ConversationHandler(
        entry_points=[CommandHandler("mycommunity", open_community)],
        states=states,
        fallbacks=flows.fallbacks(FLOW, reprompt),
        name=FLOW,
        persistent=True,
        allow_reentry=True,
    )
    return [
        CommandHandler("start", join, filters=filters.Regex(r"^/start join_")),
        conversation,
        *flows.outside(FLOW),
    ]
