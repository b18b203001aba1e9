"""How far a community has come against what the letter requires of its type.

The requirements (說明二(二)): at least N 社群運作活動, among them at least N 專業對話 and N
公開授課, one 成果分享會 at school, and for 課程研創學習社群 the 公開成果發表會 in 112年7月第1週.
All numbers come from the program file; nothing here reads the clock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

from bot.dates import format_date
from bot.i18n import t
from bot.program import Program
from db.records import ActivityRecord

ACTIVITIES = "activities"
DIALOGUES = "dialogues"
PUBLIC_LESSONS = "public_lessons"
SHARING_SESSION = "sharing_session"
SHOWCASE = "showcase"
REQUIREMENT_KEYS = (ACTIVITIES, DIALOGUES, PUBLIC_LESSONS, SHARING_SESSION, SHOWCASE)

# The activity kind each specific requirement counts; "activities" counts every kind marked
# counts_toward_total in the program file.
_KIND_OF = {
    DIALOGUES: "dialogue",
    PUBLIC_LESSONS: "public_lesson",
    SHARING_SESSION: "sharing_session",
    SHOWCASE: "showcase",
}

# The activity kind of the 成果發表會.
SHOWCASE_KIND = _KIND_OF[SHOWCASE]

# Pace heuristic (ours, not the letter's): in the last this-many days every gap is urgent.
FINAL_STRETCH_DAYS = 30
# How long before the showcase the next step starts pointing at it.
SHOWCASE_LEAD_DAYS = 30


@dataclass(frozen=True)
class Requirement:
    """One requirement of the letter with how much of it is done."""

    key: str
    done: int
    required: int

    @property
    def met(self) -> bool:
        """Whether enough has been done."""
        return self.done >= self.required

    @property
    def missing(self) -> int:
        """How many are still needed (0 once met)."""
        return max(self.required - self.done, 0)


@dataclass(frozen=True)
class Progress:
    """A community's standing on one day of the implementation period."""

    type_key: str
    requirements: tuple[Requirement, ...]
    today: dt.date
    period_start: dt.date
    period_end: dt.date

    def requirement(self, key: str) -> Requirement | None:
        """The requirement with this key, or None if the type does not have it."""
        for requirement in self.requirements:
            if requirement.key == key:
                return requirement
        return None

    @property
    def days_left(self) -> int:
        """Days left including today and the last day: 1 on the last day, 0 after it."""
        return max((self.period_end - self.today).days + 1, 0)

    @property
    def started(self) -> bool:
        """Whether the implementation period has begun."""
        return self.today >= self.period_start

    @property
    def ended(self) -> bool:
        """Whether the implementation period is over."""
        return self.today > self.period_end

    @property
    def complete(self) -> bool:
        """Whether every requirement is met."""
        return all(requirement.met for requirement in self.requirements)

    @property
    def lacking(self) -> tuple[Requirement, ...]:
        """The requirements not yet met, in the letter's order."""
        return tuple(requirement for requirement in self.requirements if not requirement.met)

    @property
    def counted_activities(self) -> int:
        """How many 社群運作活動 count toward the minimum so far."""
        total = self.requirement(ACTIVITIES)
        return total.done if total else 0

    @property
    def expected_by_now(self) -> int:
        """Pace heuristic, not a rule of the letter: min activities × elapsed share, floored."""
        total = self.requirement(ACTIVITIES)
        if total is None:
            return 0
        period_days = (self.period_end - self.period_start).days + 1
        elapsed = min(max((self.today - self.period_start).days + 1, 0), period_days)
        return total.required * elapsed // period_days

    @property
    def behind_pace(self) -> bool:
        """Nudge heuristic, not a rule: under expected_by_now, or any gap in the last 30 days."""
        if self.counted_activities < self.expected_by_now:
            return True
        in_final_stretch = (self.period_end - self.today).days <= FINAL_STRETCH_DAYS
        return in_final_stretch and not self.complete


@dataclass(frozen=True)
class _Rules:
    """What the program says, looked up once so that many communities cost only counting."""

    start: dt.date
    end: dt.date
    counted_kinds: frozenset[str]
    targets: dict[str, tuple[tuple[str, int], ...]]
    min_attendees: dict[str, int]
    showcase_window: tuple[dt.date, dt.date]
    showcase_date: dt.date | None


def counts_as_logged(rules: _Rules, record: ActivityRecord) -> bool:
    """Whether an activity counts: inside the period, with enough attendees (or confirmed),
    and a 成果發表會 only in the letter's showcase week or on the day staff set."""
    if not rules.start <= record.day <= rules.end:
        return False
    needed = rules.min_attendees.get(record.kind, 0)
    if (
        needed
        and record.attendees is not None
        and record.attendees < needed
        and not record.confirmed
    ):
        return False
    if record.kind == _KIND_OF[SHOWCASE]:
        first, last = rules.showcase_window
        return first <= record.day <= last or record.day == rules.showcase_date
    return True


