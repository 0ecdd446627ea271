"""What the rota's routes share: who may call them, and the change they make.

A route that changes the rota takes a `RotaChange` built here: the request's session and
clock, the caller's user id, and an `announce` that queues each fresh gap alert as a
background task, so it is sent only after the session has committed.
"""

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Annotated

from fastapi import BackgroundTasks, Depends, Request

from app.api.deps import NowDep, SessionDep
from app.auth import Principal, StaffRole, require
from app.errors import Invalid
from app.notify import Notifier, gap_message, notifier_from_settings
from app.rota.service import RotaChange
from app.rota.swaps import Asker
from routing import LONDON

_COORDINATOR = require(StaffRole.COORDINATOR)
_SWAPPER = require(StaffRole.COORDINATOR, StaffRole.WORKER)
_FEED_ADMIN = require(StaffRole.COORDINATOR, StaffRole.ADMIN)
_FEED_MAKER = require(StaffRole.COORDINATOR, StaffRole.ADMIN, StaffRole.WORKER)

Coordinator = Annotated[Principal, Depends(_COORDINATOR)]
Reader = Annotated[Principal, Depends(require(StaffRole.COORDINATOR, StaffRole.MANAGER))]
SwapUser = Annotated[Principal, Depends(_SWAPPER)]
SwapReader = Annotated[
    Principal, Depends(require(StaffRole.COORDINATOR, StaffRole.MANAGER, StaffRole.WORKER))
]
WorkerUser = Annotated[Principal, Depends(require(StaffRole.WORKER))]
FeedAdmin = Annotated[Principal, Depends(_FEED_ADMIN)]
FeedMaker = Annotated[Principal, Depends(_FEED_MAKER)]

DEFAULT_WEEKS = 8
MAX_RANGE_DAYS = 800


def notifier(request: Request) -> Notifier:
    found: Notifier | None = getattr(request.app.state, "notifier", None)
    if found is None:
        found = notifier_from_settings(request.app.state.settings)
        request.app.state.notifier = found
    return found


def _change_by(who: Callable[..., Principal]) -> Callable[..., RotaChange]:
    def dependency(
        request: Request,
        background: BackgroundTasks,
        session: SessionDep,
        now: NowDep,
        # Evaluated here (no `from __future__ import annotations`), so `who` is this one.
        principal: Annotated[Principal, Depends(who)],
    ) -> RotaChange:
        send = notifier(request).send
        return RotaChange(
            session,
            now,
            principal.user_id,
            announce=lambda gap: background.add_task(send, gap_message(gap)),
        )

    return dependency


# A change by a coordinator; by a coordinator or a worker (swaps); by whoever makes feeds.
CoordinatorChange = Annotated[RotaChange, Depends(_change_by(_COORDINATOR))]
SwapChange = Annotated[RotaChange, Depends(_change_by(_SWAPPER))]
FeedAdminChange = Annotated[RotaChange, Depends(_change_by(_FEED_ADMIN))]
FeedMakerChange = Annotated[RotaChange, Depends(_change_by(_FEED_MAKER))]


def asker(principal: Principal) -> Asker:
    return Asker(principal.worker_id, principal.has(StaffRole.COORDINATOR))


def date_range(first: date | None, last: date | None, now: datetime) -> tuple[date, date]:
    first = first or now.astimezone(LONDON).date()
    last = last or first + timedelta(weeks=DEFAULT_WEEKS)
    if last < first:
        raise Invalid(("query", "to"), "must not be before from")
    if (last - first).days > MAX_RANGE_DAYS:
        raise Invalid(("query", "to"), f"at most {MAX_RANGE_DAYS} days at once")
    return first, last
