"""A queued call, end to end, with the simulator playing Twilio's REST API too.

``simulate_queue`` places calls that workers accept and keep talking on, until a caller is
held in the line's queue (every duty worker busy). Then the first call ends: its worker is
free, and the service asks "Twilio's REST API" to ring them. That API is ``RestStandIn``,
a tiny HTTP server in this process at the address the service was given as
``DUTYLINE_TWILIO_API_URL``: it takes ``POST /2010-04-01/Accounts/{sid}/Calls.json`` and
the simulator plays that worker's call (the whisper, pressing 1, the <Dial><Queue>), which
connects them to the waiting caller.
"""

from __future__ import annotations

import json
import queue
import threading
import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import httpx

from telephony.simulator import (
    ACCOUNT_SID,
    API_VERSION,
    TALK_SECONDS,
    SimulationResult,
    _Document,
    _Simulation,
    _Target,
    _text,
)

MAX_CALLS = 8
"""Most calls placed before one is queued (a line with more free workers is not a demo)."""


@dataclass
class RestStandIn:
    """Twilio's Calls API on 127.0.0.1:``port``: each call asked for is kept for the simulator."""

    port: int
    placed: queue.Queue[dict[str, list[str]]] = field(default_factory=queue.Queue)

    def __post_init__(self) -> None:
        placed = self.placed

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                if not self.path.startswith(f"/{API_VERSION}/Accounts/") or not self.path.endswith(
                    "/Calls.json"
                ):
                    self.send_error(404)
                    return
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                form = parse_qs(body.decode("utf-8"))
                sid = "CA" + uuid.uuid4().hex
                placed.put({**form, "Sid": [sid]})
                answer = json.dumps({"sid": sid, "status": "queued"}).encode()
                self.send_response(201)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *_args: object) -> None:  # quiet: numbers travel here
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> RestStandIn:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


def _play_worker(caller: _Simulation, placed: dict[str, list[str]], waited: int) -> _Target | None:
    """Play the outbound call the service asked for: the worker answers and presses 1."""
    number = placed["To"][0]
    worker = _Target(number, placed["Url"][0], placed.get("StatusCallback", [None])[0], frozenset())
    worker.sid = placed["Sid"][0]
    caller.line(f"the service rings {number} through Twilio's REST API")
    params = {
        "CallSid": worker.sid,
        "AccountSid": ACCOUNT_SID,
        "To": number,
        "From": placed["From"][0],
        "CallStatus": "in-progress",
        "Direction": "outbound-api",
        "ApiVersion": API_VERSION,
    }
    document: _Document | None = caller.fetch(caller.resolve(worker.url or "", ""), params)
    while document is not None:
        gather, dial = document.root.find("Gather"), document.root.find("Dial")
        for said in document.root.iter("Say"):
            caller.line(f'{number} hears: "{_text(said)}"')
        if dial is not None and dial.find("Queue") is not None:
            return _connect(caller, worker, params, dial, document.url, waited)
        if gather is None:
            _worker_status(caller, worker, params, "completed")
            return None
        caller.line(f"{number} pressed 1")
        action = caller.resolve(gather.get("action") or document.url, document.url)
        document = caller.fetch(action, {**params, "Digits": "1"})
    return None


def _connect(
    caller: _Simulation,
    worker: _Target,
    params: dict[str, str],
    dial: ET.Element,
    base: str,
    waited: int,
) -> _Target:
    queue_noun = dial.find("Queue")
    assert queue_noun is not None
    url = queue_noun.get("url")
    if url:
        dequeued = {
            **caller.call_params(),
            "QueueSid": "QU" + uuid.uuid4().hex,
            "QueueTime": str(waited),
            "DequeingCallSid": worker.sid,
        }
        said = caller.fetch(caller.resolve(url, base), dequeued)
        for verb in said.root.iter("Say"):
            caller.line(f'caller hears: "{_text(verb)}"')
    caller.line(f"connected the waiting caller to {worker.number}")
    caller.line(f"{worker.number} and the caller talk for {TALK_SECONDS} seconds")
    caller.talk_seconds += TALK_SECONDS
    action = dial.get("action")
    if action:
        done = {
            **params,
            "DialCallStatus": "completed",
            "DialBridged": "true",
            "DialCallDuration": str(TALK_SECONDS),
        }
        caller.fetch(caller.resolve(action, base), done)
    _worker_status(caller, worker, params, "completed")
    return worker


def _worker_status(
    caller: _Simulation, worker: _Target, params: dict[str, str], status: str
) -> None:
    if worker.status_callback:
        caller.post(worker.status_callback, {**params, "CallStatus": status})


@dataclass
class QueueStory:
    calls: list[SimulationResult]
    queued: SimulationResult | None


def simulate_queue(
    *,
    server_url: str,
    public_base_url: str,
    auth_token: str,
    to: str,
    from_: str,
    api: RestStandIn,
    wait_for_offer_seconds: float = 15.0,
    client: httpx.Client | None = None,
) -> QueueStory:
    """Calls accepted and kept going until one queues; then the first ends, and its worker,
    rung through the stand-in REST API, is connected to the waiting caller."""
    held: list[_Simulation] = []
    ended: list[_Simulation] = []
    gave_up = False

    def worker_comes(caller: _Simulation, waited: int) -> _Target | None:
        nonlocal gave_up
        if gave_up:
            return None
        if held and not ended:
            held[0].line("the call ends: its worker is free")
            held[0].final_status()
            ended.append(held[0])
        try:
            placed = api.placed.get(timeout=wait_for_offer_seconds)
        except queue.Empty:
            gave_up = True
            caller.line(
                "no worker was rung: is the server's DUTYLINE_TWILIO_API_URL "
                f"{api.url} and DUTYLINE_TWILIO_ACCOUNT_SID set?"
            )
            return None
        return _play_worker(caller, placed, waited)

    with httpx.Client(timeout=10) as own_client:
        client = client or own_client
        queued: _Simulation | None = None
        for _ in range(MAX_CALLS):
            simulation = _Simulation(
                client=client,
                server_url=server_url,
                public_base_url=public_base_url,
                auth_token=auth_token,
                to=to,
                from_=from_,
                answer_by="first",
                leave_message=False,
                call_sid="CA" + uuid.uuid4().hex,
                hold_end=True,
                worker_comes=worker_comes,
            )
            simulation.run()
            if simulation.result.queued:
                queued = simulation
                break
            held.append(simulation)
        for going in [*held, *([queued] if queued else [])]:
            if going not in ended:
                going.final_status()
    return QueueStory(calls=[sim.result for sim in held], queued=queued.result if queued else None)
