"""Your account in a real browser: changing your own password, the change an admin's reset
forces at the next sign-in, and a slowed-down sign-in saying how long to wait. axe-core finds
nothing on each state."""

from __future__ import annotations

import re
from collections.abc import Callable

import httpx
import pytest
from playwright.sync_api import Page, expect

from app.auth import FREE_FAILURES
from tests.browser.accessibility import assert_accessible
from tests.browser.conftest import PASSWORD, Account, Server, make_account, screenshot, sign_in

pytestmark = [
    pytest.mark.database,
    pytest.mark.parametrize("database_url", ["sqlite"], indirect=True),
]

NEW_PASSWORD = "kims own long passphrase"


def change_password(page: Page, current: str, new: str, confirm: str | None = None) -> None:
    page.get_by_label("Current password").fill(current)
    page.get_by_label("New password", exact=True).fill(new)
    page.get_by_label("Confirm new password").fill(new if confirm is None else confirm)
    page.get_by_role("button", name="Change password").click()


def test_a_person_changes_their_password_and_signs_in_with_the_new_one(
    server: Server, new_page: Callable[..., Page]
) -> None:
    kim = make_account(server.database_url, "kim.manager", "manager", display_name="Kim Manager")
    elsewhere = new_page()
    sign_in(elsewhere, server, kim)
    page = new_page()
    sign_in(page, server, kim)
    page.wait_for_url("**/insight")
    # The name in the header leads to the account page.
    page.get_by_role("link", name="Kim Manager").click()
    page.wait_for_url("**/account")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account")
    expect(page.locator("#about-me-list")).to_contain_text("kim.manager")
    expect(page.locator("#about-me-list")).to_contain_text("Manager")
    assert_accessible(page, "the account page")

    page.get_by_role("button", name="Change password").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Enter your current password")
    expect(summary).to_contain_text("Enter a new password of at least 12 characters")
    assert_accessible(page, "the account page listing problems")

    change_password(page, PASSWORD, NEW_PASSWORD, confirm="something else entirely")
    expect(page.locator("#confirm_password-error")).to_contain_text("same new password twice")
    change_password(page, "not my password at all", NEW_PASSWORD)
    expect(page.locator("#current_password-error")).to_contain_text("current password is wrong")
    change_password(page, PASSWORD, "kim.manager")
    expect(page.locator("#new_password-error")).to_contain_text("at least 12 characters")
    assert_accessible(page, "the account page refusing a password")

    change_password(page, PASSWORD, NEW_PASSWORD)
    banner = page.locator("#changed-banner")
    expect(banner).to_be_visible()
    expect(banner).to_be_focused()
    expect(banner).to_contain_text("Your password has been changed")
    expect(page.locator(".govuk-error-summary")).to_have_count(0)
    assert_accessible(page, "the account page after a change")
    screenshot(page, "account-password-changed")

    # The other browser was signed out; this one was not.
    elsewhere.goto(server.url + "/records")
    elsewhere.wait_for_url("**/sign-in?next=*")
    page.goto(server.url + "/records")
    page.wait_for_url("**/records")

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/sign-in")
    page.get_by_label("Username").fill("kim.manager")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("#username-error")).to_contain_text("Enter a correct username and password")
    sign_in(page, server, Account("kim.manager", NEW_PASSWORD, kim.user_id, None))
    page.wait_for_url("**/insight")


def test_an_admins_reset_makes_them_choose_a_password_before_anything_else(
    server: Server, new_page: Callable[..., Page]
) -> None:
    admin = make_account(server.database_url, "ada.admin", "admin", display_name="Ada Admin")
    cy = make_account(server.database_url, "cy.coord", "coordinator", display_name="Cy Coord")
    page = new_page()
    sign_in(page, server, admin)
    page.goto(f"{server.url}/admin/users/{cy.user_id}")
    page.get_by_label("New password").fill("the admins choice")
    page.get_by_role("button", name="Reset password").click()
    expect(page.locator("#user-announce")).to_contain_text("Password reset.")

    cy_page = new_page()
    sign_in(cy_page, server, Account("cy.coord", "the admins choice", cy.user_id, None))
    cy_page.wait_for_url("**/account")
    important = cy_page.get_by_role("region", name="Important")
    expect(important).to_contain_text("Choose your own before you carry on")
    assert_accessible(cy_page, "the account page when a change is due")
    screenshot(cy_page, "account-change-due")
    # Every other page sends them back here until they do.
    cy_page.goto(server.url + "/rota")
    cy_page.wait_for_url("**/account")

    change_password(cy_page, "the admins choice", "cys very own passphrase")
    expect(cy_page.locator("#changed-banner")).to_be_visible()
    expect(important).to_have_count(0)
    cy_page.get_by_role("link", name="Continue to your first page").click()
    cy_page.wait_for_url("**/rota")

    # The admin sees they chose their own.
    page.reload()
    expect(page.locator("#user-details")).to_contain_text("Chosen by them")


def test_a_slowed_down_sign_in_says_how_long_to_wait(server: Server, page: Page) -> None:
    make_account(server.database_url, "kim.manager", "manager")
    for _ in range(FREE_FAILURES):
        body = {"username": "kim.manager", "password": "a wrong guess!"}
        assert httpx.post(server.url + "/api/session", json=body).status_code == 401
    page.goto(server.url + "/sign-in")
    page.get_by_label("Username").fill("kim.manager")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text(re.compile(r"Too many attempts\. Try again in \d+ seconds\."))
    assert page.url.endswith("/sign-in")
    assert_accessible(page, "the sign-in page slowed down")
    screenshot(page, "sign-in-slowed-down")
