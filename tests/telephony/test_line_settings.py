"""A line's own greeting and fallback number (issue 11) on every path a call can take:
the snapshot file, TwiML without any state, the Twilio Function's data, and a process routing
from its snapshot while PostgreSQL refuses connections."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from models import Line
from routing import DEFAULT_LINES, RoutingLine
from telephony import snapshot_file, twiml
from telephony.config import TelephonyConfig
from telephony.fallback_function import greeting
from telephony.snapshot import RoutingSnapshot
from telephony.state import StateDir
from tests.faultproxy import fault_proxy
from tests.helpers import AUTH_TOKEN, FALLBACK_NUMBER, FixedClock, new_call_sid
from tests.telephony import twiml_reader
from tests.telephony.outage_support import (
    POSTGRES_ONLY,
    outage_settings,
    running_app,
    snapshot_read,
    wait_until,
)

NIGHT = datetime(2026, 1, 14, 23, 30, tzinfo=UTC)  # a Wednesday, out of hours
OWN_FALLBACK = "+441305224999"
OWN_GREETING = "Thank you for calling Dorset's duty line for professionals."
PROFESSIONALS = replace(DEFAULT_LINES[0], greeting=OWN_GREETING, fallback_number=OWN_FALLBACK)
CONFIG = TelephonyConfig(AUTH_TOKEN, "https://dutyline.example.org", FALLBACK_NUMBER)


def test_the_greeting_is_the_lines_own_then_always_999() -> None:
    standard = twiml.greeting_text("Children's Advice and Duty Service", DEFAULT_LINES[0])
    assert standard.startswith(
        "You have reached the Children's Advice and Duty Service, Professionals line. If a"
    )
    own = twiml.greeting_text("Children's Advice and Duty Service", PROFESSIONALS)
    assert own.startswith(OWN_GREETING + " If a child is in immediate danger")
    # The Twilio Function says exactly what the service says.
    for line in (DEFAULT_LINES[0], PROFESSIONALS):
        assert greeting("Children's Advice and Duty Service", line) == twiml.greeting_text(
            "Children's Advice and Duty Service", line
        )


def test_without_any_state_a_call_rings_the_lines_own_fallback() -> None:
    def dialled(line: RoutingLine) -> list[str]:
        root = ET.fromstring(str(twiml.without_database(CONFIG, line)))
        return [(n.text or "").strip() for n in root.iter("Number")]

    assert dialled(PROFESSIONALS) == [OWN_FALLBACK]
    assert dialled(DEFAULT_LINES[1]) == [FALLBACK_NUMBER]


def test_the_snapshot_file_keeps_a_lines_greeting_and_fallback_and_reads_older_files(
    tmp_path: Path,
) -> None:
    state = StateDir(tmp_path / "state")
    snapshot = RoutingSnapshot(
        version=2,
        window_start=NIGHT - timedelta(minutes=5),
        window_end=NIGHT + timedelta(hours=24),
        lines=(PROFESSIONALS, DEFAULT_LINES[1]),
        line_ids={"professional": 1, "public": 2},
        overrides=(),
        shifts=(),
        duty_workers={},
        refreshed_at=NIGHT,
    )
    snapshot_file.save(state, snapshot)
    assert snapshot_file.load(state) == snapshot
    # A file written before lines had them: the service's greeting and fallback number.
    path = state.path / snapshot_file.FILE_NAME
    data = json.loads(path.read_text())
    for line in data["lines"]:
        del line["greeting"], line["fallback_number"]
    path.write_text(json.dumps(data))
    loaded = snapshot_file.load(state)
    assert loaded is not None and loaded.lines[0] == DEFAULT_LINES[0]


@POSTGRES_ONLY
def test_routed_from_the_snapshot_a_call_hears_the_lines_greeting_and_rings_its_fallback(
    database_url: str, session_factory: sessionmaker[Session], tmp_path: Path
) -> None:
    with session_factory.begin() as session:
        line = session.scalar(select(Line).where(Line.key == "professional"))
        assert line is not None
        line.greeting, line.fallback_number = OWN_GREETING, OWN_FALLBACK
    clock = FixedClock(NIGHT)
    with fault_proxy(database_url) as proxy:
        settings = outage_settings(proxy.url_for(database_url), tmp_path)
        with running_app(settings, clock) as running:
            wait_until(snapshot_read(running.context), what="the snapshot")
            proxy.set_mode("refuse")
            answer = twiml_reader.parse(running.twilio.incoming(new_call_sid()))
            assert twiml_reader.said(answer).startswith(OWN_GREETING)
            dialled = twiml_reader.dial(answer)
            assert dialled is not None and dialled.numbers == [OWN_FALLBACK]
            proxy.set_mode("pass")
            wait_until(lambda: running.context.journal.backlog() == 0, what="the replay")
