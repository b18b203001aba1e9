"""/progress: the checklist of what the letter requires of the user's community, and what next.

Conveners and linked members see their community; staff may name one (/progress 12).
"""

from __future__ import annotations

import datetime as dt

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler

from bot import applications, communities
from bot.applications import ConvenerStatus
from bot.dates import format_date
from bot.i18n import html_escape, t
from bot.program import Program
from bot.progress import Progress, next_step, render_checklist
from db.models import Community
from handlers.common import BotContext, is_staff, language_of, reply_html, say
from handlers.review import documents_line


def render_status(status: ConvenerStatus, program: Program, language: str) -> str:
    """The application status line, the next step and the paper documents."""
    values = {
        key: format_date(value, language) if isinstance(value, dt.date) else html_escape(str(value))
        for key, value in status.values.items()
    }
    name = t(language, status.status_key, **values)
    lines = [t(language, "status.line", status=name), t(language, status.next_key, **values)]
    if status.paper_key is not None:
        documents = documents_line(
            program, status.documents_received, status.late_documents, language
        )
        lines.append(t(language, status.paper_key, documents=documents, **values))
    return "\n".join(line for line in lines if line)


def render_progress(
    program: Program,
    community: Community,
    today_progress: Progress,
    language: str,
    status: ConvenerStatus | None = None,
) -> str:
    """The community's name and type, its status, one line per requirement, the next step.

    A rejected or withdrawn community sees its status, not progress bars as if it ran.
    """
    community_type = program.community_type(community.type_key)
    header = t(
        language,
        "progress.header",
        name=html_escape(community.name),
        community_type=html_escape(community_type.name_in(language)),
    )
    parts = [header]
    if status is not None:
        parts.append(render_status(status, program, language))
        if not status.shows_progress:
            return "\n".join([*parts, "", t(language, "status.not_running")])
        parts.append("")
    lines = render_checklist(today_progress, program, language)
    if status is not None and status.closed:
        # Out of the program unless staff reopen it: no showcase or activities to ask for.
        return "\n".join([*parts, *lines])
    return "\n".join([*parts, *lines, "", next_step(today_progress, program, language)])


async def show_progress(update: Update, context: BotContext) -> None:
    """Show the checklist of each community the user convenes or belongs to."""
    user = update.effective_user
    if user is None:
        return
    services = context.services
    program = services.program
    language = language_of(update, context)
    today = services.clock.today()
    wanted = int(context.args[0]) if context.args and context.args[0].isdigit() else None
    staff = wanted is not None and await is_staff(context, user.id)
    async with services.database.session() as session:
        mine = await communities.communities_of(
            session, program.program.year, user.id, activities=False
        )
        found = [community for community, _ in mine]
        if not found and wanted is not None and staff:
            try:
                community, _ = await communities.community_for_view(
                    session, user.id, wanted, staff=True, activities=False
                )
                found = [community]
            except communities.NotAllowed:
                found = []
        progress = await communities.progress_of_many(session, program, found, today)
        statuses = [
            await applications.convener_status(session, program, c, today, viewer_id=user.id)
            for c in found
        ]
        texts = [
            render_progress(program, c, p, language, s)
            for c, p, s in zip(found, progress, statuses, strict=True)
        ]
    if not texts:
        await say(update, context, "progress.none_yet")
        return
    await reply_html(update, "\n\n".join(texts))


def build() -> list[BaseHandler[Update, BotContext, object]]:
    """The handlers of this module."""
    return [CommandHandler("progress", show_progress)]
