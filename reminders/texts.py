"""The words of each reminder, per recipient language (pure: values in, text out)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from bot.dates import format_date
from bot.i18n import html_escape, join_list, t
from bot.program import Program
from bot.progress import Progress, describe_lacking, showcase_when
from reminders.plan import BEHIND, COMMUNITY_TYPE, Audience


@dataclass(frozen=True)
class Content:
    """What a reminder says: a catalogue message about a day, or the staff's own words."""

    category: str
    message_key: str | None
    event_day: dt.date | None
    text: str | None
    audience: Audience


def _e(text: str) -> str:
    """Program facts go into HTML messages: escape them (a type name has an "&")."""
    return html_escape(text)


def _is_en(language: str) -> bool:
    return language.startswith("en")


def _left(language: str, event_day: dt.date, today: dt.date) -> str:
    days = (event_day - today).days
    if days <= 0:
        return t(language, "reminders.days_today")
    return t(language, "reminders.days_left", days=days)


def _phase_name(program: Program, day: dt.date, language: str) -> tuple[str, dt.date, dt.date]:
    phase = program.phase_on(day)
    if phase is None:
        return "", day, day
    name = f"Phase {phase.number} funding" if _is_en(language) else phase.name
    return name, phase.start, phase.end


def _type_name(program: Program, type_key: str | None, language: str) -> str:
    if type_key is None:
        return ""
    return program.community_type(type_key).name_in(language)


def community_line(program: Program, language: str, name: str, progress: Progress) -> str:
    """One community's line in a personalised reminder: what it still lacks, or that it is done."""
    lacking = describe_lacking(progress, program, language)
    if lacking:
        return t(language, "reminders.community_lacking", community=_e(name), lacking=lacking)
    return t(language, "reminders.period_end_complete", community=_e(name))


def _community_lines(
    program: Program, language: str, communities: Sequence[tuple[str, Progress]]
) -> str:
    return "\n".join(
        community_line(program, language, name, progress) for name, progress in communities
    )


def render(
    content: Content,
    program: Program,
    language: str,
    today: dt.date,
    communities: Sequence[tuple[str, Progress]] = (),
    *,
    lines: str | None = None,
) -> str:
    """The message for one recipient; ``communities`` are theirs (personalised reminders).

    ``lines`` may give the communities' lines already rendered (many recipients share them).
    """
    if lines is None:
        lines = _community_lines(program, language, communities)
    if content.message_key is None:
        text = t(language, "reminders.staff", text=html_escape(content.text or ""))
        if content.audience.kind == BEHIND and lines:
            text += "\n" + lines
        return text
    day = content.event_day or today
    left = _left(language, day, today)
    key = content.message_key
    if key == "deadline":
        application = program.application
        documents = [d.name_en if _is_en(language) else d.name for d in application.documents]
        text = t(
            language,
            "reminders.deadline",
            program=_e(program.program.title_en if _is_en(language) else program.program.title),
            deadline=format_date(day, language),
            left=left,
            documents=_e(join_list(documents, language)),
            copies=" (two copies each)" if _is_en(language) else _e(application.copies_text),
            cover="no covering letter needed"
            if _is_en(language)
            else _e(application.cover_letter_text),
            deliver_to=_e(
                application.deliver_to_en if _is_en(language) else application.deliver_to
            ),
            address=_e(application.address),
            collector=_e(application.collector_en if _is_en(language) else application.collector),
        )
    elif key in ("phase_end", "phase_start"):
        phase, start, end = _phase_name(program, day, language)
        text = t(
            language,
            f"reminders.{key}",
            phase=_e(phase),
            start=format_date(start, language),
            end=format_date(end, language),
            left=left,
            contact=_e(program.help_contact.reach(language)),
        )
    elif key == "workshop":
        workshop = program.workshop
        text = t(
            language,
            "reminders.workshop",
            name=_e(workshop.name),
            day=format_date(day, language),
            left=left,
            announced_on=_e(workshop.announced_on),
        )
    elif key == "showcase":
        showcase = program.showcase
        type_key = content.audience.type_key if content.audience.kind == COMMUNITY_TYPE else None
        text = t(
            language,
            "reminders.showcase",
            name=_e(showcase.name),
            organiser=_e(showcase.organiser_en if language == "en" else showcase.organiser),
            when=_e(showcase_when(program, language)),
            left=left,
            type=_e(_type_name(program, type_key, language)),
        )
    elif key == "period_end":
        text = t(
            language,
            "reminders.period_end",
            end=format_date(day, language),
            left=left,
            lines=lines,
        )
    elif key == "pace":
        text = t(
            language,
            "reminders.pace",
            end=format_date(day, language),
            lines=lines,
        )
    else:
        raise KeyError(key)
    return text + "\n" + t(language, "reminders.footer")


def summary(content: Content, language: str) -> str:
    """One short line naming a reminder (for /reminders and the staff's list)."""
    if content.message_key is None:
        text = content.text or ""
        short = text if len(text) <= 40 else text[:39] + "…"
        return t(language, "reminders.summary.staff", text=html_escape(short))
    day = format_date(content.event_day, language) if content.event_day else ""
    return t(language, f"reminders.summary.{content.message_key}", day=day)


def describe_audience(audience: Audience, program: Program, language: str) -> str:
    """Who receives it, in words."""
    if audience.kind == COMMUNITY_TYPE:
        return t(
            language,
            "reminders.audience.community_type",
            type=_e(_type_name(program, audience.type_key, language)),
        )
    if audience.kind == BEHIND and audience.conveners_only:
        return t(language, "reminders.audience.behind_conveners")
    return t(language, f"reminders.audience.{audience.kind}")


def format_when(moment: dt.datetime, language: str) -> str:
    """111年9月14日（三） 09:00."""
    return t(
        language,
        "reminders.when",
        day=format_date(moment.date(), language),
        time=moment.strftime("%H:%M"),
    )


def delayed_note(text: str, language: str, due_day: dt.date) -> str:
    """A reminder sent on a later day than planned says the day it was due."""
    note = t(language, "reminders.delayed", day=format_date(due_day, language))
    footer = t(language, "reminders.footer")
    if text.endswith("\n" + footer):
        return text[: -len(footer)] + note + "\n" + footer
    return text + "\n" + note


def digest(texts: Sequence[str], language: str) -> str:
    """Several reminders of one morning for one person, as one message (one footer)."""
    footer = t(language, "reminders.footer")
    bodies = [text.removesuffix("\n" + footer) for text in texts]
    separator = "\n" + t(language, "reminders.digest_separator") + "\n"
    text = t(language, "reminders.digest_header", count=len(texts)) + "\n" + separator.join(bodies)
    if any(body != text_ for body, text_ in zip(bodies, texts, strict=True)):
        text += "\n" + footer
    return text


def staff_skipped(
    language: str, text: str, when: dt.datetime, now: dt.datetime, useful_hours: int
) -> str:
    """Tells the staff member who wrote a one-off that it was too late to send."""
    short = text if len(text) <= 80 else text[:79] + "…"
    return t(
        language,
        "reminders.staff_skipped",
        when=format_when(when, language),
        now=format_when(now, language),
        hours=useful_hours,
        text=html_escape(short),
    )
