"""Issue 11 on the rota: a worker asks for a swap from their desk and a coordinator answers
it; each rota page is used as each role that sees it, with axe-core on every state visited.
SQLite is enough here: nothing in these stories races."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Page, expect

from models.db import make_engine, make_session_factory
from routing import LONDON
from tests.browser.accessibility import assert_accessible
from tests.browser.conftest import Server, make_account, screenshot, sign_in
from tests.browser.rota_support import (
    RotaWorker,
    arrange_team,
    fill_when,
    london_input,
    screenshot_top,
)
from tests.helpers import add_shift

if TYPE_CHECKING:
    from collections.abc import Callable

pytestmark = pytest.mark.database


def loaded(page: Page, times: int = 1, key: str = "rotaLoaded") -> None:
    page.wait_for_function(f"Number(document.body.dataset.{key} || 0) >= {times}")


def nights(database_url: str, worker: RotaWorker, count: int) -> list[datetime]:
    """``worker`` primary on call from 22:00 London time on each of the next ``count`` nights."""
    engine = make_engine(database_url)
    try:
        factory = make_session_factory(engine)
        today = datetime.now(UTC).astimezone(LONDON).date()
        starts = []
        for day in range(1, count + 1):
            start = datetime(today.year, today.month, today.day, 22, tzinfo=LONDON)
            start = (start + timedelta(days=day)).astimezone(UTC)
            add_shift(factory, worker.id, "primary", start, start + timedelta(hours=10))
            starts.append(start)
        return starts
    finally:
        engine.dispose()


def test_a_worker_asks_for_swaps_on_their_desk_a_coordinator_and_a_colleague_accept_them(
    server: Server, new_page: Callable[..., Page]
) -> None:
    team = arrange_team(server.database_url, closure_hours=0)
    ann, bo = team["Ann Able"], team["Bo Bell"]
    nights(server.database_url, ann, 3)
    worker = make_account(server.database_url, "ann.able", "worker", worker_id=ann.id)
    colleague = make_account(server.database_url, "bo.bell", "worker", worker_id=bo.id)
    coordinator = make_account(server.database_url, "cora.rota", "coordinator")

    # Ann's desk lists her three nights, each with "Ask for a swap".
    desk: Page = new_page()
    sign_in(desk, server, worker)
    desk.wait_for_url("**/desk")
    loaded(desk, key="shiftsLoaded")
    shifts = desk.locator("#my-shifts li")
    expect(shifts).to_have_count(3)
    expect(desk.locator("#my-swaps")).to_contain_text("You have not asked for any swaps")
    assert_accessible(desk, "the desk with on-call shifts")

    # She asks Bo to take the first; the form offers colleagues by name, not herself.
    shifts.nth(0).get_by_role("button", name="Ask for a swap").click()
    form = desk.locator("#swap-form")
    expect(form).to_be_visible()
    who = form.get_by_label("Who could take it")
    expect(who).to_be_focused()
    expect(who.locator("option", has_text=ann.name)).to_have_count(0)
    who.select_option(label=bo.name)
    form.get_by_label("Message (optional)").fill("School play that evening")
    assert_accessible(desk, "the desk's swap form")
    screenshot(desk, "desk-swap-form")
    form.get_by_role("button", name="Send the request").click()
    expect(desk.locator("#swap-status")).to_contain_text(f"waiting for an answer from {bo.name}")
    expect(form).to_be_hidden()
    mine = desk.locator("#my-swaps-list li")
    expect(mine).to_have_count(1)
    expect(mine.first).to_contain_text("Waiting")
    expect(mine.first).to_contain_text(f"asked of {bo.name}. Your message: School play")
    expect(shifts.nth(0)).to_contain_text("Swap asked: waiting for an answer")

    # She asks anyone to take the second night, then thinks better of it and withdraws it.
    shifts.nth(1).get_by_role("button", name="Ask for a swap").click()
    form.get_by_role("button", name="Send the request").click()
    expect(mine).to_have_count(2)
    second = mine.filter(has_text="asked of anyone")
    second.get_by_role("button", name="Withdraw").click()
    expect(desk.locator("#swap-status")).to_contain_text("withdrawn")
    expect(second).to_contain_text("Withdrawn")
    expect(second.get_by_role("button", name="Withdraw")).to_have_count(0)
    assert_accessible(desk, "the desk with a waiting and a withdrawn swap request")

    # The third night she asks of Bo again.
    shifts.nth(2).get_by_role("button", name="Ask for a swap").click()
    form.get_by_label("Who could take it").select_option(label=bo.name)
    form.get_by_label("Message (optional)").fill("Wedding")
    form.get_by_role("button", name="Send the request").click()
    expect(mine).to_have_count(3)

    # The coordinator sees Ann's request on the rota, with phones in UK format, and accepts it.
    rota: Page = new_page()
    sign_in(rota, server, coordinator)
    rota.wait_for_url("**/rota")
    loaded(rota)
    table = rota.locator("#shifts-table")
    expect(table.locator(f"tr[data-worker='{ann.name}']")).to_have_count(3)
    expect(table.locator(f"tr[data-worker='{ann.name}']").first).to_contain_text("07700 900311")
    expect(table).not_to_contain_text("+447700900311")
    request = rota.locator("#swaps-list li", has_text="School play")
    expect(request).to_contain_text(f"{ann.name}, 07700 900311 asks to swap")
    expect(request).to_contain_text(f"with {bo.name}, 07700 900312")
    assert_accessible(rota, "the rota with a worker's swap request waiting")
    request.scroll_into_view_if_needed()
    screenshot(rota, "rota-swap-request")
    request.get_by_role("button", name="Accept").click()
    expect(rota.locator("#rota-banner")).to_contain_text(f"accepted: {bo.name} takes the shift")
    expect(request).to_contain_text("Accepted")
    expect(table.locator(f"tr[data-worker='{ann.name}']")).to_have_count(2)
    expect(table.locator(f"tr[data-worker='{bo.name}'][data-shift-role=primary]")).to_have_count(1)
    assert_accessible(rota, "the rota after accepting a swap")

    # Bo's desk shows the night Ann asked of him, and he takes it.
    bos_desk: Page = new_page()
    sign_in(bos_desk, server, colleague)
    bos_desk.wait_for_url("**/desk")
    loaded(bos_desk, key="shiftsLoaded")
    expect(bos_desk.locator("#my-shifts li")).to_have_count(1)
    offered = bos_desk.locator("#swaps-offered-list li")
    expect(offered).to_have_count(1)
    expect(offered).to_contain_text(f"{ann.name} asks you to take: primary on call")
    expect(offered).to_contain_text("Message: Wedding")
    assert_accessible(bos_desk, "the desk with a swap asked of the worker")
    offered.get_by_role("button", name="Take the shift").click()
    expect(bos_desk.locator("#swap-status")).to_contain_text("You take the shift")
    expect(bos_desk.locator("#my-shifts li")).to_have_count(2)
    expect(bos_desk.locator("#swaps-offered-box")).to_be_hidden()

    # Ann's desk says so in words, and the night is no longer hers.
    desk.reload()
    loaded(desk, key="shiftsLoaded")
    expect(shifts).to_have_count(1)
    for note in ("School play", "Wedding"):
        accepted = mine.filter(has_text=note)
        expect(accepted).to_contain_text("Accepted")
        expect(accepted).to_contain_text(f"{bo.name} takes it")


def test_a_coordinator_is_told_in_words_what_is_wrong_with_a_date_and_a_manager_only_reads(
    server: Server, new_page: Callable[..., Page]
) -> None:
    team = arrange_team(server.database_url, closure_hours=0)
    ann = team["Ann Able"]
    nights(server.database_url, ann, 1)
    coordinator = make_account(server.database_url, "cora.rota", "coordinator")
    manager = make_account(server.database_url, "mo.manager", "manager")

    page: Page = new_page()
    sign_in(page, server, coordinator)
    page.wait_for_url("**/rota")
    loaded(page)
    assert_accessible(page, "the rota page with gaps and a shift")
    form = page.locator("#shift-form")

    # A date that does not exist and a time not written as HH:MM: each said in words, at its field.
    form.get_by_label("Worker").select_option(label=ann.name)
    form.get_by_label("Backup").check()
    fill_when(form, "shift-starts_at", "2027-02-31T22:00")
    fill_when(form, "shift-ends_at", "2027-03-01T00:00")
    form.locator("#shift-ends_at-time").fill("9 in the morning")
    form.get_by_role("button", name="Add shift").click()
    summary = page.get_by_role("alert")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link", name="Start: Enter a real date")).to_have_attribute(
        "href", "#shift-starts_at-day"
    )
    end_link = summary.get_by_role("link", name="End: Enter the end time as HH:MM, like 17:00")
    expect(end_link).to_have_attribute("href", "#shift-ends_at-time")
    expect(page.locator("#shift-ends_at-time")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#shift-ends_at-day")).not_to_have_attribute("aria-invalid", "true")
    assert_accessible(page, "the shift form with errors")
    screenshot_top(page, "rota-shift-form-errors", 2600)

    # Corrected, the shift is added; the banner says it in London time.
    night = (datetime.now(UTC) + timedelta(days=3)).astimezone(LONDON)
    night = night.replace(hour=22, minute=0, second=0, microsecond=0)
    fill_when(form, "shift-starts_at", london_input(night))
    fill_when(form, "shift-ends_at", london_input(night + timedelta(hours=10)))
    form.get_by_role("button", name="Add shift").click()
    expect(page.locator("#rota-banner")).to_contain_text(f"added: {ann.name}, backup")
    expect(page.get_by_role("alert")).to_have_count(0)
    assert_accessible(page, "the rota page after adding a shift")

    # The leave form refuses a half-typed date, naming the part missing.
    leave = page.locator("#leave-form")
    leave.get_by_label("Worker").select_option(label=ann.name)
    page.locator("#leave-starts_at-day").fill("3")
    page.locator("#leave-starts_at-year").fill("2027")
    leave.get_by_role("button", name="Add leave").click()
    expect(page.get_by_role("alert")).to_contain_text("The start date must include a month")
    expect(page.get_by_role("alert")).to_contain_text("To: Enter when the leave ends")
    assert_accessible(page, "the leave form with errors")

    # Rotations: the form's errors, then the page with a rotation to apply.
    page.goto(server.url + "/rota/rotations")
    loaded(page)
    assert_accessible(page, "the rotations page with none yet")
    page.get_by_label("Hand-over time").fill("25:00")
    page.get_by_role("button", name="Create rotation").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Name: Enter a name for the rotation")
    expect(alert).to_contain_text("Hand-over time: Enter the hand-over time as HH:MM, like 09:00")
    assert_accessible(page, "the rotation form with errors")
    page.get_by_label("Name").fill("Weekly on call")
    page.get_by_label("Add a worker").select_option(label=ann.name)
    page.get_by_role("button", name="Add to the rotation").click()
    page.get_by_label("Hand-over time").fill("9:00")
    page.get_by_role("button", name="Create rotation").click()
    expect(page.locator("#rota-banner")).to_contain_text('Rotation "Weekly on call" created')
    assert_accessible(page, "the rotations page with a rotation")

    # Exports: the page as it opens.
    page.goto(server.url + "/rota/exports")
    loaded(page)
    expect(page.get_by_role("link", name="CSV of the shifts from")).to_be_visible()
    assert_accessible(page, "the import, export and feeds page")

    # A manager reads every rota page: no forms to change it, the phones in UK format.
    reader: Page = new_page()
    sign_in(reader, server, manager)
    reader.goto(server.url + "/rota")
    loaded(reader)
    expect(reader.locator("#rota-readonly")).to_be_visible()
    expect(reader.locator("#shift-form")).to_be_hidden()
    expect(reader.locator("#shifts-table tbody tr").first).to_contain_text("07700 900311")
    expect(reader.get_by_role("button", name="Delete")).to_have_count(0)
    assert_accessible(reader, "the rota page read by a manager")
    reader.goto(server.url + "/rota/rotations")
    loaded(reader)
    card = reader.locator("[data-rotation-id]", has_text="Weekly on call")
    expect(card).to_contain_text("Read only")
    expect(card).to_contain_text(f"{ann.name}, 07700 900311")
    expect(card.get_by_role("button", name="Apply rotation")).to_have_count(0)
    expect(reader.locator("#rotation-form")).to_be_hidden()
    assert_accessible(reader, "the rotations page read by a manager")
    reader.goto(server.url + "/rota/exports")
    loaded(reader)
    expect(reader.locator("#export-section")).to_be_visible()
    expect(reader.locator("#import-section")).to_be_hidden()
    assert_accessible(reader, "the exports page read by a manager")
