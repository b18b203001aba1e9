"""Every update's way in: checked, stored in the inbox, handled per chat, marked handled.

Polling and the webhook both hand raw JSON here. An update is written to the inbox (one
transaction per batch) before Telegram is told it arrived: the poller's next getUpdates offset
or the webhook's 200 comes only after that commit. Handling then runs in one lane per chat:
a chat's updates one after another, in order; different chats at the same time, up to
``MAX_CONCURRENT_UPDATES``. When an update's handling is over it is marked handled; what a
crash interrupts is handled again at the next start, and the handlers' own bookkeeping
(``processed_updates``, written in the transaction of the update's effects, and the client
tokens of saved records) keeps a second handling from repeating an effect.

An update that cannot be parsed, or whose handler raised, is kept raw as a dead letter
(``python -m bot deadletters``) and skipped, so one bad update never wedges the bot.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections import deque
from collections.abc import Awaitable, Callable, Hashable, Iterable
from typing import Any, TypeGuard

from telegram import Update
from telegram.error import Forbidden, TimedOut
from telegram.ext import Application

from db import inbox
from db.inbox import Received

logger = logging.getLogger(__name__)

INTAKE_KEY = "update_intake"
# The update types the handlers act on (MessageHandler/CommandHandler: messages and their
# edits; CallbackQueryHandler: button presses). Telegram is asked for these only.
HANDLED_UPDATE_TYPES = ("message", "edited_message", "callback_query")
MAX_CONCURRENT_UPDATES = 64
# How many received updates may wait in memory before the poller stops fetching more.
MAX_WAITING_UPDATES = 1000
# Handled inbox rows are kept this long, past Telegram's 24 hours of redelivery.
KEEP_HANDLED = dt.timedelta(days=2)
KEEP_DEAD_LETTERS = dt.timedelta(days=30)

JsonDict = dict[str, Any]
Job = Callable[[], Awaitable[None]]


class InvalidUpdate(ValueError):
    """The JSON is not an update the bot can take; ``kind`` names what is wrong."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _object_with_int_id(value: object) -> TypeGuard[dict[str, Any]]:
    return isinstance(value, dict) and _is_int(value.get("id"))


def update_type_of(raw: object) -> str:
    """The update's type (``message``, ``callback_query``, …), or a word for junk."""
    if not isinstance(raw, dict):
        return type(raw).__name__
    kinds = [key for key in raw if key != "update_id"]
    return str(kinds[0])[:64] if len(kinds) == 1 else "unknown"


def check_update(raw: object) -> int:
    """The update's id, if ``raw`` has the shape of an update; else :class:`InvalidUpdate`.

    Checked: a JSON object with an integer ``update_id`` and exactly one update object; for
    the types the bot handles, the fields its handlers rely on (a message's id, date and chat;
    a button press's id and sender).
    """
    if not isinstance(raw, dict):
        raise InvalidUpdate("not_an_object")
    update_id = raw.get("update_id")
    if not _is_int(update_id) or update_id < 0:
        raise InvalidUpdate("bad_update_id")
    kinds = [key for key in raw if key != "update_id"]
    if len(kinds) != 1 or not isinstance(raw[kinds[0]], dict):
        raise InvalidUpdate("bad_update_object")
    kind, body = kinds[0], raw[kinds[0]]
    if kind in ("message", "edited_message"):
        _check_message(body)
    elif kind == "callback_query":
        if not isinstance(body.get("id"), str) or not _object_with_int_id(body.get("from")):
            raise InvalidUpdate("bad_callback_query")
        if "message" in body and (
            not isinstance(body["message"], dict)
            or not _object_with_int_id(body["message"].get("chat"))
        ):
            raise InvalidUpdate("bad_callback_query")
    return int(update_id)


def _check_message(body: JsonDict) -> None:
    if not _is_int(body.get("message_id")) or not _is_int(body.get("date")):
        raise InvalidUpdate("bad_message")
    if not _object_with_int_id(body.get("chat")):
        raise InvalidUpdate("bad_message")
    if "from" in body and not _object_with_int_id(body["from"]):
        raise InvalidUpdate("bad_message")
    for field in ("text", "caption"):
        if field in body and not isinstance(body[field], str):
            raise InvalidUpdate("bad_message")


