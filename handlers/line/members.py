"""「我的社群」 → 「👥 修改成員」 on LINE: a convener puts another teacher in a member's place,
corrects a member's details, or renews a member's invite — what /mycommunity's member pages do.

The same domain (``communities.replace_member``, ``communities.new_invite``) and texts. The
draft lives in the database like the other LINE flows'; its buttons carry a nonce, so a button
of an older message only asks the current question again.
"""

from __future__ import annotations

import secrets

from bot import communities
from bot.i18n import html_escape, t
from bot.rules import MemberDraft, describe_problems
from bot.services import Services
from bot.typed_words import is_skip_word
from db.models import Community, CommunityStatus
from handlers.line import drafts
from handlers.line.drafts import Draft
from handlers.line.register import invite_text
from handlers.line.render import MAX_QUICK_REPLIES, Choice, Reply, plain_text
from handlers.register import saved_member_line

DRAFT = "members"
PREFIX = "mb:"  # mb:<nonce>:<action>:<argument>; mb:open starts
OPEN = PREFIX + "open"
CHOOSE, MEMBER, NAME, GIFTED, SUBJECT = "choose", "member", "name", "gifted", "subject"
TEXT_STATES = frozenset({NAME, SUBJECT})


def _button(draft: Draft, label: str, action: str, argument: object = "") -> Choice:
    return Choice(label, f"{PREFIX}{draft['nonce']}:{action}:{argument}")


async def _community(services: Services, user_id: int, draft: Draft) -> Community:
    """The draft's community, checked again for this user (NotAllowed if they may not)."""
    async with services.database.session() as session:
        return await communities.community_for_change(session, user_id, int(draft["community_id"]))


async def _prompt(
    services: Services, user_id: int, draft: Draft, state: str, language: str, notice: str = ""
) -> Reply:
    """The question of ``state`` (after an optional notice), with its buttons."""
    community = await _community(services, user_id, draft)
    draft["state"] = state
    draft["nonce"] = secrets.token_hex(4)
    choices: list[Choice] = []
    back = _button(draft, t(language, "community.back"), "back")
    if state == CHOOSE:
        text = t(language, "community.choose_member")
        lines = []
        for number, member in enumerate(community.members, start=1):
            line = saved_member_line(member, language)
            lines.append(f"{number}. {line}")
            if len(choices) < MAX_QUICK_REPLIES - 1:
                choices.append(_button(draft, f"{number}. {member.name}", "member", member.id))
        text += "\n" + "\n".join(lines)
        choices.append(_button(draft, t(language, "flows.cancel_button"), "cancel"))
    elif state == MEMBER:
        member = next(m for m in community.members if m.id == draft["member_id"])
        line = saved_member_line(member, language)
        text = t(language, "community.member_page", line=line)
        choices = [_button(draft, t(language, "community.replace"), "replace")]
        if not member.is_convener and community.status != CommunityStatus.WITHDRAWN:
            choices.append(_button(draft, t(language, "line.members.new_invite"), "invite"))
        choices.append(back)
    elif state == NAME:
        text = t(language, "community.ask_member_name")
        choices = [back]
    elif state == GIFTED:
        name = html_escape(str(draft["name"]))
        text = t(language, "register.ask_gifted", name=name)
        choices = [
            _button(draft, t(language, "register.gifted_yes"), "gifted", 1),
            _button(draft, t(language, "register.gifted_no"), "gifted", 0),
            back,
        ]
    else:
        name = html_escape(str(draft["name"]))
        text = t(language, "register.ask_subject", name=name)
        choices = [_button(draft, t(language, "register.skip"), "skip"), back]
    if notice:
        text = notice + "\n\n" + text
    return Reply([plain_text(text)], choices)


async def start(services: Services, user_id: int, language: str) -> Reply:
    """Open the member list of the community the user convenes."""
    program = services.program
    async with services.database.session() as session:
        community = await communities.convened_by(
            session, program.program.year, user_id, activities=False
        )
    if community is None:
        return Reply([t(language, "line.members.not_convener")])
    draft: Draft = {"community_id": community.id}
    return await _answer(services, user_id, draft, CHOOSE, language)


async def _answer(
    services: Services, user_id: int, draft: Draft, state: str, language: str, notice: str = ""
) -> Reply:
    try:
        reply = await _prompt(services, user_id, draft, state, language, notice)
    except (communities.NotAllowed, StopIteration):
        await drafts.save(services, user_id, DRAFT, None)
        return Reply([t(language, "common.not_allowed")])
    await drafts.save(services, user_id, DRAFT, draft)
    return reply


