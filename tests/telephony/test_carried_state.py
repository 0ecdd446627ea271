"""What travels without the database: the signed ring plan, the snapshot file, the journal."""

from __future__ import annotations

import os
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

from routing import (
    DutyWorker,
    OnCallRole,
    Override,
    OverrideMode,
    Period,
    RingPlan,
    RingStep,
    RoutingLine,
    RoutingShift,
    ServiceHours,
    StepKind,
    Target,
)
from telephony import claims, plan_token, snapshot_file
from telephony.journal import Journal, read_file
from telephony.snapshot import RoutingSnapshot
from telephony.state import StateDir

NOW = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)  # the night the clocks go forward
TOKEN = "auth-token"
PLAN = RingPlan(
    "public",
    Period.OUT_OF_HOURS,
    (
        RingStep(StepKind.PRIMARY, (Target("+447700900011", 7, "Pat"),), 25),
        RingStep(StepKind.FALLBACK, (Target("+441305224666", None, "fallback"),), 30),
    ),
)


def test_the_ring_plan_reads_back_only_for_its_own_call_and_untampered() -> None:
    token = plan_token.sign(TOKEN, "CA1", PLAN, NOW)
    carried = plan_token.read(TOKEN, "CA1", token)
    assert carried is not None and carried.started_at == NOW
    assert [(s.kind, s.timeout_seconds) for s in carried.plan.steps] == [
        (StepKind.PRIMARY, 25),
        (StepKind.FALLBACK, 30),
    ]
    assert [(t.number, t.worker_id) for s in carried.plan.steps for t in s.targets] == [
        ("+447700900011", 7),
        ("+441305224666", None),
    ]
    payload, _, tag = token.partition(".")
    assert plan_token.read(TOKEN, "CA2", token) is None  # another call
    assert plan_token.read("other-token", "CA1", token) is None  # another key
    assert plan_token.read(TOKEN, "CA1", payload[:-2] + "AA." + tag) is None  # edited
    assert plan_token.read(TOKEN, "CA1", "garbage") is None
    assert len(token) < 300  # it rides in several URLs of every answer


def test_the_snapshot_file_gives_back_what_was_saved(tmp_path: Path) -> None:
    state = StateDir(tmp_path / "state")
    snapshot = RoutingSnapshot(
        version=4,
        window_start=NOW - timedelta(minutes=5),
        window_end=NOW + timedelta(hours=24),
        lines=(
            RoutingLine("public", "Public line", "+441305228866", ServiceHours(time(9), time(17))),
        ),
        line_ids={"public": 2},
        overrides=(Override(NOW, NOW + timedelta(hours=2), OverrideMode.OUT_OF_HOURS, None, "x"),),
        shifts=(
            RoutingShift(
                3, 7, "Pat", "+447700900011", OnCallRole.PRIMARY, NOW, NOW + timedelta(hours=9)
            ),
        ),
        duty_workers={
            "public": (DutyWorker(5, "Ada", "+447700900001", frozenset({"public"}), True, NOW),)
        },
        refreshed_at=NOW,
    )
    snapshot_file.save(state, snapshot)
    assert snapshot_file.load(state) == snapshot
    assert (state.path / snapshot_file.FILE_NAME).stat().st_mode & 0o777 == 0o600
    assert state.path.stat().st_mode & 0o777 == 0o700
    (state.path / snapshot_file.FILE_NAME).write_text("{not json")
    assert snapshot_file.load(state) is None  # said in the log; routing goes on without it


def test_a_journal_line_still_being_written_is_skipped_and_entries_survive_the_process(
    tmp_path: Path,
) -> None:
    state = StateDir(tmp_path)
    journal = Journal(state)
    first = journal.append("call_status", "CA1", NOW, status="completed", duration=3)
    assert journal.knows_call("CA1") and not journal.knows_call("CA2")
    path = journal.own_file
    assert path is not None and path.stat().st_mode & 0o777 == 0o600
    with open(path, "ab") as handle:
        handle.write(b'{"id": "half')  # a crash in the middle of a write
    assert [entry.id for entry in read_file(path)] == [first.id]
    journal.close()
    again = Journal(state)  # the next process finds it waiting
    assert again.backlog() == 1 and again.knows_call("CA1")
    again.applied({first.id})
    assert again.backlog() == 0 and not again.knows_call("CA1")


def test_only_one_leg_claims_the_caller(tmp_path: Path) -> None:
    folder = StateDir(tmp_path).subdir("claims")
    assert claims.claim(folder, "CA1", 0, 1) is claims.Claim.WON
    assert claims.claim(folder, "CA1", 0, 1) is claims.Claim.REPEAT  # Twilio retried
    assert claims.claim(folder, "CA1", 0, 0) is claims.Claim.LOST
    assert claims.taken(folder, "CA1") and not claims.taken(folder, "CA2")
    old = next(folder.iterdir())
    os.utime(old, (0, 0))
    assert claims.forget_older_than(folder, 3600) == 1
