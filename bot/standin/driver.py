"""Drives a real Application with updates made by the stand-in, one at a time.

The console, the tests and the benchmarks use it: the user's side acts through the stand-in,
the update goes through ``Application.process_update`` (so every handler runs exactly as in
production) and what the bot said in reply is collected from the stand-in's record.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from telegram import Update
from telegram.ext import Application

from bot.standin.core import BotApiStandin, SentMessage

JSONDict = dict[str, Any]


@dataclass
class Reply:
    """What the bot did in answer to one update."""

    messages: list[SentMessage] = field(default_factory=list)
    toasts: list[str] = field(default_factory=list)

    @property
    def texts(self) -> list[str]:
        """The texts of the new or edited messages, in order."""
        return [m.text or m.caption or "" for m in self.messages]

    @property
    def text(self) -> str:
        """All texts joined, for assertions that do not care how they were split."""
        return "\n".join(self.texts + self.toasts)

    @property
    def last(self) -> SentMessage:
        """The last message sent or edited."""
        return self.messages[-1]


class ChatDriver:
    """Feeds stand-in updates to an Application and reports the replies."""

    def __init__(
        self, application: Application[Any, Any, Any, Any, Any, Any], standin: BotApiStandin
    ) -> None:
        self.application = application
        self.standin = standin

    async def process(self, update: JSONDict) -> Reply:
        """Let the application handle one update; return what it sent, edited or toasted."""
        sent_before = len(self.standin.sent_messages())
        edits_before = {
            (m.chat_id, m.message_id): len(m.edits) for m in self.standin.sent_messages()
        }
        calls_before = len(self.standin.calls)
        await self.application.process_update(Update.de_json(update, self.application.bot))
        everything = self.standin.sent_messages()
        changed = [
            m
            for m in everything[:sent_before]
            if len(m.edits) > edits_before.get((m.chat_id, m.message_id), 0)
        ]
        toasts = [
            str(params["text"])
            for method, params in self.standin.calls[calls_before:]
            if method == "answerCallbackQuery" and params.get("text")
        ]
        return Reply(messages=changed + everything[sent_before:], toasts=toasts)

    async def send(self, user_id: int, text: str) -> Reply:
        """The user sends a text (or a command)."""
        return await self.process(self.standin.user_sends_text(user_id, text))

    async def press(self, user_id: int, label: str, *, message_id: int | None = None) -> Reply:
        """The user presses the button whose label is (or contains) ``label``."""
        return await self.process(
            self.standin.user_presses_button_labelled(user_id, label, message_id=message_id)
        )

    async def press_data(
        self, user_id: int, message_id: int, data: str, *, forge: bool = False
    ) -> Reply:
        """The user presses a button by its callback data (``forge`` skips the check)."""
        return await self.process(
            self.standin.user_presses_button(user_id, message_id, data, forge=forge)
        )
