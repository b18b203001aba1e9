"""Applications follow the letter: rules and deadline to submit, the quota to approve."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import AsyncIterator

import pytest

from bot import applications
from bot.applications import ApplicationError
from bot.program import Program, load_program
from db.engine import Database
from db.models import Community, CommunityStatus, Member, School, User

NOW = dt.datetime(2022, 9, 10, 2, tzinfo=dt.UTC)
STAFF = 90001


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    db = Database(database_url)
    await db.migrate()
    yield db
    await db.dispose()


@pytest.fixture(scope="module")
def program() -> Program:
    return load_program()


async def add(
    database: Database,
    convener: int,
    status: CommunityStatus = CommunityStatus.DRAFT,
    *,
    type_key: str = "co_planning",
    gifted: int = 1,
    members: int = 4,
) -> int:
    async with database.session() as session:
        session.add(User(id=convener, display_name=str(convener)))
        community = Community(
            program_year=111,
            type_key=type_key,
            school=School(name=f"學校{convener}", in_letter=False),
            name=f"社群{convener}",
            convener_user_id=convener,
            status=status,
            invite_code=secrets.token_hex(6),
            members=[
                Member(position=i, name=f"老師{convener}-{i}", gifted_teacher=i < gifted)
                for i in range(members)
            ],
            activities=[],
        )
        session.add(community)
        await session.flush()
        return community.id


async def submit(database: Database, program: Program, user: int, community: int, day: dt.date):
    async with database.session() as session:
        return await applications.submit(session, program, user, community, today=day, now=NOW)


async def test_a_convener_submits_on_the_deadline_day(database: Database, program: Program):
    community = await add(database, 1)
    view = await submit(database, program, 1, community, dt.date(2022, 9, 21))
    assert view.status == "submitted" and view.submitted_at == NOW


async def test_the_day_after_the_deadline_is_too_late(database: Database, program: Program):
    community = await add(database, 1)
    with pytest.raises(ApplicationError) as raised:
        await submit(database, program, 1, community, dt.date(2022, 9, 22))
    assert raised.value.reason == "deadline_passed"
    assert raised.value.values == {"deadline": dt.date(2022, 9, 21)}


async def test_members_breaking_the_rules_block_the_submission(
    database: Database, program: Program
):
    community = await add(database, 1, type_key="curriculum", gifted=1, members=5)
    with pytest.raises(ApplicationError) as raised:
        await submit(database, program, 1, community, dt.date(2022, 9, 10))
    assert raised.value.reason == "rules"
    keys = {problem.key for problem in raised.value.values["problems"]}  # type: ignore[attr-defined]
    assert keys == {"too_few_members", "too_few_gifted"}


async def test_only_the_convener_submits_and_only_once(database: Database, program: Program):
    community = await add(database, 1)
    with pytest.raises(ApplicationError) as someone_else:
        await submit(database, program, 2, community, dt.date(2022, 9, 10))
    assert someone_else.value.reason == "not_convener"
    await submit(database, program, 1, community, dt.date(2022, 9, 10))
    with pytest.raises(ApplicationError) as again:
        await submit(database, program, 1, community, dt.date(2022, 9, 10))
    assert again.value.reason == "already_submitted"


async def test_approving_counts_toward_the_quota_of_its_type(database: Database, program: Program):
    community = await add(database, 1, CommunityStatus.SUBMITTED)
    async with database.session() as session:
        decision = await applications.approve(session, program, community, STAFF, NOW)
    assert decision.approved and (decision.quota.approved, decision.quota.quota) == (1, 15)
    async with database.session() as session:
        uses = {u.type_key: u.approved for u in await applications.quota_use(session, program)}
    assert uses == {"co_planning": 1, "curriculum": 0}


async def test_the_sixteenth_of_a_type_is_refused(database: Database, program: Program):
    for convener in range(100, 115):
        await add(database, convener, CommunityStatus.APPROVED)
    waiting = await add(database, 1, CommunityStatus.SUBMITTED)
    other_type = await add(
        database, 2, CommunityStatus.SUBMITTED, type_key="curriculum", gifted=2, members=6
    )
    async with database.session() as session:
        with pytest.raises(ApplicationError) as raised:
            await applications.approve(session, program, waiting, STAFF, NOW)
    assert raised.value.reason == "quota_full"
    assert raised.value.values == {"approved": 15, "quota": 15}
    async with database.session() as session:
        decision = await applications.approve(session, program, other_type, STAFF, NOW)
    assert decision.approved


async def test_deciding_twice_changes_nothing(database: Database, program: Program):
    community = await add(database, 1, CommunityStatus.SUBMITTED)
    async with database.session() as session:
        await applications.approve(session, program, community, STAFF, NOW)
    for decide in (
        lambda s: applications.approve(s, program, community, STAFF, NOW),
        lambda s: applications.reject(s, program, community, STAFF, "理由", NOW),
    ):
        async with database.session() as session:
            with pytest.raises(ApplicationError) as raised:
                await decide(session)
        assert raised.value.reason == "already_approved"


async def test_a_rejection_needs_a_reason_of_reasonable_length(
    database: Database, program: Program
):
    community = await add(database, 1, CommunityStatus.SUBMITTED)
    for reason, expected in (("  ", "reason_empty"), ("理" * 501, "reason_too_long")):
        async with database.session() as session:
            with pytest.raises(ApplicationError) as raised:
                await applications.reject(session, program, community, STAFF, reason, NOW)
        assert raised.value.reason == expected
    async with database.session() as session:
        decision = await applications.reject(
            session, program, community, STAFF, " 概算表未核章 ", NOW
        )
    assert not decision.approved
    assert decision.application.review_reason == "概算表未核章"
    assert decision.application.status == "rejected"


async def test_a_draft_cannot_be_decided(database: Database, program: Program):
    community = await add(database, 1)
    async with database.session() as session:
        with pytest.raises(ApplicationError) as raised:
            await applications.approve(session, program, community, STAFF, NOW)
    assert raised.value.reason == "not_submitted"
