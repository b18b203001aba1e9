"""Membership and activity-date rules of the letter, checked on plain values.

社群參與人數 is exactly the type's member_count (4 or 6), with at least min_gifted_teachers
資優班教師 (說明二(二)1(1), 2(1)); activities count only inside the 實施期程 (說明二(一)).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.dates import format_date
from bot.i18n import normalise_language, t
from bot.program import Program

MAX_NAME_LENGTH = 40

OUTSIDE_PERIOD = "outside_period"
FUTURE = "future"

# Control, format (zero-width), surrogate, private-use and unassigned characters: never part of
# a name, and invisible in a chat, so they would make two equal-looking names differ.
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})


class InvalidName(Exception):
    """A typed member name cannot be used; ``reason`` is empty, too_long, not_text or
    no_letters."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class MemberDraft:
    """A member as the convener entered them."""

    name: str
    gifted_teacher: bool
    subject: str | None = None


@dataclass(frozen=True)
class RuleProblem:
    """A broken rule: ``key`` is a text of rules.toml, ``values`` fill its placeholders."""

    key: str
    values: dict[str, object] = field(default_factory=dict)


def tidy_text(text: str, limit: int, *, multiline: bool = False) -> str:
    """Typed text tidied (single spaces, no invisible characters), or InvalidName.

    The text is kept as typed otherwise: only canonical composition (NFC), which changes no
    character a reader can tell apart. NFKC would turn the full-width （）：， teachers type into
    ASCII, in the record sent to the Bureau too; code that compares text normalises a copy.
    ``multiline`` keeps the line breaks (notes, minutes), trimming each line.
    """
    text = unicodedata.normalize("NFC", text)
    if not text.strip():
        raise InvalidName("empty")
    lines = text.splitlines() if multiline else [text]
    tidied_lines = [
        re.sub(
            r" +",
            " ",
            "".join(
                " " if ch.isspace() else ch
                for ch in line
                if ch.isspace() or unicodedata.category(ch) not in _INVISIBLE_CATEGORIES
            ),
        ).strip()
        for line in lines
    ]
    # At most one blank line between paragraphs; none before or after.
    tidied = re.sub(r"\n{3,}", "\n\n", "\n".join(tidied_lines)).strip()
    if not tidied:
        raise InvalidName("not_text")
    if len(tidied) > limit:
        raise InvalidName("too_long")
    return tidied


def clean_member_name(text: str) -> str:
    """A typed name tidied (NFC, single spaces, no invisible characters), or InvalidName.

    A name has at least one letter: "2" or "。" is a slip (a button number, a stray key), not
    a teacher.
    """
    name = tidy_text(text, MAX_NAME_LENGTH)
    if not any(unicodedata.category(ch).startswith("L") for ch in name):
        raise InvalidName("no_letters")
    return name


def _name_key(name: str) -> str:
    """The form two names are compared in: 王 小明 and 王小明 are the same person."""
    try:
        cleaned = clean_member_name(name)
    except InvalidName:
        cleaned = name
    # Compared, not stored: a normalised copy, so ＡＢＣ and ABC are the same name.
    return unicodedata.normalize("NFKC", cleaned).replace(" ", "").casefold()


def member_problems(
    program: Program, type_key: str, members: Sequence[MemberDraft]
) -> list[RuleProblem]:
    """Everything wrong with a member list for this community type; [] when it is fine."""
    community_type = program.community_type(type_key)
    names = {"type_name": community_type.name, "type_name_en": community_type.name_en}
    problems: list[RuleProblem] = []

    for member in members:
        try:
            clean_member_name(member.name)
        except InvalidName as error:
            problems.append(RuleProblem(f"name_{error.reason}", {"name": member.name.strip()}))

    required = community_type.member_count
    count = len(members)
    if count < required:
        problems.append(
            RuleProblem(
                "too_few_members",
                {"missing": required - count, "count": count, "required": required, **names},
            )
        )
    elif count > required:
        problems.append(
            RuleProblem(
                "too_many_members",
                {"extra": count - required, "count": count, "required": required, **names},
            )
        )

    gifted = sum(1 for member in members if member.gifted_teacher)
    if gifted < community_type.min_gifted_teachers:
        problems.append(
            RuleProblem(
                "too_few_gifted",
                {"count": gifted, "required": community_type.min_gifted_teachers, **names},
            )
        )

    seen: dict[str, str] = {}
    reported: set[str] = set()
    for member in members:
        key = _name_key(member.name)
        if not key:
            continue
        if key in seen and key not in reported:
            reported.add(key)
            problems.append(RuleProblem("duplicate_name", {"name": seen[key]}))
        seen.setdefault(key, member.name.strip())
    return problems


def localised_values(problem: RuleProblem, language: str) -> dict[str, Any]:
    """A problem's values for its text: the community type named in the reader's language."""
    values = dict(problem.values)
    if "type_name_en" in values:
        english = values.pop("type_name_en")
        if normalise_language(language) == "en":
            values["type_name"] = english
    return values


def describe_problems(problems: Sequence[RuleProblem], language: str) -> list[str]:
    """The catalogue text of each problem, in order."""
    return [
        t(language, f"rules.{problem.key}", **localised_values(problem, language))
        for problem in problems
    ]


def activity_date_problem(program: Program, day: dt.date, today: dt.date) -> str | None:
    """Why an activity cannot be dated ``day``: outside_period, future, or None if it can."""
    if not program.period.contains(day):
        return OUTSIDE_PERIOD
    if day > today:
        return FUTURE
    return None


def describe_date_problem(program: Program, problem: str, today: dt.date, language: str) -> str:
    """The catalogue text for a problem returned by activity_date_problem."""
    return t(
        language,
        f"rules.date_{problem}",
        start=format_date(program.period.start, language),
        end=format_date(program.period.end, language),
        today=format_date(today, language),
    )
