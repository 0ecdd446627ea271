"""Every /api route states who may call it, and the app holds to it for every role.

EXPECTED is the job-by-job table of who needs what. A new route must be added here, so
nobody gets more than their job needs by accident.
"""

from __future__ import annotations

import re

import pytest
from fastapi.routing import APIRoute

from app.auth import StaffRole, allowed_roles, api_routes, is_public
from app.main import create_app
from tests.helpers import ApiClient

pytestmark = pytest.mark.database

ALL = frozenset(StaffRole)
W, C, M, A = StaffRole.WORKER, StaffRole.COORDINATOR, StaffRole.MANAGER, StaffRole.ADMIN
PUBLIC = "public"

EXPECTED: dict[str, frozenset[StaffRole] | str] = {
    # Signing in and out; who I am
    "POST /api/session": PUBLIC,
    "DELETE /api/session": ALL,
    "GET /api/me": ALL,
    "POST /api/account/password": ALL,
    "PUT /api/me/availability": frozenset({W}),
    "GET /api/events": frozenset({W}),
    # The words for status values: nothing personal, the same for everyone
    "GET /api/words": PUBLIC,
    # Staff accounts and tokens: admins only
    "GET /api/users": frozenset({A}),
    "POST /api/users": frozenset({A}),
    "GET /api/users/{user_id}": frozenset({A}),
    "PATCH /api/users/{user_id}": frozenset({A}),
    "GET /api/users/{user_id}/tokens": frozenset({A}),
    "POST /api/users/{user_id}/tokens": frozenset({A}),
    "DELETE /api/tokens/{token_id}": frozenset({A}),
    "GET /api/workers": frozenset({A, M, C}),
    # Workers and lines (issue 11): admins; coordinators change workers' phones and lines
    # (the service refuses them the rest) and read the lines to do it.
    "POST /api/workers": frozenset({A}),
    "GET /api/workers/{worker_id}": frozenset({A, C}),
    "PATCH /api/workers/{worker_id}": frozenset({A, C}),
    "GET /api/lines": frozenset({A, C}),
    "GET /api/lines/{line_id}": frozenset({A}),
    "PATCH /api/lines/{line_id}": frozenset({A}),
    # The rota (issue 4): coordinators change it, managers read it, workers see their own
    # shifts and swap them; a calendar feed is reached by its secret URL alone.
    "GET /api/rota/workers": frozenset({C, M}),
    "GET /api/rota/shifts": frozenset({C, M}),
    "GET /api/rota/shifts/{shift_id}": frozenset({C, M}),
    "POST /api/rota/shifts": frozenset({C}),
    "PATCH /api/rota/shifts/{shift_id}": frozenset({C}),
    "DELETE /api/rota/shifts/{shift_id}": frozenset({C}),
    "GET /api/rota/rotations": frozenset({C, M}),
    "GET /api/rota/rotations/{rotation_id}": frozenset({C, M}),
    "POST /api/rota/rotations": frozenset({C}),
    "PATCH /api/rota/rotations/{rotation_id}": frozenset({C}),
    "DELETE /api/rota/rotations/{rotation_id}": frozenset({C}),
    "POST /api/rota/rotations/{rotation_id}/apply": frozenset({C}),
    "GET /api/rota/covers": frozenset({C, M}),
    "POST /api/rota/covers": frozenset({C}),
    "GET /api/rota/swaps": frozenset({C, M, W}),
    "POST /api/rota/swaps": frozenset({C, W}),
    "POST /api/rota/swaps/{swap_id}/accept": frozenset({C, W}),
    "POST /api/rota/swaps/{swap_id}/decline": frozenset({C, W}),
    "POST /api/rota/swaps/{swap_id}/cancel": frozenset({C, W}),
    "GET /api/rota/leave": frozenset({C, M}),
    "POST /api/rota/leave": frozenset({C}),
    "DELETE /api/rota/leave/{leave_id}": frozenset({C}),
    "GET /api/rota/gaps": frozenset({C, M}),
    "POST /api/rota/check-gaps": frozenset({C}),
    "GET /api/rota/on-call": frozenset({C, M}),
    "GET /api/rota/mine": frozenset({W}),
    "GET /api/rota/colleagues": frozenset({W}),
    "GET /api/rota/calendar": frozenset({C, M}),
    "GET /api/rota/export.csv": frozenset({C, M}),
    "POST /api/rota/import": frozenset({C}),
    "GET /api/rota/feeds": frozenset({C, A}),
    "POST /api/rota/feeds": frozenset({C, A, W}),
    "DELETE /api/rota/feeds/{feed_id}": frozenset({C, A}),
    "GET /api/rota/calendar/{secret}.ics": PUBLIC,
    # Conversation records: workers and managers read; only workers write (their own, open)
    "GET /api/records": frozenset({W, M}),
    "GET /api/records/{record_id}": frozenset({W, M}),
    "PATCH /api/records/{record_id}": frozenset({W}),
    "POST /api/records/{record_id}/complete": frozenset({W}),
    "POST /api/records/{record_id}/addenda": frozenset({W, M}),
    "GET /api/records/{record_id}/previous-contacts": frozenset({W, M}),
    "POST /api/records/{record_id}/assign": frozenset({M}),
    "GET /api/records/{record_id}/audit": frozenset({M}),
    "POST /api/records/{record_id}/child-matches": frozenset({W}),
    # Callback tasks: workers work them; managers see them
    "GET /api/callbacks": frozenset({W, M}),
    "POST /api/callbacks/{task_id}/claim": frozenset({W}),
    "POST /api/callbacks/{task_id}/complete": frozenset({W}),
    "POST /api/callbacks/{task_id}/attempts": frozenset({W}),
    # The measures (issue 9): managers; coordinators read the load their rota carries; the
    # duty room's wallboard (no caller, no child) for everyone who works there.
    "GET /api/measures": frozenset({M}),
    "GET /api/measures.csv": frozenset({M}),
    "GET /api/measures/load": frozenset({M, C}),
    "GET /api/wallboard": frozenset({M, C, W}),
    "GET /api/queue": frozenset({M, C, W}),
    "GET /api/wallboard/stream": frozenset({M, C, W}),
    "GET /api/annex-a/list-1.csv": frozenset({M}),
    "GET /api/annex-a/list-1.xlsx": frozenset({M}),
    # Closures and openings (issue 11): coordinators and managers; where calls go now: workers
    "GET /api/closures": frozenset({C, M}),
    "POST /api/closures": frozenset({C, M}),
    "POST /api/closures/{closure_id}/end": frozenset({C, M}),
    "DELETE /api/closures/{closure_id}": frozenset({C, M}),
    "GET /api/desk/now": frozenset({W}),
}

