"""Viewings: staff schedule one for a household from the case card, the household gets it in
its language with "I'll come" / "I can't come" and a calendar file, reminders the day before
and two hours before list what to bring and what is still missing; staff record the outcome.

A viewing of a listed flat starts from the listing's shortlist (`vl`): the household must
be interested and shared with the listing's carrier, and the viewing keeps the listing's id.
Staff then type only the time, and the viewing is at the flat's full address (house number
included even if households were not shown it yet: the invited household must find the
door), or they type another address as usual: the viewing's address is always what staff
confirmed.

Staff type the time and place (a TextFlow; the open question is a row in staff_questions, so
it survives a restart). Every message to the household is an outbox row about
`viewing:<id>`: a new time cancels the old ones and queues new ones with the next iCalendar
SEQUENCE under the same UID.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from telegram import Update

from bot.context import BotApp, BotContext
from bot.features import (
    CaseView,
    TextFlow,
    add_case_section,
    add_documents_hook,
    add_flat_let_hook,
    add_flow,
)
from bot.i18n import Translator
from bot.limits import RECENT_VIEWINGS, VIEWINGS_ON_CARD
from domain.access import Action, Actor
from domain.accompaniment import Kind
from domain.accounts import Account
from domain.case_status import Case, CaseStatus
from domain.listings import Answer, ListingStatus, viewing_address
from domain.outbox import Topic
from domain.searches import Document
from domain.viewings import (
    Appointment,
    AppointmentProblem,
    Purpose,
    StaffQuestion,
    Viewing,
    ViewingAnswer,
    ViewingOutcome,
    document_lists,
    format_appointment,
    parse_appointment,
    reminder_times,
)
from handlers.cases import accompaniment, viewing_texts
from handlers.cases.routes import (
    CANCEL_VIEWING,
    CASE_CARD,
    NEW_VIEWING,
    RESCHEDULE_VIEWING,
    STOP_VIEWING_QUESTION,
    VIEWING,
    VIEWING_ANSWER,
    VIEWING_COMPANION,
    VIEWING_OUTCOME,
)
from handlers.cases.viewing_texts import ANSWER_NOTE, CANCELLATION, INVITATION, REMINDER
from handlers.common import fallback
from handlers.common.case_actions import (
    audit,
    authorized_case,
    households_viewing,
    move_case,
    notify,
    staff_to_tell,
)
from handlers.common.case_texts import (
    answer_label,
    appointment_lines,
    appointment_problem,
    appointment_prompt,
    outcome_label,
    status_label,
)
from handlers.common.guards import (
    actor_of,
    answer_expired,
    record_action,
    record_refusal,
    requires,
    what_was_tried,
)
from handlers.common.routes import VIEWING_OF_LISTING, parsed
from handlers.common.ui import Keyboard, menu_row, show, show_below
from storage import cases, listings, outbox, searches
from storage import viewings as store
from storage.db import Db, to_db


def _ref(viewing_id: int) -> str:
    return f"viewing:{viewing_id}"


# The household's messages -----------------------------------------------------------------


def _document_params(found: Mapping[Document, bool]) -> dict[str, list[str]]:
    held, missing = document_lists(found)
    return {"held": [d.value for d in held], "missing": [d.value for d in missing]}


async def _queue(db: Db, context: BotContext, viewing: Viewing) -> None:
    """The invitation now, and the reminders still ahead, in one batch for this SEQUENCE."""
    now = context.now()
    search = await searches.find_search(db, viewing.user_id)
    params = {
        "viewing": viewing.id,
        "starts_at": to_db(viewing.starts_at),
        "address": viewing.address,
        "meeting_point": viewing.meeting_point,
        **_document_params(search.documents if search else {}),
    }
    key = f"{_ref(viewing.id)}:{viewing.sequence}"
    messages = [(INVITATION, "invitation", now)] + [
        (REMINDER, before, due) for before, due in reminder_times(viewing.starts_at, now)
    ]
    for kind, name, due in messages:
        extra = {"sequence": viewing.sequence, "stamp": to_db(now), "before": name}
        await outbox.enqueue_message(
            db,
            user_id=viewing.user_id,
            kind=kind,
            topic=Topic.VIEWINGS,
            params={**params, **extra},
            due_at=due,
            dedupe_key=f"{key}:{name}",
            ref=_ref(viewing.id),
            now=now,
        )


async def refresh_documents(
    db: Db, context: BotContext, user_id: int, found: Mapping[Document, bool]
) -> None:
    """The household changed its document flags: reminders not yet sent list them anew."""
    for viewing in await store.list_viewings(db, user_id, context.now()):
        await outbox.update_pending_params(db, _ref(viewing.id), _document_params(found))


async def on_answer(update: Update, context: BotContext) -> None:
    """The household's "I'll come" / "I can't come"; staff hear of a "can't" at once."""
    viewing_id, choice = int(parsed(update).args[0]), parsed(update).args[1]
    answer = ViewingAnswer.COMING if choice == "yes" else ViewingAnswer.NOT_COMING
    account, now = context.account, context.now()
    async with context.db.transaction() as db:
        viewing = await store.get_viewing(db, viewing_id)
        valid = await households_viewing(db, account, viewing, now)
        changed = valid and viewing is not None and viewing.answer is not answer
        if changed and account is not None and viewing is not None:
            await store.save_answer(db, viewing.id, answer)
            if ViewingAnswer.NOT_COMING in (answer, viewing.answer):
                staff = await staff_to_tell(db, viewing.carrier_id, viewing.scheduled_by)
                params = {
                    "viewing": viewing.id,
                    "starts_at": to_db(viewing.starts_at),
                    "address": viewing.address,
                    "answer": answer.value,
                    "case_number": account.case_number,
                }
                key = f"{_ref(viewing.id)}:answer:{to_db(now)}"
                await notify(db, staff, ANSWER_NOTE, params, key, now, topic=Topic.VIEWINGS)
    if not valid:
        await answer_expired(update, context)
        return
    t = context.t
    if not changed:
        assert update.callback_query is not None
        await update.callback_query.answer(t("Saved."))
        return
    if answer is ViewingAnswer.COMING:
        text = t("Thank you! See you at the viewing.")
    else:
        text = t("Thank you for telling us. Your caseworker knows now and will contact you.")
    await show_below(update, context, text, [menu_row(context)])


