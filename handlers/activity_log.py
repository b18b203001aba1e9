"""/log: the convener records one community meeting in a few taps; saved ones can be corrected.

Date (typed in any common form) → kind (buttons) → topic → attendees (multi-select over the
members, or all) → the detail fields declared in ``bot.activity_fields`` (duration, start/end
time, place, minutes/reflection, notes; each can be skipped) → photos (optional, kept as
Telegram file ids) → a summary where any field can be changed, then save. A duration in class
periods (2節) counts the period length of the school's level, asked if its name does not tell.
Dates outside the implementation period are refused; future dates need a confirmation. Saving
is idempotent: the draft carries a token that becomes the activity's client_token, so a
replayed "save" never makes a second activity.

An activity saved earlier is edited through the same summary: /mycommunity's "edit" button is
an entry point of this conversation.
"""

from __future__ import annotations

import datetime as dt
import enum
import logging
import uuid

from telegram import Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot import communities
from bot.activity_fields import (
    DETAILS,
    FIELDS,
    ActivityField,
    FieldError,
    Known,
    details_from_json,
    details_to_json,
    duration_disagrees,
    duration_text,
)
from bot.activity_fields import EDITABLE as EDITABLE_FIELDS
from bot.dateparse import DateParseError, parse_user_date
from bot.dates import format_date
from bot.i18n import html_escape, join_items, t
from bot.program import Program
from bot.progress import (
    SHOWCASE_KIND,
    activity_counts,
    next_step,
    render_checklist,
    showcase_when,
)
from bot.rules import FUTURE, activity_date_problem, describe_date_problem
from bot.typed_words import is_done_word, is_skip_word
from db.records import ActivityRecord
from handlers import flows, qa
from handlers.common import BotContext, Button, answer_query, is_staff, keyboard, language_of, say
from handlers.flows import Draft, Pressed

logger = logging.getLogger(__name__)

FLOW = "log"
EDIT_PATTERN = rf"^{flows.PREFIXES['community']}:[0-9a-f]+:aedit:[0-9]+$"


class State(enum.StrEnum):
    """Where the convener is in logging a meeting."""

    DATE = "lg_date"
    FUTURE_CONFIRM = "lg_future"
    KIND = "lg_kind"
    TOPIC = "lg_topic"
    ATTENDEES = "lg_attendees"
    PHOTOS = "lg_photos"
    SUMMARY = "lg_summary"
    # A duration typed in class periods (2節) when the school's level is unknown: which level?
    SCHOOL_LEVEL = "lg_level"


# The steps with their own handling; every detail field (activity_fields.DETAILS) is asked by
# one generic typed-or-skip step in the state named after it.
_OWN_STEPS = {
    "date": State.DATE, "kind": State.KIND, "topic": State.TOPIC,
    "attendees": State.ATTENDEES, "photos": State.PHOTOS,
}  # fmt: skip
STEP_OF: dict[str, str] = {spec.key: _OWN_STEPS.get(spec.key, spec.state) for spec in FIELDS}
DETAIL_OF_STATE = {spec.state: spec for spec in DETAILS}
TEXT_STATES = frozenset({State.DATE.value, State.TOPIC.value, *DETAIL_OF_STATE})
# The order of the steps the first time through; afterwards each edit returns to the summary.
ORDER: tuple[str, ...] = (*(STEP_OF[spec.key] for spec in FIELDS), State.SUMMARY)
EDITABLE = {spec.key: STEP_OF[spec.key] for spec in EDITABLE_FIELDS}


def _b(draft: Draft, action: str, arg: object = "") -> str:
    return flows.button(FLOW, draft, action, arg)


def kind_name(program: Program, key: str, language: str) -> str:
    """The activity kind as the reader calls it."""
    return program.activity_kind(key).name_in(language)


def _next(draft: Draft, current: str) -> str:
    if draft.get("reviewing"):
        return State.SUMMARY
    return ORDER[ORDER.index(current) + 1]


