"""Broadcasts: checking the staff's text, resolving the audience, recording what is to be sent.

Plain typed functions, no Telegram. The text is Telegram HTML: the tags Telegram accepts are
allowed and checked here before anything is sent, so a mistake gets a clear reply instead of a
failed broadcast. A bare ``&``, and a ``<`` that cannot start a tag (``a < b``), are escaped for
the writer; anything that looks like a tag must be one Telegram knows.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot import audit
from bot.program import Program
from bot.staff import behind_schedule
from db import broadcasts as store
from db import deliveries
from db import staff_queries as queries
from db.community_status import Purpose, statuses
from db.models import Broadcast, DeliveryStatus

MAX_TEXT_LENGTH = 4096  # Telegram's limit for a message, counted after the markup is parsed

# Telegram's HTML tags (core.telegram.org/bots/api#html-style) and the attributes they take.
ALLOWED_TAGS = {
    "b": (), "strong": (), "i": (), "em": (), "u": (), "ins": (), "s": (), "strike": (),
    "del": (), "tg-spoiler": (), "span": ("class",), "a": ("href",), "code": ("class",),
    "pre": (), "blockquote": ("expandable",), "tg-emoji": ("emoji-id",),
}  # fmt: skip
_ENTITY = re.compile(r"&(?:lt|gt|amp|quot|#\d{1,7}|#[xX][0-9a-fA-F]{1,6});")
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)([^<>]*)>")
_ATTRIBUTE = re.compile(r"""\s*([A-Za-z-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?""")

# Links may open a web page or a Telegram chat; javascript:, data: and the like never.
LINK_SCHEMES = ("http", "https", "tg")
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
MAX_SHOWN_LINK = 60

# Audience kinds.
EVERYONE = "everyone"
CONVENERS = "conveners"
COMMUNITY_TYPE = "type"
SCHOOLS = "schools"
BEHIND = "behind"
AUDIENCE_KINDS = (EVERYONE, CONVENERS, COMMUNITY_TYPE, SCHOOLS, BEHIND)


class BroadcastTextError(Exception):
    """The text cannot be sent; ``reason`` is a catalogue key, ``values`` fill it in."""

    def __init__(self, reason: str, **values: object) -> None:
        super().__init__(reason)
        self.reason = reason
        self.values = values


def _line_of(text: str, index: int) -> int:
    return text.count("\n", 0, index) + 1


def _escape_loose(text: str) -> str:
    """Escape a ``&`` that starts no entity and a ``<`` that starts no tag or end tag."""
    out: list[str] = []
    for index, char in enumerate(text):
        if char == "&" and not _ENTITY.match(text, index):
            out.append("&amp;")
        elif char == "<" and not re.match(r"</?[A-Za-z]", text[index : index + 3]):
            out.append("&lt;")
        else:
            out.append(char)
    return "".join(out)


def _check_attributes(tag: str, raw: str, line: int) -> None:
    allowed = ALLOWED_TAGS[tag]
    seen: dict[str, str] = {}
    position = 0
    raw = raw.rstrip("/ \t\n")
    while position < len(raw):
        match = _ATTRIBUTE.match(raw, position)
        if match is None or match.end() == position:
            raise BroadcastTextError("bad_attribute", tag=tag, line=line)
        name = match.group(1).lower()
        if name not in allowed:
            raise BroadcastTextError("bad_attribute", tag=tag, line=line)
        seen[name] = next((g for g in match.group(2, 3, 4) if g is not None), "")
        position = match.end()
    if tag == "a" and not seen.get("href"):
        raise BroadcastTextError("link_without_address", line=line)
    if tag == "a":
        _check_link(seen["href"], line)
    if tag == "span" and seen.get("class") != "tg-spoiler":
        raise BroadcastTextError("bad_attribute", tag=tag, line=line)
    if tag == "tg-emoji" and not seen.get("emoji-id"):
        raise BroadcastTextError("bad_attribute", tag=tag, line=line)


def _check_link(href: str, line: int) -> None:
    # Decoded as the reader's app decodes it, so "&#106;avascript:" or a tab inside the scheme
    # cannot slip through.
    address = re.sub(r"[\x00-\x20\x7f]", "", html.unescape(href))
    scheme = _SCHEME.match(address)
    if scheme is None or scheme.group(1).lower() not in LINK_SCHEMES:
        shown = html.unescape(href).strip()
        if len(shown) > MAX_SHOWN_LINK:
            shown = shown[: MAX_SHOWN_LINK - 1] + "…"
        raise BroadcastTextError("link_scheme", link=shown, line=line)


def visible_length(html_text: str) -> int:
    """How long the message is once the markup is parsed, in Telegram's UTF-16 units."""
    plain = _TAG.sub("", html_text)
    plain = re.sub(r"&(?:lt|gt|amp|quot|#\d+|#[xX][0-9a-fA-F]+);", "x", plain)
    return len(plain.encode("utf-16-le")) // 2


def clean_broadcast_html(text: str) -> str:
    """The text ready to send as Telegram HTML; BroadcastTextError says what is wrong."""
    if not text or not text.strip():
        raise BroadcastTextError("empty")
    html_text = _escape_loose(text.strip())
    stack: list[tuple[str, int]] = []
    for match in _TAG.finditer(html_text):
        closing, name, attributes = match.group(1), match.group(2).lower(), match.group(3)
        line = _line_of(html_text, match.start())
        if name not in ALLOWED_TAGS:
            raise BroadcastTextError("unsupported_tag", tag=name, line=line)
        if closing:
            if not stack:
                raise BroadcastTextError("unexpected_end_tag", tag=name, line=line)
            opened, opened_line = stack.pop()
            if opened != name:
                raise BroadcastTextError(
                    "mismatched_tag", opened=opened, tag=name, line=line, opened_line=opened_line
                )
            continue
        _check_attributes(name, attributes, line)
        stack.append((name, line))
    if stack:
        name, line = stack[-1]
        raise BroadcastTextError("unclosed_tag", tag=name, line=line)
    stray = re.search(r"<[^>]*$|<[^>]*<", html_text)
    if stray:
        raise BroadcastTextError("unclosed_bracket", line=_line_of(html_text, stray.start()))
    plain = _TAG.sub("", html_text)
    if not re.sub(r"&[^;]+;", "x", plain).strip():
        raise BroadcastTextError("empty")
    length = visible_length(html_text)
    if length > MAX_TEXT_LENGTH:
        raise BroadcastTextError("too_long", length=length, limit=MAX_TEXT_LENGTH)
    return html_text


# --- audiences ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Audience:
    """Who a broadcast goes to: everyone, conveners, one type, some schools, or those behind."""

    kind: str
    type_key: str | None = None
    school_ids: tuple[int, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        """The JSON stored with the broadcast."""
        data: dict[str, Any] = {"kind": self.kind}
        if self.type_key is not None:
            data["type_key"] = self.type_key
        if self.school_ids:
            data["school_ids"] = list(self.school_ids)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Audience:
        """The audience stored with a broadcast (or kept in a draft)."""
        kind = str(data.get("kind", ""))
        if kind not in AUDIENCE_KINDS:
            raise ValueError(f"unknown audience {kind!r}")
        type_key = data.get("type_key")
        return cls(
            kind=kind,
            type_key=str(type_key) if type_key is not None else None,
            school_ids=tuple(int(i) for i in data.get("school_ids", [])),
        )


async def recipients(
    session: AsyncSession, program: Program, audience: Audience, today: dt.date
) -> set[int]:
    """The users a broadcast to this audience reaches (those who blocked the bot excluded)."""
    year = program.program.year
    # The communities still in the program, as every audience counts them.
    in_program = statuses(Purpose.IN_PROGRAM)
    if audience.kind == EVERYONE:
        return await queries.active_user_ids(session)
    if audience.kind == CONVENERS:
        people = await queries.convener_ids(session, year, in_program)
    elif audience.kind == COMMUNITY_TYPE:
        program.community_type(audience.type_key or "")  # KeyError for an unknown type
        ids = await queries.community_ids(
            session, year, statuses=in_program, type_key=audience.type_key
        )
        people = await queries.people_of_communities(session, ids)
    elif audience.kind == SCHOOLS:
        ids = await queries.community_ids(
            session, year, statuses=in_program, school_ids=audience.school_ids
        )
        people = await queries.people_of_communities(session, ids)
    else:
        behind = await behind_schedule(session, program, today, "zh-TW")
        people = await queries.people_of_communities(session, [c.id for c in behind])
    return await queries.only_active(session, people)


@dataclass(frozen=True)
class SchoolChoice:
    """A school with communities this year, to pick as an audience."""

    id: int
    name: str
    communities: int


async def find_schools(
    session: AsyncSession, program: Program, typed: str, limit: int = 10
) -> list[SchoolChoice]:
    """Schools with communities this year whose name contains what was typed (國小 = 國民小學)."""
    wanted = _school_key(typed)
    found = [
        SchoolChoice(school_id, name, count)
        for school_id, name, count in await queries.schools_with_communities(
            session, program.program.year, statuses(Purpose.IN_PROGRAM)
        )
        if wanted and wanted in _school_key(name)
    ]
    return found[:limit]


def _school_key(text: str) -> str:
    key = text.strip().replace("臺", "台").replace(" ", "")
    for long, short in (("國民小學", "國小"), ("國民中學", "國中"), ("高級中學", "高中")):
        key = key.replace(long, short)
    return key


async def school_names(session: AsyncSession, school_ids: tuple[int, ...]) -> list[str]:
    """The names of the chosen schools, in the order chosen."""
    names = await queries.school_names(session, school_ids)
    return [names[i] for i in school_ids if i in names]


# --- recording and reporting ----------------------------------------------------------------


class NoRecipients(Exception):
    """The audience reaches nobody; nothing was recorded."""


async def create(
    session: AsyncSession,
    program: Program,
    *,
    created_by: int,
    text_html: str,
    audience: Audience,
    today: dt.date,
    now: dt.datetime,
    sender_language: str,
) -> tuple[Broadcast, int]:
    """Record the broadcast (status sending) and one pending delivery per recipient."""
    text_html = clean_broadcast_html(text_html)
    people = await recipients(session, program, audience, today)
    if not people:
        raise NoRecipients()
    stored = {**audience.to_dict(), "sender_language": sender_language}
    broadcast = await store.add_broadcast(
        session, created_by=created_by, text_html=text_html, audience=stored, started_at=now
    )
    await deliveries.add_pending(
        session, ((user_id, text_html) for user_id in sorted(people)), broadcast_id=broadcast.id
    )
    await audit.record(
        session,
        created_by,
        audit.BROADCAST,
        {"id": broadcast.id, "audience": audience.kind, "recipients": len(people)},
        now,
    )
    return broadcast, len(people)


@dataclass(frozen=True)
class Figures:
    """How a broadcast's deliveries stand."""

    total: int
    sent: int
    blocked: int
    failed: int
    waiting: int
    # Timed out (or cut off by a restart) during the Telegram call: maybe delivered, not resent.
    unknown: int = 0

    @property
    def done(self) -> int:
        """Deliveries with an outcome, known or not."""
        return self.sent + self.blocked + self.failed + self.unknown

    @property
    def finished(self) -> bool:
        """Whether no delivery is left to send."""
        return self.waiting == 0


async def figures(session: AsyncSession, broadcast_id: int) -> Figures:
    """The delivery figures of one broadcast."""
    counts = await deliveries.counts(session, broadcast_id=broadcast_id)
    return _figures(counts)


async def reminder_figures(session: AsyncSession, reminder_id: int) -> Figures:
    """The delivery figures of one reminder."""
    return _figures(await deliveries.counts(session, reminder_id=reminder_id))


def _figures(counts: dict[DeliveryStatus, int]) -> Figures:
    return Figures(
        total=sum(counts.values()),
        sent=counts.get(DeliveryStatus.SENT, 0),
        blocked=counts.get(DeliveryStatus.BLOCKED, 0),
        failed=counts.get(DeliveryStatus.FAILED, 0) + counts.get(DeliveryStatus.SKIPPED, 0),
        waiting=counts.get(DeliveryStatus.PENDING, 0) + counts.get(DeliveryStatus.SENDING, 0),
        unknown=counts.get(DeliveryStatus.UNKNOWN, 0),
    )


# The groups of a report staff can list: sent, blocked, failed, outcome unknown.
REPORT_GROUPS = deliveries.REPORT_GROUPS
Recipient = deliveries.Recipient


async def people_in_group(
    session: AsyncSession,
    group: str,
    *,
    broadcast_id: int | None = None,
    reminder_id: int | None = None,
    limit: int = 200,
) -> tuple[list[Recipient], int]:
    """Who of a broadcast's (or reminder's) recipients is in ``group``, by name; and how many
    in all. ValueError for an unknown group."""
    return await deliveries.recipients_in_group(
        session, group, broadcast_id=broadcast_id, reminder_id=reminder_id, limit=limit
    )


@dataclass(frozen=True)
class PastBroadcast:
    """One broadcast as /broadcasts lists it."""

    id: int
    created_at: dt.datetime
    status: str
    audience: dict[str, Any]
    text_html: str
    figures: Figures


async def recent(session: AsyncSession, limit: int = 10) -> list[PastBroadcast]:
    """The latest broadcasts with their figures, newest first."""
    rows = await store.recent_broadcasts(session, limit)
    counts = await store.delivery_counts(session, [row.id for row in rows])
    return [
        PastBroadcast(
            id=row.id,
            created_at=row.created_at,
            status=str(row.status),
            audience=dict(row.audience),
            text_html=row.text_html,
            figures=_figures(counts.get(row.id, {})),
        )
        for row in rows
    ]
