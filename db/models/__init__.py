"""The database schema as typed SQLAlchemy 2 models, one module per area."""

from db.models.audit import AuditEntry
from db.models.base import Base, UTCDateTime, utcnow
from db.models.communities import (
    Activity,
    ApprovalQuotaLock,
    Community,
    CommunityStatus,
    Member,
    ProgramDates,
    StoredPhoto,
)
from db.models.knowledge import FaqEntryRow, QuestionAsked
from db.models.messaging import (
    Broadcast,
    BroadcastStatus,
    Delivery,
    DeliveryStatus,
    Reminder,
    ReminderStatus,
    SchedulerLease,
)
from db.models.people import ChannelIdentity, School, User
from db.models.runtime import (
    ConversationState,
    DeadLetter,
    HandledLineEvent,
    InboxUpdate,
    ProcessedUpdate,
    StoredData,
)

__all__ = [
    "Activity", "ApprovalQuotaLock", "AuditEntry", "Base", "Broadcast", "BroadcastStatus",
    "ChannelIdentity", "Community", "CommunityStatus", "ConversationState", "DeadLetter",
    "Delivery", "DeliveryStatus", "FaqEntryRow", "HandledLineEvent", "InboxUpdate", "Member",
    "ProcessedUpdate", "ProgramDates", "QuestionAsked", "Reminder", "ReminderStatus",
    "SchedulerLease", "School", "StoredData", "StoredPhoto", "UTCDateTime", "User", "utcnow",
]  # fmt: skip
