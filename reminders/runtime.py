"""(placeholder: the reminders feature starts its scheduler here)"""

from __future__ import annotations

from typing import Any

from telegram.ext import Application

from bot.services import Services


async def start(application: Application[Any, Any, Any, Any, Any, Any], services: Services) -> None:
    """Start the scheduler and rebuild the reminder plan."""


async def stop(application: Application[Any, Any, Any, Any, Any, Any], services: Services) -> None:
    """Stop the scheduler."""