async def household_viewings(context: BotContext, account: Account) -> str:
    """The household's coming viewings, for its case screen."""
    t, i18n = context.t, context.i18n
    lines = [
        # TRANSLATORS: a viewing in the household's list; {answer} e.g. "will come".
        t("🏠 {when}, {place}: {answer}").format(
            when=i18n.when(v.starts_at),
            place=i18n.isolate(html.escape(v.address)),
            answer=answer_label(i18n, v.answer),
        )
        for v in await store.list_viewings(context.db, account.id, context.now())
    ]
    return "\n".join((t("Your viewings:"), *lines)) if lines else ""


# Staff: the case card and the viewing screen ---------------------------------------------


async def viewing_section(context: BotContext, view: CaseView) -> tuple[str, Keyboard] | None:
    case = await cases.get_case(context.db, view.case.id)
    if case is None or case.carrier_id != view.carrier.id:
        return None
    t, i18n = context.t, context.i18n
    since = context.now() - RECENT_VIEWINGS
    found = (await store.list_viewings(context.db, case.user_id, since, case.carrier_id))[
        :VIEWINGS_ON_CARD
    ]
    rows = [[VIEWING.button(f"🏠 {i18n.when(v.starts_at)}", v.id)] for v in found]
    rows.append([NEW_VIEWING.button("📅 " + t("Schedule a viewing"), case.user_id)])
    if not found:
        return t("No viewing scheduled."), rows
    lines = [_viewing_line(i18n, v) for v in found]
    return "\n".join(("🏠 " + t("Viewings:"), *lines)), rows


def _viewing_line(tr: Translator, viewing: Viewing) -> str:
    state = (
        outcome_label(tr, viewing.outcome) if viewing.outcome else answer_label(tr, viewing.answer)
    )
    # TRANSLATORS: a viewing on the case card; {state} e.g. "will come" or "Offer".
    return tr.gettext("{when}, {place}: {state}").format(
        when=tr.when(viewing.starts_at),
        place=tr.isolate(html.escape(viewing.address)),
        state=state,
    )


@dataclass(frozen=True, slots=True)
class Loaded:
    viewing: Viewing
    case: Case


