"""Lines: the public numbers callers dial, and how a dialled number maps to one."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import time
from functools import lru_cache

import phonenumbers

PUBLIC_LINE_KEY = "public"


@dataclass(frozen=True, slots=True)
class ServiceHours:
    """When the duty team answers a line, in Europe/London wall-clock time.

    Opening time is included, closing time excluded. An open time at or after the close time
    means the line is closed all day on those days (no hours that wrap past midnight).
    """

    weekday_open: time = time(8, 0)
    weekday_close: time = time(22, 0)
    weekend_open: time = time(9, 0)
    weekend_close: time = time(22, 0)
    # England bank holidays follow weekend hours.
    bank_holidays_as_weekend: bool = True

    def __post_init__(self) -> None:
        for t in (self.weekday_open, self.weekday_close, self.weekend_open, self.weekend_close):
            # An aware time would silently compare against the wrong clock.
            if t.tzinfo is not None:
                raise ValueError("service hours are local wall-clock times; use naive times")


@dataclass(frozen=True, slots=True)
class RoutingLine:
    key: str
    name: str
    number: str
    hours: ServiceHours = ServiceHours()
    # Said instead of the standard opening naming the line; None: the standard one.
    greeting: str | None = None
    # Rung when nobody else answers; None: the service's own fallback number.
    fallback_number: str | None = None


DEFAULT_LINES: tuple[RoutingLine, ...] = (
    RoutingLine("professional", "Professionals line", "+441305228558"),
    RoutingLine(PUBLIC_LINE_KEY, "Public line", "+441305228866"),
)


# Ofcom keeps 07700 900000-900999 for drama: never given to a real phone, which is why
# libphonenumber calls them invalid. They are accepted so that demos and tests can use
# numbers that never ring a real person.
_DRAMA_RANGE = re.compile(r"\+447700900\d{3}")


@lru_cache(maxsize=4096)
def normalise_number(raw: str, region: str = "GB") -> str | None:
    """E.164 form of a valid phone number, or None when it cannot be parsed or is invalid.

    Cached: parsing and validating is the dearest step of routing a call, and every call
    checks the same few line and worker numbers.
    """
    try:
        parsed = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return None
    e164 = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    if phonenumbers.is_valid_number(parsed) or _DRAMA_RANGE.fullmatch(e164):
        return e164
    return None


@dataclass(frozen=True, slots=True)
class LineMatch:
    line: RoutingLine
    # False: the dialled number matched no line and the call is served as the public line.
    known: bool


def line_for_number(dialled: str, lines: Sequence[RoutingLine]) -> LineMatch:
    """The line a dialled number belongs to.

    A number that matches no line is still answered (no call is dropped): it is served as the
    public line, because a caller we cannot place is most likely a member of the public. Without
    a public line the first configured line is used; without any lines, DEFAULT_LINES.
    """
    candidates = tuple(lines) or DEFAULT_LINES
    wanted = normalise_number(dialled)
    if wanted is not None:
        for line in candidates:
            if normalise_number(line.number) == wanted:
                return LineMatch(line=line, known=True)
    for line in candidates:
        if line.key == PUBLIC_LINE_KEY:
            return LineMatch(line=line, known=False)
    return LineMatch(line=candidates[0], known=False)
