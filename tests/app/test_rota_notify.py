"""Gap alerts: the notifier implementations, and `dutyline rota check-gaps` alerting once."""

from __future__ import annotations

import logging
import os
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from app.cli import main
from app.notify import LogNotifier, SmsNotifier, gap_message, notifier_from_settings
from app.settings import Settings
from models import utcnow
from routing.oncall import OnCallRole
from routing.rota import Gap
from tests.helpers import AUTH_TOKEN, add_shift, add_worker

GAP = Gap(
    OnCallRole.PRIMARY,
    datetime(2026, 3, 28, 22, tzinfo=UTC),
    datetime(2026, 3, 29, 8, tzinfo=UTC),
    ("professional", "public"),
)


class FakeMessages:
    def __init__(self, fail: bool = False) -> None:
        self.created: list[dict[str, Any]] = []
        self.fail = fail

    def create(self, **kwargs: Any) -> None:
        if self.fail:
            raise RuntimeError("Twilio is down")
        self.created.append(kwargs)


class FakeTwilioClient:
    def __init__(self, fail: bool = False) -> None:
        self.messages = FakeMessages(fail)


def test_gap_message_says_when_in_local_time_and_names_nobody() -> None:
    assert gap_message(GAP) == (
        "Dutyline rota gap: no primary on call from Sat 28 Mar 22:00 GMT to Sun 29 Mar 09:00 BST "
        "(professional, public). Please arrange cover."
    )


def test_sms_notifier_sends_through_the_client_and_survives_its_failure(
    caplog: pytest.LogCaptureFixture,
) -> None:
    client = FakeTwilioClient()
    SmsNotifier(client, "+441305224000", "+447700900111").send("hello")
    assert client.messages.created == [
        {"body": "hello", "from_": "+441305224000", "to": "+447700900111"}
    ]
    broken = FakeTwilioClient(fail=True)
    with caplog.at_level(logging.INFO, logger="dutyline"):
        SmsNotifier(broken, "+441305224000", "+447700900111").send("hello")
    assert "not sent" in caplog.text and "+4477" not in caplog.text


def test_settings_choose_sms_only_when_fully_configured() -> None:
    base: dict[str, Any] = {"twilio_auth_token": AUTH_TOKEN}
    assert isinstance(notifier_from_settings(Settings(**base)), LogNotifier)
    full = Settings(
        **base,
        twilio_account_sid="AC" + "1" * 32,
        sms_from_number="01305 224000",
        rota_alert_to_number="07700 900111",
    )
    assert full.rota_alert_to_number == "+447700900111"
    assert isinstance(notifier_from_settings(full), SmsNotifier)
    with pytest.raises(ValueError, match="not a valid phone number"):
        Settings(**base, rota_alert_to_number="12")


def test_check_gaps_from_cron_alerts_each_gap_once(
    monkeypatch: pytest.MonkeyPatch,
    database_url: str,
    session_factory: sessionmaker[Session],
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    for name in list(os.environ):
        if name.startswith("DUTYLINE_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("DUTYLINE_DATABASE_URL", database_url)
    worker = add_worker(session_factory, "Cron Worker", "+447700900155")
    now = utcnow()
    # Cover everything but the next 72 hours' backups: every backup gap is alerted.
    add_shift(session_factory, worker, "primary", now - timedelta(hours=1), now + timedelta(days=4))
    with caplog.at_level(logging.WARNING, logger="dutyline"):
        assert main(["rota", "check-gaps"]) == 0
    first = capsys.readouterr().out
    alerts = [r.getMessage() for r in caplog.records if "rota alert" in r.getMessage()]
    assert alerts and all("no backup" in a for a in alerts)
    assert f"{len(alerts)} new gap alert(s) sent" in first
    assert "Cron Worker" not in caplog.text and "+447700900155" not in caplog.text
    assert main(["rota", "check-gaps"]) == 0
    assert "0 new gap alert(s) sent" in capsys.readouterr().out
    assert main(["rota", "gaps", "--weeks", "1"]) == 0
    assert "gap: no backup" in capsys.readouterr().out


def test_rota_apply_from_the_cli(
    monkeypatch: pytest.MonkeyPatch,
    database_url: str,
    session_factory: sessionmaker[Session],
    capsys: pytest.CaptureFixture[str],
) -> None:
    from datetime import time

    from app.rota import rotations as rq
    from app.rota.service import RotaChange

    for name in list(os.environ):
        if name.startswith("DUTYLINE_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("DUTYLINE_DATABASE_URL", database_url)
    ids = [add_worker(session_factory, f"Cli Worker {i}", f"+44770090016{i}") for i in range(2)]
    with session_factory.begin() as session:
        fields = rq.RotationFields(
            name="cli",
            worker_ids=ids,
            handover_time=time(9),
            period="weekly",
            backup_offset=1,
            anchor_date=utcnow().date(),
        )
        rotation_id = rq.save_rotation(RotaChange(session, utcnow(), None), None, fields).id
    today = utcnow().date()
    days = ["--from", str(today + timedelta(days=1)), "--to", str(today + timedelta(days=7))]
    assert main(["rota", "apply", str(rotation_id), *days]) == 0
    created = capsys.readouterr().out
    assert created.startswith("created ") and not created.startswith("created 0,")
    assert main(["rota", "apply", str(rotation_id), *days]) == 0
    assert capsys.readouterr().out.startswith("created 0, updated 0, removed 0")
    assert main(["rota", "apply", "999", *days]) == 1
    assert "error: no rotation 999" in capsys.readouterr().err
