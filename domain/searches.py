"""A household's housing search: what it looks for, how complete it is, where the chat stands.

Matching (listings against searches) imports `Search`; the registration chat walks the
`Step`s. Both read the same frozen value, so nothing here knows about Telegram or SQL.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from types import MappingProxyType

from domain.places import Area
from domain.rent_limits import RentLimit

# A household registers between 1 and MAX_PERSONS people; larger ones talk to a caseworker.
MAX_PERSONS = 20
# The highest monthly rent anyone could mean; above it is a typing mistake.
MAX_RENT = Decimal(10_000)
# How far ahead a move-in date may be.
MAX_MOVE_IN_DAYS = 2 * 365
# The answer "I don't know which carrier supports me"; otherwise `carrier` is a carrier code.
NO_CARRIER = "unknown"


class SearchStatus(StrEnum):
    DRAFT = "draft"  # being registered
    ACTIVE = "active"  # gets offers of flats
    PAUSED = "paused"  # kept, but no offers for now
    WITHDRAWN = "withdrawn"


class Wbs(StrEnum):
    """Wohnberechtigungsschein: the permit to rent a subsidised flat."""

    HAS = "has"
    APPLIED = "applied"
    NONE = "no"


class Document(StrEnum):
    """The checklist from the programme; stored only as yes/no, never the document."""

    RESIDENCE = "residence"
    WOHNSITZAUFLAGE = "wohnsitz"
    SCHUFA = "schufa"
    RENT_DEBT = "rentdebt"
    INCOME = "income"
    DEPOSIT = "deposit"


# German names stay visible in every language: offices and landlords use them.
DOCUMENT_NAMES: Mapping[Document, str] = MappingProxyType(
    {
        Document.RESIDENCE: "Aufenthaltstitel / Gestattung",
        Document.WOHNSITZAUFLAGE: "Wohnsitzauflage",
        Document.SCHUFA: "SCHUFA-Auskunft",
        Document.RENT_DEBT: "Mietschuldenfreiheitsbescheinigung",
        Document.INCOME: "Einkommensnachweis / Bewilligungsbescheid",
        Document.DEPOSIT: "Kautionsübernahme",
    }
)


class Field(StrEnum):
    HOUSEHOLD = "household"
    AREA = "area"
    RENT = "rent"
    WBS = "wbs"
    MOVE_IN = "movein"
    STEP_FREE = "stepfree"
    CARRIER = "carrier"
    DOCUMENTS = "documents"


class Step(StrEnum):
    """Where the registration chat stands: the question shown, or the summary."""

    ADULTS = "adults"
    CHILDREN = "children"
    AREA = "area"
    QUARTERS = "quarters"  # narrowing the chosen districts; part of AREA
    RENT = "rent"
    WBS = "wbs"
    MOVE_IN = "movein"
    STEP_FREE = "stepfree"
    CARRIER = "carrier"
    SHARE = "share"  # may the chosen carrier see the search? Part of CARRIER
    DOC_RESIDENCE = "doc_residence"
    DOC_WOHNSITZAUFLAGE = "doc_wohnsitz"
    DOC_SCHUFA = "doc_schufa"
    DOC_RENT_DEBT = "doc_rentdebt"
    DOC_INCOME = "doc_income"
    DOC_DEPOSIT = "doc_deposit"
    SUMMARY = "summary"
    WITHDRAW = "withdraw"  # "do you really want to withdraw?"


DOCUMENT_STEPS: Mapping[Step, Document] = MappingProxyType(
    {
        Step.DOC_RESIDENCE: Document.RESIDENCE,
        Step.DOC_WOHNSITZAUFLAGE: Document.WOHNSITZAUFLAGE,
        Step.DOC_SCHUFA: Document.SCHUFA,
        Step.DOC_RENT_DEBT: Document.RENT_DEBT,
        Step.DOC_INCOME: Document.INCOME,
        Step.DOC_DEPOSIT: Document.DEPOSIT,
    }
)
# The questions of each field, in the order they are asked.
FIELD_STEPS: Mapping[Field, tuple[Step, ...]] = MappingProxyType(
    {
        Field.HOUSEHOLD: (Step.ADULTS, Step.CHILDREN),
        Field.AREA: (Step.AREA,),
        Field.RENT: (Step.RENT,),
        Field.WBS: (Step.WBS,),
        Field.MOVE_IN: (Step.MOVE_IN,),
        Field.STEP_FREE: (Step.STEP_FREE,),
        Field.CARRIER: (Step.CARRIER, Step.SHARE),
        Field.DOCUMENTS: tuple(DOCUMENT_STEPS),
    }
)


@dataclass(frozen=True, slots=True)
class Search:
    id: int
    user_id: int  # users.id of the household's contact person
    status: SearchStatus
    created_at: datetime
    adults: int | None = None
    children: int | None = None
    area: Area = field(default_factory=Area)
    max_rent: Decimal | None = None  # gross cold rent per month, euros
    wbs: Wbs | None = None
    move_in: date | None = None  # earliest; a date in the past means "as soon as possible"
    step_free: bool | None = None
    carrier: str | None = None  # a carrier's code or NO_CARRIER
    documents: Mapping[Document, bool] = field(
        default_factory=lambda: MappingProxyType({}), hash=False
    )
    confirmed_at: datetime | None = None
    # The chat: the question shown (or the summary), and whether it waits for an answer.
    step: Step = Step.ADULTS
    asking: bool = False

    @property
    def persons(self) -> int | None:
        if self.adults is None or self.children is None:
            return None
        return self.adults + self.children

    def has_document(self, document: Document) -> bool:
        return self.documents.get(document, False)


def _answered(search: Search, wanted: Field) -> bool:
    match wanted:
        case Field.HOUSEHOLD:
            return search.persons is not None
        case Field.AREA:
            return search.area.is_answered
        case Field.RENT:
            return search.max_rent is not None
        case Field.WBS:
            return search.wbs is not None
        case Field.MOVE_IN:
            return search.move_in is not None
        case Field.STEP_FREE:
            return search.step_free is not None
        case Field.CARRIER:
            return search.carrier is not None
        case Field.DOCUMENTS:
            return set(search.documents) == set(Document)


def missing_fields(search: Search) -> list[Field]:
    return [f for f in Field if not _answered(search, f)]


def is_complete(search: Search) -> bool:
    return not missing_fields(search)


def first_open_step(search: Search) -> Step:
    """The first question without an answer, or the summary when all are answered."""
    for wanted in missing_fields(search):
        steps = FIELD_STEPS[wanted]
        if wanted is Field.DOCUMENTS:
            return next(s for s in steps if DOCUMENT_STEPS[s] not in search.documents)
        if wanted is Field.HOUSEHOLD and search.adults is not None:
            return Step.CHILDREN
        return steps[0]
    return Step.SUMMARY


def field_of(step: Step) -> Field | None:
    if step is Step.QUARTERS:
        return Field.AREA
    return next((f for f, steps in FIELD_STEPS.items() if step in steps), None)


def step_after(search: Search, step: Step) -> Step:
    """The question after `step` has been answered: the rest of its field (both household
    numbers, every document, whether the chosen carrier may see the search), then the first
    open question, then the summary.
    """
    owner = field_of(step)
    steps = FIELD_STEPS[owner] if owner else ()
    if step in steps[:-1]:
        following = steps[steps.index(step) + 1]
        if following is not Step.SHARE or has_real_carrier(search):
            return following
    return first_open_step(search)


def step_before(search: Search, step: Step) -> Step | None:
    """Where Back leads: the previous question while registering; from the first question
    of a field, back to the summary once everything is answered."""
    if step in (Step.QUARTERS, Step.WITHDRAW):
        return Step.AREA if step is Step.QUARTERS else Step.SUMMARY
    order = [s for f in Field for s in FIELD_STEPS[f]]
    if step not in order:
        return None
    owner = field_of(step)
    assert owner is not None
    if is_complete(search) and step == FIELD_STEPS[owner][0]:
        return Step.SUMMARY
    earlier = [
        s for s in order[: order.index(step)] if s is not Step.SHARE or has_real_carrier(search)
    ]
    return earlier[-1] if earlier else None


def has_real_carrier(search: Search) -> bool:
    return search.carrier is not None and search.carrier != NO_CARRIER


def above_limit(search: Search, limit: RentLimit | None) -> bool:
    return limit is not None and search.max_rent is not None and search.max_rent > limit.rent


# A carrier's staff see confirmed searches that were not withdrawn, and only with consent.
VISIBLE_TO_CARRIER = (SearchStatus.ACTIVE, SearchStatus.PAUSED)
# Which status may follow which; a withdrawn search can only be registered anew.
_TRANSITIONS: Mapping[SearchStatus, frozenset[SearchStatus]] = MappingProxyType(
    {
        SearchStatus.DRAFT: frozenset({SearchStatus.ACTIVE}),
        SearchStatus.ACTIVE: frozenset({SearchStatus.PAUSED, SearchStatus.WITHDRAWN}),
        SearchStatus.PAUSED: frozenset({SearchStatus.ACTIVE, SearchStatus.WITHDRAWN}),
        SearchStatus.WITHDRAWN: frozenset({SearchStatus.DRAFT}),
    }
)


def change_status(search: Search, to: SearchStatus, now: datetime) -> Search | None:
    """The search in its new status, or None when that change is not allowed (an old
    button: confirming twice, pausing a withdrawn search)."""
    if to not in _TRANSITIONS[search.status]:
        return None
    if to is SearchStatus.DRAFT:
        return start_over(search, now)
    if to is SearchStatus.ACTIVE and not is_complete(search):
        return None
    confirmed = search.confirmed_at or (now if to is SearchStatus.ACTIVE else None)
    return replace(search, status=to, step=Step.SUMMARY, asking=False, confirmed_at=confirmed)


def start_over(search: Search, now: datetime) -> Search:
    """An empty draft in place of the old search: the id stays, no answer does."""
    return Search(search.id, search.user_id, SearchStatus.DRAFT, now, asking=True)


def with_document(search: Search, document: Document, held: bool) -> Search:
    documents = MappingProxyType({**search.documents, document: held})
    return replace(search, documents=documents)
