"""/stats: the staff dashboard."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler

from bot import staff
from bot.channels import PushUsage
from bot.dates import format_date
from bot.i18n import html_escape, t
from bot.program import Program
from db.community_status import ORDER
from handlers.common import BotContext, ensure_staff, language_of, reply_html

# Every status of the one status model, in its order (db.community_status).
STATUSES = tuple(str(status) for status in ORDER)
DELIVERY_STATUSES = ("sent", "blocked", "failed", "unknown", "pending", "sending", "skipped")
# Beyond this many, the list of communities behind schedule points to the export instead.
MAX_BEHIND_LINES = 25


def _type_name(program: Program, type_key: str, language: str) -> str:
    try:
        community_type = program.community_type(type_key)
    except KeyError:
        return type_key
    return html_escape(community_type.name_in(language))


def _kind_name(program: Program, kind: str, language: str) -> str:
    try:
        activity_kind = program.activity_kind(kind)
    except KeyError:
        return kind
    return html_escape(activity_kind.name_in(language))


def render(program: Program, board: staff.Dashboard, language: str, today_text: str) -> str:
    """The dashboard as one HTML message."""
    separator = t(language, "stats.separator")
    lines = [
        t(language, "stats.title", year=program.program.year, today=today_text),
        t(language, "stats.communities", count=board.total_communities),
    ]
    quota = {use.type_key: use for use in board.quota}
    for community_type in program.community_types:
        parts = []
        for status in STATUSES:
            count = board.communities.get((community_type.key, status), 0)
            if status == "approved":
                use = quota[community_type.key]
                parts.append(t(language, "stats.approved_of_quota", count=count, quota=use.quota))
            elif count:
                parts.append(t(language, f"stats.status_{status}", count=count))
        lines.append(
            t(
                language,
                "stats.type_line",
                type=_type_name(program, community_type.key, language),
                figures=separator.join(parts),
            )
        )
    by_status = separator.join(
        t(language, f"stats.status_{status}", count=count)
        for status in STATUSES
        if (count := sum(c for (_, s), c in board.communities.items() if s == status))
    )
    lines.append(t(language, "stats.by_status", figures=by_status or "—"))
    lines.extend(_money_lines(program, board, language))
    lines.append(
        t(
            language,
            "stats.members",
            members=board.members,
            linked=board.linked_members,
            gifted=board.gifted_teachers,
        )
    )
    total = sum(board.activities.values())
    kinds = separator.join(
        t(language, "stats.kind_count", kind=_kind_name(program, k.key, language), count=count)
        for k in program.activity_kinds
        if (count := board.activities.get(k.key, 0))
    )
    lines.append(t(language, "stats.activities", count=total, kinds=kinds or "—"))
    if board.behind:
        lines.append(t(language, "stats.behind", count=len(board.behind)))
        for community in board.behind[:MAX_BEHIND_LINES]:
            lines.append(
                t(
                    language,
                    "stats.behind_line",
                    school=html_escape(community.school),
                    name=html_escape(community.name),
                    lacking=html_escape(community.lacking),
                    counted=community.counted,
                    expected=community.expected,
                )
            )
        if len(board.behind) > MAX_BEHIND_LINES:
            lines.append(
                t(language, "stats.behind_more", count=len(board.behind) - MAX_BEHIND_LINES)
            )
    else:
        lines.append(t(language, "stats.none_behind"))
    for source in ("reminder", "broadcast"):
        figures = separator.join(
            t(language, f"stats.delivery_{status}", count=count)
            for status in DELIVERY_STATUSES
            if (count := board.deliveries.get((source, status), 0))
        )
        lines.append(t(language, f"stats.deliveries_{source}", figures=figures or "—"))
    return "\n".join(lines)


def _money_lines(program: Program, board: staff.Dashboard, language: str) -> list[str]:
    """Approved communities × the program file's amounts, per type and phase."""
    lines = [t(language, "stats.money", total=_amount(sum(m.total for m in board.money)))]
    for phase in program.funding.phases:
        items = [m for m in board.money if m.phase == phase.number]
        figures = t(language, "stats.separator").join(
            t(
                language,
                "stats.money_item",
                type=_type_name(program, m.type_key, language),
                groups=m.groups,
                each=_amount(m.amount_per_group),
                total=_amount(m.total),
            )
            for m in items
        )
        lines.append(
            t(
                language,
                "stats.money_phase",
                phase=html_escape(phase.name),
                total=_amount(sum(m.total for m in items)),
                figures=figures,
            )
        )
    return lines


def _amount(value: int) -> str:
    return f"{value:,}"


async def stats(update: Update, context: BotContext) -> None:
    """Show the dashboard."""
    if not await ensure_staff(update, context, "/stats"):
        return
    language = language_of(update, context)
    services = context.services
    today = services.clock.today()
    async with services.database.session() as session:
        board = await staff.dashboard(session, services.program, today, language)
    text = render(services.program, board, language, format_date(today, language))
    if services.push_channel is not None:
        text += "\n" + _push_line(await services.push_channel.usage(), language)
    await reply_html(update, text)


def _push_line(usage: PushUsage, language: str) -> str:
    """This month's LINE pushes against the budget setting, and LINE's own count."""
    line = t(language, "stats.line_pushes", sent=usage.sent, budget=usage.budget)
    if usage.platform_used is not None:
        key = "stats.line_quota" if usage.platform_limit is not None else "stats.line_quota_none"
        line += t(language, key, used=usage.platform_used, limit=usage.platform_limit or 0)
    return line


def build() -> list[BaseHandler[Update, BotContext, object]]:
    """The handlers of this module."""
    return [CommandHandler("stats", stats)]
