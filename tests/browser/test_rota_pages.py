"""The rota pages in a real browser, against a real ``dutyline serve`` process.

The server runs on the real clock, so the story happens *now*: a declared closure (a team
training) makes the present out of hours whatever the hour of the test run, and the shifts
the coordinator touches are the ones on call at this moment. Calls are simulated against
the same server, signed as Twilio signs them, to hear whom the rota makes them ring.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from playwright.sync_api import Page, expect

from routing import LONDON
from tests.browser.conftest import Server, make_account, screenshot, sign_in
from tests.browser.rota_support import (
    arrange_team,
    call_now,
    date_shown,
    dialled,
    fill_when,
    london_input,
    next_missing_local_time,
    screenshot_top,
)
from tests.helpers import FALLBACK_NUMBER

pytestmark = pytest.mark.database


def loaded(page: Page, times: int = 1) -> None:
    """Wait until the page's script has (re)loaded its data at least ``times`` times."""
    page.wait_for_function(f"Number(document.body.dataset.rotaLoaded || 0) >= {times}")


def test_a_coordinator_plans_eight_weeks_covers_a_sickness_and_sees_a_deleted_shift_become_a_gap(
    server: Server, page: Page
) -> None:
    team = arrange_team(server.database_url)
    ann, bo, cy, di, eve = (team[name] for name in team)
    coordinator = make_account(server.database_url, "cora.rota", "coordinator")

    # A coordinator's home is the rota page; with no rota yet, everything is a gap.
    sign_in(page, server, coordinator)
    page.wait_for_url("**/rota")
    loaded(page)
    expect(page.locator("#gaps-table")).to_contain_text("GAP: no primary")
    expect(page.locator("#gaps-table")).to_contain_text("GAP: no backup")

    # A weekly rotation of Ann, Bo and Cy, the next in line as backup. It hands over half a
    # day from now, so the shifts on call now last the whole test, whatever the hour.
    page.get_by_role("navigation", name="Rota").get_by_role("link", name="Rotations").click()
    page.wait_for_url("**/rota/rotations")
    loaded(page)
    page.get_by_label("Name").fill("Weekly on call")
    for worker in (ann, bo, cy):
        page.get_by_label("Add a worker").select_option(label=worker.name)
        page.get_by_role("button", name="Add to the rotation").click()
    expect(page.locator("#rotation-members li")).to_have_count(3)
    expect(page.locator("#rotation-members li").first).to_contain_text(ann.name)
    expect(page.get_by_label("Hand-over time")).to_have_value("09:00")
    handover = (datetime.now(UTC) + timedelta(hours=12)).astimezone(LONDON).strftime("%H:00")
    page.get_by_label("Hand-over time").fill(handover)
    expect(page.get_by_label("A week at a time")).to_be_checked()
    expect(page.get_by_label("Backup offset")).to_have_value("1")
    screenshot(page, "rota-rotation-form")
    page.get_by_role("button", name="Create rotation").click()
    expect(page.locator("#rota-banner")).to_contain_text('Rotation "Weekly on call" created')

    # Applied for 8 weeks from today (the dates filled in), then again: nothing doubles.
    card = page.locator("[data-rotation-id]", has_text="Weekly on call")
    today = datetime.now(UTC).astimezone(LONDON).date()
    assert date_shown(card, "-from_date") == today.isoformat()
    assert date_shown(card, "-to_date") == (today + timedelta(weeks=8)).isoformat()
    card.get_by_role("button", name="Apply rotation").click()
    created_text = card.locator("[data-count=created]")
    expect(created_text).to_contain_text("shifts created")
    created = int(created_text.inner_text().split()[0])
    assert created >= 100, created_text.inner_text()  # primary and backup for some 57 nights
    card.get_by_role("button", name="Apply rotation").click()
    expect(created_text).to_have_text("0 shifts created")
    expect(card.locator("[data-count=unchanged]")).to_contain_text(f"{created} kept")

    # No gaps and no conflicts in the next 8 weeks.
    page.get_by_role("navigation", name="Rota").get_by_role("link", name="Gaps and shifts").click()
    page.wait_for_url("**/rota")
    loaded(page)
    expect(page.locator("#no-gaps")).to_contain_text("No gaps in the next 8 weeks")
    expect(page.locator("#gaps-table")).to_have_count(0)
    expect(page.locator("#no-conflicts")).to_be_visible()

    # Whoever is primary on call now is off sick: Di covers them for this shift.
    shifts = page.locator("#shifts-table")
    on_call = shifts.locator("tr[data-shift-role=primary]", has_text="On call now")
    expect(on_call).to_have_count(1)
    sick_name = on_call.get_attribute("data-worker")
    assert sick_name in (ann.name, bo.name, cy.name)
    on_call.get_by_role("button", name="Cover").click()
    expect(page.get_by_label("Who is away")).to_have_value(str(team[sick_name].id))
    expect(page.get_by_label("Primary only")).to_be_checked()
    page.get_by_label("Who covers them").select_option(label=di.name)
    page.locator("#cover-form").get_by_label("Reason").fill("Sickness")
    page.get_by_role("button", name="Record cover").click()
    expect(page.locator("#rota-banner")).to_contain_text(f"{di.name} covers {sick_name} from")
    expect(page.locator("#covers-list")).to_contain_text(f"{di.name} covers {sick_name}")
    expect(page.locator("#no-gaps")).to_be_visible()

    # A call now rings Di first, and she takes it.
    covered_call = call_now(server, answer_by=di.phone)
    assert dialled(covered_call)[0] == [di.phone], covered_call.lines
    assert covered_call.answered_by == di.phone

    # Di's shift is deleted. It has started, so the API ends it now rather than erasing it,
    # and a gap with no primary opens from now.
    di_row = shifts.locator(f"tr[data-worker='{di.name}'][data-shift-role=primary]")
    expect(di_row).to_contain_text("On call now")
    di_row.get_by_role("button", name="Delete").click()
    di_row.get_by_role("button", name="Yes, delete").click()
    expect(page.locator("#rota-banner")).to_contain_text("had already started, so it was ended at")
    gaps = page.locator("#gaps-table")
    expect(gaps.locator("tr[data-gap-role=primary]").first).to_contain_text("GAP: no primary")
    first_gap_start = datetime.fromisoformat(
        gaps.locator("tr[data-gap-role=primary]").first.get_attribute("data-gap-start") or ""
    )
    assert abs(first_gap_start - datetime.now(UTC)) < timedelta(minutes=2)
    expect(gaps.locator("tr[data-gap-role=backup]")).to_have_count(0)
    screenshot_top(page, "rota-gaps", 1250)

    # A call now skips the primary: it rings the backup, then the fallback number.
    backup_row = shifts.locator("tr[data-shift-role=backup]", has_text="On call now")
    backup = team[backup_row.get_attribute("data-worker") or ""]
    first_gap_call = call_now(server, answer_by=FALLBACK_NUMBER)
    assert dialled(first_gap_call)[:2] == [[backup.phone], [FALLBACK_NUMBER]], first_gap_call.lines
    assert first_gap_call.answered_by == FALLBACK_NUMBER

    # The backup's shift goes too: with nobody on call, a call goes straight to the fallback.
    backup_row.get_by_role("button", name="Delete").click()
    backup_row.get_by_role("button", name="Yes, delete").click()
    expect(page.locator("#rota-banner")).to_contain_text("had already started, so it was ended at")
    expect(gaps.locator("tr[data-gap-role=backup]").first).to_contain_text("GAP: no backup")
    fallback_call = call_now(server, answer_by=FALLBACK_NUMBER)
    assert dialled(fallback_call)[0] == [FALLBACK_NUMBER], fallback_call.lines
    assert fallback_call.answered_by == FALLBACK_NUMBER

    # The calendar shows this week's gap in words, in today's column.
    today = datetime.now(UTC).astimezone(LONDON).date()
    page.get_by_role("navigation", name="Rota").get_by_role("link", name="Calendar").click()
    page.wait_for_url("**/rota/calendar")
    loaded(page)
    today_primary = page.locator(f"td[data-date='{today.isoformat()}'][data-role=primary]")
    upcoming_gap = today_primary.locator(".rota-gap[data-past=no]")
    expect(upcoming_gap.first).to_contain_text("GAP: no primary")
    expect(page.locator("#calendar-summary")).to_contain_text("still to come in this week")
    screenshot(page, "rota-calendar-week")

    # Editing from the grid: the gap's "Add" fills the form; Eve takes the primary shift.
    upcoming_gap.first.get_by_role("button", name="Add a primary shift").click()
    expect(page.get_by_label("Primary (rung first)")).to_be_checked()
    expect(page.locator("#shift-starts_at-day")).not_to_have_value("")
    expect(page.locator("#shift-starts_at-time")).not_to_have_value("")
    page.get_by_label("Worker").select_option(label=eve.name)
    page.get_by_role("button", name="Add shift").click()
    expect(page.locator("#rota-banner")).to_contain_text(f"added: {eve.name}, primary")
    loaded(page, 2)
    expect(today_primary.locator(".rota-gap[data-past=no]")).to_have_count(0)
    expect(today_primary.locator("[data-shift-id]", has_text=eve.name).first).to_be_visible()
    eve_call = call_now(server, answer_by=eve.phone)
    assert dialled(eve_call)[0] == [eve.phone], eve_call.lines

    # The month view shows the same cover.
    page.get_by_label("A month").check()
    page.get_by_role("button", name="Show the calendar").click()
    page.wait_for_url("**view=month**")
    expect(page.locator("#calendar-grid.rota-calendar--month")).to_be_visible()
    expect(page.locator(f"td[data-date='{today.isoformat()}']")).to_contain_text(eve.name)


