"""/register: a convener registers their community and its members, step by step.

Type (buttons, each with its rules) → school (typed part of the name, picked from the letter's
schools, or another Kaohsiung school) → community name → members one by one (name, 資優班教師
or not, optional subject; the convener first) → a summary where any field can be changed, then
confirm. The members are checked against the letter's rules for the type at every step and the
summary says exactly what is missing.
"""

from __future__ import annotations

import enum
import logging

from telegram import Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot import communities
from bot.dates import format_date
from bot.i18n import html_escape, join_items, t
from bot.program import CommunityType, Program
from bot.rules import MemberDraft, describe_problems, member_problems
from bot.services import Services
from bot.typed_words import is_skip_word
from db.models import Member
from handlers import flows, qa
from handlers.common import BotContext, Button, keyboard, language_of, say
from handlers.flows import Draft, Pressed

logger = logging.getLogger(__name__)

FLOW = "register"


class State(enum.StrEnum):
    """Where the convener is in the registration."""

    TYPE = "rg_type"
    SCHOOL = "rg_school"
    NAME = "rg_name"
    MEMBER_NAME = "rg_member_name"
    MEMBER_GIFTED = "rg_member_gifted"
    MEMBER_SUBJECT = "rg_member_subject"
    SUMMARY = "rg_summary"
    MEMBER_MENU = "rg_member_menu"


# States that wait for typed text; the others wait for a button.
TEXT_STATES = frozenset({State.SCHOOL, State.NAME, State.MEMBER_NAME, State.MEMBER_SUBJECT})


def line_invite(services: Services, language: str, code: str) -> str:
    """The invite's LINE link on a line of its own, if the LINE account is set ("" if not)."""
    account = services.settings.LINE_ACCOUNT_ID
    if not account:
        return ""
    link = communities.line_invite_link(account, code)
    return "\n" + t(language, "community.invite_on_line", link=link)


def _b(draft: Draft, action: str, arg: object = "") -> str:
    return flows.button(FLOW, draft, action, arg)


def type_rules(program: Program, community_type: CommunityType, language: str) -> str:
    """One paragraph with what the letter asks of a community type."""
    showcase = (
        t(language, "register.type_showcase", event=html_escape(program.showcase.name))
        if program.showcase_required(community_type.key)
        else ""
    )
    return t(
        language,
        "register.type_rules",
        name=html_escape(community_type.name_in(language)),
        members=community_type.member_count,
        gifted=community_type.min_gifted_teachers,
        activities=community_type.min_activities,
        dialogues=community_type.min_dialogues,
        lessons=community_type.min_public_lessons,
        sharing=community_type.sharing_sessions,
        showcase=showcase,
        funding=f"{community_type.funding_per_group:,}",
    )


def _members(draft: Draft) -> list[MemberDraft]:
    return communities.member_drafts(draft)


def _required(program: Program, draft: Draft) -> int:
    return program.community_type(str(draft["type_key"])).member_count


def member_line(member: MemberDraft, language: str, *, convener: bool) -> str:
    """王小明（召集人、資優班教師、數學）."""
    notes = []
    if convener:
        notes.append(t(language, "register.convener_note"))
    if member.gifted_teacher:
        notes.append(t(language, "register.gifted_note"))
    if member.subject:
        notes.append(html_escape(member.subject))
    name = html_escape(member.name)
    if not notes:
        return name
    return t(language, "register.member_with_notes", name=name, notes=join_items(notes, language))


def saved_member_line(member: Member, language: str) -> str:
    """A saved member as :func:`member_line` shows a draft one."""
    draft = MemberDraft(member.name, member.gifted_teacher, member.subject)
    return member_line(draft, language, convener=member.is_convener)


def _problems_text(program: Program, draft: Draft, language: str) -> str:
    problems = member_problems(program, str(draft["type_key"]), _members(draft))
    if not problems:
        return ""
    items = "\n".join(f"• {html_escape(text)}" for text in describe_problems(problems, language))
    return t(language, "register.missing", items=items)


# --- prompts --------------------------------------------------------------------------------


