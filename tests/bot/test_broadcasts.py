"""Broadcast texts are checked before sending; audiences resolve to the right people."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import AsyncIterator

import pytest

from bot.broadcasts import (
    Audience,
    BroadcastTextError,
    NoRecipients,
    clean_broadcast_html,
    create,
    figures,
    recipients,
)
from bot.program import Program, load_program
from db.engine import Database
from db.models import Activity, Community, CommunityStatus, Member, School, User

TODAY = dt.date(2023, 3, 1)


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    db = Database(database_url)
    await db.migrate()
    yield db
    await db.dispose()


@pytest.fixture(scope="module")
def program() -> Program:
    return load_program()


# --- the text -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "<b>研習通知</b>",
        "<i>a</i> <u>b</u> <s>c</s> <code>d</code> <pre>e</pre> <tg-spoiler>f</tg-spoiler>",
        '<a href="https://gifted.kh.edu.tw/?a=1">資源中心網站</a>',
        '<span class="tg-spoiler">x</span> <blockquote expandable>y</blockquote>',
        "&lt;不是標籤&gt; &amp; &#169;",
    ],
)
def test_telegram_html_is_accepted_as_typed(typed: str):
    assert clean_broadcast_html(typed) == typed


def test_a_bare_ampersand_and_a_lone_angle_bracket_are_escaped_for_the_writer():
    assert clean_broadcast_html("研習 & 分享 <3 a < b") == "研習 &amp; 分享 &lt;3 a &lt; b"
    assert clean_broadcast_html('<a href="https://x.tw/?a=1&b=2">x</a>') == (
        '<a href="https://x.tw/?a=1&amp;b=2">x</a>'
    )


@pytest.mark.parametrize(
    ("typed", "reason", "values"),
    [
        ("", "empty", {}),
        ("  \n ", "empty", {}),
        ("<b> </b>", "empty", {}),
        ("第一行\n<b>粗體", "unclosed_tag", {"tag": "b", "line": 2}),
        ("<b>x</i>", "mismatched_tag", {"opened": "b", "tag": "i", "line": 1, "opened_line": 1}),
        ("x</b>", "unexpected_end_tag", {"tag": "b", "line": 1}),
        ("a<br>b", "unsupported_tag", {"tag": "br", "line": 1}),
        ("<div>x</div>", "unsupported_tag", {"tag": "div", "line": 1}),
        ("<a>x</a>", "link_without_address", {"line": 1}),
        ('<b style="x">y</b>', "bad_attribute", {"tag": "b", "line": 1}),
        ("<span>x</span>", "bad_attribute", {"tag": "span", "line": 1}),
        ("x <b", "unclosed_bracket", {"line": 1}),
    ],
)
def test_mistakes_are_named_with_their_line(typed: str, reason: str, values: dict[str, object]):
    with pytest.raises(BroadcastTextError) as raised:
        clean_broadcast_html(typed)
    assert raised.value.reason == reason
    assert raised.value.values == values


def test_the_length_limit_counts_what_the_reader_sees():
    assert clean_broadcast_html("<b>" + "公" * 4096 + "</b>")
    with pytest.raises(BroadcastTextError) as raised:
        clean_broadcast_html("公" * 4097)
    assert raised.value.reason == "too_long"
    assert raised.value.values == {"length": 4097, "limit": 4096}


# --- audiences ------------------------------------------------------------------------------


async def _people(database: Database) -> dict[str, int]:
    """Two communities (one behind schedule), their people, a teacher and a blocked user."""
    async with database.session() as session:
        for user_id in (1, 2, 3, 4, 5, 6):
            session.add(User(id=user_id, display_name=str(user_id), active=user_id != 6))
        school_a = School(name="高雄市左營區新民國民小學", in_letter=True)
        school_b = School(name="高雄市立高雄高級中學", in_letter=True)
        on_pace = [
            Activity(client_token=secrets.token_hex(6), day=dt.date(2022, 10, d), kind=kind)
            for d, kind in ((3, "dialogue"), (4, "public_lesson"), (5, "other"), (6, "other"))
        ]
        for activity in on_pace:
            activity.topic = "共備"
        session.add_all(
            [
                Community(
                    program_year=111,
                    type_key="co_planning",
                    school=school_a,
                    name="甲",
                    convener_user_id=1,
                    status=CommunityStatus.APPROVED,
                    invite_code=secrets.token_hex(6),
                    members=[
                        Member(position=0, name="一", is_convener=True, user_id=1),
                        Member(position=1, name="二", user_id=2),
                        Member(position=2, name="六", user_id=6),
                    ],
                    activities=on_pace,
                ),
                Community(
                    program_year=111,
                    type_key="curriculum",
                    school=school_b,
                    name="乙",
                    convener_user_id=3,
                    status=CommunityStatus.APPROVED,
                    invite_code=secrets.token_hex(6),
                    members=[
                        Member(position=0, name="三", is_convener=True, user_id=3),
                        Member(position=1, name="四", user_id=4),
                    ],
                    activities=[],
                ),
            ]
        )
        await session.flush()
        return {"a": school_a.id, "b": school_b.id}


async def _recipients(database: Database, program: Program, audience: Audience) -> set[int]:
    async with database.session() as session:
        return await recipients(session, program, audience, TODAY)


async def test_everyone_means_every_user_who_has_not_blocked_the_bot(
    database: Database, program: Program
):
    await _people(database)
    assert await _recipients(database, program, Audience("everyone")) == {1, 2, 3, 4, 5}


async def test_conveners_are_only_the_conveners(database: Database, program: Program):
    await _people(database)
    assert await _recipients(database, program, Audience("conveners")) == {1, 3}


async def test_one_type_reaches_its_conveners_and_linked_members(
    database: Database, program: Program
):
    await _people(database)
    audience = Audience("type", type_key="co_planning")
    assert await _recipients(database, program, audience) == {1, 2}


async def test_chosen_schools_reach_the_people_of_their_communities(
    database: Database, program: Program
):
    schools = await _people(database)
    audience = Audience("schools", school_ids=(schools["b"],))
    assert await _recipients(database, program, audience) == {3, 4}


async def test_behind_schedule_reaches_the_communities_behind(database: Database, program: Program):
    await _people(database)
    assert await _recipients(database, program, Audience("behind")) == {3, 4}


async def test_an_audience_survives_being_stored_as_json():
    audience = Audience("schools", school_ids=(3, 5))
    assert Audience.from_dict(audience.to_dict()) == audience
    with pytest.raises(ValueError):
        Audience.from_dict({"kind": "aliens"})


async def test_creating_a_broadcast_writes_one_pending_delivery_per_recipient(
    database: Database, program: Program
):
    await _people(database)
    async with database.session() as session:
        broadcast, count = await create(
            session,
            program,
            created_by=5,
            text_html="公告 & 通知",
            audience=Audience("conveners"),
            today=TODAY,
            now=dt.datetime(2023, 3, 1, 1, tzinfo=dt.UTC),
            sender_language="zh-TW",
        )
    assert count == 2
    assert broadcast.text_html == "公告 &amp; 通知"
    async with database.session() as session:
        standing = await figures(session, broadcast.id)
    assert (standing.total, standing.waiting, standing.sent) == (2, 2, 0)


async def test_a_broadcast_to_nobody_is_not_recorded(database: Database, program: Program):
    async with database.session() as session:
        with pytest.raises(NoRecipients):
            await create(
                session,
                program,
                created_by=5,
                text_html="公告",
                audience=Audience("conveners"),
                today=TODAY,
                now=dt.datetime(2023, 3, 1, 1, tzinfo=dt.UTC),
                sender_language="zh-TW",
            )


@pytest.mark.parametrize(
    "href",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "&#106;avascript:alert(1)",
        "java\tscript:alert(1)",
        "data:text/html;base64,PHNjcmlwdD4=",
        "ftp://files.example.org/",
        "gifted.kh.edu.tw",
    ],
)
def test_links_other_than_http_https_and_tg_are_refused_naming_the_link(href: str):
    with pytest.raises(BroadcastTextError) as caught:
        clean_broadcast_html(f'第一行\n<a href="{href}">點我</a>')
    assert caught.value.reason == "link_scheme"
    assert caught.value.values["line"] == 2
    assert str(caught.value.values["link"]).strip()


@pytest.mark.parametrize("href", ["http://a.tw/", "HTTPS://a.tw/x", "tg://resolve?domain=x"])
def test_http_https_and_tg_links_are_accepted(href: str):
    assert href in clean_broadcast_html(f'<a href="{href}">x</a>')
