"""Record search and a record's call facts in a real browser (issue 11): statuses the API
accepts, problems in words as a GOV.UK error summary, and words instead of codes."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.accessibility import assert_accessible
from tests.browser.conftest import Server, make_account, sign_in
from tests.browser.test_desk_and_manager import DEE_PHONE, call, workers

pytestmark = pytest.mark.database

RAW = re.compile(r"Input should be|TO_COMPLETE|to_complete|literal_error|enum", re.IGNORECASE)


def test_searching_by_status_speaks_in_words_and_never_shows_raw_validation(
    server: Server, page: Page
) -> None:
    dee, _ = workers(server.database_url, dee_on_call=True)
    account = make_account(server.database_url, "dee.duty", "worker", worker_id=dee)
    call(server, answer_by=DEE_PHONE)
    sign_in(page, server, account)

    # A search the API refuses (an old link's "answered"): a GOV.UK error summary in words,
    # no results left over, no validation text.
    page.goto(server.url + "/records?status=answered")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_contain_text("Choose a status from the list")
    expect(page.locator("#results-table")).to_have_count(0)
    expect(page.locator("main")).not_to_contain_text(RAW)
    assert_accessible(page, "a refused records search")

    # The select offers every status the API accepts, "To complete" among them.
    status = page.get_by_label("Status")
    options = status.locator("option").all_inner_texts()
    assert options == ["Any", "Ringing", "In progress", "Unanswered", "To complete", "Completed"]
    status.select_option(label="To complete")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**/records?status=to_complete")
    results = page.locator("#results-table")
    expect(results).to_contain_text("Dee Duty")
    # As shown (inner text, after any CSS text-transform), not as a shouted code.
    expect(results.locator("tbody td:nth-child(5)")).to_have_text(
        ["To complete"], use_inner_text=True
    )
    expect(page.locator(".govuk-error-summary")).to_have_count(0)
    expect(page.locator("main")).not_to_contain_text(RAW)
    assert_accessible(page, "records to complete")

    # The record's call facts: who was rung, in a social worker's words.
    results.get_by_role("link").first.click()
    page.wait_for_url("**/records/*")
    expect(page.locator("#record-tags")).to_contain_text("To complete", use_inner_text=True)
    facts = page.locator("#call-facts")
    # Step 1 out of hours; in hours the line's queue comes first, so Dee is step 2.
    expect(facts).to_contain_text(re.compile(r"Dee Duty \(step [12]\): Answered"))
    expect(facts).not_to_contain_text(re.compile(r"completed|no-answer|canceled"))
    assert_accessible(page, "a record's call facts")
