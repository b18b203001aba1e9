"""One status model: every audience, count and view counts the same communities."""

from __future__ import annotations

import datetime as dt
import secrets

import pytest
from support import BotUnderTest

from bot import broadcasts
from db import reminders as db_reminders
from db.community_status import Purpose, counts, next_step_key, statuses
from db.models import Community, CommunityStatus, Member, School, User
from reminders.audience import select_recipients
from reminders.plan import BEHIND, CONVENERS, NON_APPLICANTS, Audience

BASE = 40000


async def one_of_each_status(bot: BotUnderTest) -> dict[CommunityStatus, int]:
    """A community in every status; the convener's user id by status."""
    conveners = {}
    async with bot.services.database.session() as session:
        for number, status in enumerate(CommunityStatus):
            user_id = BASE + number
            conveners[status] = user_id
            session.add(User(id=user_id, display_name=f"召集人{number}"))
            community = Community(
                program_year=bot.services.program.program.year,
                type_key="co_planning",
                school=School(name=f"第{number}國中", in_letter=True),
                name=f"社群{number}",
                convener_user_id=user_id,
                status=status,
                invite_code=secrets.token_hex(8),
                members=[Member(position=0, name="召集人", is_convener=True, user_id=user_id)],
                activities=[],
            )
            session.add(community)
    return conveners


def test_each_purpose_counts_exactly_its_statuses():
    assert statuses(Purpose.RUNNING) == (CommunityStatus.APPROVED,)
    assert not counts(Purpose.IN_PROGRAM, "rejected")
    assert not counts(Purpose.SHOWS_PROGRESS, CommunityStatus.WITHDRAWN)
    assert counts(Purpose.APPLIED, "waitlisted")
    assert next_step_key("draft", reopened=True) == "next_reopened"
    assert next_step_key(CommunityStatus.REJECTED, reopened=False) == "next_rejected"


@pytest.mark.parametrize("status", list(CommunityStatus))
def test_every_status_has_a_name_and_a_next_step_in_both_languages(status):
    from bot.i18n import has

    for language in ("zh-TW", "en"):
        assert has(language, f"status.name_{status}")
        assert has(language, f"status.{next_step_key(status, reopened=False)}")
        assert has(language, f"stats.status_{status}")


async def test_broadcasts_and_reminders_count_the_same_conveners(bot: BotUnderTest):
    conveners = await one_of_each_status(bot)
    program = bot.services.program
    today = dt.date(2022, 11, 15)
    in_program = {conveners[s] for s in statuses(Purpose.IN_PROGRAM)}
    async with bot.services.database.session() as session:
        by_broadcast = await broadcasts.recipients(
            session, program, broadcasts.Audience(broadcasts.CONVENERS), today
        )
        people = await db_reminders.load_people(session, program.program.year)
    by_reminder = {
        r.user_id
        for r in select_recipients(
            Audience(CONVENERS, conveners_only=True), "phases", people, (), {}
        )
    }
    assert by_broadcast == by_reminder == in_program
    # The deadline reminder reaches those who have not handed in an application.
    not_applied = {
        r.user_id for r in select_recipients(Audience(NON_APPLICANTS), "deadline", people, (), {})
    }
    assert conveners[CommunityStatus.DRAFT] in not_applied
    assert not not_applied & {conveners[s] for s in statuses(Purpose.APPLIED)}


async def test_only_approved_communities_can_be_behind(bot: BotUnderTest):
    conveners = await one_of_each_status(bot)
    program = bot.services.program
    today = dt.date(2023, 3, 15)  # nothing logged: every running community is behind
    async with bot.services.database.session() as session:
        by_broadcast = await broadcasts.recipients(
            session, program, broadcasts.Audience(broadcasts.BEHIND), today
        )
        people = await db_reminders.load_people(session, program.program.year)
    from bot.progress import compute_progress_many

    progress = compute_progress_many(
        program, ((c.id, c.type_key, []) for c in people.communities), today
    )
    by_reminder = {
        r.user_id for r in select_recipients(Audience(BEHIND), "nudges", people, (), progress)
    }
    assert by_broadcast == by_reminder == {conveners[CommunityStatus.APPROVED]}
