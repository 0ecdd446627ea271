"""The measures as the API returns them. Keys are the names issue 9 gives each measure.

A rate is a fraction (0.92, not 92) and is null when its denominator is nought; a time
is in seconds. Every figure is defined on /insight/measures.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

# England's re-referral rate in 2024: 22% of referrals were about a child referred in the
# 12 months before (DfE, "Children in need", reporting year 2024).
ENGLAND_RE_REFERRAL_RATE = 0.22


class LineFilter(StrEnum):
    PROFESSIONAL = "professional"
    PUBLIC = "public"


class PeriodFilter(StrEnum):
    IN_HOURS = "in_hours"
    OUT_OF_HOURS = "out_of_hours"


class CallFigures(BaseModel):
    """What happened to the calls that reached a line."""

    offered: int = Field(description="Calls that reached a line, one per CallSid.")
    answered: int = Field(description="Calls a worker accepted by pressing 1.")
    answered_by_fallback: int = Field(description="Calls answered by the fallback number.")
    median_wait_seconds: float | None
    p90_wait_seconds: float | None
    answered_within_target: int
    service_level: float | None = Field(description="answered_within_target / answered")
    abandoned: int = Field(description="Hung up waiting, after more than the short limit.")
    short_abandoned: int
    abandonment_rate: float | None = Field(description="abandoned / (offered - short_abandoned)")


class CallbackFigures(BaseModel):
    missed: int = Field(description="Unanswered calls that left a callback task.")
    voicemails: int = Field(description="Of those, the ones where the caller left a message.")
    callbacks_done: int
    median_callback_seconds: float | None = Field(
        description="From the call's end to the task's completion."
    )
    callbacks_within_target: int
    callbacks_within_target_rate: float | None = Field(
        description="callbacks_within_target / missed"
    )
    callbacks_open: int = Field(description="Tasks still open now.")
    oldest_open_callback_seconds: float | None


class OutcomeFigures(BaseModel):
    completed: int
    outcomes: dict[str, int] = Field(description="Completed records by agreed outcome.")
    not_completed_within_24h: int = Field(
        description="Answered calls whose record was not completed 24 hours after the call ended."
    )
    referrals: int
    conversion_rate: float | None = Field(description="referrals / records with an outcome")
    re_referrals: int
    re_referral_rate: float | None = Field(description="re_referrals / referrals")
    england_re_referral_rate: float = ENGLAND_RE_REFERRAL_RATE
    repeat_contacts: int


class Figures(OutcomeFigures, CallbackFigures, CallFigures):
    """Every measure for one stretch of London days (bases listed last first: pydantic
    orders the fields from the last base)."""


class PeriodFigures(Figures):
    model_config = ConfigDict(populate_by_name=True)

    from_: date = Field(alias="from", serialization_alias="from")
    to: date


class HourCount(BaseModel):
    weekday: int = Field(description="1 Monday ... 7 Sunday, London time.")
    hour: int = Field(description="0-23, London time.")
    calls: int


class WorkerLoad(BaseModel):
    worker_id: int
    name: str
    offered: int = Field(description="Calls that rang this worker's phone.")
    answered: int
    missed: int = Field(description="Calls that rang them and that nobody answered.")


class ShiftLoad(BaseModel):
    shift_id: int
    worker: str
    starts_at: datetime
    ends_at: datetime
    calls: int = Field(description="Out-of-hours calls while this primary shift ran.")
    answered_by_worker: int


class Load(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    from_: date = Field(alias="from", serialization_alias="from")
    to: date
    by_hour: list[HourCount]
    workers: list[WorkerLoad]
    shifts: list[ShiftLoad]
    mean_calls_per_shift: float | None


class MeasuresRead(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    from_: date = Field(alias="from", serialization_alias="from")
    to: date
    line: LineFilter | None
    period: PeriodFilter | None
    thresholds: Thresholds
    current: PeriodFigures
    previous: PeriodFigures
    load: Load


class Thresholds(BaseModel):
    answer_target_seconds: int
    short_abandon_seconds: int
    callback_target_in_hours_seconds: int
    callback_target_out_of_hours_seconds: int


class DayFigures(Figures):
    day: date


class LineNow(BaseModel):
    key: str
    name: str
    available: list[str] = Field(description="Workers' names: no caller is ever named.")
    busy: list[str]
    offline: list[str]
    ringing: int
    longest_wait_seconds: float | None
    callbacks_waiting: int
    oldest_callback_seconds: float | None
    offered_today: int
    answered_today: int
    abandoned_today: int
    service_level_today: float | None
    # The in-hours queue (issue 12): callers waiting for the next free duty worker.
    queued: int = 0
    longest_queued_seconds: float | None = None


class Wallboard(BaseModel):
    at: datetime
    lines: list[LineNow]


class LineQueueRead(BaseModel):
    """Callers waiting in one line's queue: how many, and the longest wait. No caller."""

    key: str
    name: str
    waiting: int
    longest_wait_seconds: float | None


class QueueNow(BaseModel):
    at: datetime
    lines: list[LineQueueRead]


MeasuresRead.model_rebuild()
