"""How staff read numbers and times: UK formats (07700 900123, 2 Dec 2026 14:05).

Storage and Twilio keep E.164 and UTC; pages, exports for people and the API's ``*_words``
fields use these.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import phonenumbers

LONDON = ZoneInfo("Europe/London")


def national(number: str | None) -> str:
    """A number as staff read it (01305 228558, 07700 900123); E.164 stays in storage."""
    if not number:
        return "Not known"
    try:
        parsed = phonenumbers.parse(number, "GB")
    except phonenumbers.NumberParseException:
        return number
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)


def uk_datetime(value: datetime) -> str:
    """London time as people write it: 2 Dec 2026 14:05."""
    local = value.astimezone(LONDON)
    return f"{local.day} {local:%b %Y %H:%M}"
