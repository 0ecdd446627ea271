"""Covers and swaps: one worker standing in for another, through the rota's write path.

A coordinator records a cover. A worker may ask to swap only their own shift, accept only
what was offered to them, decline only what was asked of them, cancel only what they asked;
a coordinator may do any of these. `Asker` says who asks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from app.errors import Conflict, Forbidden, Invalid, NotLinked
from app.rota import queries
from app.rota.queries import get_worker, role
from app.rota.service import RotaChange, reason_text, reassign
from models.rota import Cover, ShiftSource, SwapRequest, SwapStatus
from models.tables import OnCallShift


@dataclass(frozen=True, slots=True)
class Asker:
    """Who asks: the worker their account is linked to, and whether they coordinate."""

    worker_id: int | None
    coordinator: bool

    def own_worker(self) -> int:
        """The asker's worker; refused (403, everywhere alike) for an unlinked account."""
        if self.worker_id is None:
            raise NotLinked()
        return self.worker_id


def add_cover(
    change: RotaChange,
    *,
    covering_worker_id: int,
    covered_worker_id: int,
    starts_at: datetime,
    ends_at: datetime,
    role_name: str | None,
    reason: str,
) -> tuple[Cover, list[OnCallShift]]:
    """X covers Y: Y's shifts in the period are split and the part inside given to X."""
    session, now = change.session, change.now
    covering = get_worker(session, covering_worker_id, "covering_worker_id")
    covered = get_worker(session, covered_worker_id, "covered_worker_id")
    if covering.id == covered.id:
        raise Invalid("covering_worker_id", "a worker cannot cover themselves")
    known_role = role(role_name) if role_name is not None else None
    if ends_at <= starts_at:
        raise Invalid("ends_at", "the end must be after the start")
    if ends_at <= now:
        raise Invalid("ends_at", "the cover would already be over")
    reason = reason_text(reason)
    start = max(starts_at, now)  # the past stays as it was
    query = select(OnCallShift).where(
        OnCallShift.worker_id == covered.id,
        OnCallShift.ends_at > start,
        OnCallShift.starts_at < ends_at,
    )
    if known_role is not None:
        query = query.where(OnCallShift.role == known_role.value)
    affected = list(session.scalars(query.order_by(OnCallShift.starts_at, OnCallShift.id)))
    if not affected:
        raise Invalid("covered_worker_id", "this worker has no on-call shift in that period")
    cover = Cover(
        covering_worker_id=covering.id,
        covered_worker_id=covered.id,
        role=known_role.value if known_role else None,
        starts_at=start,
        ends_at=ends_at,
        reason=reason,
        created_by_user_id=change.user_id,
        created_at=now,
    )
    session.add(cover)
    session.flush()
    rows = [
        reassign(session, shift, covering.id, start, ends_at, ShiftSource.COVER, cover.id)
        for shift in affected
    ]
    session.flush()
    after = {
        "covering_worker_id": cover.covering_worker_id,
        "covered_worker_id": cover.covered_worker_id,
        "role": cover.role,
        "starts_at": cover.starts_at.isoformat(),
        "ends_at": cover.ends_at.isoformat(),
        "shift_ids": sorted(r.id for r in rows),
    }
    change.audit("rota.cover.create", "rota_cover", cover.id, {}, after)
    change.check_gaps()
    session.refresh(cover)
    return cover, rows


def swap_snapshot(swap: SwapRequest) -> dict[str, Any]:
    return {
        "shift_id": swap.shift_id,
        "requested_by_worker_id": swap.requested_by_worker_id,
        "with_worker_id": swap.with_worker_id,
        "accepted_by_worker_id": swap.accepted_by_worker_id,
        "status": swap.status,
    }


def _history(swap: SwapRequest, status: str, change: RotaChange) -> None:
    entry = {"at": change.now.isoformat(), "status": status, "by_user_id": change.user_id}
    swap.history = [*swap.history, entry]


def swap_visible(swap: SwapRequest, asker: Asker, reader: bool) -> bool:
    """A coordinator or manager (`reader`) sees every swap; a worker theirs and open ones."""
    if reader:
        return True
    me = asker.worker_id
    return me is not None and (
        swap.requested_by_worker_id == me
        or swap.with_worker_id == me
        or (swap.with_worker_id is None and swap.status == SwapStatus.PENDING)
    )


