"""Staff teach the bot: /unanswered lists the questions it missed, /faqedit adds or edits answers.

/faqedit is a conversation: new entry or an existing one (from a list, by typing its id, or from
an unanswered question's "answer this" button, which pre-fills the question) → wordings, one
per line → answer in Chinese → answer in English (or skip) → source section (or skip) → topic →
preview → confirm. Saving stores the entry and rebuilds the engine, so it is in effect at once
and after restarts. The role is checked again on every step and every button.

Callback data: ``fa:u:<question id>`` (answer this), ``fa:<nonce>:<action>[:<arg>]`` (the
conversation's menus; the nonce changes with every menu, so an old menu's button is refused).
"""

from __future__ import annotations

import datetime as dt
import logging
from enum import StrEnum
from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot import audit
from bot.i18n import html_escape, t
from bot.qa import FaqEntry, QaEngine
from bot.qa.engine import load_faq
from db import faq_entries, questions
from handlers import flows
from handlers.common import (
    BotContext,
    Button,
    answer_query,
    ensure_staff,
    keyboard,
    language_of,
    reply_html,
    say,
)
from handlers.flows import Draft, Pressed

logger = logging.getLogger(__name__)


class Step(StrEnum):
    """The states of /faqedit (plain strings, so the persistence stores them as JSON)."""

    CHOOSE = "choose"
    QUESTIONS = "questions"
    ANSWER_ZH = "answer_zh"
    ANSWER_EN = "answer_en"
    SOURCE = "source"
    TOPIC = "topic"
    CONFIRM = "confirm"


END = ConversationHandler.END
FLOW = "faqedit"
DRAFT_KEY = flows.DRAFT_KEYS[FLOW]
PREFIX = f"{flows.PREFIXES[FLOW]}:"
ANSWER_THIS = "fa:u:"
UNANSWERED_LIMIT = 15
# Groups fetched before dropping those the bot can answer by now (an entry was added since).
UNANSWERED_FETCH = 3 * UNANSWERED_LIMIT
MAX_QUESTIONS = 10
MAX_QUESTION_CHARS = 100
MAX_ANSWER_CHARS = 1200  # both answers, the wordings and the labels fit one 4,096-char preview
MAX_SOURCE_CHARS = 64
MAX_CALLBACK_BYTES = 64
NEW_ID_PREFIX = "staff-"


# --- drafts and menus -----------------------------------------------------------------------


def _begin(update: Update, context: BotContext, **fields: Any) -> Draft:
    """A fresh draft: a new entry unless ``fields`` say otherwise."""
    empty: Draft = {
        "id": None,
        "builtin": False,
        "questions": [],
        "answer_zh": None,
        "answer_en": None,
        "source": None,
        "topic": None,
        "related": [],
    }
    return flows.begin(update, context, FLOW, **(empty | fields))


def _rows(draft: Draft, buttons: list[tuple[str, str, str]]) -> list[list[Button]]:
    """One button per row from (label, action, arg); buttons whose data is too long are left out."""
    rows = []
    for label, action, arg in buttons:
        data = flows.button(FLOW, draft, action, arg)
        if len(data.encode()) <= MAX_CALLBACK_BYTES:
            rows.append([(label, data)])
    return rows


def _engine(context: BotContext) -> QaEngine:
    return context.services.qa_now()


def _builtin_ids() -> set[str]:
    return {str(raw["id"]) for raw in load_faq().get("entries", [])}


def _topic_label(engine: QaEngine, key: str | None, language: str) -> str:
    for topic in engine.topics(language):
        if topic.key == key:
            return topic.label
    return key or t(language, "faq_admin.none")


def _topic_of(engine: QaEngine, entry_id: str) -> str | None:
    for topic in engine.topics("zh-TW"):
        if any(eid == entry_id for eid, _ in engine.entries_for_topic(topic.key, "zh-TW")):
            return topic.key
    return None


# --- what each step shows -------------------------------------------------------------------


