"""「記錄活動」 on LINE: a convener logs one community meeting, step by step.

The same steps, rules and texts as /log on Telegram (date → kind → topic → attendees → the
detail fields of ``bot.activity_fields``, each skippable → photos → a summary where any field
can be changed → save), on the same domain (``bot.communities.log_activity``). Buttons are
quick replies whose postback data carry a nonce, so a button of an older message only asks the
current question again. Attendees are ticked with buttons or typed as their numbers (1 3 4).

A photo is a LINE image message; its message id is kept as the photo reference
(``line:<message id>``), and the image is fetched at once and kept in the database (LINE keeps
a message's content only for a while), so the exported record can show it.

Saving is idempotent: the draft carries a token that becomes the activity's client token, so a
replayed 「儲存」 never saves a second activity. The draft lives in the database
(handlers/line/drafts.py), so it survives a restart.
"""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from collections.abc import Awaitable, Callable

from bot import communities
from bot.activity_fields import DETAILS, FIELDS, FieldError, Known, details_to_json
from bot.activity_fields import EDITABLE as EDITABLE_FIELDS
from bot.dateparse import DateParseError, parse_user_date
from bot.dates import format_date, format_roc_numeric
from bot.i18n import html_escape, t
from bot.progress import next_step, render_checklist
from bot.rules import FUTURE, activity_date_problem, describe_date_problem
from bot.services import Services
from bot.typed_words import is_done_word, is_skip_word
from handlers.activity_log import details, kind_name, period_minutes_of, summary_text
from handlers.line import drafts
from handlers.line.drafts import Draft
from handlers.line.render import Choice, Reply, plain_text

DRAFT = "log"
PREFIX = "lg:"  # lg:<nonce>:<action>:<argument>
EDIT_PREFIX = "le:"  # le:<activity id>, from 「我的社群」
PHOTO_PREFIX = communities.LINE_PHOTO_PREFIX

DATE, FUTURE_CONFIRM, KIND, TOPIC, ATTENDEES = "date", "future", "kind", "topic", "attendees"
SCHOOL_LEVEL, PHOTOS, SUMMARY = "level", "photos", "summary"
DELETE_CONFIRM = "delete"
DETAIL_OF_STATE = {spec.key: spec for spec in DETAILS}
# The order of the steps the first time through; afterwards each edit returns to the summary.
ORDER: tuple[str, ...] = (*(spec.key for spec in FIELDS), SUMMARY)
TEXT_STATES = frozenset({DATE, TOPIC, ATTENDEES, *DETAIL_OF_STATE})
EDITABLE = frozenset(spec.key for spec in EDITABLE_FIELDS)


def _button(draft: Draft, label: str, action: str, argument: object = "") -> Choice:
    return Choice(label, f"{PREFIX}{draft['nonce']}:{action}:{argument}")


def _next(draft: Draft, current: str) -> str:
    if draft.get("reviewing"):
        return SUMMARY
    return ORDER[ORDER.index(current) + 1]


def _members(draft: Draft) -> list[tuple[int, str]]:
    return [(int(member_id), str(name)) for member_id, name in draft.get("members", [])]


def _known(draft: Draft) -> Known:
    minutes = draft.get("period_minutes")
    return Known(period_minutes=int(minutes) if isinstance(minutes, int) else None)


# --- prompts --------------------------------------------------------------------------------