def lane_of(payload: JsonDict) -> Hashable:
    """Which lane an update goes in: its chat, else its sender, else one lane for the rest."""
    body = payload.get(update_type_of(payload))
    if isinstance(body, dict):
        chat = body.get("chat")
        message = body.get("message")
        if not _object_with_int_id(chat) and isinstance(message, dict):
            chat = message.get("chat")
        if _object_with_int_id(chat):
            return ("chat", chat["id"])
        sender = body.get("from") or body.get("user")
        if _object_with_int_id(sender):
            return ("user", sender["id"])
    return ("other",)


class ChatLanes:
    """Runs jobs one after another per lane, and lanes side by side (at most ``limit``)."""

    def __init__(self, limit: int) -> None:
        self._lanes: dict[Hashable, deque[Job]] = {}
        self._slots = asyncio.Semaphore(limit)
        self._tasks: set[asyncio.Task[None]] = set()
        self.waiting = 0
        self._idle = asyncio.Event()
        self._idle.set()

    def submit(self, lane: Hashable, job: Job) -> None:
        """Queue ``job`` behind whatever its lane already has."""
        self.waiting += 1
        self._idle.clear()
        queue = self._lanes.get(lane)
        if queue is not None:
            queue.append(job)
            return
        self._lanes[lane] = deque([job])
        task = asyncio.create_task(self._run(lane), name=f"lane:{lane}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _run(self, lane: Hashable) -> None:
        queue = self._lanes[lane]
        try:
            while queue:
                async with self._slots:
                    try:
                        await queue[0]()
                    except Exception:
                        logger.exception("An update job failed")
                queue.popleft()
                self.waiting -= 1
        finally:
            # Jobs a cancellation left behind stay in the inbox for the next start.
            self.waiting -= len(queue)
            del self._lanes[lane]
            if not self._lanes:
                self._idle.set()

    async def wait_idle(self) -> None:
        """Until every queued job has run."""
        await self._idle.wait()

    async def stop(self, grace: float) -> None:
        """Let running jobs finish for ``grace`` seconds, then cancel what is left."""
        try:
            await asyncio.wait_for(self._idle.wait(), grace)
        except TimeoutError:
            for task in list(self._tasks):
                task.cancel()
            await asyncio.gather(*self._tasks, return_exceptions=True)


class UpdateIntake:
    """Stores, dispatches and finishes updates for one application; see the module."""

    def __init__(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        *,
        max_concurrent: int = MAX_CONCURRENT_UPDATES,
    ) -> None:
        self.application = application
        self.lanes = ChatLanes(max_concurrent)
        self._failures: dict[int, BaseException] = {}
        self._room = asyncio.Event()
        self._room.set()

    @property
    def _services(self) -> Any:
        from bot.app import services_of

        return services_of(self.application)

    def _now(self) -> dt.datetime:
        return self._services.clock.now()

    async def accept(self, batch: Iterable[object]) -> int | None:
        """Store a batch fetched from Telegram and start handling it; return the highest
        update id in it (the next offset is one more), or None if it had none.

        Updates of the wrong shape become dead letters in the same transaction.
        """
        good: list[Received] = []
        bad: list[tuple[int | None, object, str]] = []
        highest: int | None = None
        for raw in batch:
            candidate = raw.get("update_id") if isinstance(raw, dict) else None
            if _is_int(candidate):
                highest = candidate if highest is None else max(highest, candidate)
            try:
                good.append(Received(check_update(raw), raw))  # type: ignore[arg-type]
            except InvalidUpdate as problem:
                bad.append((candidate if _is_int(candidate) else None, raw, problem.kind))
        now = self._now()
        async with self._services.database.session() as session:
            fresh = await inbox.store(session, good, now)
            letters = [
                (
                    await inbox.add_dead_letter(
                        session,
                        update_id=update_id,
                        raw=raw,
                        error_kind=f"invalid:{kind}",
                        update_type=update_type_of(raw),
                        when=now,
                    ),
                    update_id,
                    raw,
                    kind,
                )
                for update_id, raw, kind in bad
            ]
        for letter_id, update_id, raw, kind in letters:
            _log_dead_letter(letter_id, update_id, update_type_of(raw), f"invalid:{kind}")
        for received in good:
            if received.update_id in fresh:
                self.dispatch(received)
        return highest

    async def store_one(self, raw: JsonDict) -> None:
        """Store one checked update (from the webhook) and start handling it."""
        update_id = check_update(raw)
        async with self._services.database.session() as session:
            fresh = await inbox.store(session, [Received(update_id, raw)], self._now())
        if update_id in fresh:
            self.dispatch(Received(update_id, raw))

    async def resume(self) -> int:
        """At start: handle again what the inbox holds unhandled; return how many."""
        async with self._services.database.session() as session:
            await inbox.forget_handled_before(session, self._now() - KEEP_HANDLED)
            await inbox.forget_dead_letters_before(session, self._now() - KEEP_DEAD_LETTERS)
            waiting = await inbox.pending(session)
        if waiting:
            logger.info("Handling %d updates left unhandled by the last run", len(waiting))
        for received in waiting:
            self.dispatch(received)
        return len(waiting)

    async def next_offset(self) -> int | None:
        """Where getUpdates resumes: after the newest stored update (None: from Telegram's
        oldest unconfirmed one)."""
        async with self._services.database.session() as session:
            highest = await inbox.highest_id(session)
        return None if highest is None else highest + 1

    def dispatch(self, received: Received) -> None:
        """Queue the update in its chat's lane."""
        self.lanes.submit(lane_of(received.payload), lambda: self._handle(received))
        if self.lanes.waiting >= MAX_WAITING_UPDATES:
            self._room.clear()

    async def wait_for_room(self) -> None:
        """Until few enough updates wait in memory for the poller to fetch more."""
        await self._room.wait()

    def note_failure(self, update: object, error: BaseException) -> None:
        """The error handler saw ``error`` while handling ``update``."""
        if isinstance(error, Forbidden | TimedOut):
            # A blocked bot, or a reply that may well have arrived: the update is done.
            return
        if isinstance(update, Update):
            self._failures.setdefault(update.update_id, error)

    async def _handle(self, received: Received) -> None:
        update_type = update_type_of(received.payload)
        error_kind: str | None = None
        try:
            update = Update.de_json(received.payload, self.application.bot)
        except Exception as exc:
            error_kind = f"unparsable:{type(exc).__name__}"
        else:
            try:
                await self.application.process_update(update)
            except Exception as exc:
                logger.error("Handling update %s failed", received.update_id, exc_info=exc)
                self._failures.setdefault(received.update_id, exc)
            failure = self._failures.pop(received.update_id, None)
            if failure is not None:
                error_kind = f"handler:{type(failure).__name__}"
        try:
            await self._finish(received, update_type, error_kind)
        finally:
            if self.lanes.waiting <= MAX_WAITING_UPDATES // 2:
                self._room.set()

    async def _finish(self, received: Received, update_type: str, error_kind: str | None) -> None:
        now = self._now()
        letter_id: int | None = None
        async with self._services.database.session() as session:
            if error_kind is not None:
                letter_id = await inbox.add_dead_letter(
                    session,
                    update_id=received.update_id,
                    raw=received.payload,
                    error_kind=error_kind,
                    update_type=update_type,
                    when=now,
                )
            await inbox.mark_handled(session, received.update_id, now)
        if letter_id is not None and error_kind is not None:
            _log_dead_letter(letter_id, received.update_id, update_type, error_kind)


def _log_dead_letter(letter_id: int, update_id: int | None, update_type: str, kind: str) -> None:
    # Ids, type and error kind only: the update's texts and names stay in the database.
    logger.warning(
        "Update %s (%s) kept as dead letter %s (%s) and skipped",
        update_id,
        update_type,
        letter_id,
        kind,
    )


def intake_of(application: Application[Any, Any, Any, Any, Any, Any]) -> UpdateIntake:
    """The application's intake, made on first use."""
    intake = application.bot_data.get(INTAKE_KEY)
    if not isinstance(intake, UpdateIntake):
        intake = UpdateIntake(application)
        application.bot_data[INTAKE_KEY] = intake
    return intake
