"""/api/rota/shifts: on-call shifts, read by coordinators and managers, changed by coordinators."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from app.api.deps import NowDep, SessionDep
from app.params import Day, DbId
from app.rota import queries, service
from app.rota.routes.deps import CoordinatorChange, Reader, date_range
from app.rota.schemas import DeleteShiftRead, ShiftCreate, ShiftRead, ShiftUpdate
from routing import OnCallRole
from routing.rota import local_dates_range

router = APIRouter()


@router.get("/shifts", response_model=list[ShiftRead])
def list_shifts(
    session: SessionDep,
    now: NowDep,
    _: Reader,
    from_: Annotated[Day | None, Query(alias="from")] = None,
    to: Day | None = None,
    worker_id: DbId | None = None,
    role: OnCallRole | None = None,
) -> list[ShiftRead]:
    start, end = local_dates_range(*date_range(from_, to, now))
    shifts = queries.list_shifts(session, start, end, worker_id, role.value if role else None)
    return [ShiftRead.of(s, now) for s in shifts]


@router.get("/shifts/{shift_id}", response_model=ShiftRead)
def get_shift(shift_id: DbId, session: SessionDep, now: NowDep, _: Reader) -> ShiftRead:
    return ShiftRead.of(queries.get_shift(session, shift_id), now)


@router.post("/shifts", status_code=201, response_model=ShiftRead)
def create_shift(body: ShiftCreate, change: CoordinatorChange) -> ShiftRead:
    shift = service.create_shift(
        change,
        worker_id=body.worker_id,
        role_name=body.role,
        starts_at=body.starts_at,
        ends_at=body.ends_at,
    )
    return ShiftRead.of(shift, change.now)


@router.patch("/shifts/{shift_id}", response_model=ShiftRead)
def update_shift(shift_id: DbId, body: ShiftUpdate, change: CoordinatorChange) -> ShiftRead:
    result = service.update_shift(
        change,
        shift_id,
        worker_id=body.worker_id,
        role_name=body.role,
        starts_at=body.starts_at,
        ends_at=body.ends_at,
    )
    return ShiftRead.of(result, change.now)


@router.delete("/shifts/{shift_id}", response_model=DeleteShiftRead)
def delete_shift(shift_id: DbId, change: CoordinatorChange) -> DeleteShiftRead:
    ended = service.delete_shift(change, shift_id)
    return DeleteShiftRead(
        deleted=ended is None, ended=ShiftRead.of(ended, change.now) if ended else None
    )
