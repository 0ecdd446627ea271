"""Everything a webhook needs, built once by the app factory."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from fastapi import Request
from sqlalchemy.orm import Session, sessionmaker
from twilio.request_validator import RequestValidator

from telephony.config import Clock, TelephonyConfig
from telephony.guard import DatabaseGuard
from telephony.journal import Journal
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
    validator: RequestValidator = field(init=False)
    claims: Path = field(init=False)

    def __post_init__(self) -> None:
        self.validator = RequestValidator(self.config.auth_token)
        self.claims = self.state.subdir("claims")


async def get_telephony(request: Request) -> TelephonyContext:
    context: TelephonyContext = request.app.state.telephony
    return context
