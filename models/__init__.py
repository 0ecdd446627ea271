"""SQLAlchemy models and the queries over them."""

import models.queue
import models.records  # noqa: F401  (registers the record tables)
from models import rota as rota  # the rota tables (issue 4)
from models.accounts import ApiToken, SignInThrottle, User, UserRole, WebSession
from models.audit import AuditEvent
from models.base import Base, UTCDateTime, utcnow
from models.events import LiveEvent
from models.tables import (
    AppliedJournalEntry,
    CallbackReason,
    CallbackStatus,
    CallbackTask,
    CallLeg,
    ConversationRecord,
    HoursOverride,
    Line,
    OnCallShift,
    RecordStatus,
    RoutingState,
    Worker,
    worker_lines,
)

__all__ = [
    "ApiToken",
    "AppliedJournalEntry",
    "AuditEvent",
    "Base",
    "CallLeg",
    "CallbackReason",
    "CallbackStatus",
    "CallbackTask",
    "ConversationRecord",
    "HoursOverride",
    "Line",
    "LiveEvent",
    "OnCallShift",
    "RecordStatus",
    "RoutingState",
    "SignInThrottle",
    "UTCDateTime",
    "User",
    "UserRole",
    "WebSession",
    "Worker",
    "utcnow",
    "worker_lines",
]
