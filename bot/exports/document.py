"""The 社群運作紀錄 of one community as a list of plain blocks that .odt and .docx both render."""

from __future__ import annotations

from dataclasses import dataclass

from bot.activity_fields import DETAILS
from bot.exports.images import Image, fit, read_image
from bot.exports.labels import Labels
from bot.exports.records import ActivityRow, CommunityRecord
from bot.exports.tables import sorted_activities
from bot.exports.text import clean
from bot.progress import REQUIREMENT_KEYS, ActivityRecord, compute_progress_many

PAGE_WIDTH_CM = 21.0  # A4, the paper Taiwanese schools file on
PAGE_HEIGHT_CM = 29.7
MARGIN_CM = 2.0
TEXT_WIDTH_CM = PAGE_WIDTH_CM - 2 * MARGIN_CM
CJK_FONT = "標楷體"  # the customary face of official documents in Taiwan
PHOTO_MAX_WIDTH_CM = 12.0
PHOTO_MAX_HEIGHT_CM = 9.0


@dataclass(frozen=True)
class Title:
    """The document title, with the program's name on a line of its own above it."""

    text: str
    above: str | None = None
    language: str = "zh-TW"  # the file's own language property


@dataclass(frozen=True)
class Heading:
    """A section (level 1) or activity (level 2) heading."""

    text: str
    level: int


@dataclass(frozen=True)
class Paragraph:
    """Running text, optionally led by a bold label that includes its colon (尚缺：)."""

    text: str
    label: str | None = None


@dataclass(frozen=True)
class Grid:
    """A bordered table; with ``header`` its first row is bold, else its first column is."""

    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...]  # relative column widths
    header: tuple[str, ...] | None = None
    # The least height of each data row: room to sign by hand.
    row_height_cm: float | None = None


@dataclass(frozen=True)
class PageBreak:
    """What follows starts on a new page."""


@dataclass(frozen=True)
class Picture:
    """An embedded photo, the size to show it at, and the line to write if it will not embed."""

    image: Image
    width_cm: float
    height_cm: float
    fallback: str


@dataclass(frozen=True)
class MissingPhotos:
    """Photos that stay on Telegram; ``template`` takes ``{count}``."""

    count: int
    template: str


Block = Title | Heading | Paragraph | Grid | Picture | MissingPhotos | PageBreak

LABEL_WIDTHS = (1.0, 4.0)


def _header(labels: Labels, record: CommunityRecord) -> list[Block]:
    period = labels.program.period
    return [
        Title(labels("doc.title"), above=labels.program_title, language=labels.language),
        Grid(
            rows=(
                (labels("doc.school"), clean(record.school)),
                (labels("doc.community"), clean(record.name)),
                (labels("doc.type"), labels.community_type(record.type_key)),
                (labels("doc.convener"), clean(record.convener)),
                (
                    labels("doc.period"),
                    labels(
                        "doc.period_value",
                        start=labels.plain_date(period.start),
                        end=labels.plain_date(period.end),
                    ),
                ),
                (labels("doc.status"), labels.status(record.status)),
            ),
            widths=LABEL_WIDTHS,
        ),
    ]


def _members(labels: Labels, record: CommunityRecord) -> list[Block]:
    gifted = sum(1 for member in record.members if member.gifted_teacher)
    blocks: list[Block] = [
        Heading(labels("doc.members", count=len(record.members), gifted=gifted), level=1)
    ]
    if not record.members:
        return [*blocks, Paragraph(labels("doc.no_members"))]
    rows = tuple(
        (
            str(number),
            clean(member.name),
            clean(member.subject or ""),
            labels.yes if member.gifted_teacher else "",
            labels.yes if member.is_convener else "",
        )
        for number, member in enumerate(record.members, start=1)
    )
    header = tuple(
        labels(f"doc.member_{key}") for key in ("number", "name", "subject", "gifted", "convener")
    )
    blocks.append(Grid(rows=rows, widths=(0.6, 2.0, 2.0, 1.4, 1.0), header=header))
    return blocks


def _activity(labels: Labels, number: int, activity: ActivityRow) -> list[Block]:
    when = labels.long_date(activity.day)
    kind = labels.kind(activity.kind_key)
    images = [
        image
        for photo in activity.photos
        if photo.data and (image := read_image(photo.data)) is not None
    ]
    missing = len(activity.photos) - len(images)
    if not activity.photos:
        photos = labels("nothing")
    elif images:
        photos = labels("doc.photos_embedded", count=len(activity.photos))
    else:
        photos = labels("doc.photo_count", count=len(activity.photos))
    attendees = (
        labels(
            "doc.attendee_count",
            names=clean(labels.separator.join(activity.attendees)),
            count=len(activity.attendees),
        )
        if activity.attendees
        else labels("not_filled")
    )
    details = [
        (labels(f"doc.{spec.key}"), clean(spec.text(activity.details, labels.language) or ""))
        for spec in DETAILS
    ]
    blocks: list[Block] = [
        Heading(labels("doc.activity_heading", number=number, date=when, kind=kind), level=2),
        Grid(
            rows=(
                (labels("doc.date"), when),
                (labels("doc.kind"), kind),
                (labels("doc.topic"), clean(activity.topic) or labels("not_filled")),
                (labels("doc.attendees"), attendees),
                *((label, text or labels("nothing")) for label, text in details),
                (labels("doc.photos"), photos),
            ),
            widths=LABEL_WIDTHS,
        ),
    ]
    for image in images:
        width, height = fit(image, PHOTO_MAX_WIDTH_CM, PHOTO_MAX_HEIGHT_CM)
        blocks.append(
            Picture(
                image=image,
                width_cm=width,
                height_cm=height,
                fallback=labels("doc.photos_on_telegram", count=1),
            )
        )
    if missing:
        key = "doc.photos_partly_on_telegram" if images else "doc.photos_on_telegram"
        blocks.append(MissingPhotos(count=missing, template=labels.template(key)))
    return blocks


