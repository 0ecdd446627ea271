"""User admin in a real browser: an admin creates a social worker's account, who can sign in."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

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
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Enter a username")
    expect(summary).to_contain_text("Select at least one role")
    summary.get_by_role("link", name="Select at least one role").click()
    expect(page.locator("#roles")).to_be_focused()

    page.get_by_label("Username").fill("robin.reyes")
    page.get_by_label("Full name").fill("Robin Reyes")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Social worker: takes calls and writes records").check()
    page.get_by_label("Linked worker").select_option(label="Robin Reyes")
    page.get_by_role("button", name="Create user").click()
    expect(page.locator("#created-banner")).to_contain_text("Robin Reyes can now sign in")
    row = page.locator("#users-table tr", has_text="robin.reyes")
    expect(row).to_contain_text("Social worker")
    expect(row).to_contain_text("Active")
    screenshot(page, "user-admin")

    # The API refuses a taken username; the page says so beside the field.
    page.get_by_label("Username").fill("robin.reyes")
    page.get_by_label("Full name").fill("Another Robin")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Manager: reads records, reassigns, audit trails").check()
    page.get_by_role("button", name="Create user").click()
    expect(page.locator("#username-error")).to_contain_text("taken")

    # The new account works, in a browser of its own.
    worker_page = new_page()
    account = Account("robin.reyes", PASSWORD, 0, None)
    sign_in(worker_page, server, account)
    worker_page.wait_for_url("**/desk")
    expect(worker_page.get_by_text("Signed in as Robin Reyes")).to_be_visible()
