"""Closures API shapes: ClosureCreate / ClosureRead, and the desk's "where calls go now".

Times come in as ISO text, London local time unless an offset is given (the page builds it
from a GOV.UK date input and a time), and go out in UTC and in London local time, with words.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from app.closures import service
from app.closures.now import DeskNow, clock_words, line_sentence, your_sentences
from app.formats import uk_datetime
from app.rota.schemas import LocalTime
from models.tables import HoursOverride
from routing import OnCallRole, OverrideMode
from routing.localtime import local_text, utc_text


class ClosureCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    mode: OverrideMode = Field(
        default=OverrideMode.OUT_OF_HOURS,
        description="out_of_hours: a closure, calls go on call; in_hours: an opening",
    )
    line: str | None = Field(
        default=None, max_length=40, description="a line's key; none: every line"
    )
    starts_at: LocalTime
    ends_at: LocalTime
    reason: str = Field(max_length=service.REASON_MAX, description="shown to staff in words")

    @field_validator("reason")
    @classmethod
    def _reason_given(cls, value: str) -> str:
        value = " ".join(value.split())
        if not value:
            raise ValueError("say why, for example 'Team training'")
        return value


class LineRef(BaseModel):
    key: str
    name: str


class ClosureRead(BaseModel):
    id: int
    kind: Literal["closure", "opening"]
    mode: str
    line: LineRef | None
    starts_at: str
    ends_at: str
    starts_local: str
    ends_local: str
    reason: str
    state: Literal["upcoming", "running", "over"]
    words: str = Field(description="the closure or opening in one sentence")

    @classmethod
    def of(cls, override: HoursOverride, now: datetime) -> ClosureRead:
        state: Literal["upcoming", "running", "over"] = "running"
        if override.starts_at > now:
            state = "upcoming"
        elif override.ends_at <= now:
            state = "over"
        return cls(
            id=override.id,
            kind="closure" if override.mode == OverrideMode.OUT_OF_HOURS else "opening",
            mode=override.mode,
            line=LineRef(key=override.line.key, name=override.line.name) if override.line else None,
            starts_at=utc_text(override.starts_at),
            ends_at=utc_text(override.ends_at),
            starts_local=local_text(override.starts_at),
            ends_local=local_text(override.ends_at),
            reason=override.reason,
            state=state,
            words=closure_words(override),
        )


def closure_words(override: HoursOverride) -> str:
    """ "Closed for Team training, 3 Dec 2026 13:00 to 3 Dec 2026 17:00, all lines: calls go
    to the on-call workers." """
    closing = override.mode == OverrideMode.OUT_OF_HOURS
    head = "Closed" if closing else "Open"
    why = f" for {override.reason}" if override.reason else ""
    where = f"the {override.line.name}" if override.line else "all lines"
    effect = "calls go to the on-call workers" if closing else "the duty team answers"
    return (
        f"{head}{why}, {uk_datetime(override.starts_at)} to {uk_datetime(override.ends_at)}, "
        f"{where}: {effect}."
    )


class LineNowRead(BaseModel):
    line: LineRef
    period: Literal["in_hours", "out_of_hours"]
    until: str | None
    until_words: str | None
    why: str
    words: str


class OnCallNowRead(BaseModel):
    primary: list[str]
    backup: list[str]


class DeskNowRead(BaseModel):
    at: str
    lines: list[LineNowRead]
    on_call: OnCallNowRead
    you: list[str] = Field(description="for a worker on call now: which calls ring them")
    closures: list[ClosureRead] = Field(description="running and upcoming in the next 7 days")

    @classmethod
    def of(cls, desk: DeskNow, closures: list[HoursOverride]) -> DeskNowRead:
        return cls(
            at=utc_text(desk.now),
            lines=[
                LineNowRead(
                    line=LineRef(key=item.line.key, name=item.line.name),
                    period=item.period.value,
                    until=utc_text(item.until) if item.until else None,
                    until_words=clock_words(item.until, desk.now) if item.until else None,
                    why=item.why,
                    words=line_sentence(item, desk.now),
                )
                for item in desk.lines
            ],
            on_call=OnCallNowRead(
                primary=[s.worker_name for s in desk.on_call if s.role is OnCallRole.PRIMARY],
                backup=[s.worker_name for s in desk.on_call if s.role is OnCallRole.BACKUP],
            ),
            you=your_sentences(desk),
            closures=[ClosureRead.of(o, desk.now) for o in closures],
        )