async def prompt(
    update: Update, context: BotContext, draft: Draft, state: State, notice: str = ""
) -> State:
    """Show the question of ``state`` (after an optional notice line) and wait there."""
    language = language_of(update, context)
    program = context.services.program
    flows.rotate_nonce(draft)
    draft["state"] = state.value
    rows: list[list[Button]] = []
    if state is State.TYPE:
        text = (
            t(language, "register.choose_type")
            + "\n\n"
            + "\n\n".join(type_rules(program, kind, language) for kind in program.community_types)
        )
        rows = [[(kind.name_in(language), _b(draft, "type", kind.key))]
                for kind in program.community_types]  # fmt: skip
    elif state is State.SCHOOL:
        text = t(language, "register.ask_school")
    elif state is State.NAME:
        text = t(language, "register.ask_name")
    elif state is State.MEMBER_NAME:
        text = _member_name_question(program, draft, language)
    elif state is State.MEMBER_GIFTED:
        name = html_escape(str(draft["member"]["name"]))
        text = t(language, "register.ask_gifted", name=name)
        rows = [[(t(language, "register.gifted_yes"), _b(draft, "gifted", 1)),
                 (t(language, "register.gifted_no"), _b(draft, "gifted", 0))]]  # fmt: skip
    elif state is State.MEMBER_SUBJECT:
        name = html_escape(str(draft["member"]["name"]))
        text = t(language, "register.ask_subject", name=name)
        rows = [[(t(language, "register.skip"), _b(draft, "skip"))]]
    elif state is State.SUMMARY:
        text, rows = _summary(program, draft, language)
    else:
        text, rows = _member_menu(draft, language)
    if state is not State.SUMMARY and state is not State.MEMBER_MENU:
        rows.append([(t(language, "flows.cancel_button"), _b(draft, "cancel"))])
    if notice:
        text = notice + "\n\n" + text
    await flows.show(update, context, text, keyboard(rows) if rows else None)
    return state


def _member_name_question(program: Program, draft: Draft, language: str) -> str:
    index = draft.get("index")
    members = _members(draft)
    if index is not None:
        old = html_escape(members[int(index)].name)
        return t(language, "register.ask_member_again", name=old)
    if not members:
        return t(language, "register.ask_convener_name")
    text = t(
        language,
        "register.ask_member_name",
        number=len(members) + 1,
        required=_required(program, draft),
    )
    problems = _problems_text(program, draft, language)
    return f"{problems}\n\n{text}" if problems else text


def _summary(program: Program, draft: Draft, language: str) -> tuple[str, list[list[Button]]]:
    members = _members(draft)
    required = _required(program, draft)
    community_type = program.community_type(str(draft["type_key"]))
    lines = "\n".join(
        f"{number}. {member_line(member, language, convener=number == 1)}"
        for number, member in enumerate(members, start=1)
    )
    school = html_escape(str(draft["school_name"]))
    if draft.get("school_id") is None:
        school = t(language, "register.school_added", name=school)
    text = t(
        language,
        "register.summary",
        type_name=html_escape(community_type.name_in(language)),
        school=school,
        name=html_escape(str(draft["name"])),
        count=len(members),
        required=required,
        members=lines,
    )
    problems = _problems_text(program, draft, language)
    rows: list[list[Button]] = []
    if problems:
        text += "\n\n" + problems
    else:
        text += "\n\n" + t(language, "register.ready")
        rows.append([(t(language, "register.confirm"), _b(draft, "confirm"))])
    rows.append(
        [
            (t(language, "register.edit_type"), _b(draft, "edit_type")),
            (t(language, "register.edit_school"), _b(draft, "edit_school")),
            (t(language, "register.edit_name"), _b(draft, "edit_name")),
        ]
    )
    member_buttons = [
        (t(language, "register.edit_member", number=number, name=member.name[:20]),
         _b(draft, "member", number - 1))
        for number, member in enumerate(members, start=1)
    ]  # fmt: skip
    rows.extend(member_buttons[i : i + 2] for i in range(0, len(member_buttons), 2))
    if len(members) < required:
        rows.append([(t(language, "register.add_member"), _b(draft, "add"))])
    rows.append([(t(language, "flows.cancel_button"), _b(draft, "cancel"))])
    return text, rows


def _member_menu(draft: Draft, language: str) -> tuple[str, list[list[Button]]]:
    index = int(draft["index"])
    member = _members(draft)[index]
    text = t(
        language, "register.member_menu", line=member_line(member, language, convener=index == 0)
    )
    row = [(t(language, "register.member_redo"), _b(draft, "redo"))]
    if index > 0:
        row.append((t(language, "register.member_remove"), _b(draft, "remove")))
    return text, [row, [(t(language, "register.back"), _b(draft, "back"))]]


