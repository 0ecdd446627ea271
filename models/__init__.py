"""SQLAlchemy models and the queries over them."""

from models import rota as rota  # the rota tables (issue 4)
from models.base import Base, UTCDateTime, utcnow
from models.tables import (
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
    "Base",
    "CallLeg",
    "CallbackReason",
    "CallbackStatus",
    "CallbackTask",
    "ConversationRecord",
    "HoursOverride",
    "Line",
    "OnCallShift",
    "RecordStatus",
    "RoutingState",
    "UTCDateTime",
    "Worker",
    "utcnow",
    "worker_lines",
]