async def _staff_viewing(
    db: Db, context: BotContext, actor: Actor, viewing_id: int, action: Action, tried: str
) -> Loaded | None:
    """A viewing of a case the actor's carrier follows (with consent), made by that carrier."""
    viewing = await store.get_viewing(db, viewing_id)
    case = await authorized_case(
        db, context, actor, viewing.user_id if viewing else 0, action, tried
    )
    if viewing is None or case is None:
        return None
    if viewing.carrier_id != actor.carrier_id:
        await record_refusal(db, context, actor, action, tried)
        return None
    return Loaded(viewing, case)


async def _show_viewing(
    update: Update, context: BotContext, loaded: Loaded, note: str = ""
) -> None:
    t, i18n, now = context.t, context.i18n, context.now()
    viewing, case = loaded.viewing, loaded.case
    outcome = outcome_label(i18n, viewing.outcome) if viewing.outcome else t("not recorded yet")
    text = t(
        "🏠 <b>Viewing for case {number}</b>\n{appointment}\n"
        "Household: {answer}\nOutcome: {outcome}"
    ).format(
        number=i18n.isolate(str(case.case_number)),
        appointment=appointment_lines(i18n, viewing.appointment),
        answer=answer_label(i18n, viewing.answer),
        outcome=outcome,
    )
    rows: Keyboard = []
    if viewing.is_upcoming(now):
        rows += [
            [
                RESCHEDULE_VIEWING.button("🔁 " + t("New time or place"), viewing.id),
                CANCEL_VIEWING.button("✗ " + t("Cancel"), "ask", viewing.id),
            ],
            [VIEWING_COMPANION.button("🤝 " + t("Ask for a companion"), viewing.id)],
        ]
    else:
        outcomes = [
            VIEWING_OUTCOME.button(
                ("✅ " if viewing.outcome is o else "") + outcome_label(i18n, o), viewing.id, o
            )
            for o in ViewingOutcome
        ]
        rows += [outcomes[:2], outcomes[2:]]
    rows.append([CASE_CARD.button("« " + t("Back to the case"), case.user_id)])
    await show(update, context, f"{note}\n\n{text}" if note else text, rows)


@requires(Action.FIND_CASE)
async def on_viewing(update: Update, context: BotContext) -> None:
    actor = actor_of(update, context)
    async with context.db.transaction() as db:
        loaded = await _staff_viewing(
            db, context, actor, int(parsed(update).arg), Action.VIEW_CASE, what_was_tried(update)
        )
        if loaded is not None:
            detail = f"viewing={loaded.viewing.id}"
            await audit(db, context, Action.VIEW_CASE, loaded.case, detail)
    if loaded is None:
        await answer_expired(update, context)
        return
    await _show_viewing(update, context, loaded)


@requires(Action.FIND_CASE)
async def on_outcome(update: Update, context: BotContext) -> None:
    viewing_id, outcome = int(parsed(update).args[0]), ViewingOutcome(parsed(update).args[1])
    actor, now, moved = actor_of(update, context), context.now(), False
    async with context.db.transaction() as db:
        loaded = await _staff_viewing(
            db, context, actor, viewing_id, Action.CHANGE_VIEWING, what_was_tried(update)
        )
        if loaded is not None and loaded.viewing.starts_at <= now:
            case = loaded.case
            await store.save_outcome(db, viewing_id, outcome)
            await audit(db, context, Action.CHANGE_VIEWING, case, f"outcome={outcome}")
            if outcome is ViewingOutcome.OFFER and case.status is CaseStatus.VIEWING:
                # The household must hear at once: rent approval before signing.
                case = await move_case(db, context, case, CaseStatus.OFFER, actor)
                moved = True
            loaded = Loaded(await _fresh(db, viewing_id), case)
        else:
            loaded = None
    if loaded is None:
        await answer_expired(update, context)
        return
    note = context.t("Saved.")
    if moved:
        note = context.t(
            "Saved. The case is now at “{status}”: the household was told to have the rent "
            "approved by the Jobcenter or Sozialamt before signing."
        ).format(status=status_label(context.i18n, CaseStatus.OFFER))
    await _show_viewing(update, context, loaded, note)


async def _fresh(db: Db, viewing_id: int) -> Viewing:
    viewing = await store.get_viewing(db, viewing_id)
    assert viewing is not None
    return viewing


