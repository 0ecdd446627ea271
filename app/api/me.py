"""/api/me: who I am, and my availability per line."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, BackgroundTasks, Depends, Request
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from app.api.deps import NowDep, SessionDep
from app.auth import EvenBeforePasswordChange, Principal, StaffRole, require
from app.errors import Invalid, NotLinked
from models import Worker
from models.people import line_availability, set_line_availability

router = APIRouter(tags=["me"])

Availability = Literal["available", "busy", "offline"]


class LineAvailabilityRead(BaseModel):
    key: str
    name: str
    number: str
    availability: Availability


class MyWorkerRead(BaseModel):
    id: int
    name: str
    phone: str
    lines: list[LineAvailabilityRead]


class MeRead(BaseModel):
    id: int
    username: str
    display_name: str
    roles: list[StaffRole]
    csrf_token: str | None = Field(
        None, description="Send as X-CSRF-Token on changes made with the session cookie."
    )
    must_change_password: bool = Field(
        False, description="An admin reset the password: change it before anything else."
    )
    worker: MyWorkerRead | None


class AvailabilityUpdate(BaseModel):
    availability: Literal["available", "offline"]
    lines: list[str] | None = Field(
        None, description="Line keys to change; all my lines when absent.", max_length=20
    )


def me_read(session: Session, principal: Principal, now: datetime) -> MeRead:
    worker = session.get(Worker, principal.worker_id) if principal.worker_id else None
    return MeRead(
        id=principal.user_id,
        username=principal.username,
        display_name=principal.display_name,
        roles=sorted(principal.roles),
        csrf_token=principal.csrf_token,
        must_change_password=principal.must_change_password,
        worker=None
        if worker is None
        else MyWorkerRead(
            id=worker.id,
            name=worker.name,
            phone=worker.phone,
            lines=[
                LineAvailabilityRead(**vars(line))
                for line in line_availability(session, worker, now)
            ],
        ),
    )


@router.get("/me", response_model=MeRead)
def read_me(principal: EvenBeforePasswordChange, session: SessionDep, now: NowDep) -> MeRead:
    """Who I am, my roles, and (for a social worker) my availability on each line."""
    return me_read(session, principal, now)


@router.put("/me/availability", response_model=MeRead)
def update_my_availability(
    body: AvailabilityUpdate,
    principal: Annotated[Principal, Depends(require(StaffRole.WORKER))],
    session: SessionDep,
    now: NowDep,
    request: Request,
    after: BackgroundTasks,
) -> MeRead:
    """Say I am available for calls, or offline, on all my lines or some of them."""
    worker = session.get(Worker, principal.worker_id) if principal.worker_id else None
    if worker is None:
        raise NotLinked()
    line_ids: list[int] | None = None
    if body.lines is not None:
        mine = {line.key: line.id for line in worker.lines}
        unknown = sorted(set(body.lines) - set(mine))
        if unknown:
            raise Invalid("lines", f"not lines you answer: {', '.join(unknown)}")
        line_ids = [mine[key] for key in body.lines]
    set_line_availability(session, worker, body.availability == "available", line_ids)
    if body.availability == "available":
        # Once committed: a caller waiting in a queue may be theirs (issue 12).
        after.add_task(request.app.state.telephony.offers_due.set)
    session.flush()
    session.expire(worker)
    return me_read(session, principal, now)
