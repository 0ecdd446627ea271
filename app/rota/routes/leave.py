"""/api/rota/leave: when a worker is away (a conflict with their shifts, not a gap)."""

from __future__ import annotations

from fastapi import APIRouter, Response

from app.api.deps import SessionDep
from app.params import DbId
from app.rota import queries, service
from app.rota.routes.deps import CoordinatorChange, Reader
from app.rota.schemas import LeaveCreate, LeaveRead

router = APIRouter()


@router.get("/leave", response_model=list[LeaveRead])
def list_leave(session: SessionDep, _: Reader, worker_id: DbId | None = None) -> list[LeaveRead]:
    return [LeaveRead.of(x) for x in queries.list_leave(session, worker_id)]


@router.post("/leave", status_code=201, response_model=LeaveRead)
def add_leave(body: LeaveCreate, change: CoordinatorChange) -> LeaveRead:
    leave = service.add_leave(
        change,
        worker_id=body.worker_id,
        starts_at=body.starts_at,
        ends_at=body.ends_at,
        reason=body.reason,
    )
    return LeaveRead.of(leave)


@router.delete("/leave/{leave_id}", status_code=204)
def delete_leave(leave_id: DbId, change: CoordinatorChange) -> Response:
    service.delete_leave(change, leave_id)
    return Response(status_code=204)
