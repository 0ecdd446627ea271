"""Who is calling the API, and what they may do.

The web UI signs in with a session cookie (stored server-side, so any process knows it)
and sends a CSRF token on every change; other systems use bearer tokens that an admin
issues and revokes. Every /api route depends on ``require(...)`` naming the roles that may
call it; ``allowed_roles`` reads that back, for the docs and for the test that walks them.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Annotated, Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from fastapi import Depends, FastAPI, Request, routing
from fastapi.routing import APIRoute
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from app.api.deps import NowDep, SessionDep
from app.errors import Forbidden, TooManyTries, Unauthorized
from models import ApiToken, SignInAttempt, User, WebSession

log = logging.getLogger("dutyline.auth")

SESSION_COOKIE = "dutyline_session"
CSRF_COOKIE = "dutyline_csrf"
CSRF_HEADER = "X-CSRF-Token"
TOKEN_PREFIX = "dl_"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

# Failed sign-ins: after FREE_FAILURES within the window, each further try waits longer.
FAILURE_WINDOW = timedelta(minutes=15)
FREE_FAILURES = 5
MAX_WAIT = timedelta(minutes=15)

_hasher = PasswordHasher()
# Verified against when the username is unknown, so both cases take the same time.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


class StaffRole(StrEnum):
    WORKER = "worker"
    COORDINATOR = "coordinator"
    MANAGER = "manager"
    ADMIN = "admin"


@dataclass(frozen=True)
class Principal:
    user_id: int
    username: str
    display_name: str
    roles: frozenset[StaffRole]
    worker_id: int | None
    via: str  # "session" or "token"
    csrf_token: str | None = None

    def has(self, *roles: StaffRole) -> bool:
        return not self.roles.isdisjoint(roles)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def password_matches(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def principal_of(user: User, via: str, csrf_token: str | None = None) -> Principal:
    return Principal(
        user_id=user.id,
        username=user.username,
        display_name=user.display_name,
        roles=frozenset(StaffRole(role) for role in user.roles),
        worker_id=user.worker_id,
        via=via,
        csrf_token=csrf_token,
    )


# Signing in and out


WRONG_PASSWORD = "Wrong username or password."
SLOWED_DOWN = "Too many failed sign-ins. Wait a while and try again."


def _attempt_key(username: str) -> str:
    return digest("sign-in:" + username.strip().casefold())


def _wait_before_next_try(session: Session, key: str, now: datetime) -> int:
    """Seconds this username must wait: none for the first few failures, then doubling."""
    failures, last = session.execute(
        select(func.count(), func.max(SignInAttempt.at)).where(
            SignInAttempt.key_digest == key, SignInAttempt.at > now - FAILURE_WINDOW
        )
    ).one()
    if failures < FREE_FAILURES or last is None:
        return 0
    wait = min(timedelta(seconds=30 * 2 ** (failures - FREE_FAILURES)), MAX_WAIT)
    return max(0, int((last + wait - now).total_seconds()) + 1)


def sign_in(
    session: Session, username: str, password: str, now: datetime, lifetime: timedelta
) -> tuple[User, str, str]:
    """Check the password; on success a new web session: (user, cookie secret, CSRF token).

    Raises Unauthorized, or TooManyTries (with Retry-After) when the username is slowed down.
    """
    key = _attempt_key(username)
    wait = _wait_before_next_try(session, key, now)
    if wait:
        log.warning("sign-in refused while slowed down (account key %s)", key[:12])
        raise TooManyTries(SLOWED_DOWN, headers={"Retry-After": str(wait)})
    user = session.scalar(select(User).where(User.username == username.strip()))
    matched = password_matches(user.password_hash if user else _DUMMY_HASH, password)
    if user is None or not user.active or not matched:
        session.add(SignInAttempt(key_digest=key, at=now))
        log.warning("sign-in failed (account key %s)", key[:12])
        raise Unauthorized(WRONG_PASSWORD)
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    session.execute(delete(SignInAttempt).where(SignInAttempt.key_digest == key))
    secret, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    session.add(
        WebSession(
            token_digest=digest(secret),
            csrf_token=csrf,
            user_id=user.id,
            created_at=now,
            last_seen_at=now,
            expires_at=now + lifetime,
        )
    )
    log.info("user %d signed in", user.id)
    return user, secret, csrf


def sign_out(session: Session, secret: str) -> None:
    session.execute(delete(WebSession).where(WebSession.token_digest == digest(secret)))


def issue_token(
    session: Session, user: User, name: str, issued_by: int | None, now: datetime
) -> tuple[ApiToken, str]:
    """A new bearer token for ``user``; the secret is returned once and never stored."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        name=name,
        token_digest=digest(secret),
        prefix=secret[:10],
        user_id=user.id,
        created_by_user_id=issued_by,
        created_at=now,
    )
    session.add(token)
    session.flush()
    return token, secret


