"""/export: the summary workbook (staff) and a community's 社群運作紀錄 (staff and its convener)."""

from __future__ import annotations

import asyncio
import logging

from telegram import InlineKeyboardMarkup, InputFile, Update
from telegram.error import TelegramError
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot import staff
from bot.exports import (
    DOCUMENT_FORMATS,
    WORKBOOK_FORMATS,
    EmptyExport,
    export_filename,
    export_record_archive,
    export_record_document,
    export_workbook,
)
from bot.i18n import html_escape, t
from bot.logs import user_ref
from db import staff_queries
from handlers.common import BotContext, Button, ensure_staff, is_staff, keyboard, language_of, say

logger = logging.getLogger(__name__)

PREFIX = "ex:"
WORKBOOK = "ex:wb:"  # ex:wb:<fmt>
PICK = "ex:pick:"  # ex:pick:<offset>, a page of communities
RECORD = "ex:rec:"  # ex:rec:<community id>, choose the format
DOCUMENT = "ex:doc:"  # ex:doc:<community id>:<fmt>
ALL_RECORDS = "ex:all:"  # ex:all:<fmt>, every community's record in one .zip
PAGE_SIZE = 8


def _workbook_menu(language: str) -> InlineKeyboardMarkup:
    rows: list[list[Button]] = [
        [
            (t(language, f"export_cmd.workbook_{fmt}"), f"{WORKBOOK}{fmt}")
            for fmt in WORKBOOK_FORMATS
        ],
        [(t(language, "export_cmd.choose_record"), f"{PICK}0")],
        [
            (t(language, f"export_cmd.all_records_{fmt}"), f"{ALL_RECORDS}{fmt}")
            for fmt in DOCUMENT_FORMATS
        ],
    ]
    return keyboard(rows)


def _format_menu(language: str, community_id: int) -> InlineKeyboardMarkup:
    return keyboard(
        [
            [
                (t(language, f"export_cmd.record_{fmt}"), f"{DOCUMENT}{community_id}:{fmt}")
                for fmt in DOCUMENT_FORMATS
            ]
        ]
    )


async def export(update: Update, context: BotContext) -> None:
    """Offer the files this user may export (/export ods|xlsx|csv sends the workbook at once)."""
    user = update.effective_user
    if user is None:
        return
    language = language_of(update, context)
    args = [arg.lower().lstrip(".") for arg in context.args or []]
    if await is_staff(context, user.id):
        if args and args[0] in WORKBOOK_FORMATS:
            await _send_workbook(update, context, args[0])
            return
        await say(update, context, "export_cmd.menu_staff", _workbook_menu(language))
        return
    async with context.services.database.session() as session:
        own = await staff.own_community_id(session, context.services.program, user.id)
    if own is None:
        logger.info("Refused /export to a user without a community (%s)", user_ref(user.id))
        await say(update, context, "export_cmd.not_allowed")
        return
    await say(update, context, "export_cmd.menu_convener", _format_menu(language, own))


async def pressed(update: Update, context: BotContext) -> None:
    """Act on an export button (every press checks again who may export what)."""
    query = update.callback_query
    user = update.effective_user
    if query is None or query.data is None or user is None:
        return
    data = query.data
    if data.startswith(WORKBOOK):
        if not await ensure_staff(update, context, "export workbook"):
            return
        fmt = data.removeprefix(WORKBOOK)
        await query.answer()
        if fmt in WORKBOOK_FORMATS:
            await _send_workbook(update, context, fmt)
        return
    if data.startswith(ALL_RECORDS):
        if not await ensure_staff(update, context, "export all records"):
            return
        fmt = data.removeprefix(ALL_RECORDS)
        await query.answer()
        if fmt in DOCUMENT_FORMATS:
            await _send_all_records(update, context, fmt)
        return
    if data.startswith(PICK):
        if not await ensure_staff(update, context, "export pick"):
            return
        await query.answer()
        offset = data.removeprefix(PICK)
        await _show_page(update, context, int(offset) if offset.isdigit() else 0)
        return
    if data.startswith(RECORD):
        community_id = _number(data.removeprefix(RECORD))
        if community_id is None or not await _may_export(update, context, community_id):
            return
        await query.answer()
        language = language_of(update, context)
        await say(update, context, "export_cmd.choose_format", _format_menu(language, community_id))
        return
    if data.startswith(DOCUMENT):
        number, _, fmt = data.removeprefix(DOCUMENT).partition(":")
        community_id = _number(number)
        if community_id is None or not await _may_export(update, context, community_id):
            return
        await query.answer()
        if fmt in DOCUMENT_FORMATS:
            await _send_record(update, context, community_id, fmt)
        return
    await query.answer(t(language_of(update, context), "common.menu_expired"))