def test_invalid_shift_input_is_named_in_an_error_summary_and_nothing_is_saved(
    server: Server, page: Page
) -> None:
    team = arrange_team(server.database_url, closure_hours=0)
    coordinator = make_account(server.database_url, "cora.rota", "coordinator")
    sign_in(page, server, coordinator)
    page.wait_for_url("**/rota")
    loaded(page)
    form = page.locator("#shift-form")

    # Nothing entered: every field is named, each linking to its field.
    form.get_by_role("button", name="Add shift").click()
    summary = page.get_by_role("alert")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_have_count(4)
    expect(summary.get_by_role("link", name="Worker: Choose the worker on call")).to_have_attribute(
        "href", "#shift-worker_id"
    )
    expect(summary.get_by_role("link", name="On call as: Choose primary or backup")).to_be_visible()

    # An end before the start: the API refuses it, naming the end.
    tomorrow_night = (datetime.now(UTC) + timedelta(days=1)).astimezone(LONDON)
    tomorrow_night = tomorrow_night.replace(hour=22, minute=0, second=0, microsecond=0)
    form.get_by_label("Worker").select_option(label=team["Ann Able"].name)
    form.get_by_label("Primary (rung first)").check()
    fill_when(form, "shift-starts_at", london_input(tomorrow_night))
    fill_when(form, "shift-ends_at", london_input(tomorrow_night - timedelta(hours=1)))
    form.get_by_role("button", name="Add shift").click()
    summary = page.get_by_role("alert")
    expect(summary).to_be_focused()
    end_link = summary.get_by_role("link", name="End:")
    expect(end_link).to_have_attribute("href", "#shift-ends_at-day")
    expect(summary.get_by_role("link")).to_have_count(1)
    expect(page.locator("#shift-ends_at-day")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#shift-ends_at-error")).to_contain_text("End:")
    end_link.click()
    expect(page.locator("#shift-ends_at-day")).to_be_focused()

    # A London time that does not exist (the clocks go forward): the start is named.
    missing = next_missing_local_time(tomorrow_night.date())
    fill_when(form, "shift-starts_at", missing)
    fill_when(form, "shift-ends_at", missing[:11] + "09:00")
    form.get_by_role("button", name="Add shift").click()
    expect(page.get_by_role("alert").get_by_role("link", name="Start:")).to_have_attribute(
        "href", "#shift-starts_at-day"
    )
    expect(page.locator("#shift-ends_at-day")).not_to_have_attribute("aria-invalid", "true")

    # Nothing was saved.
    page.reload()
    loaded(page)
    expect(page.locator("#no-shifts")).to_be_visible()


def test_a_csv_with_bad_rows_is_refused_whole_then_imported_exported_and_fed_to_calendars(
    server: Server, page: Page
) -> None:
    team = arrange_team(server.database_url, closure_hours=0)
    ann, bo = team["Ann Able"], team["Bo Bell"]
    coordinator = make_account(server.database_url, "cora.rota", "coordinator")
    sign_in(page, server, coordinator)
    page.wait_for_url("**/rota")
    page.get_by_role("navigation", name="Rota").get_by_role("link", name="Import").click()
    page.wait_for_url("**/rota/exports")
    loaded(page)

    night = (datetime.now(UTC) + timedelta(days=2)).astimezone(LONDON)
    night = night.replace(hour=22, minute=0, second=0, microsecond=0)
    start, end = london_input(night), london_input(night + timedelta(hours=10))
    good = [f"{ann.name},primary,{start},{end}", f"{bo.id},backup,{start},{end}"]
    bad = [f"Nobody Known,primary,{start},{end}", f"{bo.name},middle,{start},{end}"]
    csv_field = page.get_by_label("CSV text")
    csv_field.fill("\n".join(["worker,role,start,end", good[0], *bad, good[1]]))
    page.get_by_role("button", name="Import shifts").click()

    # Every refused row is reported with its reason, and nothing is imported.
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Nothing was imported")
    expect(summary.get_by_role("link", name="Row 3, worker: unknown worker")).to_have_attribute(
        "href", "#import-csv"
    )
    expect(summary).to_contain_text("Row 4, role: must be primary or backup")
    refused = page.locator("#import-refused tbody tr")
    expect(refused).to_have_count(2)
    expect(refused.nth(0)).to_contain_text("unknown worker")
    expect(page.locator("#import-refused-summary")).to_contain_text("2 rows were refused")
    screenshot_top(page, "rota-import-refused", 1500)
    export = page.request.get(server.url + "/api/rota/export.csv")
    assert export.ok and ann.name not in export.text(), export.text()

    # Corrected, checked first, then imported.
    csv_field.fill("\n".join(["worker,role,start,end", *good]))
    page.get_by_label("Only check the rows").check()
    page.get_by_role("button", name="Import shifts").click()
    expect(page.locator("#import-done")).to_contain_text("Every row is correct. Nothing was")
    page.get_by_label("Only check the rows").uncheck()
    page.get_by_role("button", name="Import shifts").click()
    expect(page.locator("#import-done")).to_contain_text("2 shifts imported")

    # The export link gives the imported shifts for pay, in London time.
    link = page.get_by_role("link", name="CSV of the shifts")
    export = page.request.get(server.url + (link.get_attribute("href") or ""))
    assert export.ok and export.headers["content-type"].startswith("text/csv")
    rows = export.text().splitlines()
    assert rows[0].startswith("shift_id,worker_id,worker,role,start_local")
    assert any(ann.name in row and "primary" in row and start in row for row in rows[1:]), rows

    # A feed address for Ann is shown once, works without signing in, and stops when revoked.
    page.get_by_label("Feed of").select_option(label=ann.name)
    page.get_by_role("button", name="Issue a feed address").click()
    expect(page.locator("#feed-url")).to_contain_text("/api/rota/calendar/")
    feed_url = page.locator("#feed-url").inner_text().strip()
    assert feed_url.startswith(server.url + "/api/rota/calendar/") and feed_url.endswith(".ics")
    feed = httpx.get(feed_url)
    assert feed.status_code == 200 and "BEGIN:VCALENDAR" in feed.text
    assert feed.text.count("BEGIN:VEVENT") == 1
    row = page.locator("#feeds-table tbody tr", has_text=ann.name)
    expect(row).to_contain_text("Active")
    row.get_by_role("button", name="Revoke").click()
    expect(row).to_contain_text("Revoked")
    assert httpx.get(feed_url).status_code == 404
