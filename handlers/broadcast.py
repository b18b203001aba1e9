"""(placeholder: filled in by its feature)"""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler

from handlers.common import BotContext


def build() -> list[BaseHandler[Update, BotContext, object]]:
    """The handlers of this module."""
    return []
