"""How a workshop reads, in the reader's language, and its calendar file.

Staff write workshops in German, optionally with a short translation per language: a reader
sees the translation of their language where there is one, and the German title beside it.
"""

from __future__ import annotations

import html
from datetime import datetime

from icalendar import Calendar, Event

from bot.i18n import N_, Translator
from domain.locales import language_name
from domain.workshops import Workshop, WorkshopStatus, WorkshopTopic

TOPIC_LABELS = {
    WorkshopTopic.SEARCH: N_("Finding a flat"),
    WorkshopTopic.APPLICATION: N_("Applying for a flat"),
    WorkshopTopic.OFFICES: N_("Offices: Jobcenter, Sozialamt, WBS"),
    WorkshopTopic.LEASE: N_("The lease and the deposit (Kaution)"),
    WorkshopTopic.MOVING: N_("Moving in and the Anmeldung"),
    WorkshopTopic.OTHER: N_("Other topics"),
}
PRODUCT_ID = "-//Auszugsmanagement Köln//auszug-bot//DE"
LABEL_LENGTH = 40  # of a workshop's title on a button


def title(tr: Translator, workshop: Workshop) -> str:
    return html.escape(workshop.details.title_in(tr.locale))


def button_label(tr: Translator, workshop: Workshop) -> str:
    """Date and title, short enough for a button (plain text: no HTML)."""
    name = workshop.details.title_in(tr.locale)
    short = name if len(name) <= LABEL_LENGTH else name[: LABEL_LENGTH - 1].rstrip() + "…"
    day = workshop.details.starts_at.astimezone(tr.tz).date()
    return f"🎓 {tr.date(day, 'short')} · {short}"


def when(tr: Translator, workshop: Workshop) -> str:
    details = workshop.details
    day = details.starts_at.astimezone(tr.tz).date()
    # TRANSLATORS: when a workshop takes place; {date} is a full date, {start} and {end} are
    # clock times such as 18:00.
    return tr.gettext("{date}, {start} to {end}").format(
        date=tr.date(day), start=tr.time(details.starts_at), end=tr.time(details.ends_at)
    )


def place(tr: Translator, workshop: Workshop) -> str:
    details = workshop.details
    if details.is_online:
        return tr.gettext("online: {link}").format(link=html.escape(details.place))
    return tr.isolate(html.escape(details.place))


def summary(tr: Translator, workshop: Workshop) -> str:
    """Title, time and place: short enough for the caption of a calendar file."""
    # TRANSLATORS: {title} is a workshop's name; {when} a date and times; {place} an address.
    return tr.gettext("<b>{title}</b>\n🗓 {when}\n📍 {place}").format(
        title=title(tr, workshop), when=when(tr, workshop), place=place(tr, workshop)
    )


def card(tr: Translator, workshop: Workshop) -> str:
    """Everything about a workshop a participant needs to know."""
    details = workshop.details
    parts = [summary(tr, workshop)]
    if details.title_in(tr.locale) != details.title:
        parts.append(tr.gettext("German title: {title}").format(title=html.escape(details.title)))
    parts.append(html.escape(details.description_in(tr.locale)))
    # TRANSLATORS: {topic} e.g. "Finding a flat"; {language} the language the workshop is
    # held in, e.g. "German"; {carrier} e.g. Caritas.
    parts.append(
        tr.gettext("Topic: {topic}\nHeld in: {language}\nOrganised by: {carrier}").format(
            topic=tr.gettext(TOPIC_LABELS[details.topic]),
            language=language_name(details.language, tr.locale),
            carrier=tr.isolate(html.escape(workshop.carrier_name)),
        )
    )
    if workshop.status is WorkshopStatus.CANCELLED:
        parts.append("❌ " + tr.gettext("This workshop has been cancelled."))
    return "\n\n".join(parts)


def calendar_file(
    tr: Translator, workshop: Workshop, stamp: datetime, *, cancelled: bool = False
) -> tuple[str, bytes]:
    """The .ics for a calendar: the same UID for every version, SEQUENCE raised on each
    change, so calendars update the event (or remove it, with METHOD:CANCEL)."""
    details = workshop.details
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "PUBLISH")
    event = Event()
    event.add("uid", f"workshop-{workshop.id}@auszug-bot")
    event.add("sequence", workshop.sequence)
    event.add("dtstamp", stamp)
    event.add("dtstart", details.starts_at.astimezone(tr.tz))
    event.add("dtend", details.ends_at.astimezone(tr.tz))
    event.add("summary", details.title_in(tr.locale))
    event.add("description", details.description_in(tr.locale))
    event.add("location", details.place)
    if details.is_online:
        event.add("url", details.place)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return f"workshop-{workshop.id}.ics", calendar.to_ical()
