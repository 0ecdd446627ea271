"""Callback tasks as the API reads and completes them."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, computed_field

from app.formats import national
from app.params import DbId
from app.records.schemas import LineRef, WorkerRef


class CallbackOutcome(StrEnum):
    SPOKE_TO_CALLER = "spoke_to_caller"
    LEFT_MESSAGE = "left_message"
    NUMBER_UNOBTAINABLE = "number_unobtainable"
    NOT_NEEDED = "not_needed"


class AttemptResult(StrEnum):
    """What came of one try at calling back."""

    NO_ANSWER = "no_answer"
    VOICEMAIL_LEFT = "voicemail_left"
    WRONG_NUMBER = "wrong_number"
    LINE_BUSY = "line_busy"
    REACHED = "reached"


class AttemptCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    result: AttemptResult
    note: str = Field("", max_length=500, description="A short note, if any.")


class AttemptRead(BaseModel):
    id: int
    at: datetime
    worker: WorkerRef
    result: str
    note: str


class CallbackRead(BaseModel):
    id: int
    record_id: DbId
    line: LineRef
    caller_number: str | None
    reason: str
    urgent: bool = Field(description="Left out of hours: call back first.")
    recording_url: str | None
    recording_seconds: int | None
    status: str
    claimed_by: WorkerRef | None
    claimed_at: datetime | None
    created_at: datetime
    completed_at: datetime | None
    resolution: str | None
    outcome: str | None
    attempts: list[AttemptRead] = Field(
        default_factory=list, description="Each try at calling back, oldest first."
    )

    @computed_field(description="The caller's number in UK national format, or Withheld.")  # type: ignore[prop-decorator]
    @property
    def caller_words(self) -> str:
        return national(self.caller_number) if self.caller_number else "Withheld"


class CallbackPage(BaseModel):
    items: list[CallbackRead]
    total: int


class CallbackComplete(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    resolution: str = Field(min_length=1, max_length=500, description="What happened.")
    outcome: CallbackOutcome
