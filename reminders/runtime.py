"""Start and stop the reminders with the bot: called from bot/app.py's start-up and shutdown."""

from __future__ import annotations

import logging
from typing import Any

from telegram.ext import Application

from bot.services import Services
from reminders.scheduler import ReminderScheduler

logger = logging.getLogger(__name__)


async def expire_conversations(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """End abandoned conversations (handlers.flows), if that feature exists yet."""
    try:
        from handlers import flows
    except ModuleNotFoundError as exc:
        if exc.name == "handlers.flows":
            return
        raise
    expire = getattr(flows, "expire_conversations", None)
    if expire is not None:
        await expire(application)


async def start(application: Application[Any, Any, Any, Any, Any, Any], services: Services) -> None:
    """Create the scheduler, take the lease if free, rebuild the plan and catch up."""

    async def every_minute() -> None:
        await expire_conversations(application)

    scheduler = ReminderScheduler(services, application.bot, on_minute=every_minute)
    services.scheduler = scheduler
    await scheduler.start()


async def stop(application: Application[Any, Any, Any, Any, Any, Any], services: Services) -> None:
    """Stop the scheduler (the message in flight is finished) and give the lease up."""
    scheduler = services.scheduler
    if scheduler is not None:
        await scheduler.stop()
        services.scheduler = None
