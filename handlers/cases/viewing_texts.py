"""How a viewing reads, in the recipient's language at send time: the invitation with its
calendar file, the reminders with the papers to bring, the cancellation, and the note to
staff when a household cannot come (or comes after all)."""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

from icalendar import Calendar, Event

from bot.context import BotApp
from bot.delivery import register_renderer
from bot.i18n import Translator
from domain.accompaniment import Kind
from domain.outbox import Rendered
from domain.searches import Document
from domain.viewings import VIEWING_LENGTH, Appointment, ViewingAnswer, calendar_uid
from handlers.cases.routes import VIEWING, VIEWING_ANSWER, VIEWING_COMPANION
from handlers.common.case_texts import appointment_lines, documents, kind_label
from handlers.common.ui import Keyboard, menu_row_in, outbox_buttons
from storage.db import from_db

# Outbox kinds.
INVITATION = "viewing_invitation"
REMINDER = "viewing_reminder"
CANCELLATION = "viewing_cancelled"
ANSWER_NOTE = "viewing_answer"  # to staff: cannot come, or comes after all


def _appointment(params: Mapping[str, Any]) -> Appointment:
    starts = from_db(params["starts_at"])
    assert starts is not None
    return Appointment(starts, params["address"], params.get("meeting_point"))


def _calendar(params: Mapping[str, Any], tr: Translator, *, cancelled: bool) -> bytes:
    appointment = _appointment(params)
    stamp = from_db(params["stamp"])
    start = appointment.starts_at.astimezone(tr.tz)
    calendar = Calendar()
    calendar.add("prodid", "-//Auszugsmanagement Koeln//auszug-bot//DE")
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "PUBLISH")
    event = Event()
    event.add("uid", calendar_uid(params["viewing"]))
    event.add("sequence", params["sequence"])
    event.add("dtstamp", stamp)
    event.add("dtstart", start)
    event.add("dtend", start + VIEWING_LENGTH)
    event.add("summary", kind_label(tr, Kind.VIEWING))
    event.add("location", appointment.place)
    event.add("description", tr.gettext("Meeting point: {meet}").format(meet=appointment.meet_at))
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def _answer_rows(tr: Translator, viewing_id: int) -> Keyboard:
    return [
        [
            VIEWING_ANSWER.button("✓ " + tr.gettext("I'll come"), viewing_id, "yes"),
            VIEWING_ANSWER.button("✗ " + tr.gettext("I can't come"), viewing_id, "no"),
        ],
        [
            VIEWING_COMPANION.button(
                "🤝 " + tr.gettext("I would like someone to go with me"), viewing_id
            )
        ],
        menu_row_in(tr),
    ]


def render_invitation(params: Mapping[str, Any], tr: Translator) -> Rendered:
    """Sent as the caption of the calendar file: it stays well under the caption limit."""
    title = tr.gettext("🏠 <b>Invitation to a flat viewing (Besichtigung)</b>")
    question = tr.gettext(
        "Will you come? Please tap a button. The file adds the date to your phone's calendar."
    )
    text = "\n\n".join((title, appointment_lines(tr, _appointment(params)), question))
    ics = _calendar(params, tr, cancelled=False)
    rows = _answer_rows(tr, params["viewing"])
    return Rendered(text, outbox_buttons(rows), document=("besichtigung.ics", ics))


def render_reminder(params: Mapping[str, Any], tr: Translator) -> Rendered:
    if params["before"] == "2h":
        title = tr.gettext("⏰ Reminder: your flat viewing starts in 2 hours.")
    else:
        title = tr.gettext("⏰ Reminder: your flat viewing is tomorrow.")
    parts = [title, appointment_lines(tr, _appointment(params))]
    held = [Document(d) for d in params["held"]]
    missing = [Document(d) for d in params["missing"]]
    if held:
        parts.append(
            tr.gettext("Please bring: {documents}.").format(documents=documents(tr, held))
        )
    else:
        parts.append(tr.gettext("Please bring your passport or residence permit."))
    if missing:
        parts.append(
            tr.gettext("Still missing: {documents}. Ask your caseworker how to get them.").format(
                documents=documents(tr, missing)
            )
        )
    return Rendered("\n\n".join(parts), outbox_buttons(_answer_rows(tr, params["viewing"])))


def render_cancellation(params: Mapping[str, Any], tr: Translator) -> Rendered:
    appointment = _appointment(params)
    if params.get("flat_let"):
        text = tr.gettext(
            "❌ The flat at {place} has been let to another household, so the viewing on "
            "{when} is cancelled. The file removes it from your calendar. Your housing "
            "search goes on."
        )
    else:
        text = tr.gettext(
            "❌ The flat viewing on {when} at {place} is cancelled. The file removes it from "
            "your calendar."
        )
    text = text.format(
        when=tr.when(appointment.starts_at), place=tr.isolate(html.escape(appointment.place))
    )
    ics = _calendar(params, tr, cancelled=True)
    return Rendered(text, outbox_buttons([menu_row_in(tr)]), document=("besichtigung.ics", ics))


def render_answer_note(params: Mapping[str, Any], tr: Translator) -> Rendered:
    appointment = _appointment(params)
    values = {
        "number": tr.isolate(str(params["case_number"])),
        "when": tr.when(appointment.starts_at),
        "place": tr.isolate(html.escape(appointment.place)),
    }
    if params["answer"] == ViewingAnswer.NOT_COMING:
        text = tr.gettext(
            "✗ Case {number} cannot come to the viewing on {when} at {place}. Please tell the "
            "landlord or find a new time."
        )
    else:
        text = tr.gettext(
            "✓ Case {number} will come to the viewing on {when} at {place} after all."
        )
    rows = [
        [VIEWING.button("🏠 " + tr.gettext("Open the viewing"), params["viewing"])],
        menu_row_in(tr),
    ]
    return Rendered(text.format(**values), outbox_buttons(rows))


def register(app: BotApp) -> None:
    for kind, render, essential in (
        (INVITATION, render_invitation, True),
        (REMINDER, render_reminder, False),
        (CANCELLATION, render_cancellation, True),
        (ANSWER_NOTE, render_answer_note, True),
    ):
        register_renderer(app, kind, render, essential=essential)
