"""/api/rota/rotations: repeating patterns of on-call shifts, and applying them to dates."""

from __future__ import annotations

from fastapi import APIRouter

from app.api.deps import SessionDep
from app.params import DbId
from app.rota import queries, rotations
from app.rota.rotations import RotationFields
from app.rota.routes.deps import CoordinatorChange, Reader
from app.rota.schemas import (
    ApplyRead,
    ApplyRequest,
    RotationCreate,
    RotationDeleteRead,
    RotationRead,
    RotationUpdate,
)
from routing import LONDON

router = APIRouter()


@router.get("/rotations", response_model=list[RotationRead])
def list_rotations(session: SessionDep, _: Reader) -> list[RotationRead]:
    return [RotationRead.of(r) for r in queries.list_rotations(session)]


@router.get("/rotations/{rotation_id}", response_model=RotationRead)
def get_rotation(rotation_id: DbId, session: SessionDep, _: Reader) -> RotationRead:
    return RotationRead.of(queries.get_rotation(session, rotation_id))


@router.post("/rotations", status_code=201, response_model=RotationRead)
def create_rotation(body: RotationCreate, change: CoordinatorChange) -> RotationRead:
    fields = RotationFields(
        name=body.name,
        worker_ids=body.worker_ids,
        handover_time=body.handover_time,
        period=body.period,
        backup_offset=body.backup_offset,
        anchor_date=body.anchor_date or change.now.astimezone(LONDON).date(),
    )
    return RotationRead.of(rotations.save_rotation(change, None, fields))


@router.patch("/rotations/{rotation_id}", response_model=RotationRead)
def update_rotation(
    rotation_id: DbId, body: RotationUpdate, change: CoordinatorChange
) -> RotationRead:
    rotation = queries.get_rotation(change.session, rotation_id)
    fields = RotationFields(
        name=body.name if body.name is not None else rotation.name,
        worker_ids=body.worker_ids
        if body.worker_ids is not None
        else [m.worker_id for m in rotation.members],
        handover_time=body.handover_time or rotation.handover_time,
        period=body.period or rotation.period,
        backup_offset=body.backup_offset or rotation.backup_offset,
        anchor_date=body.anchor_date or rotation.anchor_date,
    )
    return RotationRead.of(rotations.save_rotation(change, rotation_id, fields))


@router.delete("/rotations/{rotation_id}", response_model=RotationDeleteRead)
def delete_rotation(rotation_id: DbId, change: CoordinatorChange) -> RotationDeleteRead:
    removed = rotations.delete_rotation(change, rotation_id)
    return RotationDeleteRead(deleted=True, shifts_removed=removed)


@router.post("/rotations/{rotation_id}/apply", response_model=ApplyRead)
def apply_rotation(rotation_id: DbId, body: ApplyRequest, change: CoordinatorChange) -> ApplyRead:
    result = rotations.apply_rotation(change, rotation_id, body.from_date, body.to_date)
    return ApplyRead(
        created=result.created,
        updated=result.updated,
        removed=result.removed,
        unchanged=result.unchanged,
        from_date=body.from_date,
        to_date=body.to_date,
    )
