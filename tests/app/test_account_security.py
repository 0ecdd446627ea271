"""One's own account: changing one's password, the change an admin's reset forces, and
sign-ins counted by source address (behind a trusted proxy only through its header)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.auth import FREE_FAILURES_PER_ADDRESS, wait_in_words
from app.main import create_app
from models import AuditEvent, User, WebSession
from tests.helpers import PUBLIC_BASE_URL, TEST_PASSWORD, ApiClient, FixedClock
from tests.telephony.conftest import make_settings

pytestmark = pytest.mark.database

NEW_PASSWORD = "a much longer new passphrase"


def change(api: ApiClient, current: str, new: str) -> tuple[int, object]:
    response = api.post(
        "/api/account/password", json={"current_password": current, "new_password": new}
    )
    return response.status_code, response.json() if response.content else None


def test_changing_my_password_keeps_this_browser_and_signs_out_the_others(
    api: ApiClient, session_factory: sessionmaker[Session]
) -> None:
    me = api.make_user("coordinator", username="cy.coordinator")
    api.sign_in("cy.coordinator")
    other_browser = dict(api.cookies)
    assert api.sign_in("cy.coordinator").status_code == 200

    code, body = change(api, "not my password at all", NEW_PASSWORD)
    assert (code, body["detail"][0]["loc"]) == (422, ["body", "current_password"])  # type: ignore[index]
    refusals = {
        "short one": "Your new password must be at least 12 characters",
        "CY.COORDINATOR": "Your new password must not be your username",
        TEST_PASSWORD: "Your new password must be different from the current one",
    }
    for new, message in refusals.items():
        code, body = change(api, TEST_PASSWORD, new)
        assert code == 422
        assert body["detail"][0]["msg"] == message  # type: ignore[index]

    assert change(api, TEST_PASSWORD, NEW_PASSWORD) == (204, None)
    assert api.get("/api/me").status_code == 200  # this browser stays signed in
    with session_factory() as session:
        assert session.get(User, me.user_id).must_change_password is False  # type: ignore[union-attr]
        assert len(session.scalars(select(WebSession)).all()) == 1
        changed = AuditEvent.action == "change_password"
        event = session.scalars(select(AuditEvent).where(changed)).one()
        assert (event.actor_user_id, event.entity_id) == (me.user_id, str(me.user_id))
        assert NEW_PASSWORD not in str(event.changes) + event.detail
    api.cookies.clear()
    api.cookies.update(other_browser)
    assert api.get("/api/me").status_code == 401  # the other browser is signed out
    assert api.sign_in("cy.coordinator").status_code == 401
    assert api.sign_in("cy.coordinator", NEW_PASSWORD).status_code == 200


def test_an_admins_reset_makes_the_person_change_it_before_anything_else(
    api: ApiClient,
) -> None:
    api.make_user("manager", username="mo.manager")
    with api.session() as session:
        manager_id = session.scalar(select(User.id).where(User.username == "mo.manager"))
    admin = api.sign_in_as("admin", username="ada.admin")
    token = api.post(f"/api/users/{manager_id}/tokens", json={"name": "Reports"}).json()["token"]
    reset = api.patch(f"/api/users/{manager_id}", json={"password": "given by the admin"})
    assert reset.status_code == 200 and reset.json()["must_change_password"] is True

    signed_in = api.sign_in("mo.manager", "given by the admin")
    assert signed_in.json()["must_change_password"] is True
    refused = api.get("/api/records")
    assert refused.status_code == 403
    assert refused.json()["detail"].startswith("Change your password first")
    assert api.get("/api/me").json()["must_change_password"] is True
    page = api.get("/records", follow_redirects=False)
    assert (page.status_code, page.headers["location"]) == (303, "/account")
    insight = api.get("/insight", follow_redirects=False)  # rendered on the server
    assert (insight.status_code, insight.headers["location"]) == (303, "/account")
    assert api.get("/account").status_code == 200
    # A system's token acting as the account is not a person at a browser: it still works.
    bearer = api.get("/api/records", headers={"Authorization": f"Bearer {token}"})
    assert bearer.status_code == 200

    assert change(api, "given by the admin", NEW_PASSWORD) == (204, None)
    assert api.get("/api/records").status_code == 200
    assert api.get("/records", follow_redirects=False).status_code == 200
    assert api.get("/api/me").json()["must_change_password"] is False

    # An admin changing their own password through the admin API is not forced to again.
    api.sign_in("ada.admin")
    own = api.patch(f"/api/users/{admin.user_id}", json={"password": "the admins own choice"})
    assert own.json()["must_change_password"] is False


def test_wrong_current_passwords_count_as_failed_sign_ins(api: ApiClient) -> None:
    api.sign_in_as("manager", username="mo.manager")
    for _ in range(5):
        assert change(api, "guess guess guess", NEW_PASSWORD)[0] == 422
    code, body = change(api, TEST_PASSWORD, NEW_PASSWORD)
    assert code == 429
    assert body == {"detail": "Too many attempts. Try again in 31 seconds."}


@pytest.mark.parametrize(
    ("seconds", "words"),
    [(1, "1 second"), (31, "31 seconds"), (60, "1 minute"), (61, "2 minutes"), (900, "15 minutes")],
)
def test_the_wait_in_words(seconds: int, words: str) -> None:
    assert wait_in_words(seconds) == words


@pytest.fixture
def behind_proxy(database_url: str, clock: FixedClock) -> Iterator[TestClient]:
    """The app behind a load balancer at 10.0.0.5, which it is told to trust."""
    settings = make_settings(database_url, trusted_proxies="10.0.0.0/24")
    app = create_app(settings, clock=clock)
    with TestClient(app, base_url=PUBLIC_BASE_URL, client=("10.0.0.5", 40000)) as client:
        yield client


def _guess(client: TestClient, username: str, forwarded_for: str | None) -> int:
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    body = {"username": username, "password": "wrong guess wrong"}
    return client.post("/api/session", json=body, headers=headers).status_code


def test_behind_a_trusted_proxy_each_caller_is_counted_by_their_own_address(
    behind_proxy: TestClient,
) -> None:
    for n in range(FREE_FAILURES_PER_ADDRESS):
        assert _guess(behind_proxy, f"guess{n}", "203.0.113.7, 10.0.0.9") == 401
    assert _guess(behind_proxy, "another", "203.0.113.7, 10.0.0.9") == 429
    # Someone else behind the same balancer is not held up; a forged first hop changes nothing.
    assert _guess(behind_proxy, "another", "198.51.100.2") == 401
    assert _guess(behind_proxy, "another", "198.51.100.9, 203.0.113.7") == 429


def test_without_the_setting_x_forwarded_for_is_ignored(api: ApiClient) -> None:
    for n in range(FREE_FAILURES_PER_ADDRESS):
        assert _guess(api, f"guess{n}", f"203.0.113.{n}") == 401
    assert _guess(api, "another", "198.51.100.2") == 429


def test_users_reset_password_from_the_cli_forces_a_change_too(
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    api: ApiClient,
) -> None:
    import io

    from app.cli import main

    api.make_user("admin", username="locked.out")
    monkeypatch.setenv("DUTYLINE_DATABASE_URL", database_url)
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert main(["users", "reset-password", "--username", "locked.out"]) == 1
    assert "at least 12 characters" in capsys.readouterr().err
    assert main(["users", "reset-password", "--username", "nobody.here"]) == 1
    assert "nobody.here" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO("told them on the phone\n"))
    assert main(["users", "reset-password", "--username", "locked.out"]) == 0
    assert "choose their own" in capsys.readouterr().out
    signed_in = api.sign_in("locked.out", "told them on the phone")
    assert signed_in.json()["must_change_password"] is True
    assert api.get("/api/users").status_code == 403
    with api.session() as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "update")).one()
        assert event.actor_user_id is None and event.changes == {
            "password": {"old": None, "new": "(changed)"}
        }


def test_a_guesser_kept_at_it_for_hours_waits_at_most_fifteen_minutes_each_time(
    api: ApiClient, clock: FixedClock
) -> None:
    from datetime import timedelta

    api.make_user("manager", username="target")
    started, checked = clock.now, 0
    while checked < 50:  # a guess each time the wait is over: more than a day of guessing
        response = api.sign_in("target", "guess-guess-guess")
        if response.status_code == 401:
            checked += 1
            continue
        assert response.status_code == 429
        wait = int(response.headers["Retry-After"])
        assert 0 < wait <= 15 * 60 + 1
        clock.now += timedelta(seconds=wait)
    # Five free, then 30 s doubling to 15 minutes; the count never starts afresh meanwhile.
    assert clock.now - started > timedelta(hours=9)
