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
    AnyRole,
    principal_of,
    public,
    sign_in,
    sign_out,
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
    responses={401: {"description": "Wrong username or password"}, 429: {}},
)
def create_session(body: SignIn, request: Request, session: SessionDep, now: NowDep) -> Response:
    """Sign in. Sets the session cookie (HttpOnly) and the CSRF cookie the pages send back.

    After five failures for a username in 15 minutes each further try must wait, doubling.
    """
    policy = request.app.state.session_policy
    try:
        user, secret, csrf = sign_in(session, body.username, body.password, now, policy.lifetime)
    except AppError:
        # Keep the failure counted: the session dependency commits only on success.
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
def delete_session(request: Request, principal: AnyRole, session: SessionDep) -> Response:
    """Sign out of this browser."""
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        sign_out(session, cookie)
    response = Response(status_code=204)
    response.delete_cookie(SESSION_COOKIE)
    response.delete_cookie(CSRF_COOKIE)
    return response
