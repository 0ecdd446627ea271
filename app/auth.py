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
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from ipaddress import IPv4Network, IPv6Network, ip_address
from typing import Annotated, Any, cast

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from fastapi import Depends, FastAPI, Request, routing
from fastapi.routing import APIRoute
from sqlalchemy import Table, case, delete, func, or_, select, update
from sqlalchemy.orm import Session

from app.api.deps import NowDep, SessionDep
from app.errors import Forbidden, TooManyTries, Unauthorized
from models import ApiToken, SignInThrottle, User, WebSession
from models.db import insert_ignoring_conflicts

log = logging.getLogger("dutyline.auth")

SESSION_COOKIE = "dutyline_session"
CSRF_COOKIE = "dutyline_csrf"
CSRF_HEADER = "X-CSRF-Token"
TOKEN_PREFIX = "dl_"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

# Password checks: each account, and each source address, has a few free ones; then each
# further check waits longer, doubling. A window without tries (after the last wait ended)
# starts the count afresh.
FAILURE_WINDOW = timedelta(minutes=15)
FREE_FAILURES = 5
# Higher: an office's staff may sign in from one address, and a good password gives its
# check back.
FREE_FAILURES_PER_ADDRESS = 20
FIRST_WAIT = timedelta(seconds=30)
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
    # An admin reset the password: a person signed in must choose their own first.
    must_change_password: bool = False

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
        must_change_password=user.must_change_password,
    )


# Signing in and out


WRONG_PASSWORD = "Wrong username or password."


def client_address(request: Request) -> str:
    """The address a request came from, for counting sign-ins.

    Behind a trusted proxy (DUTYLINE_TRUSTED_PROXIES) the last address in X-Forwarded-For
    that is not itself a trusted proxy; without that setting the header is ignored, since
    anyone can send it.
    """
    peer = request.client.host if request.client else "unknown"
    trusted = request.app.state.settings.trusted_proxy_networks
    if not _within(peer, trusted):
        return peer
    forwarded = [part.strip() for part in request.headers.get("x-forwarded-for", "").split(",")]
    for hop in reversed(forwarded):
        if not _within(hop, trusted):
            return hop if _is_address(hop) else peer
        peer = hop
    return peer


def _is_address(text: str) -> bool:
    try:
        ip_address(text)
    except ValueError:
        return False
    return True


def _within(text: str, networks: Sequence[IPv4Network | IPv6Network]) -> bool:
    try:
        address = ip_address(text)
    except ValueError:
        return False
    return any(address in network for network in networks)


def _attempt_key(username: str) -> str:
    return digest("sign-in:" + username.strip().casefold())


def _address_key(address: str) -> str:
    return digest("sign-in-address:" + address)


