"""/api/users, /api/tokens, /api/workers: staff accounts, managed by admins; and
/api/account/password, where each person changes their own password."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from sqlalchemy import select

from app.accounts import service as accounts
from app.accounts.schemas import (
    PasswordChange,
    TokenCreate,
    TokenIssued,
    TokenRead,
    UserCreate,
    UserRead,
    UserUpdate,
    WorkerRead,
)
from app.api.deps import NowDep, SessionDep
from app.auth import (
    SESSION_COOKIE,
    EvenBeforePasswordChange,
    Principal,
    StaffRole,
    check_passed,
    client_address,
    digest,
    require,
    reserve_check,
)
from app.errors import Forbidden, Invalid
from app.params import DbId
from models import ApiToken, User, Worker

router = APIRouter(tags=["users"])

Admin = Annotated[Principal, Depends(require(StaffRole.ADMIN))]


def _read(user: User) -> UserRead:
    return UserRead(
        id=user.id,
        username=user.username,
        display_name=user.display_name,
        roles=sorted(StaffRole(role) for role in user.roles),
        worker_id=user.worker_id,
        worker_name=user.worker.name if user.worker else None,
        worker_phone=user.worker.phone if user.worker else None,
        active=user.active,
        must_change_password=user.must_change_password,
        created_at=user.created_at,
    )


def _token_read(token: ApiToken) -> TokenRead:
    return TokenRead.model_validate(token, from_attributes=True)


@router.get("/users", response_model=list[UserRead])
def list_users(admin: Admin, session: SessionDep) -> list[UserRead]:
    """Every staff account."""
    return [_read(user) for user in session.scalars(select(User).order_by(User.username))]


@router.post("/users", response_model=UserRead, status_code=201)
def create_user(body: UserCreate, admin: Admin, session: SessionDep, now: NowDep) -> UserRead:
    """A new staff account. A social worker's account is linked to their worker."""
    user = accounts.create_user(
        session,
        username=body.username,
        display_name=body.display_name,
        password=body.password,
        roles=body.roles,
        worker_id=body.worker_id,
        now=now,
        actor_user_id=admin.user_id,
    )
    return _read(user)


@router.get("/users/{user_id}", response_model=UserRead)
def read_user(user_id: DbId, admin: Admin, session: SessionDep) -> UserRead:
    """One staff account."""
    return _read(accounts.get_user(session, user_id))


@router.patch("/users/{user_id}", response_model=UserRead)
def update_user(
    user_id: DbId, body: UserUpdate, admin: Admin, session: SessionDep, now: NowDep
) -> UserRead:
    """Change an account: name, roles, linked worker, active, password (fields sent only)."""
    wanted = accounts.UserChanges(
        display_name=body.display_name,
        password=body.password,
        roles=body.roles,
        link_worker="worker_id" in body.model_fields_set,
        worker_id=body.worker_id,
        active=body.active,
    )
    user = accounts.update_user(session, user_id, wanted, actor_user_id=admin.user_id, now=now)
    return _read(user)


@router.get("/users/{user_id}/tokens", response_model=list[TokenRead])
def list_tokens(user_id: DbId, admin: Admin, session: SessionDep) -> list[TokenRead]:
    """The API tokens issued for an account, revoked ones included."""
    accounts.get_user(session, user_id)
    tokens = session.scalars(
        select(ApiToken).where(ApiToken.user_id == user_id).order_by(ApiToken.id)
    )
    return [_token_read(token) for token in tokens]


@router.post("/users/{user_id}/tokens", response_model=TokenIssued, status_code=201)
def create_token(
    user_id: DbId, body: TokenCreate, admin: Admin, session: SessionDep, now: NowDep
) -> TokenIssued:
    """Issue a bearer token that acts as this account. The secret is shown only now."""
    token, secret = accounts.issue_token_for(
        session, user_id, body.name, actor_user_id=admin.user_id, now=now
    )
    return TokenIssued(**_token_read(token).model_dump(), token=secret)


@router.delete("/tokens/{token_id}", status_code=204)
def revoke_token(token_id: DbId, admin: Admin, session: SessionDep, now: NowDep) -> Response:
    """Revoke a token: it stops working at once, everywhere."""
    accounts.revoke_token(session, token_id, actor_user_id=admin.user_id, now=now)
    return Response(status_code=204)


@router.post("/account/password", status_code=204, tags=["account"])
def change_my_password(
    body: PasswordChange,
    principal: EvenBeforePasswordChange,
    request: Request,
    session: SessionDep,
    now: NowDep,
) -> Response:
    """Change my own password. My other browsers are signed out; this one stays signed in.

    A wrong current password counts as a failed sign-in (429 with Retry-After after five).
    """
    if principal.via != "session":
        raise Forbidden("Change a password in the browser, signed in as that person.")
    check = reserve_check(session, principal.username, client_address(request), now)
    session.commit()  # counted at once, in every process
    cookie = request.cookies.get(SESSION_COOKIE)
    try:
        accounts.change_own_password(
            session,
            principal.user_id,
            current=body.current_password,
            new=body.new_password,
            keep_session_digest=digest(cookie) if cookie else None,
            now=now,
        )
    except Invalid as refused:
        session.rollback()
        if refused.loc[-1] != "current_password":
            check_passed(session, check)  # the password was right; only the new one was not
        session.commit()
        raise
    check_passed(session, check)
    return Response(status_code=204)


@router.get("/workers", response_model=list[WorkerRead])
def list_workers(
    principal: Annotated[
        Principal, Depends(require(StaffRole.ADMIN, StaffRole.MANAGER, StaffRole.COORDINATOR))
    ],
    session: SessionDep,
) -> list[WorkerRead]:
    """The workers calls are routed to, and the account linked to each."""
    linked = {
        worker_id: user_id
        for worker_id, user_id in session.execute(select(User.worker_id, User.id))
    }
    return [
        WorkerRead(
            id=worker.id,
            name=worker.name,
            lines=[line.key for line in worker.lines],
            available=worker.available,
            active=worker.active,
            user_id=linked.get(worker.id),
            phone=worker.phone,
        )
        for worker in session.scalars(select(Worker).order_by(Worker.name))
    ]
