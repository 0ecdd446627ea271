"""Worker API shapes: WorkerCreate / WorkerUpdate / WorkerDetail, kept apart from the table.

Phone numbers are E.164 in `phone` (for integrations and Twilio) and as staff read them in
`phone_words` (07700 900123).
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from app.formats import national
from models.tables import Worker

# Generous bounds on what is read: the service checks the real rules and says what is wrong.
_TEXT = 1000
_PHONE_TEXT = 40
_LINES = 20


class WorkerCreate(BaseModel):
    name: str = Field(max_length=_TEXT)
    phone: str = Field(max_length=_PHONE_TEXT, description="A UK mobile or landline, any spelling.")
    lines: list[str] = Field(
        default_factory=list,
        max_length=_LINES,
        description="Keys of the lines the worker answers in hours; none: on call only.",
    )


class WorkerUpdate(BaseModel):
    name: str | None = Field(None, max_length=_TEXT, description="Admins only.")
    phone: str | None = Field(None, max_length=_PHONE_TEXT)
    lines: list[str] | None = Field(None, max_length=_LINES)
    active: bool | None = Field(None, description="Admins only: deactivate or reactivate.")


class WorkerLine(BaseModel):
    key: str
    name: str


class WorkerDetail(BaseModel):
    id: int
    name: str
    phone: str = Field(description="E.164")
    phone_words: str = Field(description="As staff read it: 07700 900123")
    lines: list[WorkerLine]
    available: bool
    active: bool


def worker_detail(worker: Worker) -> WorkerDetail:
    return WorkerDetail(
        id=worker.id,
        name=worker.name,
        phone=worker.phone,
        phone_words=national(worker.phone),
        lines=[WorkerLine(key=line.key, name=line.name) for line in worker.lines],
        available=worker.available,
        active=worker.active,
    )
