"""The ring plan, carried in the URLs Twilio calls back, signed by the service for itself.

With it every later step of a call (the next step after a dial result, the whisper's line
name, the key press) can be decided by any process, with or without the database. The
database record stays the record of what happened. Compact: numbers and worker ids only
(names are not needed to route), base64url of a small JSON array, and an HMAC-SHA256 tag
(key derived from the auth token) over the CallSid and the payload, so a plan cannot be
forged nor moved to another call.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache

from routing import Period, RingPlan, RingStep, StepKind, Target

_KINDS = {kind: kind.value[0] for kind in StepKind}  # d, p, b, f
_KIND_OF = {code: kind for kind, code in _KINDS.items()}
_PERIODS = {Period.IN_HOURS: "i", Period.OUT_OF_HOURS: "o"}
_PERIOD_OF = {code: period for period, code in _PERIODS.items()}
_TAG_BYTES = 12


@dataclass(frozen=True, slots=True)
class CarriedPlan:
    plan: RingPlan
    started_at: datetime


@lru_cache(maxsize=4)
def _key(auth_token: str) -> bytes:
    return hmac.new(auth_token.encode(), b"dutyline ring plan token v1", hashlib.sha256).digest()


def _tag(auth_token: str, call_sid: str, payload: str) -> str:
    mac = hmac.new(_key(auth_token), f"{call_sid}.{payload}".encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(mac.digest()[:_TAG_BYTES]).decode().rstrip("=")


def sign(auth_token: str, call_sid: str, plan: RingPlan, started_at: datetime) -> str:
    body = [
        plan.line_key,
        _PERIODS[plan.period],
        int(started_at.timestamp()),
        [
            [
                _KINDS[step.kind],
                step.timeout_seconds,
                [[t.number, t.worker_id or 0] for t in step.targets],
            ]
            for step in plan.steps
        ],
    ]
    raw = json.dumps(body, separators=(",", ":")).encode()
    payload = base64.urlsafe_b64encode(raw).decode().rstrip("=")
    return f"{payload}.{_tag(auth_token, call_sid, payload)}"


def read(auth_token: str, call_sid: str, token: str) -> CarriedPlan | None:
    """The plan signed for this call, or None if absent, forged or malformed."""
    payload, _, tag = token.partition(".")
    if not payload or not tag or len(token) > 4000:
        return None
    if not hmac.compare_digest(tag, _tag(auth_token, call_sid, payload)):
        return None
    try:
        raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
        line_key, period, started, steps = json.loads(raw)
        plan = RingPlan(
            line_key=str(line_key),
            period=_PERIOD_OF[period],
            steps=tuple(
                RingStep(
                    _KIND_OF[kind],
                    tuple(
                        Target(str(number), int(worker) or None, _KIND_OF[kind].value)
                        for number, worker in targets
                    ),
                    int(timeout),
                )
                for kind, timeout, targets in steps
            ),
        )
        return CarriedPlan(plan, datetime.fromtimestamp(int(started), UTC))
    except (ValueError, TypeError, KeyError):
        return None
