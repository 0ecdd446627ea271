"""The local Twilio simulator, against a tiny fake Dutyline server defined here.

The fake server checks every request's X-Twilio-Signature against the public URL, as the
real webhooks do, and answers 403 when it is wrong: a signing mistake fails these tests.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode

import httpx
import pytest
from fastapi import FastAPI, Request, Response
from fastapi.testclient import TestClient
from twilio.request_validator import RequestValidator
from twilio.twiml.voice_response import VoiceResponse

from telephony.simulator import (
    MAX_REQUESTS,
    SimulationError,
    SimulationResult,
    simulate_call,
)

PUBLIC = "https://dutyline.example.org"
TOKEN = "test-auth-token-0123456789abcdef"
PROFESSIONALS = "+441305228558"
CALLER = "+447700900123"
ALICE = "+447700900001"
BOB = "+447700900002"
FALLBACK = "+441305000999"
EVENTS = "initiated ringing answered completed"


@dataclass
class Seen:
    path: str
    query: dict[str, str]
    form: dict[str, str]
    url: str
    signature: str


Handler = Callable[[dict[str, str], dict[str, str]], "VoiceResponse | Response | None"]


class FakeServer:
    """Answers like Dutyline would; each path's answer can be replaced per test."""

    def __init__(self, token: str = TOKEN) -> None:
        self.seen: list[Seen] = []
        self.handlers: dict[str, Handler] = {
            "/twilio/voice": self.voice,
            "/twilio/whisper": self.whisper,
            "/twilio/accept": self.accept,
            "/twilio/dial-result": self.dial_result,
            "/twilio/voicemail": self.thanks,
        }
        validator = RequestValidator(token)
        app = FastAPI()

        @app.post("/{path:path}")
        async def webhook(request: Request) -> Response:
            form = {key: str(value) for key, value in (await request.form()).items()}
            query = request.url.query
            url = PUBLIC + request.url.path + (f"?{query}" if query else "")
            signature = request.headers.get("X-Twilio-Signature", "")
            if not validator.validate(url, form, signature):
                return Response(status_code=403)
            assert request.headers["content-type"] == "application/x-www-form-urlencoded"
            self.seen.append(Seen(request.url.path, dict(parse_qsl(query)), form, url, signature))
            handler = self.handlers.get(request.url.path)
            answer = handler(form, dict(parse_qsl(query))) if handler else None
            if answer is None:
                return Response(status_code=204)
            if isinstance(answer, Response):
                return answer
            return Response(str(answer), media_type="application/xml")

        self.client = TestClient(app)

    # -- the default behaviour: ring Alice and Bob, then the fallback, then voicemail -------

    def ring(self, response: VoiceResponse, step: int, numbers: list[str]) -> None:
        dial = response.dial(
            action=f"{PUBLIC}/twilio/dial-result?{urlencode({'call': 'c1', 'step': step})}",
            method="POST",
            timeout=20,
            caller_id=PROFESSIONALS,
            answer_on_bridge=True,
        )
        for position, number in enumerate(numbers):
            leg = urlencode({"call": "c1", "step": step, "target": position})
            whisper = (
                {"url": f"{PUBLIC}/twilio/whisper?{leg}", "method": "POST"}
                if number != FALLBACK
                else {}
            )
            dial.number(
                number,
                status_callback=f"{PUBLIC}/twilio/leg-status?{leg}",
                status_callback_event=EVENTS,
                status_callback_method="POST",
                **whisper,
            )

    def voice(self, form: dict[str, str], query: dict[str, str]) -> VoiceResponse:
        response = VoiceResponse()
        response.say("You have reached the duty line.")
        self.ring(response, 0, [ALICE, BOB])
        return response

    def whisper(self, form: dict[str, str], query: dict[str, str]) -> VoiceResponse:
        response = VoiceResponse()
        gather = response.gather(
            num_digits=1, timeout=10, action=f"{PUBLIC}/twilio/accept?{urlencode(query)}"
        )
        gather.say("Professionals line call. Press 1 to accept.")
        response.hangup()
        return response

    def accept(self, form: dict[str, str], query: dict[str, str]) -> VoiceResponse:
        response = VoiceResponse()
        response.say("Connecting you now.")
        return response

    def dial_result(self, form: dict[str, str], query: dict[str, str]) -> VoiceResponse:
        response = VoiceResponse()
        if form["DialCallStatus"] == "completed":
            response.hangup()
        elif query["step"] == "0":
            self.ring(response, 1, [FALLBACK])
        else:
            response.say("Please leave a message after the tone.")
            response.record(
                action=f"{PUBLIC}/twilio/voicemail",
                method="POST",
                max_length=300,
                recording_status_callback=f"{PUBLIC}/twilio/recording",
            )
            response.say("We did not receive a message.")
            response.hangup()
        return response

    def thanks(self, form: dict[str, str], query: dict[str, str]) -> VoiceResponse:
        response = VoiceResponse()
        response.say("Thank you. A social worker will call you back.")
        response.hangup()
        return response

    # -- running and inspecting ----------------------------------------------------------------

    def call(self, answer_by: str | None, **kwargs: object) -> SimulationResult:
        options: dict[str, object] = {
            "server_url": "http://testserver",
            "public_base_url": PUBLIC,
            "auth_token": TOKEN,
            "to": PROFESSIONALS,
            "from_": CALLER,
            "client": self.client,
        }
        options.update(kwargs)
        return simulate_call(answer_by=answer_by, **options)  # type: ignore[arg-type]

    def to(self, path: str) -> list[Seen]:
        return [seen for seen in self.seen if seen.path == path]

    def leg_statuses(self, number: str) -> list[tuple[str, str]]:
        return [
            (seen.form["CallStatus"], seen.form["SequenceNumber"])
            for seen in self.to("/twilio/leg-status")
            if seen.form["To"] == number
        ]


