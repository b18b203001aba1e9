"""Storage of schools, communities, members and activities."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import pytest

from db import communities as store
from db.engine import Database
from db.models import Activity, Community, Member, User


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    db = Database(database_url)
    await db.migrate()
    try:
        yield db
    finally:
        await db.dispose()


async def _community(database: Database, convener: int = 1, code: str = "c1") -> int:
    async with database.session() as session:
        session.add(User(id=convener))
        school = await store.add_school(session, f"學校{convener}")
        community = Community(
            program_year=111, type_key="co_planning", school_id=school.id, name="社群",
            convener_user_id=convener, invite_code=code,
            members=[Member(position=0, name="王", is_convener=True, user_id=convener),
                     Member(position=1, name="李", invite_code=f"inv{code}")],
        )  # fmt: skip
        saved = await store.add_community(session, community)
        assert saved is not None
        return saved.id


async def test_the_letters_schools_are_seeded_once(database: Database):
    async with database.session() as session:
        assert await store.seed_letter_schools(session, ["甲國小", "乙國中", "甲國小"]) == 2
        assert await store.seed_letter_schools(session, ["甲國小", "丙高中"]) == 0
        names = [school.name for school in await store.all_schools(session)]
    assert names == ["乙國中", "甲國小"]


async def test_an_added_school_is_marked_as_not_in_the_letter_and_not_duplicated(
    database: Database,
):
    async with database.session() as session:
        first = await store.add_school(session, "星空國小")
        second = await store.add_school(session, "星空國小")
    assert first.id == second.id and not first.in_letter


async def test_a_second_community_of_the_same_convener_and_year_is_not_inserted(
    database: Database,
):
    await _community(database)
    async with database.session() as session:
        school = await store.add_school(session, "學校1")
        duplicate = Community(
            program_year=111, type_key="co_planning", school_id=school.id, name="又一個",
            convener_user_id=1, invite_code="c2",
        )  # fmt: skip
        assert await store.add_community(session, duplicate) is None
        assert len(await store.communities_of_user(session, 111, 1)) == 1


async def test_an_activity_with_a_known_client_token_is_not_inserted_again(database: Database):
    community_id = await _community(database)

    def activity() -> Activity:
        return Activity(
            community_id=community_id, client_token="tok", day=dt.date(2022, 10, 5),
            kind="dialogue", topic="主題", attendee_member_ids=[1],
        )  # fmt: skip

    async with database.session() as session:
        first, created = await store.add_activity(session, activity())
        assert created
    async with database.session() as session:
        again, created = await store.add_activity(session, activity())
        assert not created and again.id == first.id
        assert await store.activity_days_and_kinds(session, [community_id]) == {
            community_id: [(dt.date(2022, 10, 5), "dialogue")]
        }


async def test_members_are_found_by_invite_code_and_linked_users_see_their_community(
    database: Database,
):
    community_id = await _community(database)
    async with database.session() as session:
        member = await store.member_by_invite(session, "invc1")
        assert member is not None and member.name == "李"
        session.add(User(id=5))
        await session.flush()
        member.user_id = 5
    async with database.session() as session:
        found = await store.communities_of_user(session, 111, 5)
        assert [c.id for c in found] == [community_id]
        assert await store.communities_of_user(session, 112, 5) == []
        linked = await store.member_of_user(session, community_id, 5)
        assert linked is not None and linked.name == "李"
