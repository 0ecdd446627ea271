"""Declared closures (calls go on call) and openings (the duty team answers): the one write path.

The API, the pages and the CLI declare, end and delete them through these functions, so the
limits and the audit are the same whoever asks. Only flushes: the caller commits. Bad input
raises `app.errors.Invalid` (a state that forbids the change, `Conflict`) before anything is
written.

Each change goes through the ORM, so the session's `before_flush` hook moves the routing
version (models.db) and every process reloads its routing snapshot for the next call.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import Conflict, Invalid, NotFound
from app.workers.service import lines_for
from models.audit import audit, changes_between
from models.tables import HoursOverride
from routing import OverrideMode
from routing.rota import local_dates_range

REASON_MAX = 200
ENTITY = "hours_override"


def add_override(
    session: Session,
    starts_at: datetime,
    ends_at: datetime,
    mode: str,
    line_key: str | None = None,
    reason: str = "",
    *,
    actor_user_id: int | None = None,
    now: datetime | None = None,
) -> HoursOverride:
    """A declared closure (mode out_of_hours) or opening (in_hours); `line_key` None: all.

    `now` (the API and the CLI give it) is when the change is made and audited; a closure
    or opening already over by then is refused.
    """
    try:
        known_mode = OverrideMode(mode)
    except ValueError:
        known = ", ".join(m.value for m in OverrideMode)
        raise Invalid("mode", f"unknown mode {mode!r} (known modes: {known})") from None
    if ends_at <= starts_at:
        raise Invalid("ends_at", "the end must be after the start")
    if now is not None and ends_at <= now:
        # It could change no call: declaring it would only mislead whoever reads the list.
        raise Invalid("ends_at", "the end has already passed: give a time still to come")
    lines = lines_for(session, [line_key], "line") if line_key is not None else []
    if line_key is not None and not lines:
        raise Invalid("line", "a line key is needed")
    reason = " ".join(reason.split())
    if len(reason) > REASON_MAX:
        raise Invalid("reason", f"a reason has at most {REASON_MAX} characters")
    override = HoursOverride(
        line=lines[0] if lines else None,
        mode=known_mode.value,
        starts_at=starts_at,
        ends_at=ends_at,
        reason=reason,
    )
    session.add(override)
    session.flush()
    _audit(session, "closure.add", override, {}, snapshot(override), actor_user_id, now)
    return override


def get_override(session: Session, override_id: int) -> HoursOverride:
    found = session.get(HoursOverride, override_id)
    if found is None:
        raise NotFound("No such closure or opening.")
    return found


def end_early(
    session: Session, override_id: int, now: datetime, actor_user_id: int | None = None
) -> HoursOverride:
    """End a running closure or opening now: the next call follows the usual hours."""
    override = get_override(session, override_id)
    if override.ends_at <= now:
        raise Conflict(f"This {kind(override)} is already over.")
    if override.starts_at >= now:
        raise Conflict(f"This {kind(override)} has not started yet: delete it instead.")
    before = snapshot(override)
    override.ends_at = now
    session.flush()
    _audit(session, "closure.end_early", override, before, snapshot(override), actor_user_id, now)
    return override


def delete_future(
    session: Session, override_id: int, now: datetime, actor_user_id: int | None = None
) -> None:
    """Delete a closure or opening that has not started; one that has stays on record."""
    override = get_override(session, override_id)
    if override.ends_at <= now:
        raise Conflict(f"This {kind(override)} is over: it stays on record and cannot be deleted.")
    if override.starts_at <= now:
        raise Conflict(
            f"This {kind(override)} has already started, so it cannot be deleted: end it early."
        )
    before = snapshot(override)
    _audit(session, "closure.delete", override, before, {}, actor_user_id, now)
    session.delete(override)
    session.flush()


def list_overrides(
    session: Session,
    ending_after: datetime | None = None,
    days: tuple[date, date] | None = None,
) -> list[HoursOverride]:
    """Closures and openings by start time: those still running after `ending_after`, and
    those overlapping the London `days` (first, last), when given."""
    query = select(HoursOverride).order_by(HoursOverride.starts_at, HoursOverride.id)
    if ending_after is not None:
        query = query.where(HoursOverride.ends_at > ending_after)
    if days is not None:
        start, end = local_dates_range(*days)
        query = query.where(HoursOverride.ends_at > start, HoursOverride.starts_at < end)
    return list(session.scalars(query))


def kind(override: HoursOverride) -> str:
    """ "closure" (calls go to the on-call workers) or "opening" (the duty team answers)."""
    return "closure" if override.mode == OverrideMode.OUT_OF_HOURS else "opening"


def snapshot(override: HoursOverride) -> dict[str, Any]:
    """The fields an audit event keeps, as JSON-ready values."""
    return {
        "mode": override.mode,
        "line": override.line.key if override.line else "all",
        "starts_at": override.starts_at.isoformat(),
        "ends_at": override.ends_at.isoformat(),
        "reason": override.reason,
    }


def _audit(
    session: Session,
    action: str,
    override: HoursOverride,
    before: dict[str, Any],
    after: dict[str, Any],
    actor_user_id: int | None,
    now: datetime | None,
) -> None:
    audit(
        session,
        actor_user_id=actor_user_id,
        action=action,
        entity_type=ENTITY,
        entity_id=override.id,
        at=now or datetime.now(UTC),
        changes=changes_between(before, after),
    )
