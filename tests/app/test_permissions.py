"""Every /api route states who may call it, and the app holds to it for every role.

EXPECTED is the job-by-job table of who needs what. A new route must be added here, so
nobody gets more than their job needs by accident.
"""

from __future__ import annotations

import re

import pytest
from fastapi.routing import APIRoute

from app.auth import Role, allowed_roles, api_routes, is_public
from app.main import create_app
from tests.helpers import ApiClient

pytestmark = pytest.mark.database

ALL = frozenset(Role)
W, C, M, A = Role.WORKER, Role.COORDINATOR, Role.MANAGER, Role.ADMIN
PUBLIC = "public"

EXPECTED: dict[str, frozenset[Role] | str] = {
    # Signing in and out; who I am
    "POST /api/session": PUBLIC,
    "DELETE /api/session": ALL,
    "GET /api/me": ALL,
    "PUT /api/me/availability": frozenset({W}),
    "GET /api/events": frozenset({W}),
    # Staff accounts and tokens: admins only
    "GET /api/users": frozenset({A}),
    "POST /api/users": frozenset({A}),
    "GET /api/users/{user_id}": frozenset({A}),
    "PATCH /api/users/{user_id}": frozenset({A}),
    "GET /api/users/{user_id}/tokens": frozenset({A}),
    "POST /api/users/{user_id}/tokens": frozenset({A}),
    "DELETE /api/tokens/{token_id}": frozenset({A}),
    "GET /api/workers": frozenset({A, M, C}),
}

# Streams answer for ever once let in; for them only the refusals are walked.
STREAMS = {"GET /api/events"}


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


@pytest.mark.parametrize("role", [None, *Role], ids=lambda r: str(r or "signed-out"))
def test_walk_every_api_route(api: ApiClient, role: Role | None) -> None:
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
