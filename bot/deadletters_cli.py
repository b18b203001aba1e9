"""`python -m bot deadletters`: the updates the bot kept aside because it could not handle them."""

from __future__ import annotations

import asyncio
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.settings import Settings

EXIT_OK = 0
EXIT_NOT_FOUND = 1


def run_deadletters(settings: Settings, *, show: int | None = None, limit: int = 100) -> int:
    """Print the newest dead letters (or one letter's raw JSON); the process exit code."""
    return asyncio.run(_run(settings, show, limit))


async def _run(settings: Settings, show: int | None, limit: int) -> int:
    from db import inbox
    from db.engine import Database

    database = Database(settings.database_url)
    try:
        await database.migrate()
        async with database.session() as session:
            if show is not None:
                payload = await inbox.dead_letter_payload(session, show)
                if payload is None:
                    sys.stderr.write(f"no dead letter {show}\n")
                    return EXIT_NOT_FOUND
                sys.stdout.write(payload + "\n")
                return EXIT_OK
            letters = await inbox.dead_letters(session, limit)
    finally:
        await database.dispose()
    if not letters:
        sys.stdout.write("no dead letters\n")
        return EXIT_OK
    sys.stdout.write(
        f"{'id':>6}  {'update_id':>12}  {'when (UTC)':19}  {'update type':18}  error\n"
    )
    for letter in letters:
        update_id = "-" if letter.update_id is None else str(letter.update_id)
        sys.stdout.write(
            f"{letter.id:>6}  {update_id:>12}  {letter.received_at:%Y-%m-%d %H:%M:%S}  "
            f"{letter.update_type:18}  {letter.error_kind}\n"
        )
    return EXIT_OK
