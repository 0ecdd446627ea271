"""Rotations: repeating patterns of on-call shifts, and applying them to local dates.

Through the rota's write path (`app.rota.service.RotaChange`): audited, gaps checked; a
slot is made once however often a rotation is applied.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, time
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import Invalid
from app.rota import queries
from app.rota.queries import get_worker
from app.rota.service import RotaChange, cancel_swaps_of
from models import routing_data
from models.rota import Rotation, RotationMember, ShiftSource
from models.tables import OnCallShift
from routing.rota import RotationPattern, RotationPeriod, local_dates_range, plan_rotation

MAX_APPLY_DAYS = 366


def rotation_pattern(rotation: Rotation) -> RotationPattern:
    return RotationPattern(
        worker_ids=tuple(m.worker_id for m in rotation.members),
        handover=rotation.handover_time,
        period=RotationPeriod(rotation.period),
        anchor=rotation.anchor_date,
        backup_offset=rotation.backup_offset,
    )


def rotation_snapshot(rotation: Rotation) -> dict[str, Any]:
    return {
        "name": rotation.name,
        "worker_ids": [m.worker_id for m in rotation.members],
        "handover_time": rotation.handover_time.strftime("%H:%M"),
        "period": rotation.period,
        "backup_offset": rotation.backup_offset,
        "anchor_date": rotation.anchor_date.isoformat(),
    }


@dataclass(frozen=True, slots=True)
class RotationFields:
    name: str
    worker_ids: Sequence[int]
    handover_time: time
    period: str
    backup_offset: int
    anchor_date: date


def _check_rotation(session: Session, fields: RotationFields) -> str:
    name = " ".join(fields.name.split())
    if not name:
        raise Invalid("name", "a rotation needs a name")
    worker_ids = fields.worker_ids
    if not worker_ids:
        raise Invalid("worker_ids", "a rotation needs at least one worker")
    if len(set(worker_ids)) != len(worker_ids):
        raise Invalid("worker_ids", "a worker appears twice in the rotation")
    for worker_id in worker_ids:
        get_worker(session, worker_id, "worker_ids")
    if fields.period not in {p.value for p in RotationPeriod}:
        raise Invalid("period", "must be daily or weekly")
    if len(worker_ids) > 1 and fields.backup_offset % len(worker_ids) == 0:
        raise Invalid("backup_offset", "this offset makes each worker their own backup")
    return name


def save_rotation(change: RotaChange, rotation_id: int | None, fields: RotationFields) -> Rotation:
    """Create a rotation (`rotation_id` None) or replace one's settings; audited."""
    session = change.session
    name = _check_rotation(session, fields)
    rotation = queries.get_rotation(session, rotation_id) if rotation_id is not None else None
    before = rotation_snapshot(rotation) if rotation is not None else {}
    if rotation is None:
        rotation = Rotation()
        session.add(rotation)
    rotation.name, rotation.period = name, fields.period
    rotation.handover_time, rotation.backup_offset = fields.handover_time, fields.backup_offset
    rotation.anchor_date = fields.anchor_date
    rotation.members.clear()
    session.flush()
    rotation.members.extend(
        RotationMember(position=i, worker_id=w) for i, w in enumerate(fields.worker_ids)
    )
    session.flush()
    session.refresh(rotation)
    action = "rota.rotation.update" if before else "rota.rotation.create"
    change.audit(action, "rotation", rotation.id, before, rotation_snapshot(rotation))
    return rotation


def delete_rotation(change: RotaChange, rotation_id: int) -> int:
    """Delete a rotation and its shifts not yet started; past and running ones stay."""
    session, now = change.session, change.now
    rotation = queries.get_rotation(session, rotation_id)
    before = rotation_snapshot(rotation)
    future = list(
        session.scalars(
            select(OnCallShift).where(
                OnCallShift.rotation_id == rotation.id, OnCallShift.starts_at >= now
            )
        )
    )
    for shift in future:
        cancel_swaps_of(session, shift, now)
        session.delete(shift)
    session.flush()
    session.delete(rotation)
    session.flush()
    detail = f"{len(future)} future shifts removed"
    change.audit("rota.rotation.delete", "rotation", rotation_id, before, {}, detail)
    change.check_gaps()
    return len(future)


@dataclass(frozen=True, slots=True)
class ApplyResult:
    created: int
    updated: int
    removed: int
    unchanged: int


def apply_rotation(change: RotaChange, rotation_id: int, first: date, last: date) -> ApplyResult:
    """Make the rotation's shifts for local dates first..last; idempotent; audited.

    A slot already made is found by its key: kept when unchanged or touched since (a cover,
    an edit, a started shift), updated when the rotation changed it. Slots of this rotation in
    the range that the rotation no longer asks for are removed if not started. Nothing before
    `now` changes.
    """
    session, now = change.session, change.now
    rotation = queries.get_rotation(session, rotation_id)
    if last < first:
        raise Invalid("to_date", "must not be before from_date")
    if (last - first).days + 1 > MAX_APPLY_DAYS:
        raise Invalid("to_date", f"a rotation is applied to at most {MAX_APPLY_DAYS} days")
    if not rotation.members:
        raise Invalid("worker_ids", "a rotation needs at least one worker")
    start, end = local_dates_range(first, last)
    lines = routing_data.routing_lines(session)
    overrides = routing_data.routing_overrides(session, start, end)
    planned = plan_rotation(rotation_pattern(rotation), first, last, lines, overrides)
    existing: dict[str, list[OnCallShift]] = {}
    for row in session.scalars(
        select(OnCallShift).where(
            OnCallShift.rotation_id == rotation.id,
            OnCallShift.ends_at > start,
            OnCallShift.starts_at < end,
        )
    ):
        existing.setdefault(row.slot_key or "", []).append(row)
    created = updated = unchanged = removed = 0
    wanted = set()
    for slot in planned:
        wanted.add(slot.slot_key)
        if slot.ends_at <= now:
            continue
        rows = existing.get(slot.slot_key, [])
        if not rows:
            session.add(
                OnCallShift(
                    worker_id=slot.worker_id,
                    role=slot.role.value,
                    starts_at=max(slot.starts_at, now),
                    ends_at=slot.ends_at,
                    source=ShiftSource.ROTATION,
                    rotation_id=rotation.id,
                    slot_key=slot.slot_key,
                )
            )
            created += 1
            continue
        row = rows[0]
        untouched = len(rows) == 1 and row.source == ShiftSource.ROTATION and row.starts_at >= now
        target = (slot.worker_id, max(slot.starts_at, now), slot.ends_at)
        if untouched and (row.worker_id, row.starts_at, row.ends_at) != target:
            row.worker_id, row.starts_at, row.ends_at = target
            row.sequence += 1
            updated += 1
        else:
            unchanged += 1
    for key, rows in existing.items():
        if key in wanted:
            continue
        for row in rows:
            if row.starts_at >= now and row.starts_at >= start:
                cancel_swaps_of(session, row, now)
                session.delete(row)
                removed += 1
    session.flush()
    result = ApplyResult(created, updated, removed, unchanged)
    after = {"from_date": first.isoformat(), "to_date": last.isoformat(), "created": created}
    after |= {"updated": updated, "removed": removed}
    change.audit("rota.rotation.apply", "rotation", rotation_id, {}, after)
    change.check_gaps()
    return result