def _pending_for(change: RotaChange, shift_id: int) -> bool:
    found = select(SwapRequest.id).where(
        SwapRequest.shift_id == shift_id, SwapRequest.status == SwapStatus.PENDING
    )
    return change.session.scalar(found.limit(1)) is not None


def request_swap(
    change: RotaChange, asker: Asker, *, shift_id: int, with_worker_id: int | None, note: str
) -> SwapRequest:
    session, now = change.session, change.now
    shift = session.get(OnCallShift, shift_id)
    if shift is None:
        raise Invalid("shift_id", f"unknown shift {shift_id}")
    if not asker.coordinator and shift.worker_id != asker.own_worker():
        raise Forbidden("you can ask to swap only your own shifts")
    if shift.ends_at <= now:
        raise Invalid("shift_id", "this shift is over")
    if _pending_for(change, shift.id):
        raise Conflict("a swap of this shift is already waiting for an answer")
    if with_worker_id is not None:
        queries.get_worker(session, with_worker_id, "with_worker_id")
        if with_worker_id == shift.worker_id:
            raise Invalid("with_worker_id", "this worker already holds the shift")
    swap = SwapRequest(
        shift_id=shift.id,
        role=shift.role,
        starts_at=shift.starts_at,
        ends_at=shift.ends_at,
        requested_by_worker_id=shift.worker_id,
        with_worker_id=with_worker_id,
        status=SwapStatus.PENDING,
        note=reason_text(note, "note"),
        history=[],
        created_at=now,
    )
    _history(swap, SwapStatus.PENDING, change)
    session.add(swap)
    session.flush()
    change.audit("rota.swap.request", "rota_swap", swap.id, {}, swap_snapshot(swap))
    return swap


def _taker(swap: SwapRequest, asker: Asker, accepting_worker_id: int | None) -> int | None:
    """Who takes the shift when `asker` accepts, or Forbidden."""
    if asker.coordinator:
        return accepting_worker_id or swap.with_worker_id
    me = asker.own_worker()
    offered_to_me = swap.with_worker_id == me or (
        swap.with_worker_id is None and me != swap.requested_by_worker_id
    )
    if not offered_to_me:
        raise Forbidden("this swap was not offered to you")
    return me


def _may_decide(swap: SwapRequest, status: SwapStatus, asker: Asker) -> None:
    if asker.coordinator:
        return
    me = asker.own_worker()
    if status is SwapStatus.DECLINED and swap.with_worker_id != me:
        raise Forbidden("only the worker asked, or a coordinator, can decline")
    if status is SwapStatus.CANCELLED and swap.requested_by_worker_id != me:
        raise Forbidden("only the worker who asked, or a coordinator, can cancel")


def decide_swap(
    change: RotaChange,
    asker: Asker,
    swap_id: int,
    status: SwapStatus,
    accepting_worker_id: int | None = None,
) -> SwapRequest:
    """Accept (the shift's rest goes to the taker), decline or cancel a swap; audited."""
    session, now = change.session, change.now
    swap = queries.get_swap(session, swap_id)
    taker_id = None
    if status is SwapStatus.ACCEPTED:
        taker_id = _taker(swap, asker, accepting_worker_id)
    else:
        _may_decide(swap, status, asker)
    before = swap_snapshot(swap)
    if swap.status != SwapStatus.PENDING:
        raise Conflict(f"this swap request is already {swap.status}")
    if status is SwapStatus.ACCEPTED:
        shift = swap.shift
        if shift is None or shift.ends_at <= now:
            raise Conflict("the shift is gone or over; the swap cannot happen")
        if taker_id is None:
            raise Invalid("worker_id", "say which worker takes the shift")
        taker = queries.get_worker(session, taker_id, "worker_id")
        if taker.id == shift.worker_id:
            raise Invalid("worker_id", "this worker already holds the shift")
        start = max(shift.starts_at, now)
        reassign(session, shift, taker.id, start, shift.ends_at, ShiftSource.SWAP, None)
        swap.accepted_by_worker_id = taker.id
    swap.status = status.value
    swap.decided_at = now
    _history(swap, status, change)
    session.flush()
    change.audit(f"rota.swap.{status.value}", "rota_swap", swap.id, before, swap_snapshot(swap))
    if status is SwapStatus.ACCEPTED:
        change.check_gaps()
    session.refresh(swap)
    return swap
