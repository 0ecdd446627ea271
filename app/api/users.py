"""/api/users, /api/tokens, /api/workers: staff accounts, managed by admins."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Response
from pydantic import BaseModel, Field, field_validator
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app import accounts
from app.accounts import USERNAME, check_password, check_worker_link
from app.api.deps import NowDep, SessionDep
from app.auth import Principal, Role, hash_password, issue_token, require
from app.errors import Conflict, NotFound
from app.params import DbId
from models import ApiToken, User, WebSession, Worker
from models.audit import audit, changes_between

router = APIRouter(tags=["users"])

Admin = Annotated[Principal, Depends(require(Role.ADMIN))]


def _password_ok(value: str | None) -> str | None:
    return None if value is None else check_password(value)


class UserCreate(BaseModel):
    username: str = Field(pattern=USERNAME, description="Lower case, 3-64 characters.")
    display_name: str = Field(min_length=1, max_length=120)
    password: str = Field(description="At least 12 characters.")
    roles: list[Role] = Field(min_length=1)
    worker_id: DbId | None = Field(None, description="The worker calls are routed to.")

    _check_password = field_validator("password")(_password_ok)


class UserUpdate(BaseModel):
    display_name: str | None = Field(None, min_length=1, max_length=120)
    password: str | None = None
    roles: list[Role] | None = Field(None, min_length=1)
    worker_id: DbId | None = None
    active: bool | None = None

    _check_password = field_validator("password")(_password_ok)


class UserRead(BaseModel):
    id: int
    username: str
    display_name: str
    roles: list[Role]
    worker_id: int | None
    worker_name: str | None
    active: bool
    created_at: datetime


class TokenCreate(BaseModel):
    name: str = Field(min_length=1, max_length=80, description="What the token is for.")


class TokenRead(BaseModel):
    id: int
    name: str
    prefix: str
    user_id: int
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenIssued(TokenRead):
    token: str = Field(description="Shown once; store it now.")


class WorkerRead(BaseModel):
    id: int
    name: str
    lines: list[str]
    available: bool
    active: bool
    user_id: int | None


def _read(user: User) -> UserRead:
    return UserRead(
        id=user.id,
        username=user.username,
        display_name=user.display_name,
        roles=sorted(Role(role) for role in user.roles),
        worker_id=user.worker_id,
        worker_name=user.worker.name if user.worker else None,
        active=user.active,
        created_at=user.created_at,
    )


def _token_read(token: ApiToken) -> TokenRead:
    return TokenRead.model_validate(token, from_attributes=True)


def _user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("No such user.")
    return user


def _snapshot(user: User) -> dict[str, object]:
    return {
        "display_name": user.display_name,
        "roles": sorted(user.roles),
        "worker_id": user.worker_id,
        "active": user.active,
    }


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
    )
    audit(
        session,
        actor_user_id=admin.user_id,
        action="create",
        entity_type="user",
        entity_id=user.id,
        at=now,
        changes=changes_between({}, _snapshot(user)),
    )
    return _read(user)


@router.get("/users/{user_id}", response_model=UserRead)
def read_user(user_id: DbId, admin: Admin, session: SessionDep) -> UserRead:
    """One staff account."""
    return _read(_user(session, user_id))


@router.patch("/users/{user_id}", response_model=UserRead)
def update_user(
    user_id: DbId, body: UserUpdate, admin: Admin, session: SessionDep, now: NowDep
) -> UserRead:
    """Change an account: name, roles, linked worker, active, password (fields sent only)."""
    user = _user(session, user_id)
    sent = body.model_fields_set
    before = _snapshot(user)
    roles = {role.value for role in body.roles} if body.roles is not None else set(user.roles)
    worker_id = body.worker_id if "worker_id" in sent else user.worker_id
    if user.id == admin.user_id and (
        Role.ADMIN not in roles or ("active" in sent and body.active is False)
    ):
        raise Conflict("You cannot remove your own admin role or deactivate yourself.")
    check_worker_link(session, worker_id, roles, user.id)
    if body.display_name is not None:
        user.display_name = body.display_name
    user.set_roles(roles)
    user.worker_id = worker_id
    if body.active is not None:
        user.active = body.active
    changes = changes_between(before, _snapshot(user))
    if body.password is not None:
        user.password_hash = hash_password(body.password)
        changes["password"] = {"old": None, "new": "(changed)"}
    if body.password is not None or user.active is False:
        # A new password or a deactivated account signs out everywhere.
        session.execute(delete(WebSession).where(WebSession.user_id == user.id))
    session.flush()
    if changes:
        audit(
            session,
            actor_user_id=admin.user_id,
            action="update",
            entity_type="user",
            entity_id=user.id,
            at=now,
            changes=changes,
        )
    return _read(user)


@router.get("/users/{user_id}/tokens", response_model=list[TokenRead])
def list_tokens(user_id: DbId, admin: Admin, session: SessionDep) -> list[TokenRead]:
    """The API tokens issued for an account, revoked ones included."""
    _user(session, user_id)
    tokens = session.scalars(
        select(ApiToken).where(ApiToken.user_id == user_id).order_by(ApiToken.id)
    )
    return [_token_read(token) for token in tokens]


@router.post("/users/{user_id}/tokens", response_model=TokenIssued, status_code=201)
def create_token(
    user_id: DbId, body: TokenCreate, admin: Admin, session: SessionDep, now: NowDep
) -> TokenIssued:
    """Issue a bearer token that acts as this account. The secret is shown only now."""
    user = _user(session, user_id)
    if not user.active:
        raise Conflict("That account is deactivated.")
    token, secret = issue_token(session, user, body.name, admin.user_id, now)
    audit(
        session,
        actor_user_id=admin.user_id,
        action="issue_token",
        entity_type="user",
        entity_id=user.id,
        at=now,
        detail=f"token {token.id} ({token.prefix}...)",
    )
    return TokenIssued(**_token_read(token).model_dump(), token=secret)


@router.delete("/tokens/{token_id}", status_code=204)
def revoke_token(token_id: DbId, admin: Admin, session: SessionDep, now: NowDep) -> Response:
    """Revoke a token: it stops working at once, everywhere."""
    token = session.get(ApiToken, token_id)
    if token is None:
        raise NotFound("No such token.")
    if token.revoked_at is None:
        token.revoked_at = now
        audit(
            session,
            actor_user_id=admin.user_id,
            action="revoke_token",
            entity_type="user",
            entity_id=token.user_id,
            at=now,
            detail=f"token {token.id} ({token.prefix}...)",
        )
    return Response(status_code=204)


@router.get("/workers", response_model=list[WorkerRead])
def list_workers(
    principal: Annotated[Principal, Depends(require(Role.ADMIN, Role.MANAGER, Role.COORDINATOR))],
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
        )
        for worker in session.scalars(select(Worker).order_by(Worker.name))
    ]
