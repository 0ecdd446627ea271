"""The routing snapshot on disk: written atomically, read by a process started in an outage.

JSON in the state folder, readable by the service's user alone (it holds workers' phone
numbers). Written to a temporary file, synced, then renamed over the old one, so a reader
sees the old snapshot or the new one, never half of one.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime, time
from pathlib import Path
from typing import Any

from routing import (
    DutyWorker,
    OnCallRole,
    Override,
    OverrideMode,
    RoutingLine,
    RoutingShift,
    ServiceHours,
)
from telephony.snapshot import RoutingSnapshot
from telephony.state import StateDir

log = logging.getLogger("dutyline.snapshot")

FILE_NAME = "routing-snapshot.json"
_FORMAT = 1


def _when(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _line(line: RoutingLine) -> dict[str, Any]:
    hours = line.hours
    return {
        "key": line.key,
        "name": line.name,
        "number": line.number,
        "weekday": [hours.weekday_open.isoformat(), hours.weekday_close.isoformat()],
        "weekend": [hours.weekend_open.isoformat(), hours.weekend_close.isoformat()],
        "bank_holidays_as_weekend": hours.bank_holidays_as_weekend,
        "greeting": line.greeting,
        "fallback_number": line.fallback_number,
    }


def to_json(snapshot: RoutingSnapshot) -> dict[str, Any]:
    """The snapshot as plain JSON values."""
    return {
        "format": _FORMAT,
        "version": snapshot.version,
        "window_start": _when(snapshot.window_start),
        "window_end": _when(snapshot.window_end),
        "refreshed_at": _when(snapshot.refreshed_at),
        "lines": [_line(line) for line in snapshot.lines],
        "line_ids": dict(snapshot.line_ids),
        "overrides": [
            {
                "starts_at": _when(o.starts_at),
                "ends_at": _when(o.ends_at),
                "mode": o.mode.value,
                "line_key": o.line_key,
                "reason": o.reason,
            }
            for o in snapshot.overrides
        ],
        "shifts": [
            {
                "id": s.id,
                "worker_id": s.worker_id,
                "worker_name": s.worker_name,
                "phone": s.phone,
                "role": s.role.value,
                "starts_at": _when(s.starts_at),
                "ends_at": _when(s.ends_at),
            }
            for s in snapshot.shifts
        ],
        "duty_workers": {
            key: [
                {"id": w.id, "name": w.name, "phone": w.phone, "offered": _when(w.last_offered_at)}
                for w in workers
            ]
            for key, workers in snapshot.duty_workers.items()
        },
    }


def _read_line(data: dict[str, Any]) -> RoutingLine:
    weekday, weekend = data["weekday"], data["weekend"]
    return RoutingLine(
        key=data["key"],
        name=data["name"],
        number=data["number"],
        hours=ServiceHours(
            weekday_open=time.fromisoformat(weekday[0]),
            weekday_close=time.fromisoformat(weekday[1]),
            weekend_open=time.fromisoformat(weekend[0]),
            weekend_close=time.fromisoformat(weekend[1]),
            bank_holidays_as_weekend=bool(data["bank_holidays_as_weekend"]),
        ),
        # Absent from files written before lines had them: the service's own.
        greeting=data.get("greeting") or None,
        fallback_number=data.get("fallback_number") or None,
    )


def from_json(data: dict[str, Any]) -> RoutingSnapshot:
    """The snapshot to_json wrote; KeyError, TypeError or ValueError when malformed."""
    if data.get("format") != _FORMAT:
        raise ValueError("unknown snapshot format")
    at = datetime.fromisoformat
    return RoutingSnapshot(
        version=int(data["version"]),
        window_start=at(data["window_start"]),
        window_end=at(data["window_end"]),
        refreshed_at=at(data["refreshed_at"]),
        lines=tuple(_read_line(line) for line in data["lines"]),
        line_ids={str(k): int(v) for k, v in data["line_ids"].items()},
        overrides=tuple(
            Override(
                starts_at=at(o["starts_at"]),
                ends_at=at(o["ends_at"]),
                mode=OverrideMode(o["mode"]),
                line_key=o["line_key"],
                reason=o["reason"],
            )
            for o in data["overrides"]
        ),
        shifts=tuple(
            RoutingShift(
                id=int(s["id"]),
                worker_id=int(s["worker_id"]),
                worker_name=s["worker_name"],
                phone=s["phone"],
                role=OnCallRole(s["role"]),
                starts_at=at(s["starts_at"]),
                ends_at=at(s["ends_at"]),
            )
            for s in data["shifts"]
        ),
        duty_workers={
            key: tuple(
                DutyWorker(
                    int(w["id"]),
                    w["name"],
                    w["phone"],
                    frozenset({key}),
                    True,
                    at(w["offered"]) if w["offered"] else None,
                )
                for w in workers
            )
            for key, workers in data["duty_workers"].items()
        },
    )


def save(state: StateDir, snapshot: RoutingSnapshot) -> None:
    state.write_atomically(FILE_NAME, json.dumps(to_json(snapshot), separators=(",", ":")))


def load(state: StateDir) -> RoutingSnapshot | None:
    """The snapshot last saved in the state folder, or None (absent or unreadable)."""
    path: Path = state.path / FILE_NAME
    try:
        return from_json(json.loads(path.read_text("utf-8")))
    except FileNotFoundError:
        return None
    except (OSError, KeyError, TypeError, ValueError) as exc:
        log.error("the routing snapshot file could not be read (%s)", type(exc).__name__)
        return None
