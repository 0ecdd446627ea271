"""/api/lines: the lines' names, numbers, greeting, hours and fallback number (admins)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request

from app.api.deps import NowDep, SessionDep
from app.auth import Principal, StaffRole, require
from app.lines import service
from app.lines.schemas import LineRead, LineUpdate, line_read
from app.params import DbId
from models.tables import Line

router = APIRouter(tags=["lines"])

Admin = Annotated[Principal, Depends(require(StaffRole.ADMIN))]
# Coordinators read the lines to put workers on them.
Reader = Annotated[Principal, Depends(require(StaffRole.ADMIN, StaffRole.COORDINATOR))]


def _read(request: Request, line: Line) -> LineRead:
    settings = request.app.state.settings
    return line_read(line, settings.service_name, settings.fallback_number)


@router.get("/lines", response_model=list[LineRead])
def list_lines(request: Request, reader: Reader, session: SessionDep) -> list[LineRead]:
    """Every line, with its hours, greeting and fallback number."""
    return [_read(request, line) for line in service.list_lines(session)]


@router.get("/lines/{line_id}", response_model=LineRead)
def read_line(request: Request, line_id: DbId, admin: Admin, session: SessionDep) -> LineRead:
    """One line."""
    return _read(request, service.get_line(session, line_id))


@router.patch("/lines/{line_id}", response_model=LineRead)
def update_line(
    request: Request,
    line_id: DbId,
    body: LineUpdate,
    admin: Admin,
    session: SessionDep,
    now: NowDep,
) -> LineRead:
    """Change a line (fields sent only); audited. The next call, in every process, uses it."""
    wanted = service.LineChanges(**body.model_dump(exclude_unset=True))
    line = service.update_line(session, line_id, wanted, actor_user_id=admin.user_id, now=now)
    return _read(request, line)