def hang_up(form: dict[str, str], query: dict[str, str]) -> VoiceResponse:
    response = VoiceResponse()
    response.hangup()
    return response


@pytest.fixture
def server() -> FakeServer:
    return FakeServer()


def test_first_person_accepts(server: FakeServer) -> None:
    result = server.call("first", call_sid="CA" + "1" * 32)

    assert result.call_sid == "CA" + "1" * 32
    assert result.answered_by == ALICE
    assert result.voicemail is False
    assert result.lines == [
        f"incoming call to {PROFESSIONALS} from {CALLER}",
        'caller hears: "You have reached the duty line."',
        f"ringing {ALICE}, {BOB} (timeout 20s)",
        f"{ALICE} answered",
        f'{ALICE} hears: "Professionals line call. Press 1 to accept."',
        f"{ALICE} pressed 1",
        f'{ALICE} hears: "Connecting you now."',
        f"connected caller to {ALICE}",
        f"{ALICE} and the caller talk for 95 seconds",
        "call ended",
    ]
    paths = [seen.path for seen in server.seen]
    assert paths == [
        "/twilio/voice",
        *["/twilio/leg-status"] * 5,
        "/twilio/whisper",
        "/twilio/accept",
        "/twilio/leg-status",
        "/twilio/leg-status",
        "/twilio/dial-result",
        "/twilio/status",
    ]
    incoming = server.seen[0].form
    assert incoming == {
        "CallSid": result.call_sid,
        "AccountSid": incoming["AccountSid"],
        "From": CALLER,
        "To": PROFESSIONALS,
        "Caller": CALLER,
        "Called": PROFESSIONALS,
        "CallStatus": "ringing",
        "Direction": "inbound",
        "ApiVersion": "2010-04-01",
        "FromCountry": "GB",
        "ToCountry": "GB",
    }
    assert re.fullmatch(r"AC[0-9a-f]{32}", incoming["AccountSid"])

    assert server.leg_statuses(ALICE) == [
        ("initiated", "0"),
        ("ringing", "1"),
        ("in-progress", "2"),
        ("completed", "3"),
    ]
    assert server.leg_statuses(BOB) == [("initiated", "0"), ("ringing", "1"), ("canceled", "2")]
    alice_legs = [s for s in server.to("/twilio/leg-status") if s.form["To"] == ALICE]
    alice_sid = alice_legs[0].form["CallSid"]
    assert re.fullmatch(r"CA[0-9a-f]{32}", alice_sid)
    assert {s.form["CallSid"] for s in alice_legs} == {alice_sid}
    assert alice_legs[-1].form["CallDuration"] == "95"
    for seen in alice_legs:
        assert seen.form["ParentCallSid"] == result.call_sid
        assert seen.form["From"] == PROFESSIONALS
        assert seen.form["Direction"] == "outbound-dial"
        assert seen.query == {"call": "c1", "step": "0", "target": "0"}

    (whisper,) = server.to("/twilio/whisper")
    assert whisper.form["CallSid"] == alice_sid
    assert whisper.form["CallStatus"] == "in-progress"
    (accept,) = server.to("/twilio/accept")
    assert accept.form["Digits"] == "1"
    assert accept.form["CallSid"] == alice_sid
    assert accept.query == {"call": "c1", "step": "0", "target": "0"}

    (dial_result,) = server.to("/twilio/dial-result")
    assert dial_result.form["CallSid"] == result.call_sid
    assert dial_result.form["DialCallStatus"] == "completed"
    assert dial_result.form["DialCallSid"] == alice_sid
    assert dial_result.form["DialCallDuration"] == "95"
    assert dial_result.form["CallStatus"] == "in-progress"
    assert (dial_result.form["From"], dial_result.form["To"]) == (CALLER, PROFESSIONALS)

    (status,) = server.to("/twilio/status")
    assert status.form["CallStatus"] == "completed"
    assert status.form["CallDuration"] == "95"
    assert status.form["Direction"] == "inbound"
    assert "SequenceNumber" in status.form

    assert len(result.twiml) == 4
    assert all(doc.startswith("<?xml") and "<Response>" in doc for doc in result.twiml)