# --- entry ----------------------------------------------------------------------------------


async def start_registration(update: Update, context: BotContext) -> object:
    """Start (or resume) registering the user's community."""
    user = update.effective_user
    if user is None or context.user_data is None:
        return flows.END
    services = context.services
    async with services.database.session() as session:
        existing = await communities.convened_by(session, services.program.program.year, user.id)
    if existing is not None:
        await say(update, context, "register.already", name=html_escape(existing.name))
        return flows.finish(context, FLOW)
    draft = flows.get_draft(context, FLOW)
    if draft is not None and not flows.is_expired(draft, services.clock.now()):
        flows.touch(context, draft)
        notice = t(language_of(update, context), "flows.resumed")
        return await prompt(update, context, draft, State(draft["state"]), notice)
    draft = flows.begin(update, context, FLOW, members=[], index=None, reviewing=False)
    return await prompt(update, context, draft, State.TYPE, t(language_of(update, context),
                        "register.intro"))  # fmt: skip


async def _next_after_field(
    update: Update, context: BotContext, draft: Draft, then: State
) -> State:
    if draft.get("reviewing"):
        return await prompt(update, context, draft, State.SUMMARY)
    return await prompt(update, context, draft, then)


# --- steps ----------------------------------------------------------------------------------


@flows.step(FLOW)
async def type_chosen(
    update: Update, context: BotContext, draft: Draft, pressed: Pressed | None
) -> object:
    """Remember the community type."""
    assert pressed is not None
    program = context.services.program
    if pressed.action != "type" or pressed.arg not in {k.key for k in program.community_types}:
        return await prompt(update, context, draft, State.TYPE)
    draft["type_key"] = pressed.arg
    return await _next_after_field(update, context, draft, State.SCHOOL)


@flows.step(FLOW)
async def school_typed(
    update: Update, context: BotContext, draft: Draft, pressed: Pressed | None
) -> object:
    """Look the typed part of a school name up and offer the matches."""
    language = language_of(update, context)
    assert update.message is not None and update.message.text is not None
    try:
        query = communities.clean_text(update.message.text, communities.MAX_SCHOOL_NAME)
    except communities.InvalidText as error:
        notice = t(language, f"register.school_{error.reason}")
        return await prompt(update, context, draft, State.SCHOOL, notice)
    async with context.services.database.session() as session:
        found = await communities.search_schools(session, context.services.program, query)
    draft["school_query"] = query
    draft["school_choices"] = {str(choice.id): choice.name for choice in found}
    flows.rotate_nonce(draft)
    rows = [[(choice.name, _b(draft, "pick", choice.id))] for choice in found]
    rows.append([(t(language, "register.school_add", name=query[:30]), _b(draft, "new"))])
    rows.append([(t(language, "flows.cancel_button"), _b(draft, "cancel"))])
    key = "register.school_matches" if found else "register.school_none"
    await flows.show(update, context, t(language, key, query=html_escape(query)), keyboard(rows))
    return State.SCHOOL


@flows.step(FLOW)
async def school_chosen(
    update: Update, context: BotContext, draft: Draft, pressed: Pressed | None
) -> object:
    """Take the picked school (or the typed name as another Kaohsiung school)."""
    assert pressed is not None
    choices = draft.get("school_choices") or {}
    if pressed.action == "pick" and pressed.arg in choices:
        draft["school_id"] = int(pressed.arg)
        draft["school_name"] = choices[pressed.arg]
    elif pressed.action == "new" and draft.get("school_query"):
        async with context.services.database.session() as session:
            found = await communities.search_schools(
                session, context.services.program, str(draft["school_query"])
            )
        exact = [c for c in found if c.name == draft["school_query"]]
        draft["school_id"] = exact[0].id if exact else None
        draft["school_name"] = draft["school_query"]
    else:
        return await prompt(update, context, draft, State.SCHOOL)
    draft.pop("school_choices", None)
    return await _next_after_field(update, context, draft, State.NAME)


@flows.step(FLOW)
async def name_typed(
    update: Update, context: BotContext, draft: Draft, pressed: Pressed | None
) -> object:
    """Remember the community's name."""
    assert update.message is not None and update.message.text is not None
    try:
        draft["name"] = communities.clean_text(update.message.text, communities.MAX_COMMUNITY_NAME)
    except communities.InvalidText as error:
        notice = t(language_of(update, context), f"register.name_{error.reason}")
        return await prompt(update, context, draft, State.NAME, notice)
    if draft.get("reviewing"):
        return await prompt(update, context, draft, State.SUMMARY)
    return await prompt(update, context, draft, State.MEMBER_NAME)


