"""/api/closures: declared closures and openings; /api/desk/now: where calls go now.

Coordinators and managers declare, list, end early and delete closures; workers read where
calls go now on their desk. The rules and the audit are in `app.closures.service`.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from app.api.deps import NowDep, SessionDep
from app.auth import Principal, StaffRole, require
from app.closures import now as desk
from app.closures import service
from app.closures.schemas import ClosureCreate, ClosureRead, DeskNowRead
from app.errors import Invalid
from app.params import Day, DbId

router = APIRouter(prefix="/closures", tags=["closures"])
desk_router = APIRouter(prefix="/desk", tags=["desk"])

Planner = Annotated[Principal, Depends(require(StaffRole.COORDINATOR, StaffRole.MANAGER))]
Worker = Annotated[Principal, Depends(require(StaffRole.WORKER))]

MAX_RANGE_DAYS = 400


@router.get("", response_model=list[ClosureRead])
def list_closures(
    session: SessionDep,
    now: NowDep,
    _: Planner,
    from_: Annotated[Day | None, Query(alias="from")] = None,
    to: Day | None = None,
) -> list[ClosureRead]:
    """Running and upcoming closures and openings; with `from` and `to` (London dates), those
    overlapping these days, over ones included."""
    if (from_ is None) != (to is None):
        raise Invalid(("query", "to" if to is None else "from"), "give both from and to")
    if from_ is None or to is None:
        found = service.list_overrides(session, ending_after=now)
    else:
        if to < from_:
            raise Invalid(("query", "to"), "must not be before from")
        if (to - from_).days > MAX_RANGE_DAYS:
            raise Invalid(("query", "to"), f"at most {MAX_RANGE_DAYS} days at once")
        found = service.list_overrides(session, days=(from_, to))
    return [ClosureRead.of(o, now) for o in found]


@router.post("", status_code=201, response_model=ClosureRead)
def create_closure(
    body: ClosureCreate, session: SessionDep, now: NowDep, who: Planner
) -> ClosureRead:
    override = service.add_override(
        session,
        body.starts_at,
        body.ends_at,
        body.mode.value,
        body.line,
        body.reason,
        actor_user_id=who.user_id,
        now=now,
    )
    return ClosureRead.of(override, now)


@router.post("/{closure_id}/end", response_model=ClosureRead)
def end_closure_early(
    closure_id: DbId, session: SessionDep, now: NowDep, who: Planner
) -> ClosureRead:
    """End a running closure or opening now."""
    return ClosureRead.of(service.end_early(session, closure_id, now, who.user_id), now)


@router.delete("/{closure_id}", status_code=204)
def delete_closure(closure_id: DbId, session: SessionDep, now: NowDep, who: Planner) -> Response:
    """Delete one that has not started yet (one that has is ended early instead)."""
    service.delete_future(session, closure_id, now, who.user_id)
    return Response(status_code=204)


@desk_router.get("/now", response_model=DeskNowRead)
def where_calls_go_now(session: SessionDep, now: NowDep, who: Worker) -> DeskNowRead:
    """Per line: in hours or out of hours and why, who is on call, and whether you are."""
    found = desk.desk_now(session, now, who.worker_id)
    closures = service.list_overrides(session, ending_after=now)
    upcoming = [o for o in closures if o.starts_at < now + desk.UPCOMING]
    return DeskNowRead.of(found, upcoming)
