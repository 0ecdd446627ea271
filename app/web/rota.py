"""Web pages: rota."""

from fastapi import APIRouter

router = APIRouter()
