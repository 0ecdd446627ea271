"""/api/session: signing in and out of the web UI."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from app.api.deps import NowDep, SessionDep
from app.api.me import MeRead, me_read
from app.auth import (
    CSRF_COOKIE,
    SESSION_COOKIE,
    EvenBeforePasswordChange,
    check_passed,
    client_address,
    principal_of,
    public,
    reserve_check,
    sign_in,
    sign_out,
    user_named,
)
from app.errors import AppError

router = APIRouter(tags=["session"])


class SignIn(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=200)


def _secure(request: Request) -> bool:
    return bool(request.app.state.settings.public_base_url.startswith("https://"))


@router.post(
    "/session",
    response_model=MeRead,
    dependencies=[public("signing in needs no sign-in")],
    responses={
        401: {"description": "Wrong username or password"},
        429: {"description": "Too many attempts; Retry-After says how many seconds to wait"},
    },
)
def create_session(body: SignIn, request: Request, session: SessionDep, now: NowDep) -> Response:
    """Sign in. Sets the session cookie (HttpOnly) and the CSRF cookie the pages send back.

    Five password checks for a username, or twenty from one address, then each further
    try must wait, doubling (429 with Retry-After). `must_change_password` true: an admin
    reset the password, and only /api/account/password, /api/me and signing out answer
    until it is changed.
    """
    policy = request.app.state.session_policy
    try:
        check = reserve_check(session, body.username, client_address(request), now)
        user = user_named(session, body.username)
        # The check counts at once, in every process; and no lock is held while argon2 runs.
        session.commit()
        user, secret, csrf = sign_in(session, user, body.password, now, policy.lifetime)
        check_passed(session, check)
    except AppError:
        # Keep what was counted: the session dependency commits only on success.
        session.commit()
        raise
    session.flush()
    me = me_read(session, principal_of(user, "session", csrf), now)
    response = JSONResponse(me.model_dump(mode="json"))
    secure = _secure(request)
    max_age = int(policy.lifetime.total_seconds())
    response.set_cookie(
        SESSION_COOKIE, secret, max_age=max_age, httponly=True, secure=secure, samesite="lax"
    )
    response.set_cookie(
        CSRF_COOKIE, csrf, max_age=max_age, httponly=False, secure=secure, samesite="strict"
    )
    return response


@router.delete("/session", status_code=204)
def delete_session(
    request: Request, principal: EvenBeforePasswordChange, session: SessionDep
) -> Response:
    """Sign out of this browser."""
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        sign_out(session, cookie)
    response = Response(status_code=204)
    response.delete_cookie(SESSION_COOKIE)
    response.delete_cookie(CSRF_COOKIE)
    return response