async def cancel(services: Services, user_id: int, language: str) -> Reply | None:
    """End without changing anything; None when nothing is open."""
    if not await drafts.drop(services, user_id, DRAFT):
        return None
    return Reply([t(language, "line.members.closed")])


async def on_text(services: Services, user_id: int, language: str, text: str) -> Reply | None:
    """A typed answer (a name or a subject); None when nothing is open."""
    draft = await drafts.load(services, user_id, DRAFT)
    if draft is None:
        return None
    state = str(draft.get("state"))
    if state == NAME:
        try:
            draft["name"] = communities.clean_name(text)
        except communities.InvalidText as error:
            notice = html_escape(t(language, f"rules.name_{error.reason}"))
            return await _answer(services, user_id, draft, NAME, language, notice)
        return await _answer(services, user_id, draft, GIFTED, language)
    if state == SUBJECT and is_skip_word(text, language):
        return await _replace(services, user_id, draft, language, None)
    if state == SUBJECT:
        try:
            subject = communities.clean_text(text, communities.MAX_SUBJECT)
        except communities.InvalidText as error:
            notice = t(language, f"register.subject_{error.reason}")
            return await _answer(services, user_id, draft, SUBJECT, language, notice)
        return await _replace(services, user_id, draft, language, subject)
    notice = t(language, "flows.expected_button")
    return await _answer(services, user_id, draft, state, language, notice)


async def on_postback(services: Services, user_id: int, language: str, data: str) -> Reply:
    """A pressed button: 「👥 修改成員」 of 「我的社群」, or one of this flow's."""
    if data == OPEN:
        return await start(services, user_id, language)
    draft = await drafts.load(services, user_id, DRAFT)
    if draft is None:
        return Reply([t(language, "line.members.gone")])
    nonce, _, rest = data.removeprefix(PREFIX).partition(":")
    action, _, argument = rest.partition(":")
    state = str(draft.get("state"))
    if nonce != draft.get("nonce"):
        return await _answer(services, user_id, draft, state, language)
    if action == "cancel":
        await drafts.save(services, user_id, DRAFT, None)
        return Reply([t(language, "line.members.closed")])
    if action == "back":
        back_to = MEMBER if state in (NAME, GIFTED, SUBJECT) else CHOOSE
        return await _answer(services, user_id, draft, back_to, language)
    if state == CHOOSE and action == "member" and argument.isdigit():
        draft["member_id"] = int(argument)
        return await _answer(services, user_id, draft, MEMBER, language)
    if state == MEMBER and action == "replace":
        return await _answer(services, user_id, draft, NAME, language)
    if state == MEMBER and action == "invite":
        return await _new_invite(services, user_id, draft, language)
    if state == GIFTED and action == "gifted" and argument in ("0", "1"):
        draft["gifted"] = argument == "1"
        return await _answer(services, user_id, draft, SUBJECT, language)
    if state == SUBJECT and action == "skip":
        return await _replace(services, user_id, draft, language, None)
    key = "flows.expected_text" if state in TEXT_STATES else "flows.expected_button"
    return await _answer(services, user_id, draft, state, language, t(language, key))


async def _replace(
    services: Services, user_id: int, draft: Draft, language: str, subject: str | None
) -> Reply:
    replacement = MemberDraft(str(draft.pop("name")), bool(draft.pop("gifted")), subject)
    try:
        async with services.database.session() as session:
            member = await communities.replace_member(
                session, services.program, user_id, int(draft["community_id"]),
                int(draft["member_id"]), replacement,
            )  # fmt: skip
            code = member.invite_code if member.user_id is None else None
        notice = t(language, "community.member_saved", name=html_escape(replacement.name))
        if code:
            notice += "\n" + invite_text(services, language, replacement.name, code)
    except communities.RulesBroken as error:
        problems = describe_problems(error.problems, language)
        items = "\n".join(f"• {html_escape(problem)}" for problem in problems)
        notice = t(language, "community.member_refused", items=items)
    except communities.NotAllowed:
        await drafts.save(services, user_id, DRAFT, None)
        return Reply([t(language, "common.not_allowed")])
    return await _answer(services, user_id, draft, CHOOSE, language, notice)


async def _new_invite(services: Services, user_id: int, draft: Draft, language: str) -> Reply:
    try:
        async with services.database.session() as session:
            member = await communities.new_invite(
                session, user_id, int(draft["community_id"]), int(draft["member_id"])
            )
            name, code = member.name, str(member.invite_code)
    except communities.NotAllowed:
        await drafts.save(services, user_id, DRAFT, None)
        return Reply([t(language, "common.not_allowed")])
    notice = t(language, "line.members.invite_renewed", name=html_escape(name))
    notice += "\n" + invite_text(services, language, name, code)
    return await _answer(services, user_id, draft, CHOOSE, language, notice)
