"""The rota API through the real app on SQLite and PostgreSQL: each rule of issue 4."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.notify import FakeNotifier
from models import AuditEvent, OnCallShift
from routing import LONDON
from tests.helpers import FALLBACK_NUMBER, ApiClient, FixedClock, add_worker, new_call_sid
from tests.telephony import twiml_reader


def local(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=LONDON).astimezone(UTC)


def z(value: datetime) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def workers(api: ApiClient, n: int) -> list[int]:
    return [add_worker(api.factory, f"Rota Worker {i}", f"+4477009001{i:02d}") for i in range(n)]


def shift_count(api: ApiClient) -> int:
    with api.session() as session:
        return session.scalar(select(func.count()).select_from(OnCallShift)) or 0


def rotation(api: ApiClient, ids: list[int], **extra: object) -> int:
    body = {
        "name": "On call",
        "worker_ids": ids,
        "handover_time": "09:00",
        "period": "daily",
        "backup_offset": 1,
        "anchor_date": "2026-01-05",
        **extra,
    }
    response = api.post("/api/rota/rotations", json=body)
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def apply(api: ApiClient, rotation_id: int, first: str, last: str) -> dict[str, int]:
    response = api.post(
        f"/api/rota/rotations/{rotation_id}/apply", json={"from_date": first, "to_date": last}
    )
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def field_of(response: object) -> list[object]:
    body = response.json()  # type: ignore[attr-defined]
    return [d["loc"][-1] for d in body["detail"]]


@pytest.fixture
def coordinator(api: ApiClient) -> ApiClient:
    api.sign_in_as("coordinator")
    return api


def test_rotation_applied_for_8_weeks_leaves_no_gap_and_reapplying_adds_nothing(
    coordinator: ApiClient, clock: FixedClock
) -> None:
    api = coordinator
    rid = rotation(api, workers(api, 4))
    first = apply(api, rid, "2026-01-14", "2026-03-12")
    assert first["created"] > 100 and first["removed"] == 0
    count = shift_count(api)
    report = api.get("/api/rota/gaps").json()
    assert report["gaps"] == [] and report["conflicts"] == []
    again = apply(api, rid, "2026-01-14", "2026-03-12")
    assert again["created"] == 0 and again["updated"] == 0
    assert again["unchanged"] == first["created"]
    assert shift_count(api) == count
    # The shifts begin at tonight's close and nothing was made for the past.
    shifts = api.get("/api/rota/shifts", params={"from": "2026-01-14", "to": "2026-01-14"}).json()
    assert {s["starts_at"] for s in shifts} == {z(local(2026, 1, 14, 22))}


@pytest.mark.parametrize(
    ("now", "saturday", "hours"),
    [
        (datetime(2026, 3, 1, tzinfo=UTC), "2026-03-28", 10.0),
        (datetime(2026, 10, 1, tzinfo=UTC), "2026-10-24", 12.0),
    ],
)
def test_clock_change_nights_have_their_real_length(
    coordinator: ApiClient, clock: FixedClock, now: datetime, saturday: str, hours: float
) -> None:
    api = coordinator
    clock.now = now
    api.sign_in_as("coordinator")  # a session does not outlive a jump of months
    rid = rotation(api, workers(api, 3))
    sat = datetime.fromisoformat(saturday).date()
    apply(api, rid, saturday, str(sat + timedelta(days=1)))
    night = [
        s
        for s in api.get("/api/rota/shifts", params={"from": saturday, "to": saturday}).json()
        if s["starts_local"].startswith(f"{saturday}T22:00")
    ]
    assert len(night) == 2  # primary and backup
    for s in night:
        assert s["hours"] == hours
        assert s["ends_local"].startswith(f"{sat + timedelta(days=1)}T09:00")
    # By hand, in local time, the same.
    made = api.post(
        "/api/rota/shifts",
        json={
            "worker_id": night[0]["worker"]["id"],
            "role": "backup",
            "starts_at": f"{saturday}T22:00",
            "ends_at": f"{sat + timedelta(days=1)}T09:00",
        },
    )
    assert made.status_code == 201, made.text
    assert made.json()["hours"] == hours


def test_bank_holiday_weekend_is_covered_like_a_weekend(coordinator: ApiClient) -> None:
    api = coordinator
    rid = rotation(api, workers(api, 3))
    apply(api, rid, "2026-04-02", "2026-04-07")  # Good Friday 3 April, Easter Monday 6 April
    primaries = [
        (s["starts_local"][:16], s["ends_local"][:16])
        for s in api.get(
            "/api/rota/shifts", params={"from": "2026-04-02", "to": "2026-04-07", "role": "primary"}
        ).json()
    ]
    assert ("2026-04-02T22:00", "2026-04-03T09:00") in primaries  # Good Friday opens at 09:00
    assert ("2026-04-05T22:00", "2026-04-06T09:00") in primaries  # and Easter Monday
    assert ("2026-04-06T22:00", "2026-04-07T08:00") in primaries  # Tuesday: weekday hours
    report = api.get("/api/rota/gaps", params={"weeks": 12}).json()
    assert not [g for g in report["gaps"] if "2026-04-02" <= g["starts_local"][:10] <= "2026-04-07"]
    grid = api.get("/api/rota/calendar", params={"view": "week", "date": "2026-04-06"}).json()
    monday = grid["days"][0]
    assert monday["date"] == "2026-04-06" and monday["bank_holiday"] == "Easter Monday"
    assert [w["ends_local"][11:16] for w in monday["windows"]] == ["09:00", "00:00"]


def test_deleting_a_shift_shows_its_gap_to_the_minute_and_calls_go_to_the_fallback(
    coordinator: ApiClient, clock: FixedClock
) -> None:
    api = coordinator
    rid = rotation(api, workers(api, 3))
    apply(api, rid, "2026-01-14", "2026-01-21")
    night = [
        s
        for s in api.get(
            "/api/rota/shifts", params={"from": "2026-01-16", "to": "2026-01-16"}
        ).json()
        if s["starts_local"].startswith("2026-01-16T22:00")
    ]
    for s in night:
        response = api.delete(f"/api/rota/shifts/{s['id']}")
        assert response.status_code == 200 and response.json() == {"deleted": True, "ended": None}
    gaps = api.get("/api/rota/gaps", params={"weeks": 1}).json()["gaps"]
    assert [(g["role"], g["starts_at"], g["ends_at"], g["minutes"]) for g in gaps] == [
        ("primary", z(local(2026, 1, 16, 22)), z(local(2026, 1, 17, 9)), 660),
        ("backup", z(local(2026, 1, 16, 22)), z(local(2026, 1, 17, 9)), 660),
    ]
    clock.now = local(2026, 1, 17, 2)
    root = twiml_reader.parse(api.twilio.incoming(new_call_sid()))
    dialled = twiml_reader.dial(root)
    assert dialled is not None and dialled.numbers == [FALLBACK_NUMBER]


def test_a_cover_rings_the_coverer_and_keeps_the_rotation(
    coordinator: ApiClient, clock: FixedClock
) -> None:
    api = coordinator
    ids = workers(api, 3)
    spare = add_worker(api.factory, "Spare Worker", "+447700900177")
    rid = rotation(api, ids)
    apply(api, rid, "2026-01-14", "2026-01-21")
    night = api.get("/api/rota/on-call", params={"at": "2026-01-15T02:00"}).json()
    sick = night["primary"][0]["worker"]["id"]
    response = api.post(
        "/api/rota/covers",
        json={
            "covering_worker_id": spare,
            "covered_worker_id": sick,
            "starts_at": "2026-01-15T00:00",
            "ends_at": "2026-01-15T04:00",
            "reason": "sickness",
        },
    )
    assert response.status_code == 201, response.text
    cover = response.json()
    assert cover["covering_worker"]["id"] == spare and len(cover["shift_ids"]) == 1
    # The rotation itself is unchanged; the shift was split in three.
    assert api.get(f"/api/rota/rotations/{rid}").json()["worker_ids"] == ids
    pieces = api.get(
        "/api/rota/shifts", params={"from": "2026-01-14", "to": "2026-01-15", "role": "primary"}
    ).json()
    assert [
        (p["worker"]["id"], p["starts_local"][11:16], p["ends_local"][11:16], p["source"])
        for p in pieces
        if p["starts_local"] < "2026-01-15T09"
    ] == [
        (sick, "22:00", "00:00", "rotation"),
        (spare, "00:00", "04:00", "cover"),
        (sick, "04:00", "08:00", "rotation"),
    ]
    assert api.get("/api/rota/gaps", params={"weeks": 1}).json()["gaps"] == []
    assert (
        api.get("/api/rota/on-call", params={"at": "2026-01-15T02:00"}).json()["primary"][0][
            "worker"
        ]["id"]
        == spare
    )
    clock.now = local(2026, 1, 15, 2)
    dialled = twiml_reader.dial(twiml_reader.parse(api.twilio.incoming(new_call_sid())))
    assert dialled is not None and dialled.numbers == ["+447700900177"]
    # Re-applying the rotation leaves the cover in place.
    clock.now = local(2026, 1, 14, 12)
    api.sign_in_as("coordinator")
    assert apply(api, rid, "2026-01-14", "2026-01-21")["created"] == 0
    assert (
        api.get("/api/rota/on-call", params={"at": "2026-01-15T02:00"}).json()["primary"][0][
            "worker"
        ]["id"]
        == spare
    )


def test_a_started_shift_is_ended_not_erased_and_a_past_one_is_kept(
    coordinator: ApiClient, clock: FixedClock
) -> None:
    api = coordinator
    a, b = workers(api, 2)
    made = api.post(
        "/api/rota/shifts",
        json={
            "worker_id": a,
            "role": "primary",
            "starts_at": "2026-01-14T22:00",
            "ends_at": "2026-01-15T08:00",
        },
    ).json()
    clock.now = local(2026, 1, 15, 1)
    api.sign_in_as("coordinator")
    edited = api.patch(f"/api/rota/shifts/{made['id']}", json={"worker_id": b})
    assert edited.status_code == 200, edited.text
    assert edited.json()["worker"]["id"] == b and edited.json()["starts_at"] == z(clock.now)
    original = api.get(f"/api/rota/shifts/{made['id']}").json()
    assert (original["worker"]["id"], original["ends_at"]) == (a, z(clock.now))
    moved = api.patch(
        f"/api/rota/shifts/{edited.json()['id']}", json={"starts_at": "2026-01-15T00:30"}
    )
    assert moved.status_code == 422 and field_of(moved) == ["starts_at"]
    clock.now = local(2026, 1, 15, 3)
    deleted = api.delete(f"/api/rota/shifts/{edited.json()['id']}").json()
    assert deleted["deleted"] is False and deleted["ended"]["ends_at"] == z(clock.now)
    assert api.delete(f"/api/rota/shifts/{made['id']}").status_code == 409
    assert shift_count(api) == 2


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"starts_at": "2026-01-15T08:00", "ends_at": "2026-01-14T22:00"}, "ends_at"),
        ({"starts_at": "2026-01-14T22:00", "ends_at": "2026-01-14T22:00"}, "ends_at"),
        ({"worker_id": 999999}, "worker_id"),
        ({"role": "tertiary"}, "role"),
        ({"starts_at": "2026-03-29T01:30", "ends_at": "2026-03-29T08:00"}, "starts_at"),
        ({"starts_at": "not a time"}, "starts_at"),
    ],
)
def test_invalid_shifts_are_refused_naming_the_field(
    coordinator: ApiClient, body: dict[str, object], field: str
) -> None:
    api = coordinator
    (worker,) = workers(api, 1)
    full = {
        "worker_id": worker,
        "role": "primary",
        "starts_at": "2026-01-14T22:00",
        "ends_at": "2026-01-15T08:00",
        **body,
    }
    response = api.post("/api/rota/shifts", json=full)
    assert response.status_code == 422, response.text
    assert field in field_of(response)
    assert shift_count(api) == 0


def test_rotation_with_nobody_or_unknown_workers_is_refused(coordinator: ApiClient) -> None:
    api = coordinator
    base = {"name": "x", "handover_time": "09:00", "period": "weekly"}
    for ids in ([], [999999], [1, 1]):
        response = api.post("/api/rota/rotations", json={**base, "worker_ids": ids})
        assert response.status_code == 422 and field_of(response) == ["worker_ids"], ids
    assert api.get("/api/rota/rotations").json() == []


def test_conflicts_overlap_no_phone_and_leave(coordinator: ApiClient) -> None:
    api = coordinator
    a, b = workers(api, 2)
    nophone = add_worker(api.factory, "No Phone", "12345")

    def shift(worker: int, role: str, start: str, end: str) -> None:
        r = api.post(
            "/api/rota/shifts",
            json={"worker_id": worker, "role": role, "starts_at": start, "ends_at": end},
        )
        assert r.status_code == 201, r.text

    shift(a, "primary", "2026-01-15T22:00", "2026-01-16T08:00")
    shift(a, "backup", "2026-01-16T06:00", "2026-01-16T08:00")
    shift(nophone, "backup", "2026-01-15T22:00", "2026-01-16T06:00")
    shift(b, "primary", "2026-01-16T22:00", "2026-01-17T09:00")
    leave = api.post(
        "/api/rota/leave",
        json={
            "worker_id": b,
            "starts_at": "2026-01-17T00:00",
            "ends_at": "2026-01-20T00:00",
            "reason": "leave",
        },
    )
    assert leave.status_code == 201, leave.text
    conflicts = api.get("/api/rota/gaps").json()["conflicts"]
    assert sorted((c["kind"], c["worker"]["id"], c["starts_local"][:16]) for c in conflicts) == [
        ("no_valid_phone", nophone, "2026-01-15T22:00"),
        ("on_leave", b, "2026-01-17T00:00"),
        ("overlap", a, "2026-01-16T06:00"),
    ]
    # The worker with no valid phone does not count as cover: their hours are a gap.
    gaps = api.get("/api/rota/gaps").json()["gaps"]
    assert ("backup", z(local(2026, 1, 15, 22)), z(local(2026, 1, 16, 6))) in [
        (g["role"], g["starts_at"], g["ends_at"]) for g in gaps
    ]


def test_swap_request_accept_and_history(api: ApiClient, clock: FixedClock) -> None:
    asker = api.sign_in_as("worker")
    taker = api.make_user("worker", worker_id=add_worker(api.factory, "Taker", "+447700900188"))
    other = api.make_user("worker", worker_id=add_worker(api.factory, "Other", "+447700900189"))
    coord = api.make_user("coordinator")
    api.sign_in(coord.username)
    mine = api.post(
        "/api/rota/shifts",
        json={
            "worker_id": asker.worker_id,
            "role": "primary",
            "starts_at": "2026-01-16T22:00",
            "ends_at": "2026-01-17T09:00",
        },
    ).json()
    theirs = api.post(
        "/api/rota/shifts",
        json={
            "worker_id": taker.worker_id,
            "role": "backup",
            "starts_at": "2026-01-16T22:00",
            "ends_at": "2026-01-17T09:00",
        },
    ).json()
    api.sign_in(asker.username)
    assert api.post("/api/rota/swaps", json={"shift_id": theirs["id"]}).status_code == 403
    asked = api.post(
        "/api/rota/swaps",
        json={"shift_id": mine["id"], "with_worker_id": other.worker_id, "note": "wedding"},
    )
    assert asked.status_code == 201, asked.text
    swap_id = asked.json()["id"]
    api.sign_in(taker.username)
    assert api.post(f"/api/rota/swaps/{swap_id}/accept").status_code == 403
    api.sign_in(other.username)
    accepted = api.post(f"/api/rota/swaps/{swap_id}/accept")
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["status"] == "accepted"
    assert accepted.json()["shift"]["worker"]["id"] == other.worker_id
    assert [h["status"] for h in accepted.json()["history"]] == ["pending", "accepted"]
    assert api.post(f"/api/rota/swaps/{swap_id}/decline").status_code == 409
    assert [s["id"] for s in api.get("/api/rota/mine").json()] == [mine["id"]]
    api.sign_in(coord.username)
    history = api.get("/api/rota/swaps").json()
    assert [(s["id"], s["requested_by"]["id"], s["accepted_by"]["id"]) for s in history] == [
        (swap_id, asker.worker_id, other.worker_id)
    ]


def test_gaps_within_72_hours_alert_once(coordinator: ApiClient, clock: FixedClock) -> None:
    api = coordinator
    fake = FakeNotifier()
    api.app.state.notifier = fake
    rid = rotation(api, workers(api, 3))
    apply(api, rid, "2026-01-14", "2026-02-28")
    assert fake.sent == []
    far = next(
        s
        for s in api.get(
            "/api/rota/shifts", params={"from": "2026-02-10", "to": "2026-02-10"}
        ).json()
        if s["role"] == "primary"
    )
    api.delete(f"/api/rota/shifts/{far['id']}")
    assert fake.sent == []  # weeks away: shown in the report, no alert yet
    soon = next(
        s
        for s in api.get(
            "/api/rota/shifts", params={"from": "2026-01-15", "to": "2026-01-15"}
        ).json()
        if s["role"] == "backup" and s["starts_local"].startswith("2026-01-15T22")
    )
    api.delete(f"/api/rota/shifts/{soon['id']}")
    assert len(fake.sent) == 1
    assert "no backup on call from Thu 15 Jan 22:00 GMT" in fake.sent[0]
    assert "Rota Worker" not in fake.sent[0] and "+44" not in fake.sent[0]
    assert api.post("/api/rota/check-gaps").json() == {"alerted": []}
    clock.now = local(2026, 2, 8, 12)
    api.sign_in_as("coordinator")
    alerted = api.post("/api/rota/check-gaps").json()["alerted"]
    assert [a["role"] for a in alerted] == ["primary"] and len(fake.sent) == 2


def test_calendar_feed_has_stable_uids_and_can_be_revoked(
    api: ApiClient, clock: FixedClock
) -> None:
    me = api.sign_in_as("worker")
    own = api.post("/api/rota/feeds", json={"worker_id": me.worker_id})
    assert own.status_code == 201, own.text
    other = add_worker(api.factory, "Someone Else", "+447700900199")
    assert api.post("/api/rota/feeds", json={"worker_id": other}).status_code == 403
    assert api.post("/api/rota/feeds", json={}).json()["worker"]["id"] == me.worker_id
    admin = api.make_user("admin", "coordinator")
    api.sign_in(admin.username)
    shift = api.post(
        "/api/rota/shifts",
        json={
            "worker_id": me.worker_id,
            "role": "primary",
            "starts_at": "2026-01-16T22:00",
            "ends_at": "2026-01-17T09:00",
        },
    ).json()
    url = own.json()["url"]
    path = url.removeprefix("https://dutyline.example.org")
    api.sign_out()
    first = api.get(path)
    assert first.status_code == 200 and first.headers["content-type"].startswith("text/calendar")
    assert f"UID:shift-{shift['id']}@dutyline" in first.text and "SEQUENCE:0" in first.text
    assert "DTSTART:20260116T220000Z" in first.text
    api.sign_in(admin.username)
    api.patch(f"/api/rota/shifts/{shift['id']}", json={"ends_at": "2026-01-17T08:00"})
    api.sign_out()
    second = api.get(path).text
    assert second.count("BEGIN:VEVENT") == 1 and f"UID:shift-{shift['id']}@dutyline" in second
    assert "SEQUENCE:1" in second and "DTEND:20260117T080000Z" in second
    assert api.get("/api/rota/calendar/not-the-secret.ics").status_code == 404
    api.sign_in(admin.username)
    api.post(
        "/api/rota/shifts",
        json={
            "worker_id": other,
            "role": "backup",
            "starts_at": "2026-01-16T22:00",
            "ends_at": "2026-01-17T09:00",
        },
    )
    whole = api.post("/api/rota/feeds", json={"worker_id": None}).json()
    assert whole["worker"] is None
    assert (
        api.get(whole["url"].removeprefix("https://dutyline.example.org")).text.count(
            "BEGIN:VEVENT"
        )
        == 2
    )
    assert api.get(path).text.count("BEGIN:VEVENT") == 1  # the worker's own feed: theirs only
    assert api.delete(f"/api/rota/feeds/{own.json()['id']}").json()["revoked_at"] is not None
    api.sign_out()
    assert api.get(path).status_code == 404


def test_csv_export_and_all_or_nothing_import(coordinator: ApiClient) -> None:
    api = coordinator
    _a, _b = workers(api, 2)
    bad = (
        "worker,role,start,end\r\n"
        "Rota Worker 0,primary,2026-01-16T22:00,2026-01-17T09:00\r\n"
        "Nobody,primary,2026-01-17T22:00,2026-01-18T09:00\r\n"
        "Rota Worker 1,tertiary,2026-01-17T22:00,2026-01-17T20:00\r\n"
    )
    refused = api.post("/api/rota/import", json={"csv": bad})
    assert refused.status_code == 422
    assert [(r["row"], r["field"]) for r in refused.json()["refused"]] == [
        (3, "worker"),
        (4, "role"),
        (4, "end"),
    ]
    assert shift_count(api) == 0
    good = [*bad.split("\r\n")[0:2], "Rota Worker 1,backup,2026-03-28T22:00,2026-03-29T09:00"]
    imported = api.post("/api/rota/import", json={"csv": "\r\n".join(good)})
    assert imported.status_code == 200, imported.text
    assert imported.json()["imported"] == 2 and shift_count(api) == 2
    export = api.get("/api/rota/export.csv", params={"from": "2026-01-01", "to": "2026-03-31"})
    assert export.headers["content-type"].startswith("text/csv")
    lines = export.text.strip().split("\r\n")
    assert lines[0].startswith("shift_id,worker_id,worker,role,start_local")
    assert lines[2].endswith(",10.00,import")  # the clock-change night: 10 real hours
    with api.session() as session:
        actions = session.scalars(select(AuditEvent.action).where(AuditEvent.action.like("rota.%")))
        assert list(actions) == ["rota.shift.import", "rota.shift.import"]


def test_changes_are_audited_with_before_and_after(
    coordinator: ApiClient, clock: FixedClock
) -> None:
    api = coordinator
    a, b = workers(api, 2)
    shift = api.post(
        "/api/rota/shifts",
        json={
            "worker_id": a,
            "role": "primary",
            "starts_at": "2026-01-16T22:00",
            "ends_at": "2026-01-17T09:00",
        },
    ).json()
    api.patch(f"/api/rota/shifts/{shift['id']}", json={"worker_id": b})
    with api.session() as session:
        events = list(
            session.scalars(
                select(AuditEvent)
                .where(AuditEvent.entity_type == "oncall_shift")
                .order_by(AuditEvent.id)
            )
        )
    assert [e.action for e in events] == ["rota.shift.create", "rota.shift.update"]
    assert events[1].changes == {"worker_id": {"old": a, "new": b}}
    assert events[1].actor_user_id is not None and events[1].at == clock.now


def test_who_may_do_what(api: ApiClient) -> None:
    (worker,) = workers(api, 1)
    api.sign_in_as("manager")
    assert api.get("/api/rota/gaps").status_code == 200
    assert (
        api.get("/api/rota/calendar", params={"view": "month", "date": "2026-02-10"}).json()["to"]
        == "2026-02-28"
    )
    body = {
        "worker_id": worker,
        "role": "primary",
        "starts_at": "2026-01-16T22:00",
        "ends_at": "2026-01-17T09:00",
    }
    assert api.post("/api/rota/shifts", json=body).status_code == 403
    api.sign_in_as("worker")
    assert api.get("/api/rota/gaps").status_code == 403
    assert api.get("/api/rota/mine").json() == []
    api.sign_out()
    assert api.get("/api/rota/shifts").status_code == 401


def test_changing_and_reapplying_a_rotation_updates_its_future_shifts_only(
    coordinator: ApiClient, clock: FixedClock
) -> None:
    api = coordinator
    a, b, c = workers(api, 3)
    rid = rotation(api, [a, b])
    made = apply(api, rid, "2026-01-14", "2026-01-20")
    clock.now = local(2026, 1, 15, 3)  # during Wednesday night's shift
    api.sign_in_as("coordinator")
    changed = api.patch(f"/api/rota/rotations/{rid}", json={"worker_ids": [c, a]})
    assert changed.status_code == 200 and changed.json()["worker_ids"] == [c, a]
    again = apply(api, rid, "2026-01-14", "2026-01-20")
    assert again["created"] == 0 and again["updated"] > 0
    assert again["updated"] + again["unchanged"] == made["created"]
    running = api.get("/api/rota/on-call", params={"at": "2026-01-15T02:00"}).json()
    assert {e["worker"]["id"] for e in running["primary"] + running["backup"]} == {a, b}
    later = api.get("/api/rota/on-call", params={"at": "2026-01-18T02:00"}).json()
    assert {e["worker"]["id"] for e in later["primary"] + later["backup"]} == {a, c}
    assert api.get("/api/rota/gaps", params={"weeks": 1}).json()["gaps"][0]["starts_at"] == z(
        local(2026, 1, 21)
    )
    deleted = api.delete(f"/api/rota/rotations/{rid}").json()
    assert deleted["deleted"] is True and deleted["shifts_removed"] == made["created"] - 2
    left = api.get("/api/rota/shifts", params={"from": "2026-01-14", "to": "2026-01-20"}).json()
    assert [(s["starts_local"][:16], s["rotation_id"]) for s in left] == [
        ("2026-01-14T22:00", None),
        ("2026-01-14T22:00", None),
    ]


def test_swaps_declined_cancelled_and_open_ones_taken_by_a_coordinator(api: ApiClient) -> None:
    asker = api.sign_in_as("worker")
    other = api.make_user("worker", worker_id=add_worker(api.factory, "Other", "+447700900189"))
    coord = api.make_user("coordinator")
    api.sign_in(coord.username)
    shift = api.post(
        "/api/rota/shifts",
        json={
            "worker_id": asker.worker_id,
            "role": "primary",
            "starts_at": "2026-01-16T22:00",
            "ends_at": "2026-01-17T09:00",
        },
    ).json()
    api.sign_in(asker.username)
    first = api.post(
        "/api/rota/swaps", json={"shift_id": shift["id"], "with_worker_id": other.worker_id}
    ).json()
    api.sign_in(other.username)
    assert api.post(f"/api/rota/swaps/{first['id']}/cancel").status_code == 403
    assert api.post(f"/api/rota/swaps/{first['id']}/decline").json()["status"] == "declined"
    api.sign_in(asker.username)
    opened = api.post("/api/rota/swaps", json={"shift_id": shift["id"]}).json()
    assert api.post(f"/api/rota/swaps/{opened['id']}/accept").status_code == 403  # own
    assert api.post(f"/api/rota/swaps/{opened['id']}/cancel").json()["status"] == "cancelled"
    third = api.post("/api/rota/swaps", json={"shift_id": shift["id"]}).json()
    api.sign_in(coord.username)
    assert api.post(f"/api/rota/swaps/{third['id']}/accept").status_code == 422  # who takes it?
    taken = api.post(f"/api/rota/swaps/{third['id']}/accept", json={"worker_id": other.worker_id})
    assert taken.status_code == 200 and taken.json()["shift"]["worker"]["id"] == other.worker_id
    assert [s["status"] for s in api.get("/api/rota/swaps").json()] == [
        "accepted",
        "cancelled",
        "declined",
    ]


def test_every_rota_route_names_its_roles_or_is_a_public_feed() -> None:
    from fastapi import routing
    from fastapi.routing import APIRoute

    from app.auth import StaffRole, allowed_roles, is_public
    from app.rota.routes import router

    # The rota's routes, through the routers they are split into (shifts, rotations, ...).
    found = [(c.route, c.path or "") for c in routing.iter_route_contexts(router.routes)]
    routes = [(r, path) for r, path in found if isinstance(r, APIRoute)]
    assert len(routes) > 25
    assert [path for r, path in routes if is_public(r)] == ["/rota/calendar/{secret}.ics"]
    roles = {
        (next(iter(r.methods)), path): allowed_roles(r) for r, path in routes if not is_public(r)
    }
    assert all(roles.values())
    assert roles[("POST", "/rota/shifts")] == {StaffRole.COORDINATOR}
    assert roles[("GET", "/rota/gaps")] == {StaffRole.COORDINATOR, StaffRole.MANAGER}
    assert roles[("GET", "/rota/mine")] == {StaffRole.WORKER}
    assert roles[("DELETE", "/rota/feeds/{feed_id}")] == {StaffRole.COORDINATOR, StaffRole.ADMIN}


def test_a_worker_asks_a_colleague_to_swap_once_and_withdraws_it(api: ApiClient) -> None:
    asker = api.sign_in_as("worker")
    colleague = add_worker(api.factory, "Colleague", "+447700900177")
    add_worker(api.factory, "No Phone", "not a number")
    coord = api.make_user("coordinator")
    api.sign_in(coord.username)
    shift = api.post(
        "/api/rota/shifts",
        json={
            "worker_id": asker.worker_id,
            "role": "primary",
            "starts_at": "2026-01-16T22:00",
            "ends_at": "2026-01-17T09:00",
        },
    ).json()
    # Coordinators read the phones in UK national format, never E.164.
    phones = {w["name"]: w["phone_words"] for w in api.get("/api/rota/workers").json()}
    assert phones["Colleague"] == "07700 900177"
    assert api.get("/api/rota/colleagues").status_code == 403

    # A worker chooses among colleagues calls can reach: not themselves, no phones shown.
    api.sign_in(asker.username)
    colleagues = api.get("/api/rota/colleagues").json()
    assert colleagues == [{"id": colleague, "name": "Colleague"}]
    body = {"shift_id": shift["id"], "with_worker_id": colleague, "note": "school play"}
    asked = api.post("/api/rota/swaps", json=body)
    assert asked.status_code == 201, asked.text
    # A second request for the same shift while the first waits is refused, in words.
    again = api.post("/api/rota/swaps", json={"shift_id": shift["id"]})
    assert again.status_code == 409
    assert "already waiting" in again.json()["detail"]
    withdrawn = api.post(f"/api/rota/swaps/{asked.json()['id']}/cancel")
    assert withdrawn.json()["status"] == "cancelled"
    assert api.post("/api/rota/swaps", json={"shift_id": shift["id"]}).status_code == 201
    with api.session() as session:
        actions = session.scalars(
            select(AuditEvent.action).where(AuditEvent.action.like("rota.swap.%"))
        ).all()
    assert sorted(actions) == ["rota.swap.cancelled", "rota.swap.request", "rota.swap.request"]
