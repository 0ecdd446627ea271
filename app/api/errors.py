"""The one place the API turns `app.errors` into HTTP answers."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse

from app.errors import AppError


def install_error_handler(app: FastAPI) -> None:
    @app.exception_handler(AppError)
    async def _answer(request: Request, exc: AppError) -> JSONResponse:
        body = jsonable_encoder(exc.body())  # a validation error's context may hold objects
        return JSONResponse(body, status_code=exc.status_code, headers=exc.headers or None)
