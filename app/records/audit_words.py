"""A record's audit events in words a manager reads: plain labels for field paths,
lists as items added or removed, never raw JSON."""

from __future__ import annotations

from datetime import date
from typing import Any

from app.words import words

ACTIONS = {
    "record.read": "Record opened (read)",
    "record.update": "Record changed",
    "record.complete": "Record completed",
    "record.addendum": "Addendum added",
    "record.previous_contacts": "Previous contacts looked at",
    "record.assign": "Record reassigned",
    "record.audit_read": "Audit trail read",
    "record.child_match": "Likely earlier contact confirmed or dismissed",
    "callback.claim": "Callback claimed",
    "callback.attempt": "Callback attempt recorded",
    "callback.complete": "Callback completed",
}

LABELS = {
    "caller.kind": "Who the caller is",
    "caller.name": "Caller's name",
    "caller.role": "Caller's role",
    "caller.organisation": "Caller's organisation",
    "caller.consent_to_contact": "Caller agrees to be contacted",
    "caller.contact_number": "Caller's number",
    "household.children": "Children",
    "household.adults": "Adults",
    "worry.in_callers_words": "The worry, in the caller's words",
    "concerns.categories": "Kinds of concern",
    "strengths_risks.strengths": "Strengths",
    "strengths_risks.risks": "Risks",
    "consent.family_aware": "Family aware of the call",
    "consent.to_share": "Consent to share",
    "outcome.decision": "Decision",
    "outcome.actions": "Actions agreed",
    "summary": "Summary",
    "status": "Status",
    "worker_id": "Worker",
    "assigned_worker_id": "Worker it is with",
}


def action_in_words(action: str) -> str:
    if action in ACTIONS:
        return ACTIONS[action]
    return action.split(".")[-1].replace("_", " ").capitalize()


def label(path: str) -> str:
    if path in LABELS:
        return LABELS[path]
    if path.startswith("attempts."):
        return "Callback attempt"
    if path.startswith("same_child."):
        return "Same child as an earlier contact"
    return path.split(".")[-1].replace("_", " ").capitalize()


def _day(value: Any) -> str | None:
    try:
        return f"{date.fromisoformat(str(value)):%-d %b %Y}"
    except ValueError:
        return None


def _item(value: Any) -> str:
    if isinstance(value, dict):
        name = value.get("name") or value.get("what") or value.get("who")
        if not name:
            return "an item"
        born = _day(value["date_of_birth"]) if value.get("date_of_birth") else None
        return f"{name} (born {born})" if born else str(name)
    return str(value).replace("_", " ")


def _change(path: str, old: Any, new: Any) -> str:
    name = label(path)
    if path.startswith("attempts."):
        said = words()["callback_attempt_result"].get(str(new), {}).get("text", str(new))
        return f"{name}: {said}"
    if path.startswith("same_child."):
        return "Confirmed as the same child" if new else "Dismissed: not the same child"
    if isinstance(old, list) or isinstance(new, list):
        old_items, new_items = old or [], new or []
        added = [_item(v) for v in new_items if v not in old_items]
        removed = [_item(v) for v in old_items if v not in new_items]
        parts = []
        if added:
            parts.append("added " + ", ".join(added))
        if removed:
            parts.append("removed " + ", ".join(removed))
        return f"{name}: " + ("; ".join(parts) if parts else "changed")
    if old in (None, ""):
        return f"{name} filled in"
    if new in (None, ""):
        return f"{name} cleared"
    return f"{name} changed"


def changes_in_words(changes: dict[str, Any] | None) -> list[str]:
    """One line per changed field, e.g. "Children: added Sam (born 3 Mar 2019)"."""
    if not changes:
        return []
    words = []
    for path, change in changes.items():
        if isinstance(change, dict) and ("old" in change or "new" in change):
            words.append(_change(path, change.get("old"), change.get("new")))
        else:
            words.append(f"{label(path)} changed")
    return words


def detail_in_words(detail: str | None) -> str:
    """Stored details such as "shown=4,7" (or "shown=") in words; other text as it is."""
    if not detail:
        return ""
    if detail.startswith("shown="):
        shown = [part for part in detail.removeprefix("shown=").split(",") if part.strip()]
        if not shown:
            return "No earlier records shown"
        return f"{len(shown)} earlier record{'s' if len(shown) != 1 else ''} shown"
    if "=" in detail:
        return ""
    return detail
