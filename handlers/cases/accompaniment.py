"""Accompaniment: volunteers offer to go with households to viewings and offices, staff (or the
household, for a viewing) ask, the first volunteer who accepts goes.

A volunteer's offer (districts, languages, kinds) is a small table of its own, apart from any
volunteer profile. A request goes through the outbox to every volunteer who fits, in their
language (`companion:<id>`); accepting is one conditional UPDATE, so of two volunteers who
accept at once exactly one wins. Unsent requests are then cancelled and whoever got one is
told it is taken. The staff notice "nobody accepted" is an outbox row due when the request
expires, cancelled when someone accepts: it survives a restart like any reminder.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any

from telegram import Update

from bot.context import BotApp, BotContext
from bot.delivery import register_renderer
from bot.features import CaseView, MenuEntry, add_case_section, add_menu_entry
from bot.i18n import N_, Translator
from bot.limits import COMPANION_LEAD, COMPANION_WAIT
from domain.access import Action
from domain.accompaniment import (
    Acceptance,
    Kind,
    Offer,
    Request,
    RequestStatus,
    acceptance,
    expires_at,
    fitting,
    toggled,
)
from domain.accounts import Account, Role
from domain.locales import SUPPORTED_LOCALES, language_name, native_name
from domain.outbox import Rendered, State, Topic
from domain.places import City, find_places
from domain.viewings import Appointment, Purpose, Viewing
from handlers.cases.routes import (
    ACCEPT_COMPANION,
    ASK_COMPANION,
    CASE_CARD,
    COMPANION_KIND,
    COMPANION_OFFER,
    COMPANION_TOGGLE,
    STOP_VIEWING_QUESTION,
    VIEWING,
    VIEWING_COMPANION,
)
from handlers.common.case_actions import (
    audit,
    authorized_case,
    households_viewing,
    notify,
    staff_to_tell,
)
from handlers.common.case_texts import appointment_lines, appointment_prompt, kind_label
from handlers.common.guards import actor_of, answer_expired, requires, what_was_tried
from handlers.common.main_menu import is_registered, show_main_menu
from handlers.common.routes import parsed
from handlers.common.ui import Keyboard, menu_row, menu_row_in, outbox_buttons, show, show_below
from storage import accompaniment as store
from storage import accounts, cases, outbox, viewings
from storage.db import Db, from_db, to_db

# Outbox kinds.
ASK = "companion_request"  # to each volunteer who fits
TAKEN = "companion_taken"  # to the others who got the request
FOUND = "companion_found"  # to the household
STAFF_NOTE = "companion_staff"  # to staff: found, or nobody accepted in time
CANCELLED = "companion_cancelled"  # to the volunteer, when the appointment changed
MAX_FIRST_NAME = 64  # Telegram's own limit for a first name


def _ref(request_id: int) -> str:
    return f"companion:{request_id}"


def district_of(city: City, appointment: Appointment) -> str | None:
    """The district named in the address or meeting point, if exactly one is."""
    found = find_places(city, f"{appointment.place}, {appointment.meeting_point or ''}")
    names = {d.name for m in found.matches for d in m.districts}
    names |= {q.district for m in found.matches for q in m.quarters}
    return names.pop() if len(names) == 1 else None


# Asking ----------------------------------------------------------------------------------


async def request_companion(
    db: Db,
    context: BotContext,
    household: Account,
    carrier_id: int,
    kind: Kind,
    appointment: Appointment,
    *,
    viewing_id: int | None,
    requested_by: int | None,
) -> tuple[Request, bool]:
    """The request for this appointment and whether it is new; asking twice adds nothing."""
    now = context.now()
    live = await store.live_request(db, household.id, kind, appointment.starts_at)
    if live is not None and (live.status is RequestStatus.TAKEN or live.is_open(now)):
        return live, False
    if live is not None:  # expired unanswered: staff may ask again, for example new volunteers
        await store.cancel_request(db, live.id)
    district = district_of(context.bot_data.city, appointment)
    offers = await store.active_offers(db)
    asked = [v for v in fitting(offers, kind, district, household.locale) if v != household.id]
    request = Request(
        id=0,
        user_id=household.id,
        carrier_id=carrier_id,
        requested_by=requested_by,
        viewing_id=viewing_id,
        kind=kind,
        starts_at=appointment.starts_at,
        place=appointment.place,
        meeting_point=appointment.meeting_point,
        district=district,
        language=household.locale,
        status=RequestStatus.OPEN,
        volunteer_id=None,
        created_at=now,
        expires_at=expires_at(now, appointment.starts_at, COMPANION_WAIT, COMPANION_LEAD),
    )
    request = replace(request, id=await store.add_request(db, request, asked))
    ref = _ref(request.id)
    topic = Topic.VIEWINGS if kind is Kind.VIEWING else Topic.APPOINTMENTS
    await notify(db, asked, ASK, _params(request), ref, now, topic=topic, ref=ref)
    staff = await staff_to_tell(db, carrier_id, requested_by)
    note = {**_params(request), "case_number": household.case_number, "user_id": household.id}
    await notify(
        db, staff, STAFF_NOTE, note, f"{ref}:expiry", now, ref=f"{ref}:expiry",
        due_at=request.expires_at,
    )  # fmt: skip
    return request, True


def _params(request: Request) -> dict[str, Any]:
    return {
        "request": request.id,
        "kind": request.kind.value,
        "starts_at": to_db(request.starts_at),
        "place": request.place,
        "meeting_point": request.meeting_point,
        "district": request.district,
        "language": request.language,
    }


def _appointment(params: Mapping[str, Any]) -> Appointment:
    starts = from_db(params["starts_at"])
    assert starts is not None
    return Appointment(starts, params["place"], params.get("meeting_point"))


async def cancel_for_viewing(db: Db, context: BotContext, viewing_id: int) -> None:
    """The viewing was cancelled or moved: its requests end, a volunteer who accepted hears."""
    now = context.now()
    for request in await store.live_requests_for_viewing(db, viewing_id):
        await store.cancel_request(db, request.id)
        await outbox.cancel_by_ref(db, _ref(request.id), now)
        await outbox.cancel_by_ref(db, f"{_ref(request.id)}:expiry", now)
        if request.volunteer_id is not None:
            key = f"{_ref(request.id)}:cancelled"
            await notify(db, [request.volunteer_id], CANCELLED, _params(request), key, now)


def _asked_text(context: BotContext, request: Request, new: bool) -> str:
    t, i18n = context.t, context.i18n
    if not new:
        return t("A companion was asked for this appointment already.")
    return t(
        "Volunteers who speak {language} and fit the place were asked. You hear when one "
        "accepts, or by {time} if nobody does."
    ).format(
        language=language_name(request.language, i18n.locale),
        time=i18n.when(request.expires_at),
    )


# Staff: ask from the case card -------------------------------------------------------------


async def companion_section(context: BotContext, view: CaseView) -> tuple[str, Keyboard] | None:
    case = await cases.get_case(context.db, view.case.id)
    if case is None or case.carrier_id != view.carrier.id:
        return None
    t, now = context.t, context.now()
    requests = [
        r
        for r in await store.requests_for_household(context.db, case.user_id, now)
        if r.carrier_id == case.carrier_id
    ]
    lines = [await _request_line(context, r, now) for r in requests]
    text = "\n".join(["🤝 " + t("Companions:"), *lines]) if lines else ""
    rows = [[ASK_COMPANION.button("🤝 " + t("Ask for a companion"), case.user_id)]]
    return text, rows


async def _request_line(context: BotContext, request: Request, now: datetime) -> str:
    t, i18n = context.t, context.i18n
    offer = await store.get_offer(context.db, request.volunteer_id or 0)
    if request.status is RequestStatus.TAKEN and offer is not None:
        state = t("{name} goes along").format(name=i18n.isolate(html.escape(offer.first_name)))
    elif request.is_open(now):
        state = t("waiting for a volunteer")
    else:
        state = t("nobody accepted")
    # TRANSLATORS: one companion request on the case card; {state} e.g. "Jana goes along".
    return t("{kind}, {when}: {state}").format(
        kind=kind_label(i18n, request.kind), when=i18n.when(request.starts_at), state=state
    )


@requires(Action.FIND_CASE)
async def on_ask(update: Update, context: BotContext) -> None:
    """Which kind of accompaniment the case needs."""
    user_id, actor = int(parsed(update).arg), actor_of(update, context)
    async with context.db.transaction() as db:
        case = await authorized_case(
            db, context, actor, user_id, Action.REQUEST_COMPANION, what_was_tried(update)
        )
    if case is None:
        await answer_expired(update, context)
        return
    t, i18n = context.t, context.i18n
    rows = [[COMPANION_KIND.button(kind_label(i18n, kind), user_id, kind)] for kind in Kind]
    rows.append([CASE_CARD.button("« " + t("Back"), user_id)])
    await show(update, context, t("Where should a volunteer go along?"), rows)


@requires(Action.FIND_CASE)
async def on_kind(update: Update, context: BotContext) -> None:
    """A viewing: choose which; an office visit: staff type when and where."""
    user_id, kind = int(parsed(update).args[0]), Kind(parsed(update).args[1])
    actor, now = actor_of(update, context), context.now()
    assert context.account is not None
    upcoming: list[Viewing] = []
    async with context.db.transaction() as db:
        case = await authorized_case(
            db, context, actor, user_id, Action.REQUEST_COMPANION, what_was_tried(update)
        )
        if case is not None and kind is Kind.VIEWING:
            upcoming = await viewings.list_viewings(db, user_id, now, case.carrier_id)
        elif case is not None:
            await viewings.ask_staff(
                db, context.account.id, Purpose.COMPANION, user_id, now, kind=kind.value
            )
    if case is None:
        await answer_expired(update, context)
        return
    t, i18n = context.t, context.i18n
    back = [ASK_COMPANION.button("« " + t("Back"), user_id)]
    if kind is not Kind.VIEWING:
        headline = "🤝 " + t("{kind}: when and where is the appointment?").format(
            kind=kind_label(i18n, kind)
        )
        text = f"{headline}\n\n{appointment_prompt(i18n, now)}"
        await show(
            update, context, text, [[STOP_VIEWING_QUESTION.button("✗ " + t("Stop"), "stop")]]
        )
        return
    if not upcoming:
        text = t("No viewing is scheduled for this case. Schedule one first.")
        await show(update, context, text, [back])
        return
    rows = [[VIEWING_COMPANION.button(f"🏠 {i18n.when(v.starts_at)}", v.id)] for v in upcoming]
    await show(update, context, t("For which viewing?"), [*rows, back])


async def ask_for_office(
    update: Update, context: BotContext, case_user_id: int, kind: Kind, appointment: Appointment
) -> None:
    """Staff typed when and where an office visit is (cases/viewings.py reads the text)."""
    actor = actor_of(update, context)
    account = context.account
    assert account is not None
    async with context.db.transaction() as db:
        await viewings.close_staff_question(db, account.id)
        case = await authorized_case(
            db, context, actor, case_user_id, Action.REQUEST_COMPANION, "companion"
        )
        household = await accounts.get_account_by_id(db, case_user_id) if case else None
        if case is not None and household is not None:
            request, new = await request_companion(
                db, context, household, case.carrier_id, kind, appointment,
                viewing_id=None, requested_by=account.id,
            )  # fmt: skip
            await audit(db, context, Action.REQUEST_COMPANION, case, f"kind={kind}")
    if case is None or household is None:
        await show(update, context, context.t("You can no longer work on this case."))
        return
    rows = [
        [CASE_CARD.button("📁 " + context.t("Open the case"), case_user_id)],
        menu_row(context),
    ]
    await show(update, context, _asked_text(context, request, new), rows)


async def on_viewing_companion(update: Update, context: BotContext) -> None:
    """A companion for a viewing: pressed by staff on the case card, or by the household."""
    account = context.account
    if account is not None and account.is_staff:
        await _staff_viewing_companion(update, context)
        return
    now = context.now()
    async with context.db.transaction() as db:
        viewing = await viewings.get_viewing(db, int(parsed(update).arg))
        if viewing is None or not await households_viewing(db, account, viewing, now):
            viewing = None
        else:
            assert account is not None
            _, new = await request_companion(
                db, context, account, viewing.carrier_id, Kind.VIEWING, viewing.appointment,
                viewing_id=viewing.id, requested_by=None,
            )  # fmt: skip
    if viewing is None:
        await answer_expired(update, context)
        return
    t = context.t
    if new:
        text = t(
            "We are looking for a volunteer who speaks your language to go with you. You get "
            "a message when someone says yes."
        )
    else:
        text = t("We are already looking for someone to go with you to this viewing.")
    await show_below(update, context, text, [menu_row(context)])


@requires(Action.FIND_CASE)
async def _staff_viewing_companion(update: Update, context: BotContext) -> None:
    actor, now = actor_of(update, context), context.now()
    viewing = await viewings.get_viewing(context.db, int(parsed(update).arg))
    account = context.account
    assert account is not None
    async with context.db.transaction() as db:
        case = await authorized_case(
            db, context, actor, viewing.user_id if viewing else 0,
            Action.REQUEST_COMPANION, what_was_tried(update),
        )  # fmt: skip
        household = await accounts.get_account_by_id(db, case.user_id) if case else None
        usable = (
            viewing is not None
            and household is not None
            and viewing.carrier_id == actor.carrier_id
            and viewing.is_upcoming(now)
        )
        if case is not None and usable:
            assert viewing is not None and household is not None
            request, new = await request_companion(
                db, context, household, case.carrier_id, Kind.VIEWING, viewing.appointment,
                viewing_id=viewing.id, requested_by=account.id,
            )  # fmt: skip
            await audit(db, context, Action.REQUEST_COMPANION, case, f"viewing={viewing.id}")
    if case is None or not usable:
        await answer_expired(update, context)
        return
    assert viewing is not None
    rows = [[VIEWING.button("« " + context.t("Back"), viewing.id)], menu_row(context)]
    await show(update, context, _asked_text(context, request, new), rows)


# Volunteers: accept ------------------------------------------------------------------------


async def on_accept(update: Update, context: BotContext) -> None:
    request_id, account, now = int(parsed(update).arg), context.account, context.now()
    volunteer_id = account.id if account is not None else 0
    async with context.db.transaction() as db:
        request = await store.get_request(db, request_id)
        asked = await store.was_asked(db, request_id, volunteer_id)
        verdict = acceptance(request, volunteer_id, asked, now)
        if verdict is Acceptance.ACCEPTED:
            assert request is not None
            if await store.take_request(db, request_id, volunteer_id, now):
                await _taken(db, context, request, volunteer_id)
            else:
                verdict = Acceptance.TAKEN
        carrier = await accounts.get_carrier(db, request.carrier_id) if request else None
    if verdict is Acceptance.NOT_ASKED or request is None or carrier is None:
        await answer_expired(update, context)
        return
    t, i18n = context.t, context.i18n
    if verdict is Acceptance.ACCEPTED:
        text = t(
            "✓ Thank you! You go along:\n{appointment}\n\nThe household speaks {language}. "
            "It learns your first name and meets you at the meeting point. If you cannot go "
            "after all, please tell {carrier} at once."
        ).format(
            appointment=appointment_lines(i18n, _appointment(_params(request))),
            language=language_name(request.language, i18n.locale),
            carrier=i18n.isolate(html.escape(carrier.name)),
        )
    elif verdict is Acceptance.YOURS_ALREADY:
        text = t("You have accepted this request already. Thank you!")
    elif verdict is Acceptance.TAKEN:
        text = t("Another volunteer accepted this request a moment ago. Thank you all the same!")
    else:
        text = t("This request is no longer open. Thank you all the same!")
    await show(update, context, text, [menu_row(context)])


async def _taken(db: Db, context: BotContext, request: Request, volunteer_id: int) -> None:
    """Inside the accepting transaction: stop the rest, tell everyone concerned."""
    now, ref = context.now(), _ref(request.id)
    offer = await store.get_offer(db, volunteer_id)
    assert offer is not None  # only volunteers with an offer are asked
    await outbox.cancel_by_ref(db, ref, now)  # requests not yet sent
    await outbox.cancel_by_ref(db, f"{ref}:expiry", now)
    others = [v for v in await outbox.recipients_by_ref(db, ref, State.SENT) if v != volunteer_id]
    params = {**_params(request), "first_name": offer.first_name}
    await notify(db, others, TAKEN, params, f"{ref}:taken", now)
    await notify(db, [request.user_id], FOUND, params, f"{ref}:found", now)
    if request.requested_by is not None:
        household = await accounts.get_account_by_id(db, request.user_id)
        note = {**params, "case_number": household.case_number if household else None}
        staff = await staff_to_tell(db, request.carrier_id, request.requested_by)
        await notify(
            db, staff, STAFF_NOTE, {**note, "user_id": request.user_id}, f"{ref}:staff", now
        )


# Volunteers: the offer -------------------------------------------------------------------


def _volunteer(context: BotContext) -> Account | None:
    account = context.account
    if account is None or not is_registered(account) or account.role is not Role.VOLUNTEER:
        return None
    return account


async def _offer(context: BotContext, update: Update, account: Account) -> Offer:
    """The volunteer's offer; the first time with their Telegram first name and language."""
    offer = await store.get_offer(context.db, account.id)
    if offer is not None:
        return offer
    user = update.effective_user
    name = (user.first_name if user else "")[:MAX_FIRST_NAME] or "—"
    offer = Offer(account.id, name, frozenset(), frozenset({account.locale}), frozenset(), True)
    async with context.db.transaction() as db:
        await store.save_offer(db, offer, context.now())
    return offer