def _prompt(
    services: Services,
    draft: Draft,
    state: str,
    language: str,
    notice: str = "",
    *,
    rotate: bool = True,
) -> Reply:
    """The question of ``state`` (after an optional notice), with its buttons."""
    program = services.program
    draft["state"] = state
    if rotate or "nonce" not in draft:
        draft["nonce"] = secrets.token_hex(4)
    choices: list[Choice] = []
    if state == DATE:
        text = t(
            language,
            "log.ask_date",
            start=format_date(program.period.start, language),
            end=format_date(program.period.end, language),
        )
    elif state == FUTURE_CONFIRM:
        day = dt.date.fromisoformat(str(draft["pending_day"]))
        text = t(language, "log.future_confirm", day=format_date(day, language))
        choices = [
            _button(draft, t(language, "log.future_yes"), "future_yes"),
            _button(draft, t(language, "log.future_no"), "future_no"),
        ]
    elif state == KIND:
        text = t(language, "log.ask_kind")
        choices = [
            _button(draft, kind_name(program, kind.key, language), "kind", kind.key)
            for kind in program.activity_kinds
        ]
    elif state == TOPIC:
        text = t(language, "log.ask_topic")
    elif state == ATTENDEES:
        text, choices = _attendees(draft, language)
    elif state in DETAIL_OF_STATE:
        text = DETAIL_OF_STATE[state].question(language)
        choices = [_button(draft, t(language, "log.skip"), "skip")]
    elif state == SCHOOL_LEVEL:
        typed = html_escape(str(draft.get("pending_text", "")))
        text = t(language, "log.ask_school_level", typed=typed)
        choices = [
            _button(
                draft,
                t(
                    language,
                    "log.school_level_button",
                    name=level.name_in(language),
                    minutes=level.period_minutes,
                ),
                "level",
                level.key,
            )
            for level in program.class_periods.levels
        ]
    elif state == PHOTOS:
        count = len(draft.get("photos", []))
        text = t(language, "log.ask_photos", max=communities.MAX_PHOTOS)
        if count:
            text = t(language, "log.photos_received", count=count, max=communities.MAX_PHOTOS)
        choices = [_button(draft, t(language, "log.photos_done" if count else "log.skip"), "done")]
    elif state == DELETE_CONFIRM:
        text = t(language, "community.delete_confirm")
        choices = [
            _button(draft, t(language, "community.delete_yes"), "delete_yes"),
            _button(draft, t(language, "community.back"), "delete_no"),
        ]
    else:
        text = summary_text(program, draft, language)
        editing = bool(draft.get("activity_id"))
        save = t(language, "log.save_edit" if editing else "log.save")
        choices = [_button(draft, save, "confirm")]
        choices += [
            _button(draft, t(language, f"log.edit_{spec.key}"), "edit", spec.key)
            for spec in EDITABLE_FIELDS
        ]
        if editing:
            choices.append(_button(draft, t(language, "community.delete"), "delete"))
    choices.append(_button(draft, t(language, "flows.cancel_button"), "cancel"))
    if notice:
        text = notice + "\n\n" + text
    return Reply([plain_text(text)], choices)


def _attendees(draft: Draft, language: str) -> tuple[str, list[Choice]]:
    chosen = set(draft.get("attendees", []))
    members = _members(draft)
    lines = [
        f"{number}. {'☑' if member_id in chosen else '☐'} {html_escape(name)}"
        for number, (member_id, name) in enumerate(members, start=1)
    ]
    choices = [
        _button(draft, f"{'☑' if member_id in chosen else '☐'} {number}. {name}", "tog", member_id)
        for number, (member_id, name) in enumerate(members, start=1)
    ]
    choices.append(_button(draft, t(language, "log.attendees_all"), "all"))
    choices.append(_button(draft, t(language, "log.attendees_done", count=len(chosen)), "done"))
    text = t(language, "line.log.ask_attendees", members="\n".join(lines))
    return text, choices


# --- entry points ---------------------------------------------------------------------------


async def start(services: Services, user_id: int, language: str) -> Reply:
    """Start logging a meeting of the user's community (or resume the open draft)."""
    draft = await drafts.load(services, user_id, DRAFT)
    if draft is not None:
        state = str(draft.get("state"))
        state = state if state in (*ORDER, FUTURE_CONFIRM, SCHOOL_LEVEL, DELETE_CONFIRM) else DATE
        reply = _prompt(services, draft, state, language, t(language, "line.resumed"))
        await drafts.save(services, user_id, DRAFT, draft)
        return reply
    program = services.program
    async with services.database.session() as session:
        community = await communities.convened_by(
            session, program.program.year, user_id, activities=False
        )
        if community is None:
            belongs = bool(await communities.communities_of(session, program.program.year, user_id))
            key = "line.log.member_only" if belongs else "line.log.no_community"
            return Reply([t(language, key)])
        if not communities.logs_activities(community):
            status = t(language, f"status.name_{community.status}")
            contact = program.help_contact.reach(language)
            return Reply(
                [t(language, "line.log.not_running", name=community.name, status=status,
                   contact=contact)]
            )  # fmt: skip
        draft = {
            "community_id": community.id,
            "community_name": community.name,
            "members": [[member.id, member.name] for member in community.members],
            "period_minutes": period_minutes_of(program, community.school.name),
            "token": uuid.uuid4().hex,
            "activity_id": None,
            "attendees": [],
            "photos": [],
            "details": details_to_json({}),
            "reviewing": False,
        }
    intro = t(language, "line.log.intro", name=community.name)
    reply = _prompt(services, draft, DATE, language, html_escape(intro))
    await drafts.save(services, user_id, DRAFT, draft)
    return reply


