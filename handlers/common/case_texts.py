"""Words the features share about a case, for any reader: statuses, next steps, kinds, documents.

Each function takes the reader's Translator, so outbox renderers use them at send time.
German process terms (Mietangebot, Jobcenter, Anmeldung) stay visible in every language.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from datetime import datetime

from bot.i18n import Translator
from domain.accompaniment import Kind
from domain.case_status import CaseStatus
from domain.searches import DOCUMENT_NAMES, Document
from domain.viewings import (
    EXAMPLE_TIME,
    MAX_PLACE_LENGTH,
    Appointment,
    AppointmentProblem,
    ViewingAnswer,
    ViewingOutcome,
    example_day,
    format_appointment,
)


def status_label(tr: Translator, status: CaseStatus) -> str:
    return {
        CaseStatus.SEARCHING: tr.pgettext("case status", "Searching"),
        CaseStatus.VIEWING: tr.pgettext("case status", "Viewing"),
        CaseStatus.OFFER: tr.pgettext("case status", "Offer received"),
        CaseStatus.RENT_APPROVED: tr.pgettext("case status", "Rent approved"),
        CaseStatus.LEASE_SIGNED: tr.pgettext("case status", "Lease signed"),
        CaseStatus.MOVED: tr.pgettext("case status", "Moved"),
        CaseStatus.AFTERCARE: tr.pgettext("case status", "Aftercare"),
        CaseStatus.CLOSED: tr.pgettext("case status", "Closed"),
        CaseStatus.PAUSED: tr.pgettext("case status", "Paused"),
        CaseStatus.WITHDRAWN: tr.pgettext("case status", "Withdrawn"),
    }[status]


def next_step(tr: Translator, status: CaseStatus, carrier: str) -> str:
    """What the household does now, in its language; `carrier` is already escaped."""
    text = {
        CaseStatus.SEARCHING: tr.gettext(
            "Next step: look for flats and keep your papers ready. Your caseworker at "
            "{carrier} helps you and tells you about viewings."
        ),
        CaseStatus.VIEWING: tr.gettext(
            "Next step: go to the flat viewing (Besichtigung). You get the time and place in "
            "a separate message, and a reminder the day before."
        ),
        CaseStatus.OFFER: tr.gettext(
            "You got a rental offer (Mietangebot). Next step: <b>do not sign yet.</b> First "
            "take the offer to your Jobcenter or Sozialamt and ask them to approve the rent. "
            "They check that it is reasonable (angemessen). If you sign before, they may not "
            "pay the rent."
        ),
        CaseStatus.RENT_APPROVED: tr.gettext(
            "The Jobcenter or Sozialamt approved the rent. Next step: sign the lease "
            "(Mietvertrag). If you need the deposit (Kaution), ask the Jobcenter or Sozialamt "
            "for it as a loan."
        ),
        CaseStatus.LEASE_SIGNED: tr.gettext(
            "You signed the lease (Mietvertrag). Next step: plan your move. Ask the landlord "
            "for the Wohnungsgeberbestätigung (landlord's confirmation): you need it to "
            "register your new address (Anmeldung)."
        ),
        CaseStatus.MOVED: tr.gettext(
            "Welcome to your new home! Next step: register your new address at the "
            "Bürgeramt within two weeks (Anmeldung). Bring the Wohnungsgeberbestätigung from "
            "your landlord and your ID. We will ask how you are in the coming weeks."
        ),
        CaseStatus.AFTERCARE: tr.gettext(
            "{carrier} stays with you for the first months after the move (aftercare). If "
            "you need help, say so when we ask how you are, or contact {carrier}."
        ),
        CaseStatus.CLOSED: tr.gettext(
            "Your case is closed. All the best in your new home! You can still contact "
            "{carrier} if you need help."
        ),
        CaseStatus.PAUSED: tr.gettext(
            "Your case is paused for now. Your caseworker at {carrier} tells you when it goes on."
        ),
        CaseStatus.WITHDRAWN: tr.gettext(
            "Your case with {carrier} has ended. If you want help with a flat again, "
            "register a new housing search with /mysearch."
        ),
    }[status]
    return text.format(carrier=tr.isolate(carrier))


def kind_label(tr: Translator, kind: Kind) -> str:
    return {
        Kind.VIEWING: tr.pgettext("accompaniment", "Flat viewing (Besichtigung)"),
        Kind.JOBCENTER: tr.pgettext("accompaniment", "Jobcenter (benefits office)"),
        Kind.SOZIALAMT: tr.pgettext("accompaniment", "Sozialamt (social welfare office)"),
        Kind.BUERGERAMT: tr.pgettext(
            "accompaniment", "Bürgeramt (Anmeldung: registering an address)"
        ),
    }[kind]


def outcome_label(tr: Translator, outcome: ViewingOutcome) -> str:
    return {
        ViewingOutcome.OFFER: tr.pgettext("viewing outcome", "Offer"),
        ViewingOutcome.NO_OFFER: tr.pgettext("viewing outcome", "No offer"),
        ViewingOutcome.DECLINED: tr.pgettext("viewing outcome", "Household declined"),
        ViewingOutcome.NO_SHOW: tr.pgettext("viewing outcome", "Did not come"),
    }[outcome]


def answer_label(tr: Translator, answer: ViewingAnswer | None) -> str:
    if answer is ViewingAnswer.COMING:
        return "✓ " + tr.gettext("will come")
    if answer is ViewingAnswer.NOT_COMING:
        return "✗ " + tr.gettext("cannot come")
    return tr.gettext("no answer yet")


def documents(tr: Translator, names: Iterable[Document]) -> str:
    """German document names, as offices and landlords use them, in the reader's list form."""
    return tr.join([tr.isolate(DOCUMENT_NAMES[d]) for d in names])