async def on_offer(update: Update, context: BotContext) -> None:
    account = _volunteer(context)
    if account is None:
        await show_main_menu(update, context)
        return
    offer = await _offer(context, update, account)
    await _show_offer(update, context, offer, parsed(update).arg)


async def on_toggle(update: Update, context: BotContext) -> None:
    account = _volunteer(context)
    if account is None:
        await show_main_menu(update, context)
        return
    section, value = parsed(update).args
    offer = _toggle(await _offer(context, update, account), section, value, context.bot_data.city)
    if offer is None:
        await answer_expired(update, context)
        return
    async with context.db.transaction() as db:
        await store.save_offer(db, offer, context.now())
    screens = {"d": "districts", "l": "languages", "k": "kinds", "a": "show"}
    await _show_offer(update, context, offer, screens[section])


def _toggle(offer: Offer, section: str, value: str, city: City) -> Offer | None:
    """The offer with one choice switched; None for a value that is not on the screen."""
    if section == "a" and value in ("on", "off"):
        return replace(offer, active=value == "on")
    if section == "d" and value.isdigit() and (d := city.district_by_number(int(value))):
        return replace(offer, districts=toggled(offer.districts, d.name))
    if section == "l" and value in SUPPORTED_LOCALES:
        return replace(offer, languages=toggled(offer.languages, value))
    if section == "k" and value in set(Kind):
        kinds = frozenset(Kind(k) for k in toggled(frozenset(offer.kinds), value))
        return replace(offer, kinds=kinds)
    return None


