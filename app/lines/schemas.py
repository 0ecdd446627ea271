"""Line API shapes: LineUpdate / LineRead, kept apart from the table."""

from __future__ import annotations

from pydantic import BaseModel, Field

from app.formats import national
from app.lines.service import GREETING_MAX, QUEUE_WAIT_MAX_MINUTES, queue_wait_words
from models.tables import Line

# Generous bounds: the service checks the real rules and says what is wrong in words.
_TEXT = 1000
_PHONE_TEXT = 40
_TIME_TEXT = 10


class LineUpdate(BaseModel):
    name: str | None = Field(None, max_length=_TEXT)
    number: str | None = Field(None, max_length=_PHONE_TEXT, description="Any UK spelling.")
    greeting: str | None = Field(
        None,
        max_length=_TEXT,
        description=f"Said instead of the standard opening, at most {GREETING_MAX} characters; "
        "empty: the standard greeting naming the line. The 999 sentence always follows.",
    )
    weekday_open: str | None = Field(None, max_length=_TIME_TEXT, description="HH:MM, London.")
    weekday_close: str | None = Field(None, max_length=_TIME_TEXT, description="HH:MM, London.")
    weekend_open: str | None = Field(None, max_length=_TIME_TEXT, description="HH:MM, London.")
    weekend_close: str | None = Field(None, max_length=_TIME_TEXT, description="HH:MM, London.")
    bank_holidays_as_weekend: bool | None = None
    fallback_number: str | None = Field(
        None, max_length=_PHONE_TEXT, description="Empty: the service's fallback number."
    )
    queue_max_wait_minutes: str | None = Field(
        None,
        max_length=_TIME_TEXT,
        description="In hours, how long a caller may wait in the line's queue before going on "
        f"to on call, in whole minutes from 0 (no queue) to {QUEUE_WAIT_MAX_MINUTES}.",
    )


class LineRead(BaseModel):
    id: int
    key: str
    name: str
    number: str = Field(description="E.164")
    number_words: str = Field(description="As staff read it: 01305 228558")
    greeting: str | None
    standard_greeting: str = Field(description="What callers hear before the 999 sentence.")
    weekday_open: str
    weekday_close: str
    weekend_open: str
    weekend_close: str
    bank_holidays_as_weekend: bool
    fallback_number: str | None
    fallback_number_words: str | None
    service_fallback_number_words: str | None = Field(
        description="The service's fallback number, used when the line has none."
    )
    queue_max_wait_minutes: int
    queue_max_wait_words: str = Field(description="Like '5 minutes' or 'no queue'.")


def line_read(line: Line, service_name: str, service_fallback: str | None) -> LineRead:
    return LineRead(
        id=line.id,
        key=line.key,
        name=line.name,
        number=line.number,
        number_words=national(line.number),
        greeting=line.greeting,
        standard_greeting=f"You have reached the {service_name}, {line.name}.",
        weekday_open=f"{line.weekday_open:%H:%M}",
        weekday_close=f"{line.weekday_close:%H:%M}",
        weekend_open=f"{line.weekend_open:%H:%M}",
        weekend_close=f"{line.weekend_close:%H:%M}",
        bank_holidays_as_weekend=line.bank_holidays_as_weekend,
        fallback_number=line.fallback_number,
        fallback_number_words=national(line.fallback_number) if line.fallback_number else None,
        service_fallback_number_words=national(service_fallback) if service_fallback else None,
        queue_max_wait_minutes=line.queue_max_wait_seconds // 60,
        queue_max_wait_words=queue_wait_words(line.queue_max_wait_seconds),
    )
