"""Placing calls through Twilio's REST API, behind a small typed interface.

The queue (telephony.queue) rings a free duty worker for a waiting caller with an
outbound call. ``HttpTwilioRest`` posts to ``{api_url}/2010-04-01/Accounts/{sid}/Calls.json``
(the API's own form fields) with httpx; ``api_url`` is Twilio's by default and can point at
``dutyline simulate-call``'s stand-in. Tests use ``RecordingTwilioRest``.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from typing import Protocol

import httpx

log = logging.getLogger("dutyline.rest")

TWILIO_API_URL = "https://api.twilio.com"


@dataclass(frozen=True, slots=True)
class OutboundCall:
    to: str
    from_: str
    url: str  # TwiML for when the call is answered
    status_callback: str
    timeout_seconds: int


class TwilioRest(Protocol):
    def place_call(self, call: OutboundCall) -> str | None:
        """The new call's CallSid; None when Twilio did not take it."""


class HttpTwilioRest:
    def __init__(
        self,
        account_sid: str,
        auth_token: str,
        api_url: str = TWILIO_API_URL,
        timeout_seconds: float = 5.0,
    ) -> None:
        self._url = f"{api_url.rstrip('/')}/2010-04-01/Accounts/{account_sid}/Calls.json"
        self._client = httpx.Client(auth=(account_sid, auth_token), timeout=timeout_seconds)

    def place_call(self, call: OutboundCall) -> str | None:
        form: dict[str, str | list[str]] = {
            "To": call.to,
            "From": call.from_,
            "Url": call.url,
            "Method": "POST",
            "StatusCallback": call.status_callback,
            "StatusCallbackMethod": "POST",
            "StatusCallbackEvent": ["initiated", "ringing", "answered", "completed"],
            "Timeout": str(call.timeout_seconds),
        }
        try:
            response = self._client.post(self._url, data=form)
            response.raise_for_status()
            sid = response.json().get("sid")
        except (httpx.HTTPError, ValueError, AttributeError) as exc:
            # No numbers in the log: the status or the kind of failure is enough.
            log.warning("Twilio did not place a queue offer call (%s)", type(exc).__name__)
            return None
        return sid if isinstance(sid, str) and sid else None

    def close(self) -> None:
        self._client.close()


@dataclass
class RecordingTwilioRest:
    """A fake: records every call asked for and answers with made-up CallSids."""

    calls: list[OutboundCall] = field(default_factory=list)
    refuse: bool = False
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def place_call(self, call: OutboundCall) -> str | None:
        with self._lock:
            if self.refuse:
                return None
            self.calls.append(call)
            return f"CA{len(self.calls):032x}"
