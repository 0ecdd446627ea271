"""Everything a webhook needs, built once by the app factory."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

from fastapi import Request
from sqlalchemy.orm import Session, sessionmaker
from twilio.request_validator import RequestValidator

from telephony.config import Clock, TelephonyConfig
from telephony.guard import DatabaseGuard
from telephony.journal import Journal
from telephony.rest import TwilioRest
from telephony.snapshot import SnapshotCache
from telephony.state import StateDir


@dataclass
class TelephonyContext:
    config: TelephonyConfig
    session_factory: sessionmaker[Session]
    clock: Clock
    guard: DatabaseGuard
    state: StateDir
    journal: Journal
    snapshots: SnapshotCache = field(default_factory=SnapshotCache)
    # Twilio's REST API, to ring a free worker for a waiting caller; None: not configured.
    rest: TwilioRest | None = None
    # Set when a worker may have become free or a caller joined a queue: the offer thread
    # (telephony.background) looks for a pair at once rather than at its next round.
    offers_due: threading.Event = field(default_factory=threading.Event)
    validator: RequestValidator = field(init=False)
    claims: Path = field(init=False)

    def __post_init__(self) -> None:
        self.validator = RequestValidator(self.config.auth_token)
        self.claims = self.state.subdir("claims")


async def get_telephony(request: Request) -> TelephonyContext:
    context: TelephonyContext = request.app.state.telephony
    return context