def _number(text: str) -> int | None:
    return int(text) if text.isdigit() and len(text) < 12 else None


async def _may_export(update: Update, context: BotContext, community_id: int) -> bool:
    user = update.effective_user
    query = update.callback_query
    assert user is not None and query is not None
    staff_member = await is_staff(context, user.id)
    async with context.services.database.session() as session:
        allowed = await staff.may_export_record(
            session, context.services.program, user.id, community_id, staff=staff_member
        )
    if not allowed:
        logger.warning("Refused a record export to user %s", user_ref(user.id))
        await query.answer(t(language_of(update, context), "common.not_allowed"), show_alert=True)
    return allowed


async def _show_page(update: Update, context: BotContext, offset: int) -> None:
    language = language_of(update, context)
    program = context.services.program
    async with context.services.database.session() as session:
        choices, total = await staff_queries.community_choices(
            session, program.program.year, offset, PAGE_SIZE
        )
    if total == 0:
        await say(update, context, "export_cmd.empty_year", year=program.program.year)
        return
    rows: list[list[Button]] = [
        [(f"{school}｜{name}"[:60], f"{RECORD}{community_id}")]
        for community_id, name, school in choices
    ]
    paging: list[Button] = []
    if offset > 0:
        paging.append((t(language, "export_cmd.previous"), f"{PICK}{max(offset - PAGE_SIZE, 0)}"))
    if offset + PAGE_SIZE < total:
        paging.append((t(language, "export_cmd.next"), f"{PICK}{offset + PAGE_SIZE}"))
    if paging:
        rows.append(paging)
    await say(
        update,
        context,
        "export_cmd.choose_community",
        keyboard(rows),
        first=offset + 1,
        last=offset + len(choices),
        total=total,
    )


async def _send_workbook(update: Update, context: BotContext, fmt: str) -> None:
    await _send_year(update, context, "workbook", fmt)


async def _send_all_records(update: Update, context: BotContext, fmt: str) -> None:
    await _send_year(update, context, "records", fmt)


async def _send_year(update: Update, context: BotContext, kind: str, fmt: str) -> None:
    """The year's workbook (kind "workbook") or every community's record in a zip ("records")."""
    services = context.services
    program = services.program
    language = language_of(update, context)
    await say(update, context, "export_cmd.working")
    async with services.database.session() as session:
        records = await staff.export_records(
            session, program, services.clock.today(), language, zone=services.settings.timezone
        )
    write = export_workbook if kind == "workbook" else export_record_archive
    try:
        data = await asyncio.to_thread(write, program, records, fmt, language)
    except EmptyExport as empty:
        key = "export_cmd.empty_year" if empty.reason == "records" else "export_cmd.no_activities"
        await say(update, context, key, year=program.program.year)
        return
    name = export_filename(kind, program, fmt, language=language)
    await _send_file(update, context, data, name, len(records))
    logger.info("Exported %s (%s, %d communities)", kind, fmt, len(records))


async def _send_record(update: Update, context: BotContext, community_id: int, fmt: str) -> None:
    services = context.services
    program = services.program
    language = language_of(update, context)
    await say(update, context, "export_cmd.working")
    async with services.database.session() as session:
        records = await staff.export_records(
            session,
            program,
            services.clock.today(),
            language,
            community_id=community_id,
            zone=services.settings.timezone,
        )
        kept = await staff.kept_photos(session, records)
    if not records:
        await say(update, context, "export_cmd.gone")
        return

    async def fetch(file_id: str) -> bytes | None:
        return await _download(context, file_id)

    [record] = await staff.with_photos(records[:1], kept, fetch)
    data = await asyncio.to_thread(export_record_document, program, record, fmt, language)
    name = export_filename("record", program, fmt, record, language=language)
    await _send_file(update, context, data, name, 1)
    logger.info("Record exported (%s, community %s)", fmt, community_id)


async def _download(context: BotContext, file_id: str) -> bytes | None:
    try:
        telegram_file = await context.bot.get_file(file_id)
        return bytes(await telegram_file.download_as_bytearray())
    except TelegramError as error:
        logger.info("A photo could not be downloaded for an export: %s", type(error).__name__)
        return None


async def _send_file(
    update: Update, context: BotContext, data: bytes, name: str, count: int
) -> None:
    chat = update.effective_chat
    if chat is None:
        return
    language = language_of(update, context)
    await chat.send_document(
        InputFile(data, filename=name),
        caption=t(language, "export_cmd.caption", name=html_escape(name), count=count),
        parse_mode="HTML",
    )


def build() -> list[BaseHandler[Update, BotContext, object]]:
    """The handlers of this module."""
    return [
        CommandHandler("export", export),
        CallbackQueryHandler(pressed, pattern=f"^{PREFIX}"),
    ]
