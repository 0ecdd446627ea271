"""/api: callbacks."""

from fastapi import APIRouter

router = APIRouter()
