"""Settings come from DUTYLINE_ variables and refuse unsafe production values."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from app.settings import Settings


def test_settings_are_read_from_prefixed_environment_variables(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DUTYLINE_DATABASE_URL", "postgresql+psycopg://u@db/dutyline")
    monkeypatch.setenv("DUTYLINE_PUBLIC_BASE_URL", "https://dutyline.example.org/")
    monkeypatch.setenv("DUTYLINE_FALLBACK_NUMBER", "01305 224 666")
    monkeypatch.setenv("DUTYLINE_TWILIO_AUTH_TOKEN", "s3cret")
    settings = Settings()
    assert settings.database_url == "postgresql+psycopg://u@db/dutyline"
    assert settings.public_base_url == "https://dutyline.example.org"
    assert settings.fallback_number == "+441305224666"
    assert settings.auth_token == "s3cret"
    assert "s3cret" not in repr(settings)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DUTYLINE_FALLBACK_NUMBER", "12"),
        ("DUTYLINE_PUBLIC_BASE_URL", "dutyline.example.org"),
        ("DUTYLINE_MAX_PARALLEL_DUTY", "0"),
    ],
)
def test_bad_values_are_refused(monkeypatch: pytest.MonkeyPatch, name: str, value: str) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError, match=name.removeprefix("DUTYLINE_").lower()):
        Settings()


@pytest.mark.parametrize(
    ("missing", "expected"),
    [
        ("DUTYLINE_TWILIO_AUTH_TOKEN", "TWILIO_AUTH_TOKEN must be set"),
        ("DUTYLINE_FALLBACK_NUMBER", "FALLBACK_NUMBER must be set"),
    ],
)
def test_production_refuses_placeholders(
    monkeypatch: pytest.MonkeyPatch, missing: str, expected: str
) -> None:
    monkeypatch.setenv("DUTYLINE_ENVIRONMENT", "production")
    monkeypatch.setenv("DUTYLINE_PUBLIC_BASE_URL", "https://dutyline.example.org")
    monkeypatch.setenv("DUTYLINE_TWILIO_AUTH_TOKEN", "real-token")
    monkeypatch.setenv("DUTYLINE_FALLBACK_NUMBER", "+441305224666")
    Settings()  # complete: starts
    monkeypatch.delenv(missing)
    with pytest.raises(ValidationError, match=expected):
        Settings()


def test_production_needs_https(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DUTYLINE_ENVIRONMENT", "production")
    monkeypatch.setenv("DUTYLINE_TWILIO_AUTH_TOKEN", "real-token")
    monkeypatch.setenv("DUTYLINE_FALLBACK_NUMBER", "+441305224666")
    monkeypatch.setenv("DUTYLINE_PUBLIC_BASE_URL", "http://dutyline.example.org")
    with pytest.raises(ValidationError, match="https"):
        Settings()
