"""One error vocabulary: services raise these; the API and the CLI each answer them in one place.

No web framework here, so the rules can raise them whoever called. The API's handler
(`app.api.errors`) answers `status_code` with `body()`; the CLI's `main` prints `line()` and
exits with `exit_code`. Twilio's routes are the exception: whatever fails there still
answers with TwiML.
"""

from __future__ import annotations

from typing import Any


class AppError(Exception):
    """Refused: nothing was changed; the message says why, fit to show the person who asked."""

    status_code = 400
    exit_code = 1

    def __init__(self, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.headers = headers or {}

    def body(self) -> object:
        return {"detail": self.message}

    def line(self) -> str:
        return self.message


class NotFound(AppError):
    status_code = 404


class Forbidden(AppError):
    status_code = 403


class NotLinked(Forbidden):
    """A worker's action by an account that is not linked to a worker: 403 wherever it is."""

    def __init__(self) -> None:
        super().__init__("Your account is not linked to a worker; ask an admin.")


class Conflict(AppError):
    """The state does not allow this now (a shift already over, a swap already decided)."""

    status_code = 409


class Unauthorized(AppError):
    status_code = 401


class TooManyTries(AppError):
    status_code = 429


class Invalid(AppError):
    """A value that cannot be taken; shaped like FastAPI's own validation errors."""

    status_code = 422

    def __init__(self, field: str | tuple[str | int, ...], message: str) -> None:
        super().__init__(message)
        self.loc = ("body", field) if isinstance(field, str) else ("body", *field)

    def body(self) -> object:
        return {"detail": [{"loc": list(self.loc), "msg": self.message, "type": "invalid"}]}

    def line(self) -> str:
        field = str(self.loc[-1])
        return self.message if self.message.startswith(field) else f"{field}: {self.message}"


class InvalidFields(AppError):
    """Several values refused at once, each with its `loc` and `msg` (as FastAPI lists them)."""

    status_code = 422

    def __init__(self, errors: list[dict[str, Any]]) -> None:
        super().__init__("; ".join(str(e.get("msg", "")) for e in errors) or "invalid input")
        self.errors = errors

    def body(self) -> object:
        return {"detail": self.errors}


class UsageError(AppError):
    """A command line that cannot be read (the CLI's exit status 2)."""

    exit_code = 2