def _prompt(
    context: BotContext, draft: Draft, step: Step, language: str
) -> tuple[str, InlineKeyboardMarkup | None]:
    """The text and buttons of a step; a new nonce, so older menus stop working."""
    flows.rotate_nonce(draft)
    engine = _engine(context)
    keep = t(language, "faq_admin.keep")
    skip = t(language, "faq_admin.skip")
    buttons: list[tuple[str, str, str]] = []
    parts: list[str] = []
    if step is Step.CHOOSE:
        parts.append(t(language, "faq_admin.choose"))
        buttons = [
            (t(language, "faq_admin.new"), "new", ""),
            (t(language, "faq_admin.edit"), "list", ""),
        ]
    elif step is Step.QUESTIONS:
        if draft["id"] is not None:
            parts.append(t(language, "faq_admin.editing", id=html_escape(draft["id"])))
            if draft["builtin"]:
                parts.append(t(language, "faq_admin.builtin"))
        if draft["questions"]:
            parts.append(
                t(language, "faq_admin.current_questions", questions=_lines(draft["questions"]))
            )
        parts.append(
            t(
                language,
                "faq_admin.ask_questions",
                count=MAX_QUESTIONS,
                limit=MAX_QUESTION_CHARS,
            )
        )
        if draft["questions"] or draft["builtin"]:
            buttons.append((keep, "keep", ""))
    elif step is Step.ANSWER_ZH:
        if draft.get("shown_answer"):
            parts.append(t(language, "faq_admin.current", text=html_escape(draft["shown_answer"])))
        elif draft["answer_zh"]:
            parts.append(t(language, "faq_admin.current", text=html_escape(draft["answer_zh"])))
        parts.append(t(language, "faq_admin.ask_answer_zh", limit=MAX_ANSWER_CHARS))
        if draft["answer_zh"]:
            buttons.append((keep, "keep", ""))
    elif step is Step.ANSWER_EN:
        if draft["answer_en"]:
            parts.append(t(language, "faq_admin.current", text=html_escape(draft["answer_en"])))
        parts.append(t(language, "faq_admin.ask_answer_en", limit=MAX_ANSWER_CHARS))
        if draft["answer_en"]:
            buttons.append((keep, "keep", ""))
        buttons.append((skip, "skip", ""))
    elif step is Step.SOURCE:
        if draft["source"]:
            parts.append(t(language, "faq_admin.current", text=html_escape(draft["source"])))
        parts.append(t(language, "faq_admin.ask_source", limit=MAX_SOURCE_CHARS))
        if draft["source"]:
            buttons.append((keep, "keep", ""))
        buttons.append((skip, "skip", ""))
    elif step is Step.TOPIC:
        parts.append(t(language, "faq_admin.ask_topic"))
        for topic in engine.topics(language):
            mark = "✓ " if topic.key == draft["topic"] else ""
            buttons.append((mark + topic.label, "topic", topic.key))
    elif step is Step.CONFIRM:
        parts.append(_preview(engine, draft, language))
        buttons = [
            (t(language, "faq_admin.confirm"), "save", ""),
            (t(language, "faq_admin.cancel"), "cancel", ""),
        ]
    rows = _rows(draft, buttons)
    return "\n\n".join(parts), keyboard(rows) if rows else None


def _lines(items: list[str]) -> str:
    return "\n".join(f"・{html_escape(item)}" for item in items)


def _preview(engine: QaEngine, draft: Draft, language: str) -> str:
    none = t(language, "faq_admin.none")
    if draft["questions"]:
        wordings = _lines(draft["questions"])
    else:
        wordings = t(language, "faq_admin.builtin_questions")
    return t(
        language,
        "faq_admin.preview",
        id=html_escape(draft["id"]) if draft["id"] else t(language, "faq_admin.new_id"),
        topic=html_escape(_topic_label(engine, draft["topic"], language)),
        questions=wordings,
        answer_zh=html_escape(draft["answer_zh"] or none),
        answer_en=html_escape(draft["answer_en"] or none),
        source=html_escape(draft["source"] or none),
    )


async def _go(update: Update, context: BotContext, draft: Draft, step: Step) -> Step:
    """Show a step and make it the current one."""
    text, markup = _prompt(context, draft, step, language_of(update, context))
    await flows.show(update, context, text, markup)
    return step


# --- entry points ---------------------------------------------------------------------------


async def start_editing(update: Update, context: BotContext) -> object:
    """/faqedit [id]: offer a new entry or an existing one (or open the one named)."""
    if not await ensure_staff(update, context, "/faqedit"):
        return END
    draft = _begin(update, context)
    wanted = " ".join(context.args or []).strip()
    if wanted:
        return await _open_existing(update, context, draft, wanted)
    return await _go(update, context, draft, Step.CHOOSE)


