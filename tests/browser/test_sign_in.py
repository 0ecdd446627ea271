"""Signing in, in a real browser: errors in an error summary, the keyboard alone."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import Server

pytestmark = pytest.mark.database


def test_empty_sign_in_shows_an_error_summary_linking_to_the_fields(
    server: Server, page: Page
) -> None:
    page.goto(server.url + "/sign-in")
    page.get_by_role("button", name="Sign in").click()
    summary = page.get_by_role("alert")
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