def test_second_of_two_simultaneous_numbers_answers(server: FakeServer) -> None:
    result = server.call(BOB)

    assert result.answered_by == BOB
    assert f"connected caller to {BOB}" in result.lines
    assert f"{ALICE} answered" not in result.lines
    assert server.leg_statuses(BOB) == [
        ("initiated", "0"),
        ("ringing", "1"),
        ("in-progress", "2"),
        ("completed", "3"),
    ]
    assert server.leg_statuses(ALICE) == [("initiated", "0"), ("ringing", "1"), ("canceled", "2")]
    (whisper,) = server.to("/twilio/whisper")
    assert whisper.query["target"] == "1"
    (dial_result,) = server.to("/twilio/dial-result")
    bob_sid = next(
        s.form["CallSid"] for s in server.to("/twilio/leg-status") if s.form["To"] == BOB
    )
    assert dial_result.form["DialCallSid"] == bob_sid


def test_a_fallback_number_answers_without_a_whisper(server: FakeServer) -> None:
    result = server.call(FALLBACK)

    assert result.answered_by == FALLBACK
    assert result.lines[2:] == [
        f"ringing {ALICE}, {BOB} (timeout 20s)",
        f"no answer from {ALICE}, {BOB}",
        f"ringing {FALLBACK} (timeout 20s)",
        f"{FALLBACK} answered",
        f"connected caller to {FALLBACK}",
        f"{FALLBACK} and the caller talk for 95 seconds",
        "call ended",
    ]
    assert server.leg_statuses(ALICE)[-1] == ("no-answer", "2")
    assert server.leg_statuses(BOB)[-1] == ("no-answer", "2")
    assert server.leg_statuses(FALLBACK) == [
        ("initiated", "0"),
        ("ringing", "1"),
        ("in-progress", "2"),
        ("completed", "3"),
    ]
    assert server.to("/twilio/whisper") == []
    first, second = server.to("/twilio/dial-result")
    assert first.form["DialCallStatus"] == "no-answer"
    assert first.form["DialCallDuration"] == "0"
    assert "DialCallSid" not in first.form
    assert second.form["DialCallStatus"] == "completed"
    assert second.query == {"call": "c1", "step": "1"}


