"""/api: session."""

from fastapi import APIRouter

router = APIRouter()
