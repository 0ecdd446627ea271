"""Staff accounts: one set of rules, and the audit, for the API, the CLI and the demo."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.auth import StaffRole, hash_password, issue_token, password_matches
from app.errors import Conflict, Invalid, NotFound
from models import ApiToken, User, WebSession, Worker
from models.audit import audit, changes_between

USERNAME = r"^[a-z0-9][a-z0-9._-]{2,63}$"
MIN_PASSWORD = 12


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise ValueError(f"must be at least {MIN_PASSWORD} characters")
    if len(password) > 200:
        raise ValueError("must be at most 200 characters")
    return password


def check_worker_link(
    session: Session, worker_id: int | None, roles: Iterable[str], user_id: int | None
) -> None:
    """A social worker's account names the worker calls are routed to; one account each."""
    if worker_id is None:
        if StaffRole.WORKER in set(roles):
            raise Invalid("worker_id", "a social worker's account must be linked to a worker")
        return
    if session.get(Worker, worker_id) is None:
        raise Invalid("worker_id", "no such worker")
    holder = session.scalar(select(User.id).where(User.worker_id == worker_id))
    if holder is not None and holder != user_id:
        raise Conflict("That worker is already linked to another account.")


def create_user(
    session: Session,
    *,
    username: str,
    display_name: str,
    password: str,
    roles: Iterable[StaffRole],
    worker_id: int | None,
    now: datetime,
    actor_user_id: int | None = None,
) -> User:
    """A new account, audited (the actor None: the command line or the demo seed).

    An admin chose the password: the person chooses their own when they first sign in.

    Raises Invalid or Conflict and adds nothing when the input is wrong."""
    role_names = {StaffRole(role).value for role in roles}
    if not role_names:
        raise Invalid("roles", "give at least one role")
    if not re.fullmatch(USERNAME, username):
        raise Invalid("username", "3-64 characters: lower-case letters, digits, . _ -")
    try:
        check_password(password)
    except ValueError as exc:
        raise Invalid("password", str(exc)) from None
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise Conflict("That username is taken.")
    check_worker_link(session, worker_id, role_names, None)
    user = User(
        username=username,
        display_name=display_name,
        password_hash=hash_password(password),
        worker_id=worker_id,
        active=True,
        created_at=now,
        must_change_password=actor_user_id is not None,
    )
    user.set_roles(role_names)
    session.add(user)
    session.flush()
    _audit(session, actor_user_id, "create", user.id, now, changes_between({}, user_snapshot(user)))
    return user


def get_user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("No such user.")
    return user


def user_snapshot(user: User) -> dict[str, object]:
    return {
        "display_name": user.display_name,
        "roles": sorted(user.roles),
        "worker_id": user.worker_id,
        "active": user.active,
    }


def _audit(
    session: Session,
    actor_user_id: int | None,
    action: str,
    user_id: int,
    now: datetime,
    changes: dict[str, Any] | None = None,
    detail: str = "",
) -> None:
    audit(
        session,
        actor_user_id=actor_user_id,
        action=action,
        entity_type="user",
        entity_id=user_id,
        at=now,
        changes=changes,
        detail=detail,
    )


@dataclass(frozen=True, slots=True)
class UserChanges:
    """What to change; None leaves a field as it is (`worker_id` only if `link_worker`)."""

    display_name: str | None = None
    password: str | None = None
    roles: Iterable[StaffRole] | None = None
    link_worker: bool = False
    worker_id: int | None = None
    active: bool | None = None


def update_user(
    session: Session, user_id: int, wanted: UserChanges, *, actor_user_id: int | None, now: datetime
) -> User:
    """Change an account; audited. A new password or a deactivation signs out everywhere."""
    user = get_user(session, user_id)
    before = user_snapshot(user)
    roles = {StaffRole(r).value for r in wanted.roles} if wanted.roles is not None else None
    roles = roles if roles is not None else set(user.roles)
    worker_id = wanted.worker_id if wanted.link_worker else user.worker_id
    if user.id == actor_user_id and (StaffRole.ADMIN not in roles or wanted.active is False):
        raise Conflict("You cannot remove your own admin role or deactivate yourself.")
    check_worker_link(session, worker_id, roles, user.id)
    if wanted.display_name is not None:
        user.display_name = wanted.display_name
    user.set_roles(roles)
    user.worker_id = worker_id
    if wanted.active is not None:
        user.active = wanted.active
    changes = changes_between(before, user_snapshot(user))
    if wanted.password is not None:
        user.password_hash = hash_password(wanted.password)
        # Someone else chose it (an admin): the person chooses their own at next sign-in.
        user.must_change_password = user.id != actor_user_id
        changes["password"] = {"old": None, "new": "(changed)"}
    if wanted.password is not None or user.active is False:
        session.execute(delete(WebSession).where(WebSession.user_id == user.id))
    session.flush()
    if changes:
        _audit(session, actor_user_id, "update", user.id, now, changes)
    return user


def change_own_password(
    session: Session,
    user_id: int,
    *,
    current: str,
    new: str,
    keep_session_digest: str | None,
    now: datetime,
) -> User:
    """A person changes their own password; audited. Their other browsers are signed out.

    Raises Invalid (naming the field) and changes nothing when a rule is broken."""
    user = get_user(session, user_id)
    if not password_matches(user.password_hash, current):
        raise Invalid("current_password", "Your current password is wrong")
    try:
        check_password(new)
    except ValueError as exc:
        raise Invalid("new_password", f"Your new password {exc}") from None
    if new.strip().casefold() == user.username.casefold():
        raise Invalid("new_password", "Your new password must not be your username")
    if new == current:
        raise Invalid("new_password", "Your new password must be different from the current one")
    user.password_hash = hash_password(new)
    user.must_change_password = False
    others = delete(WebSession).where(WebSession.user_id == user.id)
    if keep_session_digest is not None:
        others = others.where(WebSession.token_digest != keep_session_digest)
    session.execute(others)
    session.flush()
    _audit(session, user.id, "change_password", user.id, now, detail="changed their own password")
    return user


def issue_token_for(
    session: Session, user_id: int, name: str, *, actor_user_id: int, now: datetime
) -> tuple[ApiToken, str]:
    """A bearer token acting as the account, and its secret (shown once); audited."""
    user = get_user(session, user_id)
    if not user.active:
        raise Conflict("That account is deactivated.")
    token, secret = issue_token(session, user, name, actor_user_id, now)
    _audit(session, actor_user_id, "issue_token", user.id, now, detail=_token_text(token))
    return token, secret


def revoke_token(session: Session, token_id: int, *, actor_user_id: int, now: datetime) -> None:
    """Stop a token working at once, everywhere; audited (once)."""
    token = session.get(ApiToken, token_id)
    if token is None:
        raise NotFound("No such token.")
    if token.revoked_at is None:
        token.revoked_at = now
        _audit(
            session, actor_user_id, "revoke_token", token.user_id, now, detail=_token_text(token)
        )


def _token_text(token: ApiToken) -> str:
    return f"token {token.id} ({token.prefix}...)"