def test_nobody_answers_and_the_caller_leaves_a_message(server: FakeServer) -> None:
    result = server.call(None, leave_message=True)

    assert result.answered_by is None
    assert result.voicemail is True
    assert result.lines[-6:] == [
        f"no answer from {FALLBACK}",
        'caller hears: "Please leave a message after the tone."',
        "caller is asked to leave a message",
        "caller left a 23 second message",
        'caller hears: "Thank you. A social worker will call you back."',
        "call ended",
    ]
    (voicemail,) = server.to("/twilio/voicemail")
    form = voicemail.form
    assert form["CallSid"] == result.call_sid
    assert form["RecordingDuration"] == "23"
    assert form["Digits"] == "hangup"
    assert re.fullmatch(r"RE[0-9a-f]{32}", form["RecordingSid"])
    assert form["RecordingUrl"] == (
        f"https://api.twilio.com/2010-04-01/Accounts/{form['AccountSid']}"
        f"/Recordings/{form['RecordingSid']}"
    )
    (recording,) = server.to("/twilio/recording")
    assert recording.form["RecordingStatus"] == "completed"
    assert recording.form["CallSid"] == result.call_sid
    for key in ("RecordingSid", "RecordingUrl", "RecordingDuration"):
        assert recording.form[key] == form[key]
    assert server.seen[-1].path == "/twilio/status"
    assert [s.form["DialCallStatus"] for s in server.to("/twilio/dial-result")] == [
        "no-answer",
        "no-answer",
    ]


def test_nobody_answers_and_the_caller_hangs_up_at_the_tone(server: FakeServer) -> None:
    result = server.call(None)

    assert result.answered_by is None
    assert result.voicemail is False
    assert result.lines[-3:] == [
        "caller is asked to leave a message",
        "caller hung up without leaving a message",
        "call ended",
    ]
    assert 'caller hears: "We did not receive a message."' not in result.lines
    assert server.to("/twilio/voicemail") == []
    assert server.to("/twilio/recording") == []
    (status,) = server.to("/twilio/status")
    assert status.form["CallDuration"] == "30"


def test_a_whisper_answered_with_hangup_does_not_connect(server: FakeServer) -> None:
    def taken(form: dict[str, str], query: dict[str, str]) -> VoiceResponse:
        response = VoiceResponse()
        response.say("This call has already been taken.")
        response.hangup()
        return response

    server.handlers["/twilio/accept"] = taken
    result = server.call(ALICE)

    assert result.answered_by is None
    assert result.lines[3:9] == [
        f"{ALICE} answered",
        f'{ALICE} hears: "Professionals line call. Press 1 to accept."',
        f"{ALICE} pressed 1",
        f'{ALICE} hears: "This call has already been taken."',
        f"{ALICE} was not connected",
        f"no answer from {BOB}",
    ]
    assert server.leg_statuses(ALICE) == [
        ("initiated", "0"),
        ("ringing", "1"),
        ("in-progress", "2"),
        ("completed", "3"),
    ]
    completed = [s for s in server.to("/twilio/leg-status") if s.form["To"] == ALICE][-1]
    assert "CallDuration" not in completed.form
    assert server.leg_statuses(BOB)[-1] == ("no-answer", "2")
    first = server.to("/twilio/dial-result")[0]
    assert first.form["DialCallStatus"] == "no-answer"
    assert "DialCallSid" not in first.form
    assert "caller hung up without leaving a message" in result.lines


def test_a_whisper_that_hangs_up_straight_away_does_not_connect(server: FakeServer) -> None:
    server.handlers["/twilio/whisper"] = hang_up
    result = server.call("first")

    assert result.answered_by is None
    assert f"{ALICE} was not connected" in result.lines
    assert f"{ALICE} pressed 1" not in result.lines
    assert server.to("/twilio/accept") == []


def test_first_only_answers_the_first_dial(server: FakeServer) -> None:
    server.handlers["/twilio/whisper"] = hang_up
    result = server.call("first")

    assert f"{ALICE} answered" in result.lines
    assert f"{FALLBACK} answered" not in result.lines
    assert result.answered_by is None


