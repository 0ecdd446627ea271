"""Creating staff accounts: one set of rules for the API, the CLI and the demo."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth import StaffRole, hash_password
from app.errors import Conflict, Invalid
from models import User, Worker

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
) -> User:
    """A new account; raises Invalid or Conflict and adds nothing when the input is wrong."""
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
    )
    user.set_roles(role_names)
    session.add(user)
    session.flush()
    return user
