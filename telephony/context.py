"""Everything a webhook needs, built once by the app factory."""

from __future__ import annotations

from dataclasses import dataclass, field

from fastapi import Request
from sqlalchemy.orm import Session, sessionmaker
from twilio.request_validator import RequestValidator

from telephony.config import Clock, TelephonyConfig
from telephony.snapshot import SnapshotCache


@dataclass
class TelephonyContext:
    config: TelephonyConfig
    session_factory: sessionmaker[Session]
    clock: Clock
    snapshots: SnapshotCache = field(default_factory=SnapshotCache)
    validator: RequestValidator = field(init=False)

    def __post_init__(self) -> None:
        self.validator = RequestValidator(self.config.auth_token)


async def get_telephony(request: Request) -> TelephonyContext:
    context: TelephonyContext = request.app.state.telephony
    return context
