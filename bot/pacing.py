"""The pace of the messages a process sends on its own (reminders, broadcasts, their reports).

One RateLimiter per process (Services.limiter), so reminders and broadcasts sent at the same
time share Telegram's limits instead of each using all of them.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

# Telegram allows about one message a second to one chat.
PER_CHAT_RATE_PER_SECOND = 1.0


class RateLimiter:
    """Spaces sends evenly: at most ``per_second`` in all and ``per_chat`` to one chat.

    Even spacing (not bursts) keeps Telegram's sliding one-second windows below their limit
    even when requests arrive with some jitter. A 429 pauses everyone for its retry_after.
    """

    def __init__(
        self,
        per_second: float,
        per_chat: float = PER_CHAT_RATE_PER_SECOND,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.interval = 1.0 / per_second
        self.chat_interval = 1.0 / per_chat
        self._clock = clock
        self._next = 0.0
        self._chat_next: dict[int, float] = {}
        self._lock = asyncio.Lock()

    async def acquire(self, chat_id: int) -> None:
        """Wait until a message to ``chat_id`` may be sent, and count it as sent now.

        The next slot is measured from the moment the wait ends, not from when it was asked
        for, so a late wake-up (a busy event loop) never lets messages bunch up.
        """
        async with self._lock:
            # A deadline, not an event: pause() may move it while we sleep, so look again.
            while (wait := self._wait(chat_id)) > 0:  # noqa: ASYNC110
                await asyncio.sleep(wait)
            now = self._clock()
            self._next = now + self.interval
            self._chat_next[chat_id] = now + self.chat_interval
            if len(self._chat_next) > 10_000:
                self._chat_next = {c: t for c, t in self._chat_next.items() if t > now}

    def _wait(self, chat_id: int) -> float:
        return max(self._next, self._chat_next.get(chat_id, 0.0)) - self._clock()

    def pause(self, seconds: float) -> None:
        """Send nothing for ``seconds`` (Telegram said retry_after)."""
        self._next = max(self._next, self._clock() + seconds)