def _mark(on: bool) -> str:
    return "✅" if on else "▫️"


async def _show_offer(update: Update, context: BotContext, offer: Offer, screen: str) -> None:
    t, i18n, city = context.t, context.i18n, context.bot_data.city
    back = [COMPANION_OFFER.button("« " + t("Back"), "show")]
    if screen == "districts":
        text = t("In which districts can you go along? Tap to choose or remove.")
        buttons = [
            COMPANION_TOGGLE.button(f"{_mark(d.name in offer.districts)} {d.name}", "d", d.number)
            for d in city.districts
        ]
    elif screen == "languages":
        text = t("Which languages do you speak well enough to help? Tap to choose or remove.")
        buttons = [
            COMPANION_TOGGLE.button(
                f"{_mark(code in offer.languages)} {native_name(code)}", "l", code
            )
            for code in SUPPORTED_LOCALES
        ]
    elif screen == "kinds":
        text = t("Where can you go along? Tap to choose or remove.")
        buttons = [
            COMPANION_TOGGLE.button(f"{_mark(k in offer.kinds)} {kind_label(i18n, k)}", "k", k)
            for k in Kind
        ]
        await show(update, context, text, [*([b] for b in buttons), back])
        return
    else:
        await show(update, context, *_overview(context, offer))
        return
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    await show(update, context, text, [*rows, back])


