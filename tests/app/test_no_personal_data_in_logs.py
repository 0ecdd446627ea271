"""Nothing the service prints holds personal data or a secret (issue 8, item 9).

A real server process, started as production starts it, at the most talkative log level,
takes a call (signed webhooks carrying the caller's number, a worker accepting), a record
search for a child's name and for the caller's number, and a calendar feed read by its
secret address. Everything it printed is then searched for each of those values.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import quote, quote_plus

import httpx
import pytest
from sqlalchemy.orm import Session, sessionmaker

from app.accounts.service import create_user
from app.auth import StaffRole, issue_token
from models import User
from tests.helpers import (
    AUTH_TOKEN,
    CALLER,
    FALLBACK_NUMBER,
    PROFESSIONALS,
    PUBLIC_BASE_URL,
    TEST_PASSWORD,
    Twilio,
    add_shift,
    add_worker,
    place_and_accept,
)
from tests.servers import running_server

pytestmark = pytest.mark.database

ROOT = Path(__file__).resolve().parents[2]
WORKER_NAME = "Priya Okonkwo-Testperson"
WORKER_PHONE = "+447700900555"
CHILD = "Amelia Zebedee-Quist"


def forms_of(number: str) -> list[str]:
    """The ways a UK number may be written: E.164, without +, national, its last digits."""
    national = "0" + number.removeprefix("+44")
    return [
        number,
        number.removeprefix("+"),
        national,
        f"{national[:5]} {national[5:]}",
        number[-6:],
    ]


def token_for(factory: sessionmaker[Session], worker_id: int, *roles: StaffRole) -> str:
    with factory.begin() as session:
        user = create_user(
            session,
            username=f"logs-{'-'.join(roles)}",
            display_name="Logs Test",
            password=TEST_PASSWORD,
            roles=list(roles),
            worker_id=worker_id if StaffRole.WORKER in roles else None,
            now=datetime.now(UTC),
        )
        row = session.get(User, user.id)
        assert row is not None
        _, secret = issue_token(session, row, "logs test", None, datetime.now(UTC))
        return secret


def test_a_call_a_search_and_a_feed_read_leave_no_personal_data_in_the_output(
    database_url: str, session_factory: sessionmaker[Session], tmp_path: Path
) -> None:
    worker_id = add_worker(session_factory, WORKER_NAME, WORKER_PHONE, ("professional",))
    # Available in hours and on call now: rung first whatever the real clock says.
    now = datetime.now(UTC)
    add_shift(
        session_factory, worker_id, "primary", now - timedelta(hours=1), now + timedelta(hours=2)
    )
    worker_token = token_for(session_factory, worker_id, StaffRole.WORKER)
    coordinator_token = token_for(session_factory, worker_id, StaffRole.COORDINATOR)
    output = tmp_path / "server-output.txt"
    # The production command, its output (standard output and error) kept whole.
    command = (
        "sh",
        "-c",
        f'exec "$0" -m uvicorn app.main:app --log-level debug "$@" > "{output}" 2>&1',
        sys.executable,
    )
    env = {
        "DUTYLINE_LOG_LEVEL": "debug",
        "DUTYLINE_TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "DUTYLINE_PUBLIC_BASE_URL": PUBLIC_BASE_URL,
        "DUTYLINE_FALLBACK_NUMBER": FALLBACK_NUMBER,
    }
    with (
        running_server(database_url, env, ROOT, command=command) as url,
        httpx.Client(base_url=url, timeout=30) as client,
    ):
        twilio = Twilio(client)
        call_sid = place_and_accept(twilio, WORKER_PHONE)
        assert (
            twilio.post(
                "/twilio/status",
                {
                    "CallSid": call_sid,
                    "CallStatus": "completed",
                    "From": CALLER,
                    "To": PROFESSIONALS,
                },
            ).status_code
            == 204
        )
        # An unsigned request naming the caller in its query is refused, and logged as such.
        forged = client.post(f"/twilio/voice?From={quote_plus(CALLER)}", data={"From": CALLER})
        assert forged.status_code == 403

        worker = {"Authorization": f"Bearer {worker_token}"}
        for term in (CHILD, CALLER, forms_of(CALLER)[3]):
            found = client.get("/api/records", params={"q": term}, headers=worker)
            assert found.status_code == 200, found.text
        coordinator = {"Authorization": f"Bearer {coordinator_token}"}
        feed = client.post("/api/rota/feeds", json={"worker_id": worker_id}, headers=coordinator)
        assert feed.status_code == 201, feed.text
        feed_path = feed.json()["url"].removeprefix(PUBLIC_BASE_URL)
        secret = feed_path.rsplit("/", 1)[1].removesuffix(".ics")
        assert client.get(feed_path).status_code == 200
        assert client.get(f"/records?q={quote(CHILD)}").status_code in (200, 303, 307)
    printed = output.read_text(errors="replace")

    # The service did log this traffic: by route and CallSid, so the test can fail.
    assert "GET /api/records 200" in printed, printed[-3000:]
    assert "GET /api/rota/calendar/{secret}.ics 200" in printed
    assert call_sid in printed
    assert "refused a request to /twilio/voice" in printed
    secrets = [
        *forms_of(CALLER),
        *forms_of(WORKER_PHONE),
        WORKER_NAME,
        *WORKER_NAME.split(),
        CHILD,
        *CHILD.split(),
        quote_plus(CHILD),
        quote(CHILD),
        secret,
        worker_token,
        coordinator_token,
        TEST_PASSWORD,
        AUTH_TOKEN,
        "q=",  # no query string at all
    ]
    leaked = [value for value in secrets if value in printed]
    assert leaked == [], f"{leaked} in:\n{printed[-3000:]}"
