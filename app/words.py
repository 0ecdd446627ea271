"""The words (and tag colours) the pages show for each status and outcome value.

One home, beside nothing else: the pages read them from /api/words instead of copying the
enums by hand, and tests/app/test_words.py checks that every value of every enum listed
here has its words, so a new status cannot reach a page as a raw code.
"""

from __future__ import annotations

from enum import StrEnum

from app.auth import StaffRole
from app.records.callback_schemas import AttemptResult, CallbackOutcome
from app.records.schemas import CheckStatus, Outcome
from models.rota import ShiftSource, SwapStatus
from models.tables import CallbackReason, CallbackStatus, RecordStatus
from routing import OnCallRole
from routing.rota import ConflictKind


class Availability(StrEnum):
    AVAILABLE = "available"
    BUSY = "busy"
    OFFLINE = "offline"


class LegResult(StrEnum):
    """What became of ringing one number (Twilio's call statuses, as CallLeg.result holds)."""

    QUEUED = "queued"
    INITIATED = "initiated"
    RINGING = "ringing"
    IN_PROGRESS = "in-progress"
    ANSWERED = "answered"
    COMPLETED = "completed"
    BUSY = "busy"
    FAILED = "failed"
    NO_ANSWER = "no-answer"
    CANCELED = "canceled"


# kind -> (the enum it words, {value: (text, tag colour; "" is the default blue)})
WORDS: dict[str, tuple[type[StrEnum], dict[str, tuple[str, str]]]] = {
    "record_status": (
        RecordStatus,
        {
            "ringing": ("Ringing", "blue"),
            "in_progress": ("In progress", "yellow"),
            "unanswered": ("Unanswered", "red"),
            "to_complete": ("To complete", "yellow"),
            "completed": ("Completed", "green"),
        },
    ),
    "record_outcome": (
        Outcome,
        {
            "advice_and_guidance": ("Advice and guidance to the caller", ""),
            "signpost": ("Signpost to universal or community services", ""),
            "early_help": ("Family help or early help", ""),
            "social_work_assessment": ("Social work assessment", ""),
            "strategy_discussion": ("Immediate child-protection strategy discussion", ""),
            "no_further_action": ("No further action", ""),
        },
    ),
    "leg_result": (
        LegResult,
        {
            "queued": ("Being rung", ""),
            "initiated": ("Being rung", ""),
            "ringing": ("Ringing", ""),
            "in-progress": ("Answered", ""),
            "answered": ("Answered", ""),
            "completed": ("Answered", ""),
            "busy": ("Busy", ""),
            "failed": ("Could not be rung", ""),
            "no-answer": ("No answer", ""),
            "canceled": ("Call ended before answer", ""),
        },
    ),
    "check_status": (
        CheckStatus,
        {
            "agreed": ("Agreed", ""),
            "requested": ("Requested", ""),
            "done": ("Done", "green"),
            "not_needed": ("Not needed", "grey"),
        },
    ),
    "callback_status": (
        CallbackStatus,
        {"open": ("Open", "blue"), "claimed": ("Claimed", "purple"), "done": ("Done", "green")},
    ),
    "callback_reason": (
        CallbackReason,
        {
            "missed_call": ("Nobody answered", ""),
            "voicemail": ("Left a voicemail", ""),
            "end_unconfirmed": ("Call's end not confirmed: check on the caller", ""),
        },
    ),
    "callback_outcome": (
        CallbackOutcome,
        {
            "spoke_to_caller": ("Spoke to the caller", ""),
            "left_message": ("Left a message", ""),
            "number_unobtainable": ("Number unobtainable", ""),
            "not_needed": ("Not needed", ""),
        },
    ),
    "callback_attempt_result": (
        AttemptResult,
        {
            "no_answer": ("No answer", "grey"),
            "voicemail_left": ("Voicemail left", "yellow"),
            "wrong_number": ("Wrong number", "red"),
            "line_busy": ("Line busy", "grey"),
            "reached": ("Reached the caller", "green"),
        },
    ),
    "availability": (
        Availability,
        {
            "available": ("Available", "green"),
            "busy": ("On a call", "yellow"),
            "offline": ("Offline", "grey"),
        },
    ),
    "swap_status": (
        SwapStatus,
        {
            "pending": ("Waiting", "yellow"),
            "accepted": ("Accepted", "green"),
            "declined": ("Declined", "red"),
            "cancelled": ("Cancelled", "grey"),
        },
    ),
    "staff_role": (
        StaffRole,
        {
            "worker": ("Social worker", ""),
            "coordinator": ("Coordinator", ""),
            "manager": ("Manager", ""),
            "admin": ("Administrator", ""),
        },
    ),
    "on_call_role": (OnCallRole, {"primary": ("Primary", ""), "backup": ("Backup", "grey")}),
    "shift_source": (
        ShiftSource,
        {
            "manual": ("Added by hand", ""),
            "rotation": ("Rotation", ""),
            "cover": ("Cover", ""),
            "swap": ("Swap", ""),
            "import": ("Imported", ""),
        },
    ),
    "conflict_kind": (
        ConflictKind,
        {
            "overlap": ("Overlapping shifts", "yellow"),
            "no_valid_phone": ("No valid phone", "yellow"),
            "on_leave": ("On leave", "yellow"),
            "inactive_worker": ("Inactive worker", "yellow"),
        },
    ),
}


def words() -> dict[str, dict[str, dict[str, str]]]:
    """{kind: {value: {"text": ..., "colour": ...}}}, in the enum's order."""
    return {
        kind: {
            member.value: {"text": table[member.value][0], "colour": table[member.value][1]}
            for member in enum
        }
        for kind, (enum, table) in WORDS.items()
    }
