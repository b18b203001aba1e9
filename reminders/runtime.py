"""Start and stop the reminders with the bot: called from bot/app.py's start-up and shutdown."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from telegram.ext import Application

from bot.services import Services
from reminders.scheduler import ReminderScheduler

logger = logging.getLogger(__name__)


async def start(
    application: Application[Any, Any, Any, Any, Any, Any],
    services: Services,
    *,
    on_minute: Callable[[], Awaitable[None]] | None = None,
) -> None:
    """Create the scheduler, take the lease if free, rebuild the plan and catch up.

    ``on_minute`` runs every minute in every process (bot.app passes the end of abandoned
    conversations, handlers.flows); the reminders themselves know nothing of the handlers.
    """
    scheduler = ReminderScheduler(services, application.bot, on_minute=on_minute)
    services.scheduler = scheduler
    await scheduler.start()


async def stop(application: Application[Any, Any, Any, Any, Any, Any], services: Services) -> None:
    """Stop the scheduler (the message in flight is finished) and give the lease up."""
    scheduler = services.scheduler
    if scheduler is not None:
        await scheduler.stop()
        services.scheduler = None