@flows.step(FLOW)
async def member_name_typed(
    update: Update, context: BotContext, draft: Draft, pressed: Pressed | None
) -> object:
    """Take a member's name (not blank, not too long, not already in the list)."""
    language = language_of(update, context)
    assert update.message is not None and update.message.text is not None
    try:
        name = communities.clean_name(update.message.text)
    except communities.InvalidText as error:
        notice = html_escape(t(language, f"rules.name_{error.reason}"))
        return await prompt(update, context, draft, State.MEMBER_NAME, notice)
    index = draft.get("index")
    others = [m for i, m in enumerate(_members(draft)) if i != index]
    key = name.replace(" ", "").casefold()
    if any(m.name.replace(" ", "").casefold() == key for m in others):
        notice = html_escape(t(language, "rules.duplicate_name", name=name))
        return await prompt(update, context, draft, State.MEMBER_NAME, notice)
    draft["member"] = {"name": name}
    return await prompt(update, context, draft, State.MEMBER_GIFTED)


@flows.step(FLOW)
async def member_gifted_chosen(
    update: Update, context: BotContext, draft: Draft, pressed: Pressed | None
) -> object:
    """Remember whether the member is a 資優班教師."""
    assert pressed is not None
    if pressed.action != "gifted" or pressed.arg not in ("0", "1") or "member" not in draft:
        return await prompt(update, context, draft, State.MEMBER_GIFTED)
    draft["member"]["gifted"] = pressed.arg == "1"
    return await prompt(update, context, draft, State.MEMBER_SUBJECT)


@flows.step(FLOW)
async def member_subject_typed(
    update: Update, context: BotContext, draft: Draft, pressed: Pressed | None
) -> object:
    """Take the member's subject (typed, or skipped with the button) and add the member."""
    language = language_of(update, context)
    subject: str | None = None
    if pressed is not None:
        if pressed.action != "skip":
            return await prompt(update, context, draft, State.MEMBER_SUBJECT)
    elif not is_skip_word((update.message.text if update.message else None) or "", language):
        assert update.message is not None and update.message.text is not None
        try:
            subject = communities.clean_text(update.message.text, communities.MAX_SUBJECT)
        except communities.InvalidText as error:
            notice = t(language, f"register.subject_{error.reason}")
            return await prompt(update, context, draft, State.MEMBER_SUBJECT, notice)
    member = draft.pop("member", None)
    if not isinstance(member, dict) or "gifted" not in member:
        return await prompt(update, context, draft, State.MEMBER_NAME)
    entry = {"name": member["name"], "gifted": member["gifted"], "subject": subject}
    members = draft.setdefault("members", [])
    index = draft.get("index")
    if index is not None and 0 <= int(index) < len(members):
        members[int(index)] = entry
    else:
        members.append(entry)
    draft["index"] = None
    program = context.services.program
    if draft.get("reviewing") or len(members) >= _required(program, draft):
        draft["reviewing"] = True
        return await prompt(update, context, draft, State.SUMMARY)
    notice = t(language, "register.member_added", line=member_line(
        MemberDraft(entry["name"], entry["gifted"], subject), language, convener=len(members) == 1
    ))  # fmt: skip
    return await prompt(update, context, draft, State.MEMBER_NAME, notice)


@flows.step(FLOW)
async def summary_pressed(
    update: Update, context: BotContext, draft: Draft, pressed: Pressed | None
) -> object:
    """Confirm, change a field, change a member, add a member or cancel."""
    assert pressed is not None
    draft["reviewing"] = True
    action = pressed.action
    if action == "confirm":
        return await _confirm(update, context, draft)
    if action == "edit_type":
        return await prompt(update, context, draft, State.TYPE)
    if action == "edit_school":
        return await prompt(update, context, draft, State.SCHOOL)
    if action == "edit_name":
        return await prompt(update, context, draft, State.NAME)
    members = draft.get("members", [])
    if action == "member" and pressed.number is not None and pressed.number < len(members):
        draft["index"] = pressed.number
        return await prompt(update, context, draft, State.MEMBER_MENU)
    if action == "add" and len(members) < _required(context.services.program, draft):
        draft["index"] = None
        return await prompt(update, context, draft, State.MEMBER_NAME)
    return await prompt(update, context, draft, State.SUMMARY)


