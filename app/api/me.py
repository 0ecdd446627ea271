"""/api: me."""

from fastapi import APIRouter

router = APIRouter()
