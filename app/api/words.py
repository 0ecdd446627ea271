"""/api/words: what each status and outcome value is called on the pages."""

from __future__ import annotations

from fastapi import APIRouter, Response

from app.auth import public
from app.words import words

router = APIRouter(tags=["words"])


@router.get(
    "/words",
    dependencies=[public("the words for status values: the same for everyone, nothing personal")],
)
def read_words(response: Response) -> dict[str, dict[str, dict[str, str]]]:
    response.headers["Cache-Control"] = "public, max-age=300"
    return words()