# Streams answer for ever once let in; for them only the refusals are walked.
STREAMS = {"GET /api/events", "GET /api/wallboard/stream"}


def routes_by_key() -> dict[str, APIRoute]:
    return {f"{method} {path}": route for method, path, route in api_routes(create_app())}


def test_every_api_route_declares_exactly_the_roles_its_job_needs() -> None:
    declared = {
        key: PUBLIC if is_public(route) else allowed_roles(route)
        for key, route in routes_by_key().items()
    }
    assert None not in declared.values(), [k for k, v in declared.items() if v is None]
    assert declared == EXPECTED


def test_the_docs_say_who_may_call_each_route() -> None:
    schema = create_app().openapi()
    for path, operations in schema["paths"].items():
        if path.startswith("/api"):
            for operation in operations.values():
                assert "**Who may call:**" in operation["description"], path


@pytest.mark.parametrize("role", [None, *StaffRole], ids=lambda r: str(r or "signed-out"))
def test_walk_every_api_route(api: ApiClient, role: StaffRole | None) -> None:
    if role is not None:
        api.sign_in_as(role.value)
    walked = 0
    for key in sorted(routes_by_key()):
        method, path = key.split(" ", 1)
        expected = EXPECTED[key]
        allowed = expected == PUBLIC or (role is not None and role in expected)
        if allowed and key in STREAMS:
            continue
        url = re.sub(r"\{[^}]+\}", "999999", path)
        body = None if method in ("GET", "DELETE") else {}
        status = api.request(method, url, json=body).status_code
        if allowed:
            assert status not in (401, 403), (key, role, status)
        elif role is None:
            assert status == 401, (key, status)
        else:
            assert status == 403, (key, role, status)
        walked += 1
        if key == "DELETE /api/session" and allowed:
            api.sign_in_as(role.value)  # type: ignore[union-attr]
    assert walked >= len(EXPECTED) - len(STREAMS)
