"""Questions in free text, /faq browsing by topic, and the buttons under every answer."""

from __future__ import annotations

import logging
from functools import partial

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.i18n import html_escape, normalise_language, t
from bot.qa import Answer, QaEngine
from bot.qa.normalise import normalise
from db import questions
from handlers.common import BotContext, Button, edit_or_send, keyboard, language_of, reply_html

logger = logging.getLogger(__name__)

PREFIX = "qa:"
TOPICS = "qa:t"  # the topics, as a new message (from the button under a greeting)
BACK = "qa:b"  # the topics, in place of the list of one topic's questions
# An entry's answer in Chinese or in English: "qa:e:<entry id>" / "qa:en:<entry id>".
ENTRY = {"zh-TW": "qa:e:", "en": "qa:en:"}
MAX_CALLBACK_BYTES = 64
MAX_LABEL = 60


def entry_data(entry_id: str, language: str) -> str | None:
    """Callback data of a button that opens an entry, or None if it would be too long."""
    data = ENTRY[normalise_language(language)] + entry_id
    return data if len(data.encode()) <= MAX_CALLBACK_BYTES else None


def _label(text: str) -> str:
    return text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1] + "…"


def _entry_rows(items: list[tuple[str, str]], language: str) -> list[list[Button]]:
    rows = []
    for entry_id, label in items:
        data = entry_data(entry_id, language)
        if data is not None:
            rows.append([(_label(label), data)])
    return rows


def answer_markup(answer: Answer) -> InlineKeyboardMarkup | None:
    """The buttons under an answer: likely questions, related follow-ups, or browsing."""
    if answer.kind == "fallback":
        items = list(zip(answer.suggestion_ids, answer.suggestions, strict=False))
        rows = _entry_rows(items, answer.language)
    elif answer.kind in ("fact", "silent"):
        rows = _entry_rows(answer.related, answer.language)
    else:
        rows = [[(t(answer.language, "qa.browse.open"), TOPICS)]]
    return keyboard(rows) if rows else None


def answer_html(answer: Answer) -> str:
    """The chat message of an answer: the engine's plain text, escaped (the same as `ask`)."""
    return html_escape(answer.text)


async def _engine(context: BotContext) -> QaEngine:
    return await context.services.qa_engine()


async def aside(update: Update, context: BotContext) -> str | None:
    """A question typed where a conversation wants a button (「申請截止是哪天啊」 at 「是資優班教師
    嗎？」): its answer when the engine is sure of one, else None. Not recorded for
    /unanswered, since the teacher was busy with something else."""
    message = update.effective_message
    text = message.text if message is not None else None
    if not text:
        return None
    answer = (await _engine(context)).answer(text, context.services.clock.today())
    return answer_html(answer) if answer.kind == "fact" and answer.answered else None


async def answer_question(update: Update, context: BotContext) -> None:
    """Answer a question typed in a private chat, and remember it for the learning loop."""
    message = update.effective_message
    if message is None:
        return
    services = context.services
    question = message.text or ""
    answer = (await _engine(context)).answer(question, services.clock.today())
    if answer.kind != "empty":
        user = update.effective_user
        context.save_with_update(
            partial(
                questions.record_question,
                user_id=user.id if user else None,
                text=question,
                normalised=normalise(question),
                language=answer.language,
                # Greetings and thanks are handled; a fallback, or a point the letter is
                # silent on, is a question staff should see in /unanswered.
                answered=answer.kind not in ("fallback", "silent"),
                score=answer.score,
                entry_id=answer.entry_id,
                source=answer.source,
                asked_at=services.clock.now(),
            )
        )
    logger.debug("answered a question: kind=%s score=%.2f", answer.kind, answer.score)
    await reply_html(update, answer_html(answer), answer_markup(answer))


def _topics_view(engine: QaEngine, language: str) -> tuple[str, InlineKeyboardMarkup]:
    topics = engine.topics(language)
    rows = [
        [(topic.label, f"{TOPICS}:{topic.key}") for topic in topics[i : i + 2]]
        for i in range(0, len(topics), 2)
    ]
    return t(language, "qa.browse.intro"), keyboard(rows)


async def browse(update: Update, context: BotContext) -> None:
    """/faq: show the topics as buttons."""
    text, markup = _topics_view(await _engine(context), language_of(update, context))
    await reply_html(update, text, markup)


async def pressed(update: Update, context: BotContext) -> None:
    """A button of an answer or of the browsing menu."""
    query = update.callback_query
    assert query is not None
    data = query.data or ""
    language = language_of(update, context)
    engine = await _engine(context)
    if data in (TOPICS, BACK):
        await query.answer()
        text, markup = _topics_view(engine, language)
        if data == BACK:
            await edit_or_send(update, text, markup)
        else:
            await reply_html(update, text, markup)
        return
    if data.startswith(TOPICS + ":"):
        await _show_topic(update, context, engine, data.removeprefix(TOPICS + ":"), language)
        return
    for entry_language, prefix in ENTRY.items():
        if data.startswith(prefix):
            await query.answer()
            entry_id = data.removeprefix(prefix)
            answer = engine.answer_entry(entry_id, context.services.clock.today(), entry_language)
            await reply_html(update, answer_html(answer), answer_markup(answer))
            return
    await query.answer(t(language, "qa.browse.expired"))


async def _show_topic(
    update: Update, context: BotContext, engine: QaEngine, key: str, language: str
) -> None:
    query = update.callback_query
    assert query is not None
    topic = next((topic for topic in engine.topics(language) if topic.key == key), None)
    if topic is None:
        await query.answer(t(language, "qa.browse.expired"))
        return
    await query.answer()
    rows = _entry_rows(engine.entries_for_topic(key, language), language)
    text = t(language, "qa.browse.topic", topic=html_escape(topic.label))
    if not rows:
        text += "\n" + t(language, "qa.browse.empty")
    rows.append([(t(language, "qa.browse.back"), BACK)])
    await edit_or_send(update, text, keyboard(rows))


def build() -> list[BaseHandler[Update, BotContext, object]]:
    """The handlers of this module (registered last: free text nobody else took)."""
    return [
        CommandHandler("faq", browse),
        CallbackQueryHandler(pressed, pattern=f"^{PREFIX}"),
        MessageHandler(filters.TEXT & ~filters.COMMAND & filters.ChatType.PRIVATE, answer_question),
    ]
