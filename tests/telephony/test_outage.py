"""The call path when PostgreSQL refuses or stalls: callers reach people, nothing is lost.

The real app, on a real PostgreSQL behind tests.faultproxy. Arranging and checking go
straight to the database (``session_factory``), never through the proxy.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from app.main import call_path
from models import AppliedJournalEntry, CallbackTask, ConversationRecord, Worker
from telephony.background import refresh_snapshot
from telephony.replay import replay
from tests.faultproxy import FaultProxy, fault_proxy
from tests.helpers import (
    FALLBACK_NUMBER,
    FixedClock,
    Twilio,
    add_shift,
    add_worker,
    new_call_sid,
    stored_record,
)
from tests.telephony import twiml_reader
from tests.telephony.outage_support import (
    POSTGRES_ONLY,
    RunningApp,
    outage_settings,
    rows,
    running_app,
    sample,
    snapshot_read,
    wait_until,
)

pytestmark = POSTGRES_ONLY

DAY = datetime(2026, 1, 14, 12, 0, tzinfo=UTC)  # a Wednesday, in hours
NIGHT = datetime(2026, 1, 14, 23, 30, tzinfo=UTC)  # out of hours
ADA, BEN = "+447700900001", "+447700900002"
PRIMARY, BACKUP = "+447700900011", "+447700900012"


def _night_rota(factory: sessionmaker[Session]) -> tuple[int, int]:
    primary = add_worker(factory, "Pat Primary", PRIMARY, available=False)
    backup = add_worker(factory, "Bo Backup", BACKUP, available=False)
    add_shift(factory, primary, "primary", NIGHT - timedelta(hours=2), NIGHT + timedelta(hours=8))
    add_shift(factory, backup, "backup", NIGHT - timedelta(hours=2), NIGHT + timedelta(hours=8))
    return primary, backup


def _no_answer(twilio: Twilio, dialled: twiml_reader.Dialled, call_sid: str) -> str:
    params = {"CallSid": call_sid, "DialCallStatus": "no-answer", "DialBridged": "false"}
    return twilio.post_url(dialled.action, params).text


def test_refused_out_of_hours_rings_primary_then_backup_then_fallback_then_a_message(
    database_url: str, session_factory: sessionmaker[Session], tmp_path: Path
) -> None:
    clock = FixedClock(NIGHT)
    _night_rota(session_factory)
    with (
        fault_proxy(database_url) as proxy,
        running_app(outage_settings(proxy.url_for(database_url), tmp_path), clock) as running,
    ):
        wait_until(snapshot_read(running.context, shifts=2), what="the snapshot")
        proxy.set_mode("refuse")
        routed = sample("dutyline_calls_routed_from_snapshot_total", line="professional")
        twilio, call_sid = running.twilio, new_call_sid()

        first = twiml_reader.dial(twiml_reader.parse(twilio.incoming(call_sid)))
        assert first is not None and first.numbers == [PRIMARY]
        assert first.whisper_urls[0] is not None  # the on-call worker still presses 1
        assert (
            sample("dutyline_calls_routed_from_snapshot_total", line="professional") == routed + 1
        )
        leg = twilio.post_url(
            first.status_callbacks[0] or "", {"CallSid": "CA" + "2" * 32, "CallStatus": "ringing"}
        )
        assert leg.status_code == 204  # journaled, so acknowledged
        clock.now = NIGHT + timedelta(seconds=25)
        second = twiml_reader.dial(
            twiml_reader.parse(
                twilio.post_url(
                    first.action,
                    {"CallSid": call_sid, "DialCallStatus": "no-answer", "DialBridged": "false"},
                )
            )
        )
        assert second is not None and second.numbers == [BACKUP]
        clock.now = NIGHT + timedelta(seconds=50)
        third = twiml_reader.dial(
            twiml_reader.parse(
                twilio.post_url(
                    second.action,
                    {"CallSid": call_sid, "DialCallStatus": "no-answer", "DialBridged": "false"},
                )
            )
        )
        assert third is not None and third.numbers == [FALLBACK_NUMBER]
        clock.now = NIGHT + timedelta(seconds=80)
        voicemails = sample("dutyline_fallbacks_total", reason="voicemail")
        message = twiml_reader.parse(
            twilio.post_url(
                third.action,
                {"CallSid": call_sid, "DialCallStatus": "busy", "DialBridged": "false"},
            )
        )
        assert twiml_reader.records_message(message)
        assert sample("dutyline_fallbacks_total", reason="voicemail") == voicemails + 1
        recording = "https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE1"
        clock.now = NIGHT + timedelta(seconds=140)
        thanks = twilio.post(
            "/twilio/voicemail",
            {"CallSid": call_sid, "RecordingUrl": recording, "RecordingDuration": "40"},
        )
        assert "Thank you" in twiml_reader.said(twiml_reader.parse(thanks))
        assert twilio.status(call_sid, "completed", duration=141).status_code == 204
        ready = running.client.get("/readyz")
        assert ready.status_code == 503 and ready.json()["journal_backlog"] == 7
        assert sample("dutyline_journal_backlog") == 7

        proxy.set_mode("pass")
        wait_until(lambda: running.context.journal.backlog() == 0, what="the replay")
        assert running.client.get("/readyz").json()["journal_backlog"] == 0
        assert sample("dutyline_journal_backlog") == 0

    record = stored_record(session_factory, call_sid)
    assert (record.period, record.status, record.current_step) == ("out_of_hours", "unanswered", 3)
    assert record.started_at == NIGHT
    assert record.ended_at == NIGHT + timedelta(seconds=140)
    assert record.duration_seconds == 141
    assert "routed from the snapshot" in record.period_reason
    with session_factory() as session:
        task = session.scalar(select(CallbackTask).where(CallbackTask.record_id == record.id))
        assert task is not None
        assert (task.reason, task.urgent, task.recording_url) == ("voicemail", True, recording)
        assert [leg.number for leg in record.legs] == [PRIMARY]


def _answered_call(twilio: Twilio, clock: FixedClock, start: datetime, ben: int) -> str:
    """Ada and Ben are rung; Ben presses 1, then Ada does too; Ben talks for 5 minutes."""
    call_sid = new_call_sid()
    clock.now = start
    dialled = twiml_reader.dial(twiml_reader.parse(twilio.incoming(call_sid)))
    assert dialled is not None and sorted(dialled.numbers) == [ADA, BEN]
    legs = {number: index for index, number in enumerate(dialled.numbers)}
    clock.now = start + timedelta(seconds=1)
    for number in (ADA, BEN):
        callback = dialled.status_callbacks[legs[number]] or ""
        leg_sid = "CA" + number[-1] * 32
        assert (
            twilio.post_url(callback, {"CallSid": leg_sid, "CallStatus": "ringing"}).status_code
            == 204
        )
    presses = []
    for offset, number in ((5, BEN), (7, ADA)):
        clock.now = start + timedelta(seconds=offset)
        whisper = twiml_reader.parse(
            twilio.post_url(dialled.whisper_urls[legs[number]] or "", {"CallSid": "CA" + "9" * 32})
        )
        assert "Professionals line call. Press 1" in twiml_reader.said(whisper)
        gather = whisper.find("Gather")
        assert gather is not None
        clock.now = start + timedelta(seconds=offset + 2)
        presses.append(
            twilio.post_url(gather.get("action", ""), {"CallSid": "CA" + "9" * 32, "Digits": "1"})
        )
    assert "Connecting you" in presses[0].text
    assert "already answered" in presses[1].text  # exactly one of them gets the caller
    clock.now = start + timedelta(seconds=10)
    callback = dialled.status_callbacks[legs[ADA]] or ""
    assert (
        twilio.post_url(
            callback, {"CallSid": "CA" + "1" * 32, "CallStatus": "completed"}
        ).status_code
        == 204
    )
    clock.now = start + timedelta(seconds=310)
    after = twilio.post_url(
        dialled.action,
        {
            "CallSid": call_sid,
            "DialCallStatus": "completed",
            "DialBridged": "true",
            "DialCallDuration": "300",
        },
    )
    assert twiml_reader.parse(after).find("Hangup") is not None  # never sent onward
    clock.now = start + timedelta(seconds=311)
    assert twilio.status(call_sid, "completed", duration=311).status_code == 204
    return call_sid


def test_an_answered_call_during_an_outage_is_recorded_as_if_the_database_never_left(
    database_url: str, session_factory: sessionmaker[Session], tmp_path: Path
) -> None:
    clock = FixedClock(DAY)
    add_worker(session_factory, "Ada", ADA)
    ben = add_worker(session_factory, "Ben", BEN)
    with (
        fault_proxy(database_url) as proxy,
        running_app(outage_settings(proxy.url_for(database_url), tmp_path), clock) as running,
    ):
        wait_until(snapshot_read(running.context), what="the snapshot")
        reference = _answered_call(running.twilio, clock, DAY, ben)  # the database up
        assert refresh_snapshot(running.context)
        proxy.set_mode("refuse")
        wait_until(lambda: not running.context.guard.reachable, what="the outage noticed")
        during = _answered_call(running.twilio, clock, DAY + timedelta(hours=1), ben)
        assert running.context.journal.backlog() > 0
        proxy.set_mode("pass")
        wait_until(lambda: running.context.journal.backlog() == 0, what="the replay")

    expected, replayed = rows(session_factory, reference), rows(session_factory, during)
    assert replayed == expected
    assert (replayed["status"], replayed["accepted_worker_id"]) == ("to_complete", ben)
    assert replayed["task"] is None
    with session_factory() as session:
        assert session.get(Worker, ben).busy_record_id is None  # free again after the call


def test_a_worker_who_picks_up_but_does_not_press_1_is_not_an_answer(
    database_url: str, session_factory: sessionmaker[Session], tmp_path: Path
) -> None:
    clock = FixedClock(DAY)
    add_worker(session_factory, "Ada", ADA)
    with (
        fault_proxy(database_url) as proxy,
        running_app(outage_settings(proxy.url_for(database_url), tmp_path), clock) as running,
    ):
        wait_until(snapshot_read(running.context), what="the snapshot")
        for mode in ("pass", "refuse"):
            proxy.set_mode(mode)
            call_sid = new_call_sid()
            dialled = twiml_reader.dial(twiml_reader.parse(running.twilio.incoming(call_sid)))
            assert dialled is not None and dialled.numbers == [ADA]
            # The whisper hung the leg up: Twilio says completed, but never bridged.
            for bridged in ({"DialBridged": "false"}, {}):
                after = running.twilio.post_url(
                    dialled.action, {"CallSid": call_sid, "DialCallStatus": "completed", **bridged}
                )
                root = twiml_reader.parse(after)
                if mode == "pass":  # in hours, the line's queue comes next (issue 12)...
                    assert twiml_reader.enqueued(root) is not None, mode
                    continue
                onward = twiml_reader.dial(root)  # ...skipped without the database
                assert onward is not None and onward.numbers == [FALLBACK_NUMBER], mode


def test_an_answered_call_is_hung_up_not_sent_onward_with_or_without_the_database(
    database_url: str, session_factory: sessionmaker[Session], tmp_path: Path
) -> None:
    clock = FixedClock(NIGHT)
    with (
        fault_proxy(database_url) as proxy,
        running_app(outage_settings(proxy.url_for(database_url), tmp_path), clock) as running,
    ):
        wait_until(snapshot_read(running.context), what="the snapshot")
        for mode in ("pass", "refuse"):
            proxy.set_mode(mode)
            call_sid = new_call_sid()
            # No rota: the fallback number, answered (no whisper there).
            dialled = twiml_reader.dial(twiml_reader.parse(running.twilio.incoming(call_sid)))
            assert dialled is not None and dialled.numbers == [FALLBACK_NUMBER]
            for form in (
                {"DialCallStatus": "completed", "DialBridged": "true", "DialCallDuration": "420"},
                {"DialCallStatus": "completed", "DialCallDuration": "420"},
            ):
                after = running.twilio.post_url(dialled.action, {"CallSid": call_sid, **form})
                assert twiml_reader.parse(after).find("Hangup") is not None, (mode, form)
                assert twiml_reader.dial(twiml_reader.parse(after)) is None
        # Twilio's own fallback path too.
        after = running.twilio.post(
            "/twilio/fallback-dial-result",
            {"CallSid": new_call_sid(), "DialCallStatus": "completed"},
        )
        assert twiml_reader.parse(after).find("Hangup") is not None


def test_a_process_started_during_an_outage_routes_from_the_snapshot_file(
    database_url: str, session_factory: sessionmaker[Session], tmp_path: Path
) -> None:
    clock = FixedClock(NIGHT)
    _night_rota(session_factory)
    with fault_proxy(database_url) as proxy:
        settings = outage_settings(proxy.url_for(database_url), tmp_path)
        with running_app(settings, clock) as first:
            wait_until(snapshot_read(first.context, shifts=2), what="the snapshot")
            wait_until(lambda: (tmp_path / "routing-snapshot.json").exists(), what="the file")
        assert (tmp_path / "routing-snapshot.json").stat().st_mode & 0o777 == 0o600
        assert tmp_path.stat().st_mode & 0o777 == 0o700
        proxy.set_mode("refuse")
        call_sid = new_call_sid()
        with running_app(settings, clock) as restarted:  # a new process, the database down
            dialled = twiml_reader.dial(twiml_reader.parse(restarted.twilio.incoming(call_sid)))
            assert dialled is not None and dialled.numbers == [PRIMARY]
            assert restarted.client.get("/readyz").json()["journal_backlog"] == 1
            proxy.set_mode("pass")
            wait_until(lambda: restarted.context.journal.backlog() == 0, what="the replay")
    record = stored_record(session_factory, call_sid)
    assert (record.period, record.plan["steps"][0]["targets"][0]["number"]) == (
        "out_of_hours",
        PRIMARY,
    )


def _outage_calls(running: RunningApp, proxy: FaultProxy, clock: FixedClock) -> list[str]:
    proxy.set_mode("refuse")
    sids = []
    for index in range(3):
        clock.now = NIGHT + timedelta(minutes=index)
        call_sid = new_call_sid()
        dialled = twiml_reader.dial(twiml_reader.parse(running.twilio.incoming(call_sid)))
        assert dialled is not None
        _no_answer(running.twilio, dialled, call_sid)
        assert running.twilio.status(call_sid, "completed", duration=30).status_code == 204
        sids.append(call_sid)
    return sids


def _everything(factory: sessionmaker[Session], sids: list[str]) -> list[object]:
    with factory() as session:
        counts = [
            session.scalar(select(func.count()).select_from(table))
            for table in (ConversationRecord, CallbackTask, AppliedJournalEntry)
        ]
    return [counts, *(rows(factory, sid) for sid in sids)]


def test_replaying_twice_or_from_two_processes_gives_the_same_rows(
    database_url: str, session_factory: sessionmaker[Session], tmp_path: Path
) -> None:
    clock = FixedClock(NIGHT)
    _night_rota(session_factory)
    with fault_proxy(database_url) as proxy:
        settings = outage_settings(
            proxy.url_for(database_url), tmp_path, database_probe_seconds=3600
        )
        with running_app(settings, clock) as running:
            wait_until(snapshot_read(running.context, shifts=2), what="the snapshot")
            sids = _outage_calls(running, proxy, clock)
            # The process stops during the outage, its journal left behind.
        proxy.set_mode("pass")
        journal = tmp_path / "journal"
        kept = {path.name: path.read_bytes() for path in journal.iterdir()}
        one, one_engine = call_path(settings, clock)
        two, two_engine = call_path(settings, clock)
        assert one.journal.backlog() == two.journal.backlog() == 9
        results = []
        threads = [
            threading.Thread(target=lambda c=c: results.append(replay(c, clock())))
            for c in (one, two)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sum(r.applied for r in results) == 9  # each entry once, between them
        assert not list(journal.iterdir())  # every entry applied: the files are tidied away
        first = _everything(session_factory, sids)

        for name, content in kept.items():  # the same journal, replayed once more
            (journal / name).write_bytes(content)
        again = replay(one, clock())
        assert (again.applied, again.already) == (0, 9)
        one_engine.dispose()
        two_engine.dispose()
    assert _everything(session_factory, sids) == first
    assert first[0] == [3, 3, 9]
    assert all(row["status"] == "unanswered" for row in first[1:])  # type: ignore[index]


def test_a_stalled_database_is_given_up_within_the_budget(
    database_url: str, session_factory: sessionmaker[Session], tmp_path: Path
) -> None:
    clock = FixedClock(DAY)
    add_worker(session_factory, "Ada", ADA)
    with (
        fault_proxy(database_url) as proxy,
        running_app(outage_settings(proxy.url_for(database_url), tmp_path), clock) as running,
    ):
        wait_until(snapshot_read(running.context), what="the snapshot")
        running.twilio.incoming(new_call_sid())  # a pooled connection, then the stall
        errors = sample("dutyline_database_errors_total", endpoint="voice")
        proxy.set_mode("stall")
        started = time.monotonic()
        dialled = twiml_reader.dial(twiml_reader.parse(running.twilio.incoming(new_call_sid())))
        elapsed = time.monotonic() - started
        assert dialled is not None and dialled.numbers == [ADA]  # the duty worker, all the same
        assert elapsed < 3, elapsed
        assert sample("dutyline_database_errors_total", endpoint="voice") == errors + 1
        started = time.monotonic()
        ready = running.client.get("/readyz")
        assert ready.status_code == 503 and time.monotonic() - started < 1.5
        assert running.client.get("/healthz").status_code == 200
        proxy.set_mode("pass")
        wait_until(lambda: running.client.get("/readyz").status_code == 200, what="readiness")
        wait_until(lambda: running.context.journal.backlog() == 0, what="the replay")
    assert len(_call_records(session_factory)) == 2


def _call_records(factory: sessionmaker[Session]) -> list[ConversationRecord]:
    with factory() as session:
        return list(session.scalars(select(ConversationRecord)))


def test_ready_reports_the_database_the_snapshot_age_and_the_backlog(
    database_url: str, tmp_path: Path
) -> None:
    clock = FixedClock(DAY)
    with fault_proxy(database_url) as proxy:
        settings = outage_settings(
            proxy.url_for(database_url), tmp_path, snapshot_refresh_seconds=3600
        )
        running_ctx = running_app(settings, clock)
        running = running_ctx.__enter__()
        wait_until(snapshot_read(running.context), what="the snapshot")
        clock.now = DAY + timedelta(seconds=20)
        ready = running.client.get("/readyz")
        assert ready.status_code == 200
        assert ready.json() == {
            "status": "ok",
            "database": "ok",
            "snapshot_age_seconds": 20,
            "journal_backlog": 0,
        }
        proxy.set_mode("refuse")
        ready = running.client.get("/readyz")
        assert ready.status_code == 503 and ready.json()["database"] == "unreachable"
        running_ctx.__exit__(None, None, None)


def test_two_workers_pressing_1_on_two_processes_during_an_outage_get_one_caller(
    database_url: str, session_factory: sessionmaker[Session], tmp_path: Path
) -> None:
    clock = FixedClock(DAY)
    add_worker(session_factory, "Ada", ADA)
    add_worker(session_factory, "Ben", BEN)
    with fault_proxy(database_url) as proxy:
        settings = outage_settings(proxy.url_for(database_url), tmp_path)
        with running_app(settings, clock) as one, running_app(settings, clock) as two:
            wait_until(snapshot_read(one.context), what="the snapshot")
            proxy.set_mode("refuse")
            call_sid = new_call_sid()
            dialled = twiml_reader.dial(twiml_reader.parse(one.twilio.incoming(call_sid)))
            assert dialled is not None and sorted(dialled.numbers) == [ADA, BEN]
            answers = []
            # Each leg's whisper and key press reach a different process than the call did.
            for running, index in ((two, 0), (one, 1)):
                whisper = twiml_reader.parse(
                    running.twilio.post_url(dialled.whisper_urls[index] or "", {"CallSid": "CA3"})
                )
                gather = whisper.find("Gather")
                assert gather is not None and "Professionals line" in twiml_reader.said(whisper)
                answers.append(
                    running.twilio.post_url(
                        gather.get("action", ""), {"CallSid": "CA3", "Digits": "1"}
                    ).text
                )
            assert "Connecting you" in answers[0]
            assert "already answered" in answers[1]
            after = one.twilio.post_url(
                dialled.action, {"CallSid": call_sid, "DialCallStatus": "completed"}
            )
            assert twiml_reader.parse(after).find("Hangup") is not None
            proxy.set_mode("pass")
            wait_until(
                lambda: one.context.journal.backlog() + two.context.journal.backlog() == 0,
                what="the replay",
            )
    record = stored_record(session_factory, call_sid)
    assert record.plan["steps"][0]["targets"][0]["number"] == dialled.numbers[0]
    assert record.answered_step == 0
    with session_factory() as session:
        winner = session.get(Worker, record.accepted_worker_id)
        assert winner is not None and winner.phone == dialled.numbers[0]
