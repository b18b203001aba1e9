"""The program's facts, loaded from a data file into typed, validated objects.

The letter is the authority; the data file restates it with the section each fact comes from,
so that next year's program is run by editing that file, not the code.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from functools import cached_property
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

DEFAULT_PROGRAM_FILE = Path(__file__).parent / "data" / "program_111.toml"

NonEmpty = Annotated[str, Field(min_length=1)]
Positive = Annotated[int, Field(gt=0)]
NonNegative = Annotated[int, Field(ge=0)]


class ProgramFileError(Exception):
    """The program file is missing, unreadable or does not describe a valid program."""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ProgramInfo(_Frozen):
    year: Positive
    title: NonEmpty
    title_en: NonEmpty
    eligible: NonEmpty
    eligible_en: NonEmpty
    basis: list[NonEmpty]
    basis_source: NonEmpty
    eligible_source: NonEmpty


class Letter(_Frozen):
    issuer: NonEmpty
    unit: NonEmpty
    number: NonEmpty
    date: dt.date
    subject: NonEmpty
    attachments: list[NonEmpty]
    attachment_note: NonEmpty
    attachment_source: NonEmpty


class Period(_Frozen):
    start: dt.date
    end: dt.date
    source: NonEmpty

    @model_validator(mode="after")
    def _start_before_end(self) -> Period:
        if self.start > self.end:
            raise ValueError("start must not be after end")
        return self

    def contains(self, day: dt.date) -> bool:
        """Whether ``day`` falls inside the implementation period."""
        return self.start <= day <= self.end


class ActivityKind(_Frozen):
    key: NonEmpty
    name: NonEmpty
    name_en: NonEmpty
    counts_toward_total: bool
    # How many attendees it takes to count (a 專業對話 is a dialogue: at least two people);
    # fewer count only when the convener confirmed it explicitly.
    min_attendees: int = Field(default=0, ge=0)

    def name_in(self, language: str) -> str:
        """The kind's name in the reader's language ("en…" or Chinese)."""
        return self.name_en if language.startswith("en") else self.name


class CommunityType(_Frozen):
    key: NonEmpty
    name: NonEmpty
    name_en: NonEmpty
    aliases: list[NonEmpty]
    aliases_en: list[NonEmpty]
    member_count: Positive
    min_gifted_teachers: NonNegative
    convener: NonEmpty
    min_activities: NonNegative
    min_dialogues: NonNegative
    min_public_lessons: NonNegative
    sharing_sessions: NonNegative
    sharing_session_place: NonEmpty
    sharing_session_place_en: NonEmpty
    showcase_required: bool
    funding_per_group: NonNegative
    quota: NonNegative
    members_source: NonEmpty
    activities_source: NonEmpty
    funding_source: NonEmpty

    @model_validator(mode="after")
    def _consistent_counts(self) -> CommunityType:
        if self.min_gifted_teachers > self.member_count:
            raise ValueError("min_gifted_teachers exceeds member_count")
        if self.min_dialogues + self.min_public_lessons > self.min_activities:
            raise ValueError("min_dialogues + min_public_lessons exceeds min_activities")
        return self

    def name_in(self, language: str) -> str:
        """The type's name in the reader's language ("en…" or Chinese)."""
        return self.name_en if language.startswith("en") else self.name


class FundingPhase(_Frozen):
    number: Positive
    name: NonEmpty
    start: dt.date
    end: dt.date
    amounts: dict[str, NonNegative]
    groups: dict[str, NonNegative]
    source: NonEmpty


class Funding(_Frozen):
    phase_count: Positive
    basis: NonEmpty
    source: NonEmpty
    phases: list[FundingPhase]

    @model_validator(mode="after")
    def _phases_match_count(self) -> Funding:
        if len(self.phases) != self.phase_count:
            raise ValueError(f"phase_count is {self.phase_count} but {len(self.phases)} phases")
        return self


class Document(_Frozen):
    name: NonEmpty
    name_en: NonEmpty
    copies: Positive


class Application(_Frozen):
    deadline: dt.date
    documents: list[Document]
    copies_text: NonEmpty
    cover_letter_required: bool
    cover_letter_text: NonEmpty
    deliver_to: NonEmpty
    deliver_to_en: NonEmpty
    address: NonEmpty
    collector: NonEmpty
    collector_en: NonEmpty
    after_approval: NonEmpty
    after_approval_en: NonEmpty
    source: NonEmpty


class Showcase(_Frozen):
    name: NonEmpty
    organiser: NonEmpty
    organiser_en: NonEmpty
    when_text: NonEmpty
    window_start: dt.date
    window_end: dt.date
    required_for: list[NonEmpty]
    source: NonEmpty
    date: dt.date | None = None


class Workshop(_Frozen):
    name: NonEmpty
    arrangement: NonEmpty
    announced_on: NonEmpty
    source: NonEmpty
    date: dt.date | None = None


class Calendar(_Frozen):
    """Which public-holiday calendar decides the school days (a `holidays` country code)."""

    holidays: NonEmpty = "TW"
    source: NonEmpty = "中華民國政府行政機關辦公日曆表"


class Contact(_Frozen):
    key: NonEmpty
    role: NonEmpty
    role_en: NonEmpty
    organisation: NonEmpty
    organisation_en: NonEmpty
    name: NonEmpty
    name_en: NonEmpty
    phone: NonEmpty
    extension: str | None = None
    email: str | None = None
    address: str | None = None
    source: NonEmpty

    @property
    def phone_with_extension(self) -> str:
        """The phone number written the way the letter writes it (07-3118935#64)."""
        return f"{self.phone}#{self.extension}" if self.extension else self.phone

    def reach(self, language: str) -> str:
        """Who to ask and how, in the reader's language: 高雄市…劉老師 07-3118935#64."""
        name = self.name_en if language.startswith("en") else self.organisation + self.name
        return f"{name} {self.phone_with_extension}"


class Recipients(_Frozen):
    source: NonEmpty
    schools: list[NonEmpty]
    # Names teachers type for a school of the list (雄中) → the school's name in the letter.
    school_aliases: dict[NonEmpty, NonEmpty] = Field(default_factory=dict)
    school_aliases_source: str | None = None

    @model_validator(mode="after")
    def _aliases_name_listed_schools(self) -> Recipients:
        for alias, name in self.school_aliases.items():
            if name not in self.schools:
                raise ValueError(f"school_aliases: {alias!r} names {name!r}, not a listed school")
            if alias in self.schools:
                raise ValueError(f"school_aliases: {alias!r} is itself a school's name")
        return self


class SchoolLevel(_Frozen):
    """A school level (國小, 國中, 高中) and how long one class period lasts there."""

    key: NonEmpty
    name: NonEmpty
    name_en: NonEmpty
    period_minutes: Positive
    # Parts of a school's name that place it at this level; levels are tried in file order.
    name_markers: list[NonEmpty]

    def name_in(self, language: str) -> str:
        """The level's name in the reader's language."""
        return self.name_en if language.startswith("en") else self.name


class ClassPeriods(_Frozen):
    source: NonEmpty
    levels: list[SchoolLevel]


class Program(_Frozen):
    """Everything the letter says, typed."""

    program: ProgramInfo
    letter: Letter
    period: Period
    activity_kinds: list[ActivityKind]
    community_types: list[CommunityType]
    funding: Funding
    application: Application
    showcase: Showcase
    workshop: Workshop
    calendar: Calendar = Calendar()
    contacts: list[Contact]
    recipients: Recipients
    class_periods: ClassPeriods

    model_config = ConfigDict(frozen=True, extra="forbid", ignored_types=(cached_property,))

    @model_validator(mode="after")
    def _cross_references(self) -> Program:
        type_keys = {t.key for t in self.community_types}
        if len(type_keys) != len(self.community_types):
            raise ValueError("community_types: duplicate key")
        kind_keys = [k.key for k in self.activity_kinds]
        for required in ("dialogue", "public_lesson", "sharing_session", "showcase", "other"):
            if required not in kind_keys:
                raise ValueError(f"activity_kinds: missing kind {required!r}")
        for phase in self.funding.phases:
            for mapping in (phase.amounts, phase.groups):
                if set(mapping) != type_keys:
                    raise ValueError(
                        f"funding.phases[{phase.number}]: amounts and groups must name "
                        f"exactly the community types {sorted(type_keys)}"
                    )
        unknown = set(self.showcase.required_for) - type_keys
        if unknown:
            raise ValueError(f"showcase.required_for: unknown community type {sorted(unknown)}")
        if not self.period.contains(self.application.deadline):
            raise ValueError("application.deadline lies outside the period")
        if not {"resource_center", "bureau"} <= {c.key for c in self.contacts}:
            raise ValueError("contacts: need the 'resource_center' and 'bureau' contacts")
        return self

    def community_type(self, key: str) -> CommunityType:
        """The community type with this key."""
        for community_type in self.community_types:
            if community_type.key == key:
                return community_type
        raise KeyError(key)

    def activity_kind(self, key: str) -> ActivityKind:
        """The activity kind with this key."""
        for kind in self.activity_kinds:
            if kind.key == key:
                return kind
        raise KeyError(key)

    def contact(self, key: str) -> Contact:
        """The contact with this key."""
        for contact in self.contacts:
            if contact.key == key:
                return contact
        raise KeyError(key)

    @property
    def help_contact(self) -> Contact:
        """Whom the letter tells teachers to ask."""
        return self.contact("resource_center")

    def phase_on(self, day: dt.date) -> FundingPhase | None:
        """The funding phase that ``day`` falls in, if any."""
        for phase in self.funding.phases:
            if phase.start <= day <= phase.end:
                return phase
        return None

    def showcase_required(self, type_key: str) -> bool:
        """Whether communities of this type must attend the public showcase."""
        return type_key in self.showcase.required_for

    def school_level(self, key: str) -> SchoolLevel:
        """The school level with this key."""
        for level in self.class_periods.levels:
            if level.key == key:
                return level
        raise KeyError(key)

    def level_of_school(self, school_name: str) -> SchoolLevel | None:
        """The level a school's name places it at (國中部 before 高級中學), or None."""
        for level in self.class_periods.levels:
            if any(marker in school_name for marker in level.name_markers):
                return level
        return None

    @property
    def total_quota(self) -> int:
        """How many groups the program funds in all."""
        return sum(t.quota for t in self.community_types)


def _describe(error: ValidationError) -> str:
    lines = []
    for item in error.errors():
        path = ".".join(str(part) for part in item["loc"]) or "(top level)"
        lines.append(f"{path}: {item['msg']}")
    return "; ".join(lines)


def load_program(path: Path | str | None = None) -> Program:
    """Read and validate a program file; raise ProgramFileError naming the field on failure."""
    file = Path(path) if path is not None else DEFAULT_PROGRAM_FILE
    try:
        raw = tomllib.loads(file.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ProgramFileError(f"{file}: cannot read ({exc.strerror or exc})") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ProgramFileError(f"{file}: not valid TOML ({exc})") from exc
    try:
        return Program.model_validate(raw)
    except ValidationError as exc:
        raise ProgramFileError(f"{file}: {_describe(exc)}") from exc


def with_application_deadline(program: Program, day: dt.date | None) -> Program:
    """A copy of the program whose application deadline is ``day`` if staff extended it."""
    if day is None or day <= program.application.deadline:
        return program
    return program.model_copy(
        update={"application": program.application.model_copy(update={"deadline": day})}
    )


def with_dates(program: Program, *, showcase: dt.date | None, workshop: dt.date | None) -> Program:
    """A copy of the program with the dates staff set (the letter leaves them open)."""
    return program.model_copy(
        update={
            "showcase": program.showcase.model_copy(update={"date": showcase}),
            "workshop": program.workshop.model_copy(update={"date": workshop}),
        }
    )
