"""The bad input the fuzz run found, one case per cause: a clear 4xx, nothing stored.

On SQLite and PostgreSQL (whose 32-bit ids and text without NUL made most of them 500s).
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.params import id_from_text
from models import User
from tests.helpers import ApiClient

pytestmark = pytest.mark.database


def _messages(response: object) -> str:
    return str(response.json()["detail"])  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "path",
    ["/api/users/2147483648", "/api/users/0", "/api/users/99999999999999999999999/tokens"],
)
def test_an_id_out_of_range_is_refused_before_any_query(api: ApiClient, path: str) -> None:
    api.sign_in_as("admin")
    response = api.get(path)
    assert response.status_code == 422, response.text
    assert "2147483647" in _messages(response) or "greater than or equal to 1" in _messages(
        response
    )


def test_an_id_in_range_that_does_not_exist_is_not_found(api: ApiClient) -> None:
    api.sign_in_as("admin")
    assert api.get("/api/users/2147483647").status_code == 404


def test_an_id_out_of_range_in_a_body_is_named(api: ApiClient) -> None:
    admin = api.sign_in_as("admin")
    response = api.patch(f"/api/users/{admin.user_id}", json={"worker_id": 2**40})
    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["loc"] == ["body", "worker_id"]
    shift = {"worker_id": 2**31, "role": "primary", "starts_at": "2026-01-15T22:00"}
    api.sign_in_as("coordinator")
    response = api.post("/api/rota/shifts", json={**shift, "ends_at": "2026-01-16T08:00"})
    assert response.status_code == 422, response.text
    assert ["body", "worker_id"] in [d["loc"] for d in response.json()["detail"]]


@pytest.mark.parametrize(
    "path",
    [
        "/api/callbacks?line=%00",
        "/api/callbacks?line=a%0Ab",
        "/api/records?q=%1F",
        "/api/rota/calendar/%00.ics",
        "/api/users/1%00",
    ],
)
def test_a_control_character_in_the_address_is_a_400(api: ApiClient, path: str) -> None:
    api.sign_in_as("worker", "manager", "admin")
    response = api.get(path)
    assert response.status_code == 400, response.text
    assert "control character" in response.json()["detail"]


def test_other_scripts_in_the_address_pass(api: ApiClient) -> None:
    api.sign_in_as("worker")
    response = api.get("/api/callbacks", params={"line": "Zoë 日本"})
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    "query",
    ["from=0001-01-01", "to=9999-12-31", "from=1999-12-31"],
)
def test_a_far_date_is_refused_with_the_range(api: ApiClient, query: str) -> None:
    api.sign_in_as("coordinator")
    response = api.get(f"/api/rota/shifts?{query}")
    assert response.status_code == 422, response.text
    assert "1 Jan 2000 to 31 Dec 2100" in _messages(response)


@pytest.mark.parametrize(
    "path", ["/api/rota/calendar?date=0001-01-01", "/api/records?day=9999-12-31"]
)
def test_far_dates_are_refused_everywhere(api: ApiClient, path: str) -> None:
    api.sign_in_as("coordinator", "manager")
    response = api.get(path)
    assert response.status_code == 422, response.text


@pytest.mark.parametrize(
    "starts_at", ["0001-01-01T00:00+01:00", "9999-12-31T23:59-01:00", "0001-01-01T00:00"]
)
def test_a_far_time_in_a_body_is_refused(api: ApiClient, starts_at: str) -> None:
    api.sign_in_as("coordinator")
    body = {"worker_id": 1, "role": "primary", "starts_at": starts_at, "ends_at": "2026-01-16"}
    response = api.post("/api/rota/shifts", json=body)
    assert response.status_code == 422, response.text
    assert "from 1 Jan 2000 to 31 Dec 2100" in _messages(response)
    response = api.post(
        "/api/rota/rotations/1/apply", json={"from_date": "0001-01-01", "to_date": "2026-01-20"}
    )
    assert response.status_code in (404, 422), response.text


@pytest.mark.parametrize(
    "raw",
    [
        b'{"display_name": "Ann\\u0000Able"}',
        b'{"display_name": "Ann\\ud800Able"}',
        b'{"roles": ["admin"], "display_name": {"\\u0000": 1}}',
    ],
)
def test_unstorable_text_in_a_body_is_a_400_and_nothing_changes(api: ApiClient, raw: bytes) -> None:
    admin = api.sign_in_as("admin")
    for headers in ({"Content-Type": "application/json"}, {}):
        response = api.patch(f"/api/users/{admin.user_id}", content=raw, headers=headers)
        assert response.status_code == 400, response.text
        assert "NUL" in response.json()["detail"]
    with api.session() as session:
        name = session.scalar(select(User.display_name).where(User.id == admin.user_id))
    assert name == admin.username.title()


def test_an_escaped_backslash_before_u0000_is_plain_text(api: ApiClient) -> None:
    admin = api.sign_in_as("admin")
    response = api.patch(
        f"/api/users/{admin.user_id}",
        content=b'{"display_name": "C:\\\\u0000 drive"}',
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 200, response.text
    assert response.json()["display_name"] == "C:\\u0000 drive"


def test_a_last_event_id_is_an_id_in_ascii_digits() -> None:
    assert id_from_text("42") == 42
    assert id_from_text("2147483647") == 2147483647
    for bad in ("²", "٣", "2147483648", "99999999999999999999", "0", "", "-1", " 1"):
        assert id_from_text(bad) is None, bad
