"""axe-core (the copy the axe-playwright-python package ships) run on a page in Chromium."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """Every axe-core violation on the page as it stands, with the offending elements."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        {
            "id": v["id"],
            "help": v["help"],
            "nodes": [n.get("target") for n in v.get("nodes", [])],
        }
        for v in results.response["violations"]
    ]


def assert_accessible(page: Page, state: str) -> None:
    found = axe_violations(page)
    assert found == [], f"axe-core on {state}: {found}"
