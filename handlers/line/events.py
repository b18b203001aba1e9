"""One LINE webhook event → the domain → a reply. Plain dicts in, :class:`Reply` out.

Serves teachers' questions, topic browsing, registering a community (「登錄社群」,
handlers/line/register.py), logging a meeting (「記錄活動」, handlers/line/activity_log.py),
a community's progress (「進度」) and page (「我的社群」), joining one with an invite code
(「加入 <code>」, handlers/line/community.py), and the user's own settings (「隱私」,
「刪除我的資料」, 「提醒」, 「語言」, handlers/line/account.py). Typed text and 「取消」 go to
the flow the user last answered. Telegram's command names (/progress, /reminders, …) work as
keywords too, since texts shared by both messengers name them.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from bot.i18n import normalise_language, t
from bot.qa import Answer, QaEngine
from bot.qa.normalise import normalise
from bot.services import Services
from bot.typed_words import is_one_of, words_of
from db import identities, questions, users
from handlers.line import account, activity_log, community, drafts, members, register
from handlers.line.render import Choice, Reply

logger = logging.getLogger(__name__)

TOPICS = "qa:t"
ENTRY = "qa:e:"  # qa:e:<language>:<entry id>
FLOW_KEYWORDS = ("register", "log", "progress")


@dataclass(frozen=True)
class Profile:
    display_name: str
    language: str | None


ProfileLookup = Callable[[str], Awaitable[Profile | None]]
# An image message's bytes and media type, or None when LINE could not give them.
ContentFetch = Callable[[str], Awaitable[tuple[bytes, str] | None]]


@dataclass(frozen=True)
class Outcome:
    """What to send back for one event: to whom, on which reply token, what."""

    to: str
    reply_token: str | None
    reply: Reply | None


def _matches(text: str, language: str, key: str) -> bool:
    # Compared as the Q&A reads questions: 「进度」 typed in Simplified Chinese is 「進度」.
    return is_one_of(text, words_of(language, f"line.keyword.{key}"))


def keyword_of(text: str, language: str) -> str | None:
    """Which typed keyword ("faq", "register", "log", "progress") the text is, if any."""
    return next((key for key in ("faq", *FLOW_KEYWORDS) if _matches(text, language, key)), None)


def _language_of(profile_language: str | None) -> str:
    return normalise_language(profile_language or "zh-TW")


def _topics_reply(engine: QaEngine, language: str) -> Reply:
    choices = [Choice(topic.label, f"{TOPICS}:{topic.key}") for topic in engine.topics(language)]
    return Reply([t(language, "line.topics_intro")], choices)


def _topic_reply(engine: QaEngine, key: str, language: str) -> Reply:
    topic = next((topic for topic in engine.topics(language) if topic.key == key), None)
    if topic is None:
        return Reply([t(language, "line.expired")])
    entries = engine.entries_for_topic(key, language)
    if not entries:
        return Reply([t(language, "line.topic_empty")])
    # Quick-reply labels are short, so the questions are listed in full in the text.
    lines = [t(language, "line.topic_intro", topic=topic.label)]
    lines += [f"{number}. {label}" for number, (_, label) in enumerate(entries, start=1)]
    choices = [
        Choice(f"{number}. {label}", f"{ENTRY}{language}:{entry_id}")
        for number, (entry_id, label) in enumerate(entries, start=1)
    ]
    return Reply(["\n".join(lines)], choices)


def answer_reply(answer: Answer) -> Reply:
    """An answer and the buttons under it, as Telegram shows them."""
    if answer.kind == "fallback":
        pairs = list(zip(answer.suggestion_ids, answer.suggestions, strict=False))
    elif answer.kind == "fact":
        pairs = list(answer.related)
    else:
        pairs = []
    choices = [Choice(label, f"{ENTRY}{answer.language}:{entry_id}") for entry_id, label in pairs]
    return Reply([answer.text], choices)


async def handle_event(
    services: Services,
    event: dict[str, Any],
    lookup_profile: ProfileLookup,
    fetch_content: ContentFetch | None = None,
) -> Outcome | None:
    """Handle one event; None when nothing is to be sent."""
    source = event.get("source") or {}
    reply_token = event.get("replyToken") if isinstance(event.get("replyToken"), str) else None
    kind = event.get("type")
    if source.get("type") in ("group", "room"):
        if kind == "join" and reply_token:
            where = source.get("groupId") or source.get("roomId") or ""
            return Outcome(where, reply_token, Reply([t("zh-TW", "line.group_only_one_to_one")]))
        return None
    line_user_id = source.get("userId")
    if not isinstance(line_user_id, str) or not line_user_id:
        return None
    if kind == "unfollow":
        async with services.database.session() as session:
            user = await identities.user_for_line(
                session, line_user_id, display_name="", language=None
            )
            await users.mark_blocked(session, user.id, services.clock.now())
            await session.commit()
        return None
    async with services.database.session() as session:
        known = await identities.is_known_line_user(session, line_user_id)
    # A newcomer's name and LINE language, asked of LINE once.
    profile = None if known else await lookup_profile(line_user_id)
    async with services.database.session() as session:
        user = await identities.user_for_line(
            session,
            line_user_id,
            display_name=profile.display_name if profile else "",
            language=_language_of(profile.language) if profile and profile.language else None,
        )
        language = _language_of(user.language)
        await session.commit()
    reply = await _reply_to(services, event, kind, language, user.id, fetch_content)
    return Outcome(line_user_id, reply_token, reply)


async def _reply_to(
    services: Services,
    event: dict[str, Any],
    kind: Any,
    language: str,
    user_id: int,
    fetch_content: ContentFetch | None = None,
) -> Reply | None:
    engine = await services.qa_engine()
    if kind == "follow":
        return Reply([t(language, "line.welcome", title=services.program.program.title)])
    if kind == "postback":
        data = (event.get("postback") or {}).get("data")
        data = data if isinstance(data, str) else ""
        for prefix, on_postback in _POSTBACKS:
            if data.startswith(prefix):
                return await on_postback(services, user_id, language, data)
        return _postback_reply(services, engine, data, language)
    if kind != "message":
        return None
    message = event.get("message") or {}
    if message.get("type") == "image":
        message_id = str(message.get("id") or "")
        photo = await activity_log.on_image(services, user_id, language, message_id, fetch_content)
        return photo or Reply([t(language, "line.image_outside_log")])
    if message.get("type") != "text" or not isinstance(message.get("text"), str):
        return Reply([t(language, "line.unsupported")])
    text: str = message["text"]
    step = await _keyword_reply(services, user_id, language, text)
    if step is not None:
        return step
    answer = engine.answer(text, services.clock.today())
    if answer.kind != "empty":
        async with services.database.session() as session:
            await questions.record_question(
                session,
                user_id=user_id,
                text=text,
                normalised=normalise(text),
                language=answer.language,
                answered=answer.kind != "fallback",
                score=answer.score,
                entry_id=answer.entry_id,
                source=answer.source,
                asked_at=services.clock.now(),
            )
            await session.commit()
    return answer_reply(answer)


# Which module a button's postback data belongs to, by its prefix.
_POSTBACKS: tuple[tuple[str, Callable[[Services, int, str, str], Awaitable[Reply]]], ...] = (
    (register.PREFIX, register.on_postback),
    (activity_log.EDIT_PREFIX, activity_log.edit),
    (activity_log.PREFIX, activity_log.on_postback),
    (community.APPLY_PREFIX, community.apply_pressed),
    (members.PREFIX, members.on_postback),
    (account.PREFIX, account.on_postback),
)

# The flows that take typed answers, by their draft's name.
_FLOWS = {register.DRAFT: register, activity_log.DRAFT: activity_log, members.DRAFT: members}


async def _keyword_reply(
    services: Services, user_id: int, language: str, text: str
) -> Reply | None:
    """A keyword, an invite code or the answer to the open flow's question; None otherwise."""
    engine = await services.qa_engine()
    if _matches(text, language, "faq"):
        return _topics_reply(engine, language)
    if _matches(text, language, "register"):
        return await register.start(services, user_id, language)
    if _matches(text, language, "log"):
        return await activity_log.start(services, user_id, language)
    if _matches(text, language, "progress"):
        return await community.progress(services, user_id, language)
    if _matches(text, language, "apply"):
        return await community.apply(services, user_id, language)
    if _matches(text, language, "community"):
        return await community.page(services, user_id, language)
    if _matches(text, language, "privacy"):
        return account.show_privacy(services, language)
    if _matches(text, language, "forget"):
        return await account.ask_to_forget(services, user_id, language)
    if _matches(text, language, "reminders"):
        return await account.show_reminders(services, user_id, language)
    if _matches(text, language, "language"):
        return account.choose_language()
    code = community.join_code_of(text, language)
    if code is not None:
        return await community.join(services, user_id, language, code)
    # The flow last answered first; a draft kept before flows were told apart after it.
    active = await drafts.active(services, user_id)
    flows = sorted(_FLOWS, key=lambda name: name != active)
    if _matches(text, language, "cancel"):
        for name in flows:
            cancelled = await _FLOWS[name].cancel(services, user_id, language)
            if cancelled is not None:
                return cancelled
    for name in flows:
        step = await _FLOWS[name].on_text(services, user_id, language, text)
        if step is not None:
            return step
    return None


def _postback_reply(services: Services, engine: QaEngine, data: str, language: str) -> Reply:
    if data == TOPICS:
        return _topics_reply(engine, language)
    if data.startswith(TOPICS + ":"):
        return _topic_reply(engine, data.removeprefix(TOPICS + ":"), language)
    if data.startswith(ENTRY):
        entry_language, _, entry_id = data.removeprefix(ENTRY).partition(":")
        if entry_id:
            answer = engine.answer_entry(entry_id, services.clock.today(), entry_language)
            return answer_reply(answer)
    return Reply([t(language, "line.expired")])