# Who is calling


@dataclass(frozen=True)
class SessionPolicy:
    idle: timedelta
    lifetime: timedelta


def _by_bearer(session: Session, secret: str, now: datetime) -> Principal | None:
    token = session.scalar(
        select(ApiToken).where(
            ApiToken.token_digest == digest(secret), ApiToken.revoked_at.is_(None)
        )
    )
    if token is None or not token.user.active:
        return None
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        token.last_used_at = now
    return principal_of(token.user, "token")


def _by_cookie(
    session: Session, secret: str, now: datetime, policy: SessionPolicy
) -> Principal | None:
    row = session.scalar(select(WebSession).where(WebSession.token_digest == digest(secret)))
    if row is None:
        return None
    if now >= row.expires_at or now - row.last_seen_at > policy.idle or not row.user.active:
        session.delete(row)
        return None
    if now - row.last_seen_at > timedelta(minutes=1):
        row.last_seen_at = now
    return principal_of(row.user, "session", row.csrf_token)


def identify(request: Request, session: Session, now: datetime) -> Principal | None:
    """The signed-in person or system behind this request, if any."""
    scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and credentials:
        return _by_bearer(session, credentials.strip(), now)
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        return _by_cookie(session, cookie, now, request.app.state.session_policy)
    return None


def require(*roles: StaffRole) -> Callable[..., Principal]:
    """A dependency: the caller must be signed in and hold one of ``roles``."""
    allowed = frozenset(roles)
    if not allowed:
        raise ValueError("name at least one role")

    def dependency(request: Request, session: SessionDep, now: NowDep) -> Principal:
        principal = identify(request, session, now)
        if principal is None:
            # The expired session row deleted above must stay deleted.
            session.commit()
            raise Unauthorized("Sign in to use this.", headers={"WWW-Authenticate": "Bearer"})
        if principal.roles.isdisjoint(allowed):
            raise Forbidden("Your role does not allow this.")
        if principal.via == "session" and request.method not in SAFE_METHODS:
            sent = request.headers.get(CSRF_HEADER, "")
            if not principal.csrf_token or not hmac.compare_digest(sent, principal.csrf_token):
                raise Forbidden("Missing or wrong CSRF token; reload the page.")
        return principal

    dependency.allowed_roles = allowed  # type: ignore[attr-defined]
    return dependency


AnyRole = Annotated[Principal, Depends(require(*StaffRole))]


def public(reason: str) -> Any:
    """Marks a route that is meant to be reachable without signing in (sign-in itself,
    a feed protected by its own secret). The permission test insists on one or the other."""

    def dependency() -> None:
        return None

    dependency.public_reason = reason  # type: ignore[attr-defined]
    return Depends(dependency)


def is_public(route: APIRoute) -> bool:
    stack = list(route.dependant.dependencies)
    while stack:
        dependant = stack.pop()
        if getattr(dependant.call, "public_reason", None):
            return True
        stack.extend(dependant.dependencies)
    return False


def allowed_roles(route: APIRoute) -> frozenset[StaffRole] | None:
    """The roles a route's ``require`` names, or None when it has none."""
    found: frozenset[StaffRole] | None = None
    stack = list(route.dependant.dependencies)
    while stack:
        dependant = stack.pop()
        roles: Any = getattr(dependant.call, "allowed_roles", None)
        if roles is not None:
            found = roles if found is None else found & roles
        stack.extend(dependant.dependencies)
    return found


def api_routes(app: FastAPI) -> list[tuple[str, str, APIRoute]]:
    """(method, full path, route) for every /api operation, through included routers."""
    found: list[tuple[str, str, APIRoute]] = []
    for context in routing.iter_route_contexts(app.routes):
        route, path = context.route, context.path or ""
        if isinstance(route, APIRoute) and path.startswith("/api"):
            found.extend((method, path, route) for method in sorted(route.methods or ()))
    return found


def document_permissions(app: FastAPI) -> None:
    """Say in each /api route's OpenAPI description who may call it."""
    for _, _, route in api_routes(app):
        roles = allowed_roles(route)
        who = ", ".join(sorted(roles)) if roles else "anyone (no sign-in)"
        note = f"**Who may call:** {who}."
        if note not in route.description:
            route.description = f"{route.description}\n\n{note}".strip()
