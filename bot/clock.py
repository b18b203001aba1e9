"""One clock for the whole application, so the program can be rehearsed on any date."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo


class Clock:
    """Wall time in the program's zone, optionally shifted so that "today" is a chosen date.

    A rehearsal date keeps the real time of day and keeps running, so scheduled jobs behave as
    they would on that day.
    """

    def __init__(self, zone: ZoneInfo, *, today: dt.date | None = None) -> None:
        self.zone = zone
        self._offset = dt.timedelta(0)
        if today is not None:
            self._offset = dt.timedelta(days=(today - self._real_now().date()).days)

    def _real_now(self) -> dt.datetime:
        return dt.datetime.now(self.zone)

    def now(self) -> dt.datetime:
        """The current moment, aware, in the program's zone."""
        return self._real_now() + self._offset

    def today(self) -> dt.date:
        """The current date in the program's zone."""
        return self.now().date()

    @property
    def offset(self) -> dt.timedelta:
        """How far the rehearsal clock is ahead of (or behind) the real one."""
        return self._offset

    def to_real(self, moment: dt.datetime) -> dt.datetime:
        """The real moment at which the shifted clock shows ``moment`` (for the scheduler)."""
        return moment - self._offset
