"""Signed webhooks with arbitrary fields: Twilio always gets TwiML or a plain 2xx/4xx.

Every /twilio/* path, with Twilio's own field names and others, values of any text (digits
from other scripts such as '²', huge numbers, control characters, other scripts), each
request signed with Twilio's RequestValidator so it gets past the signature check. On SQLite
and PostgreSQL, against the real app with a worker available and on-call cover.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session, sessionmaker

from app.input_guard import has_control_character
from app.main import create_app
from tests.helpers import (
    CALLER,
    PROFESSIONALS,
    PUBLIC,
    ApiClient,
    FixedClock,
    Twilio,
    add_shift,
    add_worker,
)
from tests.telephony.conftest import make_settings

TWIML_PATHS = (
    "/twilio/voice",
    "/twilio/fallback",
    "/twilio/fallback-dial-result",
    "/twilio/dial-result",
    "/twilio/whisper",
    "/twilio/accept",
    "/twilio/voicemail",
    # The in-hours queue (issue 12).
    "/twilio/queue-wait",
    "/twilio/queue-key",
    "/twilio/queue-result",
    "/twilio/queue-offer",
    "/twilio/queue-accept",
    "/twilio/queue-connected",
    "/twilio/queue-offer-dialled",
)
CALLBACK_PATHS = (
    "/twilio/leg-status",
    "/twilio/status",
    "/twilio/recording",
    "/twilio/queue-offer-status",
)

FIELDS = (
    "CallSid",
    "AccountSid",
    "From",
    "To",
    "CallStatus",
    "CallDuration",
    "DialCallStatus",
    "Digits",
    "RecordingUrl",
    "RecordingDuration",
    "RecordingStatus",
    "Direction",
    "QueueResult",
    "QueueTime",
    "QueuePosition",
)
QUERY_KEYS = ("call", "step", "target", "wait", "offer", "line")

_sid = st.builds(lambda tail: "CA" + tail, st.text("0123456789abcdef", min_size=0, max_size=40))
_numbers = st.integers(min_value=-(10**30), max_value=10**30).map(str)
# Digits of every script, '²' among them: str.isdigit() takes many that int() refuses.
_odd_digits = st.text(
    st.one_of(st.characters(categories=("Nd", "No")), st.sampled_from("0123456789")),
    min_size=1,
    max_size=8,
)
_TWILIO_WORDS = (
    "",
    "1",
    "2",
    "completed",
    "no-answer",
    "busy",
    "ringing",
    "in-progress",
    PROFESSIONALS,
    PUBLIC,
    CALLER,
    "https://api.twilio.com/recording",
    "leave",
    "bridged",
    "hangup",
    "*",
)


def _values(text: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(_TWILIO_WORDS), _sid, _numbers, _odd_digits, text)


# Form values: any text that can be signed, NUL included (the service drops it: PostgreSQL
# cannot store one). Query values: anything at all; they come from URLs we signed.
_form_text = st.text(st.characters(codec="utf-8"), max_size=60)
# Twilio's requests always carry its account: never an empty (and so untyped) body.
_form = st.dictionaries(
    st.one_of(st.sampled_from(FIELDS), _form_text.filter(bool).map(lambda k: k[:12])),
    _values(_form_text),
    max_size=8,
).map(lambda form: {"AccountSid": "AC" + "0" * 32, **form})
_query = st.dictionaries(
    st.one_of(st.sampled_from(QUERY_KEYS), st.text(min_size=1, max_size=8)),
    _values(st.text(max_size=60)),
    max_size=4,
)

pytestmark = pytest.mark.database


@pytest.fixture
def app_client(database_url: str, session_factory: sessionmaker[Session]) -> Iterator[ApiClient]:
    clock = FixedClock()
    add_worker(session_factory, "Duty Worker", "+447700900501")
    on_call = add_worker(session_factory, "On Call Worker", "+447700900502", ())
    start = clock.now - timedelta(days=1)
    add_shift(session_factory, on_call, "primary", start, start + timedelta(days=3))
    with ApiClient(create_app(make_settings(database_url), clock=clock), session_factory) as api:
        yield api


def _is_twiml(text: str) -> bool:
    try:
        return ET.fromstring(text).tag == "Response"
    except ET.ParseError:
        return False


def test_signed_webhooks_never_fail(app_client: ApiClient) -> None:
    twilio = Twilio(app_client)
    sent = {"guarded": 0, "twiml": 0, "callback": 0}

    @settings(
        max_examples=300,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(
        path=st.sampled_from(TWIML_PATHS + CALLBACK_PATHS),
        form=_form,
        query=_query,
    )
    def one_request(path: str, form: dict[str, str], query: dict[str, str]) -> None:
        response = twilio.post(path, form, query)
        assert response.status_code < 500, (path, form, query, response.status_code)
        if any(has_control_character(key + value) for key, value in query.items()):
            # Never in a URL of ours: refused before the signature is even checked.
            assert response.status_code == 400, response.text
            sent["guarded"] += 1
            return
        assert response.status_code != 403, f"the signature was refused: {path} {query}"
        if path in TWIML_PATHS:
            assert response.status_code == 200, (path, form, query, response.text)
            assert response.headers["content-type"].startswith("application/xml")
            assert _is_twiml(response.text), response.text
            sent["twiml"] += 1
        else:
            assert response.status_code in (200, 204), (path, form, query, response.text)
            sent["callback"] += 1

    one_request()
    # The run reached every kind of answer, not only the guard's.
    assert all(sent.values()), sent


def test_a_superscript_step_is_no_step(
    database_url: str, session_factory: sessionmaker[Session]
) -> None:
    """'²'.isdigit() is True but int('²') fails: the dial result still routes the caller."""
    clock = FixedClock(datetime(2026, 1, 14, 12, 0, tzinfo=UTC))
    with ApiClient(create_app(make_settings(database_url), clock=clock), session_factory) as api:
        response = Twilio(api).post(
            "/twilio/dial-result",
            {"CallSid": "CA" + "2" * 32, "DialCallStatus": "no-answer", "To": PROFESSIONALS},
            {"call": "CA" + "2" * 32, "step": "²"},
        )
    assert response.status_code == 200, response.text
    assert _is_twiml(response.text)
