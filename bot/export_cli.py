"""`python -m bot export`: write the workbook or the 社群運作紀錄 to a folder.

The records show the photos the bot keeps (LINE's, the console's); one community's record also
shows Telegram's, downloaded with TELEGRAM_BOT_TOKEN when it is set. Others are counted only.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.exports import CommunityRecord
    from bot.settings import Settings

EXIT_OK = 0
EXIT_NOTHING = 1
EXIT_USAGE = 2


def _fail(message: str, code: int) -> int:
    sys.stderr.write(message + "\n")
    return code


def run_export(
    settings: Settings,
    *,
    fmt: str,
    out_dir: Path | str,
    community_id: int | None = None,
    program_year: int | None = None,
    language: str = "zh-TW",
) -> int:
    """Write the export file into ``out_dir`` and print its path; the process exit code."""
    from bot.exports import DOCUMENT_FORMATS, WORKBOOK_FORMATS

    fmt = fmt.lower().lstrip(".")
    # odt/docx without --community: every community's record, in one .zip.
    allowed = DOCUMENT_FORMATS if community_id is not None else WORKBOOK_FORMATS + DOCUMENT_FORMATS
    if fmt not in allowed:
        what = "a community record" if community_id is not None else "the export"
        return _fail(f"export: {what} can be {', '.join(allowed)}, not {fmt!r}", EXIT_USAGE)
    produced = asyncio.run(_produce(settings, fmt, community_id, program_year, language))
    if isinstance(produced, int):
        return produced
    data, name = produced
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(data)
    sys.stdout.write(f"{path}\n")
    return EXIT_OK


async def _produce(
    settings: Settings,
    fmt: str,
    community_id: int | None,
    program_year: int | None,
    language: str,
) -> tuple[bytes, str] | int:
    """The file's bytes and name, or the exit code of what went wrong."""
    from sqlalchemy.exc import SQLAlchemyError

    from bot import staff
    from bot.clock import Clock
    from bot.exports import (
        DOCUMENT_FORMATS,
        EmptyExport,
        export_filename,
        export_record_archive,
        export_record_document,
        export_workbook,
    )
    from bot.program import load_program
    from db.engine import Database

    program = load_program(settings.PROGRAM_FILE)
    year = program.program.year if program_year is None else program_year
    today = Clock(settings.timezone).today()
    database = Database(settings.database_url)
    try:
        async with database.session() as session:
            records = await staff.export_records(
                session,
                program,
                today,
                language,
                program_year=year,
                community_id=community_id,
                zone=settings.timezone,
            )
            kept = await staff.kept_photos(session, records)
    except SQLAlchemyError as error:
        return _fail(
            f"export: cannot read the database ({type(error).__name__}); "
            "is DATABASE_URL right and the schema created (python -m bot migrate)?",
            EXIT_NOTHING,
        )
    finally:
        await database.dispose()

    if community_id is not None:
        if not records:
            message = f"export: no community {community_id} in program year {year}"
            return _fail(message, EXIT_NOTHING)
        [record] = await _with_photos(settings, records[:1], kept)
        data = await asyncio.to_thread(export_record_document, program, record, fmt, language)
        name = export_filename("record", program, fmt, record, language=language)
    elif fmt in DOCUMENT_FORMATS:
        if not records:
            message = f"export: no community in program year {year}; nothing written"
            return _fail(message, EXIT_NOTHING)
        # The photos the bot keeps go in; Telegram's would take minutes to download for all.
        records = await staff.with_photos(records, kept)
        data = await asyncio.to_thread(export_record_archive, program, records, fmt, language)
        name = export_filename("records", program, fmt, language=language)
    else:
        try:
            data = await asyncio.to_thread(export_workbook, program, records, fmt, language)
        except EmptyExport as empty:
            what = "community" if empty.reason == "records" else "activity"
            return _fail(f"export: no {what} in program year {year}; nothing written", EXIT_NOTHING)
        name = export_filename("workbook", program, fmt, language=language)
    return data, name


async def _with_photos(
    settings: Settings, records: list[CommunityRecord], kept: dict[str, bytes]
) -> list[CommunityRecord]:
    """The record with its photos: those the bot keeps, and Telegram's downloaded with the
    token when it is set (without it, or when Telegram refuses, they are counted only)."""
    from bot import staff

    if not settings.has_token():
        return await staff.with_photos(records, kept)
    from telegram import Bot
    from telegram.error import TelegramError

    base_url = settings.TELEGRAM_API_BASE_URL
    telegram = Bot(
        settings.token(),
        base_url=base_url,
        base_file_url=base_url.removesuffix("/bot") + "/file/bot",
    )

    async def fetch(file_id: str) -> bytes | None:
        try:
            telegram_file = await telegram.get_file(file_id)
            return bytes(await telegram_file.download_as_bytearray())
        except TelegramError as error:
            sys.stderr.write(f"export: a photo could not be downloaded from Telegram ({error})\n")
            return None

    try:
        await telegram.initialize()
    except TelegramError as error:
        sys.stderr.write(f"export: Telegram is not reachable ({error}); photos counted only\n")
        return await staff.with_photos(records, kept)
    try:
        return await staff.with_photos(records, kept, fetch)
    finally:
        await telegram.shutdown()
