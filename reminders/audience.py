"""Who receives a reminder, and the text each of them gets.

The people are loaded with a handful of queries (db/reminders.load_people, load_activities);
choosing and rendering is done in memory, so 10,000 users cost no per-user query.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import normalise_language
from bot.program import Program
from bot.progress import Progress, compute_progress_many
from db import reminders as db_reminders
from db.reminders import CommunityRow, People
from reminders.plan import (
    BEHIND,
    COMMUNITIES,
    COMMUNITY_TYPE,
    CONVENERS,
    EVERYONE,
    NON_APPLICANTS,
    PERSONALISED,
    STAFF,
    Audience,
)
from reminders.texts import Content, community_line, render

# Stands for the communities' lines in a text rendered once per language.
_SLOT = "\x00lines\x00"


@dataclass(frozen=True)
class Recipient:
    """One user to send to, with the communities the message is about (if personalised)."""

    user_id: int
    language: str
    communities: tuple[CommunityRow, ...] = ()


def _needs_progress(audience: Audience) -> bool:
    return audience.kind in PERSONALISED


def select_recipients(
    audience: Audience,
    category: str,
    people: People,
    staff_ids: Collection[int],
    progress: dict[int, Progress],
) -> list[Recipient]:
    """The users an audience reaches: active, not opted out of the category, each once."""

    def reachable(user_id: int) -> bool:
        person = people.users.get(user_id)
        if person is None or not person.active:
            return False
        return category == STAFF or category not in person.opt_outs

    def language(user_id: int) -> str:
        return normalise_language(people.users[user_id].language)

    kind = audience.kind
    if kind in (EVERYONE, NON_APPLICANTS):
        chosen = []
        for user_id, person in people.users.items():
            if not reachable(user_id):
                continue
            if kind == NON_APPLICANTS and (
                user_id in people.applicant_ids or person.is_staff or user_id in staff_ids
            ):
                continue
            chosen.append(Recipient(user_id, language(user_id)))
        return sorted(chosen, key=lambda recipient: recipient.user_id)

    communities = people.communities
    if kind == COMMUNITY_TYPE:
        communities = [c for c in communities if c.type_key == audience.type_key]
    elif kind == BEHIND:
        # Only running (approved) communities have a pace to be behind.
        communities = [
            c for c in communities if c.running and c.id in progress and progress[c.id].behind_pace
        ]
    elif kind not in (CONVENERS, COMMUNITIES):
        raise ValueError(f"unknown audience {kind!r}")
    conveners_only = audience.conveners_only or kind == CONVENERS
    # Each user once, with their communities: the one they convene first.
    theirs: dict[int, list[CommunityRow]] = {}
    for community in communities:
        theirs.setdefault(community.convener_user_id, []).insert(0, community)
        if not conveners_only:
            for user_id in community.member_user_ids:
                if user_id != community.convener_user_id:
                    theirs.setdefault(user_id, []).append(community)
    return [
        Recipient(user_id, language(user_id), tuple(found))
        for user_id, found in sorted(theirs.items())
        if reachable(user_id)
    ]


async def compose(
    session: AsyncSession,
    program: Program,
    content: Content,
    today: dt.date,
    staff_ids: Collection[int],
    people: People | None = None,
) -> list[tuple[int, str]]:
    """(user_id, text) for everyone the reminder reaches today."""
    if people is None:
        people = await db_reminders.load_people(session, program.program.year)
    progress: dict[int, Progress] = {}
    if _needs_progress(content.audience):
        activities = await db_reminders.load_activities(session, [c.id for c in people.communities])
        progress = compute_progress_many(
            program,
            ((c.id, c.type_key, activities.get(c.id, [])) for c in people.communities),
            today,
        )
    recipients = select_recipients(content.audience, content.category, people, staff_ids, progress)
    return render_all(content, program, today, recipients, progress)


def render_all(
    content: Content,
    program: Program,
    today: dt.date,
    recipients: list[Recipient],
    progress: dict[int, Progress],
) -> list[tuple[int, str]]:
    """Render each recipient's text; shared parts (a community's line) are rendered once."""
    texts: dict[tuple[str, tuple[int, ...]], str] = {}
    community_lines: dict[tuple[str, int], str] = {}
    templates: dict[str, str] = {}  # the text per language, with _SLOT for the lines
    messages = []
    for recipient in recipients:
        language = recipient.language
        about = [c for c in recipient.communities if c.id in progress]
        key = (language, tuple(c.id for c in about))
        text = texts.get(key)
        if text is None:
            parts = []
            for community in about:
                line = community_lines.get((language, community.id))
                if line is None:
                    line = community_line(program, language, community.name, progress[community.id])
                    community_lines[(language, community.id)] = line
                parts.append(line)
            template = templates.get(language)
            if template is None:
                template = render(content, program, language, today, lines=_SLOT)
                templates[language] = template
            text = template.replace(_SLOT, "\n".join(parts))
            texts[key] = text
        messages.append((recipient.user_id, text))
    return messages
