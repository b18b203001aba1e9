"""「登錄社群」 on LINE: a convener registers their community and its members, step by step.

The same steps and rules as /register on Telegram (type → school → name → members → summary →
confirm), on the same domain (bot.communities, bot.rules) and texts; buttons are quick replies
whose postback data carry a nonce, so a button of an older message only asks the current
question again. The draft is kept in the database per user (stored_data, scope "line"), so it
survives a restart and every process sees it; it is dropped after 30 minutes of silence.
"""

from __future__ import annotations

import enum
import secrets

from bot import communities
from bot.dates import format_date
from bot.i18n import html_escape, t
from bot.program import Program
from bot.rules import MemberDraft, describe_problems, member_problems
from bot.services import Services
from bot.typed_words import is_skip_word, listed_number
from handlers.line import drafts
from handlers.line.drafts import Draft
from handlers.line.render import Choice, Reply, plain_text
from handlers.register import line_invite, member_line, type_rules

DRAFT = "register"
PREFIX = "rg:"  # rg:<nonce>:<action>:<argument>
MAX_SCHOOL_CHOICES = 10


class State(enum.StrEnum):
    """Where the convener is in the registration."""

    TYPE = "type"
    SCHOOL = "school"
    NAME = "name"
    MEMBER_NAME = "member_name"
    MEMBER_GIFTED = "member_gifted"
    MEMBER_SUBJECT = "member_subject"
    SUMMARY = "summary"
    MEMBER_MENU = "member_menu"


TEXT_STATES = frozenset({State.SCHOOL, State.NAME, State.MEMBER_NAME, State.MEMBER_SUBJECT})


# --- the draft ------------------------------------------------------------------------------


async def _load(services: Services, user_id: int) -> Draft | None:
    return await drafts.load(services, user_id, DRAFT)


async def _save(services: Services, user_id: int, draft: Draft | None) -> None:
    await drafts.save(services, user_id, DRAFT, draft)


async def has_draft(services: Services, user_id: int) -> bool:
    """Whether the user is in the middle of registering."""
    return await _load(services, user_id) is not None


# --- texts ----------------------------------------------------------------------------------


def _members(draft: Draft) -> list[MemberDraft]:
    return communities.member_drafts(draft)


def _required(program: Program, draft: Draft) -> int:
    return program.community_type(str(draft["type_key"])).member_count


def _problems_text(program: Program, draft: Draft, language: str) -> str:
    problems = member_problems(program, str(draft["type_key"]), _members(draft))
    if not problems:
        return ""
    items = "\n".join(f"• {html_escape(text)}" for text in describe_problems(problems, language))
    return t(language, "register.missing", items=items)


def _button(draft: Draft, label: str, action: str, argument: object = "") -> Choice:
    return Choice(label, f"{PREFIX}{draft['nonce']}:{action}:{argument}")


def _prompt(program: Program, draft: Draft, state: State, language: str, notice: str = "") -> Reply:
    """The question of ``state`` (after an optional notice), with its buttons."""
    draft["state"] = state.value
    draft["nonce"] = secrets.token_hex(4)
    choices: list[Choice] = []
    if state is State.TYPE:
        text = (
            t(language, "register.choose_type")
            + "\n\n"
            + "\n\n".join(type_rules(program, kind, language) for kind in program.community_types)
        )
        choices = [
            _button(draft, kind.name_in(language), "type", kind.key)
            for kind in program.community_types
        ]
    elif state is State.SCHOOL:
        text = t(language, "register.ask_school")
    elif state is State.NAME:
        text = t(language, "register.ask_name")
    elif state is State.MEMBER_NAME:
        text = _member_name_question(program, draft, language)
    elif state is State.MEMBER_GIFTED:
        name = html_escape(str(draft["member"]["name"]))
        text = t(language, "register.ask_gifted", name=name)
        choices = [
            _button(draft, t(language, "register.gifted_yes"), "gifted", 1),
            _button(draft, t(language, "register.gifted_no"), "gifted", 0),
        ]
    elif state is State.MEMBER_SUBJECT:
        name = html_escape(str(draft["member"]["name"]))
        text = t(language, "register.ask_subject", name=name)
        choices = [_button(draft, t(language, "register.skip"), "skip")]
    elif state is State.SUMMARY:
        text, choices = _summary(program, draft, language)
    else:
        text, choices = _member_menu(draft, language)
    if state is not State.SUMMARY and state is not State.MEMBER_MENU:
        choices.append(_button(draft, t(language, "flows.cancel_button"), "cancel"))
    if notice:
        text = notice + "\n\n" + text
    return Reply([plain_text(text)], choices)


