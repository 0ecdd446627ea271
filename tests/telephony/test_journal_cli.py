"""`dutyline journal status` and `dutyline journal replay`, on a journal an outage left."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from app.cli import main
from tests.faultproxy import fault_proxy
from tests.helpers import AUTH_TOKEN, FixedClock, new_call_sid, stored_record
from tests.telephony.outage_support import (
    POSTGRES_ONLY,
    outage_settings,
    running_app,
    snapshot_read,
    wait_until,
)

pytestmark = POSTGRES_ONLY


def test_status_and_replay_from_the_command_line(
    database_url: str,
    session_factory: sessionmaker[Session],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    clock = FixedClock(datetime(2026, 1, 14, 23, 0, tzinfo=UTC))
    with fault_proxy(database_url) as proxy:
        url = proxy.url_for(database_url)
        settings = outage_settings(url, tmp_path, database_probe_seconds=3600)
        call_sid = new_call_sid()
        with running_app(settings, clock) as running:
            wait_until(snapshot_read(running.context), what="the snapshot")
            proxy.set_mode("refuse")
            running.twilio.incoming(call_sid)
            assert running.twilio.status(call_sid, "completed", duration=12).status_code == 204
        monkeypatch.setenv("DUTYLINE_DATABASE_URL", url)
        monkeypatch.setenv("DUTYLINE_STATE_DIR", str(tmp_path))
        monkeypatch.setenv("DUTYLINE_TWILIO_AUTH_TOKEN", AUTH_TOKEN)
        monkeypatch.setenv("DUTYLINE_DATABASE_BUDGET_SECONDS", "1")

        assert main(["journal", "status"]) == 0
        out = capsys.readouterr().out
        assert "database unreachable" in out and "waiting to be replayed: 2" in out
        assert main(["journal", "replay"]) == 1
        assert "database unreachable" in capsys.readouterr().err

        proxy.set_mode("pass")
        assert main(["journal", "status"]) == 0
        out = capsys.readouterr().out
        assert "waiting to be replayed: 2" in out and "call_started: 1" in out
        assert main(["journal", "replay"]) == 0
        assert "applied 2" in capsys.readouterr().out
        assert main(["journal", "status"]) == 0
        assert "waiting to be replayed: 0" in capsys.readouterr().out
    record = stored_record(session_factory, call_sid)
    assert (record.status, record.duration_seconds) == ("unanswered", 12)
