"""A local stand-in for the Telegram Bot API, for tests and the offline console."""

from typing import Any

from bot.standin.core import BotApiStandin, SentMessage, StoredFile
from bot.standin.inprocess import InProcessRequest
from bot.standin.spec import ApiError, BotApiSpec

__all__ = [
    "ApiError",
    "BotApiSpec",
    "BotApiStandin",
    "InProcessRequest",
    "SentMessage",
    "StandinHttpServer",
    "StoredFile",
]


def __getattr__(name: str) -> Any:
    # aiohttp is a test-only dependency; import the HTTP server only when asked for.
    if name == "StandinHttpServer":
        from bot.standin.http import StandinHttpServer

        return StandinHttpServer
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