def appointment_lines(tr: Translator, appointment: Appointment) -> str:
    """When, where and where to meet; the places are typed by staff and escaped here."""
    # TRANSLATORS: {when} is a weekday, date and time; {place} and {meet} are addresses.
    return tr.gettext("When: {when}\nAddress: {place}\nMeeting point: {meet}").format(
        when=tr.when(appointment.starts_at),
        place=tr.isolate(html.escape(appointment.place)),
        meet=tr.isolate(html.escape(appointment.meet_at)),
    )


def appointment_prompt(
    tr: Translator, now: datetime, place: str = "Venloer Str. 12, 50823 Köln"
) -> str:
    """How staff type an appointment, with an example a week ahead at `place`."""
    starts = datetime.combine(example_day(now.astimezone(tr.tz)), EXAMPLE_TIME, tzinfo=tr.tz)
    # TRANSLATORS: an example meeting point that staff may type.
    meeting = tr.gettext("in front of the house door")
    example = format_appointment(Appointment(starts, place, meeting), tr.tz)
    return tr.gettext(
        "Please type the date and time, the address and, if you like, a meeting point, "
        "one per line. For example:\n<code>{example}</code>\nWithout a meeting point, people "
        "meet at the address."
    ).format(example=html.escape(example))


def appointment_problem(tr: Translator, problem: AppointmentProblem) -> str:
    if problem is AppointmentProblem.TOO_LONG:
        return tr.gettext(
            "The address or the meeting point is too long: at most {max} characters each."
        ).format(max=tr.number(MAX_PLACE_LENGTH))
    return {
        AppointmentProblem.EMPTY: tr.gettext("The first line needs a date and a time."),
        AppointmentProblem.NO_TIME: tr.gettext("The first line needs a date and a time."),
        AppointmentProblem.NOT_A_DATE: tr.gettext("I could not read the date in the first line."),
        AppointmentProblem.IN_THE_PAST: tr.gettext("That time has already passed."),
        AppointmentProblem.TOO_FAR: tr.gettext(
            "That date is more than half a year ahead. A date without a year means the next "
            "one to come. Please check it."
        ),
        AppointmentProblem.NO_PLACE: tr.gettext(
            "The address is missing: please put it on line two."
        ),
    }[problem]
