"""Sending a broadcast in the background: its pending deliveries, the sender's progress message
kept current, and the final report sent once.

Every message is a Delivery row written when the broadcast was created and claimed before the
Telegram call (reminders.delivery), so a broadcast interrupted by a restart continues with the
rows still pending and nobody gets it twice. What the sender is told is rendered by the
handlers (SenderTexts, in the sender's language); this module decides when, and sends it at
the pace every message of the process shares (Services.limiter).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from telegram import InlineKeyboardMarkup
from telegram.ext import Application

from bot import broadcasts
from bot.broadcasts import Figures
from bot.i18n import normalise_language
from bot.services import Services
from db import broadcasts as store
from db import deliveries
from reminders.delivery import DeliveryReport, deliver_pending, edit_notice, send_notice

logger = logging.getLogger(__name__)

AnyApplication = Application[Any, Any, Any, Any, Any, Any]

TASKS_KEY = "broadcast_tasks"  # bot_data (not persisted): this process's sending tasks
RUNNING_KEY = "broadcasts_running"  # bot_data (not persisted): ids being sent by this process
# The sender's progress message is edited at most this often (each edit takes a slot of the
# shared limiter, so a slot fewer for the recipients).
PROGRESS_MIN_SECONDS = 5.0
# Rounds of sending before a broadcast with rows still pending waits for the next start.
SEND_ROUNDS = 3
# Messages in flight at once: enough that the database writes around each Telegram call never
# leave a slot of the limiter unused (the limiter, not the workers, sets the pace).
SEND_WORKERS = 8
# How long a broadcast resumed during start-up waits for the application to run.
START_WAIT_STEPS, START_WAIT_SECONDS = 600, 0.1


@dataclass(frozen=True)
class SenderTexts:
    """What the staff member who sent a broadcast is shown, given (language, id, figures)."""

    progress: Callable[[str, int, Figures], str]
    report: Callable[[str, int, Figures], tuple[str, InlineKeyboardMarkup | None]]


async def deliver_broadcast(
    application: AnyApplication, services: Services, broadcast_id: int, texts: SenderTexts
) -> Figures | None:
    """Send what is pending, keep the progress message current, report when all is done.

    Stops early (the rest stays pending for the next start) when the application stops.
    """
    async with services.database.session() as session:
        broadcast = await store.get_broadcast(session, broadcast_id)
    if broadcast is None:
        return None
    language = normalise_language(str(broadcast.audience.get("sender_language", "zh-TW")))
    chat_id, message_id = broadcast.progress_chat_id, broadcast.progress_message_id
    bot, limiter = application.bot, services.limiter
    loop = asyncio.get_running_loop()
    last_edit = 0.0

    async def show_progress(_report: DeliveryReport) -> None:
        nonlocal last_edit
        if chat_id is None or message_id is None:
            return
        if loop.time() - last_edit < PROGRESS_MIN_SECONDS:
            return
        last_edit = loop.time()
        async with services.database.session() as session:
            figures = await broadcasts.figures(session, broadcast_id)
        await edit_notice(
            bot, limiter, chat_id, message_id, texts.progress(language, broadcast_id, figures)
        )

    for _ in range(SEND_ROUNDS):
        await deliver_pending(
            services.database,
            bot,
            limiter,
            broadcast_id=broadcast_id,
            progress=show_progress,
            keep_going=lambda: application.running,
            workers=SEND_WORKERS,
            channel=services.push_channel,
        )
        async with services.database.session() as session:
            figures = await broadcasts.figures(session, broadcast_id)
        if figures.finished or not application.running:
            break
    if not figures.finished:
        logger.info(
            "Broadcast %s paused with %d left; resumes on the next start",
            broadcast_id,
            figures.waiting,
        )
        return figures
    async with services.database.session() as session:
        first = await store.finish_broadcast(session, broadcast_id, services.clock.now())
    # Only the process that marked it finished reports, so the sender is told once.
    if first and chat_id is not None:
        report, buttons = texts.report(language, broadcast_id, figures)
        if message_id is not None:
            await edit_notice(bot, limiter, chat_id, message_id, report)
        # A new message as well: it notifies, an edit does not.
        await send_notice(bot, limiter, chat_id, report, buttons)
    logger.info("Broadcast %s done", broadcast_id)
    return figures


# --- this process's sending tasks -----------------------------------------------------------


def _running(application: AnyApplication) -> set[int]:
    running: set[int] = application.bot_data.setdefault(RUNNING_KEY, set())
    return running


def start_sending(
    application: AnyApplication, services: Services, broadcast_id: int, texts: SenderTexts
) -> None:
    """Send a broadcast's pending deliveries in the background (once per process)."""
    running = _running(application)
    if broadcast_id in running:
        return
    running.add(broadcast_id)
    coroutine = _send_in_background(application, services, broadcast_id, texts)
    if application.running:
        # PTB awaits its tasks on stop; ours notices the stop and leaves the rest pending.
        task = application.create_task(coroutine, name=f"broadcast:{broadcast_id}")
    else:
        task = asyncio.get_running_loop().create_task(
            _when_running(application, coroutine), name=f"broadcast:{broadcast_id}"
        )
    tasks = application.bot_data.setdefault(TASKS_KEY, set())
    tasks.add(task)
    task.add_done_callback(tasks.discard)


async def resume_broadcasts(
    application: AnyApplication, services: Services, texts: SenderTexts
) -> None:
    """On start-up: continue every broadcast still being sent (its pending rows only)."""
    async with services.database.session() as session:
        ids = await store.sending_broadcast_ids(session)
        # Left 'sending' by the crash that stopped the last run: outcome unknown, not resent,
        # so that the broadcast can finish and its sender get the report.
        interrupted = await deliveries.give_up_interrupted(session, broadcast_ids=ids)
    if interrupted:
        logger.warning("%d broadcast messages were interrupted by a crash; not resent", interrupted)
    for broadcast_id in ids:
        logger.info("Resuming broadcast %s", broadcast_id)
        start_sending(application, services, broadcast_id, texts)


async def wait_for_broadcasts(application: AnyApplication) -> None:
    """Return once this process has no broadcast left to send (bound it with asyncio.timeout)."""
    tasks: set[asyncio.Task[Any]] = application.bot_data.get(TASKS_KEY, set())
    if tasks:
        await asyncio.wait(set(tasks))


async def _when_running(application: AnyApplication, coroutine: Coroutine[Any, Any, None]) -> None:
    # Resumed during start-up, before the application runs: wait for it so that the stop
    # signal (application.running turning False) means something.
    try:
        for _ in range(START_WAIT_STEPS):
            if application.running:
                break
            await asyncio.sleep(START_WAIT_SECONDS)
        else:
            coroutine.close()
            return
        await coroutine
    except asyncio.CancelledError:
        coroutine.close()
        raise


async def _send_in_background(
    application: AnyApplication, services: Services, broadcast_id: int, texts: SenderTexts
) -> None:
    try:
        await deliver_broadcast(application, services, broadcast_id, texts)
    except Exception:
        logger.exception(
            "Broadcast %s stopped by an error; it resumes on the next start", broadcast_id
        )
    finally:
        _running(application).discard(broadcast_id)
