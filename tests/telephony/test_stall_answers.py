"""A stalled database, against a real uvicorn process: callers are answered within the budget.

Twilio gives up on a webhook after 15 s and plays its own error, so these bounds are about
correctness (every caller hears us), not speed; they are generous for a busy machine.
The figures are printed (pytest -s).
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from sqlalchemy.orm import Session, sessionmaker

from tests.faultproxy import fault_proxy
from tests.helpers import (
    AUTH_TOKEN,
    FALLBACK_NUMBER,
    PUBLIC_BASE_URL,
    Twilio,
    add_shift,
    add_worker,
    new_call_sid,
)
from tests.servers import running_server
from tests.telephony import twiml_reader
from tests.telephony.outage_support import POSTGRES_ONLY, wait_until

pytestmark = POSTGRES_ONLY

DUTY, PRIMARY = "+447700900001", "+447700900011"
CALLERS = 32


def _ready(client: httpx.Client) -> bool:
    try:
        response = client.get("/readyz", timeout=5)
    except httpx.TransportError:
        return False
    return response.status_code == 200 and response.json()["snapshot_age_seconds"] is not None


def _timed_call(twilio: Twilio) -> tuple[float, list[str]]:
    started = time.monotonic()
    response = twilio.incoming(new_call_sid())
    elapsed = time.monotonic() - started
    dialled = twiml_reader.dial(twiml_reader.parse(response))
    return elapsed, dialled.numbers if dialled is not None else []


def test_callers_are_answered_within_the_budget_while_the_database_stalls(
    database_url: str, session_factory: sessionmaker[Session], tmp_path: Path
) -> None:
    now = datetime.now(UTC)
    add_worker(session_factory, "Ada", DUTY)
    on_call = add_worker(session_factory, "Pat", PRIMARY, available=False)
    add_shift(
        session_factory, on_call, "primary", now - timedelta(hours=2), now + timedelta(hours=4)
    )
    env = {
        "DUTYLINE_TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "DUTYLINE_PUBLIC_BASE_URL": PUBLIC_BASE_URL,
        "DUTYLINE_FALLBACK_NUMBER": FALLBACK_NUMBER,
        "DUTYLINE_STATE_DIR": str(tmp_path / "state"),
        "DUTYLINE_DATABASE_PROBE_SECONDS": "0.2",
        "DUTYLINE_SNAPSHOT_REFRESH_SECONDS": "1",
    }
    with (
        fault_proxy(database_url) as proxy,
        running_server(proxy.url_for(database_url), env, tmp_path) as url,
        httpx.Client(base_url=url, timeout=30, limits=httpx.Limits(max_connections=64)) as client,
    ):
        twilio = Twilio(client)
        wait_until(lambda: _ready(client), what="the server's snapshot")
        with ThreadPoolExecutor(8) as pool:  # warm the pool: several connections to stall
            list(pool.map(lambda _: _timed_call(twilio), range(8)))

        proxy.set_mode("stall")
        single, numbers = _timed_call(twilio)
        assert numbers in ([DUTY], [PRIMARY]), numbers  # a person, from the snapshot
        assert single < 3, single

        proxy.set_mode("pass")
        wait_until(lambda: _ready(client), what="the database back")
        proxy.set_mode("stall")
        with ThreadPoolExecutor(CALLERS) as pool:
            answers = [pool.submit(_timed_call, twilio) for _ in range(CALLERS)]
            time.sleep(0.3)  # all of them waiting on the stalled database
            started = time.monotonic()
            assert client.get("/healthz").status_code == 200
            health = time.monotonic() - started
            started = time.monotonic()
            fallback = twilio.post(
                "/twilio/fallback", {"CallSid": new_call_sid(), "To": "+441305228558"}
            )
            fallback_seconds = time.monotonic() - started
            results = [answer.result() for answer in answers]
        slowest = max(elapsed for elapsed, _ in results)
        print(
            f"\nstalled database: one call answered in {single:.2f} s; "
            f"{CALLERS} together: slowest {slowest:.2f} s, "
            f"median {sorted(e for e, _ in results)[CALLERS // 2]:.2f} s; "
            f"/healthz {health:.3f} s and /twilio/fallback {fallback_seconds:.3f} s meanwhile"
        )
        assert all(numbers in ([DUTY], [PRIMARY]) for _, numbers in results)
        assert slowest < 5, slowest
        assert fallback.status_code == 200 and FALLBACK_NUMBER in fallback.text
        assert health < 1 and fallback_seconds < 1, (health, fallback_seconds)
        proxy.set_mode("pass")
        wait_until(lambda: client.get("/readyz").json()["journal_backlog"] == 0, what="replay")
