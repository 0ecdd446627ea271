"""User admin in a real browser: an admin creates a social worker's account, who can sign in;
axe-core finds nothing on each state of the pages."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.browser.accessibility import assert_accessible
from tests.browser.conftest import PASSWORD, Account, Server, make_account, screenshot, sign_in
from tests.helpers import add_worker

pytestmark = pytest.mark.database


def test_an_admin_creates_a_social_worker_who_then_signs_in(
    server: Server, new_page: Callable[..., Page]
) -> None:
    from models.db import make_engine, make_session_factory

    engine = make_engine(server.database_url)
    add_worker(make_session_factory(engine), "Robin Reyes", "+447700900321", available=False)
    engine.dispose()
    admin = make_account(server.database_url, "ada.admin", "admin", display_name="Ada Admin")
    page = new_page()
    sign_in(page, server, admin)
    page.wait_for_url("**/admin/users")
    expect(page.locator("#users-table")).to_contain_text("ada.admin")

    # Nothing filled in: every problem is listed and linked, nothing is created.
    page.get_by_role("button", name="Create user").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter a username")
    expect(summary).to_contain_text("Select at least one role")
    assert_accessible(page, "the users page listing every problem")
    summary.get_by_role("link", name="Select at least one role").click()
    expect(page.locator("#roles")).to_be_focused()

    page.get_by_label("Username").fill("robin.reyes")
    page.get_by_label("Full name").fill("Robin Reyes")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Social worker: takes calls and writes records").check()
    # The worker is offered with their phone in UK national format.
    page.get_by_label("Linked worker").select_option(label="Robin Reyes, 07700 900321")
    page.get_by_role("button", name="Create user").click()
    expect(page.locator("#created-banner")).to_contain_text("Robin Reyes can now sign in")
    row = page.locator("#users-table tr", has_text="robin.reyes")
    expect(row).to_contain_text("Social worker")
    expect(row).to_contain_text("Active")
    expect(row).to_contain_text("Password to change")  # an admin chose it: they choose their own
    expect(row).to_contain_text("07700 900321")  # the worker's phone, as staff write it
    assert_accessible(page, "the users page after creating a user")
    screenshot(page, "user-admin")

    # The API refuses a taken username; the page says so beside the field.
    page.get_by_label("Username").fill("robin.reyes")
    page.get_by_label("Full name").fill("Another Robin")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Manager: reads records, reassigns, audit trails").check()
    page.get_by_role("button", name="Create user").click()
    expect(page.locator("#username-error")).to_contain_text("taken")
    assert_accessible(page, "the users page refusing a taken username")

    # The new account works, in a browser of its own, once they choose their own password.
    worker_page = new_page()
    account = Account("robin.reyes", PASSWORD, 0, None)
    sign_in(worker_page, server, account)
    worker_page.wait_for_url("**/account")
    expect(worker_page.get_by_text("Signed in as Robin Reyes")).to_be_visible()
    worker_page.get_by_label("Current password").fill(PASSWORD)
    worker_page.get_by_label("New password", exact=True).fill("robins own passphrase")
    worker_page.get_by_label("Confirm new password").fill("robins own passphrase")
    worker_page.get_by_role("button", name="Change password").click()
    worker_page.get_by_role("link", name="Continue to your first page").click()
    worker_page.wait_for_url("**/desk")


def test_an_admin_resets_a_password_issues_and_revokes_a_token_and_deactivates(
    server: Server, new_page: Callable[..., Page]
) -> None:
    admin = make_account(server.database_url, "ada.admin", "admin", display_name="Ada Admin")
    other = make_account(server.database_url, "cy.coord", "coordinator", display_name="Cy Coord")
    page = new_page()
    sign_in(page, server, admin)
    page.wait_for_url("**/admin/users")
    page.locator("#users-table").get_by_role("link", name="cy.coord").click()
    page.wait_for_url(f"**/admin/users/{other.user_id}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Cy Coord")
    expect(page.get_by_label("Rota coordinator")).to_be_checked()
    assert_accessible(page, "a user's page")

    # A new password: too short is refused beside the field; a good one works.
    page.get_by_label("New password").fill("short")
    page.get_by_role("button", name="Reset password").click()
    expect(page.locator("#new_password-error")).to_contain_text("at least 12 characters")
    assert_accessible(page, "a user's page refusing a short password")
    page.get_by_label("New password").fill("a brand new long password")
    page.get_by_role("button", name="Reset password").click()
    expect(page.locator("#user-announce")).to_have_text(
        "Password reset. They choose their own when they next sign in."
    )
    expect(page.locator("#user-details")).to_contain_text("Set by an administrator")

    # A token is shown once, then listed by its prefix only; it can be revoked.
    page.get_by_label("What the token is for").fill("Case management sync")
    page.get_by_role("button", name="Issue a token").click()
    issued = page.locator("#issued-token-value")
    expect(issued).not_to_be_empty()
    token = issued.inner_text()
    row = page.locator("#tokens-table tr", has_text="Case management sync")
    expect(row).to_contain_text("Active")
    prefix = row.locator("code").inner_text()
    assert_accessible(page, "a user's page showing an issued token")
    assert token.startswith(prefix) and len(token) > len(prefix)
    page.once("dialog", lambda dialog: dialog.accept())
    row.get_by_role("button", name="Revoke").click()
    expect(row).to_contain_text("Revoked")
    expect(row.get_by_role("button", name="Revoke")).to_have_count(0)

    page.get_by_role("button", name="Deactivate user").click()
    expect(page.locator("#user-status")).to_contain_text("Deactivated")
    expect(page.get_by_role("button", name="Reactivate user")).to_be_visible()
    assert_accessible(page, "a deactivated user's page")

    # Deactivated: even the new password is refused.
    other_page = new_page()
    other_page.goto(server.url + "/sign-in")
    other_page.get_by_label("Username").fill("cy.coord")
    other_page.get_by_label("Password", exact=True).fill("a brand new long password")
    other_page.get_by_role("button", name="Sign in").click()
    expect(other_page.locator(".govuk-error-summary")).to_contain_text(
        "Enter a correct username and password"
    )


def test_an_admin_sees_calls_to_a_number_matching_no_line(
    server: Server, new_page: Callable[..., Page]
) -> None:
    from telephony.simulator import simulate_call
    from tests.helpers import AUTH_TOKEN

    simulate_call(
        server_url=server.url,
        public_base_url=server.url,
        auth_token=AUTH_TOKEN,
        to="+441305228999",
        from_="+447700900123",
        answer_by=None,
    )
    admin = make_account(server.database_url, "ada.admin", "admin", display_name="Ada Admin")
    page = new_page()
    sign_in(page, server, admin)
    page.wait_for_url("**/admin/users")
    banner = page.get_by_role("region", name="Important")
    expect(banner).to_contain_text("Calls came in on a number that matches no line")
    expect(banner).to_contain_text("01305 228999: 1 call, the last on ")
    assert_accessible(page, "the users page flagging a number that matches no line")