@requires(Action.FIND_CASE)
async def on_cancel_viewing(update: Update, context: BotContext) -> None:
    step, viewing_id = parsed(update).args[0], int(parsed(update).args[1])
    actor, now = actor_of(update, context), context.now()
    async with context.db.transaction() as db:
        loaded = await _staff_viewing(
            db, context, actor, viewing_id, Action.CHANGE_VIEWING, what_was_tried(update)
        )
        if loaded is not None and not loaded.viewing.is_upcoming(now):
            loaded = None
        if loaded is not None and step == "yes":
            await cancel_viewing(db, context, loaded.viewing)
            await audit(db, context, Action.CHANGE_VIEWING, loaded.case, "cancelled")
    if loaded is None:
        await answer_expired(update, context)
        return
    t, i18n, viewing = context.t, context.i18n, loaded.viewing
    if step == "ask":
        text = t("Cancel the viewing on {when} at {place}? The household is told at once.").format(
            when=i18n.when(viewing.starts_at), place=i18n.isolate(html.escape(viewing.address))
        )
        rows = [
            [CANCEL_VIEWING.button("✓ " + t("Yes, cancel it"), "yes", viewing.id)],
            [VIEWING.button("« " + t("Back"), viewing.id)],
        ]
        await show(update, context, text, rows)
        return
    text = t("The viewing is cancelled. The household is told.")
    await show(
        update, context, text, [[CASE_CARD.button("« " + t("Back to the case"), viewing.user_id)]]
    )


async def cancel_viewing(
    db: Db, context: BotContext, viewing: Viewing, *, flat_let: bool = False
) -> None:
    """Inside the transaction of a staff action (which audits it): the viewing is off, its
    reminders and any companion request stop, and the household is told in its language;
    `flat_let`: because the flat went to another household."""
    now = context.now()
    await store.cancel_viewing(db, viewing.id)
    await outbox.cancel_by_ref(db, _ref(viewing.id), now)
    await accompaniment.cancel_for_viewing(db, context, viewing.id)
    await _queue_cancellation(db, context, await _fresh(db, viewing.id), flat_let)


async def _queue_cancellation(
    db: Db, context: BotContext, viewing: Viewing, flat_let: bool
) -> None:
    now = context.now()
    await outbox.enqueue_message(
        db,
        user_id=viewing.user_id,
        kind=CANCELLATION,
        topic=Topic.VIEWINGS,
        params={
            "viewing": viewing.id,
            "starts_at": to_db(viewing.starts_at),
            "address": viewing.address,
            "meeting_point": viewing.meeting_point,
            "sequence": viewing.sequence,
            "stamp": to_db(now),
            "flat_let": flat_let,
        },
        due_at=now,
        dedupe_key=f"{_ref(viewing.id)}:cancelled",
        now=now,
    )


# Staff: typing the time and place -----------------------------------------------------------


def _stop(context: BotContext) -> Keyboard:
    return [[STOP_VIEWING_QUESTION.button("✗ " + context.t("Stop"), "stop")]]


@requires(Action.FIND_CASE)
async def on_new(update: Update, context: BotContext) -> None:
    user_id, actor, now = int(parsed(update).arg), actor_of(update, context), context.now()
    assert context.account is not None
    async with context.db.transaction() as db:
        case = await authorized_case(
            db, context, actor, user_id, Action.SCHEDULE_VIEWING, what_was_tried(update)
        )
        if case is not None:
            await store.ask_staff(db, context.account.id, Purpose.VIEWING, user_id, now)
    if case is None:
        await answer_expired(update, context)
        return
    i18n = context.i18n
    headline = context.t("📅 New viewing for case {number}.").format(
        number=i18n.isolate(str(case.case_number))
    )
    await show(update, context, f"{headline}\n\n{appointment_prompt(i18n, now)}", _stop(context))


