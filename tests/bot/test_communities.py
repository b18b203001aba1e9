"""The community domain: the letter's rules, roles and idempotent saving, without Telegram."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot import communities
from bot.communities import (
    ActivityDraft,
    AlreadyRegistered,
    CommunityDraft,
    JoinStatus,
    NotAllowed,
    Role,
    RulesBroken,
)
from bot.program import load_program
from bot.rules import MemberDraft
from db.engine import Database

PROGRAM = load_program()
CONVENER, MEMBER, STRANGER, OTHER = 1, 2, 3, 4
FOUR = (MemberDraft("王大明", True), MemberDraft("李小華", False),
        MemberDraft("陳一心", False), MemberDraft("林二郎", False))  # fmt: skip


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    db = Database(database_url)
    await db.migrate()
    try:
        yield db
    finally:
        await db.dispose()


async def _register(
    database: Database, convener: int = CONVENER, members: tuple[MemberDraft, ...] = FOUR
) -> int:
    async with database.session() as session:
        school = (await communities.search_schools(session, PROGRAM, "正興國小"))[0]
        community = await communities.register_community(
            session, PROGRAM, convener,
            CommunityDraft("co_planning", school.id, school.name, f"社群{convener}", members),
        )  # fmt: skip
        return community.id


def _meeting(member_ids: tuple[int, ...], day: dt.date = dt.date(2022, 10, 5)) -> ActivityDraft:
    return ActivityDraft(day, "dialogue", "主題", member_ids)


async def _member_ids(database: Database, community_id: int) -> tuple[int, ...]:
    async with database.session() as session:
        community, _ = await communities.community_for_view(
            session, STRANGER, community_id, staff=True
        )
        return tuple(m.id for m in community.members)


async def test_registering_makes_the_convener_the_first_linked_member(database: Database):
    community_id = await _register(database)
    async with database.session() as session:
        community, role = await communities.community_for_view(session, CONVENER, community_id)
    assert role is Role.CONVENER
    assert community.members[0].is_convener and community.members[0].user_id == CONVENER
    codes = [m.invite_code for m in community.members[1:]]
    assert all(code and len(code) >= 16 for code in codes) and len(set(codes)) == 3


async def test_registering_refuses_members_that_break_the_rules(database: Database):
    no_gifted = tuple(MemberDraft(m.name, False) for m in FOUR)
    with pytest.raises(RulesBroken) as error:
        await _register(database, members=no_gifted)
    assert [p.key for p in error.value.problems] == ["too_few_gifted"]
    with pytest.raises(RulesBroken):
        await _register(database, members=FOUR[:3])


async def test_a_second_registration_in_the_same_year_is_refused(database: Database):
    await _register(database)
    with pytest.raises(AlreadyRegistered):
        await _register(database)


async def test_roles_convener_member_staff_and_nobody(database: Database):
    community_id = await _register(database)
    async with database.session() as session:
        community, _ = await communities.community_for_view(session, CONVENER, community_id)
        code = community.members[1].invite_code
        assert code is not None
        assert (await communities.join(session, code, MEMBER)).status is JoinStatus.JOINED
    async with database.session() as session:
        assert await communities.role_of(session, CONVENER, community_id) is Role.CONVENER
        assert await communities.role_of(session, MEMBER, community_id) is Role.MEMBER
        assert await communities.role_of(session, STRANGER, community_id) is None
        assert await communities.role_of(session, STRANGER, community_id, staff=True) is Role.STAFF
        assert await communities.role_of(session, CONVENER, 999) is None
        assert not Role.MEMBER.can_change and Role.STAFF.can_change


async def test_join_statuses(database: Database):
    community_id = await _register(database)
    async with database.session() as session:
        community, _ = await communities.community_for_view(session, CONVENER, community_id)
        first, second = community.members[1].invite_code, community.members[2].invite_code
    assert first and second
    async with database.session() as session:
        assert (await communities.join(session, first, MEMBER)).status is JoinStatus.JOINED
        assert (await communities.join(session, first, MEMBER)).status is JoinStatus.ALREADY
        assert (await communities.join(session, first, STRANGER)).status is JoinStatus.TAKEN
        other = await communities.join(session, second, MEMBER)
        assert other.status is JoinStatus.OTHER_ENTRY and other.member_name == "李小華"
        assert (await communities.join(session, "nope", MEMBER)).status is JoinStatus.UNKNOWN


async def test_logging_is_idempotent_per_client_token(database: Database):
    community_id = await _register(database)
    members = await _member_ids(database, community_id)
    async with database.session() as session:
        first, created = await communities.log_activity(
            session, PROGRAM, CONVENER, community_id, _meeting(members), "token-1"
        )
        assert created
    async with database.session() as session:
        again, created = await communities.log_activity(
            session, PROGRAM, CONVENER, community_id, _meeting(members), "token-1"
        )
        assert not created and again.id == first.id


async def test_only_the_convener_and_staff_may_log_edit_or_delete(database: Database):
    community_id = await _register(database)
    other_id = await _register(database, OTHER)
    members = await _member_ids(database, community_id)
    async with database.session() as session:
        activity, _ = await communities.log_activity(
            session, PROGRAM, CONVENER, community_id, _meeting(members), "t"
        )
    for user, staff in ((STRANGER, False), (OTHER, False), (MEMBER, False)):
        async with database.session() as session:
            with pytest.raises(NotAllowed):
                await communities.log_activity(
                    session, PROGRAM, user, community_id, _meeting(members), f"x{user}",
                    staff=staff,
                )  # fmt: skip
            with pytest.raises(NotAllowed):
                await communities.delete_activity(session, user, activity.id)
            with pytest.raises(NotAllowed):
                await communities.update_activity(
                    session, PROGRAM, user, activity.id, _meeting(members)
                )
    async with database.session() as session:
        # A token already used by another community's activity is no way in either.
        with pytest.raises(NotAllowed):
            await communities.log_activity(
                session, PROGRAM, OTHER, other_id, _meeting(members), "t"
            )
        updated = await communities.update_activity(
            session, PROGRAM, STRANGER, activity.id,
            ActivityDraft(dt.date(2022, 10, 6), "other", "改", members[:1]), staff=True,
        )  # fmt: skip
        assert updated.topic == "改"
        await communities.delete_activity(session, CONVENER, activity.id)


async def test_attendees_must_be_members_and_the_day_inside_the_period(database: Database):
    community_id = await _register(database)
    other_id = await _register(database, OTHER)
    members = await _member_ids(database, community_id)
    others = await _member_ids(database, other_id)
    async with database.session() as session:
        with pytest.raises(NotAllowed):
            await communities.log_activity(
                session, PROGRAM, CONVENER, community_id, _meeting(others), "a"
            )
        with pytest.raises(NotAllowed):
            await communities.log_activity(
                session, PROGRAM, CONVENER, community_id, _meeting(()), "b"
            )
        with pytest.raises(NotAllowed):
            await communities.log_activity(
                session, PROGRAM, CONVENER, community_id,
                _meeting(members, dt.date(2022, 8, 31)), "c",
            )  # fmt: skip


async def test_replacing_a_member_keeps_the_rules_and_renews_the_link_for_a_new_person(
    database: Database,
):
    community_id = await _register(database)
    members = await _member_ids(database, community_id)
    async with database.session() as session:
        with pytest.raises(RulesBroken):
            await communities.replace_member(
                session, PROGRAM, CONVENER, community_id, members[0],
                MemberDraft("王大明", False),
            )  # fmt: skip
        with pytest.raises(NotAllowed):
            await communities.replace_member(
                session, PROGRAM, STRANGER, community_id, members[1], MemberDraft("某", False)
            )
        before = (await communities.community_for_view(session, CONVENER, community_id))[0]
        old_code = before.members[1].invite_code
        corrected = await communities.replace_member(
            session, PROGRAM, CONVENER, community_id, members[1], MemberDraft("李 小華", True)
        )
        assert corrected.invite_code == old_code and corrected.gifted_teacher
        replaced = await communities.replace_member(
            session, PROGRAM, CONVENER, community_id, members[1], MemberDraft("吳五湖", False)
        )
        assert replaced.invite_code != old_code and replaced.user_id is None


async def test_schools_are_found_by_their_short_names(database: Database):
    async with database.session() as session:
        found = await communities.search_schools(session, PROGRAM, "正興國小")
        assert [school.name for school in found] == ["高雄市三民區正興國民小學"]
        assert await communities.search_schools(session, PROGRAM, "   ") == []
        assert len(await communities.search_schools(session, PROGRAM, "國小", limit=5)) == 5


async def test_progress_counts_only_the_communitys_activities(database: Database):
    community_id = await _register(database)
    members = await _member_ids(database, community_id)
    async with database.session() as session:
        await communities.log_activity(
            session, PROGRAM, CONVENER, community_id, _meeting(members), "p1"
        )
        community, _ = await communities.community_for_view(session, CONVENER, community_id)
        progress = communities.progress_of(PROGRAM, community, dt.date(2022, 10, 20))
    assert progress.counted_activities == 1
    dialogue = progress.requirement("dialogues")
    assert dialogue is not None and dialogue.met


@given(st.text(max_size=200))
def test_clean_text_never_returns_blank_or_overlong_text(text: str):
    try:
        cleaned = communities.clean_text(text, 60)
    except communities.InvalidText as error:
        assert error.reason in ("empty", "not_text", "too_long")
    else:
        assert cleaned == cleaned.strip() and 0 < len(cleaned) <= 60 and "  " not in cleaned


def test_invite_codes_are_random_and_fit_a_start_payload():
    codes = {communities.new_code() for _ in range(1000)}
    assert len(codes) == 1000
    link = communities.invite_link("bot", next(iter(codes)))
    payload = link.split("start=")[1]
    assert len(payload) <= 64 and payload.replace("_", "").replace("-", "").isalnum()


MEMBERS = [(11, "王怡君"), (12, "林志明"), (13, "陳淑芬"), (14, "Mary Chen")]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("1 3", [11, 13]),
        ("３、１", [11, 13]),
        ("1,2,4", [11, 12, 14]),
        ("1-3", [11, 12, 13]),
        ("2到4", [12, 13, 14]),
        ("林志明 王怡君老師", [11, 12]),
        ("mary chen", [14]),
        ("全部", [11, 12, 13, 14]),
        ("All", [11, 12, 13, 14]),
        ("1 9", None),
        ("0", None),
        ("王小明", None),
        ("", None),
        ("3-1", None),
    ],
)
def test_attendees_can_be_typed_as_numbers_names_or_everyone(typed, expected):
    assert communities.attendees_typed(typed, MEMBERS) == expected


@given(st.text(max_size=40))
def test_typed_attendees_are_members_in_list_order_or_none(typed: str) -> None:
    chosen = communities.attendees_typed(typed, MEMBERS)
    ids = [member_id for member_id, _ in MEMBERS]
    assert chosen is None or (chosen and chosen == [i for i in ids if i in set(chosen)])
