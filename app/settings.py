"""Settings, read from environment variables prefixed ``DUTYLINE_``."""

from __future__ import annotations

from enum import StrEnum
from functools import cached_property
from ipaddress import IPv4Network, IPv6Network, ip_network

from pydantic import SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from routing import normalise_number

PLACEHOLDER_AUTH_TOKEN = "dev-only-not-a-secret"


class Environment(StrEnum):
    DEVELOPMENT = "development"
    PRODUCTION = "production"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DUTYLINE_", extra="ignore")

    environment: Environment = Environment.DEVELOPMENT
    database_url: str = "sqlite:///./dutyline.db"
    twilio_auth_token: SecretStr = SecretStr(PLACEHOLDER_AUTH_TOKEN)
    # The https origin Twilio calls. Signatures are checked against it rather than
    # against the Host header, so the service works behind proxies and load balancers.
    public_base_url: str = "http://127.0.0.1:8000"
    # Where a call goes when nothing else can take it (an emergency duty team, say).
    fallback_number: str | None = None
    service_name: str = "Children's Advice and Duty Service"
    voice: str = "Polly.Amy"
    voice_language: str = "en-GB"
    max_parallel_duty: int = 5
    duty_ring_seconds: int = 20
    oncall_ring_seconds: int = 25
    fallback_ring_seconds: int = 30
    accept_seconds: int = 10
    voicemail_max_seconds: int = 300
    # How far ahead the routing snapshot (lines, closures, on-call shifts) reaches, and so
    # how long it is trusted before it is read again even if nothing changed (changes are
    # seen at once through a version row). A day: calls are routed from it in an outage.
    snapshot_horizon_minutes: int = 1440
    # Threads that run the webhooks' database work. Few: the work is short and mostly CPU,
    # and many threads queueing on the GIL stretch the slowest answers.
    worker_threads: int = 8
    log_level: str = "INFO"
    # GET /metrics for Prometheus: on unless switched off; behind this bearer token when set.
    metrics: bool = True
    metrics_token: SecretStr | None = None
    # A signed-in browser is signed out after this long without a request, and in any
    # case after a shift's length.
    session_idle_minutes: int = 240
    session_hours: int = 13
    # Rota gap alerts by SMS (issue 4): sent when all three are set (with the auth token
    # above), otherwise written to the log.
    twilio_account_sid: str | None = None
    sms_from_number: str | None = None
    rota_alert_to_number: str | None = None
    # The call path without the database (issue 8). Every database use of a /twilio/*
    # request must finish within this budget; past it the call is routed from the snapshot
    # and what could not be written goes to the journal.
    database_budget_seconds: float = 2.0
    # Holds the routing snapshot, the journal and accept claims: workers' and callers'
    # numbers, so it is created readable by the service's user alone.
    state_dir: str = "./state"
    snapshot_refresh_seconds: float = 30.0
    # How often the database is probed (and the journal replayed) while it is unreachable.
    database_probe_seconds: float = 1.0
    # A record still ringing or in progress this long after it started is checked with
    # Twilio's REST API; this long and it is resolved even without an answer from Twilio.
    sweep_interval_seconds: float = 60.0
    sweep_ask_after_minutes: int = 30
    sweep_give_up_after_minutes: int = 300
    # The measures' thresholds (issue 9): an answer within 60 s is within target (as NHS
    # 111 measures it); a caller gone within 30 s is a short abandon; a missed call is
    # called back within 2 hours in hours, 30 minutes out of hours.
    answer_target_seconds: int = 60
    short_abandon_seconds: int = 30
    callback_target_in_hours_minutes: int = 120
    callback_target_out_of_hours_minutes: int = 30
    # The load balancers or proxies in front of the service (addresses or networks, comma
    # separated). Only a request from one of them has its X-Forwarded-For read, to find the
    # address that sign-ins are counted by; otherwise the connection's own address is used.
    trusted_proxies: str = ""

    # The in-hours queue (issue 12): Twilio's REST API rings a free duty worker for a
    # waiting caller (with the account SID above; DUTYLINE_TWILIO_API_URL can point at the
    # simulator). A worker who did not take a caller is not rung for them again for a while;
    # waiting callers are paired with free workers at once, and at least this often.
    twilio_api_url: str = "https://api.twilio.com"
    queue_retry_after_seconds: int = 120
    queue_offer_interval_seconds: float = 5.0

    @field_validator("public_base_url", "twilio_api_url")
    @classmethod
    def _strip_slash(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/")

    @field_validator("metrics_token")
    @classmethod
    def _no_blank_token(cls, value: SecretStr | None) -> SecretStr | None:
        # An empty DUTYLINE_METRICS_TOKEN= means no token, not "the empty string is the token".
        return value if value is not None and value.get_secret_value().strip() else None

    @field_validator("fallback_number", "sms_from_number", "rota_alert_to_number")
    @classmethod
    def _e164(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        e164 = normalise_number(value)
        if e164 is None:
            raise ValueError("not a valid phone number")
        return e164

    @field_validator(
        "max_parallel_duty",
        "duty_ring_seconds",
        "oncall_ring_seconds",
        "fallback_ring_seconds",
        "accept_seconds",
        "voicemail_max_seconds",
        "snapshot_horizon_minutes",
        "worker_threads",
        "sweep_ask_after_minutes",
        "sweep_give_up_after_minutes",
        "answer_target_seconds",
        "short_abandon_seconds",
        "callback_target_in_hours_minutes",
        "callback_target_out_of_hours_minutes",
        "queue_retry_after_seconds",
    )
    @classmethod
    def _positive(cls, value: int) -> int:
        if value < 1:
            raise ValueError("must be at least 1")
        return value

    @field_validator(
        "database_budget_seconds",
        "snapshot_refresh_seconds",
        "database_probe_seconds",
        "sweep_interval_seconds",
        "queue_offer_interval_seconds",
    )
    @classmethod
    def _positive_seconds(cls, value: float) -> float:
        if not value > 0:
            raise ValueError("must be more than 0")
        return value

    @model_validator(mode="after")
    def _refuse_placeholders_in_production(self) -> Settings:
        if self.environment is Environment.PRODUCTION:
            if self.twilio_auth_token.get_secret_value() in ("", PLACEHOLDER_AUTH_TOKEN):
                raise ValueError("DUTYLINE_TWILIO_AUTH_TOKEN must be set in production")
            if not self.public_base_url.startswith("https://"):
                raise ValueError("DUTYLINE_PUBLIC_BASE_URL must be https in production")
            if self.fallback_number is None:
                raise ValueError("DUTYLINE_FALLBACK_NUMBER must be set in production")
        return self

    @field_validator("trusted_proxies")
    @classmethod
    def _networks(cls, value: str) -> str:
        for part in value.split(","):
            if part.strip():
                try:
                    ip_network(part.strip(), strict=False)
                except ValueError:
                    raise ValueError(f"not an address or network: {part.strip()}") from None
        return value

    @cached_property
    def trusted_proxy_networks(self) -> tuple[IPv4Network | IPv6Network, ...]:
        return tuple(
            ip_network(part.strip(), strict=False)
            for part in self.trusted_proxies.split(",")
            if part.strip()
        )

    @cached_property
    def auth_token(self) -> str:
        return self.twilio_auth_token.get_secret_value()