async def answer_this(update: Update, context: BotContext) -> object:
    """An unanswered question's button: a new entry with that question as its first wording."""
    if not await ensure_staff(update, context, "answer this button"):
        return END
    data = (update.callback_query.data if update.callback_query else None) or ""
    number = data.removeprefix(ANSWER_THIS)
    asked = None
    if number.isdigit() and len(number) < 12:
        async with context.services.database.session() as session:
            asked = await questions.get_question(session, int(number))
    language = language_of(update, context)
    if asked is None:
        await answer_query(update, t(language, "faq_admin.question_gone"))
        return END
    await answer_query(update)
    wording = " ".join(asked.text.split())[:MAX_QUESTION_CHARS]
    draft = _begin(update, context, questions=[wording] if wording else [])
    text, markup = _prompt(context, draft, Step.QUESTIONS, language)
    # A new message: the list of unanswered questions stays for the next one.
    await reply_html(update, text, markup)
    return Step.QUESTIONS


async def _open_existing(
    update: Update, context: BotContext, draft: Draft, entry_id: str
) -> object:
    engine = _engine(context)
    language = language_of(update, context)
    if entry_id not in engine.entry_ids():
        await reply_html(
            update, t(language, "faq_admin.unknown_entry", id=html_escape(entry_id[:64]))
        )
        return await _go(update, context, draft, Step.CHOOSE)
    async with context.services.database.session() as session:
        stored = {entry.id: entry for entry in await faq_entries.all_entries(session)}
    builtin = entry_id in _builtin_ids()
    entry = stored.get(entry_id)
    draft.update(id=entry_id, builtin=builtin, topic=_topic_of(engine, entry_id))
    if entry is not None:
        draft.update(
            questions=list(entry.questions),
            answer_zh=entry.answer_zh,
            answer_en=entry.answer_en,
            source=entry.source,
            topic=entry.topic or draft["topic"],
            related=list(entry.related),
        )
    else:
        # A built-in answer is a template filled in with today's facts: show it, don't keep it.
        shown = engine.answer_entry(entry_id, context.services.clock.today(), "zh-TW")
        draft.update(shown_answer=shown.text, source=shown.source)
    return await _go(update, context, draft, Step.QUESTIONS)


# --- steps ----------------------------------------------------------------------------------


def _input(update: Update, pressed: Pressed | None) -> tuple[str | None, str]:
    """(action, argument) of the pressed button, or (None, the text typed)."""
    if pressed is not None:
        return pressed.action, pressed.arg
    message = update.effective_message
    return None, (message.text if message else None) or ""


@flows.step(FLOW, staff=True)
async def choose(
    update: Update, context: BotContext, draft: Draft, pressed: Pressed | None
) -> object:
    """New entry, or find an existing one by topic or by its id."""
    action, arg = _input(update, pressed)
    engine = _engine(context)
    language = language_of(update, context)
    if action is None:
        if not arg.strip():
            return await _go(update, context, draft, Step.CHOOSE)
        return await _open_existing(update, context, draft, arg.strip())
    if action == "new":
        return await _go(update, context, draft, Step.QUESTIONS)
    if action == "list":
        flows.rotate_nonce(draft)
        buttons = [(topic.label, "t", topic.key) for topic in engine.topics(language)]
        await flows.show(
            update, context, t(language, "faq_admin.pick_topic"), keyboard(_rows(draft, buttons))
        )
        return Step.CHOOSE
    if action == "t":
        flows.rotate_nonce(draft)
        label = _topic_label(engine, arg, language)
        buttons = [(label_, "e", eid) for eid, label_ in engine.entries_for_topic(arg, language)]
        buttons.append((t(language, "faq_admin.back"), "list", ""))
        text = t(language, "faq_admin.pick_entry", topic=html_escape(label))
        await flows.show(update, context, text, keyboard(_rows(draft, buttons)))
        return Step.CHOOSE
    if action == "e":
        return await _open_existing(update, context, draft, arg)
    return Step.CHOOSE


def _wordings(text: str) -> list[str] | None:
    lines = [" ".join(line.split()) for line in text.splitlines()]
    wordings = list(dict.fromkeys(line for line in lines if line))
    if not 1 <= len(wordings) <= MAX_QUESTIONS:
        return None
    if any(len(wording) > MAX_QUESTION_CHARS for wording in wordings):
        return None
    return wordings


@flows.step(FLOW, staff=True)
async def got_questions(
    update: Update, context: BotContext, draft: Draft, pressed: Pressed | None
) -> object:
    """The wordings, one per line (or keep the current ones)."""
    action, arg = _input(update, pressed)
    if action == "keep" and (draft["questions"] or draft["builtin"]):
        return await _go(update, context, draft, Step.ANSWER_ZH)
    if action is not None:
        return Step.QUESTIONS
    wordings = _wordings(arg)
    if wordings is None:
        await say(
            update,
            context,
            "faq_admin.questions_invalid",
            count=MAX_QUESTIONS,
            limit=MAX_QUESTION_CHARS,
        )
        return Step.QUESTIONS
    draft["questions"] = wordings
    return await _go(update, context, draft, Step.ANSWER_ZH)


