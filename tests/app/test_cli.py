"""The `dutyline` command line, run in-process against a real, migrated database."""

from __future__ import annotations

import logging
import os
import socket
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

import migrations
import telephony.simulator
from app import cli, cli_support
from app.auth import password_matches
from app.cli import main
from app.demo import COVER_DAYS, DEMO_PASSWORD, cover_period, seed_demo
from app.rota import queries as rota_queries
from app.workers import queries
from models import (
    HoursOverride,
    OnCallShift,
    RoutingState,
    User,
    Worker,
    worker_lines,
)
from models.people import set_line_availability
from routing import DEFAULT_LINES, LONDON, OnCallRole, is_in_hours
from telephony.simulator import SimulationResult
from tests.servers import running_server

HEAD = migrations.head_revision()


@dataclass
class Result:
    code: int
    out: str
    err: str


Run = Callable[..., Result]


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


# The commands' clock: the start of 2026, so that the shifts these tests add are to come.
NOW = at(2026, 1, 1)


@pytest.fixture
def run(
    monkeypatch: pytest.MonkeyPatch, database_url: str, capsys: pytest.CaptureFixture[str]
) -> Run:
    for name in list(os.environ):
        if name.startswith("DUTYLINE_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("DUTYLINE_DATABASE_URL", database_url)
    monkeypatch.setattr(cli_support, "now", lambda: NOW)

    def run(*argv: str) -> Result:
        code = main(list(argv))
        out, err = capsys.readouterr()
        return Result(code, out, err)

    return run


def state(session_factory: sessionmaker[Session]) -> dict[str, Any]:
    """Everything the CLI can change, to show that a refused command changed nothing."""
    with session_factory() as s:
        return {
            "workers": s.execute(
                select(Worker.id, Worker.name, Worker.phone, Worker.available).order_by(Worker.id)
            ).all(),
            "worker_lines": s.execute(select(worker_lines).order_by(*worker_lines.c)).all(),
            "shifts": s.execute(
                select(
                    OnCallShift.id,
                    OnCallShift.worker_id,
                    OnCallShift.role,
                    OnCallShift.starts_at,
                    OnCallShift.ends_at,
                ).order_by(OnCallShift.id)
            ).all(),
            "overrides": s.execute(
                select(
                    HoursOverride.id,
                    HoursOverride.line_id,
                    HoursOverride.mode,
                    HoursOverride.starts_at,
                    HoursOverride.ends_at,
                    HoursOverride.reason,
                ).order_by(HoursOverride.id)
            ).all(),
            "version": s.scalar(select(RoutingState.version)),
        }


def workers(session_factory: sessionmaker[Session]) -> list[Worker]:
    with session_factory() as s:
        return list(queries.list_workers(s))


def shifts(session_factory: sessionmaker[Session]) -> list[OnCallShift]:
    with session_factory() as s:
        return list(s.scalars(select(OnCallShift).order_by(OnCallShift.id)))


def only_line(text: str) -> str:
    lines = text.splitlines()
    assert len(lines) == 1, text
    return lines[0]


# migrate


def test_migrate_a_new_database_and_again(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DUTYLINE_DATABASE_URL", f"sqlite:///{tmp_path / 'new.db'}")
    assert main(["migrate"]) == 0
    assert capsys.readouterr().out == f"database at revision {HEAD} (head)\n"
    assert main(["migrate"]) == 0
    assert HEAD in capsys.readouterr().out
    assert main(["workers", "list"]) == 0


def test_commands_refuse_an_unmigrated_database(run: Run, database_url: str) -> None:
    migrations.downgrade(database_url, "base")
    result = run("workers", "list")
    assert result.code == 1
    line = only_line(result.err)
    assert line.startswith("error: database not migrated: ")
    assert "run `dutyline migrate`" in line
    # Which database, without its password.
    shown = make_url(database_url).render_as_string(hide_password=True)
    assert shown in line
    password = make_url(database_url).password
    assert not password or str(password) not in line


def test_a_missing_sqlite_file_is_not_created_but_named(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in list(os.environ):
        if name.startswith("DUTYLINE_") and name != "DUTYLINE_STATE_DIR":
            monkeypatch.delenv(name)
    # Run from another folder, with the default database URL (a relative SQLite file).
    monkeypatch.chdir(tmp_path)
    for argv in (["workers", "list"], ["closures", "list"], ["oncall", "list"]):
        assert main(argv) == 1
        line = only_line(capsys.readouterr().err)
        assert line.startswith("error: database not migrated: sqlite:///./dutyline.db")
        assert str(tmp_path / "dutyline.db") in line
        assert "run `dutyline migrate`" in line
    assert not (tmp_path / "dutyline.db").exists()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "state") == []

    elsewhere = tmp_path / "elsewhere.db"
    monkeypatch.setenv("DUTYLINE_DATABASE_URL", f"sqlite:///{elsewhere}")
    assert main(["workers", "add", "--name", "Sam", "--phone", "07700900101",
                 "--lines", "public"]) == 1  # fmt: skip
    assert f"sqlite:///{elsewhere}" in only_line(capsys.readouterr().err)
    assert not elsewhere.exists()


# workers


def test_workers_add_list_and_availability(
    run: Run, session_factory: sessionmaker[Session], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    result = run("workers", "add", "--name", "Sam Okafor", "--phone", "07700 900101",
                 "--lines", "professional,public")  # fmt: skip
    assert result.code == 0
    sam_id = int(result.out)
    result = run("workers", "add", "--name", "Jo Whitfield", "--phone", "+447700900201",
                 "--lines", "none")  # fmt: skip
    jo_id = int(result.out)

    [jo, sam] = workers(session_factory)
    assert (sam.id, sam.name, sam.phone, sam.available) == (
        sam_id,
        "Sam Okafor",
        "+447700900101",
        False,
    )
    assert sorted(line.key for line in sam.lines) == ["professional", "public"]
    assert (jo.id, jo.lines) == (jo_id, [])

    result = run("workers", "availability", "sam OKAFOR", "available")
    assert result.code == 0
    assert result.out == f"Sam Okafor (id {sam_id}) is now available\n"
    assert run("workers", "availability", str(jo_id), "available").code == 0
    assert run("workers", "availability", str(jo_id), "offline").code == 0
    assert [(w.name, w.available) for w in workers(session_factory)] == [
        ("Jo Whitfield", False),
        ("Sam Okafor", True),
    ]

    listed = run("workers", "list").out.splitlines()
    assert listed[0].split() == ["id", "name", "phone", "lines", "availability", "last", "offered"]
    # Phones as staff read them (UK national format); E.164 stays in storage.
    assert listed[1].split() == [str(jo_id), "Jo", "Whitfield", "07700", "900201", "none", "(on",
                                 "call", "only)", "offline", "never"]  # fmt: skip
    assert listed[2].split() == [str(sam_id), "Sam", "Okafor", "07700", "900101",
                                 "professional,public", "available", "never"]  # fmt: skip
    # Phone numbers are command output, never log records.
    assert "900101" not in caplog.text
    assert "900201" not in caplog.text


def test_workers_list_shows_last_offered_in_london_time(
    run: Run, session_factory: sessionmaker[Session]
) -> None:
    run("workers", "add", "--name", "Sam Okafor", "--phone", "07700900101", "--lines", "public")
    with session_factory.begin() as s:
        worker = queries.find_worker(s, "Sam Okafor")
        assert worker is not None
        worker.last_offered_at = at(2026, 7, 1, 9, 30)
    assert "Wed 01 Jul 2026 10:30 BST" in run("workers", "list").out


def test_workers_list_shows_availability_per_line(
    run: Run, session_factory: sessionmaker[Session]
) -> None:
    run("workers", "add", "--name", "Sam Okafor", "--phone", "07700900101",
        "--lines", "professional,public")  # fmt: skip
    run("workers", "add", "--name", "Jo Whitfield", "--phone", "07700900201", "--lines", "none")
    run("workers", "availability", "Sam Okafor", "available")
    run("workers", "availability", "Jo Whitfield", "available")
    with session_factory.begin() as s:
        sam = queries.find_worker(s, "Sam Okafor")
        assert sam is not None
        public = queries.lines_by_key(s)["public"]
        set_line_availability(s, sam, False, [public.id])
        assert sam.available  # still on the professionals line
    listed = run("workers", "list").out.splitlines()
    [jo] = [row for row in listed if "Jo Whitfield" in row]
    [sam_row] = [row for row in listed if "Sam Okafor" in row]
    assert "professional available, public offline" in sam_row
    assert jo.split()[-2:] == ["available", "never"]


def test_workers_add_echoes_a_phone_number_it_cannot_read(run: Run) -> None:
    result = run("workers", "add", "--name", "New", "--phone", "0770 09", "--lines", "public")
    assert result.code == 1
    assert only_line(result.err) == "error: --phone: not a valid phone number: '0770 09'"


def test_workers_list_empty(run: Run) -> None:
    assert "no workers yet" in run("workers", "list").out


# oncall


def test_oncall_add_reads_local_time_across_the_clock_changes(
    run: Run, session_factory: sessionmaker[Session]
) -> None:
    run("workers", "add", "--name", "Jo Whitfield", "--phone", "07700900201", "--lines", "none")
    spring = run("oncall", "add", "--worker", "jo whitfield", "--role", "primary",
                 "--start", "2026-03-28T22:00", "--end", "2026-03-29T09:00")  # fmt: skip
    autumn = run("oncall", "add", "--worker", "Jo Whitfield", "--role", "backup",
                 "--start", "2026-10-24 22:00", "--end", "2026-10-25 09:00")  # fmt: skip
    assert (spring.code, autumn.code, spring.err, autumn.err) == (0, 0, "", "")
    stored = shifts(session_factory)
    assert [(s.id, s.role, s.starts_at, s.ends_at) for s in stored] == [
        (int(spring.out), "primary", at(2026, 3, 28, 22), at(2026, 3, 29, 8)),
        (int(autumn.out), "backup", at(2026, 10, 24, 21), at(2026, 10, 25, 9)),
    ]

    listed = run("oncall", "list", "--from", "2026-03-01", "--to", "2026-11-01").out
    rows = [line.split() for line in listed.splitlines()]
    assert rows[1] == ["id", "start", "end", "hours", "role", "worker"]
    assert rows[2] == [spring.out.strip(), "Sat", "28", "Mar", "2026", "22:00", "GMT",
                       "Sun", "29", "Mar", "2026", "09:00", "BST", "10.0", "primary", "Jo",
                       "Whitfield"]  # fmt: skip
    assert rows[3] == [autumn.out.strip(), "Sat", "24", "Oct", "2026", "22:00", "BST",
                       "Sun", "25", "Oct", "2026", "09:00", "GMT", "12.0", "backup", "Jo",
                       "Whitfield"]  # fmt: skip


def test_oncall_add_respects_an_offset(run: Run, session_factory: sessionmaker[Session]) -> None:
    run("workers", "add", "--name", "Jo Whitfield", "--phone", "07700900201", "--lines", "none")
    result = run("oncall", "add", "--worker", "1", "--role", "primary",
                 "--start", "2026-07-01T22:00+00:00", "--end", "2026-07-02T08:00Z")  # fmt: skip
    assert result.code == 0
    [shift] = shifts(session_factory)
    assert (shift.starts_at, shift.ends_at) == (at(2026, 7, 1, 22), at(2026, 7, 2, 8))


def test_oncall_add_takes_a_time_that_happens_twice_as_the_first_and_says_so(
    run: Run, session_factory: sessionmaker[Session]
) -> None:
    run("workers", "add", "--name", "Jo Whitfield", "--phone", "07700900201", "--lines", "none")
    result = run("oncall", "add", "--worker", "Jo Whitfield", "--role", "primary",
                 "--start", "2026-10-25T01:30", "--end", "2026-10-25T03:00")  # fmt: skip
    assert result.code == 0
    assert "happens twice" in only_line(result.err)
    assert result.err.startswith("note: ")
    assert shifts(session_factory)[0].starts_at == at(2026, 10, 25, 0, 30)  # BST, fold=0


def test_oncall_add_refuses_a_time_that_never_happens_as_csv_import_does(
    run: Run, session_factory: sessionmaker[Session]
) -> None:
    # 01:30 on the spring-forward night does not exist in London: one rule, routing.localtime.
    run("workers", "add", "--name", "Jo Whitfield", "--phone", "07700900201", "--lines", "none")
    result = run("oncall", "add", "--worker", "Jo Whitfield", "--role", "primary",
                 "--start", "2026-03-29T01:30", "--end", "2026-03-29T04:00")  # fmt: skip
    assert result.code == 1
    line = only_line(result.err)
    assert line.startswith("error: --start") and "does not exist" in line
    assert shifts(session_factory) == []


def test_help_explains_local_times_and_fold(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["oncall", "add", "--help"]) == 0
    assert "fold=0" in capsys.readouterr().out


def test_oncall_list_defaults_to_the_next_14_days_and_reports_gaps(run: Run) -> None:
    run("workers", "add", "--name", "Jo Whitfield", "--phone", "07700900201", "--lines", "none")
    now = NOW
    soon, later = now + timedelta(days=2), now + timedelta(days=20)
    for start in (soon, later):
        end = start + timedelta(hours=3)
        run("oncall", "add", "--worker", "Jo Whitfield", "--role", "primary",
            "--start", start.isoformat(), "--end", end.isoformat())  # fmt: skip
    listed = run("oncall", "list")
    assert listed.code == 0
    assert cli.format_local(soon) in listed.out
    assert cli.format_local(later) not in listed.out
    assert "with no primary on call" in listed.out
    assert "with no backup on call" in listed.out


def test_oncall_list_says_when_everything_is_covered(run: Run) -> None:
    run("workers", "add", "--name", "Jo Whitfield", "--phone", "07700900201", "--lines", "none")
    run("workers", "add", "--name", "Dan Mensah", "--phone", "07700900202", "--lines", "none")
    # Wednesday 14 Jan 2026, GMT: out of hours 22:00 to 08:00.
    for role, who in (("primary", "Jo Whitfield"), ("backup", "Dan Mensah")):
        run("oncall", "add", "--worker", who, "--role", role,
            "--start", "2026-01-14T21:00", "--end", "2026-01-15T09:00")  # fmt: skip
    listed = run("oncall", "list", "--from", "2026-01-14T12:00", "--to", "2026-01-15T12:00")
    assert "Every out-of-hours minute has a primary and a backup on call." in listed.out


# closures


def test_closures_add_and_list(run: Run, session_factory: sessionmaker[Session]) -> None:
    training = run("closures", "add", "--start", "2026-04-01T13:00", "--end", "2026-04-01T17:00",
                   "--mode", "out_of_hours", "--reason", "Training afternoon")  # fmt: skip
    outage = run("closures", "add", "--start", "2026-05-01T09:00Z", "--end", "2026-05-01T10:00Z",
                 "--mode", "in_hours", "--line", "public")  # fmt: skip
    assert (training.code, outage.code) == (0, 0)
    assert training.out == (
        "Closure added for all lines from Wed 1 Apr 2026 13:00 to Wed 1 Apr 2026 17:00 "
        "(calls go to the on-call workers). Reason: Training afternoon.\n"
    )
    assert outage.out == (
        "Opening added for the Public line from Fri 1 May 2026 10:00 to Fri 1 May 2026 11:00 "
        "(the duty team answers).\n"
    )
    rows = state(session_factory)["overrides"]
    assert [(r.mode, r.starts_at, r.ends_at, r.reason) for r in rows] == [
        ("out_of_hours", at(2026, 4, 1, 12), at(2026, 4, 1, 16), "Training afternoon"),
        ("in_hours", at(2026, 5, 1, 9), at(2026, 5, 1, 10), ""),
    ]
    assert rows[0].line_id is None and rows[1].line_id is not None

    listed = run("closures", "list").out.splitlines()
    assert listed[0].split() == ["id", "start", "end", "hours", "mode", "line", "reason"]
    assert "Wed 01 Apr 2026 13:00 BST" in listed[1]
    assert listed[1].split()[-5:] == ["4.0", "out_of_hours", "all", "Training", "afternoon"]
    assert listed[2].split()[-3:] == ["1.0", "in_hours", "public"]


def test_closures_list_empty(run: Run) -> None:
    assert run("closures", "list").out == "no closures or openings declared\n"


def test_closures_end_and_delete_by_the_apis_rules(
    run: Run, monkeypatch: pytest.MonkeyPatch, session_factory: sessionmaker[Session]
) -> None:
    run("closures", "add", "--start", "2026-01-01T00:00Z", "--end", "2026-01-01T04:00Z",
        "--mode", "out_of_hours", "--reason", "Outage")  # fmt: skip
    run("closures", "add", "--start", "2026-01-02T13:00", "--end", "2026-01-02T17:00",
        "--mode", "out_of_hours", "--reason", "Training")  # fmt: skip
    running, future = (row.id for row in state(session_factory)["overrides"])
    refused = run("closures", "delete", str(running))
    assert refused.code == 1 and "already started" in refused.err
    monkeypatch.setattr(cli_support, "now", lambda: NOW + timedelta(hours=1))
    assert run("closures", "end", str(running)).out == f"Closure {running} ended now.\n"
    assert run("closures", "delete", str(future)).code == 0
    rows = state(session_factory)["overrides"]
    assert [(r.id, r.ends_at) for r in rows] == [(running, NOW + timedelta(hours=1))]


# Bad input: one error line, the right exit status, nothing changed.

BAD_INPUT = [
    # workers add
    (["workers", "add", "--name", "sam okafor", "--phone", "07700900199", "--lines", "public"],
     1, "already exists"),
    (["workers", "add", "--name", "New", "--phone", "12345", "--lines", "public"],
     1, "not a valid phone number: '12345'"),
    (["workers", "add", "--name", "New", "--phone", "call me", "--lines", "public"],
     1, "not a valid phone number: 'call me'"),
    (["workers", "add", "--name", "New", "--phone", "07700900199", "--lines", "public,police"],
     1, "unknown line 'police'"),
    (["workers", "add", "--name", "New", "--phone", "07700900199", "--lines", ","],
     1, "--lines"),
    (["workers", "add", "--name", "New", "--phone", "07700900199"], 2, "--lines"),
    # workers availability
    (["workers", "availability", "Nobody", "available"], 1, "unknown worker 'Nobody'"),
    (["workers", "availability", "99", "available"], 1, "unknown worker '99'"),
    (["workers", "availability", "Sam Okafor", "busy"], 2, "invalid choice"),
    # oncall add
    (["oncall", "add", "--worker", "Nobody", "--role", "primary",
      "--start", "2026-01-14T22:00", "--end", "2026-01-15T08:00"], 1, "unknown worker"),
    (["oncall", "add", "--worker", "Sam Okafor", "--role", "boss",
      "--start", "2026-01-14T22:00", "--end", "2026-01-15T08:00"], 2, "invalid choice"),
    (["oncall", "add", "--worker", "Sam Okafor", "--role", "primary",
      "--start", "2026-01-15T08:00", "--end", "2026-01-14T22:00"], 1, "end must be after"),
    (["oncall", "add", "--worker", "Sam Okafor", "--role", "primary",
      "--start", "2026-01-15T08:00", "--end", "2026-01-15T08:00"], 1, "end must be after"),
    (["oncall", "add", "--worker", "Sam Okafor", "--role", "primary",
      "--start", "tonight", "--end", "2026-01-15T08:00"], 1, "not an ISO date"),
    (["oncall", "add", "--worker", "Sam Okafor", "--role", "primary",
      "--start", "2026-01-14T22:00"], 2, "--end"),
    (["oncall", "list", "--from", "2026-02-01", "--to", "2026-01-01"], 1, "--to must be after"),
    # closures add
    (["closures", "add", "--start", "2026-04-01T13:00", "--end", "2026-04-01T17:00",
      "--mode", "out_of_hours", "--line", "police"], 1, "unknown line 'police'"),
    (["closures", "add", "--start", "2026-04-01T13:00", "--end", "2026-04-01T17:00",
      "--mode", "closed"], 2, "invalid choice"),
    (["closures", "add", "--start", "2026-04-01T17:00", "--end", "2026-04-01T13:00",
      "--mode", "in_hours"], 1, "end must be after"),
    # simulate-call: refused before any call is placed
    (["simulate-call", "--to", "123", "--from", "07700900123"], 1, "--to: not a valid"),
    (["simulate-call", "--to", "01305228558", "--from", "x"], 1, "--from: not a valid"),
    (["simulate-call", "--to", "01305228558", "--from", "07700900123", "--answer-by", "Nobody"],
     1, "neither a phone number, a worker nor a username: 'Nobody'"),
    (["simulate-call", "--to", "01305228558", "--from", "07700900123", "--answer-by", "Sam",
      "--nobody-answers"], 2, "not allowed with"),
    (["simulate-call", "--to", "01305228558", "--from", "07700900123", "--leave-message"],
     2, "--leave-message: only with --nobody-answers"),
    (["simulate-call", "--to", "01305228558", "--from", "07700900123", "--answer-by", "Sam",
      "--leave-message"], 2, "--leave-message: only with --nobody-answers"),
    # usage
    ([], 2, "required"),
    (["workers"], 2, "required"),
    (["rota"], 2, "required"),
    (["rota", "shuffle"], 2, "invalid choice"),
    (["rota", "apply", "1", "--from", "2026-01-14", "--to", "someday"], 2, "invalid"),
]  # fmt: skip


@pytest.mark.parametrize(("argv", "code", "message"), BAD_INPUT)
def test_bad_input_is_refused_with_one_line_and_changes_nothing(
    run: Run, session_factory: sessionmaker[Session], argv: list[str], code: int, message: str
) -> None:
    run("workers", "add", "--name", "Sam Okafor", "--phone", "07700900101", "--lines", "public")
    run("oncall", "add", "--worker", "Sam Okafor", "--role", "primary",
        "--start", "2026-01-13T22:00", "--end", "2026-01-14T08:00")  # fmt: skip
    before = state(session_factory)
    result = run(*argv)
    assert result.code == code
    line = only_line(result.err)
    assert line.startswith("error: ")
    assert message in line
    assert "Traceback" not in result.err
    assert state(session_factory) == before


def test_a_database_that_cannot_be_reached_is_one_error_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A folder where the file should be: there, but not a database SQLite can open.
    monkeypatch.setenv("DUTYLINE_DATABASE_URL", f"sqlite:///{tmp_path}")
    assert main(["workers", "list"]) == 1
    assert only_line(capsys.readouterr().err).startswith("error: database: ")


def test_bad_settings_are_one_error_line(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DUTYLINE_PUBLIC_BASE_URL", "example.org")
    result = run("workers", "list")
    assert result.code == 1
    assert only_line(result.err).startswith("error: settings: DUTYLINE_PUBLIC_BASE_URL")


# serve


@pytest.fixture
def uvicorn_calls(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    import uvicorn

    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append({"app": app, **kw}))
    return calls


def test_serve_runs_uvicorn_with_the_settings(
    run: Run, uvicorn_calls: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DUTYLINE_LOG_LEVEL", "WARNING")
    assert run("serve", "--host", "0.0.0.0", "--port", "8123").code == 0
    assert uvicorn_calls == [
        {
            "app": "app.main:app",
            "host": "0.0.0.0",
            "port": 8123,
            "log_level": "warning",
            "access_log": False,
            "proxy_headers": False,
            "http": "httptools",
            "loop": "uvloop",
        }
    ]


def test_serve_checks_signatures_against_its_own_address_unless_told_otherwise(
    run: Run, uvicorn_calls: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    monkeypatch.delenv("DUTYLINE_PUBLIC_BASE_URL", raising=False)
    assert run("serve", "--host", "0.0.0.0", "--port", "8123").code == 0
    assert os.environ["DUTYLINE_PUBLIC_BASE_URL"] == "http://127.0.0.1:8123"
    monkeypatch.setenv("DUTYLINE_PUBLIC_BASE_URL", "https://dutyline.example.org")
    assert run("serve", "--port", "8124").code == 0
    assert os.environ["DUTYLINE_PUBLIC_BASE_URL"] == "https://dutyline.example.org"


def test_serve_migrates_sqlite_but_not_other_databases(
    run: Run, database_url: str, uvicorn_calls: list[dict[str, Any]]
) -> None:
    migrations.downgrade(database_url, "base")
    result = run("serve")
    if database_url.startswith("sqlite"):
        assert result.code == 0
        assert f"database migrated to revision {HEAD}" in result.out
        assert len(uvicorn_calls) == 1
    else:
        assert result.code == 1
        line = only_line(result.err)
        assert line.startswith("error: database not migrated: ")
        assert "run `dutyline migrate`" in line
        assert uvicorn_calls == []


def test_serve_demo_seeds_once_and_says_how_to_call(
    run: Run, session_factory: sessionmaker[Session], uvicorn_calls: list[dict[str, Any]]
) -> None:
    result = run("serve", "--demo")
    assert result.code == 0
    assert "Sam Okafor" in result.out and "07700 900101" in result.out
    assert "01305 228558 (+441305228558)" in result.out
    assert "01305 228866 (+441305228866)" in result.out
    assert (
        "  .venv/bin/dutyline simulate-call --url http://127.0.0.1:8000 "
        "--to 01305228558 --from 07700900123\n"
    ) in result.out
    assert f"password for all: {DEMO_PASSWORD}" in result.out
    assert "sam.okafor" in result.out and "coordinator" in result.out
    with session_factory() as session:
        sam = session.scalars(select(User).where(User.username == "sam.okafor")).one()
        assert sam.worker is not None and sam.worker.name == "Sam Okafor"
        assert password_matches(sam.password_hash, DEMO_PASSWORD)
    seeded = state(session_factory)
    assert len(seeded["workers"]) == 9
    assert all(w.available for w in seeded["workers"])

    again = run("serve", "--demo")
    assert "nothing seeded" in again.out
    assert state(session_factory) == seeded
    assert len(uvicorn_calls) == 2


def test_serve_demo_hint_has_the_real_port(run: Run, uvicorn_calls: list[dict[str, Any]]) -> None:
    result = run("serve", "--demo", "--port", "8123")
    assert result.code == 0
    assert (
        ".venv/bin/dutyline simulate-call --url http://127.0.0.1:8123 "
        "--to 01305228558 --from 07700900123"
    ) in result.out
    assert uvicorn_calls[-1]["port"] == 8123


# The demo seed


def test_demo_covers_every_out_of_hours_minute_of_eight_weeks(
    session_factory: sessionmaker[Session],
) -> None:
    # Crosses the spring clock change, Easter and the May bank holidays.
    now = at(2026, 3, 25, 15, 45)
    with session_factory.begin() as s:
        summary = seed_demo(s, now)
    start, end = cover_period(now)
    assert (summary.cover_start, summary.cover_end) == (start, end)
    assert start == datetime(2026, 3, 25, tzinfo=LONDON)
    assert end.astimezone(LONDON).date() - start.date() == timedelta(days=COVER_DAYS)
    lines = {w.lines for w in summary.workers if not w.on_call}
    assert {("professional",), ("public",), ("professional", "public")} <= lines
    assert 2 <= sum(w.on_call for w in summary.workers) <= 3

    with session_factory() as s:
        # Through the rota's write path, nothing before now is written; from now, no gap.
        assert rota_queries.rota_report(s, now, end).gaps == []
        all_shifts = rota_queries.list_shifts(s, start, end)
        assert len(all_shifts) == summary.shift_count
        assert len({s.worker.name for s in all_shifts}) == 3
        by_role = {
            role: sorted(
                (x.starts_at, x.ends_at, x.worker_id) for x in all_shifts if x.role == role
            )
            for role in OnCallRole
        }
    # Independently of the code under test: every 5 minutes, out of hours means a primary and
    # a different backup on call; never two of one role at once.
    line = DEFAULT_LINES[0]
    instant = now
    while instant < end:
        on = {
            role: [w for a, b, w in intervals if a <= instant < b]
            for role, intervals in by_role.items()
        }
        if is_in_hours(instant, line):
            assert on == {OnCallRole.PRIMARY: [], OnCallRole.BACKUP: []}, instant
        else:
            assert len(on[OnCallRole.PRIMARY]) == 1 and len(on[OnCallRole.BACKUP]) == 1, instant
            assert on[OnCallRole.PRIMARY] != on[OnCallRole.BACKUP]
        instant += timedelta(minutes=5)


def test_demo_seed_is_idempotent(session_factory: sessionmaker[Session]) -> None:
    with session_factory.begin() as s:
        first = seed_demo(s, at(2026, 1, 14, 12))
    before = state(session_factory)
    with session_factory.begin() as s:
        second = seed_demo(s, at(2026, 1, 21, 12))
    assert first.seeded and not second.seeded
    assert state(session_factory) == before


# simulate-call


@pytest.fixture
def simulated(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    calls: list[dict[str, Any]] = []

    def fake(**kwargs: Any) -> SimulationResult:
        calls.append(kwargs)
        answered = kwargs["answer_by"] if kwargs["answer_by"] != "first" else "+447700900101"
        return SimulationResult(
            call_sid="CA123",
            lines=["incoming call", "ringing +447700900101"],
            answered_by=answered,
            voicemail=answered is None and kwargs["leave_message"],
        )

    monkeypatch.setattr(telephony.simulator, "simulate_call", fake)
    return calls


def test_simulate_call_resolves_names_and_reports_who_answered(
    run: Run, monkeypatch: pytest.MonkeyPatch, simulated: list[dict[str, Any]]
) -> None:
    monkeypatch.setenv("DUTYLINE_PUBLIC_BASE_URL", "https://dutyline.example.org/")
    monkeypatch.setenv("DUTYLINE_TWILIO_AUTH_TOKEN", "token-for-tests")
    run("workers", "add", "--name", "Sam Okafor", "--phone", "07700900101", "--lines", "public")
    run("workers", "add", "--name", "Priya Shah", "--phone", "07700900102", "--lines", "public")

    result = run("simulate-call", "--to", "01305 228558", "--from", "07700900123")
    assert result.code == 0
    assert result.out.splitlines() == [
        "incoming call",
        "ringing +447700900101",
        "answered by Sam Okafor (+447700900101)",
    ]
    assert simulated[-1] == {
        "server_url": "http://127.0.0.1:8000",
        "public_base_url": "https://dutyline.example.org",
        "auth_token": "token-for-tests",
        "to": "+441305228558",
        "from_": "+447700900123",
        "answer_by": "first",
        "leave_message": False,
    }

    result = run("simulate-call", "--to", "01305228866", "--from", "07700900123",
                 "--answer-by", "priya shah", "--url", "http://localhost:9000/")  # fmt: skip
    assert simulated[-1]["answer_by"] == "+447700900102"
    assert simulated[-1]["server_url"] == "http://localhost:9000"
    assert result.out.splitlines()[-1] == "answered by Priya Shah (+447700900102)"

    run("simulate-call", "--to", "01305228866", "--from", "07700900123",
        "--answer-by", "07700 900555")  # fmt: skip
    assert simulated[-1]["answer_by"] == "+447700900555"

    result = run("simulate-call", "--to", "01305228866", "--from", "07700900123",
                 "--nobody-answers", "--leave-message")  # fmt: skip
    assert (simulated[-1]["answer_by"], simulated[-1]["leave_message"]) == (None, True)
    assert result.out.splitlines()[-1] == "nobody answered: callback task left"


def test_simulate_call_to_a_server_that_is_not_there(run: Run) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    result = run("simulate-call", "--to", "01305228558", "--from", "07700900123",
                 "--url", f"http://127.0.0.1:{port}")  # fmt: skip
    assert result.code == 1
    line = only_line(result.err)
    assert line.startswith(f"error: cannot reach the server at http://127.0.0.1:{port} ")
    assert "--url" in line
    assert result.out == ""


def test_simulate_call_help_names_the_caller_number(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate-call", "--help"]) == 0
    out = capsys.readouterr().out
    assert "--from NUMBER" in out
    assert "FROM_" not in out


def test_simulate_call_from_a_withheld_number(run: Run, simulated: list[dict[str, Any]]) -> None:
    result = run("simulate-call", "--to", "01305228558", "--from", "anonymous")
    assert result.code == 0, result.err
    assert simulated[-1]["from_"] == "anonymous"
    assert run("simulate-call", "--to", "01305228558", "--from", "Withheld").code == 0
    assert simulated[-1]["from_"] == "anonymous"


def test_simulate_call_answer_by_a_username(
    run: Run, session_factory: sessionmaker[Session], simulated: list[dict[str, Any]]
) -> None:
    run("workers", "add", "--name", "Priya Shah", "--phone", "07700900102", "--lines", "public")
    with session_factory.begin() as s:
        priya = queries.find_worker(s, "Priya Shah")
        s.add(User(username="priya.shah", display_name="Priya", password_hash="x", worker=priya))
        s.add(User(username="desk.manager", display_name="Manager", password_hash="x"))
    result = run("simulate-call", "--to", "01305228866", "--from", "07700900123",
                 "--answer-by", "Priya.Shah")  # fmt: skip
    assert result.code == 0, result.err
    assert simulated[-1]["answer_by"] == "+447700900102"
    assert result.out.splitlines()[-1] == "answered by Priya Shah (+447700900102)"

    result = run("simulate-call", "--to", "01305228866", "--from", "07700900123",
                 "--answer-by", "desk.manager")  # fmt: skip
    assert result.code == 1
    assert only_line(result.err) == (
        "error: --answer-by: the account 'desk.manager' is not linked to a worker"
    )


# One real server


@pytest.fixture
def live_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """`dutyline serve --demo` for real, with this process's settings matching it."""
    database_url = f"sqlite:///{tmp_path / 'demo.db'}"
    monkeypatch.setenv("DUTYLINE_DATABASE_URL", database_url)
    command = (str(Path(sys.executable).parent / "dutyline"), "serve", "--demo")
    with running_server(database_url, {}, tmp_path, command=command) as url:
        monkeypatch.setenv("DUTYLINE_PUBLIC_BASE_URL", url)
        yield url


def test_serve_demo_for_real_and_simulate_calls(
    live_server: str, capsys: pytest.CaptureFixture[str]
) -> None:
    url = live_server
    assert main(["simulate-call", "--to", "01305228558", "--from", "07700900123",
                 "--url", url]) == 0  # fmt: skip
    out = capsys.readouterr().out
    assert out.splitlines()[-1].startswith("answered by ")
    assert "(+4477009001" in out.splitlines()[-1] or "(+4477009002" in out.splitlines()[-1]

    assert main(["simulate-call", "--to", "01305228866", "--from", "07700900123",
                 "--url", url, "--nobody-answers", "--leave-message"]) == 0  # fmt: skip
    assert capsys.readouterr().out.splitlines()[-1] == "nobody answered: callback task left"
