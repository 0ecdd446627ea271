"""Which line a dialled number belongs to."""

from __future__ import annotations

import pytest

from routing import (
    DEFAULT_LINES,
    PUBLIC_LINE_KEY,
    RoutingLine,
    line_for_number,
    normalise_number,
)

PROFESSIONAL = "+441305228558"
PUBLIC = "+441305228866"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param("01305 228558", PROFESSIONAL, id="prof-national-spaced"),
        pytest.param("01305228558", PROFESSIONAL, id="prof-national"),
        pytest.param("+441305228558", PROFESSIONAL, id="prof-e164"),
        pytest.param("+44 (0)1305 228558", PROFESSIONAL, id="prof-trunk-in-brackets"),
        pytest.param("0044 1305 228558", PROFESSIONAL, id="prof-00-prefix"),
        pytest.param("+44 1305 228 558", PROFESSIONAL, id="prof-grouped"),
        pytest.param("01305-228-558", PROFESSIONAL, id="prof-dashes"),
        pytest.param("01305 228866", PUBLIC, id="public-national-spaced"),
        pytest.param("+441305228866", PUBLIC, id="public-e164"),
        pytest.param("+44 (0)1305 228866", PUBLIC, id="public-trunk-in-brackets"),
        pytest.param("0044 1305 228866", PUBLIC, id="public-00-prefix"),
        pytest.param("+14155552671", "+14155552671", id="foreign-valid"),
        pytest.param("", None, id="empty"),
        pytest.param("garbage", None, id="garbage"),
        pytest.param("client:alice", None, id="twilio-client"),
        pytest.param("anonymous", None, id="withheld"),
        pytest.param("01305 22855", None, id="too-short"),
        pytest.param("+44 1305 228558 99", None, id="too-long"),
    ],
)
def test_normalise_number(raw: str, expected: str | None) -> None:
    assert normalise_number(raw) == expected


@pytest.mark.parametrize(
    ("dialled", "key", "known"),
    [
        pytest.param("+441305228558", "professional", True, id="prof-e164"),
        pytest.param("01305 228558", "professional", True, id="prof-national"),
        pytest.param("+44 (0)1305 228558", "professional", True, id="prof-trunk"),
        pytest.param("0044 1305 228558", "professional", True, id="prof-00"),
        pytest.param("+441305228866", PUBLIC_LINE_KEY, True, id="public-e164"),
        pytest.param("01305 228866", PUBLIC_LINE_KEY, True, id="public-national"),
        pytest.param("+441202123456", PUBLIC_LINE_KEY, False, id="unknown-valid"),
        pytest.param("garbage", PUBLIC_LINE_KEY, False, id="garbage"),
        pytest.param("", PUBLIC_LINE_KEY, False, id="empty"),
    ],
)
def test_line_for_number(dialled: str, key: str, known: bool) -> None:
    match = line_for_number(dialled, DEFAULT_LINES)
    assert (match.line.key, match.known) == (key, known)


def test_empty_lines_fall_back_to_defaults() -> None:
    assert line_for_number("01305 228558", []).line == DEFAULT_LINES[0]
    assert line_for_number("nonsense", []).line.key == PUBLIC_LINE_KEY


def test_unknown_number_without_public_line_uses_first_line() -> None:
    lines = [
        RoutingLine("a", "A line", "+441202123456"),
        RoutingLine("b", "B line", "+441305123456"),
    ]
    match = line_for_number("+441305228866", lines)
    assert (match.line.key, match.known) == ("a", False)


def test_configured_line_number_may_be_spelled_nationally() -> None:
    lines = [RoutingLine("x", "X line", "01202 123456")]
    assert line_for_number("+441202123456", lines).known


def test_default_lines() -> None:
    assert [(line.key, line.number) for line in DEFAULT_LINES] == [
        ("professional", PROFESSIONAL),
        ("public", PUBLIC),
    ]


@pytest.mark.parametrize("raw", ["07700 900123", "+447700900000", "07700900999"])
def test_ofcoms_drama_numbers_are_accepted_for_demos_and_tests(raw: str) -> None:
    assert normalise_number(raw) is not None
    assert normalise_number(raw.replace("900", "901", 1)) is None  # next to the range: invalid