def _overview(context: BotContext, offer: Offer) -> tuple[str, Keyboard]:
    t, i18n = context.t, context.i18n
    none = t("none yet")
    intro = t(
        "🤝 <b>Go along with households</b>\nHouseholds often need someone who speaks their "
        "language at a flat viewing or at an office (Jobcenter, Sozialamt, Bürgeramt). When a "
        "request fits you, you get a message and can accept it. The household only learns "
        "your first name: {name}."
    ).format(name=i18n.isolate(html.escape(offer.first_name)))
    choices = t("Districts: {districts}\nLanguages: {languages}\nWhere: {kinds}").format(
        districts=i18n.join(sorted(offer.districts)) or none,
        languages=i18n.join([language_name(c, i18n.locale) for c in sorted(offer.languages)])
        or none,
        kinds=i18n.join([kind_label(i18n, k) for k in Kind if k in offer.kinds]) or none,
    )
    if not offer.is_complete:
        state = t("Choose at least one district, language and place to get requests.")
    elif offer.active:
        state = t("You get requests that fit.")
    else:
        state = t("Requests are paused.")
    switch = (
        COMPANION_TOGGLE.button("⏸ " + t("Pause requests"), "a", "off")
        if offer.active
        else COMPANION_TOGGLE.button("▶ " + t("Get requests"), "a", "on")
    )
    rows = [
        [
            COMPANION_OFFER.button("📍 " + t("Districts"), "districts"),
            COMPANION_OFFER.button("🗣 " + t("Languages"), "languages"),
        ],
        [COMPANION_OFFER.button("📋 " + context.tp("accompaniment", "Where"), "kinds"), switch],
        menu_row(context),
    ]
    return "\n\n".join((intro, choices, state)), rows