@requires(Action.FIND_CASE)
async def on_new_for_listing(update: Update, context: BotContext) -> None:
    """From a listing's shortlist: a household interested in the flat, of the same carrier."""
    listing_id, user_id = (int(arg) for arg in parsed(update).args)
    actor, now, tried = actor_of(update, context), context.now(), what_was_tried(update)
    assert context.account is not None
    async with context.db.transaction() as db:
        listing = await listings.get_listing(db, listing_id)
        recipient = await listings.get_recipient(db, listing_id, user_id)
        case = None
        if (
            listing is None
            or listing.carrier_id != actor.carrier_id
            or listing.status is not ListingStatus.PUBLISHED
            or recipient is None
            or recipient.answer is not Answer.INTERESTED
        ):
            await record_refusal(db, context, actor, Action.SCHEDULE_VIEWING, tried)
        else:
            case = await authorized_case(
                db, context, actor, user_id, Action.SCHEDULE_VIEWING, tried
            )
        if case is not None:
            await store.ask_staff(
                db, context.account.id, Purpose.VIEWING, user_id, now, listing_id=listing_id
            )
    if case is None or listing is None:
        await answer_expired(update, context)
        return
    i18n, address = context.i18n, viewing_address(listing)
    headline = context.t(
        "📅 New viewing of listing {listing} for case {number}. If you type only the date and "
        "time, the viewing is at the flat, {address}, and the household sees this full address."
    ).format(
        listing=i18n.number(listing.id),
        number=i18n.isolate(str(case.case_number)),
        address=i18n.isolate(html.escape(address)),
    )
    prompt = appointment_prompt(i18n, now, address)
    await show(update, context, f"{headline}\n\n{prompt}", _stop(context))


@requires(Action.FIND_CASE)
async def on_reschedule(update: Update, context: BotContext) -> None:
    actor, now = actor_of(update, context), context.now()
    assert context.account is not None
    async with context.db.transaction() as db:
        loaded = await _staff_viewing(
            db,
            context,
            actor,
            int(parsed(update).arg),
            Action.CHANGE_VIEWING,
            what_was_tried(update),
        )
        if loaded is not None and loaded.viewing.is_upcoming(now):
            await store.ask_staff(
                db, context.account.id, Purpose.RESCHEDULE, loaded.case.user_id, now,
                viewing_id=loaded.viewing.id,
            )  # fmt: skip
        else:
            loaded = None
    if loaded is None:
        await answer_expired(update, context)
        return
    i18n = context.i18n
    current = format_appointment(loaded.viewing.appointment, i18n.tz)
    headline = context.t(
        "🔁 New time or place for the viewing of case {number}. Now:\n<code>{current}</code>"
    ).format(number=i18n.isolate(str(loaded.case.case_number)), current=html.escape(current))
    await show(update, context, f"{headline}\n\n{appointment_prompt(i18n, now)}", _stop(context))


async def _question(context: BotContext) -> StaffQuestion | None:
    account = context.account
    if account is None or not account.is_staff:
        return None
    return await store.staff_question(context.db, account.id)


async def _waiting_since(context: BotContext) -> datetime | None:
    question = await _question(context)
    return question.asked_at if question else None


async def on_text(update: Update, context: BotContext) -> None:
    assert update.message is not None and update.message.text is not None
    question = await _question(context)
    if question is None:
        await fallback.on_text(update, context)
        return
    i18n, now = context.i18n, context.now()
    listing = await listings.get_listing(context.db, question.listing_id or 0)
    appointment = parse_appointment(
        update.message.text, now.astimezone(i18n.tz), viewing_address(listing) if listing else None
    )
    if isinstance(appointment, AppointmentProblem):
        text = f"{appointment_problem(i18n, appointment)}\n\n{appointment_prompt(i18n, now)}"
        await show(update, context, text, _stop(context))
        return
    if question.purpose is Purpose.COMPANION:
        assert question.kind is not None  # set with every COMPANION question
        kind = Kind(question.kind)
        await accompaniment.ask_for_office(
            update, context, question.case_user_id, kind, appointment
        )
    elif question.purpose is Purpose.RESCHEDULE:
        await _reschedule(update, context, question, appointment)
    else:
        await _schedule(update, context, question, appointment)


