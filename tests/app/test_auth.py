"""Signing in and out, sessions, CSRF, slowing down guessing, API tokens, accounts."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.cli import main
from models import ApiToken, AuditEvent, SignInThrottle, User, WebSession
from tests.helpers import TEST_PASSWORD, ApiClient, FixedClock, add_worker

pytestmark = pytest.mark.database


def test_sign_in_sets_a_protected_session_cookie_and_a_csrf_cookie(api: ApiClient) -> None:
    user = api.make_user("manager", username="mina")
    response = api.sign_in("mina")
    assert response.status_code == 200
    assert response.json()["username"] == "mina"
    assert response.json()["roles"] == ["manager"]
    cookies = {
        header.split("=", 1)[0]: header.lower()
        for header in response.headers.get_list("set-cookie")
    }
    assert "httponly" in cookies["dutyline_session"]
    assert "secure" in cookies["dutyline_session"]  # the public URL is https
    assert "samesite=lax" in cookies["dutyline_session"]
    assert "httponly" not in cookies["dutyline_csrf"]  # the page's script reads it
    me = api.get("/api/me").json()
    assert (me["id"], me["worker"]) == (user.user_id, None)
    with api.session() as session:
        stored = session.scalars(select(WebSession.token_digest)).one()
    assert stored != api.cookies["dutyline_session"]  # only a digest is kept


def test_wrong_password_and_unknown_user_get_the_same_answer(api: ApiClient) -> None:
    api.make_user(
        "worker", worker_id=add_worker(api.factory, "W", "+447700900301"), username="wally"
    )
    wrong = api.sign_in("wally", "not the password at all")
    unknown = api.sign_in("nobody", TEST_PASSWORD)
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json() == {"detail": "Wrong username or password."}
    assert api.get("/api/me").status_code == 401


def test_repeated_failures_slow_down_that_username_and_are_logged_without_it(
    api: ApiClient, clock: FixedClock, caplog: pytest.LogCaptureFixture
) -> None:
    api.make_user("manager", username="target")
    caplog.set_level(logging.INFO, logger="dutyline")
    for _ in range(5):
        assert api.sign_in("target", "guess-guess-guess").status_code == 401
    refused = api.sign_in("target")  # even the right password waits now
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 31
    assert refused.json() == {"detail": "Too many attempts. Try again in 31 seconds."}
    assert api.sign_in("someone-else").status_code == 401  # others are not held up
    clock.now += timedelta(seconds=31)
    assert api.sign_in("target").status_code == 200
    with api.session() as session:  # success clears the account's count, not others'
        assert session.scalar(select(func.count()).select_from(SignInThrottle)) == 2
    assert "target" not in caplog.text
    assert "sign-in failed" in caplog.text


def test_changes_need_the_csrf_token_but_bearer_tokens_do_not(api: ApiClient) -> None:
    admin = api.sign_in_as("admin", username="root")
    body = {"username": "newbie", "display_name": "New", "password": "x" * 12, "roles": ["manager"]}
    token = api.headers.pop("X-CSRF-Token")
    assert api.post("/api/users", json=body).status_code == 403
    api.headers["X-CSRF-Token"] = "forged"
    assert api.post("/api/users", json=body).status_code == 403
    api.headers["X-CSRF-Token"] = token
    assert api.post("/api/users", json=body).status_code == 201
    issued = api.post(f"/api/users/{admin.user_id}/tokens", json={"name": "records sync"})
    assert issued.status_code == 201
    secret = issued.json()["token"]
    api.sign_out()
    bearer = {"Authorization": f"Bearer {secret}"}
    body["username"] = "second"
    assert api.post("/api/users", json=body, headers=bearer).status_code == 201


def test_a_revoked_token_stops_working_and_its_secret_is_never_stored(api: ApiClient) -> None:
    api.sign_in_as("admin")
    reader = api.make_user("manager")
    issued = api.post(f"/api/users/{reader.user_id}/tokens", json={"name": "dashboard"}).json()
    bearer = {"Authorization": f"Bearer {issued['token']}"}
    listed = api.get(f"/api/users/{reader.user_id}/tokens").json()
    assert [t["prefix"] for t in listed] == [issued["token"][:10]]
    assert "token" not in listed[0]
    with api.session() as session:
        assert session.scalar(select(ApiToken.token_digest)) != issued["token"]
    anonymous = ApiClient(api.app, api.factory)
    assert anonymous.get("/api/me", headers=bearer).json()["id"] == reader.user_id
    assert api.delete(f"/api/tokens/{issued['id']}").status_code == 204
    assert anonymous.get("/api/me", headers=bearer).status_code == 401
    assert (
        anonymous.get("/api/me", headers={"Authorization": "Bearer dl_made_up"}).status_code == 401
    )


def test_sign_out_and_idle_sessions_end(api: ApiClient, clock: FixedClock) -> None:
    api.sign_in_as("coordinator")
    csrf = api.headers["X-CSRF-Token"]
    cookie = api.cookies["dutyline_session"]
    assert api.delete("/api/session").status_code == 204
    api.cookies.set("dutyline_session", cookie)  # the old cookie is dead on the server
    api.headers["X-CSRF-Token"] = csrf
    assert api.get("/api/me").status_code == 401
    api.sign_in_as("coordinator")
    clock.now += timedelta(hours=3)
    assert api.get("/api/me").status_code == 200  # 3 hours idle is fine...
    clock.now += timedelta(hours=4, minutes=1)
    assert api.get("/api/me").status_code == 401  # ...four hours without a request is not


def test_deactivating_an_account_signs_it_out_everywhere(api: ApiClient) -> None:
    api.sign_in_as("admin", username="boss")
    leaver = api.make_user("manager", username="leaver")
    other = ApiClient(api.app, api.factory)
    assert other.sign_in("leaver").status_code == 200
    response = api.patch(f"/api/users/{leaver.user_id}", json={"active": False})
    assert response.status_code == 200 and response.json()["active"] is False
    assert other.get("/api/me").status_code == 401
    assert other.sign_in("leaver").status_code == 401
    with api.session() as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.entity_type == "user")).all()
    assert event[-1].changes == {"active": {"old": True, "new": False}}


def test_account_rules(api: ApiClient) -> None:
    admin = api.sign_in_as("admin", username="boss")
    worker_id = add_worker(api.factory, "Wendy Worker", "+447700900302")

    def create(**fields: object) -> tuple[int, object]:
        body = {"username": "wendy", "display_name": "Wendy", "password": "p" * 12}
        body.update(fields)
        response = api.post("/api/users", json=body)
        return response.status_code, response.json()

    status, body = create(roles=["worker"], password="short")
    assert status == 422 and body["detail"][0]["loc"][-1] == "password"  # type: ignore[index]
    status, body = create(roles=["worker"])
    assert status == 422 and body["detail"][0]["loc"][-1] == "worker_id"  # type: ignore[index]
    status, body = create(roles=[])
    assert status == 422
    status, body = create(roles=["worker"], worker_id=worker_id)
    assert status == 201 and body["worker_name"] == "Wendy Worker"  # type: ignore[index]
    assert create(roles=["manager"])[0] == 409  # the username is taken
    assert create(username="wendy2", roles=["worker"], worker_id=worker_id)[0] == 409
    own = api.patch(f"/api/users/{admin.user_id}", json={"roles": ["manager"]})
    assert own.status_code == 409  # nobody locks the last door behind them
    with api.session() as session:
        stored = session.scalars(select(User).where(User.username == "wendy")).one()
        assert stored.password_hash.startswith("$argon2id$")


def test_users_create_from_the_cli_reads_the_password_from_stdin(
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    api: ApiClient,
) -> None:
    import io

    monkeypatch.setenv("DUTYLINE_DATABASE_URL", database_url)
    monkeypatch.setattr("sys.stdin", io.StringIO("a long enough password\n"))
    assert main(["users", "create", "--username", "first.admin", "--role", "admin"]) == 0
    capsys.readouterr()
    assert api.sign_in("first.admin", "a long enough password").status_code == 200
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert main(["users", "create", "--username", "other", "--role", "manager"]) == 1
    assert "password" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO("a long enough password\n"))
    assert main(["users", "create", "--username", "w", "--role", "worker"]) == 1
    assert main(["users", "list"]) == 0
    listed = capsys.readouterr().out
    assert "first.admin" in listed and "other" not in listed
