"""Play Twilio's part against a running Dutyline server, without a Twilio account.

The simulator sends the webhooks Twilio would send for one call (the incoming call, the
status callbacks of every leg it rings, the whisper, the accept key, the dial result, the
voicemail and the final status), signed exactly as Twilio signs them, and follows the TwiML
the server answers with. Every request is signed over the *public* URL (the one Twilio would
call) but sent to ``server_url``, so a server configured for its real public address can be
exercised locally.

It is a teaching and smoke-testing tool: it follows the TwiML generically and is not a full
emulation of Twilio (timing, media and conferences are not simulated). A line's queue
(<Enqueue>) is played in steps of 30 seconds of waiting; ``simulate_queue`` also plays the
REST side (telephony.simulator_rest): the service rings a free worker through "Twilio's
API", here the simulator, which plays that worker's call and the <Dial><Queue>.

Long because it plays every callback Twilio sends, in Twilio's order, in one place a reader
can follow from top to bottom.
"""

from __future__ import annotations

import uuid
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import httpx
from twilio.request_validator import RequestValidator

__all__ = ["MAX_REQUESTS", "SimulationError", "SimulationResult", "simulate_call"]

QUEUE_STEP_SECONDS = 30
"""How much waiting in a queue each fetch of its wait URL stands for."""

MAX_REQUESTS = 50
"""Most requests one simulated call may make (a guard against redirect loops)."""

ACCOUNT_SID = "AC" + "5e" * 16
"""A fixed, fake account sid."""

API_VERSION = "2010-04-01"
TALK_SECONDS = 95
"""How long a bridged conversation lasts in the simulation."""
MESSAGE_SECONDS = 23
"""How long a recorded voicemail lasts in the simulation."""
UNANSWERED_CALL_SECONDS = 30
"""The caller's call duration when nobody talked to them."""
DEFAULT_DIAL_TIMEOUT = 30
"""Twilio's default <Dial timeout>."""


class SimulationError(Exception):
    """The server did not behave as Twilio expects (bad status, not TwiML, a loop...).

    Messages name the path only: never a phone number or any other personal data.
    """

    def __init__(self, message: str, *, status_code: int | None = None, path: str | None = None):
        super().__init__(message)
        self.status_code = status_code
        self.path = path


@dataclass
class SimulationResult:
    call_sid: str
    lines: list[str] = field(default_factory=list)
    """Human-readable path of the call, one event per line."""
    answered_by: str | None = None
    """E.164 number of the leg that accepted (or the fallback that answered), None if nobody."""
    voicemail: bool = False
    """The caller left a message."""
    twiml: list[str] = field(default_factory=list)
    """Every TwiML document received, in order."""
    queued: bool = False
    """The caller waited in a line's queue."""


def _sid(prefix: str) -> str:
    return prefix + uuid.uuid4().hex


@dataclass
class _Target:
    number: str
    url: str | None
    status_callback: str | None
    events: frozenset[str]
    sid: str = field(default_factory=lambda: _sid("CA"))
    sequence: int = 0


@dataclass
class _Document:
    """A TwiML document and the public URL it was fetched from (for relative URLs)."""

    root: ET.Element
    url: str


