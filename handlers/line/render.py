"""Replies shaped to LINE's limits: ≤ 5,000 characters a text, ≤ 5 messages a reply,
≤ 13 quick-reply items with labels ≤ 20 characters and postback data ≤ 300."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from linebot.v3.messaging import Message, PostbackAction, QuickReply, QuickReplyItem, TextMessage

MAX_TEXT_UNITS = 5000
MAX_MESSAGES = 5
MAX_QUICK_REPLIES = 13
MAX_LABEL_UNITS = 20
MAX_POSTBACK_BYTES = 300

_TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class Choice:
    """A quick-reply button: what it says, and the postback data it sends."""

    label: str
    data: str


@dataclass(frozen=True)
class Reply:
    """What the bot says to one LINE user, before it is shaped into message objects."""

    texts: list[str]
    choices: list[Choice] = field(default_factory=list)


def plain_text(telegram_html: str) -> str:
    """A catalogue text written for Telegram's HTML (user values escaped) as LINE's plain text."""
    return html.unescape(_TAG.sub("", telegram_html))


def utf16_units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _clip(text: str, units: int) -> str:
    if utf16_units(text) <= units:
        return text
    clipped = ""
    for char in text:
        if utf16_units(clipped + char) > units - 1:
            break
        clipped += char
    return clipped + "…"


def split_text(text: str, units: int = MAX_TEXT_UNITS) -> list[str]:
    """Split a long text at line ends (or anywhere, for one very long line)."""
    chunks: list[str] = []
    current = ""
    for line in text.splitlines(keepends=True):
        while utf16_units(line) > units:
            head = _clip(line, units + 1)[:-1]  # the longest prefix that fits
            if current:
                chunks.append(current)
                current = ""
            chunks.append(head)
            line = line[len(head) :]
        if utf16_units(current + line) > units:
            chunks.append(current)
            current = ""
        current += line
    if current.strip() or not chunks:
        chunks.append(current)
    return [chunk.rstrip("\n") or " " for chunk in chunks]


def messages_of(reply: Reply) -> list[Message]:
    """The message objects of a reply, quick replies on the last one (LINE shows only those)."""
    texts = [chunk for text in reply.texts for chunk in split_text(text)]
    items = [
        QuickReplyItem(
            action=PostbackAction(
                label=_clip(choice.label, MAX_LABEL_UNITS),
                data=choice.data,
                displayText=choice.label[:300],
            )
        )
        for choice in reply.choices[:MAX_QUICK_REPLIES]
        if 0 < len(choice.data.encode()) <= MAX_POSTBACK_BYTES
    ]
    messages: list[Message] = [TextMessage(text=text) for text in texts]
    if items:
        messages[-1] = TextMessage(text=texts[-1], quickReply=QuickReply(items=items))
    return messages


def batches(messages: list[Message]) -> list[list[Message]]:
    """Messages in groups LINE accepts in one call."""
    return [messages[i : i + MAX_MESSAGES] for i in range(0, len(messages), MAX_MESSAGES)]