def _member_name_question(program: Program, draft: Draft, language: str) -> str:
    index = draft.get("index")
    members = _members(draft)
    if index is not None:
        return t(language, "register.ask_member_again", name=html_escape(members[int(index)].name))
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


def _summary(program: Program, draft: Draft, language: str) -> tuple[str, list[Choice]]:
    members = _members(draft)
    required = _required(program, draft)
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
        type_name=html_escape(program.community_type(str(draft["type_key"])).name_in(language)),
        school=school,
        name=html_escape(str(draft["name"])),
        count=len(members),
        required=required,
        members=lines,
    )
    problems = _problems_text(program, draft, language)
    choices: list[Choice] = []
    if problems:
        text += "\n\n" + problems
    else:
        text += "\n\n" + t(language, "register.ready")
        choices.append(_button(draft, t(language, "register.confirm"), "confirm"))
    choices += [
        _button(draft, t(language, "register.edit_type"), "edit_type"),
        _button(draft, t(language, "register.edit_school"), "edit_school"),
        _button(draft, t(language, "register.edit_name"), "edit_name"),
    ]
    choices += [
        _button(
            draft,
            t(language, "register.edit_member", number=number, name=member.name),
            "member",
            number - 1,
        )
        for number, member in enumerate(members, start=1)
    ]
    if len(members) < required:
        choices.append(_button(draft, t(language, "register.add_member"), "add"))
    choices.append(_button(draft, t(language, "flows.cancel_button"), "cancel"))
    return text, choices


def _member_menu(draft: Draft, language: str) -> tuple[str, list[Choice]]:
    index = int(draft["index"])
    member = _members(draft)[index]
    line = member_line(member, language, convener=index == 0)
    choices = [_button(draft, t(language, "register.member_redo"), "redo")]
    if index > 0:
        choices.append(_button(draft, t(language, "register.member_remove"), "remove"))
    choices.append(_button(draft, t(language, "register.back"), "back"))
    return t(language, "register.member_menu", line=line), choices


# --- entry points ---------------------------------------------------------------------------


async def start(services: Services, user_id: int, language: str) -> Reply:
    """Start (or resume) registering the user's community."""
    program = services.program
    async with services.database.session() as session:
        existing = await communities.convened_by(session, program.program.year, user_id)
    if existing is not None:
        await _save(services, user_id, None)
        return Reply([t(language, "line.register.already", name=existing.name)])
    draft = await _load(services, user_id)
    if draft is not None:
        state = State(str(draft["state"]))
        reply = _prompt(program, draft, state, language, t(language, "line.resumed"))
    else:
        draft = {"members": [], "index": None, "reviewing": False}
        intro = html_escape(t(language, "line.register.intro"))
        reply = _prompt(program, draft, State.TYPE, language, intro)
    await _save(services, user_id, draft)
    return reply


async def cancel(services: Services, user_id: int, language: str) -> Reply | None:
    """End the registration without saving; None when none is open."""
    if await _load(services, user_id) is None:
        return None
    await _save(services, user_id, None)
    return Reply([t(language, "line.register.cancelled")])


async def on_text(services: Services, user_id: int, language: str, text: str) -> Reply | None:
    """A typed answer to the pending question; None when no registration is open."""
    draft = await _load(services, user_id)
    if draft is None:
        return None
    state = State(str(draft["state"]))
    if state not in TEXT_STATES:
        reply = _prompt(
            services.program, draft, state, language, t(language, "flows.expected_button")
        )
    else:
        reply = await _typed(services, draft, state, language, text)
    await _save(services, user_id, draft)
    return reply


async def on_postback(services: Services, user_id: int, language: str, data: str) -> Reply:
    """A pressed button of the registration."""
    draft = await _load(services, user_id)
    if draft is None:
        return Reply([t(language, "line.register.gone")])
    nonce, _, rest = data.removeprefix(PREFIX).partition(":")
    action, _, argument = rest.partition(":")
    state = State(str(draft["state"]))
    if action == "cancel" and nonce == draft.get("nonce"):
        await _save(services, user_id, None)
        return Reply([t(language, "line.register.cancelled")])
    if nonce != draft.get("nonce"):
        reply = _prompt(services.program, draft, state, language)
    elif action == "confirm" and state is State.SUMMARY:
        reply, finished = await _confirm(services, user_id, draft, language)
        if finished:
            await _save(services, user_id, None)
            return reply
    else:
        reply = await _pressed(services, draft, state, language, action, argument)
    await _save(services, user_id, draft)
    return reply