def _answer_text(text: str) -> str | None:
    text = "\n".join(line.rstrip() for line in text.strip().splitlines())
    return text if 0 < len(text) <= MAX_ANSWER_CHARS else None


@flows.step(FLOW, staff=True)
async def got_answer_zh(
    update: Update, context: BotContext, draft: Draft, pressed: Pressed | None
) -> object:
    """The answer in Chinese (or keep the current one)."""
    action, arg = _input(update, pressed)
    if action == "keep" and draft["answer_zh"]:
        return await _go(update, context, draft, Step.ANSWER_EN)
    if action is not None:
        return Step.ANSWER_ZH
    answer = _answer_text(arg)
    if answer is None:
        await say(update, context, "faq_admin.answer_invalid", limit=MAX_ANSWER_CHARS)
        return Step.ANSWER_ZH
    draft["answer_zh"] = answer
    draft.pop("shown_answer", None)
    return await _go(update, context, draft, Step.ANSWER_EN)


@flows.step(FLOW, staff=True)
async def got_answer_en(
    update: Update, context: BotContext, draft: Draft, pressed: Pressed | None
) -> object:
    """The answer in English, or skip (English speakers then get the Chinese answer)."""
    action, arg = _input(update, pressed)
    if action == "skip":
        draft["answer_en"] = None
        return await _go(update, context, draft, Step.SOURCE)
    if action == "keep" and draft["answer_en"]:
        return await _go(update, context, draft, Step.SOURCE)
    if action is not None:
        return Step.ANSWER_EN
    answer = _answer_text(arg)
    if answer is None:
        await say(update, context, "faq_admin.answer_invalid", limit=MAX_ANSWER_CHARS)
        return Step.ANSWER_EN
    draft["answer_en"] = answer
    return await _go(update, context, draft, Step.SOURCE)


@flows.step(FLOW, staff=True)
async def got_source(
    update: Update, context: BotContext, draft: Draft, pressed: Pressed | None
) -> object:
    """The section of the letter the answer comes from, or skip."""
    action, arg = _input(update, pressed)
    if action == "skip":
        draft["source"] = None
        return await _go(update, context, draft, Step.TOPIC)
    if action == "keep" and draft["source"]:
        return await _go(update, context, draft, Step.TOPIC)
    if action is not None:
        return Step.SOURCE
    source = " ".join(arg.split())
    if not source or len(source) > MAX_SOURCE_CHARS:
        await say(update, context, "faq_admin.source_invalid", limit=MAX_SOURCE_CHARS)
        return Step.SOURCE
    draft["source"] = source
    return await _go(update, context, draft, Step.TOPIC)


@flows.step(FLOW, staff=True)
async def got_topic(
    update: Update, context: BotContext, draft: Draft, pressed: Pressed | None
) -> object:
    """The browse topic, from the buttons."""
    action, arg = _input(update, pressed)
    keys = {topic.key for topic in _engine(context).topics("zh-TW")}
    if action == "topic" and arg in keys:
        draft["topic"] = arg
        return await _go(update, context, draft, Step.CONFIRM)
    if action is None:
        await say(update, context, "faq_admin.use_buttons")
    return Step.TOPIC


def _next_id(taken: set[str]) -> str:
    number = 1
    while f"{NEW_ID_PREFIX}{number}" in taken:
        number += 1
    return f"{NEW_ID_PREFIX}{number}"


@flows.step(FLOW, staff=True)
async def confirmed(
    update: Update, context: BotContext, draft: Draft, pressed: Pressed | None
) -> object:
    """Save the entry and rebuild the engine (the step wrapper handles cancel)."""
    if pressed is None or pressed.action != "save":
        if pressed is None:
            await say(update, context, "faq_admin.use_buttons")
        return Step.CONFIRM
    services = context.services
    user = update.effective_user
    assert user is not None
    async with services.database.session() as session:
        stored = await faq_entries.all_entries(session)
        entry_id = draft["id"] or _next_id({e.id for e in stored} | _engine(context).entry_ids())
        entry = FaqEntry(
            id=entry_id,
            topic=draft["topic"] or "",
            questions=list(draft["questions"]),
            answer_zh=draft["answer_zh"],
            answer_en=draft["answer_en"],
            source=draft["source"],
            related=list(draft["related"]),
        )
        await audit.save_faq_entry(session, entry, user.id, services.clock.now())
        entries = await faq_entries.all_entries(session)
    services.rebuild_qa(entries)
    logger.info("FAQ entry %s saved by staff", entry_id)
    language = language_of(update, context)
    shown = _engine(context).answer_entry(entry_id, services.clock.today(), language)
    text = t(language, "faq_admin.saved", id=html_escape(entry_id), answer=html_escape(shown.text))
    await flows.show(update, context, text)
    return flows.finish(context, FLOW)