@flows.step(FLOW)
async def member_menu_pressed(
    update: Update, context: BotContext, draft: Draft, pressed: Pressed | None
) -> object:
    """Re-enter or remove the chosen member, or go back to the summary."""
    assert pressed is not None
    index = draft.get("index")
    members = draft.get("members", [])
    if pressed.action == "redo" and index is not None:
        return await prompt(update, context, draft, State.MEMBER_NAME)
    if pressed.action == "remove" and index is not None and 0 < int(index) < len(members):
        members.pop(int(index))
    draft["index"] = None
    return await prompt(update, context, draft, State.SUMMARY)


async def _confirm(update: Update, context: BotContext, draft: Draft) -> object:
    language = language_of(update, context)
    user = update.effective_user
    assert user is not None
    services = context.services
    program = services.program
    try:
        registered = await communities.register(
            services.database, program, user.id, draft, today=services.clock.today()
        )
    except communities.RulesBroken:
        return await prompt(update, context, draft, State.SUMMARY)
    except communities.AlreadyRegistered as error:
        await flows.show(
            update,
            context,
            t(language, "register.already", name=html_escape(error.name)),
        )
        return flows.finish(context, FLOW)
    username = services.bot_username or context.bot.username
    links = "\n".join(
        t(
            language,
            "register.invite_line",
            name=html_escape(member_name),
            link=communities.invite_link(username, code),
        )
        + line_invite(services, language, code)
        for member_name, code in registered.invites
    )
    await flows.show(
        update,
        context,
        t(
            language,
            "register.saved",
            name=html_escape(registered.name),
            links=links,
            next_step=t(
                language,
                "register.next_apply" if registered.may_apply else "register.next_closed",
                deadline=format_date(registered.deadline, language),
                contact=html_escape(program.help_contact.reach(language)),
            ),
        ),
    )
    return flows.finish(context, FLOW)


async def resume(update: Update, context: BotContext, draft: Draft, notice: str) -> None:
    """Ask the pending question again (after a side command answered mid-flow)."""
    try:
        state = State(str(draft.get("state")))
    except ValueError:
        state = State.TYPE
    flows.touch(context, draft)
    await prompt(update, context, draft, state, notice)


@flows.step(FLOW)
async def reprompt(
    update: Update, context: BotContext, draft: Draft, pressed: Pressed | None
) -> object:
    """Something the step did not expect (a sticker, a photo, text where a button is wanted)."""
    language = language_of(update, context)
    try:
        state = State(str(draft.get("state")))
    except ValueError:
        state = State.TYPE
    key = "flows.expected_text" if state in TEXT_STATES else "flows.expected_button"
    notice = t(language, key)
    answered = await qa.aside(update, context) if state not in TEXT_STATES else None
    if answered is not None:
        notice = f"{answered}\n\n{notice}"
    return await prompt(update, context, draft, state, notice)


def build() -> list[BaseHandler[Update, BotContext, object]]:
    """The registration conversation, and the answer to its buttons once it is over."""
    text = filters.TEXT & ~filters.COMMAND
    pattern = f"^{flows.PREFIXES[FLOW]}:"

    def buttons(callback: flows.Callback) -> BaseHandler[Update, BotContext, object]:
        return CallbackQueryHandler(callback, pattern=pattern)

    conversation = ConversationHandler(
        entry_points=[CommandHandler("register", start_registration)],
        states={
            State.TYPE: [buttons(type_chosen)],
            State.SCHOOL: [MessageHandler(text, school_typed), buttons(school_chosen)],
            State.NAME: [MessageHandler(text, name_typed)],
            State.MEMBER_NAME: [MessageHandler(text, member_name_typed)],
            State.MEMBER_GIFTED: [buttons(member_gifted_chosen)],
            State.MEMBER_SUBJECT: [
                MessageHandler(text, member_subject_typed),
                buttons(member_subject_typed),
            ],
            State.SUMMARY: [buttons(summary_pressed)],
            State.MEMBER_MENU: [buttons(member_menu_pressed)],
        },
        fallbacks=flows.fallbacks(FLOW, reprompt),
        name=FLOW,
        persistent=True,
        allow_reentry=True,
    )
    return [conversation, *flows.outside(FLOW)]
