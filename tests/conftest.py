"""Nothing shared by every suite but a state folder: tests/routing runs without a database.

The database fixtures live in tests/database.py; the suites that need them import them.
"""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _state_dir_of_its_own(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test's app keeps its snapshot and journal apart (DUTYLINE_STATE_DIR).

    And a roomy database budget: on a loaded test machine a webhook can take longer than
    the 2 s default, which would route it without the database. Outage tests set their own.
    """
    monkeypatch.setenv("DUTYLINE_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("DUTYLINE_DATABASE_BUDGET_SECONDS", "10")
