"""/api: events."""

from fastapi import APIRouter

router = APIRouter()