def wait_in_words(seconds: int) -> str:
    """How long to wait, as a person says it: "40 seconds", "1 minute", "4 minutes"."""
    if seconds < 60:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = -(-seconds // 60)
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def too_many_tries(wait: int) -> TooManyTries:
    return TooManyTries(
        f"Too many attempts. Try again in {wait_in_words(wait)}.",
        headers={"Retry-After": str(wait)},
    )


_THROTTLES = cast(Table, SignInThrottle.__table__)


def _reserve_check(session: Session, key: str, limit: int, now: datetime) -> int:
    """Take one password check for ``key``: 0, or the seconds to wait when none is free.

    One conditional UPDATE takes the check, so simultaneous requests in any number of
    processes queue on the row (PostgreSQL) or the file (SQLite) and cannot overrun the limit.
    """
    table = _THROTTLES
    session.execute(
        insert_ignoring_conflicts(session.get_bind().dialect.name, table).values(
            key_digest=key, tries=0, last_try_at=now, blocked_until=None
        )
    )
    row = table.c
    # Quiet: no try for a window after the last try, or after the last wait ended.
    quiet = func.coalesce(row.blocked_until, row.last_try_at) <= now - FAILURE_WINDOW
    tries = session.execute(
        update(table)
        .where(row.key_digest == key, or_(quiet, row.tries < limit, row.blocked_until <= now))
        .values(
            tries=case((quiet, 1), else_=row.tries + 1),
            blocked_until=case((quiet, None), else_=row.blocked_until),
            last_try_at=now,
        )
        .returning(row.tries)
    ).scalar_one_or_none()
    if tries is None:
        blocked_until = session.scalar(select(row.blocked_until).where(row.key_digest == key))
        return max(1, int(((blocked_until or now + FIRST_WAIT) - now).total_seconds()) + 1)
    if tries >= limit:
        # The exponent is capped: a guesser kept at it for hours must not overflow timedelta.
        wait = min(FIRST_WAIT * 2 ** min(tries - limit, 16), MAX_WAIT)
        session.execute(update(table).where(row.key_digest == key).values(blocked_until=now + wait))
    return 0


def _give_back_check(session: Session, key: str) -> None:
    table = _THROTTLES
    session.execute(
        update(table)
        .where(table.c.key_digest == key, table.c.tries > 0)
        .values(tries=table.c.tries - 1)
    )


@dataclass(frozen=True)
class PasswordCheck:
    """A password check taken for an account and a source address (see ``reserve_check``)."""

    account_key: str
    address_key: str


def reserve_check(session: Session, username: str, address: str, now: datetime) -> PasswordCheck:
    """Take a password check for ``username`` from ``address``, or raise TooManyTries.

    Commit at once, before checking the password (which is slow on purpose), so that every
    process sees the check taken. Whether the account exists changes nothing here.
    """
    check = PasswordCheck(_attempt_key(username), _address_key(address))
    wait = _reserve_check(session, check.address_key, FREE_FAILURES_PER_ADDRESS, now)
    if wait:
        log.warning("password check refused (address key %s)", check.address_key[:12])
        raise too_many_tries(wait)
    wait = _reserve_check(session, check.account_key, FREE_FAILURES, now)
    if wait:
        _give_back_check(session, check.address_key)  # the address's check was not used
        log.warning("password check refused (account key %s)", check.account_key[:12])
        raise too_many_tries(wait)
    return check


def check_passed(session: Session, check: PasswordCheck) -> None:
    """The right password: the account starts afresh and the address gets its check back."""
    table = _THROTTLES
    session.execute(delete(table).where(table.c.key_digest == check.account_key))
    _give_back_check(session, check.address_key)


def user_named(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(User.username == username.strip()))


def sign_in(
    session: Session, user: User | None, password: str, now: datetime, lifetime: timedelta
) -> tuple[User, str, str]:
    """Check ``user``'s password; on success a new web session: (user, cookie secret, CSRF).

    The caller has taken the check (``reserve_check``) and committed, so no lock is held
    while argon2 runs. Raises Unauthorized, the same whether or not the account exists.
    """
    matched = password_matches(user.password_hash if user else _DUMMY_HASH, password)
    if user is None or not matched or not user.active:
        log.warning("sign-in failed (user %s)", user.id if user else "unknown")
        raise Unauthorized(WRONG_PASSWORD)
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    secret, csrf = start_web_session(session, user.id, now, lifetime)
    log.info("user %d signed in", user.id)
    return user, secret, csrf


def start_web_session(
    session: Session, user_id: int, now: datetime, lifetime: timedelta
) -> tuple[str, str]:
    """A new signed-in browser for ``user_id``: (cookie secret, CSRF token)."""
    secret, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    session.add(
        WebSession(
            token_digest=digest(secret),
            csrf_token=csrf,
            user_id=user_id,
            created_at=now,
            last_seen_at=now,
            expires_at=now + lifetime,
        )
    )
    return secret, csrf


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


PASSWORD_CHANGE_FIRST = "Change your password first: an admin reset it. Go to Your account."


def require(*roles: StaffRole, before_password_change: bool = False) -> Callable[..., Principal]:
    """A dependency: the caller must be signed in and hold one of ``roles``.

    A person whose password an admin reset may call only the routes marked
    ``before_password_change`` (changing it, signing out, who am I) until they change it.
    """
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
        if password_change_due(principal) and not before_password_change:
            raise Forbidden(PASSWORD_CHANGE_FIRST)
        if principal.via == "session" and request.method not in SAFE_METHODS:
            sent = request.headers.get(CSRF_HEADER, "")
            if not principal.csrf_token or not hmac.compare_digest(sent, principal.csrf_token):
                raise Forbidden("Missing or wrong CSRF token; reload the page.")
        return principal

    dependency.allowed_roles = allowed  # type: ignore[attr-defined]
    return dependency


AnyRole = Annotated[Principal, Depends(require(*StaffRole))]
# Signed in, even with a password still to change (an admin reset it).
EvenBeforePasswordChange = Annotated[
    Principal, Depends(require(*StaffRole, before_password_change=True))
]


def password_change_due(principal: Principal) -> bool:
    """A person (not a system's token) whose password an admin reset and who has not yet
    chosen their own: pages send them to /account, the API refuses them."""
    return principal.must_change_password and principal.via == "session"


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