def activity_counts(program: Program, record: ActivityRecord) -> bool:
    """counts_as_logged with the program's rules (for one activity, e.g. while logging it)."""
    return counts_as_logged(_rules(program), record)


def _rules(program: Program) -> _Rules:
    targets: dict[str, tuple[tuple[str, int], ...]] = {}
    for community_type in program.community_types:
        wanted = [
            (ACTIVITIES, community_type.min_activities),
            (DIALOGUES, community_type.min_dialogues),
            (PUBLIC_LESSONS, community_type.min_public_lessons),
            (SHARING_SESSION, community_type.sharing_sessions),
            (SHOWCASE, 1 if program.showcase_required(community_type.key) else 0),
        ]
        # A requirement of zero is no requirement; the total is always shown.
        targets[community_type.key] = tuple(
            (key, required) for key, required in wanted if required > 0 or key == ACTIVITIES
        )
    return _Rules(
        start=program.period.start,
        end=program.period.end,
        counted_kinds=frozenset(k.key for k in program.activity_kinds if k.counts_toward_total),
        targets=targets,
        min_attendees={k.key: k.min_attendees for k in program.activity_kinds},
        showcase_window=(program.showcase.window_start, program.showcase.window_end),
        showcase_date=program.showcase.date,
    )


def _progress(
    rules: _Rules, type_key: str, activities: Sequence[ActivityRecord], today: dt.date
) -> Progress:
    try:
        targets = rules.targets[type_key]
    except KeyError:
        raise KeyError(type_key) from None
    per_kind: dict[str, int] = {}
    counted = 0
    start, end, counted_kinds = rules.start, rules.end, rules.counted_kinds
    for record in activities:
        if counts_as_logged(rules, record):
            per_kind[record.kind] = per_kind.get(record.kind, 0) + 1
            if record.kind in counted_kinds:
                counted += 1
    requirements = tuple(
        Requirement(key, counted if key == ACTIVITIES else per_kind.get(_KIND_OF[key], 0), required)
        for key, required in targets
    )
    return Progress(type_key, requirements, today, start, end)


def compute_progress(
    program: Program, type_key: str, activities: Sequence[ActivityRecord], today: dt.date
) -> Progress:
    """Count a community's activities inside the period against its type's requirements."""
    return _progress(_rules(program), type_key, activities, today)


def compute_progress_many(
    program: Program,
    items: Iterable[tuple[int, str, Sequence[ActivityRecord]]],
    today: dt.date,
) -> dict[int, Progress]:
    """Progress of many communities at once, keyed by the id given with each."""
    rules = _rules(program)
    return {
        community_id: _progress(rules, type_key, activities, today)
        for community_id, type_key, activities in items
    }


# --- words ----------------------------------------------------------------------------------


def _is_en(language: str) -> bool:
    return language.startswith("en")


def _plural_en(noun: str) -> str:
    if noun.endswith("y") and noun[-2:-1] not in "aeiou":
        return noun[:-1] + "ies"
    return noun if noun.endswith("s") else noun + "s"


def _showcase_event(program: Program, language: str) -> str:
    """The showcase as an event: its name in the letter, or its English name."""
    if _is_en(language):
        return program.activity_kind(_KIND_OF[SHOWCASE]).name_en
    return program.showcase.name


def requirement_name(key: str, program: Program, language: str, *, count: int = 1) -> str:
    """What a requirement is called: the activity kind's name, or 社群運作活動 for the total."""
    if key == ACTIVITIES:
        return t(
            language, "progress.activities_name" if count == 1 else "progress.activities_plural"
        )
    kind = program.activity_kind(_KIND_OF[key])
    if not _is_en(language):
        return kind.name
    return kind.name_en if count == 1 else _plural_en(kind.name_en)


def _lacking_item(requirement: Requirement, program: Program, language: str) -> str:
    name = requirement_name(requirement.key, program, language, count=requirement.missing)
    if requirement.key == SHOWCASE:
        return t(language, "progress.lacking_showcase", name=name)
    if requirement.key == SHARING_SESSION and requirement.done == 0:
        return t(language, "progress.lacking_not_held", name=name)
    return t(language, "progress.lacking_count", count=requirement.missing, name=name)


