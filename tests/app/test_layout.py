"""The layout on GOV.UK Frontend: vendored assets, offline /docs, links by role, a favicon."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from app.web.templating import STATIC_DIR
from tests.helpers import ApiClient

pytestmark = pytest.mark.database

VENDOR = STATIC_DIR / "vendor"
ROOT = Path(__file__).resolve().parents[2]


def _links(html: str) -> list[str]:
    return re.findall(r'class="govuk-service-navigation__link" href="([^"]+)"', html)


def test_govuk_frontend_is_vendored_at_the_version_the_macros_support(api: ApiClient) -> None:
    version = (VENDOR / "govuk-frontend" / "VERSION").read_text()
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "govuk-frontend-jinja==4.1.0" in pyproject["project"]["dependencies"]
    assert version.startswith("govuk-frontend 6.3.0 ")
    assert "MIT" in (VENDOR / "govuk-frontend" / "LICENSE.txt").read_text()
    # GDS Transport is GOV.UK's alone: no font files are served, so the CSS falls back to Arial.
    assert not list(VENDOR.rglob("*.woff*"))
    css = api.get("/static/vendor/govuk-frontend/govuk-frontend.min.css")
    assert css.status_code == 200 and "govuk-frontend-version" in css.text
    assert "arial,sans-serif" in css.text


def test_the_api_reference_works_without_the_internet(api: ApiClient) -> None:
    page = api.get("/docs")
    assert page.status_code == 200
    scripts = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert scripts and all(url.startswith("/") for url in scripts), scripts
    for url in scripts:
        assert api.get(url).status_code == 200, url


def test_favicon(api: ApiClient) -> None:
    icon = api.get("/favicon.ico")
    assert icon.status_code == 200
    assert icon.headers["content-type"] == "image/x-icon"
    assert icon.content[:4] == b"\x00\x00\x01\x00"  # an ICO file


def test_signed_out_pages_offer_no_links(api: ApiClient) -> None:
    page = api.get("/sign-in")
    assert page.status_code == 200
    assert "govuk-template__body" in page.text
    assert _links(page.text) == []
    assert "Sign out" not in page.text


@pytest.mark.parametrize(
    ("roles", "links"),
    [
        (("worker",), ["/desk", "/records", "/wallboard"]),
        (("manager",), ["/records", "/rota", "/closures", "/insight", "/wallboard"]),
        (("coordinator",), ["/rota", "/closures", "/workers", "/insight", "/wallboard"]),
        (("admin",), ["/workers", "/admin/users", "/admin/lines"]),
    ],
)
def test_the_header_offers_each_role_its_pages(
    api: ApiClient, roles: tuple[str, ...], links: list[str]
) -> None:
    user = api.sign_in_as(*roles)
    page = api.get("/wallboard")
    assert _links(page.text) == links
    # The name leads to the account page, where everyone changes their own password.
    name = f'href="/account" id="your-account-link">{user.username.title()}</a>'
    assert "Signed in as <a " in page.text and name in page.text
    if "/wallboard" in links:
        assert 'aria-current="page"' in page.text


def test_an_expired_session_gets_the_signed_out_layout(api: ApiClient) -> None:
    api.sign_in_as("manager")
    api.cookies.set("dutyline_session", "not-a-session")
    assert _links(api.get("/wallboard").text) == []


@pytest.mark.parametrize(
    ("roles", "home"),
    [(("worker",), "/desk"), (("manager",), "/insight"), (("coordinator",), "/rota")],
)
def test_home_is_each_roles_first_page(api: ApiClient, roles: tuple[str, ...], home: str) -> None:
    api.sign_in_as(*roles)
    assert api.get("/", follow_redirects=False).headers["location"] == home


@pytest.mark.parametrize(
    ("roles", "path", "for_whom"),
    [
        (("worker",), "/admin/users", "admins"),
        (("worker",), "/rota", "rota coordinators and managers"),
        (("coordinator",), "/records", "social workers and managers"),
        (("manager",), "/desk", "social workers"),
        (("manager",), "/workers", "admins and rota coordinators"),
        (("coordinator",), "/admin/lines", "admins"),
    ],
)
def test_a_page_says_whom_it_is_for_instead_of_showing_its_forms(
    api: ApiClient, roles: tuple[str, ...], path: str, for_whom: str
) -> None:
    api.sign_in_as(*roles)
    page = api.get(path)
    assert page.status_code == 403
    assert f"This page is for {for_whom}" in page.text
    assert (
        "<form" not in page.text and '<script type="module" src="/static/js/rota' not in page.text
    )


def test_a_page_opened_signed_out_goes_to_sign_in_and_back(api: ApiClient) -> None:
    page = api.get("/rota/calendar?view=month", follow_redirects=False)
    assert page.status_code == 303
    assert page.headers["location"] == "/sign-in?next=%2Frota%2Fcalendar%3Fview%3Dmonth"


def test_calls_to_a_number_matching_no_line_keep_it_and_are_flagged_to_admins(
    api: ApiClient,
) -> None:
    from tests.helpers import new_call_sid, stored_record

    sid = new_call_sid()
    answer = api.twilio.incoming(sid, to="+441305228999")  # signed with Twilio's validator
    assert answer.status_code == 200 and "<Response>" in answer.text
    api.twilio.incoming(new_call_sid(), to="+441305228999")
    record = stored_record(api.factory, sid)
    assert record.dialled_number == "+441305228999" and record.dialled_known is False

    api.sign_in_as("admin")
    page = api.get("/admin/users")
    assert page.status_code == 200
    assert "Calls came in on a number that matches no line" in page.text
    assert "01305 228999: 2 calls, the last on " in page.text
    assert "+441305228999" not in page.text

    api.sign_in_as("worker")
    refused = api.get("/admin/users")
    assert refused.status_code == 403 and "01305 228999" not in refused.text

    api.sign_in_as("manager")
    facts = api.get(f"/api/records/{record.id}").json()["call"]
    assert facts["dialled_known"] is False
    assert facts["dialled_number"] == "+441305228999"
    assert facts["dialled_words"] == "01305 228999"
    assert facts["line"]["name"] == "Public line"


def test_no_flag_when_every_call_matched_a_line(api: ApiClient) -> None:
    from tests.helpers import new_call_sid

    api.twilio.incoming(new_call_sid())
    api.sign_in_as("admin")
    assert "matches no line" not in api.get("/admin/users").text
