"""The messages about a sending (progress, final report) keep to the shared pace and its 429s."""

from __future__ import annotations

from typing import Any, cast

from telegram.error import BadRequest, RetryAfter
from telegram.ext import ExtBot

from bot.pacing import RateLimiter
from reminders.delivery import NOTICE_ATTEMPTS, edit_notice, send_notice


class RecordingLimiter(RateLimiter):
    """The real limiter (fast, so the test does not wait), remembering the pauses asked for."""

    def __init__(self) -> None:
        super().__init__(per_second=1000.0, per_chat=1000.0)
        self.pauses: list[float] = []

    def pause(self, seconds: float) -> None:
        self.pauses.append(seconds)


class FakeBot:
    """Answers each call with the next of ``outcomes`` (an exception is raised)."""

    def __init__(self, *outcomes: object) -> None:
        self.outcomes = list(outcomes)
        self.calls: list[tuple[str, dict[str, Any]]] = []

    async def _call(self, method: str, **params: Any) -> object:
        self.calls.append((method, params))
        outcome = self.outcomes.pop(0) if self.outcomes else None
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    async def send_message(self, chat_id: int, text: str, **params: Any) -> object:
        return await self._call("send_message", chat_id=chat_id, text=text, **params)

    async def edit_message_text(self, text: str, **params: Any) -> object:
        return await self._call("edit_message_text", text=text, **params)


def _bot(fake: FakeBot) -> ExtBot[Any]:
    return cast(ExtBot[Any], fake)


async def test_a_report_told_to_wait_waits_as_long_and_is_sent_once():
    fake, limiter = FakeBot(RetryAfter(7), None), RecordingLimiter()
    await send_notice(_bot(fake), limiter, 42, "report")
    assert limiter.pauses == [7.0]
    assert [method for method, _ in fake.calls] == ["send_message", "send_message"]
    # The bot-wide retry stays out: this layer handles the 429 itself.
    assert all(params["rate_limit_args"] == {"retry": False} for _, params in fake.calls)


async def test_a_report_gives_up_after_its_attempts_and_an_error_is_not_raised():
    limiter = RecordingLimiter()
    always = FakeBot(*(RetryAfter(1) for _ in range(NOTICE_ATTEMPTS + 2)))
    await send_notice(_bot(always), limiter, 42, "report")
    assert len(always.calls) == NOTICE_ATTEMPTS
    refused = FakeBot(BadRequest("Chat not found"))
    await send_notice(_bot(refused), limiter, 42, "report")
    assert len(refused.calls) == 1


async def test_a_progress_edit_that_fails_does_not_stop_the_sending():
    fake = FakeBot(RetryAfter(3))
    await edit_notice(_bot(fake), RecordingLimiter(), 42, 7, "progress")
    assert fake.calls == [
        (
            "edit_message_text",
            {
                "text": "progress",
                "chat_id": 42,
                "message_id": 7,
                "parse_mode": "HTML",
                "rate_limit_args": {"retry": False},
            },
        )
    ]
