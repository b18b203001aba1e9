"""One status for every community, and which communities each purpose counts.

Every audience (reminders, broadcasts, /remind groups), every count (/stats), every reminder
and every view asks this module, so "which communities count" means the same everywhere:

- draft: registered, not submitted (may still apply before the deadline, or after staff
  reopened it);
- submitted: waiting for the Bureau's decision;
- approved (核定): in the program, runs its activities and is funded;
- waitlisted (備取): in order, promoted when an approved place of its type frees;
- rejected (未通過) and withdrawn: out of the program.

Plain functions, no queries, no Telegram. It sits next to the CommunityStatus enum (db.models)
so that the data access (db.reminders) can use it without importing the bot's domain.
"""

from __future__ import annotations

from enum import StrEnum

from db.models import CommunityStatus


class Purpose(StrEnum):
    """What a list of communities is for."""

    # Still in the year's program (reminders about its dates, "all conveners", type and
    # school audiences, the community reminders).
    IN_PROGRAM = "in_program"
    # Running its activities: the pace ("behind"), monthly nudges, money.
    RUNNING = "running"
    # Has handed in its application (the deadline reminder no longer concerns them).
    APPLIED = "applied"
    # May still submit (the deadline reminder concerns them).
    NOT_YET_SUBMITTED = "not_yet_submitted"
    # Its convener sees the activity checklist and progress bars.
    SHOWS_PROGRESS = "shows_progress"


_STATUSES: dict[Purpose, tuple[CommunityStatus, ...]] = {
    Purpose.IN_PROGRAM: (
        CommunityStatus.DRAFT,
        CommunityStatus.SUBMITTED,
        CommunityStatus.APPROVED,
        CommunityStatus.WAITLISTED,
    ),
    Purpose.RUNNING: (CommunityStatus.APPROVED,),
    Purpose.APPLIED: (
        CommunityStatus.SUBMITTED,
        CommunityStatus.APPROVED,
        CommunityStatus.WAITLISTED,
    ),
    Purpose.NOT_YET_SUBMITTED: (CommunityStatus.DRAFT,),
    Purpose.SHOWS_PROGRESS: (
        CommunityStatus.DRAFT,
        CommunityStatus.SUBMITTED,
        CommunityStatus.APPROVED,
        CommunityStatus.WAITLISTED,
    ),
}

# The order /stats lists the statuses in.
ORDER: tuple[CommunityStatus, ...] = (
    CommunityStatus.DRAFT,
    CommunityStatus.SUBMITTED,
    CommunityStatus.APPROVED,
    CommunityStatus.WAITLISTED,
    CommunityStatus.REJECTED,
    CommunityStatus.WITHDRAWN,
)


def statuses(purpose: Purpose) -> tuple[CommunityStatus, ...]:
    """The statuses a purpose counts (for database filters)."""
    return _STATUSES[purpose]


def counts(purpose: Purpose, status: CommunityStatus | str) -> bool:
    """Whether a community in ``status`` counts for ``purpose``."""
    return CommunityStatus(str(status)) in _STATUSES[purpose]


def next_step_key(status: CommunityStatus | str, *, reopened: bool) -> str:
    """The catalogue key (under "status.") telling the convener what to do next."""
    value = CommunityStatus(str(status))
    if value == CommunityStatus.DRAFT and reopened:
        return "next_reopened"
    return f"next_{value}"
