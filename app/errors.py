"""One error vocabulary for the API: raise these below a route; one handler answers.

Twilio's routes are the exception: whatever fails there still answers with TwiML.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse


class AppError(Exception):
    status_code = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def body(self) -> object:
        return {"detail": self.message}


class NotFound(AppError):
    status_code = 404


class Forbidden(AppError):
    status_code = 403


class Conflict(AppError):
    status_code = 409


class Invalid(AppError):
    """A value the API cannot take; shaped like FastAPI's own validation errors."""

    status_code = 422

    def __init__(self, field: str | tuple[str | int, ...], message: str) -> None:
        super().__init__(message)
        self.loc = ("body", field) if isinstance(field, str) else ("body", *field)

    def body(self) -> object:
        return {"detail": [{"loc": list(self.loc), "msg": self.message, "type": "invalid"}]}


def install_error_handler(app: FastAPI) -> None:
    @app.exception_handler(AppError)
    async def _answer(request: Request, exc: AppError) -> JSONResponse:
        return JSONResponse(exc.body(), status_code=exc.status_code)
