"""Declaring closures (calls go on call) and openings (the duty team answers), and listing them.

Only flushes: the caller commits. Bad input raises `app.errors.Invalid` before anything is
written.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import Invalid
from app.workers.service import lines_for
from models.tables import HoursOverride
from routing import OverrideMode

REASON_MAX = 200


def add_override(
    session: Session,
    starts_at: datetime,
    ends_at: datetime,
    mode: str,
    line_key: str | None = None,
    reason: str = "",
) -> HoursOverride:
    """A declared closure (mode out_of_hours) or opening (in_hours); `line_key` None: all."""
    try:
        known_mode = OverrideMode(mode)
    except ValueError:
        known = ", ".join(m.value for m in OverrideMode)
        raise Invalid("mode", f"unknown mode {mode!r} (known modes: {known})") from None
    if ends_at <= starts_at:
        raise Invalid("ends_at", "the end must be after the start")
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
    return override


def list_overrides(session: Session, ending_after: datetime | None = None) -> list[HoursOverride]:
    """Closures and openings by start time; only those still running after `ending_after`."""
    query = select(HoursOverride).order_by(HoursOverride.starts_at, HoursOverride.id)
    if ending_after is not None:
        query = query.where(HoursOverride.ends_at > ending_after)
    return list(session.scalars(query))