# Renderers ----------------------------------------------------------------------------------


def render_ask(params: Mapping[str, Any], tr: Translator) -> Rendered:
    kind, district = kind_label(tr, Kind(params["kind"])), params.get("district")
    where = (
        # TRANSLATORS: {kind} is e.g. "Viewing of a flat"; {district} a district of Cologne.
        tr.gettext("{kind} in {district}").format(
            kind=kind, district=tr.isolate(html.escape(district))
        )
        if district
        else tr.gettext("{kind}, the district is not known yet").format(kind=kind)
    )
    text = tr.gettext(
        "🤝 <b>Can you go along with a household?</b>\n{what}\n{appointment}\n"
        "The household speaks {language}. The first volunteer to accept goes."
    ).format(
        what=where,
        appointment=appointment_lines(tr, _appointment(params)),
        language=language_name(params["language"], tr.locale),
    )
    rows = [
        [ACCEPT_COMPANION.button("✓ " + tr.gettext("I can go along"), params["request"])],
        menu_row_in(tr),
    ]
    return Rendered(text, outbox_buttons(rows))


def _kind_and_when(params: Mapping[str, Any], tr: Translator) -> dict[str, str]:
    return {
        "kind": kind_label(tr, Kind(params["kind"])),
        "when": tr.when(_appointment(params).starts_at),
    }