def test_redirects_are_followed_absolute_and_relative(server: FakeServer) -> None:
    def voice(form: dict[str, str], query: dict[str, str]) -> VoiceResponse:
        response = VoiceResponse()
        response.say("One moment.")
        response.pause(length=1)
        response.redirect(f"{PUBLIC}/twilio/next?{urlencode({'why': 'queue full'})}")
        response.say("never heard")
        return response

    def after(form: dict[str, str], query: dict[str, str]) -> VoiceResponse:
        response = VoiceResponse()
        gather = response.gather(num_digits=1, action="/twilio/ignored")
        gather.say("Press nothing.")
        response.redirect("last?n=2")
        return response

    def last(form: dict[str, str], query: dict[str, str]) -> VoiceResponse:
        response = VoiceResponse()
        response.say("Goodbye.")
        response.hangup()
        response.say("never heard either")
        return response

    server.handlers.update({"/twilio/voice": voice, "/twilio/next": after, "/twilio/last": last})
    result = server.call("first")

    assert result.lines == [
        f"incoming call to {PROFESSIONALS} from {CALLER}",
        'caller hears: "One moment."',
        'caller hears: "Press nothing."',
        'caller hears: "Goodbye."',
        "call ended",
    ]
    assert [s.path for s in server.seen] == [
        "/twilio/voice",
        "/twilio/next",
        "/twilio/last",
        "/twilio/status",
    ]
    assert server.seen[1].query == {"why": "queue full"}
    assert server.seen[1].form["CallStatus"] == "in-progress"
    assert server.seen[2].query == {"n": "2"}
    assert result.answered_by is None
    assert len(result.twiml) == 3


def test_a_dial_without_action_continues_with_the_next_verb(server: FakeServer) -> None:
    def voice(form: dict[str, str], query: dict[str, str]) -> VoiceResponse:
        response = VoiceResponse()
        dial = response.dial(timeout=5)
        dial.number(FALLBACK)
        response.say("Nobody there.")
        return response

    server.handlers["/twilio/voice"] = voice
    result = server.call(None)

    assert result.lines[1:] == [
        f"ringing {FALLBACK} (timeout 5s)",
        f"no answer from {FALLBACK}",
        'caller hears: "Nobody there."',
        "call ended",
    ]
    # No statusCallback on the Number: no leg callbacks at all.
    assert [s.path for s in server.seen] == ["/twilio/voice", "/twilio/status"]


def test_only_the_requested_leg_events_are_sent(server: FakeServer) -> None:
    def voice(form: dict[str, str], query: dict[str, str]) -> VoiceResponse:
        response = VoiceResponse()
        dial = response.dial(action=f"{PUBLIC}/twilio/dial-result?step=9", caller_id=PROFESSIONALS)
        dial.number(FALLBACK, status_callback=f"{PUBLIC}/twilio/leg-status")
        return response

    server.handlers["/twilio/voice"] = voice
    server.handlers["/twilio/dial-result"] = hang_up
    result = server.call(FALLBACK)

    assert result.answered_by == FALLBACK
    assert server.leg_statuses(FALLBACK) == [("completed", "0")]
    assert f"ringing {FALLBACK} (timeout 30s)" in result.lines


def test_the_loop_guard_stops_a_call_that_never_ends(server: FakeServer) -> None:
    def voice(form: dict[str, str], query: dict[str, str]) -> VoiceResponse:
        response = VoiceResponse()
        response.redirect(f"{PUBLIC}/twilio/voice")
        return response

    server.handlers["/twilio/voice"] = voice
    with pytest.raises(SimulationError, match=str(MAX_REQUESTS)):
        server.call("first")
    assert len(server.seen) == MAX_REQUESTS


