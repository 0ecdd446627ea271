"""Guessing passwords against real servers: 40 sign-ins at once, two processes on one database.

A 401 is an answer after a password check, a 429 a refusal before one: counting them counts
the checks, without patching anything. Two ``dutyline serve`` processes share the database as
they would behind a load balancer. Before the checks were taken in one statement, 20 of 40
got through for one account, and nothing limited an address.
"""

from __future__ import annotations

import sys
import threading
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from app.auth import FREE_FAILURES, FREE_FAILURES_PER_ADDRESS
from tests.helpers import TEST_PASSWORD
from tests.servers import running_server

# PostgreSQL, as production runs it: there requests truly overlap (SQLite takes turns).
pytestmark = [
    pytest.mark.database,
    pytest.mark.parametrize("database_url", ["postgresql"], indirect=True),
]

AT_ONCE = 40


@pytest.fixture
def two_servers(database_url: str, tmp_path: Path) -> Iterator[tuple[str, str]]:
    command = (str(Path(sys.executable).parent / "dutyline"), "serve")
    env = {"DUTYLINE_STATE_DIR": str(tmp_path / "state")}
    with (
        running_server(database_url, env, tmp_path, command=command) as first,
        running_server(database_url, env, tmp_path, command=command) as second,
    ):
        yield first, second


def _make_user(database_url: str, username: str) -> None:
    from app.accounts.service import create_user
    from app.auth import StaffRole
    from models.db import make_engine, make_session_factory

    engine = make_engine(database_url)
    with make_session_factory(engine).begin() as session:
        create_user(
            session,
            username=username,
            display_name="Target",
            password=TEST_PASSWORD,
            roles=[StaffRole.MANAGER],
            worker_id=None,
            now=datetime.now(UTC),
        )
    engine.dispose()


def _all_at_once(servers: tuple[str, str], usernames: list[str]) -> Counter[int]:
    """POST /api/session for each username at the same moment, alternating servers."""
    start = threading.Barrier(len(usernames))
    statuses: Counter[int] = Counter()
    lock = threading.Lock()

    def attempt(index: int, username: str) -> None:
        with httpx.Client(base_url=servers[index % 2], timeout=60) as client:
            start.wait()
            status = client.post(
                "/api/session", json={"username": username, "password": "wrong guess " * 2}
            ).status_code
        with lock:
            statuses[status] += 1

    threads = [threading.Thread(target=attempt, args=(i, name)) for i, name in enumerate(usernames)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return statuses


def test_forty_wrong_passwords_at_once_get_five_checks_for_the_account(
    two_servers: tuple[str, str], database_url: str
) -> None:
    _make_user(database_url, "target")
    statuses = _all_at_once(two_servers, ["target"] * AT_ONCE)
    print(f"one account, {AT_ONCE} at once: {dict(statuses)}")
    assert statuses[401] == FREE_FAILURES
    assert statuses[429] == AT_ONCE - FREE_FAILURES
    # The right password waits too, and the refusal says for how long.
    refused = httpx.post(
        two_servers[0] + "/api/session", json={"username": "target", "password": TEST_PASSWORD}
    )
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
    assert refused.json()["detail"].startswith("Too many attempts. Try again in ")


def test_forty_wrong_passwords_at_once_from_one_address_are_limited_too(
    two_servers: tuple[str, str],
) -> None:
    # Forty different usernames (none of them exists): only the address ties them together.
    statuses = _all_at_once(two_servers, [f"guess{i}" for i in range(AT_ONCE)])
    print(f"one address, {AT_ONCE} usernames at once: {dict(statuses)}")
    assert statuses[401] == FREE_FAILURES_PER_ADDRESS
    assert statuses[429] == AT_ONCE - FREE_FAILURES_PER_ADDRESS