def describe_lacking(
    progress: Progress, program: Program, language: str, keys: Collection[str] | None = None
) -> str:
    """What is still missing in one sentence (還差 1 次公開授課、成果分享會尚未辦理); "" if none.

    ``keys`` limits it to those requirements.
    """
    items = [
        _lacking_item(requirement, program, language)
        for requirement in progress.lacking
        if keys is None or requirement.key in keys
    ]
    if not items:
        return ""
    return t(language, "progress.lacking", items=t(language, "progress.separator").join(items))


def showcase_when(program: Program, language: str) -> str:
    """When the showcase is: the day staff set, else the letter's 112年7月第1週."""
    showcase = program.showcase
    if showcase.date is not None:
        return format_date(showcase.date, language)
    if _is_en(language):
        return t(
            language,
            "progress.showcase_window",
            start=format_date(showcase.window_start, language, weekday=False),
            end=format_date(showcase.window_end, language, weekday=False),
        )
    return showcase.when_text


def _showcase_days(program: Program) -> tuple[dt.date, dt.date]:
    showcase = program.showcase
    if showcase.date is not None:
        return showcase.date, showcase.date
    return showcase.window_start, showcase.window_end


# Which gap to close first when several are open: the ones that need others (observers for a
# public lesson, partners for a dialogue) before the plain count, the sharing session last.
_URGENCY = (PUBLIC_LESSONS, DIALOGUES, ACTIVITIES, SHARING_SESSION, SHOWCASE)


def next_step(progress: Progress, program: Program, language: str) -> str:
    """One line saying what the community should do next."""
    end = format_date(progress.period_end, language)
    if progress.ended:
        if progress.complete:
            return t(language, "progress.next_ended_complete", end=end)
        return t(
            language,
            "progress.next_ended_lacking",
            end=end,
            lacking=describe_lacking(progress, program, language),
        )
    if progress.complete:
        return t(language, "progress.next_complete")
    if not progress.started:
        return t(
            language,
            "progress.next_not_started",
            start=format_date(progress.period_start, language),
        )

    showcase = progress.requirement(SHOWCASE)
    if showcase is not None and not showcase.met:
        first, last = _showcase_days(program)
        values = {
            "name": requirement_name(SHOWCASE, program, language),
            "event": _showcase_event(program, language),
            "when": showcase_when(program, language),
        }
        key = None
        if first <= progress.today <= last:
            key = "progress.next_showcase_now"
        elif progress.today < first and (first - progress.today).days <= SHOWCASE_LEAD_DAYS:
            key = "progress.next_showcase_soon"
        elif progress.today > last:
            # It may have been attended but not logged; say so rather than call it missed.
            key = "progress.next_showcase_log"
        if key is not None:
            text = t(language, key, **values)
            # The showcase is the nearest date, not the only thing left before the period ends.
            others = [r.key for r in progress.lacking if r.key != SHOWCASE]
            if others:
                text += t(
                    language,
                    "progress.next_also",
                    lacking=describe_lacking(progress, program, language, others),
                    end=end,
                )
            return text

    by_key = {requirement.key: requirement for requirement in progress.lacking}
    for key in _URGENCY:
        requirement = by_key.get(key)
        if requirement is None:
            continue
        name = requirement_name(key, program, language, count=requirement.missing)
        if key == SHARING_SESSION:
            community_type = program.community_type(progress.type_key)
            place = (
                community_type.sharing_session_place_en
                if _is_en(language)
                else community_type.sharing_session_place
            )
            return t(language, "progress.next_sharing_session", name=name, place=place, end=end)
        if key == SHOWCASE:
            return t(
                language,
                "progress.next_showcase_later",
                name=name,
                event=_showcase_event(program, language),
                when=showcase_when(program, language),
            )
        return t(language, "progress.next_plan", count=requirement.missing, name=name, end=end)
    return t(language, "progress.next_complete")


def render_checklist(progress: Progress, program: Program, language: str) -> list[str]:
    """One line per requirement (✅ 社群運作活動 5/4, ⬜ 公開授課 0/1), then the days left."""
    lines = []
    for requirement in progress.requirements:
        name = requirement_name(requirement.key, program, language, count=requirement.required)
        if _is_en(language):
            name = name[:1].upper() + name[1:]
        mark = t(language, "progress.mark_done" if requirement.met else "progress.mark_open")
        lines.append(
            t(
                language,
                "progress.checklist_line",
                mark=mark,
                name=name,
                done=requirement.done,
                required=requirement.required,
            )
        )
    start = format_date(progress.period_start, language)
    end = format_date(progress.period_end, language)
    if progress.ended:
        lines.append(t(language, "progress.period_ended", end=end))
    elif not progress.started:
        lines.append(t(language, "progress.period_not_started", start=start, end=end))
    else:
        lines.append(t(language, "progress.days_left", days=progress.days_left, end=end))
    return lines
