"""The services one running bot shares, created at start-up and reached through the context."""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bot.channels import PushChannel
from bot.clock import Clock
from bot.pacing import RateLimiter
from bot.program import Program, with_application_deadline, with_dates
from bot.settings import Settings
from db.engine import Database

if TYPE_CHECKING:
    from bot.qa import FaqEntry, QaEngine


@dataclass
class Services:
    """Settings, clock, database, program knowledge and engines of one running bot."""

    settings: Settings
    clock: Clock
    database: Database
    program: Program
    qa: QaEngine | None = None
    staff_faq: list[FaqEntry] = field(default_factory=list)
    bot_username: str = ""
    # The reminders' ReminderScheduler (reminders/runtime.py); None until start-up.
    scheduler: Any = None
    # The application deadline staff extended for everyone (db program_dates); None if not.
    application_deadline: dt.date | None = None
    # LINE's push, while this process serves LINE: reminders and broadcasts reach LINE users.
    push_channel: PushChannel | None = None
    # The pace of everything this process sends on its own: reminders, broadcasts and the
    # messages about them share it (bot.pacing).
    limiter: RateLimiter = field(init=False)
    _qa_build: asyncio.Task[QaEngine] | None = None

    def __post_init__(self) -> None:
        self.limiter = RateLimiter(self.settings.BROADCAST_RATE_PER_SECOND)

    @property
    def planned_program(self) -> Program:
        """The program as the reminders plan it: with the deadline staff extended.

        Answers and texts citing the letter keep the letter's deadline (self.program).
        """
        return with_application_deadline(self.program, self.application_deadline)

    def apply_program_dates(self, showcase: dt.date | None, workshop: dt.date | None) -> None:
        """Use the dates staff set; the Q&A engine is rebuilt so answers mention them."""
        self.program = with_dates(self.program, showcase=showcase, workshop=workshop)
        if self.qa is not None or self._qa_build is not None:
            self._qa_build = None  # a build still running has the old dates
            self.rebuild_qa()

    def rebuild_qa(self, staff_faq: list[FaqEntry] | None = None) -> None:
        """Build the Q&A engine from the program and the staff's FAQ entries."""
        from bot.qa import QaEngine

        if staff_faq is not None:
            self.staff_faq = staff_faq
        self.qa = QaEngine.build(self.program, extra_entries=self.staff_faq)

    def start_qa_build(self, staff_faq: list[FaqEntry]) -> None:
        """Build the Q&A engine in a worker thread, so start-up does not wait for it."""
        from bot.qa import QaEngine

        self.staff_faq = staff_faq
        self._qa_build = asyncio.create_task(
            asyncio.to_thread(QaEngine.build, self.program, extra_entries=staff_faq)
        )

    async def qa_engine(self) -> QaEngine:
        """The Q&A engine, waiting for its first build if a question came that early."""
        if self.qa is None:
            if self._qa_build is None:
                self.rebuild_qa()
            else:
                self.qa = await self._qa_build
        assert self.qa is not None
        return self.qa

    def qa_now(self) -> QaEngine:
        """The Q&A engine without waiting: the finished background build, or one built now."""
        if self.qa is None:
            if self._qa_build is not None and self._qa_build.done():
                self.qa = self._qa_build.result()
            else:
                self.rebuild_qa()
        assert self.qa is not None
        return self.qa

    async def load_knowledge(self) -> None:
        """Apply the dates staff set, then build the Q&A engine with the staff's FAQ entries."""
        from db import faq_entries, program_dates

        async with self.database.session() as session:
            dates = await program_dates.get_dates(session, self.program.program.year)
            extra = await faq_entries.all_entries(session)
        if dates is not None:
            self.apply_program_dates(dates.showcase_date, dates.workshop_date)
            self.application_deadline = dates.application_deadline
        self.start_qa_build(extra)

    def is_admin(self, user_id: int) -> bool:
        """Whether the user is bureau staff named in BOT_ADMIN_IDS."""
        return user_id in self.settings.BOT_ADMIN_IDS