async def _schedule(
    update: Update, context: BotContext, question: StaffQuestion, appointment: Appointment
) -> None:
    actor, account = actor_of(update, context), context.account
    assert account is not None
    async with context.db.transaction() as db:
        await store.close_staff_question(db, account.id)
        case = await authorized_case(
            db, context, actor, question.case_user_id, Action.SCHEDULE_VIEWING, "viewing"
        )
        if case is not None:
            viewing, added = await store.add_viewing(
                db, user_id=case.user_id, carrier_id=case.carrier_id, scheduled_by=account.id,
                appointment=appointment, now=context.now(), listing_id=question.listing_id,
            )  # fmt: skip
            if added:
                await _queue(db, context, viewing)
                await audit(db, context, Action.SCHEDULE_VIEWING, case, f"viewing={viewing.id}")
                if case.status is CaseStatus.SEARCHING:  # the invitation says what comes next
                    case = await move_case(
                        db, context, case, CaseStatus.VIEWING, actor, tell_household=False
                    )
    if case is None:
        await show(update, context, context.t("You can no longer work on this case."))
        return
    t = context.t
    if added:
        note = t(
            "Scheduled. The household gets the invitation in its language with a calendar "
            "file, and reminders the day before and 2 hours before."
        )
    else:
        note = t("This viewing is scheduled already.")
    await _show_viewing(update, context, Loaded(viewing, case), note)


async def _reschedule(
    update: Update, context: BotContext, question: StaffQuestion, appointment: Appointment
) -> None:
    actor, account, now = actor_of(update, context), context.account, context.now()
    assert account is not None
    async with context.db.transaction() as db:
        await store.close_staff_question(db, account.id)
        loaded = await _staff_viewing(
            db, context, actor, question.viewing_id or 0, Action.CHANGE_VIEWING, "reschedule"
        )
        if loaded is not None and loaded.viewing.is_upcoming(now):
            viewing_id = loaded.viewing.id
            await store.reschedule_viewing(db, viewing_id, appointment)
            await outbox.cancel_by_ref(db, _ref(viewing_id), now)
            await accompaniment.cancel_for_viewing(db, context, viewing_id)
            loaded = Loaded(await _fresh(db, viewing_id), loaded.case)
            await _queue(db, context, loaded.viewing)
            await audit(db, context, Action.CHANGE_VIEWING, loaded.case, "rescheduled")
        else:
            loaded = None
    if loaded is None:
        await show(update, context, context.t("You can no longer change this viewing."))
        return
    note = context.t(
        "Changed. The household gets the new time and place with a new calendar file."
    )
    await _show_viewing(update, context, loaded, note)


async def on_cancel(update: Update, context: BotContext) -> None:
    """/cancel or the Stop button while a typed appointment is asked."""
    account = context.account
    if account is not None:
        async with context.db.transaction() as db:
            await store.close_staff_question(db, account.id)
    await show(update, context, context.t("Stopped. Nothing was scheduled."), [menu_row(context)])


async def on_other(update: Update, context: BotContext) -> None:
    prompt = appointment_prompt(context.i18n, context.now())
    text = "\n\n".join((context.t("Please type the appointment as text."), prompt))
    await show(update, context, text, _stop(context))


async def end_viewings_of_let_flat(
    db: Db, context: BotContext, listing_id: int, tenant: int | None
) -> list[str]:
    """A flat is let: every coming viewing of it but the tenant's ends, each one audited."""
    cancelled = 0
    for viewing in await store.upcoming_viewings_of_listing(db, listing_id, context.now()):
        if viewing.user_id == tenant:
            continue
        await cancel_viewing(db, context, viewing, flat_let=True)
        await record_action(
            db,
            context,
            Action.CHANGE_VIEWING,
            f"viewing={viewing.id} cancelled: listing={listing_id} let",
            viewing.user_id,
        )
        cancelled += 1
    if not cancelled:
        return []
    text = context.tn(
        "{n} viewing of another household is cancelled; the household is told.",
        "{n} viewings of other households are cancelled; the households are told.",
        cancelled,
    )
    return [text.format(n=context.i18n.number(cancelled))]


def register(app: BotApp) -> None:
    add_case_section(app, viewing_section)
    add_flat_let_hook(app, end_viewings_of_let_flat)
    add_documents_hook(app, refresh_documents)
    for route, callback in (
        (NEW_VIEWING, on_new),
        (VIEWING_OF_LISTING, on_new_for_listing),
        (VIEWING, on_viewing),
        (RESCHEDULE_VIEWING, on_reschedule),
        (CANCEL_VIEWING, on_cancel_viewing),
        (VIEWING_OUTCOME, on_outcome),
        (VIEWING_ANSWER, on_answer),
        (STOP_VIEWING_QUESTION, on_cancel),
    ):
        app.add_handler(route.handler(callback))
    add_flow(app, TextFlow(_waiting_since, on_text, on_cancel, on_other))
    viewing_texts.register(app)  # how the household's and the staff's messages read
