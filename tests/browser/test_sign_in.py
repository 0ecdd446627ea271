"""Signing in, in a real browser: errors in an error summary, the keyboard alone."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import Server, make_account, screenshot

pytestmark = pytest.mark.database


def test_empty_sign_in_shows_an_error_summary_linking_to_the_fields(
    server: Server, page: Page
) -> None:
    page.goto(server.url + "/sign-in")
    page.get_by_role("button", name="Sign in").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("heading")).to_have_text("There is a problem")
    expect(summary.get_by_role("link", name="Enter your username")).to_have_attribute(
        "href", "#username"
    )
    expect(summary.get_by_role("link", name="Enter your password")).to_have_attribute(
        "href", "#password"
    )
    summary.get_by_role("link", name="Enter your password").click()
    expect(page.get_by_label("Password", exact=True)).to_be_focused()
    expect(page.locator("#password")).to_have_attribute("aria-invalid", "true")


def test_a_wrong_password_is_reported_in_the_error_summary_and_nobody_is_signed_in(
    server: Server, page: Page
) -> None:
    account = make_account(server.database_url, "sam.duty", "coordinator")
    page.goto(server.url + "/sign-in")
    page.get_by_label("Username").fill(account.username)
    page.get_by_label("Password", exact=True).fill("not the password at all")
    page.get_by_role("button", name="Sign in").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter a correct username and password")
    expect(summary).to_be_focused()
    expect(page.locator("#username-error")).to_contain_text("Enter a correct username and password")
    expect(page.get_by_label("Password", exact=True)).to_have_value("")
    assert page.url.endswith("/sign-in")
    assert not [c for c in page.context.cookies() if c["name"] == "dutyline_session"]
    screenshot(page, "sign-in-error")


def test_signing_in_with_the_keyboard_alone(server: Server, page: Page) -> None:
    account = make_account(server.database_url, "kim.manager", "manager")
    page.goto(server.url + "/sign-in")
    screenshot(page, "sign-in")
    # The first Tab reaches the skip link, which jumps to the main content.
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Username")).to_be_focused()
    page.keyboard.type(account.username)
    page.keyboard.press("Tab")
    expect(page.get_by_label("Password", exact=True)).to_be_focused()
    page.keyboard.type(account.password)
    page.keyboard.press("Enter")
    # A manager's home is how the lines perform; the header says who is signed in.
    page.wait_for_url("**/insight")
    expect(page.get_by_text("Signed in as Kim Manager")).to_be_visible()
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Records")).to_be_visible()
    expect(nav.get_by_role("link", name="Insight")).to_be_visible()
    expect(nav.get_by_role("link", name="Users")).to_be_hidden()
    expect(nav.get_by_role("link", name="Desk")).to_be_hidden()


def test_a_page_opened_without_signing_in_goes_to_sign_in_and_back(
    server: Server, page: Page
) -> None:
    account = make_account(server.database_url, "kim.manager", "manager")
    page.goto(server.url + "/records?q=Riley")
    page.wait_for_url("**/sign-in?next=*")
    page.get_by_label("Username").fill(account.username)
    page.get_by_label("Password", exact=True).fill(account.password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/records?q=Riley")
    expect(page.get_by_label("Search")).to_have_value("Riley")


def test_signing_out_ends_the_session(server: Server, page: Page) -> None:
    account = make_account(server.database_url, "kim.manager", "manager")
    page.goto(server.url + "/sign-in")
    page.get_by_label("Username").fill(account.username)
    page.get_by_label("Password", exact=True).fill(account.password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/insight")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/sign-in")
    page.goto(server.url + "/records")
    page.wait_for_url("**/sign-in?next=*")
