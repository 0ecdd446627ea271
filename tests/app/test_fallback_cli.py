"""`dutyline fallback-function` on a real database: the rota as stored goes into the Function."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from app.cli import main
from routing import DEFAULT_LINES, Period, period_at
from tests.helpers import FALLBACK_NUMBER, add_shift, add_worker
from tests.telephony.test_fallback_function import call, run_node, what_was_rung

pytestmark = pytest.mark.database

Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run(
    monkeypatch: pytest.MonkeyPatch, database_url: str, capsys: pytest.CaptureFixture[str]
) -> Run:
    for name in list(os.environ):
        if name.startswith("DUTYLINE_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("DUTYLINE_DATABASE_URL", database_url)
    monkeypatch.setenv("DUTYLINE_FALLBACK_NUMBER", FALLBACK_NUMBER)

    def run(*argv: str) -> tuple[int, str, str]:
        code = main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    return run


def next_out_of_hours(line_index: int = 0) -> datetime:
    at = datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(hours=1)
    while period_at(at, DEFAULT_LINES[line_index]).period is not Period.OUT_OF_HOURS:
        at += timedelta(minutes=30)
    return at


def test_the_function_rings_the_stored_rota(
    run: Run, session_factory: sessionmaker[Session], tmp_path: Path
) -> None:
    at = next_out_of_hours()
    primary = add_worker(session_factory, "Ann Able", "+447700900701", ())
    backup = add_worker(session_factory, "Ben Bell", "+447700900702", ())
    add_shift(session_factory, primary, "primary", at - timedelta(hours=1), at + timedelta(hours=2))
    add_shift(session_factory, backup, "backup", at - timedelta(hours=1), at + timedelta(hours=2))
    output = tmp_path / "fallback.protected.js"
    code, out, err = run("fallback-function", "--days", "3", "--output", str(output))
    assert code == 0, err
    assert f"written to {output}" in out
    assert "nobody on call from" in out  # the rest of the 3 days has no cover: said
    assert stat.S_IMODE(output.stat().st_mode) == 0o600  # it holds workers' numbers
    (answers,) = run_node(output, [call(at, DEFAULT_LINES[0].number)])
    rung = [r.number for r in what_was_rung(answers, DEFAULT_LINES[0], at)]
    assert rung == ["+447700900701", "+447700900702", FALLBACK_NUMBER]


def test_without_output_it_prints_the_function(run: Run) -> None:
    code, out, err = run("fallback-function", "--days", "1")
    assert code == 0, err
    assert out.startswith("// Dutyline's last resort") and "exports.handler" in out
    assert "Twilio Function:" in err


@pytest.mark.parametrize("days", ["0", "32"])
def test_bad_days_are_refused_and_nothing_is_written(run: Run, tmp_path: Path, days: str) -> None:
    output = tmp_path / "fallback.js"
    code, out, err = run("fallback-function", "--days", days, "--output", str(output))
    assert code == 1 and "--days: between 1 and 31" in err
    assert not output.exists() and out == ""


def test_an_output_folder_that_does_not_exist_is_refused(run: Run, tmp_path: Path) -> None:
    code, _, err = run("fallback-function", "--output", str(tmp_path / "no" / "f.js"))
    assert code == 1 and "no such folder" in err
