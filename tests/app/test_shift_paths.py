"""The three ways to write an on-call shift (the CLI, the API, CSV import) keep one rule set.

They used to differ (the CLI took 31 days and the past, unaudited, with no gap alert); now
each goes through `app.rota.service.create_shift`. Every case runs through each path, on a
real database (SQLite and PostgreSQL), and asserts the same outcome.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from app import cli_support
from app.cli import main
from models import AuditEvent, OnCallShift
from models.rota import GapAlert
from tests.helpers import ApiClient, FixedClock, add_worker

NOW = datetime(2026, 1, 14, 12, 0, tzinfo=UTC)
WORKER = "Path Worker"


def iso(value: datetime) -> str:
    return value.isoformat()


# One writer per path: (api, start, end) -> (stored, refusal message or "")
Writer = Callable[[ApiClient, datetime, datetime], tuple[bool, str]]


def by_cli(api: ApiClient, start: datetime, end: datetime) -> tuple[bool, str]:
    code = main(["oncall", "add", "--worker", WORKER, "--role", "primary",
                 "--start", iso(start), "--end", iso(end)])  # fmt: skip
    return code == 0, ""


def by_api(api: ApiClient, start: datetime, end: datetime) -> tuple[bool, str]:
    response = api.post(
        "/api/rota/shifts",
        json={"worker_id": 1, "role": "primary", "starts_at": iso(start), "ends_at": iso(end)},
    )
    if response.status_code == 201:
        return True, ""
    assert response.status_code == 422, response.text
    return False, response.json()["detail"][0]["msg"]


def by_csv(api: ApiClient, start: datetime, end: datetime) -> tuple[bool, str]:
    text = f"worker,role,start,end\r\n{WORKER},primary,{iso(start)},{iso(end)}\r\n"
    response = api.post("/api/rota/import", json={"csv": text})
    if response.status_code == 200:
        return True, ""
    assert response.status_code == 422, response.text
    return False, response.json()["refused"][0]["message"]


PATHS: dict[str, Writer] = {"cli": by_cli, "api": by_api, "csv": by_csv}


@pytest.fixture
def world(
    api: ApiClient,
    clock: FixedClock,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> ApiClient:
    """A signed-in coordinator, one worker, and the CLI on the same database and clock."""
    clock.now = NOW
    for name in list(os.environ):
        if name.startswith("DUTYLINE_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("DUTYLINE_DATABASE_URL", database_url)
    monkeypatch.setattr(cli_support, "now", lambda: NOW)
    assert add_worker(api.factory, WORKER, "+447700900150") == 1
    api.sign_in_as("coordinator")
    return api


def stored(api: ApiClient) -> int:
    with api.session() as session:
        return session.scalar(select(func.count()).select_from(OnCallShift)) or 0


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize(
    ("start", "length", "message"),
    [
        (NOW + timedelta(days=1), timedelta(days=20), "at most 14 days"),
        (NOW + timedelta(days=1), timedelta(days=14, minutes=1), "at most 14 days"),
        (NOW - timedelta(days=1), timedelta(hours=10), "the past is not rewritten"),
        (NOW + timedelta(days=1), timedelta(0), "the end must be after the start"),
    ],
    ids=["20 days", "14 days and a minute", "started yesterday", "no time"],
)
def test_every_path_refuses_alike(
    world: ApiClient,
    capsys: pytest.CaptureFixture[str],
    path: str,
    start: datetime,
    length: timedelta,
    message: str,
) -> None:
    ok, said = PATHS[path](world, start, start + length)
    if path == "cli":
        said = capsys.readouterr().err
    assert not ok
    assert message in said
    assert stored(world) == 0
    with world.session() as session:
        shift_events = select(func.count()).where(AuditEvent.entity_type == "oncall_shift")
        assert session.scalar(shift_events) == 0


def _audit_of_the_shift(api: ApiClient) -> tuple[AuditEvent, OnCallShift]:
    with api.session() as session:
        shift = session.scalars(select(OnCallShift)).one()
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.entity_type == "oncall_shift")
        ).one()
        session.expunge_all()
    return event, shift


@pytest.mark.parametrize("path", PATHS)
def test_every_path_accepts_14_days_audits_alike_and_checks_gaps(
    world: ApiClient, path: str
) -> None:
    start = NOW + timedelta(hours=10)  # tonight: the backup's gap starts within 72 hours
    ok, said = PATHS[path](world, start, start + timedelta(days=14))
    assert ok, said
    event, shift = _audit_of_the_shift(world)
    expected: dict[str, Any] = {
        "worker_id": {"old": None, "new": 1},
        "role": {"old": None, "new": "primary"},
        "starts_at": {"old": None, "new": start.isoformat()},
        "ends_at": {"old": None, "new": (start + timedelta(days=14)).isoformat()},
        "source": {"old": None, "new": "import" if path == "csv" else "manual"},
    }
    assert event.changes == expected
    assert event.entity_id == str(shift.id)
    assert event.action == ("rota.shift.import" if path == "csv" else "rota.shift.create")
    # The API's caller is the coordinator; the command line acts as no account.
    assert (event.actor_user_id is None) == (path == "cli")
    with world.session() as session:
        alerted = session.scalars(select(GapAlert.role)).all()
    assert "backup" in alerted
