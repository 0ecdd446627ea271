"""Web pages: pages."""

from fastapi import APIRouter

router = APIRouter()
