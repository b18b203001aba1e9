"""「進度」, 「我的社群」 and 「加入 <code>」 on LINE: a convener's or member's community, and
joining one.

「進度」 shows what /progress shows on Telegram (status, checklist, next step) for every
community the user convenes or belongs to. A member joins with the invite code of their member
entry, the same code as Telegram's ``/start join_<code>``: typed as 「加入 <code>」 (or pasted
as the ``/start join_<code>`` line itself).
"""

from __future__ import annotations

import dataclasses
import re

from bot import applications, communities
from bot.applications import ConvenerStatus
from bot.dates import format_roc_numeric
from bot.i18n import has, t
from bot.services import Services
from handlers.activity_log import kind_name
from handlers.community import overview
from handlers.line import members
from handlers.line.activity_log import EDIT_PREFIX
from handlers.line.register import invite_text
from handlers.line.render import MAX_QUICK_REPLIES, Choice, Reply, plain_text
from handlers.progress import render_progress
from handlers.review import apply_page, submit_application

# The newest activities listed on 「我的社群」 (all of them are in the exported record).
MAX_LISTED_ACTIVITIES = 20
APPLY_PREFIX = "ap:"  # ap:<community id> submits it, ap:later does not

_CODE = r"(?P<code>[A-Za-z0-9_-]{8,32})"


def _join_words(language: str) -> list[str]:
    words = {
        word.strip()
        # The invite links prefill 「加入 <code>」 whatever the member's language.
        for lang in (language, "zh-TW", "en")
        for word in t(lang, "line.keyword.join").split("|")
        if word.strip()
    }
    return sorted((*words, "/start"), key=len, reverse=True)


def join_code_of(text: str, language: str) -> str | None:
    """The invite code in 「加入 <code>」, 「加入 join_<code>」 or ``/start join_<code>``."""
    words = "|".join(re.escape(word) for word in _join_words(language))
    match = re.fullmatch(rf"(?:{words})\s*(?P<prefix>{communities.INVITE_PREFIX})?{_CODE}",
                         text.strip(), flags=re.IGNORECASE)  # fmt: skip
    if match is None:
        return None
    code = match["code"]
    # 「join community」 is a question, not a code: a code has a digit, a capital, - or _.
    if match["prefix"] is None and re.fullmatch(r"[a-z]+", code):
        return None
    return code


async def join(services: Services, user_id: int, language: str, code: str) -> Reply:
    """Link the LINE user to the member entry of this invite code."""
    async with services.database.session() as session:
        result = await communities.join(session, code, user_id)
        await session.commit()
    if result.status is communities.JoinStatus.UNKNOWN:
        return Reply([t(language, "line.join.unknown")])
    text = t(
        language,
        f"line.join.{result.status.value}",
        community=result.community_name,
        member=result.member_name,
    )
    return Reply([text])


def _on_line(status: ConvenerStatus, language: str) -> ConvenerStatus:
    """The status with a next step that names LINE's keywords where Telegram's names commands."""
    key = "line." + status.next_key
    return dataclasses.replace(status, next_key=key) if has(language, key) else status


async def progress(services: Services, user_id: int, language: str) -> Reply:
    """The status and checklist of each community the user convenes or belongs to."""
    program = services.program
    today = services.clock.today()
    async with services.database.session() as session:
        mine = await communities.communities_of(
            session, program.program.year, user_id, activities=False
        )
        found = [community for community, _ in mine]
        progress_list = await communities.progress_of_many(session, program, found, today)
        statuses = [
            await applications.convener_status(session, program, c, today, viewer_id=user_id)
            for c in found
        ]
        texts = [
            plain_text(render_progress(program, c, p, language, _on_line(s, language)))
            for c, p, s in zip(found, progress_list, statuses, strict=True)
        ]
    if not texts:
        return Reply([t(language, "line.progress.none_yet")])
    return Reply(["\n\n".join(texts)])


async def page(services: Services, user_id: int, language: str) -> Reply:
    """「我的社群」: what /mycommunity's page shows, with each member's LINE and Telegram
    invite and the logged activities, for every community the user convenes or belongs to."""
    program = services.program
    today = services.clock.today()
    texts = []
    choices: list[Choice] = []

    def invite(name: str, code: str) -> str:
        return invite_text(services, language, name, code)

    async with services.database.session() as session:
        mine = await communities.communities_of(session, program.program.year, user_id)
        # A convener's own community comes first.
        mine.sort(key=lambda pair: pair[1] is not communities.Role.CONVENER)
        for community, role in mine:
            status = await applications.convener_status(
                session, program, community, today, viewer_id=user_id
            )
            text = overview(services, community, role, language, _on_line(status, language), invite)
            activities = sorted(community.activities, key=lambda a: (a.day, a.id))
            lines = [
                f"{format_roc_numeric(a.day)} {kind_name(program, a.kind, language)} {a.topic}"
                for a in activities[-MAX_LISTED_ACTIVITIES:]
            ]
            text += "\n\n" + t(
                language,
                "line.community.activities",
                count=len(activities),
                lines="\n".join(lines) or t(language, "line.community.no_activities"),
            )
            if role.can_change:
                text += "\n\n" + t(language, "line.community.changes_on_telegram")
                if not choices:  # the buttons of the convener's own community (listed first)
                    choices = [Choice(t(language, "line.members.button"), members.OPEN)]
                    choices += [
                        Choice(f"✏️ {format_roc_numeric(a.day)} {a.topic}", f"{EDIT_PREFIX}{a.id}")
                        for a in reversed(activities[-(MAX_QUICK_REPLIES - 1) :])
                    ]
            texts.append(plain_text(text))
    if not texts:
        return Reply([t(language, "line.progress.none_yet")])
    return Reply(texts, choices)


async def apply(services: Services, user_id: int, language: str) -> Reply:
    """「送出申請」: what /apply shows, with 「送出申請」 as a button when it may be submitted."""
    page = await apply_page(services, user_id, language, on_line=True)
    choices = []
    if page.submit_id is not None:
        choices = [
            Choice(t(language, "review.apply_button"), f"{APPLY_PREFIX}{page.submit_id}"),
            Choice(t(language, "review.apply_later_button"), f"{APPLY_PREFIX}later"),
        ]
    return Reply([plain_text(page.text)], choices)


async def apply_pressed(services: Services, user_id: int, language: str, data: str) -> Reply:
    """A button of 「送出申請」: submit (rules and deadline checked again), or not now."""
    argument = data.removeprefix(APPLY_PREFIX)
    if argument == "later":
        return Reply([t(language, "line.apply.later")])
    community_id = int(argument) if argument.isdigit() else None
    return Reply([plain_text(await submit_application(services, user_id, community_id, language))])
