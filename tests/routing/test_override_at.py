"""`override_at` names the closure or opening `period_at` follows, by the same rules."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from routing import Override, OverrideMode, RoutingLine, override_at, period_at

LINE = RoutingLine("professional", "Professionals line", "+441305228558")
NOW = datetime(2026, 1, 14, 14, 0, tzinfo=UTC)  # a Wednesday afternoon, in hours


def ov(start_h: int, end_h: int, mode: OverrideMode, line: str | None, reason: str) -> Override:
    day = datetime(2026, 1, 14, tzinfo=UTC)
    return Override(day.replace(hour=start_h), day.replace(hour=end_h), mode, line, reason)


CLOSED = OverrideMode.OUT_OF_HOURS
OPEN = OverrideMode.IN_HOURS


@pytest.mark.parametrize(
    ("overrides", "winner"),
    [
        ([], None),
        ([ov(15, 17, CLOSED, None, "later")], None),
        ([ov(13, 17, CLOSED, "public", "other line")], None),
        ([ov(13, 17, CLOSED, None, "training")], "training"),
        ([ov(10, 17, CLOSED, None, "all"), ov(13, 15, OPEN, "professional", "line")], "line"),
        ([ov(10, 17, OPEN, None, "early"), ov(13, 15, CLOSED, None, "latest")], "latest"),
        ([ov(13, 17, OPEN, None, "open"), ov(13, 17, CLOSED, None, "safer")], "safer"),
    ],
)
def test_the_override_named_is_the_one_that_decides(
    overrides: list[Override], winner: str | None
) -> None:
    found = override_at(NOW, LINE.key, overrides)
    assert (found.reason if found else None) == winner
    if found is not None:
        assert period_at(NOW, LINE, overrides).reason == f"override: {found.reason}"


def test_a_naive_now_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        override_at(datetime(2026, 1, 14, 14), LINE.key, [])
