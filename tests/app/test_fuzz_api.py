"""Schemathesis over every operation of the OpenAPI schema, as every role: never a 5xx.

Demo-like data (tests/app/fuzz_data.py) is seeded once into a migrated PostgreSQL database
(where bad input hurts most: 32-bit ids, no NUL in text); each role (signed out, worker,
coordinator, manager, admin) gets a fresh copy of it and the real app. Every operation is
then sent the cases schemathesis makes from the schema (its examples, boundary values of
each parameter, and random cases, valid and invalid), with the role's bearer token. Each
response is checked for a server error and, where the schema documents the status, against
the schema's content type and body. After each change an admin makes, the accounts and
tokens the run acts with are put back, so that an admin deactivating itself or revoking its
token does not turn the rest of the run into 401s.

Bounded and reproducible: at most MAX_EXAMPLES random cases per operation and role besides
the boundary values, derandomized, no example database, no deadline, no shrinking.
DUTYLINE_FUZZ_EXAMPLES changes the bound, DUTYLINE_FUZZ_ENGINE=sqlite the database, by hand.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import hypothesis
import pytest
import schemathesis
from schemathesis.checks import not_a_server_error
from schemathesis.python.asgi import ASGIClient, shutdown_lifespans
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from app.main import create_app
from models.db import make_engine, make_session_factory
from tests.app.fuzz_data import ROLES, FuzzData, seed_fuzz_data
from tests.database import module_database
from tests.helpers import PUBLIC_BASE_URL, FixedClock
from tests.telephony.conftest import make_settings

MAX_EXAMPLES = int(os.environ.get("DUTYLINE_FUZZ_EXAMPLES", "6"))
# PostgreSQL in CI: its 32-bit ids and text without NUL turn bad input into server errors
# that SQLite would store. DUTYLINE_FUZZ_ENGINE=sqlite runs the same on SQLite by hand.
ENGINE = os.environ.get("DUTYLINE_FUZZ_ENGINE", "postgresql")
CHECKS = [not_a_server_error, content_type_conformance, response_schema_conformance]
# An event stream never ends by itself: keep what arrives in this long, then hang up. Long
# enough for the stream to start on a busy machine (else the read times out, unanswered).
STREAM_SECONDS = 2.0
REQUEST_SECONDS = 30.0

# The schema comes from an app that is never started: building it needs no database.
SCHEMA = schemathesis.openapi.from_dict(create_app(make_settings("sqlite://")).openapi())
SENT: Counter[str] = Counter()


@dataclass
class Target:
    role: str
    client: ASGIClient
    headers: dict[str, str]
    put_accounts_back: Callable[[], None]


@pytest.fixture(scope="module")
def seeded(request: pytest.FixtureRequest) -> Iterator[tuple[str, FuzzData]]:
    """A database seeded once; each role's run works on a copy of it."""
    with module_database(request, ENGINE) as database_url:
        engine = make_engine(database_url)
        data = seed_fuzz_data(make_session_factory(engine), database_url, FixedClock())
        engine.dispose()
        yield database_url, data


@pytest.fixture(scope="module", params=ROLES)
def target(request: pytest.FixtureRequest, seeded: tuple[str, FuzzData]) -> Iterator[Target]:
    """The real app on a fresh copy of the seeded database, and the role's credentials."""
    role: str = request.param
    seeded_url, data = seeded
    with module_database(request, ENGINE, copy_of=seeded_url) as database_url:
        engine = make_engine(database_url)
        factory = make_session_factory(engine)
        app = create_app(make_settings(database_url), clock=FixedClock())
        token = data.tokens.get(role)
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        try:
            with ASGIClient(app, base_url=PUBLIC_BASE_URL) as client:
                yield Target(role, client, headers, lambda: data.restore_accounts(factory))
        finally:
            shutdown_lifespans()
            engine.dispose()
    cases = {key: n for key, n in SENT.items() if key.startswith(f"{role} ")}
    print(f"\nfuzz as {role}: {sum(cases.values())} cases over {len(cases)} operations")


@SCHEMA.parametrize()
@hypothesis.settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    # Explicit: the schema's examples and schemathesis' boundary values. No shrinking: a
    # failure is reported as found (with a curl line to replay it), and CI stays bounded.
    phases=(hypothesis.Phase.explicit, hypothesis.Phase.generate),
    suppress_health_check=list(hypothesis.HealthCheck),
)
def test_no_server_error(case: schemathesis.Case, target: Target) -> None:
    timeout = STREAM_SECONDS if case.path == "/api/events" else REQUEST_SECONDS
    response = case.call(session=target.client, headers=target.headers, timeout=timeout)
    if target.role == "admin" and case.method not in ("GET", "HEAD"):
        # Only an admin's changes can touch the accounts and tokens the run acts with.
        target.put_accounts_back()
    SENT[f"{target.role} {case.operation.label}"] += 1
    case.validate_response(response, checks=CHECKS)