async def edit(services: Services, user_id: int, language: str, data: str) -> Reply:
    """Open a saved meeting (``le:<id>`` from 「我的社群」) at its summary, to change it."""
    draft = await drafts.load(services, user_id, DRAFT)
    if draft is not None:
        # A meeting half logged is not thrown away for another: finish or cancel it first.
        state = str(draft.get("state"))
        notice = t(language, "line.log.finish_first")
        reply = _prompt(services, draft, state if state in ORDER else DATE, language, notice)
        await drafts.save(services, user_id, DRAFT, draft)
        return reply
    number = data.removeprefix(EDIT_PREFIX)
    try:
        async with services.database.session() as session:
            activity, community = await communities.activity_for_change(
                session, user_id, int(number) if number.isdigit() else 0
            )
            saved = communities.draft_of(activity)
            draft = {
                "community_id": community.id,
                "community_name": community.name,
                "members": [[member.id, member.name] for member in community.members],
                "period_minutes": period_minutes_of(services.program, community.school.name),
                "token": uuid.uuid4().hex,
                "activity_id": activity.id,
                "day": saved.day.isoformat(),
                "kind": saved.kind,
                "topic": saved.topic,
                "attendees": list(saved.attendee_member_ids),
                "photos": list(saved.photo_file_ids),
                "details": details_to_json(saved.details),
                "reviewing": True,
            }
    except communities.NotAllowed:
        return Reply([t(language, "line.log.edit_gone")])
    reply = _prompt(services, draft, SUMMARY, language)
    await drafts.save(services, user_id, DRAFT, draft)
    return reply


async def cancel(services: Services, user_id: int, language: str) -> Reply | None:
    """End logging without saving; None when no draft is open."""
    if not await drafts.drop(services, user_id, DRAFT):
        return None
    return Reply([t(language, "line.log.cancelled")])


async def on_text(services: Services, user_id: int, language: str, text: str) -> Reply | None:
    """A typed answer to the pending question; None when no draft is open."""
    draft = await drafts.load(services, user_id, DRAFT)
    if draft is None:
        return None
    state = str(draft.get("state"))
    if state == PHOTOS and (is_skip_word(text, language) or is_done_word(text, language)):
        reply = _pressed(services, draft, state, language, "done", "")
    elif state in DETAIL_OF_STATE and is_skip_word(text, language):
        reply = _pressed(services, draft, state, language, "skip", "")
    elif state == PHOTOS:
        reply = _prompt(services, draft, state, language, t(language, "log.photos_expected"))
    elif state == FUTURE_CONFIRM:
        # A corrected date typed instead of answering is read as the date.
        reply = _typed(services, draft, DATE, language, text)
    elif state not in TEXT_STATES:
        reply = _prompt(services, draft, state, language, t(language, "flows.expected_button"))
    else:
        reply = _typed(services, draft, state, language, text)
    await drafts.save(services, user_id, DRAFT, draft)
    return reply


async def on_image(
    services: Services,
    user_id: int,
    language: str,
    message_id: str,
    fetch_content: Callable[[str], Awaitable[tuple[bytes, str] | None]] | None = None,
) -> Reply | None:
    """A photo sent while logging; None when no draft is open."""
    draft = await drafts.load(services, user_id, DRAFT)
    if draft is None:
        return None
    state = str(draft.get("state"))
    if state != PHOTOS:
        key = "flows.expected_text" if state in TEXT_STATES else "flows.expected_button"
        reply = _prompt(services, draft, state, language, t(language, key))
    else:
        photos: list[str] = draft.setdefault("photos", [])
        reference = PHOTO_PREFIX + message_id
        notice = ""
        if len(photos) >= communities.MAX_PHOTOS:
            notice = t(language, "log.photos_full", max=communities.MAX_PHOTOS)
        elif reference not in photos:
            photos.append(reference)
            # Kept now for the exported record: LINE deletes a message's content after a while.
            fetched = await fetch_content(message_id) if fetch_content is not None else None
            if fetched is not None:
                await communities.keep_photo(services.database, reference, *fetched)
        # The 「完成」 button of an earlier photo's answer stays valid.
        reply = _prompt(services, draft, PHOTOS, language, notice, rotate=False)
    await drafts.save(services, user_id, DRAFT, draft)
    return reply