# --- steps ----------------------------------------------------------------------------------


async def _typed(services: Services, draft: Draft, state: State, language: str, text: str) -> Reply:
    program = services.program
    if state is State.SCHOOL:
        return await _school_typed(services, draft, language, text)
    if state is State.NAME:
        try:
            draft["name"] = communities.clean_text(text, communities.MAX_COMMUNITY_NAME)
        except communities.InvalidText as error:
            notice = t(language, f"register.name_{error.reason}")
            return _prompt(program, draft, State.NAME, language, notice)
        next_state = State.SUMMARY if draft.get("reviewing") else State.MEMBER_NAME
        return _prompt(program, draft, next_state, language)
    if state is State.MEMBER_NAME:
        try:
            name = communities.clean_name(text)
        except communities.InvalidText as error:
            notice = html_escape(t(language, f"rules.name_{error.reason}"))
            return _prompt(program, draft, State.MEMBER_NAME, language, notice)
        index = draft.get("index")
        others = [m for i, m in enumerate(_members(draft)) if i != index]
        key = name.replace(" ", "").casefold()
        if any(m.name.replace(" ", "").casefold() == key for m in others):
            notice = html_escape(t(language, "rules.duplicate_name", name=name))
            return _prompt(program, draft, State.MEMBER_NAME, language, notice)
        draft["member"] = {"name": name}
        return _prompt(program, draft, State.MEMBER_GIFTED, language)
    if is_skip_word(text, language):
        return _add_member(program, draft, language, None)
    try:
        subject = communities.clean_text(text, communities.MAX_SUBJECT)
    except communities.InvalidText as error:
        notice = t(language, f"register.subject_{error.reason}")
        return _prompt(program, draft, State.MEMBER_SUBJECT, language, notice)
    return _add_member(program, draft, language, subject)


async def _school_typed(services: Services, draft: Draft, language: str, text: str) -> Reply:
    # The list stays in the text after LINE hides its quick replies: 「1」 picks its first school.
    listed = [str(school_id) for school_id in draft.get("school_listed") or []]
    number = listed_number(text, len(listed))
    if number is not None and listed[number - 1] in (draft.get("school_choices") or {}):
        return await _pressed(services, draft, State.SCHOOL, language, "pick", listed[number - 1])
    try:
        query = communities.clean_text(text, communities.MAX_SCHOOL_NAME)
    except communities.InvalidText as error:
        notice = t(language, f"register.school_{error.reason}")
        return _prompt(services.program, draft, State.SCHOOL, language, notice)
    async with services.database.session() as session:
        found = await communities.search_schools(
            session, services.program, query, limit=MAX_SCHOOL_CHOICES
        )
        await session.commit()  # the letter's schools, seeded on first search
    draft["school_query"] = query
    draft["school_choices"] = {str(choice.id): choice.name for choice in found}
    draft["school_listed"] = [choice.id for choice in found]
    draft["nonce"] = secrets.token_hex(4)
    key = "register.school_matches" if found else "register.school_none"
    # Quick-reply labels are short, so the schools are listed in full in the text.
    lines = [t(language, key, query=html_escape(query))]
    lines += [f"{number}. {html_escape(choice.name)}" for number, choice in enumerate(found, 1)]
    choices = [
        _button(draft, f"{number}. {choice.name}", "pick", choice.id)
        for number, choice in enumerate(found, 1)
    ]
    choices.append(_button(draft, t(language, "register.school_add", name=query), "new"))
    choices.append(_button(draft, t(language, "flows.cancel_button"), "cancel"))
    return Reply([plain_text("\n".join(lines))], choices)


def _add_member(program: Program, draft: Draft, language: str, subject: str | None) -> Reply:
    member = draft.pop("member", None)
    if not isinstance(member, dict) or "gifted" not in member:
        return _prompt(program, draft, State.MEMBER_NAME, language)
    entry = {"name": member["name"], "gifted": member["gifted"], "subject": subject}
    members = draft.setdefault("members", [])
    index = draft.get("index")
    if index is not None and 0 <= int(index) < len(members):
        members[int(index)] = entry
    else:
        members.append(entry)
    draft["index"] = None
    if draft.get("reviewing") or len(members) >= _required(program, draft):
        draft["reviewing"] = True
        return _prompt(program, draft, State.SUMMARY, language)
    added = MemberDraft(entry["name"], entry["gifted"], subject)
    line = member_line(added, language, convener=len(members) == 1)
    notice = t(language, "register.member_added", line=line)
    return _prompt(program, draft, State.MEMBER_NAME, language, notice)