class _Simulation:
    def __init__(
        self,
        *,
        client: httpx.Client,
        server_url: str,
        public_base_url: str,
        auth_token: str,
        to: str,
        from_: str,
        answer_by: str | None,
        leave_message: bool,
        call_sid: str,
        hold_end: bool = False,
        worker_comes: Callable[[_Simulation, int], _Target | None] | None = None,
    ) -> None:
        self.client = client
        # Leave the call going at the end of run(): ``final_status`` ends it later.
        self.hold_end = hold_end
        # While the caller waits in a queue: a worker rung by the service, connected to
        # them (simulate_queue), or None.
        self.worker_comes = worker_comes
        self.server_url = server_url.rstrip("/")
        self.public_base_url = public_base_url.rstrip("/")
        self.validator = RequestValidator(auth_token)
        self.to = to
        self.from_ = from_
        self.answer_by = answer_by
        self.leave_message = leave_message
        self.requests = 0
        self.talk_seconds = 0
        self.result = SimulationResult(call_sid=call_sid)

    # -- plumbing ---------------------------------------------------------------------------

    @property
    def call_sid(self) -> str:
        return self.result.call_sid

    def line(self, text: str) -> None:
        self.result.lines.append(text)

    def resolve(self, url: str, base: str) -> str:
        """The absolute public URL of ``url`` found in a document fetched from ``base``."""
        url = urljoin(base, url.strip())
        if not self._is_public(url):
            raise SimulationError(
                f"TwiML points outside the public base URL (host {urlsplit(url).netloc!r})",
                path=urlsplit(url).path,
            )
        return url

    def _is_public(self, url: str) -> bool:
        return url == self.public_base_url or url.startswith(
            (self.public_base_url + "/", self.public_base_url + "?")
        )

    def post(self, public_url: str, params: dict[str, str]) -> httpx.Response:
        """POST ``params`` to the server as Twilio would to ``public_url``, signed."""
        path = urlsplit(public_url).path
        if not self._is_public(public_url):
            raise SimulationError("URL outside the public base URL", path=path)
        self.requests += 1
        if self.requests > MAX_REQUESTS:
            raise SimulationError(
                f"more than {MAX_REQUESTS} requests for one call (a loop?); last was {path}",
                path=path,
            )
        target = self.server_url + public_url[len(self.public_base_url) :]
        signature = self.validator.compute_signature(public_url, params)
        try:
            response = self.client.post(
                target,
                data=params,
                headers={
                    "X-Twilio-Signature": signature,
                    "User-Agent": "TwilioProxy/1.1 (Dutyline simulator)",
                },
            )
        except httpx.HTTPError as error:
            raise SimulationError(
                f"could not reach the server at {self.server_url} for {path} "
                f"({type(error).__name__}): is it running there? Give its address with --url",
                path=path,
            ) from error
        if not 200 <= response.status_code < 300:
            raise SimulationError(
                f"server answered {response.status_code} to {path}",
                status_code=response.status_code,
                path=path,
            )
        return response

    def fetch(self, public_url: str, params: dict[str, str]) -> _Document:
        """POST and parse the TwiML answer."""
        response = self.post(public_url, params)
        path = urlsplit(public_url).path
        text = response.text
        try:
            root = ET.fromstring(text)
        except ET.ParseError as error:
            raise SimulationError(
                f"the answer to {path} is not TwiML (not XML)",
                status_code=response.status_code,
                path=path,
            ) from error
        if root.tag != "Response":
            raise SimulationError(
                f"the answer to {path} is not TwiML (root <{root.tag}>)",
                status_code=response.status_code,
                path=path,
            )
        self.result.twiml.append(text)
        return _Document(root, public_url)

    def call_params(self, status: str = "in-progress") -> dict[str, str]:
        return {
            "CallSid": self.call_sid,
            "AccountSid": ACCOUNT_SID,
            "From": self.from_,
            "To": self.to,
            "Caller": self.from_,
            "Called": self.to,
            "CallStatus": status,
            "Direction": "inbound",
            "ApiVersion": API_VERSION,
            "FromCountry": "GB",
            "ToCountry": "GB",
        }

    # -- the caller's side ------------------------------------------------------------------

    def run(self) -> SimulationResult:
        voice_url = self.public_base_url + "/twilio/voice"
        self.line(f"incoming call to {self.to} from {self.from_}")
        document: _Document | None = self.fetch(voice_url, self.call_params("ringing"))
        while document is not None:
            document = self.walk(document)
        if not self.hold_end:
            self.final_status()
        return self.result

    def walk(self, document: _Document) -> _Document | None:
        """Execute a document's verbs; return the next document, or None when the call ends."""
        for verb in document.root:
            tag = verb.tag
            if tag == "Say":
                self.line(f'caller hears: "{_text(verb)}"')
            elif tag == "Play":
                self.line("caller hears a recording")
            elif tag == "Pause":
                continue
            elif tag == "Gather":
                # The caller presses nothing: Twilio moves on to the next verb.
                for said in verb.iter("Say"):
                    self.line(f'caller hears: "{_text(said)}"')
            elif tag == "Dial":
                after = self.dial(verb, document.url)
                if after is not None:
                    return after
            elif tag == "Record":
                return self.record(verb, document.url)
            elif tag == "Enqueue":
                return self.enqueue(verb, document.url)
            elif tag == "Redirect":
                return self.fetch(self.resolve(_text(verb), document.url), self.call_params())
            elif tag in ("Hangup", "Reject"):
                return None
            else:
                self.line(f"(the simulator skips <{tag}>)")
        return None

    def enqueue(self, verb: ET.Element, base: str) -> _Document | None:
        """Wait in the queue: hear the wait URL every 30 s until it says <Leave>, the caller
        presses star (when they would leave a message), or a worker takes them."""
        self.result.queued = True
        self.line(f"caller waits in the queue {_text(verb)}")
        wait_url = self.resolve(verb.get("waitUrl", ""), base)
        action = verb.get("action")
        waited, outcome = 0, "leave"
        while True:
            queue = {"QueuePosition": "1", "QueueTime": str(waited), "CurrentQueueSize": "1"}
            document = self.fetch(wait_url, {**self.call_params(), **queue})
            if self.hears_wait(document, queue):
                break
            taken = self.worker_comes(self, waited) if self.worker_comes else None
            if taken is not None:
                self.result.answered_by = taken.number
                outcome = "bridged"
                break
            waited += QUEUE_STEP_SECONDS
            self.line(f"caller has waited {waited} seconds")
        if not action:
            return None
        params = {**self.call_params(), "QueueResult": outcome, "QueueTime": str(waited)}
        return self.fetch(self.resolve(action, base), params)

    def hears_wait(self, document: _Document, queue: dict[str, str]) -> bool:
        """Play one wait URL answer to the caller; True when they leave the queue."""
        for verb in document.root:
            if verb.tag == "Leave":
                self.line("caller leaves the queue")
                return True
            if verb.tag == "Say":
                self.line(f'caller hears: "{_text(verb)}"')
            if verb.tag == "Gather":
                for said in verb.iter("Say"):
                    self.line(f'caller hears: "{_text(said)}"')
                if self.leave_message and verb.get("action"):
                    self.line("caller pressed star")
                    action = self.resolve(verb.get("action", ""), document.url)
                    after = self.fetch(action, {**self.call_params(), **queue, "Digits": "*"})
                    return self.hears_wait(after, queue)
        return False

    def dial(self, verb: ET.Element, base: str) -> _Document | None:
        caller_id = verb.get("callerId") or self.from_
        timeout = verb.get("timeout") or str(DEFAULT_DIAL_TIMEOUT)
        targets = [
            _Target(
                number=_text(number),
                url=self.resolve(number.get("url", ""), base) if number.get("url") else None,
                status_callback=(
                    self.resolve(number.get("statusCallback", ""), base)
                    if number.get("statusCallback")
                    else None
                ),
                events=frozenset((number.get("statusCallbackEvent") or "").split()),
            )
            for number in verb.findall("Number")
        ]
        if not targets and _text(verb):
            targets = [_Target(_text(verb), None, None, frozenset())]
        if not targets:
            self.line("(the simulator skips a <Dial> with no <Number>)")
            return self.dial_action(verb, base, bridged=None)

        self.line(f"ringing {', '.join(t.number for t in targets)} (timeout {timeout}s)")
        for target in targets:
            self.leg_status(target, caller_id, "initiated", event="initiated")
            self.leg_status(target, caller_id, "ringing", event="ringing")

        answerer = self.pick_answerer(targets)
        bridged: _Target | None = None
        if answerer is not None:
            self.line(f"{answerer.number} answered")
            self.leg_status(answerer, caller_id, "in-progress", event="answered")
            if self.accepts(answerer, caller_id):
                bridged = answerer
                self.result.answered_by = answerer.number
                self.talk_seconds += TALK_SECONDS
                self.line(f"connected caller to {answerer.number}")
            else:
                self.line(f"{answerer.number} was not connected")
                self.leg_status(answerer, caller_id, "completed", event="completed")

        others = [t for t in targets if t is not answerer]
        if bridged is None:
            if others:
                self.line(f"no answer from {', '.join(t.number for t in others)}")
            for target in others:
                self.leg_status(target, caller_id, "no-answer", event="completed")
        else:
            for target in others:
                self.leg_status(target, caller_id, "canceled", event="completed")
            self.line(f"{bridged.number} and the caller talk for {TALK_SECONDS} seconds")
            self.leg_status(
                bridged,
                caller_id,
                "completed",
                event="completed",
                extra={"CallDuration": str(TALK_SECONDS)},
            )
        return self.dial_action(verb, base, bridged=bridged)

    def pick_answerer(self, targets: list[_Target]) -> _Target | None:
        if self.answer_by is None:
            return None
        if self.answer_by == "first":
            # Only the first <Dial> of the call: after that, nobody answers.
            self.answer_by = None
            return targets[0]
        return next((t for t in targets if t.number == self.answer_by), None)

    def dial_action(
        self, verb: ET.Element, base: str, *, bridged: _Target | None
    ) -> _Document | None:
        action = verb.get("action")
        if not action:
            return None
        params = self.call_params()
        params["DialCallStatus"] = "completed" if bridged else "no-answer"
        params["DialBridged"] = "true" if bridged else "false"
        params["DialCallDuration"] = str(TALK_SECONDS) if bridged else "0"
        if bridged is not None:
            params["DialCallSid"] = bridged.sid
        return self.fetch(self.resolve(action, base), params)

    def record(self, verb: ET.Element, base: str) -> _Document | None:
        self.line("caller is asked to leave a message")
        if not self.leave_message:
            self.line("caller hung up without leaving a message")
            return None
        recording_sid = _sid("RE")
        recording = {
            "RecordingUrl": (
                f"https://api.twilio.com/{API_VERSION}/Accounts/{ACCOUNT_SID}"
                f"/Recordings/{recording_sid}"
            ),
            "RecordingSid": recording_sid,
            "RecordingDuration": str(MESSAGE_SECONDS),
        }
        self.result.voicemail = True
        self.talk_seconds += MESSAGE_SECONDS
        self.line(f"caller left a {MESSAGE_SECONDS} second message")
        action = verb.get("action")
        after: _Document | None = None
        if action:
            after = self.fetch(
                self.resolve(action, base),
                {**self.call_params(), **recording, "Digits": "hangup"},
            )
        callback = verb.get("recordingStatusCallback")
        if callback:
            self.post(
                self.resolve(callback, base),
                {
                    "AccountSid": ACCOUNT_SID,
                    "CallSid": self.call_sid,
                    **recording,
                    "RecordingStatus": "completed",
                    "RecordingChannels": "1",
                    "RecordingSource": "RecordVerb",
                },
            )
        return after

    def final_status(self) -> None:
        params = self.call_params("completed")
        params["CallDuration"] = str(self.talk_seconds or UNANSWERED_CALL_SECONDS)
        params["SequenceNumber"] = "0"
        params["CallbackSource"] = "call-progress-events"
        self.post(self.public_base_url + "/twilio/status", params)
        self.line("call ended")

    # -- a ringing leg ----------------------------------------------------------------------

    def leg_params(self, target: _Target, caller_id: str, status: str) -> dict[str, str]:
        return {
            "CallSid": target.sid,
            "ParentCallSid": self.call_sid,
            "AccountSid": ACCOUNT_SID,
            "CallStatus": status,
            "To": target.number,
            "Called": target.number,
            "From": caller_id,
            "Caller": caller_id,
            "Direction": "outbound-dial",
            "ApiVersion": API_VERSION,
        }

    def leg_status(
        self,
        target: _Target,
        caller_id: str,
        status: str,
        *,
        event: str,
        extra: dict[str, str] | None = None,
    ) -> None:
        """Send one leg status callback, if the <Number> asked for that event.

        As on Twilio, ``completed`` (which covers no-answer, canceled...) is always sent.
        """
        if target.status_callback is None:
            return
        if event != "completed" and event not in target.events:
            return
        params = self.leg_params(target, caller_id, status)
        params["SequenceNumber"] = str(target.sequence)
        params["CallbackSource"] = "call-progress-events"
        params.update(extra or {})
        target.sequence += 1
        self.post(target.status_callback, params)

    def accepts(self, target: _Target, caller_id: str) -> bool:
        """Play the whisper to the answering leg; True if the caller is then bridged to it.

        The person presses 1 at every prompt. The leg is bridged when its TwiML runs out,
        and is not if the TwiML hangs up.
        """
        if target.url is None:
            return True
        params = self.leg_params(target, caller_id, "in-progress")
        document: _Document | None = self.fetch(target.url, params)
        while document is not None:
            next_document: _Document | None = None
            for verb in document.root:
                tag = verb.tag
                if tag == "Say":
                    self.line(f'{target.number} hears: "{_text(verb)}"')
                elif tag == "Gather":
                    for said in verb.iter("Say"):
                        self.line(f'{target.number} hears: "{_text(said)}"')
                    self.line(f"{target.number} pressed 1")
                    action = self.resolve(verb.get("action") or document.url, document.url)
                    next_document = self.fetch(action, {**params, "Digits": "1"})
                    break
                elif tag == "Redirect":
                    next_document = self.fetch(self.resolve(_text(verb), document.url), params)
                    break
                elif tag in ("Hangup", "Reject"):
                    return False
            else:
                return True
            document = next_document
        return True


def _text(element: ET.Element) -> str:
    return " ".join((element.text or "").split())


def simulate_call(
    *,
    server_url: str,
    public_base_url: str,
    auth_token: str,
    to: str,
    from_: str,
    answer_by: str | None,
    leave_message: bool = False,
    client: httpx.Client | None = None,
    call_sid: str | None = None,
) -> SimulationResult:
    """Simulate one call to ``to`` from ``from_`` against the server at ``server_url``.

    ``answer_by``: an E.164 number (that leg answers and presses 1 whenever it is rung),
    ``"first"`` (the first number of the first <Dial> does), or None (nobody answers).
    ``leave_message``: the caller records a message when asked to.
    Raises SimulationError when the server answers with an error or something not TwiML,
    or makes the call loop.
    """

    def run(http: httpx.Client) -> SimulationResult:
        return _Simulation(
            client=http,
            server_url=server_url,
            public_base_url=public_base_url,
            auth_token=auth_token,
            to=to,
            from_=from_,
            answer_by=answer_by,
            leave_message=leave_message,
            call_sid=call_sid or _sid("CA"),
        ).run()

    if client is not None:
        return run(client)
    with httpx.Client(timeout=10) as own_client:
        return run(own_client)
