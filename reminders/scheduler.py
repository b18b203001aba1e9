"""The reminder scheduler: the plan in the database, APScheduler jobs in memory, one leader.

The database (reminder and delivery rows) and the program file are the source of truth. On
start-up, and every LEASE_RENEW_SECONDS while this process holds the lease, the derived rows
are synchronised with the plan and one in-memory APScheduler job per future reminder is
(re)added under a stable id with replace_existing, so a restart neither loses nor duplicates
a job. Every job only calls run_due(), which decides from the rows what is due, what is too
late (skipped) and what waits for the quiet hours to end.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import os
import socket
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.i18n import normalise_language
from bot.services import Services
from db import deliveries, program_dates
from db import reminders as db_reminders
from db.models import DeliveryStatus, Reminder
from db.models.messaging import ReminderStatus
from db.reminders import ReminderFields
from reminders.audience import compose
from reminders.delivery import DeliveryReport, ProgressCallback, deliver_pending
from reminders.plan import STAFF_USEFUL_FOR, Audience, derive_plan, is_quiet, out_of_quiet_hours
from reminders.texts import Content, delayed_note, digest, staff_skipped

logger = logging.getLogger(__name__)

LEASE_NAME = "scheduler"
LEASE_TTL = dt.timedelta(seconds=90)
LEASE_RENEW_SECONDS = 30
EXPIRE_CONVERSATIONS_SECONDS = 60
JOB_DEFAULTS = {
    # Lateness is judged by run_due against each reminder's useful_until, not by APScheduler:
    # a job that fires late (event loop busy, machine asleep) must still run.
    "misfire_grace_time": None,
    # A job that missed several runs (the periodic ones) runs once, not once per miss.
    "coalesce": True,
    "max_instances": 1,
}
REMINDER_JOB_PREFIX = "reminder:"
CATCH_UP_JOB = "reminders:catch-up"
WAKE_JOB = "reminders:wake"
TICK_JOB = "reminders:lease"
EXPIRE_JOB = "conversations:expire"


def content_of(row: Reminder) -> Content:
    """What a reminder row says."""
    return Content(
        category=row.category,
        message_key=row.message_key,
        event_day=row.event_day,
        text=row.text,
        audience=Audience.from_dict(row.audience),
    )


class ReminderScheduler:
    """Runs the reminders of one bot process (if it holds the lease) and sends deliveries."""

    def __init__(
        self,
        services: Services,
        bot: Any,
        *,
        on_minute: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        self.services = services
        self.bot = bot
        self.limiter = services.limiter  # shared with the broadcasts (bot.pacing)
        self.holder = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.is_leader = False
        self._on_minute = on_minute
        self._lock = asyncio.Lock()
        self._stopping = False
        self._tasks: set[asyncio.Task[Any]] = set()
        self._apscheduler: AsyncIOScheduler | None = None

    @property
    def zone(self) -> Any:
        """The program's time zone."""
        return self.services.settings.timezone

    def _now(self) -> dt.datetime:
        return self.services.clock.now()

    # --- lifecycle ------------------------------------------------------------------------

    async def start(self) -> None:
        """Start APScheduler, take the lease if free, and plan (the leader only)."""
        scheduler = AsyncIOScheduler(timezone=self.zone, job_defaults=JOB_DEFAULTS)
        self._apscheduler = scheduler
        scheduler.start()
        scheduler.add_job(
            self._tracked(self._tick),
            IntervalTrigger(seconds=LEASE_RENEW_SECONDS),
            id=TICK_JOB,
            replace_existing=True,
        )
        if self._on_minute is not None:
            scheduler.add_job(
                self._tracked(self._on_minute),
                IntervalTrigger(seconds=EXPIRE_CONVERSATIONS_SECONDS),
                id=EXPIRE_JOB,
                replace_existing=True,
            )
        await self.claim_lease()

    async def stop(self) -> None:
        """Stop firing jobs, let the message in flight finish, and give the lease up."""
        self._stopping = True
        if self._apscheduler is not None:
            self._apscheduler.pause()
        # Wait before shutting APScheduler down: its executor cancels the jobs still running.
        tasks = [task for task in self._tasks if task is not asyncio.current_task()]
        if tasks:
            _done, still = await asyncio.wait(tasks, timeout=10)
            for task in still:
                task.cancel()
        if self._apscheduler is not None:
            self._apscheduler.shutdown(wait=False)
            self._apscheduler = None
        if self.is_leader:
            async with self.services.database.session() as session:
                await db_reminders.release_lease(session, LEASE_NAME, self.holder)
            self.is_leader = False

    def _tracked(self, job: Callable[[], Awaitable[None]]) -> Callable[[], Awaitable[None]]:
        async def run() -> None:
            if self._stopping:
                return  # fired as the bot was shutting down: the next start runs it
            task = asyncio.current_task()
            if task is not None:
                self._tasks.add(task)
            try:
                await job()
            except Exception:
                logger.exception("scheduled job failed")
            finally:
                if task is not None:
                    self._tasks.discard(task)

        return run

    async def claim_lease(self) -> None:
        """Take or renew the lease; become the leader (replan) or stand by."""
        async with self.services.database.session() as session:
            held = await db_reminders.take_lease(
                session, LEASE_NAME, self.holder, dt.datetime.now(dt.UTC), LEASE_TTL
            )
        if held and not self.is_leader:
            self.is_leader = True
            logger.info("this process runs the reminders")
            async with self.services.database.session() as session:
                interrupted = await deliveries.give_up_interrupted(session)
            if interrupted:
                logger.warning("%d deliveries were interrupted by a crash; not resent", interrupted)
            await self.replan()
        elif not held and self.is_leader:
            logger.warning("lost the scheduler lease; another process runs the reminders")
            self.is_leader = False
            self._remove_reminder_jobs(keep=set())

    async def _tick(self) -> None:
        await self.claim_lease()
        if self.is_leader:
            await self._reload_program_dates()
            await self.replan()

    async def _reload_program_dates(self) -> None:
        """Pick up dates another process's staff set (one process plans, any may edit)."""
        services = self.services
        async with services.database.session() as session:
            row = await program_dates.get_dates(session, services.program.program.year)
        showcase = row.showcase_date if row else None
        workshop = row.workshop_date if row else None
        program = services.program
        if (showcase, workshop) != (program.showcase.date, program.workshop.date):
            services.apply_program_dates(showcase, workshop)
        # ... and the application deadline extended for everyone (/extend).
        services.application_deadline = row.application_deadline if row else None

    # --- planning -------------------------------------------------------------------------

    async def replan(self) -> None:
        """Synchronise the derived rows with the plan and (re)schedule the future ones."""
        if not self.is_leader:
            return
        program = self.services.planned_program
        year = program.program.year
        now = self._now()
        wanted = [
            ReminderFields(
                key=d.key,
                category=d.category,
                series=d.series,
                program_year=year,
                fire_at=d.fire_at,
                useful_until=d.useful_until,
                audience=d.audience.to_dict(),
                message_key=d.message_key,
                event_day=d.event_day,
            )
            for d in derive_plan(program, self.zone)
        ]
        async with self.services.database.session() as session:
            await db_reminders.sync_derived(session, year, wanted, now)
            scheduled = await db_reminders.reminders_with_status(session, ReminderStatus.SCHEDULED)
            sending = await db_reminders.reminders_with_status(session, ReminderStatus.SENDING)
        keep = set()
        for row in scheduled:
            if row.fire_at > now:
                keep.add(self._schedule_at(REMINDER_JOB_PREFIX + row.key, row.fire_at))
        self._remove_reminder_jobs(keep)
        if sending or any(row.fire_at <= now for row in scheduled):
            self._schedule_at(CATCH_UP_JOB, now)

    def _schedule_at(self, job_id: str, moment: dt.datetime) -> str:
        """A one-off job at the real moment the program clock shows ``moment``."""
        if self._apscheduler is None:
            return job_id
        self._apscheduler.add_job(
            self._tracked(self.run_due),
            DateTrigger(run_date=self.services.clock.to_real(moment), timezone=self.zone),
            id=job_id,
            replace_existing=True,
        )
        return job_id

    def _remove_reminder_jobs(self, keep: set[str]) -> None:
        if self._apscheduler is None:
            return
        for job in self._apscheduler.get_jobs():
            if job.id.startswith(REMINDER_JOB_PREFIX) and job.id not in keep:
                job.remove()

    def scheduled_job_ids(self) -> list[str]:
        """The ids of the jobs APScheduler holds (for tests and diagnostics)."""
        if self._apscheduler is None:
            return []
        return sorted(job.id for job in self._apscheduler.get_jobs())

    # --- firing ---------------------------------------------------------------------------

    async def run_due(self, now: dt.datetime | None = None) -> None:
        """Send every reminder that is due and still useful; skip those too late to help."""
        if not self.is_leader or self._stopping:
            return
        async with self._lock:
            now = (now or self._now()).astimezone(self.zone)
            if is_quiet(now, self.zone):
                self._schedule_at(WAKE_JOB, out_of_quiet_hours(now, self.zone))
                return
            notices = await self._materialise_due(now)
            for reminder_id in notices:  # "too late" notes to the staff who wrote them
                await self.deliver(reminder_id=reminder_id, respect_quiet_hours=True)
            await self._send_materialised(now)

    async def _materialise_due(self, now: dt.datetime) -> list[int]:
        """Turn the due rows into deliveries; return the skipped rows that notify their author.

        Everything due now for one person goes out as one digest: a school morning brings at
        most one message per person however many reminders fall on it.
        """
        services = self.services
        staff_ids = services.settings.BOT_ADMIN_IDS
        notices: list[int] = []
        async with services.database.session() as session:
            due = await db_reminders.reminders_with_status(
                session, ReminderStatus.SCHEDULED, until=now
            )
            latest: dict[str, Reminder] = {}
            for row in due:  # in firing order: the last of a series wins
                latest[row.series or row.key] = row
            people = None
            composed: list[tuple[Reminder, list[tuple[int, str]]]] = []
            for row in due:
                useful_until = row.useful_until
                if useful_until is None and row.created_by is not None:
                    useful_until = row.fire_at + STAFF_USEFUL_FOR  # rows from before the limit
                too_late = useful_until is not None and now >= useful_until
                if too_late or latest[row.series or row.key] is not row:
                    await db_reminders.set_status(session, row.id, ReminderStatus.SKIPPED, now)
                    logger.info("reminder %s skipped (late or superseded)", row.key)
                    if too_late and row.created_by is not None:
                        await self._tell_author(session, row, now)
                        notices.append(row.id)
                    continue
                if people is None:
                    people = await db_reminders.load_people(session, services.program.program.year)
                messages = await compose(
                    session, services.program, content_of(row), now.date(), staff_ids, people
                )
                due_day = row.fire_at.astimezone(self.zone).date()
                if due_day < now.date():  # sent late but still useful: say when it was due
                    messages = [
                        (user_id, delayed_note(text, self._language(people, user_id), due_day))
                        for user_id, text in messages
                    ]
                composed.append((row, messages))
            if people is not None:
                composed = self._digests(composed, people)
            for row, messages in composed:
                await deliveries.add_pending(session, messages, reminder_id=row.id)
                await db_reminders.set_status(session, row.id, ReminderStatus.SENDING, now)
                logger.info("reminder %s: %d messages to send", row.key, len(messages))
        return notices

    @staticmethod
    def _language(people: Any, user_id: int) -> str:
        person = people.users.get(user_id)
        return normalise_language(person.language if person is not None else None)

    def _digests(
        self, composed: list[tuple[Reminder, list[tuple[int, str]]]], people: Any
    ) -> list[tuple[Reminder, list[tuple[int, str]]]]:
        """One message per person: several texts for one user become one digest, delivered
        with the first of their reminders (the others send that person nothing)."""
        texts: dict[int, list[str]] = {}
        for _row, messages in composed:
            for user_id, text in messages:
                texts.setdefault(user_id, []).append(text)
        placed: set[int] = set()
        result = []
        for row, messages in composed:
            kept = []
            for user_id, text in messages:
                theirs = texts[user_id]
                if len(theirs) == 1:
                    kept.append((user_id, text))
                elif user_id not in placed:
                    placed.add(user_id)
                    kept.append((user_id, digest(theirs, self._language(people, user_id))))
            result.append((row, kept))
        return result

    async def _tell_author(self, session: Any, row: Reminder, now: dt.datetime) -> None:
        """A one-off too late to send: its author learns it was skipped, not sent late."""
        author = row.created_by
        if author is None:
            return
        people = await db_reminders.load_people(
            session, self.services.program.program.year, only_user=author
        )
        language = self._language(people, author)
        hours = int(STAFF_USEFUL_FOR.total_seconds() // 3600)
        text = staff_skipped(
            language, row.text or "", row.fire_at.astimezone(self.zone), now, hours
        )
        await deliveries.add_pending(session, [(author, text)], reminder_id=row.id)

    async def _send_materialised(self, now: dt.datetime) -> None:
        async with self.services.database.session() as session:
            sending = await db_reminders.reminders_with_status(session, ReminderStatus.SENDING)
        for row in sending:
            await self.deliver(reminder_id=row.id, respect_quiet_hours=True)
            async with self.services.database.session() as session:
                left = await deliveries.counts(session, reminder_id=row.id)
                if not left.get(DeliveryStatus.PENDING) and not left.get(DeliveryStatus.SENDING):
                    await db_reminders.set_status(session, row.id, ReminderStatus.DONE, now)

    def _keep_going(self, respect_quiet_hours: bool) -> bool:
        if self._stopping:
            return False
        return not (respect_quiet_hours and is_quiet(self._now(), self.zone))

    async def deliver(
        self,
        *,
        reminder_id: int | None = None,
        broadcast_id: int | None = None,
        progress: ProgressCallback | None = None,
        respect_quiet_hours: bool = False,
    ) -> DeliveryReport:
        """Send the pending deliveries of a reminder or a broadcast with the shared limiter."""
        return await deliver_pending(
            self.services.database,
            self.bot,
            self.limiter,
            reminder_id=reminder_id,
            broadcast_id=broadcast_id,
            progress=progress,
            keep_going=lambda: self._keep_going(respect_quiet_hours),
            channel=self.services.push_channel,
        )

    def fire_soon(self) -> None:
        """Run run_due at once in the background (after staff changed the plan)."""
        if self.is_leader:
            self._schedule_at(CATCH_UP_JOB, self._now())

    async def wait_idle(self) -> None:
        """Wait for the jobs running now (tests and shutdown)."""
        while tasks := [task for task in self._tasks if task is not asyncio.current_task()]:
            with contextlib.suppress(Exception):
                await asyncio.gather(*tasks)