def details(draft: Draft) -> dict[str, object]:
    """The draft's detail fields as column values (a draft stored before details had their
    own dict keeps them under the field's key; those are read too)."""
    stored = draft.get("details")
    if not isinstance(stored, dict):
        stored = {
            column: draft.get(spec.key)
            for spec in DETAILS
            for column in spec.columns
            if len(spec.columns) == 1
        }
    try:
        return details_from_json(stored)
    except (TypeError, ValueError):
        return details_from_json({})


def _set_details(draft: Draft, spec: ActivityField, values: dict[str, object]) -> None:
    draft["details"] = details_to_json(spec.merged(details(draft), values))


_SIDE_STATES = frozenset({State.FUTURE_CONFIRM.value, State.SCHOOL_LEVEL.value})


def _resumable(draft: Draft) -> str:
    state = str(draft.get("state"))
    return state if state in ORDER or state in _SIDE_STATES else State.DATE


def period_minutes_of(program: Program, school_name: str) -> int | None:
    """Minutes in a class period at the school's level, if its name tells the level."""
    level = program.level_of_school(school_name)
    return level.period_minutes if level else None


def _known(draft: Draft) -> Known:
    minutes = draft.get("period_minutes")
    return Known(period_minutes=int(minutes) if isinstance(minutes, int) else None)


def _members(draft: Draft) -> list[tuple[int, str]]:
    return [(int(member_id), str(name)) for member_id, name in draft.get("members", [])]


# --- prompts --------------------------------------------------------------------------------


async def prompt(
    update: Update,
    context: BotContext,
    draft: Draft,
    state: str,
    notice: str = "",
    *,
    rotate: bool = True,
) -> str:
    """Show the question of ``state`` (a State, or a detail field's step) and wait there."""
    language = language_of(update, context)
    program = context.services.program
    if rotate:
        flows.rotate_nonce(draft)
    draft["state"] = str(state)
    rows: list[list[Button]] = []
    skip = [(t(language, "log.skip"), _b(draft, "skip"))]
    if state == State.DATE:
        text = t(
            language,
            "log.ask_date",
            start=format_date(program.period.start, language),
            end=format_date(program.period.end, language),
        )
    elif state == State.FUTURE_CONFIRM:
        day = dt.date.fromisoformat(str(draft["pending_day"]))
        text = t(language, "log.future_confirm", day=format_date(day, language))
        rows = [[(t(language, "log.future_yes"), _b(draft, "future_yes")),
                 (t(language, "log.future_no"), _b(draft, "future_no"))]]  # fmt: skip
    elif state == State.KIND:
        text = t(language, "log.ask_kind")
        rows = [[(kind_name(program, kind.key, language), _b(draft, "kind", kind.key))]
                for kind in program.activity_kinds]  # fmt: skip
    elif state == State.TOPIC:
        text = t(language, "log.ask_topic")
    elif state == State.ATTENDEES:
        text, rows = _attendees(draft, language)
    elif state in DETAIL_OF_STATE:
        text = DETAIL_OF_STATE[state].question(language)
        rows = [skip]
    elif state == State.SCHOOL_LEVEL:
        typed = html_escape(str(draft.get("pending_text", "")))
        text = t(language, "log.ask_school_level", typed=typed)
        rows = [
            [(t(language, "log.school_level_button", name=level.name_in(language),
                minutes=level.period_minutes), _b(draft, "level", level.key))]
            for level in program.class_periods.levels
        ]  # fmt: skip
    elif state == State.PHOTOS:
        count = len(draft.get("photos", []))
        text = t(language, "log.ask_photos", max=communities.MAX_PHOTOS)
        if count:
            text = t(language, "log.photos_received", count=count, max=communities.MAX_PHOTOS)
        rows = [[(t(language, "log.photos_done" if count else "log.skip"), _b(draft, "done"))]]
    else:
        text, rows = _summary(program, draft, language)
    if state != State.SUMMARY:
        rows.append([(t(language, "flows.cancel_button"), _b(draft, "cancel"))])
    if notice:
        text = notice + "\n\n" + text
    await flows.show(update, context, text, keyboard(rows) if rows else None)
    return state


