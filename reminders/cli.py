"""`python -m bot reminders [--today DATE]`: the reminder plan — when, to whom, what."""

from __future__ import annotations

import asyncio
import datetime as dt
import html
import re
import sys
from typing import TextIO

from bot.clock import Clock
from bot.i18n import normalise_language, t
from bot.program import load_program, with_dates
from bot.progress import compute_progress_many
from bot.settings import Settings
from db import program_dates
from db import reminders as db_reminders
from db.engine import Database
from db.models.messaging import ReminderStatus
from reminders.audience import Recipient, render_all, select_recipients
from reminders.plan import PERSONALISED, Audience, derive_plan
from reminders.texts import Content, describe_audience, format_when, render

_TAGS = re.compile(r"</?[a-z]+[^>]*>")


async def _plan_lines(settings: Settings, today: dt.date | None, language: str) -> list[str]:
    zone = settings.timezone
    now = Clock(zone, today=today).now()
    program = load_program(settings.PROGRAM_FILE)
    year = program.program.year
    database = Database(settings.database_url)
    try:
        await database.migrate()
        async with database.session() as session:
            dates = await program_dates.get_dates(session, year)
            if dates is not None:
                program = with_dates(
                    program, showcase=dates.showcase_date, workshop=dates.workshop_date
                )
            rows = {row.key: row for row in await db_reminders.all_reminders(session, year)}
            people = await db_reminders.load_people(session, year)
            activities = await db_reminders.load_activities(
                session, [c.id for c in people.communities]
            )
    finally:
        await database.dispose()
    progress = compute_progress_many(
        program, ((c.id, c.type_key, activities[c.id]) for c in people.communities), now.date()
    )

    # (when, status, content) for the plan and for the staff's reminders.
    entries: list[tuple[dt.datetime, str, Content]] = []
    planned = set()
    for definition in derive_plan(program, zone):
        planned.add(definition.key)
        row = rows.get(definition.key)
        if row is not None and row.status != ReminderStatus.SCHEDULED:
            status = str(row.status)
        elif definition.fire_at > now:
            status = "scheduled"
        else:
            status = "due" if now < definition.useful_until else "skipped"
        content = Content(
            definition.category,
            definition.message_key,
            definition.event_day,
            None,
            definition.audience,
        )
        entries.append((definition.fire_at, status, content))
    for key, row in rows.items():
        if key in planned or row.created_by is None:
            continue
        content = Content(
            row.category, row.message_key, row.event_day, row.text, Audience.from_dict(row.audience)
        )
        entries.append((row.fire_at.astimezone(zone), str(row.status), content))
    entries.sort(key=lambda entry: entry[0])

    lines = [
        t(
            language,
            "reminders.cli.title",
            program=program.program.title_en if language == "en" else program.program.title,
            today=now.date().isoformat(),
        )
    ]
    staff_ids = settings.BOT_ADMIN_IDS
    for when, status, content in entries:
        recipients = select_recipients(
            content.audience, content.category, people, staff_ids, progress
        )
        lines.append(
            t(
                language,
                "reminders.cli.line",
                when=format_when(when, language),
                status=t(language, f"reminders.status.{status}"),
                category=t(language, f"reminders.category.{content.category}"),
                audience=describe_audience(content.audience, program, language),
                count=len(recipients),
            )
        )
        text = ""
        if content.audience.kind in PERSONALISED:
            # With nobody to write it for yet, there is no example to show.
            key = "reminders.cli.personalised" if recipients else "reminders.cli.personalised_none"
            lines.append(t(language, key))
            if recipients:
                sample = Recipient(recipients[0].user_id, language, recipients[0].communities)
                text = render_all(content, program, when.date(), [sample], progress)[0][1]
        else:
            text = render(content, program, language, when.date())
        for line in _TAGS.sub("", text).splitlines():
            lines.append(t(language, "reminders.cli.text", text=html.unescape(line)))
    if not entries:
        lines.append(t(language, "reminders.cli.none"))
    return lines


def run_reminders_cli(
    settings: Settings,
    today: dt.date | None,
    language: str = "zh-TW",
    out: TextIO | None = None,
) -> int:
    """Print the reminder plan as it stands on ``today``; return the exit code."""
    lines = asyncio.run(_plan_lines(settings, today, normalise_language(language)))
    stream = out or sys.stdout
    stream.write("\n".join(lines) + "\n")
    return 0
