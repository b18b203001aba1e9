"""Fixtures for the Telegram stand-in tests."""

from __future__ import annotations

import pytest

from bot.standin import BotApiStandin

TEACHER_ID = 1001


class FakeClock:
    """A monotonic clock the test moves by hand."""

    def __init__(self, start: float = 1000.0):
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def standin() -> BotApiStandin:
    telegram = BotApiStandin()
    telegram.add_user(TEACHER_ID, "美玲", last_name="林", username="meiling")
    return telegram
