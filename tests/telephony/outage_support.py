"""Helpers for outage tests: the real app on a real PostgreSQL behind a fault proxy."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from prometheus_client import REGISTRY
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.main import create_app
from app.settings import Settings
from models import CallbackTask, CallLeg, ConversationRecord
from telephony.context import TelephonyContext
from tests.helpers import PUBLIC_BASE_URL, FixedClock, Twilio
from tests.telephony.conftest import make_settings

# Outage tests need a server between the app and the database: PostgreSQL behind the proxy.
POSTGRES_ONLY = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)


def outage_settings(database_url: str, state_dir: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "state_dir": str(state_dir),
        "database_budget_seconds": 1.0,
        "database_probe_seconds": 0.2,
        "snapshot_refresh_seconds": 0.5,
        "sweep_interval_seconds": 3600,
    }
    values.update(overrides)
    return make_settings(database_url, **values)


@dataclass
class RunningApp:
    app: FastAPI
    client: TestClient
    twilio: Twilio

    @property
    def context(self) -> TelephonyContext:
        context: TelephonyContext = self.app.state.telephony
        return context


@contextmanager
def running_app(settings: Settings, clock: FixedClock, **kwargs: Any) -> Iterator[RunningApp]:
    app = create_app(settings, clock=clock, **kwargs)
    with TestClient(app, base_url=PUBLIC_BASE_URL) as client:
        yield RunningApp(app, client, Twilio(client))


def wait_until(check: Callable[[], bool], seconds: float = 15, what: str = "condition") -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def snapshot_read(context: TelephonyContext, shifts: int = 0) -> Callable[[], bool]:
    def check() -> bool:
        snapshot = context.snapshots.latest()
        return snapshot is not None and len(snapshot.shifts) >= shifts

    return check


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def rows(factory: sessionmaker[Session], call_sid: str) -> dict[str, Any]:
    """A call's record, legs and task as plain values, without ids or the CallSid."""
    with factory() as session:
        record = session.scalar(
            select(ConversationRecord).where(ConversationRecord.call_sid == call_sid)
        )
        assert record is not None, f"no record for {call_sid}"
        start = record.started_at

        def rel(value: Any) -> Any:
            return (value - start).total_seconds() if value is not None else None

        query = select(CallLeg).where(CallLeg.record_id == record.id)
        legs = session.scalars(query.order_by(CallLeg.step, CallLeg.number)).all()
        task = session.scalar(select(CallbackTask).where(CallbackTask.record_id == record.id))
        return {
            "line": record.line.key,
            "period": record.period,
            # Who each step rings (their order follows who waited longest: not compared).
            "plan": [
                (step["kind"], sorted(t["number"] for t in step["targets"]))
                for step in record.plan["steps"]
            ],
            "current_step": record.current_step,
            "status": record.status,
            "twilio_status": record.twilio_status,
            "accepted_worker_id": record.accepted_worker_id,
            "answered_step": record.answered_step,
            "answered_at": rel(record.answered_at),
            "ended_at": rel(record.ended_at),
            "duration": record.duration_seconds,
            "legs": [
                (leg.step, leg.number, leg.worker_id, leg.result, leg.accepted, rel(leg.offered_at))
                for leg in legs
            ],
            "task": (
                (task.reason, task.urgent, task.recording_url, task.status, rel(task.created_at))
                if task is not None
                else None
            ),
        }