# --- fallbacks and outside the conversation -------------------------------------------------


@flows.step(FLOW, staff=True)
async def reprompt(
    update: Update, context: BotContext, _draft: Draft, _pressed: Pressed | None
) -> object:
    """Anything but text during a step: say what is expected."""
    await say(update, context, "faq_admin.text_expected")
    return None


async def stale_button(update: Update, context: BotContext) -> object:
    """A button of /faqedit nobody expects now: refused for non-staff, else the menu expired."""
    if not await ensure_staff(update, context, "faqedit button"):
        return None
    await answer_query(update, t(language_of(update, context), "common.menu_expired"))
    return None


async def unanswered(update: Update, context: BotContext) -> None:
    """/unanswered: the most frequent questions of the program year the bot could not answer."""
    if not await ensure_staff(update, context, "/unanswered"):
        return
    services = context.services
    language = language_of(update, context)
    period = services.program.period
    zone = services.clock.zone
    since = dt.datetime.combine(period.start, dt.time(), tzinfo=zone)
    until = dt.datetime.combine(period.end + dt.timedelta(days=1), dt.time(), tzinfo=zone)
    async with services.database.session() as session:
        groups = await questions.top_unanswered(
            session, since=since, until=until, limit=UNANSWERED_FETCH
        )
    # Questions a staff entry answers by now are done: list only what is still missing.
    engine, today = _engine(context), services.clock.today()
    missing = [g for g in groups if engine.answer(g.example, today).kind == "fallback"]
    missing = missing[:UNANSWERED_LIMIT]
    if not missing:
        await say(update, context, "faq_admin.unanswered_none")
        return
    lines = [t(language, "faq_admin.unanswered_title", start=period.start, end=period.end)]
    buttons: list[Button] = []
    for number, group in enumerate(missing, start=1):
        question = html_escape(" ".join(group.example.split())[:200])
        lines.append(
            t(
                language,
                "faq_admin.unanswered_item",
                number=number,
                question=question,
                count=group.count,
            )
        )
        label = t(language, "faq_admin.answer_this", number=number)
        buttons.append((label, f"{ANSWER_THIS}{group.question_id}"))
    rows = [buttons[i : i + 3] for i in range(0, len(buttons), 3)]
    await reply_html(update, "\n".join(lines), keyboard(rows))


def build() -> list[BaseHandler[Update, BotContext, object]]:
    """The handlers of this module: /unanswered and the /faqedit conversation."""
    text = filters.TEXT & ~filters.COMMAND
    steps = {
        Step.CHOOSE: choose,
        Step.QUESTIONS: got_questions,
        Step.ANSWER_ZH: got_answer_zh,
        Step.ANSWER_EN: got_answer_en,
        Step.SOURCE: got_source,
        Step.TOPIC: got_topic,
        Step.CONFIRM: confirmed,
    }
    conversation: ConversationHandler[BotContext] = ConversationHandler(
        entry_points=[
            CommandHandler("faqedit", start_editing),
            CallbackQueryHandler(answer_this, pattern=rf"^{ANSWER_THIS}"),
        ],
        states={
            step: [
                CallbackQueryHandler(callback, pattern=rf"^{PREFIX}[0-9a-f]+:"),
                MessageHandler(text, callback),
            ]
            for step, callback in steps.items()
        },
        fallbacks=[
            CommandHandler("cancel", flows.cancel_command(FLOW)),
            CallbackQueryHandler(stale_button, pattern=f"^{PREFIX}"),
            MessageHandler(filters.ALL & ~filters.COMMAND, reprompt),
        ],
        name="faqedit",
        persistent=True,
        allow_reentry=True,
    )
    return [
        conversation,
        CommandHandler("unanswered", unanswered),
        CallbackQueryHandler(stale_button, pattern=f"^{PREFIX}"),
    ]