def test_a_server_error_raises_without_personal_data(server: FakeServer) -> None:
    server.handlers["/twilio/voice"] = lambda form, query: Response(status_code=500)
    with pytest.raises(SimulationError) as raised:
        server.call("first")
    assert raised.value.status_code == 500
    assert raised.value.path == "/twilio/voice"
    message = str(raised.value)
    assert "500" in message and "/twilio/voice" in message
    assert CALLER not in message and PROFESSIONALS not in message


def test_an_error_from_a_status_callback_raises(server: FakeServer) -> None:
    server.handlers["/twilio/leg-status"] = lambda form, query: Response(status_code=502)
    with pytest.raises(SimulationError) as raised:
        server.call("first")
    assert (raised.value.status_code, raised.value.path) == (502, "/twilio/leg-status")
    assert "call=" not in str(raised.value)


@pytest.mark.parametrize(
    "body",
    ['{"detail": "not twiml"}', "<html><body>oops</body></html>", ""],
)
def test_an_answer_that_is_not_twiml_raises(server: FakeServer, body: str) -> None:
    server.handlers["/twilio/whisper"] = lambda form, query: Response(body, status_code=200)
    with pytest.raises(SimulationError, match="not TwiML") as raised:
        server.call("first")
    assert raised.value.path == "/twilio/whisper"


def test_a_url_outside_the_public_base_raises(server: FakeServer) -> None:
    def voice(form: dict[str, str], query: dict[str, str]) -> VoiceResponse:
        response = VoiceResponse()
        response.redirect("https://elsewhere.example.com/twilio/voice")
        return response

    server.handlers["/twilio/voice"] = voice
    with pytest.raises(SimulationError, match="outside the public base URL"):
        server.call("first")


def test_a_wrong_auth_token_is_refused_by_the_server(server: FakeServer) -> None:
    with pytest.raises(SimulationError) as raised:
        server.call("first", auth_token="not-the-token")
    assert (raised.value.status_code, raised.value.path) == (403, "/twilio/voice")


def test_signatures_cover_the_public_url_and_its_query_string(server: FakeServer) -> None:
    # Query values that must survive exactly as written: '+', spaces, '&', non-ASCII.
    leg = urlencode({"call": "c1", "number": ALICE, "note": "a b&c", "name": "Zoë"})

    def voice(form: dict[str, str], query: dict[str, str]) -> VoiceResponse:
        response = VoiceResponse()
        dial = response.dial(
            action=f"{PUBLIC}/twilio/dial-result?{leg}&step=0", caller_id=PROFESSIONALS
        )
        dial.number(
            ALICE,
            url=f"{PUBLIC}/twilio/whisper?{leg}",
            status_callback=f"{PUBLIC}/twilio/leg-status?{leg}",
            status_callback_event=EVENTS,
        )
        return response

    server.handlers["/twilio/voice"] = voice
    server.handlers["/twilio/dial-result"] = hang_up
    result = server.call(ALICE, public_base_url=PUBLIC + "/")

    assert result.answered_by == ALICE
    with_query = [s for s in server.seen if s.query]
    assert {s.path for s in with_query} == {
        "/twilio/leg-status",
        "/twilio/whisper",
        "/twilio/accept",
        "/twilio/dial-result",
    }
    validator = RequestValidator(TOKEN)
    for seen in server.seen:
        assert seen.url.startswith(PUBLIC + "/twilio/")
        assert seen.signature == validator.compute_signature(seen.url, seen.form)
    for seen in with_query:
        assert seen.query["number"] == ALICE
        assert seen.query["note"] == "a b&c"
        assert seen.query["name"] == "Zoë"


def test_without_a_client_an_unreachable_server_raises() -> None:
    with pytest.raises(SimulationError, match="could not reach") as raised:
        simulate_call(
            server_url="http://127.0.0.1:9",
            public_base_url=PUBLIC,
            auth_token=TOKEN,
            to=PROFESSIONALS,
            from_=CALLER,
            answer_by=None,
        )
    assert raised.value.path == "/twilio/voice"
    assert isinstance(raised.value.__cause__, httpx.HTTPError)
    # It says where it looked, and how to look elsewhere.
    assert "http://127.0.0.1:9 " in str(raised.value)
    assert "--url" in str(raised.value)