def _progress(labels: Labels, record: CommunityRecord) -> list[Block]:
    """The letter's requirements as a table (done, required, met), and what is still lacking."""
    blocks: list[Block] = [Heading(labels("doc.progress"), level=1)]
    program = labels.program
    if record.type_key not in {t.key for t in program.community_types}:
        return [*blocks, Paragraph(labels("doc.no_progress"))]
    standing = compute_progress_many(
        program,
        [(0, record.type_key, [ActivityRecord(a.day, a.kind_key) for a in record.activities])],
        today=program.period.end,
    )[0]
    rows = []
    for key in REQUIREMENT_KEYS:
        requirement = standing.requirement(key)
        if requirement is None:
            continue
        rows.append(
            (
                labels(f"doc.requirement_{key}"),
                str(requirement.done),
                str(requirement.required),
                labels("doc.met")
                if requirement.done >= requirement.required
                else labels("doc.not_met"),
            )
        )
    header = tuple(labels(f"doc.progress_{key}") for key in ("item", "done", "required", "result"))
    blocks.append(Grid(rows=tuple(rows), widths=(3.0, 1.0, 1.0, 1.2), header=header))
    counted = [kind for kind in program.activity_kinds if kind.counts_toward_total]
    others = [kind for kind in program.activity_kinds if not kind.counts_toward_total]
    blocks.append(
        Paragraph(
            labels(
                "doc.what_counts",
                counted=labels.separator.join(labels.kind(kind.key) for kind in counted),
                others=labels.separator.join(labels.kind(kind.key) for kind in others),
            )
        )
    )
    lacking = clean(record.lacking.strip()) or labels("nothing")
    label = labels("doc.lacking") + labels("label_separator")
    blocks.append(Paragraph(lacking, label=label))
    return blocks


SIGNATURE_HEIGHT_CM = 2.5
SIGN_IN_ROW_HEIGHT_CM = 1.2


def _signatures(labels: Labels) -> list[Block]:
    """Boxes for the convener, the director and the principal to sign the record."""
    roles = tuple(labels(f"doc.sign_{role}") for role in ("convener", "director", "principal"))
    return [
        Heading(labels("doc.signatures"), level=1),
        Grid(
            rows=(("",) * len(roles),),
            widths=(1.0,) * len(roles),
            header=roles,
            row_height_cm=SIGNATURE_HEIGHT_CM,
        ),
    ]


def _sign_in_sheet(
    labels: Labels, record: CommunityRecord, number: int, activity: ActivityRow
) -> list[Block]:
    """One meeting's 簽到表: its particulars, then every member with room to sign."""
    place = activity.details.get("place")
    particulars = [
        (labels("doc.community"), clean(record.name)),
        (labels("doc.date"), labels.long_date(activity.day)),
        (labels("doc.kind"), labels.kind(activity.kind_key)),
        (labels("doc.topic"), clean(activity.topic) or labels("not_filled")),
        (labels("doc.place"), clean(str(place)) if place else labels("not_filled")),
    ]
    header = tuple(
        labels(f"doc.sign_in_{key}") for key in ("number", "name", "subject", "signature")
    )
    rows = tuple(
        (str(index), clean(member.name), clean(member.subject or ""), "")
        for index, member in enumerate(record.members, start=1)
    )
    return [
        PageBreak(),
        Heading(labels("doc.sign_in_heading", number=number), level=1),
        Grid(rows=tuple(particulars), widths=LABEL_WIDTHS),
        Grid(
            rows=rows,
            widths=(0.6, 2.0, 1.6, 3.0),
            header=header,
            row_height_cm=SIGN_IN_ROW_HEIGHT_CM,
        ),
    ]


def record_blocks(labels: Labels, record: CommunityRecord) -> list[Block]:
    """The whole record, top to bottom: then a 簽到表 for every meeting, each on its own page."""
    blocks = _header(labels, record) + _members(labels, record)
    activities = sorted_activities(record)
    blocks.append(Heading(labels("doc.activities", count=len(activities)), level=1))
    if not activities:
        blocks.append(Paragraph(labels("doc.no_activities")))
    for number, activity in enumerate(activities, start=1):
        blocks.extend(_activity(labels, number, activity))
    blocks += _progress(labels, record) + _signatures(labels)
    if record.members:
        for number, activity in enumerate(activities, start=1):
            blocks.extend(_sign_in_sheet(labels, record, number, activity))
    return blocks
