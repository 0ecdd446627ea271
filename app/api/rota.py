"""/api: rota."""

from fastapi import APIRouter

router = APIRouter()
