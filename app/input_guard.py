"""Refuse text no route can use, before any route sees it.

- A control character (NUL and the like) in the path or the query string: no page, link or
  Twilio URL makes one.
- A NUL or a lone surrogate (half of a UTF-16 pair) in a JSON body's text: PostgreSQL cannot
  store a NUL, and no database can encode a lone surrogate.

Left alone, such a value fails deep inside a query as a server error; answered here, once for
every route, it is a clear 400 and nothing is stored. Twilio's form-encoded webhooks are left
to their routes, which answer TwiML whatever fails.

Pure ASGI (no BaseHTTPMiddleware): responses, streaming ones included, pass untouched.
"""

from __future__ import annotations

import json
import unicodedata
from urllib.parse import unquote_to_bytes

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.errors import AppError

BAD_ADDRESS = AppError(
    "The address holds a control character (such as NUL); remove it and try again."
)
BAD_BODY = AppError(
    "Text in the request holds a NUL character or a broken character (a lone surrogate); "
    "remove it and try again."
)


def has_control_character(text: str) -> bool:
    return any(unicodedata.category(char) == "Cc" for char in text)


def _decoded_query(raw: bytes) -> str:
    return unquote_to_bytes(raw.replace(b"+", b" ")).decode("utf-8", errors="replace")


def _unstorable(text: str) -> bool:
    return "\x00" in text or any(0xD800 <= ord(char) <= 0xDFFF for char in text)


def json_holds_unstorable_text(body: bytes) -> bool:
    """True when the JSON parses and a key or string in it holds a NUL or a lone surrogate.

    Bodies that do not parse are left to the route, which answers 422."""
    try:
        pending = [json.loads(body)]
    except (ValueError, RecursionError):
        return False
    while pending:  # a loop, not recursion: nesting depth is the sender's choice
        value = pending.pop()
        if isinstance(value, str) and _unstorable(value):
            return True
        if isinstance(value, list):
            pending.extend(value)
        elif isinstance(value, dict):
            pending.extend(value)
            pending.extend(value.values())
    return False


def _may_be_json(scope: Scope) -> bool:
    """FastAPI reads a body as JSON when it says so, and when it names no type at all."""
    for name, value in scope.get("headers", ()):
        if name == b"content-type":
            return b"json" in value.lower()
    return scope.get("method") not in ("GET", "HEAD")


async def _refuse(error: AppError, scope: Scope, receive: Receive, send: Send) -> None:
    await JSONResponse(error.body(), status_code=error.status_code)(scope, receive, send)


async def _read_body(receive: Receive) -> tuple[bytes, list[Message]]:
    messages: list[Message] = []
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request" or not message.get("more_body", False):
            break
    body = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.request")
    return body, messages


def _replaying(messages: list[Message], receive: Receive) -> Receive:
    async def replay() -> Message:
        return messages.pop(0) if messages else await receive()

    return replay


class InputGuard:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if has_control_character(scope.get("path", "")) or has_control_character(
            _decoded_query(scope.get("query_string", b""))
        ):
            await _refuse(BAD_ADDRESS, scope, receive, send)
            return
        if _may_be_json(scope):
            body, messages = await _read_body(receive)
            if json_holds_unstorable_text(body):
                await _refuse(BAD_BODY, scope, receive, send)
                return
            receive = _replaying(messages, receive)
        await self.app(scope, receive, send)