def _attendees(draft: Draft, language: str) -> tuple[str, list[list[Button]]]:
    chosen = set(draft.get("attendees", []))
    buttons = [
        (("☑ " if member_id in chosen else "☐ ") + name[:24], _b(draft, "tog", member_id))
        for member_id, name in _members(draft)
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    rows.append(
        [
            (t(language, "log.attendees_all"), _b(draft, "all")),
            (t(language, "log.attendees_done", count=len(chosen)), _b(draft, "done")),
        ]
    )
    return t(language, "log.ask_attendees"), rows


def summary_text(program: Program, draft: Draft, language: str) -> str:
    """A draft's fields, one line each (Telegram HTML; LINE strips the tags)."""
    names = dict(_members(draft))
    attendees = [names.get(int(i), "?") for i in draft.get("attendees", [])]
    values = details(draft)
    none = t(language, "log.none")
    own = {
        "date": format_date(dt.date.fromisoformat(str(draft["day"])), language),
        "kind": html_escape(kind_name(program, str(draft["kind"]), language)),
        "topic": html_escape(str(draft["topic"])),
        "attendees": html_escape(join_items(attendees, language)),
        "photos": t(language, "log.photo_count", count=len(draft.get("photos", []))),
    }
    lines = [t(language, "log.summary_edit" if draft.get("activity_id") else "log.summary")]
    for spec in FIELDS:
        if spec.is_detail:
            shown = spec.text(values, language)
            value = html_escape(shown) if shown else none
        else:
            value = own[spec.key]
        label = spec.label(language, count=len(attendees))
        lines.append(t(language, "log.field_line", label=label, value=value))
    between = duration_disagrees(values)
    if between is not None:
        lines.append(t(language, "log.duration_disagrees", times=duration_text(between, language)))
    day, kind = dt.date.fromisoformat(str(draft["day"])), str(draft["kind"])
    if kind == SHOWCASE_KIND and not activity_counts(program, ActivityRecord(day, kind)):
        # Saved all the same (it happened), but the convener should know before saving.
        lines.append(t(language, "log.showcase_not_counted", when=showcase_when(program, language)))
    return "\n".join(lines)


def _summary(program: Program, draft: Draft, language: str) -> tuple[str, list[list[Button]]]:
    text = summary_text(program, draft, language)
    save = "log.save_edit" if draft.get("activity_id") else "log.save"
    edit = [(t(language, f"log.edit_{field}"), _b(draft, "edit", field)) for field in EDITABLE]
    rows = [[(t(language, save), _b(draft, "confirm"))]]
    rows.extend(edit[i : i + 3] for i in range(0, len(edit), 3))
    rows.append([(t(language, "flows.cancel_button"), _b(draft, "cancel"))])
    return text, rows


# --- entry ----------------------------------------------------------------------------------


async def start_log(update: Update, context: BotContext) -> object:
    """Start logging a meeting of the user's community (or resume the open draft)."""
    user = update.effective_user
    if user is None or context.user_data is None:
        return flows.END
    services = context.services
    language = language_of(update, context)
    draft = flows.get_draft(context, FLOW)
    if draft is not None and not flows.is_expired(draft, services.clock.now()):
        flows.touch(context, draft)
        return await prompt(update, context, draft, _resumable(draft), t(language, "flows.resumed"))
    staff = await is_staff(context, user.id)
    year = services.program.program.year
    async with services.database.session() as session:
        community = await communities.convened_by(session, year, user.id, activities=False)
        if community is None and staff and context.args and context.args[0].isdigit():
            try:
                community = await communities.community_for_change(
                    session, user.id, int(context.args[0]), staff=True, activities=False
                )
            except communities.NotAllowed:
                community = None
        belongs = community is None and bool(
            await communities.communities_of(session, year, user.id, activities=False)
        )
    if community is None:
        await say(update, context, "log.member_only" if belongs else "log.no_community")
        return flows.finish(context, FLOW)
    if not communities.logs_activities(community):
        await say(
            update,
            context,
            "log.not_running",
            name=html_escape(community.name),
            status=t(language, f"status.name_{community.status}"),
            contact=html_escape(services.program.help_contact.reach(language)),
        )
        return flows.finish(context, FLOW)
    draft = flows.begin(
        update,
        context,
        FLOW,
        community_id=community.id,
        community_name=community.name,
        members=[[member.id, member.name] for member in community.members],
        period_minutes=period_minutes_of(services.program, community.school.name),
        token=uuid.uuid4().hex,
        activity_id=None,
        attendees=[],
        photos=[],
        reviewing=False,
    )
    intro = t(language, "log.intro", name=html_escape(community.name))
    return await prompt(update, context, draft, State.DATE, intro)


async def edit_saved(update: Update, context: BotContext) -> object:
    """Open a saved activity in the summary (the edit button of /mycommunity)."""
    query = update.callback_query
    user = update.effective_user
    assert query is not None and user is not None
    language = language_of(update, context)
    parsed = flows.parse_button("community", query.data)
    if parsed is None or not flows.nonce_matches(context, "community", parsed[0]):
        await answer_query(update, t(language, "common.menu_expired"))
        return flows.END
    activity_id = parsed[1].number
    staff = await is_staff(context, user.id)
    try:
        async with context.services.database.session() as session:
            activity, community = await communities.activity_for_change(
                session, user.id, activity_id or 0, staff=staff
            )
            saved = communities.draft_of(activity)
            members = [[member.id, member.name] for member in community.members]
            period_minutes = period_minutes_of(context.services.program, community.school.name)
    except communities.NotAllowed:
        await answer_query(update, t(language, "common.not_allowed"))
        return flows.END
    await answer_query(update)
    draft = flows.begin(
        update,
        context,
        FLOW,
        community_id=community.id,
        community_name=community.name,
        members=members,
        period_minutes=period_minutes,
        token=uuid.uuid4().hex,
        activity_id=activity.id,
        day=saved.day.isoformat(),
        kind=saved.kind,
        topic=saved.topic,
        attendees=list(saved.attendee_member_ids),
        details=details_to_json(saved.details),
        photos=list(saved.photo_file_ids),
        reviewing=True,
    )
    return await prompt(update, context, draft, State.SUMMARY)


# --- steps ----------------------------------------------------------------------------------


@flows.step(FLOW)
async def date_typed(
    update: Update, context: BotContext, draft: Draft, pressed: Pressed | None
) -> object:
    """Read the meeting's date; refuse dates outside the period, confirm future ones."""
    language = language_of(update, context)
    program = context.services.program
    today = context.services.clock.today()
    assert update.message is not None and update.message.text is not None
    try:
        day = parse_user_date(update.message.text[:100], today)
    except DateParseError as error:
        return await prompt(
            update, context, draft, State.DATE, t(language, f"dates.{error.reason}")
        )
    problem = activity_date_problem(program, day, today)
    if problem == FUTURE:
        draft["pending_day"] = day.isoformat()
        return await prompt(update, context, draft, State.FUTURE_CONFIRM)
    if problem is not None:
        notice = describe_date_problem(program, problem, today, language)
        return await prompt(update, context, draft, State.DATE, notice)
    draft["day"] = day.isoformat()
    return await prompt(update, context, draft, _next(draft, State.DATE))


@flows.step(FLOW)
async def future_answered(
    update: Update, context: BotContext, draft: Draft, pressed: Pressed | None
) -> object:
    """Keep the future date, or ask for the date again."""
    assert pressed is not None
    pending = draft.pop("pending_day", None)
    if pressed.action == "future_yes" and pending:
        draft["day"] = pending
        return await prompt(update, context, draft, _next(draft, State.DATE))
    return await prompt(update, context, draft, State.DATE)


@flows.step(FLOW)
async def kind_chosen(
    update: Update, context: BotContext, draft: Draft, pressed: Pressed | None
) -> object:
    """Remember what kind of activity it was."""
    assert pressed is not None
    keys = {kind.key for kind in context.services.program.activity_kinds}
    if pressed.action != "kind" or pressed.arg not in keys:
        return await prompt(update, context, draft, State.KIND)
    draft["kind"] = pressed.arg
    return await prompt(update, context, draft, _next(draft, State.KIND))


@flows.step(FLOW)
async def topic_typed(
    update: Update, context: BotContext, draft: Draft, pressed: Pressed | None
) -> object:
    """Remember the topic."""
    assert update.message is not None and update.message.text is not None
    try:
        draft["topic"] = communities.clean_text(update.message.text, communities.MAX_TOPIC)
    except communities.InvalidText as error:
        notice = t(language_of(update, context), f"log.topic_{error.reason}")
        return await prompt(update, context, draft, State.TOPIC, notice)
    return await prompt(update, context, draft, _next(draft, State.TOPIC))


@flows.step(FLOW)
async def attendees_pressed(
    update: Update, context: BotContext, draft: Draft, pressed: Pressed | None
) -> object:
    """Tick or untick a member, tick everyone, or finish choosing."""
    assert pressed is not None
    members = [member_id for member_id, _ in _members(draft)]
    chosen: list[int] = [int(i) for i in draft.get("attendees", [])]
    if pressed.action == "tog" and pressed.number in members:
        if pressed.number in chosen:
            chosen.remove(pressed.number)
        else:
            chosen.append(pressed.number)
    elif pressed.action == "all":
        chosen = list(members)
    elif pressed.action == "done":
        if not chosen:
            notice = t(language_of(update, context), "log.attendees_none")
            return await prompt(update, context, draft, State.ATTENDEES, notice)
        draft["attendees"] = [m for m in members if m in chosen]
        return await prompt(update, context, draft, _next(draft, State.ATTENDEES))
    draft["attendees"] = [m for m in members if m in chosen]
    return await prompt(update, context, draft, State.ATTENDEES)


@flows.step(FLOW)
async def attendees_typed(
    update: Update, context: BotContext, draft: Draft, pressed: Pressed | None
) -> object:
    """Attendees typed rather than ticked: numbers in the list, names, or 全部."""
    assert update.message is not None and update.message.text is not None
    members = _members(draft)
    chosen = communities.attendees_typed(update.message.text, members)
    if chosen is None:
        notice = t(language_of(update, context), "log.attendees_typed_unknown", count=len(members))
        return await prompt(update, context, draft, State.ATTENDEES, notice)
    draft["attendees"] = chosen
    return await prompt(update, context, draft, _next(draft, State.ATTENDEES))


@flows.step(FLOW)
async def detail_given(
    update: Update, context: BotContext, draft: Draft, pressed: Pressed | None
) -> object:
    """A detail field: typed text read by its declaration, or the skip button (or its word)."""
    state = str(draft.get("state"))
    spec = DETAIL_OF_STATE[state]
    typed = update.message.text if pressed is None and update.message else None
    if pressed is not None or is_skip_word(typed or "", language_of(update, context)):
        if pressed is not None and pressed.action != "skip":
            return await prompt(update, context, draft, state)
        _set_details(draft, spec, spec.empty())
        return await prompt(update, context, draft, _next(draft, state))
    assert update.message is not None and update.message.text is not None
    return await _read_detail(update, context, draft, state, update.message.text)


async def _read_detail(
    update: Update, context: BotContext, draft: Draft, state: str, typed: str
) -> object:
    spec = DETAIL_OF_STATE[state]
    try:
        _set_details(draft, spec, spec.read(typed, _known(draft)) if spec.read else {})
    except FieldError as error:
        if error.reason == "period_unknown":
            # 2節 at a school whose level its name does not tell: ask, then read it again.
            draft["pending_text"] = typed[:100]
            draft["pending_state"] = state
            return await prompt(update, context, draft, State.SCHOOL_LEVEL)
        notice = spec.error(language_of(update, context), error.reason)
        return await prompt(update, context, draft, state, notice)
    return await prompt(update, context, draft, _next(draft, state))


@flows.step(FLOW)
async def school_level_chosen(
    update: Update, context: BotContext, draft: Draft, pressed: Pressed | None
) -> object:
    """The school's level: a class period's length; the periods typed are read again."""
    assert pressed is not None
    levels = {level.key: level for level in context.services.program.class_periods.levels}
    state = str(draft.get("pending_state"))
    if state not in DETAIL_OF_STATE:
        return await prompt(update, context, draft, State.DATE)
    if pressed.action != "level" or pressed.arg not in levels:
        return await prompt(update, context, draft, State.SCHOOL_LEVEL)
    draft["period_minutes"] = levels[pressed.arg].period_minutes
    typed = str(draft.pop("pending_text", ""))
    draft.pop("pending_state", None)
    return await _read_detail(update, context, draft, state, typed)


@flows.step(FLOW)
async def photo_received(
    update: Update, context: BotContext, draft: Draft, pressed: Pressed | None
) -> object:
    """Keep the photo's file id (the largest size); the done button stays valid."""
    assert update.message is not None
    photos: list[str] = draft.setdefault("photos", [])
    if len(photos) >= communities.MAX_PHOTOS:
        notice = t(language_of(update, context), "log.photos_full", max=communities.MAX_PHOTOS)
        return await prompt(update, context, draft, State.PHOTOS, notice, rotate=False)
    largest = max(update.message.photo, key=lambda size: size.width * size.height)
    if largest.file_id not in photos:
        photos.append(largest.file_id)
    return await prompt(update, context, draft, State.PHOTOS, rotate=False)


@flows.step(FLOW)
async def photos_done(
    update: Update, context: BotContext, draft: Draft, pressed: Pressed | None
) -> object:
    """Finish adding photos (the button; typed words go to photos_typed)."""
    if pressed is not None and pressed.action != "done":
        return await prompt(update, context, draft, State.PHOTOS)
    draft["reviewing"] = True
    return await prompt(update, context, draft, State.SUMMARY)


@flows.step(FLOW)
async def photos_typed(
    update: Update, context: BotContext, draft: Draft, pressed: Pressed | None
) -> object:
    """Text at the photos step: the skip or done word finishes them, anything else asks for
    photos."""
    text = update.message.text if update.message else None
    language = language_of(update, context)
    if is_skip_word(text or "", language) or is_done_word(text or "", language):
        draft["reviewing"] = True
        return await prompt(update, context, draft, State.SUMMARY)
    return await prompt(update, context, draft, State.PHOTOS, t(language, "log.photos_expected"))


@flows.step(FLOW)
async def summary_pressed(
    update: Update, context: BotContext, draft: Draft, pressed: Pressed | None
) -> object:
    """Save, or change one field and come back here."""
    assert pressed is not None
    draft["reviewing"] = True
    if pressed.action == "confirm":
        return await _save(update, context, draft)
    if pressed.action == "edit" and pressed.arg in EDITABLE:
        if pressed.arg == "photos":
            draft["photos"] = []
        return await prompt(update, context, draft, EDITABLE[pressed.arg])
    return await prompt(update, context, draft, State.SUMMARY)


async def _save(update: Update, context: BotContext, draft: Draft) -> object:
    language = language_of(update, context)
    user = update.effective_user
    assert user is not None
    services = context.services
    program = services.program
    activity = communities.ActivityDraft(
        day=dt.date.fromisoformat(str(draft["day"])),
        kind=str(draft["kind"]),
        topic=str(draft["topic"]),
        attendee_member_ids=tuple(int(i) for i in draft.get("attendees", [])),
        details=details(draft),
        photo_file_ids=tuple(str(p) for p in draft.get("photos", [])),
    )
    staff = await is_staff(context, user.id)
    community_id = int(draft["community_id"])
    try:
        async with services.database.session() as session:
            if draft.get("activity_id"):
                await communities.update_activity(
                    session, program, user.id, int(draft["activity_id"]), activity, staff=staff
                )
                key = "log.updated"
            else:
                _, created = await communities.log_activity(
                    session, program, user.id, community_id, activity, str(draft["token"]),
                    staff=staff,
                )  # fmt: skip
                key = "log.saved" if created else "log.already_saved"
            community, _ = await communities.community_for_view(
                session, user.id, community_id, staff=staff, activities=False
            )
            [progress] = await communities.progress_of_many(
                session, program, [community], services.clock.today()
            )
    except communities.NotAllowed:
        await flows.show(update, context, t(language, "common.not_allowed"))
        return flows.finish(context, FLOW)
    lines = "\n".join(render_checklist(progress, program, language))
    text = t(
        language,
        key,
        summary=summary_text(program, draft, language),
        checklist=lines,
        next=next_step(progress, program, language),
    )
    await flows.show(update, context, text)
    return flows.finish(context, FLOW)


async def resume(update: Update, context: BotContext, draft: Draft, notice: str) -> None:
    """Ask the pending question again (after a side command answered mid-flow)."""
    flows.touch(context, draft)
    await prompt(update, context, draft, _resumable(draft), notice)


@flows.step(FLOW)
async def reprompt(
    update: Update, context: BotContext, draft: Draft, pressed: Pressed | None
) -> object:
    """Something the step did not expect: say what is expected and ask again."""
    language = language_of(update, context)
    state = _resumable(draft)
    if state == State.PHOTOS:
        key = "log.photos_expected"
    else:
        key = "flows.expected_text" if state in TEXT_STATES else "flows.expected_button"
    notice = t(language, key)
    answered = await qa.aside(update, context) if state not in TEXT_STATES else None
    if answered is not None:
        notice = f"{answered}\n\n{notice}"
    return await prompt(update, context, draft, state, notice)


def build() -> list[BaseHandler[Update, BotContext, object]]:
    """The logging conversation, and the answer to its buttons once it is over."""
    text = filters.TEXT & ~filters.COMMAND
    pattern = f"^{flows.PREFIXES[FLOW]}:"

    def buttons(callback: flows.Callback) -> BaseHandler[Update, BotContext, object]:
        return CallbackQueryHandler(callback, pattern=pattern)

    conversation = ConversationHandler(
        entry_points=[
            CommandHandler("log", start_log),
            CallbackQueryHandler(edit_saved, pattern=EDIT_PATTERN),
        ],
        states={
            State.DATE: [MessageHandler(text, date_typed)],
            # A corrected date typed instead of answering is read as the date.
            State.FUTURE_CONFIRM: [buttons(future_answered), MessageHandler(text, date_typed)],
            State.KIND: [buttons(kind_chosen)],
            State.TOPIC: [MessageHandler(text, topic_typed)],
            State.ATTENDEES: [buttons(attendees_pressed), MessageHandler(text, attendees_typed)],
            **{
                state: [MessageHandler(text, detail_given), buttons(detail_given)]
                for state in DETAIL_OF_STATE
            },
            State.SCHOOL_LEVEL: [buttons(school_level_chosen)],
            State.PHOTOS: [
                MessageHandler(filters.PHOTO, photo_received),
                buttons(photos_done),
                MessageHandler(text, photos_typed),
            ],
            State.SUMMARY: [buttons(summary_pressed)],
        },
        fallbacks=flows.fallbacks(FLOW, reprompt),
        name=FLOW,
        persistent=True,
        allow_reentry=True,
    )
    return [conversation, *flows.outside(FLOW)]
