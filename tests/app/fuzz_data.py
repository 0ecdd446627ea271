"""Demo-like data for the API fuzz run: something for every operation to find.

The demo's workers, nine weeks of on-call cover and staff accounts (app.demo), a bearer
token per role, and through the real API and webhooks: an answered call with its record, a
missed call with its callback task, a rotation, leave, a swap request and a calendar feed.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from app.auth import issue_token
from app.demo import seed_demo, seed_demo_accounts
from app.main import create_app
from models import ApiToken, User
from tests.app.records_support import answered_call, missed_call
from tests.helpers import ApiClient, FixedClock, SignedIn
from tests.telephony.conftest import make_settings

# The role under test and the demo account that plays it.
ROLE_ACCOUNTS = {
    "worker": "sam.okafor",
    "coordinator": "coordinator",
    "manager": "manager",
    "admin": "admin",
}
SIGNED_OUT = "signed-out"
ROLES = (SIGNED_OUT, *ROLE_ACCOUNTS)


@dataclass(frozen=True)
class FuzzData:
    tokens: dict[str, str]  # role -> bearer secret
    roles: dict[int, list[str]]  # account id -> its roles, to put back after each case

    def restore_accounts(self, factory: sessionmaker[Session]) -> None:
        """Undo what a generated case may have done to the accounts under test.

        An admin's case can revoke a token or deactivate an account (its own included); the
        cases after it must still act as their role, or they would test nothing but 401s.
        """
        with factory.begin() as session:
            session.execute(
                update(ApiToken)
                .where(ApiToken.user_id.in_(self.roles), ApiToken.revoked_at.is_not(None))
                .values(revoked_at=None)
            )
            for user in session.scalars(select(User).where(User.id.in_(self.roles))):
                user.active = True
                if sorted(user.roles) != self.roles[user.id]:
                    user.set_roles(set(self.roles[user.id]))


def _bearer(api: ApiClient, token: str) -> None:
    api.sign_out()
    api.headers["Authorization"] = f"Bearer {token}"


def _created(api: ApiClient, path: str, body: dict[str, object]) -> dict[str, object]:
    response = api.post(path, json=body)
    assert response.status_code == 201, (path, response.text)
    created: dict[str, object] = response.json()
    return created


def seed_fuzz_data(
    factory: sessionmaker[Session], database_url: str, clock: FixedClock
) -> FuzzData:
    with factory.begin() as session:
        seed_demo(session, clock.now)
        seed_demo_accounts(session, clock.now)
        users = {u.username: u for u in session.scalars(select(User))}
        tokens = {}
        for role, username in (*ROLE_ACCOUNTS.items(), ("on-call", "jo.whitfield")):
            tokens[role] = issue_token(session, users[username], "fuzz", None, clock.now)[1]
        roles = {users[name].id: sorted(users[name].roles) for name in ROLE_ACCOUNTS.values()}
        sam = SignedIn(users["sam.okafor"].id, "sam.okafor", users["sam.okafor"].worker_id)

    app = create_app(make_settings(database_url), clock=clock)
    with ApiClient(app, factory) as api:
        answered_call(api, sam)
        missed_call(api)
        _bearer(api, tokens["coordinator"])
        workers = api.get("/api/rota/workers").json()
        on_call = [w["id"] for w in workers if w["id"] != sam.worker_id][:3]
        rotation = _created(
            api,
            "/api/rota/rotations",
            {"name": "Fuzz rotation", "worker_ids": on_call, "period": "weekly"},
        )
        applied = api.post(
            f"/api/rota/rotations/{rotation['id']}/apply",
            json={"from_date": "2026-03-02", "to_date": "2026-03-15"},
        )
        assert applied.status_code == 200, applied.text
        _created(
            api,
            "/api/rota/leave",
            {
                "worker_id": on_call[0],
                "starts_at": "2026-04-01T00:00",
                "ends_at": "2026-04-03T00:00",
            },
        )
        _created(api, "/api/rota/feeds", {"worker_id": None})
        _bearer(api, tokens["on-call"])
        mine = api.get("/api/rota/mine").json()
        assert mine, "the demo rota gives Jo Whitfield shifts"
        _created(api, "/api/rota/swaps", {"shift_id": mine[0]["id"], "note": "fuzz"})
    del tokens["on-call"]  # Jo's token only made the swap request; Jo is no role under test
    return FuzzData(tokens=tokens, roles=roles)
