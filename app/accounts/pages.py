"""Web pages: staff accounts, for admins (their scripts call /api/users); and each person's
own account, where they change their password (/api/account/password).

The users page also flags calls that came in on a number matching no line, so that an admin
can put the number's configuration right.
"""

from datetime import timedelta

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.accounts.queries import unmatched_numbers
from app.api.deps import NowDep, SessionDep
from app.auth import StaffRole
from app.web.templating import render_for

router = APIRouter()

# How far back the users page looks for calls to a number that matches no line.
UNMATCHED_WINDOW = timedelta(days=30)


@router.get("/admin/users")
def users(request: Request, session: SessionDep, now: NowDep) -> Response:
    unmatched = unmatched_numbers(session, since=now - UNMATCHED_WINDOW)
    session.commit()  # no lock held while the page identifies its reader
    return render_for(
        request,
        (StaffRole.ADMIN,),
        "users.html",
        unmatched=unmatched,
        unmatched_days=UNMATCHED_WINDOW.days,
    )


@router.get("/admin/users/{user_id}")
def user(request: Request, user_id: int) -> Response:
    return render_for(request, (StaffRole.ADMIN,), "user.html", user_id=user_id)


@router.get("/account")
def account(request: Request) -> Response:
    """Changing one's own password: every role; the only page until an admin's reset is done."""
    return render_for(request, tuple(StaffRole), "account.html")
