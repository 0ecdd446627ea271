"""Reading our TwiML back in tests (parsing only; it is built by the twilio library)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass

import httpx


@dataclass(frozen=True)
class Dialled:
    action: str
    caller_id: str
    timeout: int
    answer_on_bridge: bool
    numbers: list[str]
    whisper_urls: list[str | None]
    status_callbacks: list[str | None]


def parse(response: httpx.Response) -> ET.Element:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/xml")
    root = ET.fromstring(response.text)
    assert root.tag == "Response"
    return root


def said(root: ET.Element) -> str:
    return " ".join(el.text or "" for el in root.iter("Say"))


def dial(root: ET.Element) -> Dialled | None:
    element = root.find("Dial")
    if element is None:
        return None
    numbers = element.findall("Number")
    return Dialled(
        action=element.get("action", ""),
        caller_id=element.get("callerId", ""),
        timeout=int(element.get("timeout", "0")),
        answer_on_bridge=element.get("answerOnBridge") == "true",
        numbers=[(n.text or "").strip() for n in numbers],
        whisper_urls=[n.get("url") for n in numbers],
        status_callbacks=[n.get("statusCallback") for n in numbers],
    )


def records_message(root: ET.Element) -> bool:
    return root.find("Record") is not None


@dataclass(frozen=True)
class Enqueued:
    queue: str
    action: str
    wait_url: str


def enqueued(root: ET.Element) -> Enqueued | None:
    element = root.find("Enqueue")
    if element is None:
        return None
    return Enqueued(
        queue=(element.text or "").strip(),
        action=element.get("action", ""),
        wait_url=element.get("waitUrl", ""),
    )
