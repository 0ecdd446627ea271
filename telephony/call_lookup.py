"""Asking Twilio's REST API how a call really ended, behind a small typed interface.

The sweep (telephony.sweep) uses it for records whose final status callback never came.
``TwilioCallLookup`` is the real one (the ``twilio`` library's Client); tests use a fake.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

log = logging.getLogger("dutyline.call_lookup")


@dataclass(frozen=True, slots=True)
class CallState:
    status: str  # Twilio's: queued, ringing, in-progress, completed, busy, failed, ...
    duration: int | None
    ended_at: datetime | None


class CallLookup(Protocol):
    def call_state(self, call_sid: str) -> CallState | None:
        """The call's state as Twilio knows it; None when Twilio could not say."""


class TwilioCallLookup:
    def __init__(self, account_sid: str, auth_token: str, timeout_seconds: float = 5.0) -> None:
        from twilio.http.http_client import TwilioHttpClient
        from twilio.rest import Client

        self._client: Any = Client(
            account_sid, auth_token, http_client=TwilioHttpClient(timeout=timeout_seconds)
        )

    def call_state(self, call_sid: str) -> CallState | None:
        try:
            call = self._client.calls(call_sid).fetch()
        except Exception as exc:  # network, 404, auth: the sweep decides what follows
            log.warning("Twilio could not say how call %s ended (%s)", call_sid, type(exc).__name__)
            return None
        duration = int(call.duration) if call.duration not in (None, "") else None
        return CallState(str(call.status), duration, call.end_time)
