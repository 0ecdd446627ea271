"""What the telephony edge needs to know, as plain values (built by the app from settings)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from routing import RingTimeouts

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class TelephonyConfig:
    auth_token: str
    public_base_url: str
    fallback_number: str | None = None
    service_name: str = "Children's Advice and Duty Service"
    voice: str = "Polly.Amy"
    language: str = "en-GB"
    max_parallel_duty: int = 5
    timeouts: RingTimeouts = field(default_factory=RingTimeouts)
    accept_seconds: int = 10
    voicemail_max_seconds: int = 300
    snapshot_horizon: timedelta = timedelta(hours=24)
    # The queue (issue 12): a worker who did not take a waiting caller is not rung for
    # that caller again for this long.
    queue_retry_after: timedelta = timedelta(minutes=2)

    def url(self, path: str) -> str:
        """The absolute URL Twilio should call for one of our paths."""
        return f"{self.public_base_url}{path}"