def render_taken(params: Mapping[str, Any], tr: Translator) -> Rendered:
    text = tr.gettext("Another volunteer goes along to {kind} on {when}. Thank you all the same!")
    return Rendered(text.format(**_kind_and_when(params, tr)))


def render_found(params: Mapping[str, Any], tr: Translator) -> Rendered:
    appointment = _appointment(params)
    text = tr.gettext(
        "🤝 {name} goes with you to {kind} on {when}. Meet {name} here: {meet}"
    ).format(
        name=tr.isolate(html.escape(params["first_name"])),
        kind=kind_label(tr, Kind(params["kind"])),
        when=tr.when(appointment.starts_at),
        meet=tr.isolate(html.escape(appointment.meet_at)),
    )
    return Rendered(text, outbox_buttons([menu_row_in(tr)]))


def render_staff_note(params: Mapping[str, Any], tr: Translator) -> Rendered:
    values = {"number": tr.isolate(str(params["case_number"])), **_kind_and_when(params, tr)}
    if params.get("first_name"):
        text = tr.gettext("🤝 {name} goes along with case {number}: {kind}, {when}.").format(
            name=tr.isolate(html.escape(params["first_name"])), **values
        )
    else:
        text = tr.gettext(
            "🤝 No volunteer accepted to go along with case {number}: {kind}, {when}. Please "
            "find another way."
        ).format(**values)
    rows = [
        [CASE_CARD.button("📁 " + tr.gettext("Open the case"), params["user_id"])],
        menu_row_in(tr),
    ]
    return Rendered(text, outbox_buttons(rows))


def render_cancelled(params: Mapping[str, Any], tr: Translator) -> Rendered:
    text = tr.gettext(
        "The appointment on {when} ({kind}) was changed or cancelled. You do not need to go. "
        "If someone is still needed, you get a new request."
    )
    return Rendered(text.format(**_kind_and_when(params, tr)))


VOLUNTEERS = frozenset({Role.VOLUNTEER})


def register(app: BotApp) -> None:
    add_case_section(app, companion_section)
    for route, callback in (
        (ASK_COMPANION, on_ask),
        (COMPANION_KIND, on_kind),
        (VIEWING_COMPANION, on_viewing_companion),
        (ACCEPT_COMPANION, on_accept),
        (COMPANION_OFFER, on_offer),
        (COMPANION_TOGGLE, on_toggle),
    ):
        app.add_handler(route.handler(callback))
    entry = MenuEntry(
        N_("Go along with households"), "🤝", COMPANION_OFFER.data("show"), VOLUNTEERS, order=20
    )
    add_menu_entry(app, entry)
    for kind, render, essential in (
        (ASK, render_ask, False),
        (TAKEN, render_taken, True),
        (FOUND, render_found, True),
        (STAFF_NOTE, render_staff_note, True),
        (CANCELLED, render_cancelled, True),
    ):
        register_renderer(app, kind, render, essential=essential)
