"""The in-hours queue through the real app: signed webhooks, a real database, and a fake
of Twilio's REST API that records the calls placed to free workers (issue 12)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit
from xml.etree import ElementTree as ET

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from app.main import create_app
from models import CallbackTask, Line, Worker
from models.queue import QueueEntry, QueueOffer
from telephony.context import TelephonyContext
from telephony.queue import offer_waiting_callers
from telephony.rest import OutboundCall, RecordingTwilioRest
from tests.helpers import (
    AUTH_TOKEN,
    CALLER,
    FALLBACK_NUMBER,
    PROFESSIONALS,
    PUBLIC_BASE_URL,
    ApiClient,
    FixedClock,
    Twilio,
    add_worker,
    new_call_sid,
    stored_record,
)
from tests.telephony import twiml_reader
from tests.telephony.conftest import make_settings

pytestmark = pytest.mark.database

ANN, BEN = "+447700900031", "+447700900032"
WORKER_LEG = "CA" + "7" * 32


@pytest.fixture
def rest() -> RecordingTwilioRest:
    return RecordingTwilioRest()


@pytest.fixture
def api(
    database_url: str,
    clock: FixedClock,
    rest: RecordingTwilioRest,
    session_factory: sessionmaker[Session],
) -> Iterator[ApiClient]:
    settings = make_settings(database_url, twilio_account_sid="AC" + "0" * 32)
    app = create_app(settings, clock=clock, rest_for=lambda _settings: rest)
    with ApiClient(app, session_factory) as client:
        yield client


def context_of(client: TestClient) -> TelephonyContext:
    context: TelephonyContext = client.app.state.telephony  # type: ignore[attr-defined]
    return context


def rung(rest: RecordingTwilioRest, count: int, within: float = 5.0) -> list[OutboundCall]:
    """The calls placed to workers, once there are ``count`` of them (the offer thread)."""
    deadline = time.monotonic() + within
    while len(rest.calls) < count and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(0.2)  # and no more than that
    assert len(rest.calls) == count, rest.calls
    return list(rest.calls)


def query_of(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def answer_and_accept(twilio: Twilio, offer: OutboundCall, digits: str = "1") -> ET.Element:
    """The worker picks up the offer call, hears the whisper, presses a key."""
    whisper = twiml_reader.parse(twilio.post_url(offer.url, {"CallSid": WORKER_LEG}))
    gather = whisper.find("Gather")
    assert gather is not None, ET.tostring(whisper)
    assert "Press 1 to accept" in twiml_reader.said(whisper)
    response = twilio.post_url(gather.get("action", ""), {"CallSid": WORKER_LEG, "Digits": digits})
    return twiml_reader.parse(response)


def accept_duty_call(twilio: Twilio, call_sid: str, phone: str) -> None:
    dialled = twiml_reader.dial(twiml_reader.parse(twilio.incoming(call_sid)))
    assert dialled is not None and phone in dialled.numbers, dialled
    whisper_url = dialled.whisper_urls[dialled.numbers.index(phone)]
    assert whisper_url
    gather = twiml_reader.parse(twilio.post_url(whisper_url, {"CallSid": "CA" + "1" * 32}))
    action = gather.find("Gather")
    assert action is not None
    twilio.post_url(action.get("action", ""), {"CallSid": "CA" + "1" * 32, "Digits": "1"})


def queue_up(twilio: Twilio, call_sid: str) -> twiml_reader.Enqueued:
    root = twiml_reader.parse(twilio.incoming(call_sid))
    queued = twiml_reader.enqueued(root)
    assert queued is not None, ET.tostring(root)
    assert "9 9 9" in twiml_reader.said(root)  # the greeting came first
    return queued


def wait_message(
    twilio: Twilio, queued: twiml_reader.Enqueued, call_sid: str, **params: str
) -> ET.Element:
    return twiml_reader.parse(twilio.post_url(queued.wait_url, {"CallSid": call_sid, **params}))


def leave(
    twilio: Twilio, queued: twiml_reader.Enqueued, call_sid: str, result: str, waited: int
) -> ET.Element:
    response = twilio.post_url(
        queued.action, {"CallSid": call_sid, "QueueResult": result, "QueueTime": str(waited)}
    )
    return twiml_reader.parse(response)


def entry(factory: sessionmaker[Session], call_sid: str) -> QueueEntry:
    record = stored_record(factory, call_sid)
    with factory() as session:
        found = session.scalar(select(QueueEntry).where(QueueEntry.record_id == record.id))
        assert found is not None
        return found


def test_three_callers_two_workers_the_third_waits_and_gets_the_first_free(
    api: ApiClient, rest: RecordingTwilioRest, clock: FixedClock
) -> None:
    factory, twilio = api.factory, api.twilio
    ann = add_worker(factory, "Ann Able", ANN, ("professional",))
    add_worker(factory, "Ben Best", BEN, ("professional",))
    first, second, third = new_call_sid(), new_call_sid(), new_call_sid()
    accept_duty_call(twilio, first, ANN)
    accept_duty_call(twilio, second, BEN)

    queued = queue_up(twilio, third)
    assert queued.queue == "dutyline-professional"
    said = twiml_reader.said(wait_message(twilio, queued, third, QueuePosition="1", QueueTime="0"))
    assert "You are first in the queue" in said and "9 9 9" in said and "press star" in said
    clock.now += timedelta(seconds=40)
    later = wait_message(twilio, queued, third, QueuePosition="1", QueueTime="40")
    assert "You are first in the queue" in twiml_reader.said(later)
    assert "9 9 9" not in twiml_reader.said(later)  # now and then, not every time
    assert rung(rest, 0) == []  # nobody is free

    clock.now += timedelta(seconds=50)
    assert twilio.status(first, "completed", 120).status_code == 204  # Ann is free again
    (offer,) = rung(rest, 1)
    assert (offer.to, offer.from_) == (ANN, PROFESSIONALS)
    assert offer.status_callback.startswith(f"{PUBLIC_BASE_URL}/twilio/queue-offer-status")

    clock.now += timedelta(seconds=10)
    connect = answer_and_accept(twilio, offer)
    dial = connect.find("Dial")
    assert dial is not None
    queue = dial.find("Queue")
    assert queue is not None and (queue.text or "").strip() == "dutyline-professional"
    to_caller = twilio.post_url(
        queue.get("url", ""), {"CallSid": third, "DequeingCallSid": WORKER_LEG, "QueueTime": "100"}
    )
    assert "Connecting you" in twiml_reader.said(twiml_reader.parse(to_caller))
    assert (
        twiml_reader.parse(
            twilio.post_url(
                queued.action, {"CallSid": third, "QueueResult": "bridged", "QueueTime": "100"}
            )
        ).find("Hangup")
        is not None
    )

    record = stored_record(factory, third)
    assert record.accepted_worker_id == ann
    assert record.answered_at == clock.now  # the wait counts the queue
    assert record.status == "in_progress"
    waited = entry(factory, third)
    assert (waited.position_on_arrival, waited.result) == (1, "bridged")
    with factory() as session:
        assert session.get_one(Worker, ann).busy_record_id == record.id
        assert session.scalar(select(QueueOffer.result)) == "accepted"
    # Ann's call with the third caller ends: nobody waits, nobody is rung.
    twilio.status(third, "completed", 60)
    assert stored_record(factory, third).status == "to_complete"
    rung(rest, 1)


def test_a_caller_chooses_a_callback_and_keeps_their_place(
    api: ApiClient, clock: FixedClock
) -> None:
    factory, twilio = api.factory, api.twilio
    call_sid = new_call_sid()
    started = clock.now
    queued = queue_up(twilio, call_sid)
    clock.now += timedelta(seconds=45)
    said = wait_message(twilio, queued, call_sid, QueuePosition="2", QueueTime="45")
    gather = said.find("Gather")
    assert gather is not None and "You are second in the queue" in twiml_reader.said(said)
    star = twiml_reader.parse(
        twilio.post_url(gather.get("action", ""), {"CallSid": call_sid, "Digits": "*"})
    )
    assert star.find("Leave") is not None
    message = leave(twilio, queued, call_sid, "leave", 46)
    assert twiml_reader.records_message(message)

    waited = entry(factory, call_sid)
    assert (waited.result, waited.callback_chosen) == ("callback", True)
    with factory() as session:
        task = session.scalars(select(CallbackTask)).one()
        assert task.created_at == started  # their place among the callbacks
    twilio.post(
        "/twilio/voicemail",
        {
            "CallSid": call_sid,
            "RecordingUrl": "https://api.twilio.com/rec/RE1",
            "RecordingDuration": "20",
        },
    )
    twilio.status(call_sid, "completed", 70)
    with factory() as session:
        task = session.scalars(select(CallbackTask)).one()
        assert (task.reason, task.created_at) == ("voicemail", started)
    assert stored_record(factory, call_sid).status == "unanswered"


def test_the_longest_wait_sends_the_caller_on_down_the_plan(
    api: ApiClient, clock: FixedClock
) -> None:
    factory, twilio = api.factory, api.twilio
    with factory.begin() as session:
        session.execute(
            update(Line).where(Line.key == "professional").values(queue_max_wait_seconds=120)
        )
    call_sid = new_call_sid()
    queued = queue_up(twilio, call_sid)
    assert query_of(queued.wait_url)["wait"] == "120"
    clock.now += timedelta(seconds=120)
    out = wait_message(twilio, queued, call_sid, QueuePosition="1", QueueTime="121")
    assert out.find("Leave") is not None
    onward = twiml_reader.dial(leave(twilio, queued, call_sid, "leave", 121))
    assert onward is not None and onward.numbers == [FALLBACK_NUMBER]
    assert entry(factory, call_sid).result == "max_wait"
    assert stored_record(factory, call_sid).current_step == 1


def test_a_line_without_a_queue_goes_straight_on(api: ApiClient) -> None:
    with api.factory.begin() as session:
        session.execute(update(Line).values(queue_max_wait_seconds=0))
    root = twiml_reader.parse(api.twilio.incoming(new_call_sid()))
    assert twiml_reader.enqueued(root) is None
    dialled = twiml_reader.dial(root)
    assert dialled is not None and dialled.numbers == [FALLBACK_NUMBER]


def test_a_worker_who_declines_is_not_rung_again_for_that_caller(
    api: ApiClient, rest: RecordingTwilioRest, clock: FixedClock
) -> None:
    factory, twilio = api.factory, api.twilio
    add_worker(factory, "Ann Able", ANN, ("professional",))
    ben = add_worker(factory, "Ben Best", BEN, ("professional",), available=False)
    first, waiting = new_call_sid(), new_call_sid()
    accept_duty_call(twilio, first, ANN)
    queued = queue_up(twilio, waiting)
    twilio.status(first, "completed", 30)
    (offer,) = rung(rest, 1)
    assert offer.to == ANN
    refused = answer_and_accept(twilio, offer, digits="2")
    assert "not accepted" in twiml_reader.said(refused)
    twilio.post_url(offer.status_callback, {"CallSid": WORKER_LEG, "CallStatus": "completed"})
    context_of(api).offers_due.set()
    rung(rest, 1)  # Ann is not tried again for this caller

    # Ben says he is available on his desk: he is rung for the waiting caller.
    api.sign_in_as("worker", worker_id=ben)
    assert api.put("/api/me/availability", json={"availability": "available"}).status_code == 200
    offers = rung(rest, 2)
    assert offers[1].to == BEN
    # After a while Ann may be tried again (Ben is being rung meanwhile, so nobody now).
    clock.now += timedelta(minutes=3)
    wait_message(twilio, queued, waiting, QueuePosition="1", QueueTime="200")
    rung(rest, 2)


def test_the_caller_hangs_up_while_a_worker_is_rung_for_them(
    api: ApiClient, rest: RecordingTwilioRest, clock: FixedClock
) -> None:
    factory, twilio = api.factory, api.twilio
    add_worker(factory, "Ann Able", ANN, ("professional",))
    first, gone, next_caller = new_call_sid(), new_call_sid(), new_call_sid()
    accept_duty_call(twilio, first, ANN)
    gone_queue = queue_up(twilio, gone)
    clock.now += timedelta(seconds=5)
    queue_up(twilio, next_caller)
    assert entry(factory, next_caller).position_on_arrival == 2
    twilio.status(first, "completed", 30)
    (offer,) = rung(rest, 1)

    assert leave(twilio, gone_queue, gone, "hangup", 20).find("Hangup") is not None
    twilio.status(gone, "completed", 25)
    # Ann answers: she is told, and the queue moves on to the next caller.
    whisper = twiml_reader.parse(twilio.post_url(offer.url, {"CallSid": WORKER_LEG}))
    said = twiml_reader.said(whisper)
    assert "has hung up" in said and "Another caller is waiting" in said
    gather = whisper.find("Gather")
    assert gather is not None
    connect = twiml_reader.parse(
        twilio.post_url(gather.get("action", ""), {"CallSid": WORKER_LEG, "Digits": "1"})
    )
    queue = connect.find("Dial/Queue")
    assert queue is not None
    twilio.post_url(queue.get("url", ""), {"CallSid": next_caller, "DequeingCallSid": WORKER_LEG})
    assert stored_record(factory, next_caller).answered_at is not None
    assert entry(factory, gone).result == "hangup"
    assert stored_record(factory, gone).status == "unanswered"


def test_the_caller_hangs_up_and_nobody_else_waits(
    api: ApiClient, rest: RecordingTwilioRest
) -> None:
    factory, twilio = api.factory, api.twilio
    add_worker(factory, "Ann Able", ANN, ("professional",))
    first, gone = new_call_sid(), new_call_sid()
    accept_duty_call(twilio, first, ANN)
    queued = queue_up(twilio, gone)
    twilio.status(first, "completed", 30)
    (offer,) = rung(rest, 1)
    leave(twilio, queued, gone, "hangup", 20)
    told = twiml_reader.parse(twilio.post_url(offer.url, {"CallSid": WORKER_LEG}))
    assert "The caller has hung up" in twiml_reader.said(told)
    assert told.find("Hangup") is not None
    with factory() as session:
        assert session.scalar(select(QueueOffer.result)) == "caller_left"


def test_without_the_database_the_queue_is_passed_over(
    api: ApiClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    twilio, context = api.twilio, context_of(api)
    call_sid = new_call_sid()
    queued = queue_up(twilio, call_sid)
    # Down until the test ends: the background probe (every second) gets no answer either,
    # so a slow run cannot see the database come back half way through.
    monkeypatch.setattr(context.guard, "probe", lambda: False)
    context.guard.mark_unreachable("a test")
    try:
        onward = twiml_reader.dial(leave(twilio, queued, call_sid, "leave", 301))
        assert onward is not None and onward.numbers == [FALLBACK_NUMBER]
        # A leave well before the longest wait was the caller pressing star: a message.
        assert twiml_reader.records_message(leave(twilio, queued, call_sid, "leave", 30))
        fresh = twiml_reader.parse(twilio.incoming(new_call_sid()))
        assert twiml_reader.enqueued(fresh) is None
    finally:
        context.guard.mark_reachable()


@pytest.mark.parametrize(("callers", "workers"), [(1, 2), (2, 1)])
def test_two_processes_pair_at_once_and_ring_one_worker_for_one_caller(
    database_url: str,
    session_factory: sessionmaker[Session],
    clock: FixedClock,
    callers: int,
    workers: int,
) -> None:
    """Two app instances on one database, eight threads pairing at the same moment: never
    two workers for one caller (1 caller, 2 workers), nor one worker twice (2 callers, 1)."""
    first_rest, second_rest = RecordingTwilioRest(), RecordingTwilioRest()
    settings = make_settings(
        database_url, twilio_account_sid="AC" + "0" * 32, queue_offer_interval_seconds=3600
    )
    one = create_app(settings, clock=clock, rest_for=lambda _s: first_rest)
    two = create_app(settings, clock=clock, rest_for=lambda _s: second_rest)
    with (
        TestClient(one, base_url=PUBLIC_BASE_URL) as a,
        TestClient(two, base_url=PUBLIC_BASE_URL) as b,
    ):
        ids = [
            add_worker(session_factory, name, phone, ("professional",), available=False)
            for name, phone in [("Ann Able", ANN), ("Ben Best", BEN)][:workers]
        ]
        for _ in range(callers):
            queue_up(Twilio(a), new_call_sid())
            clock.now += timedelta(seconds=1)
        with session_factory.begin() as session:
            session.execute(update(Worker).where(Worker.id.in_(ids)).values(available=True))
        contexts = [context_of(a), context_of(b)] * 4
        start = threading.Barrier(len(contexts))
        failures: list[BaseException] = []

        def pair(context: TelephonyContext) -> None:
            start.wait()
            try:
                offer_waiting_callers(context, clock.now)
            except BaseException as exc:
                failures.append(exc)

        threads = [threading.Thread(target=pair, args=(c,)) for c in contexts]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert failures == []
        placed = first_rest.calls + second_rest.calls
        assert len(placed) == 1
        with session_factory() as session:
            assert len(session.scalars(select(QueueOffer)).all()) == 1


def test_the_offer_is_made_only_once_when_twilio_refuses(
    api: ApiClient, rest: RecordingTwilioRest
) -> None:
    """Twilio refusing the call ends the offer; the worker is not rung in a loop."""
    rest.refuse = True
    add_worker(api.factory, "Ann Able", ANN, ("professional",), available=False)
    queue_up(api.twilio, new_call_sid())
    with api.factory.begin() as session:
        session.execute(update(Worker).values(available=True))
    offer_waiting_callers(context_of(api), api.app.state.clock())  # type: ignore[attr-defined]
    with api.factory() as session:
        assert session.scalars(select(QueueOffer.result)).all() == ["failed"]


def test_signatures_are_checked_on_the_queue_webhooks(api: ApiClient) -> None:
    for path in ("/twilio/queue-wait", "/twilio/queue-result", "/twilio/queue-offer"):
        forged = api.post(path, data={"CallSid": "CA1"}, headers={"X-Twilio-Signature": "x"})
        assert forged.status_code == 403


def test_the_wait_measures_count_the_time_in_the_queue(
    api: ApiClient, rest: RecordingTwilioRest, clock: FixedClock
) -> None:
    """Answered when the worker is connected: 150 s in the queue is 150 s of waiting."""
    factory, twilio = api.factory, api.twilio
    add_worker(factory, "Ann Able", ANN, ("professional",))
    first, waiting = new_call_sid(), new_call_sid()
    start = clock.now
    accept_duty_call(twilio, first, ANN)  # answered at once
    queued = queue_up(twilio, waiting)
    clock.now = start + timedelta(seconds=120)
    twilio.status(first, "completed", 120)
    (offer,) = rung(rest, 1)
    clock.now = start + timedelta(seconds=150)
    queue = answer_and_accept(twilio, offer).find("Dial/Queue")
    assert queue is not None
    twilio.post_url(queue.get("url", ""), {"CallSid": waiting, "DequeingCallSid": WORKER_LEG})
    twilio.post_url(queued.action, {"CallSid": waiting, "QueueResult": "bridged"})
    clock.now = start + timedelta(seconds=400)
    twilio.status(waiting, "completed", 400)

    api.sign_in_as("manager")
    day = start.date().isoformat()
    figures = api.get("/api/measures", params={"from": day, "to": day}).json()["current"]
    assert (figures["offered"], figures["answered"], figures["answered_within_target"]) == (2, 2, 1)
    assert figures["abandoned"] == 0
    assert (figures["median_wait_seconds"], figures["p90_wait_seconds"]) == (0.0, 150.0)


def test_the_desk_and_the_record_show_the_queue_without_numbers(
    api: ApiClient, clock: FixedClock
) -> None:
    factory, twilio = api.factory, api.twilio
    early, late = new_call_sid(), new_call_sid()
    queue_up(twilio, early)
    clock.now += timedelta(seconds=75)
    queued = queue_up(twilio, late)

    api.sign_in_as("worker")
    body = api.get("/api/queue").json()
    lines = {line["key"]: line for line in body["lines"]}
    assert lines["professional"]["waiting"] == 2
    assert lines["professional"]["longest_wait_seconds"] == 75
    assert lines["public"]["waiting"] == 0 and lines["public"]["longest_wait_seconds"] is None
    assert "+44" not in api.get("/api/queue").text
    board = {line["key"]: line for line in api.get("/api/wallboard").json()["lines"]}
    assert (board["professional"]["queued"], board["professional"]["longest_queued_seconds"]) == (
        2,
        75,
    )

    clock.now += timedelta(seconds=30)
    leave(twilio, queued, late, "hangup", 30)
    twilio.status(late, "completed", 105)
    api.sign_in_as("manager")
    record_id = stored_record(factory, late).id
    facts = api.get(f"/api/records/{record_id}").json()["call"]["queue"]
    assert facts["position_on_arrival"] == 2
    assert (facts["waited_seconds"], facts["result"], facts["callback_chosen"]) == (
        30,
        "hangup",
        False,
    )


def test_the_simulator_plays_a_queued_call_end_to_end_with_the_rest_side(
    database_url: str, session_factory: sessionmaker[Session], clock: FixedClock
) -> None:
    """``dutyline simulate-call --queue``: the app's real REST client rings the worker
    through the simulator's stand-in for Twilio's API, and the simulator plays that call."""
    from telephony.rest import HttpTwilioRest
    from telephony.simulator_queue import RestStandIn, simulate_queue

    ann = add_worker(session_factory, "Ann Able", ANN, ("professional",))
    with RestStandIn(0) as stand_in:
        settings = make_settings(
            database_url,
            twilio_account_sid="AC" + "0" * 32,
            twilio_api_url=stand_in.url,
            queue_offer_interval_seconds=3600,
        )
        app = create_app(
            settings,
            clock=clock,
            rest_for=lambda s: HttpTwilioRest("AC" + "0" * 32, s.auth_token, s.twilio_api_url),
        )
        with TestClient(app, base_url=PUBLIC_BASE_URL) as client:
            story = simulate_queue(
                server_url=PUBLIC_BASE_URL,
                public_base_url=PUBLIC_BASE_URL,
                auth_token=AUTH_TOKEN,
                to=PROFESSIONALS,
                from_=CALLER,
                api=stand_in,
                client=client,
            )
    assert len(story.calls) == 1 and story.calls[0].answered_by == ANN
    assert story.queued is not None and story.queued.answered_by == ANN
    text = "\n".join(story.queued.lines)
    assert "You are first in the queue" in text
    assert "the service rings +447700900031 through Twilio's REST API" in text
    assert "connected the waiting caller to +447700900031" in text
    record = stored_record(session_factory, story.queued.call_sid)
    assert (record.accepted_worker_id, record.status) == (ann, "to_complete")
    assert entry(session_factory, story.queued.call_sid).result == "bridged"
