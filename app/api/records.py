"""/api: records."""

from fastapi import APIRouter

router = APIRouter()