async def on_postback(services: Services, user_id: int, language: str, data: str) -> Reply:
    """A pressed button of the flow."""
    draft = await drafts.load(services, user_id, DRAFT)
    if draft is None:
        return Reply([t(language, "line.log.gone")])
    nonce, _, rest = data.removeprefix(PREFIX).partition(":")
    action, _, argument = rest.partition(":")
    state = str(draft.get("state"))
    if nonce != draft.get("nonce"):
        reply = _prompt(services, draft, state, language)
    elif action == "cancel":
        await drafts.save(services, user_id, DRAFT, None)
        return Reply([t(language, "line.log.cancelled")])
    elif action == "confirm" and state == SUMMARY:
        reply = await _confirm(services, user_id, draft, language)
        await drafts.save(services, user_id, DRAFT, None)
        return reply
    elif action == "delete_yes" and state == DELETE_CONFIRM:
        reply = await _delete(services, user_id, draft, language)
        await drafts.save(services, user_id, DRAFT, None)
        return reply
    else:
        reply = _pressed(services, draft, state, language, action, argument)
    await drafts.save(services, user_id, DRAFT, draft)
    return reply


# --- steps ----------------------------------------------------------------------------------


def _typed(services: Services, draft: Draft, state: str, language: str, text: str) -> Reply:
    if state == DATE:
        return _date_typed(services, draft, language, text)
    if state == TOPIC:
        try:
            draft["topic"] = communities.clean_text(text, communities.MAX_TOPIC)
        except communities.InvalidText as error:
            notice = t(language, f"log.topic_{error.reason}")
            return _prompt(services, draft, TOPIC, language, notice)
        return _prompt(services, draft, _next(draft, TOPIC), language)
    if state == ATTENDEES:
        return _numbers_typed(services, draft, language, text)
    return _read_detail(services, draft, state, language, text)


def _date_typed(services: Services, draft: Draft, language: str, text: str) -> Reply:
    today = services.clock.today()
    try:
        day = parse_user_date(text[:100], today)
    except DateParseError as error:
        return _prompt(services, draft, DATE, language, t(language, f"dates.{error.reason}"))
    problem = activity_date_problem(services.program, day, today)
    if problem == FUTURE:
        draft["pending_day"] = day.isoformat()
        return _prompt(services, draft, FUTURE_CONFIRM, language)
    if problem is not None:
        notice = describe_date_problem(services.program, problem, today, language)
        return _prompt(services, draft, DATE, language, notice)
    draft["day"] = day.isoformat()
    return _prompt(services, draft, _next(draft, DATE), language)


def _numbers_typed(services: Services, draft: Draft, language: str, text: str) -> Reply:
    """Attendees typed: their numbers in the list (1 3 4, 1、2、4, 1-3), names, or 全部."""
    members = _members(draft)
    chosen = communities.attendees_typed(text, members)
    if chosen is None:
        notice = t(language, "line.log.attendees_numbers", count=len(members))
        return _prompt(services, draft, ATTENDEES, language, notice)
    draft["attendees"] = chosen
    return _prompt(services, draft, _next(draft, ATTENDEES), language)


def _read_detail(services: Services, draft: Draft, state: str, language: str, text: str) -> Reply:
    spec = DETAIL_OF_STATE[state]
    try:
        values = spec.read(text, _known(draft)) if spec.read else {}
    except FieldError as error:
        if error.reason == "period_unknown":
            # 2節 at a school whose level its name does not tell: ask, then read it again.
            draft["pending_text"] = text[:100]
            draft["pending_state"] = state
            return _prompt(services, draft, SCHOOL_LEVEL, language)
        return _prompt(services, draft, state, language, spec.error(language, error.reason))
    draft["details"] = details_to_json(spec.merged(details(draft), values))
    return _prompt(services, draft, _next(draft, state), language)


