"""`python -m bot ask`: answers from the command line, exactly as the bot gives them in chat."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TextIO

from bot.clock import Clock
from bot.program import Program, load_program, with_dates
from bot.qa import Answer, FaqEntry, QaEngine
from bot.settings import Settings


def answer_record(answer: Answer) -> dict[str, object]:
    """The JSON form of an answer (the interface other tools rely on)."""
    return {
        "question": answer.question,
        "answer": answer.text,
        "answered": answer.answered,
        "source": answer.source,
        "score": round(answer.score, 4),
        "suggestions": list(answer.suggestions),
    }


def _read_questions(path: str) -> Iterator[str]:
    source = sys.stdin if path == "-" else Path(path).open(encoding="utf-8")  # noqa: SIM115
    with source:
        for line in source:
            yield line.rstrip("\r\n")


def _has_database(settings: Settings) -> bool:
    # `ask` must not create an empty database just to find no staff entries in it.
    return bool(settings.DATABASE_URL) or (settings.BOT_DATA_DIR / "bot.sqlite3").exists()


async def _with_staff_knowledge(
    settings: Settings, program: Program
) -> tuple[Program, list[FaqEntry]]:
    """The program with the dates staff set, and the FAQ entries staff added in chat."""
    from db import faq_entries, program_dates
    from db.engine import Database

    database = Database(settings.database_url)
    try:
        async with database.session() as session:
            dates = await program_dates.get_dates(session, program.program.year)
            entries = await faq_entries.all_entries(session)
    except Exception:  # no schema yet, or unreachable: shipped knowledge only
        return program, []
    finally:
        await database.dispose()
    if dates is not None:
        program = with_dates(program, showcase=dates.showcase_date, workshop=dates.workshop_date)
    return program, entries


def run_ask(
    settings: Settings,
    *,
    questions: Iterable[str] | None,
    batch_file: str | None,
    as_json: bool,
    today: dt.date | None,
    out: TextIO | None = None,
) -> int:
    """Answer each question; print plain text or one JSON object per line."""
    out = out or sys.stdout
    program = load_program(settings.PROGRAM_FILE)
    entries: list[FaqEntry] = []
    if _has_database(settings):
        program, entries = asyncio.run(_with_staff_knowledge(settings, program))
    engine = QaEngine.build(program, extra_entries=entries)
    day = Clock(settings.timezone, today=today).today()
    items = _read_questions(batch_file) if batch_file is not None else (questions or [])
    for question in items:
        answer = engine.answer(question, day)
        if as_json:
            out.write(json.dumps(answer_record(answer), ensure_ascii=False) + "\n")
        else:
            out.write(answer.text + "\n")
            if batch_file is not None:
                out.write("\n")
    out.flush()
    return 0