async def _pressed(
    services: Services, draft: Draft, state: State, language: str, action: str, argument: str
) -> Reply:
    program = services.program
    reviewing = bool(draft.get("reviewing"))
    if state is State.TYPE and action == "type":
        if argument in {kind.key for kind in program.community_types}:
            draft["type_key"] = argument
            return _prompt(program, draft, State.SUMMARY if reviewing else State.SCHOOL, language)
    elif state is State.SCHOOL and action in ("pick", "new"):
        choices = draft.get("school_choices") or {}
        if action == "pick" and argument in choices:
            draft["school_id"] = int(argument)
            draft["school_name"] = choices[argument]
        elif action == "new" and draft.get("school_query"):
            query = str(draft["school_query"])
            exact = [name_id for name_id, name in choices.items() if name == query]
            draft["school_id"] = int(exact[0]) if exact else None
            draft["school_name"] = query
        else:
            return _prompt(program, draft, State.SCHOOL, language)
        draft.pop("school_choices", None)
        draft.pop("school_listed", None)
        return _prompt(program, draft, State.SUMMARY if reviewing else State.NAME, language)
    elif state is State.MEMBER_GIFTED and action == "gifted" and "member" in draft:
        draft["member"]["gifted"] = argument == "1"
        return _prompt(program, draft, State.MEMBER_SUBJECT, language)
    elif state is State.MEMBER_SUBJECT and action == "skip":
        return _add_member(program, draft, language, None)
    elif state is State.SUMMARY:
        return _summary_pressed(program, draft, language, action, argument)
    elif state is State.MEMBER_MENU:
        members = draft.get("members", [])
        index = draft.get("index")
        if action == "redo" and index is not None:
            return _prompt(program, draft, State.MEMBER_NAME, language)
        if action == "remove" and index is not None and 0 < int(index) < len(members):
            members.pop(int(index))
        draft["index"] = None
        return _prompt(program, draft, State.SUMMARY, language)
    notice = t(language, "flows.expected_text") if state in TEXT_STATES else ""
    return _prompt(program, draft, state, language, notice)


def _summary_pressed(
    program: Program, draft: Draft, language: str, action: str, argument: str
) -> Reply:
    edits = {"edit_type": State.TYPE, "edit_school": State.SCHOOL, "edit_name": State.NAME}
    if action in edits:
        return _prompt(program, draft, edits[action], language)
    members = draft.get("members", [])
    if action == "member" and argument.isdigit() and int(argument) < len(members):
        draft["index"] = int(argument)
        return _prompt(program, draft, State.MEMBER_MENU, language)
    if action == "add" and len(members) < _required(program, draft):
        draft["index"] = None
        return _prompt(program, draft, State.MEMBER_NAME, language)
    return _prompt(program, draft, State.SUMMARY, language)


def invite_text(services: Services, language: str, member_name: str, code: str) -> str:
    """How one member joins: 「加入 <code>」 on LINE, or the Telegram invite."""
    username = services.bot_username
    if username:
        text = t(
            language,
            "line.register.invite_link",
            name=member_name,
            code=code,
            link=communities.invite_link(username, code),
        )
    else:
        text = t(language, "line.register.invite_code", name=member_name, code=code)
    return text + line_invite(services, language, code)


async def _confirm(
    services: Services, user_id: int, draft: Draft, language: str
) -> tuple[Reply, bool]:
    """Save the community; the reply, and whether the registration is over."""
    program = services.program
    try:
        registered = await communities.register(
            services.database, program, user_id, draft, today=services.clock.today()
        )
    except communities.RulesBroken:
        return _prompt(program, draft, State.SUMMARY, language), False
    except communities.AlreadyRegistered as error:
        return Reply([t(language, "line.register.already", name=error.name)]), True
    links = "\n".join(
        invite_text(services, language, member_name, code)
        for member_name, code in registered.invites
    )
    saved = t(
        language,
        "line.register.saved",
        name=registered.name,
        links=links,
        next_step=t(
            language,
            "line.register.next_apply" if registered.may_apply else "line.register.next_closed",
            deadline=format_date(registered.deadline, language),
            contact=program.help_contact.reach(language),
        ),
    )
    return Reply([saved]), True