def _pressed(
    services: Services, draft: Draft, state: str, language: str, action: str, argument: str
) -> Reply:
    program = services.program
    if state == FUTURE_CONFIRM and action in ("future_yes", "future_no"):
        pending = draft.pop("pending_day", None)
        if action == "future_yes" and pending:
            draft["day"] = pending
            return _prompt(services, draft, _next(draft, DATE), language)
        return _prompt(services, draft, DATE, language)
    if state == KIND and action == "kind":
        if argument in {kind.key for kind in program.activity_kinds}:
            draft["kind"] = argument
            return _prompt(services, draft, _next(draft, KIND), language)
    elif state == ATTENDEES and action in ("tog", "all", "done"):
        return _attendees_pressed(services, draft, language, action, argument)
    elif state in DETAIL_OF_STATE and action == "skip":
        spec = DETAIL_OF_STATE[state]
        draft["details"] = details_to_json(spec.merged(details(draft), spec.empty()))
        return _prompt(services, draft, _next(draft, state), language)
    elif state == SCHOOL_LEVEL and action == "level":
        levels = {level.key: level for level in program.class_periods.levels}
        pending_state = str(draft.get("pending_state"))
        if argument in levels and pending_state in DETAIL_OF_STATE:
            draft["period_minutes"] = levels[argument].period_minutes
            typed = str(draft.pop("pending_text", ""))
            draft.pop("pending_state", None)
            return _read_detail(services, draft, pending_state, language, typed)
    elif state == PHOTOS and action == "done":
        draft["reviewing"] = True
        return _prompt(services, draft, SUMMARY, language)
    elif state == SUMMARY and action == "delete" and draft.get("activity_id"):
        return _prompt(services, draft, DELETE_CONFIRM, language)
    elif state == DELETE_CONFIRM and action == "delete_no":
        return _prompt(services, draft, SUMMARY, language)
    elif state == SUMMARY and action == "edit" and argument in EDITABLE:
        draft["reviewing"] = True
        if argument == "photos":
            draft["photos"] = []
        return _prompt(services, draft, argument, language)
    notice = t(language, "flows.expected_text") if state in TEXT_STATES else ""
    return _prompt(services, draft, state, language, notice)


def _attendees_pressed(
    services: Services, draft: Draft, language: str, action: str, argument: str
) -> Reply:
    members = [member_id for member_id, _ in _members(draft)]
    chosen = [int(i) for i in draft.get("attendees", [])]
    if action == "tog" and argument.isdigit() and int(argument) in members:
        member_id = int(argument)
        if member_id in chosen:
            chosen.remove(member_id)
        else:
            chosen.append(member_id)
    elif action == "all":
        chosen = list(members)
    elif action == "done":
        if not chosen:
            notice = t(language, "log.attendees_none")
            return _prompt(services, draft, ATTENDEES, language, notice)
        draft["attendees"] = [m for m in members if m in chosen]
        return _prompt(services, draft, _next(draft, ATTENDEES), language)
    draft["attendees"] = [m for m in members if m in chosen]
    return _prompt(services, draft, ATTENDEES, language)


async def _confirm(services: Services, user_id: int, draft: Draft, language: str) -> Reply:
    """Save the meeting once (the draft's token), then show the community's progress."""
    program = services.program
    activity = communities.ActivityDraft(
        day=dt.date.fromisoformat(str(draft["day"])),
        kind=str(draft["kind"]),
        topic=str(draft["topic"]),
        attendee_member_ids=tuple(int(i) for i in draft.get("attendees", [])),
        details=details(draft),
        photo_file_ids=tuple(str(p) for p in draft.get("photos", [])),
    )
    community_id = int(draft["community_id"])
    try:
        async with services.database.session() as session:
            if draft.get("activity_id"):
                await communities.update_activity(
                    session, program, user_id, int(draft["activity_id"]), activity
                )
                key = "log.updated"
            else:
                _, created = await communities.log_activity(
                    session, program, user_id, community_id, activity, str(draft["token"])
                )
                key = "log.saved" if created else "log.already_saved"
            community, _ = await communities.community_for_view(
                session, user_id, community_id, activities=False
            )
            [progress] = await communities.progress_of_many(
                session, program, [community], services.clock.today()
            )
            await session.commit()
    except communities.NotAllowed:
        return Reply([t(language, "common.not_allowed")])
    text = t(
        language,
        key,
        summary=summary_text(program, draft, language),
        checklist="\n".join(render_checklist(progress, program, language)),
        next=next_step(progress, program, language),
    )
    return Reply([plain_text(text)])


async def _delete(services: Services, user_id: int, draft: Draft, language: str) -> Reply:
    """Delete the saved meeting being edited (a second press finds it gone)."""
    try:
        async with services.database.session() as session:
            activity = await communities.delete_activity(
                session, user_id, int(draft["activity_id"])
            )
            label = f"{format_roc_numeric(activity.day)} {activity.topic}"
    except communities.NotAllowed:
        return Reply([t(language, "line.log.edit_gone")])
    return Reply([t(language, "community.deleted", label=label)])
