"""Notifications to rota coordinators: a small interface, a log one, an SMS one (Twilio).

Messages say what is uncovered and when, never who or a phone number, so the log
implementation can write them as they are.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, Protocol

from app.settings import PLACEHOLDER_AUTH_TOKEN, Settings
from routing import LONDON
from routing.rota import Gap

log = logging.getLogger("dutyline.notify")


class Notifier(Protocol):
    def send(self, message: str) -> None: ...


class LogNotifier:
    """Writes each message to the log (the default when no SMS is configured)."""

    def send(self, message: str) -> None:
        log.warning("rota alert: %s", message)


class SmsNotifier:
    """Sends each message by SMS through Twilio's REST API."""

    def __init__(self, client: Any, from_number: str, to_number: str) -> None:
        self._client = client
        self._from = from_number
        self._to = to_number

    def send(self, message: str) -> None:
        try:
            self._client.messages.create(body=message[:1600], from_=self._from, to=self._to)
        except Exception as exc:  # an alert that cannot go out must not break the rota
            log.error("rota alert SMS not sent (%s); message: %s", type(exc).__name__, message)
        else:
            log.info("rota alert sent by SMS")


@dataclass
class FakeNotifier:
    """Keeps messages for tests to read."""

    sent: list[str] = field(default_factory=list)

    def send(self, message: str) -> None:
        self.sent.append(message)


def notifier_from_settings(settings: Settings) -> Notifier:
    token = settings.auth_token
    if (
        settings.twilio_account_sid
        and settings.sms_from_number
        and settings.rota_alert_to_number
        and token not in ("", PLACEHOLDER_AUTH_TOKEN)
    ):
        from twilio.rest import Client

        client = Client(settings.twilio_account_sid, token)
        return SmsNotifier(client, settings.sms_from_number, settings.rota_alert_to_number)
    return LogNotifier()


def gap_message(gap: Gap) -> str:
    """An alert for an uncovered stretch: when and which role, nobody's name or number."""
    fmt = "%a %d %b %H:%M %Z"
    start = gap.starts_at.astimezone(LONDON).strftime(fmt)
    end = gap.ends_at.astimezone(LONDON).strftime(fmt)
    return (
        f"Dutyline rota gap: no {gap.role.value} on call from {start} to {end} "
        f"({', '.join(gap.line_keys)}). Please arrange cover."
    )
