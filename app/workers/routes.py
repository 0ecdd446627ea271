"""/api/workers/...: adding workers and changing them (the list is app.accounts.routes).

Admins do everything; coordinators change phones and lines (the rota needs them), which the
service enforces, whoever calls it.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from app.api.deps import NowDep, SessionDep
from app.auth import Principal, StaffRole, require
from app.params import DbId
from app.workers import service
from app.workers.schemas import WorkerCreate, WorkerDetail, WorkerUpdate, worker_detail

router = APIRouter(tags=["workers"])

Admin = Annotated[Principal, Depends(require(StaffRole.ADMIN))]
Manager = Annotated[Principal, Depends(require(StaffRole.ADMIN, StaffRole.COORDINATOR))]


@router.post("/workers", response_model=WorkerDetail, status_code=201)
def create_worker(
    body: WorkerCreate, admin: Admin, session: SessionDep, now: NowDep
) -> WorkerDetail:
    """A new worker, offline until they go available; audited."""
    worker = service.add_worker(
        session, body.name, body.phone, body.lines, actor_user_id=admin.user_id, now=now
    )
    return worker_detail(worker)


@router.get("/workers/{worker_id}", response_model=WorkerDetail)
def read_worker(worker_id: DbId, principal: Manager, session: SessionDep) -> WorkerDetail:
    """One worker: name, phone, lines, whether active."""
    return worker_detail(service.get_worker(session, worker_id))


@router.patch("/workers/{worker_id}", response_model=WorkerDetail)
def update_worker(
    worker_id: DbId, body: WorkerUpdate, principal: Manager, session: SessionDep, now: NowDep
) -> WorkerDetail:
    """Change a worker (fields sent only); audited. Coordinators: phone and lines only.

    A new phone is rung from the next call on, in every process."""
    wanted = service.WorkerChanges(
        name=body.name, phone=body.phone, line_keys=body.lines, active=body.active
    )
    worker = service.update_worker(
        session,
        worker_id,
        wanted,
        admin=principal.has(StaffRole.ADMIN),
        actor_user_id=principal.user_id,
        now=now,
    )
    return worker_detail(worker)
