"""The conversation record as the API reads and writes it.

The written content is a set of sections (DOMAIN.md, "What a conversation record holds").
A draft may leave anything empty; completing a record checks that what its outcome needs
is filled (`missing_for_completion`). Every free-text field has a length limit.

Over 400 lines on purpose: the record's sections are one document, validated together
(completion checks read across sections), so their shapes stay in one module.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from functools import partial
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    computed_field,
    field_validator,
)

from app.formats import national
from app.params import DbId
from routing import normalise_number

SHORT = 120
MEDIUM = 1000
LONG = 5000
WORRY_MAX = 10000
ADDENDUM_MAX = 4000


class ConcernCategory(StrEnum):
    NEGLECT = "neglect"
    PHYSICAL_ABUSE = "physical_abuse"
    EMOTIONAL_ABUSE = "emotional_abuse"
    SEXUAL_ABUSE = "sexual_abuse"
    DOMESTIC_ABUSE = "domestic_abuse"
    PARENTAL_MENTAL_HEALTH = "parental_mental_health"
    SUBSTANCE_MISUSE = "substance_misuse"
    EXPLOITATION = "exploitation"
    OTHER = "other"


class Outcome(StrEnum):
    ADVICE_AND_GUIDANCE = "advice_and_guidance"
    SIGNPOST = "signpost"
    EARLY_HELP = "early_help"
    SOCIAL_WORK_ASSESSMENT = "social_work_assessment"
    STRATEGY_DISCUSSION = "strategy_discussion"
    NO_FURTHER_ACTION = "no_further_action"


class CallerKind(StrEnum):
    PROFESSIONAL = "professional"
    PUBLIC = "public"


class Agency(StrEnum):
    POLICE = "police"
    HEALTH = "health"
    EDUCATION = "education"
    CHILDRENS_SOCIAL_CARE = "childrens_social_care"
    OTHER = "other"


class CheckStatus(StrEnum):
    AGREED = "agreed"
    REQUESTED = "requested"
    DONE = "done"
    NOT_NEEDED = "not_needed"


class ConsentAnswer(StrEnum):
    GIVEN = "given"
    REFUSED = "refused"
    NOT_SOUGHT = "not_sought"


# Annex A's codes (List 1): who the contact came from, the child's gender and ethnicity.
ContactSource = Literal[
    "1A", "1B", "1C", "1D", "2A", "2B", "3A", "3B", "3C", "3D", "3E", "3F",
    "4", "5A", "5B", "5C", "5D", "6", "7", "8", "9", "10",
]  # fmt: skip
Gender = Literal["male", "female", "not_stated", "neither"]
Ethnicity = Literal[
    "WBRI", "WIRI", "WIRT", "WOTH", "WROM", "MWBC", "MWBA", "MWAS", "MOTH", "AIND",
    "APKN", "ABAN", "AOTH", "BCRB", "BAFR", "BOTH", "CHNE", "OOTH", "REFU", "NOBT",
]  # fmt: skip


def _phone(value: str | None) -> str | None:
    if value is None or value == "":
        return None
    normalised = normalise_number(value)
    if normalised is None:
        raise ValueError("not a valid phone number")
    return normalised


Phone = Annotated[str | None, Field(max_length=32), AfterValidator(_phone)]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class CallerSection(_Section):
    kind: CallerKind | None = None
    name: str = Field("", max_length=SHORT)
    role: str = Field("", max_length=SHORT, description="For professionals: their role.")
    organisation: str = Field("", max_length=160, description="For professionals.")
    relationship: str = Field(
        "", max_length=SHORT, description="For the public: relationship to the child."
    )
    contact_number: Phone = None
    consent_to_contact: bool | None = Field(
        None, description="Whether the caller agrees to be contacted again."
    )
    contact_source: ContactSource | None = Field(
        None, description="Annex A's contact source code (1A family ... 6 police ... 10 unknown)."
    )


class Child(_Section):
    name: str = Field("", max_length=SHORT)
    date_of_birth: date | None = Field(None, description="Not in the future.")
    approximate_age: int | None = Field(None, ge=0, le=25)
    address: str = Field("", max_length=300)
    postcode: str = Field("", max_length=10)
    school: str = Field("", max_length=160, description="School or setting.")
    reference: str = Field("", max_length=64, description="A case or LCS reference, if any.")
    gender: Gender | None = Field(None, description="Optional; for Annex A.")
    ethnicity: Ethnicity | None = Field(None, description="Optional; Annex A's census code.")


class HouseholdMember(_Section):
    name: str = Field("", max_length=SHORT)
    relationship: str = Field("", max_length=SHORT)
    age: int | None = Field(None, ge=0, le=120)
    notes: str = Field("", max_length=MEDIUM)


class HouseholdSection(_Section):
    children: list[Child] = Field(default_factory=list, max_length=20)
    others: list[HouseholdMember] = Field(default_factory=list, max_length=30)


class WorrySection(_Section):
    in_callers_words: str = Field("", max_length=WORRY_MAX)


class ConcernsSection(_Section):
    categories: list[ConcernCategory] = Field(default_factory=list, max_length=20)
    other_detail: str = Field("", max_length=500)

    @field_validator("categories")
    @classmethod
    def _unique(cls, value: list[ConcernCategory]) -> list[ConcernCategory]:
        return list(dict.fromkeys(value))


class StrengthsRisksSection(_Section):
    strengths: str = Field("", max_length=LONG)
    risks: str = Field("", max_length=LONG)


class Check(_Section):
    agency: Agency | None = None
    agency_detail: str = Field("", max_length=SHORT, description="Which agency, for other.")
    status: CheckStatus = CheckStatus.AGREED
    checked_on: date | None = None
    result: str = Field("", max_length=2000)


class ChecksSection(_Section):
    items: list[Check] = Field(default_factory=list, max_length=20)


class ConsentSection(_Section):
    family_aware: bool | None = Field(None, description="Whether the family knows of the call.")
    to_share: ConsentAnswer | None = None
    to_contact: ConsentAnswer | None = None
    basis: str = Field(
        "", max_length=MEDIUM, description="Why information is shared without consent, if it is."
    )


class Action(_Section):
    who: str = Field("", max_length=SHORT)
    what: str = Field("", max_length=MEDIUM)
    by: date | None = None


class OutcomeSection(_Section):
    decision: Outcome | None = None
    summary: str = Field("", max_length=4000, description="The advice or next step agreed.")
    reason: str = Field("", max_length=2000, description="Why, for no further action.")
    actions: list[Action] = Field(default_factory=list, max_length=20)


SECTIONS: dict[str, type[_Section]] = {
    "caller": CallerSection,
    "household": HouseholdSection,
    "worry": WorrySection,
    "concerns": ConcernsSection,
    "strengths_risks": StrengthsRisksSection,
    "checks": ChecksSection,
    "consent": ConsentSection,
    "outcome": OutcomeSection,
}
SectionName = Literal[
    "caller",
    "household",
    "worry",
    "concerns",
    "strengths_risks",
    "checks",
    "consent",
    "outcome",
]


class RecordContent(BaseModel):
    """All sections, each filled with its defaults where nothing is written yet."""

    caller: CallerSection = Field(default_factory=partial(CallerSection.model_validate, {}))
    household: HouseholdSection = Field(
        default_factory=partial(HouseholdSection.model_validate, {})
    )
    worry: WorrySection = Field(default_factory=partial(WorrySection.model_validate, {}))
    concerns: ConcernsSection = Field(default_factory=partial(ConcernsSection.model_validate, {}))
    strengths_risks: StrengthsRisksSection = Field(
        default_factory=partial(StrengthsRisksSection.model_validate, {})
    )
    checks: ChecksSection = Field(default_factory=partial(ChecksSection.model_validate, {}))
    consent: ConsentSection = Field(default_factory=partial(ConsentSection.model_validate, {}))
    outcome: OutcomeSection = Field(default_factory=partial(OutcomeSection.model_validate, {}))


class RecordUpdate(BaseModel):
    """A partial save. Only the sections sent change, and within a section only the fields
    sent; a list (children, checks, actions) is replaced as a whole.

    `versions` names, for each section sent, the version the edit started from (as last
    read). When another save changed that section since, the save is refused with 409 and
    nothing is written. A section sent without a version is saved regardless.
    """

    model_config = ConfigDict(extra="forbid")

    caller: CallerSection | None = None
    household: HouseholdSection | None = None
    worry: WorrySection | None = None
    concerns: ConcernsSection | None = None
    strengths_risks: StrengthsRisksSection | None = None
    checks: ChecksSection | None = None
    consent: ConsentSection | None = None
    outcome: OutcomeSection | None = None
    versions: dict[SectionName, int] = Field(default_factory=dict)

    def sent_sections(self) -> dict[str, dict[str, Any]]:
        """Each section sent, as JSON, holding only the fields sent."""
        sent = {}
        for name in SECTIONS:
            section = getattr(self, name)
            if name in self.model_fields_set and section is not None:
                sent[name] = section.model_dump(mode="json", exclude_unset=True)
        return sent


def merge_sections(
    stored: dict[str, Any], sent: dict[str, dict[str, Any]]
) -> dict[str, dict[str, Any]]:
    """The stored content with the sent fields laid over it, section by section, checked.

    Raises pydantic.ValidationError if the merged sections do not validate.
    """
    merged: dict[str, dict[str, Any]] = {}
    for name, fields in sent.items():
        combined = {**stored.get(name, {}), **fields}
        merged[name] = SECTIONS[name].model_validate(combined).model_dump(mode="json")
    return merged


def content_of(stored: dict[str, Any]) -> RecordContent:
    return RecordContent.model_validate(stored)


def future_dates_of_birth(sent: dict[str, dict[str, Any]], today: date) -> list[dict[str, Any]]:
    """422 error entries for children born after `today` (the service's local date)."""
    errors = []
    for index, child in enumerate(sent.get("household", {}).get("children", [])):
        dob = child.get("date_of_birth")
        if dob and date.fromisoformat(dob) > today:
            errors.append(
                {
                    "loc": ["body", "household", "children", index, "date_of_birth"],
                    "msg": "A date of birth cannot be in the future",
                    "type": "date_in_future",
                    "input": dob,
                }
            )
    return errors


def _missing(loc: tuple[str | int, ...], msg: str) -> dict[str, Any]:
    return {"loc": ["record", *loc], "msg": msg, "type": "missing"}


# What each outcome needs beyond what every record needs.
_NEEDS_STRENGTHS_AND_RISKS = {
    Outcome.EARLY_HELP,
    Outcome.SOCIAL_WORK_ASSESSMENT,
    Outcome.STRATEGY_DISCUSSION,
}
_NEEDS_CHECKS = {Outcome.SOCIAL_WORK_ASSESSMENT, Outcome.STRATEGY_DISCUSSION}
_NEEDS_ACTIONS = {
    Outcome.SIGNPOST,
    Outcome.EARLY_HELP,
    Outcome.SOCIAL_WORK_ASSESSMENT,
    Outcome.STRATEGY_DISCUSSION,
}


def missing_for_completion(content: RecordContent) -> list[dict[str, Any]]:
    """Every field the record's outcome needs that is not filled, as 422 error entries.

    Locations are ["record", section, field, ...], the paths of RecordUpdate's body.
    """
    errors: list[dict[str, Any]] = []
    caller, outcome = content.caller, content.outcome
    if caller.kind is None:
        errors.append(_missing(("caller", "kind"), "Say whether a professional or the public"))
    if not caller.name:
        errors.append(_missing(("caller", "name"), "Enter the caller's name"))
    if caller.kind is CallerKind.PROFESSIONAL:
        if not caller.role:
            errors.append(_missing(("caller", "role"), "Enter the caller's role"))
        if not caller.organisation:
            errors.append(_missing(("caller", "organisation"), "Enter the organisation"))
    if caller.kind is CallerKind.PUBLIC and not caller.relationship:
        errors.append(
            _missing(("caller", "relationship"), "Enter the caller's relationship to the child")
        )
    if caller.consent_to_contact is None:
        errors.append(
            _missing(("caller", "consent_to_contact"), "Say whether the caller may be contacted")
        )
    elif caller.consent_to_contact and not caller.contact_number:
        errors.append(_missing(("caller", "contact_number"), "Enter a number to call back on"))

    children = content.household.children
    if not children:
        errors.append(_missing(("household", "children"), "Add at least one child"))
    for index, child in enumerate(children):
        if not child.name:
            errors.append(_missing(("household", "children", index, "name"), "Enter a name"))
        if child.date_of_birth is None and child.approximate_age is None:
            errors.append(
                _missing(
                    ("household", "children", index, "date_of_birth"),
                    "Enter a date of birth or an approximate age",
                )
            )

    if not content.worry.in_callers_words:
        errors.append(
            _missing(("worry", "in_callers_words"), "Write the worry in the caller's words")
        )
    if not content.concerns.categories:
        errors.append(_missing(("concerns", "categories"), "Choose at least one concern"))
    if ConcernCategory.OTHER in content.concerns.categories and not content.concerns.other_detail:
        errors.append(_missing(("concerns", "other_detail"), "Describe the other concern"))
    if content.consent.family_aware is None:
        errors.append(
            _missing(("consent", "family_aware"), "Say whether the family knows of the call")
        )

    decision = outcome.decision
    if decision is None:
        # Not a reason to stop: every problem that does not hang on the outcome is named
        # now, so the worker is not sent back a second time for them.
        errors.append(_missing(("outcome", "decision"), "Choose the agreed outcome"))
    if decision is Outcome.ADVICE_AND_GUIDANCE and not outcome.summary:
        errors.append(_missing(("outcome", "summary"), "Summarise the advice given"))
    if decision is Outcome.NO_FURTHER_ACTION and not outcome.reason:
        errors.append(_missing(("outcome", "reason"), "Give the reason for no further action"))
    if decision in _NEEDS_STRENGTHS_AND_RISKS:
        for field in ("strengths", "risks"):
            if not getattr(content.strengths_risks, field):
                errors.append(_missing(("strengths_risks", field), f"Write the {field}"))
        if content.consent.to_share is None:
            errors.append(
                _missing(("consent", "to_share"), "Say whether consent to share is given")
            )
    if (
        decision in _NEEDS_CHECKS
        and content.consent.to_share is not ConsentAnswer.GIVEN
        and not content.consent.basis
    ):
        errors.append(_missing(("consent", "basis"), "Give the basis for sharing without consent"))
    if decision in _NEEDS_CHECKS and not content.checks.items:
        errors.append(_missing(("checks", "items"), "Record the safeguarding checks agreed"))
    for index, check in enumerate(content.checks.items):
        if check.agency is None:
            errors.append(_missing(("checks", "items", index, "agency"), "Choose the agency"))
        if check.status is CheckStatus.DONE and not check.result:
            errors.append(_missing(("checks", "items", index, "result"), "Enter the result"))
    if decision in _NEEDS_ACTIONS and not outcome.actions:
        errors.append(_missing(("outcome", "actions"), "Say who will do what by when"))
    for index, action in enumerate(outcome.actions):
        for field in ("who", "what", "by"):
            if not getattr(action, field):
                errors.append(
                    _missing(("outcome", "actions", index, field), f"Enter {field} for the action")
                )
    return errors


# --- What the API returns -------------------------------------------------------------


class WorkerRef(BaseModel):
    id: int
    name: str


class LineRef(BaseModel):
    key: str
    name: str
    number: str

    @computed_field(description="The line's number in UK national format.")  # type: ignore[prop-decorator]
    @property
    def number_words(self) -> str:
        return national(self.number)


class LegRead(BaseModel):
    step: int
    number: str | None = Field(description="The number rung, unless it is a worker's own phone.")
    worker: WorkerRef | None
    result: str
    accepted: bool
    offered_at: datetime


class QueueFacts(BaseModel):
    """The call's time in its line's queue (issue 12), if it waited there."""

    queued_at: datetime
    position_on_arrival: int = Field(description="1: nobody was waiting ahead of them.")
    left_at: datetime | None
    waited_seconds: int | None = Field(description="From joining to leaving; None while waiting.")
    callback_chosen: bool = Field(description="The caller pressed star to be called back.")
    result: str | None = Field(
        description="bridged, callback, max_wait, hangup or other; None while waiting."
    )


class CallFacts(BaseModel):
    """What the service recorded about the call. Read-only."""

    call_sid: str
    line: LineRef
    caller_number: str | None
    dialled_number: str | None
    dialled_known: bool = Field(
        description="False when the number dialled matched no line (served as the public line)."
    )
    dialled_words: str = Field(description="The number dialled in UK national format.")
    out_of_hours: bool
    period_reason: str
    route: list[dict[str, Any]]
    legs: list[LegRead]
    accepted_worker: WorkerRef | None
    started_at: datetime
    answered_at: datetime | None
    ended_at: datetime | None
    duration_seconds: int | None
    queue: QueueFacts | None = None

    @computed_field(description="The caller's number in UK national format, or Withheld.")  # type: ignore[prop-decorator]
    @property
    def caller_words(self) -> str:
        return national(self.caller_number) if self.caller_number else "Withheld"


class RecordFlags(BaseModel):
    out_of_hours: bool
    re_referral: bool = Field(
        description="A contact about the same child in the 12 months before this one."
    )
    previous_child_contacts: int
    previous_caller_contacts: int


class AddendumRead(BaseModel):
    id: int
    at: datetime
    author_user_id: DbId
    author_name: str
    text: str


class AddendumCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    text: str = Field(min_length=1, max_length=ADDENDUM_MAX)


class RecordRead(BaseModel):
    id: int
    status: str
    locked: bool
    call: CallFacts
    assigned_worker: WorkerRef | None
    completed_at: datetime | None
    completed_by_user_id: DbId | None
    completed_by_name: str | None = Field(
        None, description="Who completed the record, by name, for the case file."
    )
    content: RecordContent
    versions: dict[str, int] = Field(
        description="Each section's version: send it back in RecordUpdate.versions."
    )
    flags: RecordFlags
    addenda: list[AddendumRead]

    @computed_field(description="The caller's number to call back on, in UK national format.")  # type: ignore[prop-decorator]
    @property
    def contact_number_words(self) -> str | None:
        number = self.content.caller.contact_number
        return national(number) if number else None


class RecordSummary(BaseModel):
    """One line of a list of records."""

    id: int
    status: str
    line: LineRef
    started_at: datetime
    out_of_hours: bool
    caller_number: str | None
    assigned_worker: WorkerRef | None
    children: list[str]
    outcome: str | None
    completed_at: datetime | None

    @computed_field(description="The caller's number in UK national format, or Withheld.")  # type: ignore[prop-decorator]
    @property
    def caller_words(self) -> str:
        return national(self.caller_number) if self.caller_number else "Withheld"


class RecordPage(BaseModel):
    items: list[RecordSummary]
    total: int
    page: int
    per_page: int


class PreviousContactRead(BaseModel):
    record_id: DbId
    started_at: datetime
    line: LineRef
    status: str
    outcome: str | None
    children: list[str]
    matched_on: list[str]


class PreviousContacts(BaseModel):
    re_referral: bool
    about_the_child: list[PreviousContactRead]
    from_the_caller: list[PreviousContactRead]
    match_made: bool = Field(
        description="Whether every child named could be looked for (a name with a date of "
        "birth, or a reference). When false, no earlier contact is ruled out."
    )
    match_needs: str = Field(description="What the match needs, in words; empty when made.")
    likely: list[PreviousContactRead] = Field(
        description="Records that may be about the same child (same name, or same caller "
        "while the match cannot be made), for the worker to confirm or dismiss."
    )


class ChildMatchAnswer(BaseModel):
    """The worker's word on one likely earlier contact."""

    model_config = ConfigDict(extra="forbid")

    other_record_id: DbId
    same_child: bool = Field(description="True: this is the same child. False: it is not.")


class RecordAssign(BaseModel):
    model_config = ConfigDict(extra="forbid")

    worker_id: DbId
