"""An announcement: free text from staff to a segment of the bot's users, sent once.

It is built in steps (text, audience, district, language), previewed and confirmed before
anything goes out, because a message to thousands of people cannot be taken back.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from domain.accounts import Audience, Role
from domain.places import Area

MAX_BODY = 3000  # characters; the heading in the reader's language must fit beside it


class Step(StrEnum):
    TEXT = "text"
    AUDIENCE = "audience"
    DISTRICT = "district"  # only when households are in the audience
    LANGUAGE = "language"
    PREVIEW = "preview"
    CONFIRM = "confirm"


@dataclass(frozen=True, slots=True)
class Announcement:
    id: int
    created_by: int  # users.id of the staff member
    step: Step
    created_at: datetime
    body: str = ""
    audience: Audience | None = None
    district: str | None = None  # households whose search includes this district
    locale: str | None = None  # people who read this language
    asking_since: datetime | None = None
    sent_at: datetime | None = None


def step_after(announcement: Announcement, step: Step) -> Step:
    """The question after `step`; the district question only concerns households."""
    if step is Step.AUDIENCE and announcement.audience is Audience.VOLUNTEERS:
        return Step.LANGUAGE
    order = list(Step)
    return order[min(order.index(step) + 1, len(order) - 1)]


def step_before(announcement: Announcement, step: Step) -> Step:
    if step is Step.LANGUAGE and announcement.audience is Audience.VOLUNTEERS:
        return Step.AUDIENCE
    order = list(Step)
    return order[max(order.index(step) - 1, 0)]


@dataclass(frozen=True, slots=True)
class Person:
    """A registered seeker or volunteer who might get the announcement."""

    user_id: int
    role: Role
    locale: str


def reaches(announcement: Announcement, person: Person, area: Area | None) -> bool:
    """`area` is the household's search area (None: no search)."""
    audience = announcement.audience
    if audience is None or person.role not in audience.roles:
        return False
    if announcement.locale is not None and person.locale != announcement.locale:
        return False
    if announcement.district is None or person.role is not Role.SEEKER:
        return True
    return area is not None and (area.anywhere is True or announcement.district in area.districts)


def recipients(
    announcement: Announcement, people: Iterable[Person], areas: Mapping[int, Area]
) -> list[int]:
    return [
        person.user_id
        for person in people
        if reaches(announcement, person, areas.get(person.user_id))
    ]
