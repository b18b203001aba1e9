"""A LINE user's own settings: 「隱私」 (what is stored), 「刪除我的資料」 (delete it, after a
confirmation), 「提醒」 (what is coming, categories on and off) and 「語言」 (中文 / English).

The same domain as Telegram's /privacy, /forgetme, /reminders and /language. The deletion's
buttons carry a nonce kept in the database (a LINE draft), so only the latest confirmation
deletes anything, and a replayed 「確定刪除」 finds nothing left to delete.
"""

from __future__ import annotations

import logging
import secrets

from bot.i18n import LANGUAGES, html_escape, t
from bot.services import Services
from db import privacy, users
from handlers.line import drafts
from handlers.line.render import Choice, Reply, plain_text
from handlers.reminders import reminder_listing
from reminders import manage

logger = logging.getLogger(__name__)

PREFIX = "ac:"  # ac:forget:<nonce>:yes|no, ac:rem:on|off:<category>, ac:lang:<code>
FORGET_DRAFT = "forget"
LANGUAGE_LABELS = {"zh-TW": "中文", "en": "English"}


def show_privacy(services: Services, language: str) -> Reply:
    """What the bot stores, why, and how to have it deleted."""
    program = services.program
    notice = t(
        language,
        "privacy.notice",
        operator=html_escape(program.letter.issuer + program.letter.unit),
        program=html_escape(program.program.title),
        contact=html_escape(program.help_contact.reach(language)),
        forget=t(language, "line.account.forget_keyword"),
    )
    return Reply([plain_text(notice)])


async def ask_to_forget(services: Services, user_id: int, language: str) -> Reply:
    """Ask for confirmation before deleting anything."""
    nonce = secrets.token_hex(4)
    await drafts.save(services, user_id, FORGET_DRAFT, {"nonce": nonce})
    text = t(language, "privacy.confirm")
    async with services.database.session() as session:
        if await privacy.is_convener(session, user_id):
            text += "\n\n" + t(language, "privacy.confirm_convener")
    choices = [
        Choice(t(language, "privacy.yes"), f"{PREFIX}forget:{nonce}:yes"),
        Choice(t(language, "privacy.no"), f"{PREFIX}forget:{nonce}:no"),
    ]
    return Reply([text], choices)


async def _forget_pressed(services: Services, user_id: int, language: str, rest: str) -> Reply:
    nonce, _, choice = rest.partition(":")
    draft = await drafts.load(services, user_id, FORGET_DRAFT)
    if draft is None or draft.get("nonce") != nonce:
        return Reply([t(language, "line.account.forget_expired")])
    if choice != "yes":
        await drafts.save(services, user_id, FORGET_DRAFT, None)
        return Reply([t(language, "privacy.kept")])
    async with services.database.session() as session:
        # The LINE drafts (this confirmation's among them) are deleted with the rest.
        await privacy.forget_user(session, user_id)
    logger.info("A LINE user had their personal data deleted")
    return Reply([t(language, "privacy.done")])


async def show_reminders(services: Services, user_id: int, language: str) -> Reply:
    """The user's coming reminders and a button for each category they can switch."""
    listing = await reminder_listing(services, user_id, language)
    choices = [Choice(label, f"{PREFIX}rem:{switch}") for label, switch in listing.switches]
    return Reply([plain_text(listing.text)], choices)


async def _switch_pressed(services: Services, user_id: int, language: str, rest: str) -> Reply:
    action, _, category = rest.partition(":")
    if action not in ("on", "off"):
        return Reply([t(language, "line.account.menu_expired")])
    try:
        async with services.database.session() as session:
            await manage.switch_category(session, user_id, category, on=action == "on")
    except ValueError:
        return Reply([t(language, "line.account.menu_expired")])
    name = t(language, f"reminders.category.{category}")
    done = t(
        language, "reminders.turned_on" if action == "on" else "reminders.turned_off", category=name
    )
    listing = await show_reminders(services, user_id, language)
    return Reply([done + "\n\n" + "\n\n".join(listing.texts)], listing.choices)


def choose_language() -> Reply:
    """Offer the languages (the question is in both)."""
    choices = [Choice(LANGUAGE_LABELS[code], f"{PREFIX}lang:{code}") for code in LANGUAGES]
    return Reply([t("zh-TW", "common.choose_language")], choices)


async def _language_pressed(services: Services, user_id: int, language: str, code: str) -> Reply:
    if code not in LANGUAGES:
        return Reply([t(language, "line.account.menu_expired")])
    async with services.database.session() as session:
        await users.set_language(session, user_id, code)
    return Reply([t(code, "common.language_set")])


async def on_postback(services: Services, user_id: int, language: str, data: str) -> Reply:
    """A button of this module's messages."""
    kind, _, rest = data.removeprefix(PREFIX).partition(":")
    if kind == "forget":
        return await _forget_pressed(services, user_id, language, rest)
    if kind == "rem":
        return await _switch_pressed(services, user_id, language, rest)
    if kind == "lang":
        return await _language_pressed(services, user_id, language, rest)
    return Reply([t(language, "line.account.menu_expired")])
