"""Data expires: one daily job applies every retention rule (periods: domain/retention.py,
set by RETAIN_*_DAYS), and the question to households whose search lay unused.

`apply_retention(data, now)` does the work, so tests drive it on the fake clock. Each rule
logs one INFO line with its count (and ids of deleted people only). A person is deleted the
way /delete deletes (handlers.onboarding.menu.delete_person), never by a second path.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import replace
from datetime import datetime, time, timedelta
from typing import Any

from telegram import Update

from bot.context import BotApp, BotContext, BotData
from bot.delivery import register_renderer
from bot.i18n import Translator
from domain.case_status import is_open
from domain.outbox import Rendered, Topic
from domain.retention import status_when_abandoned
from handlers.common.guards import answer_expired
from handlers.common.main_menu import is_registered
from handlers.common.routes import parsed
from handlers.common.ui import menu_row, show
from handlers.onboarding import menu
from handlers.onboarding.routes import STILL_LOOKING_ANSWER
from storage import accounts, cases, outbox, retention
from storage.db import Db

log = logging.getLogger(__name__)

STILL_LOOKING = "still_looking"
RUN_AT = time(3, 30)  # local time: the quietest hour of the bot


def render_still_looking(params: Mapping[str, Any], tr: Translator) -> Rendered:
    answer_within = tr.duration(timedelta(days=params["answer_days"]))
    # TRANSLATORS: {period} is e.g. "1 month".
    text = tr.gettext(
        "Are you still looking for a flat? Your housing search has not been used for a long "
        "time. If you do not answer within {period}, we delete your search and all your data."
    ).format(period=answer_within)
    search_id = params["search"]
    return Rendered(
        text,
        buttons=(
            ((tr.gettext("Yes, keep it"), STILL_LOOKING_ANSWER.data("yes", search_id)),),
            ((tr.gettext("No, delete"), STILL_LOOKING_ANSWER.data("no", search_id)),),
        ),
    )


async def _ask(data: BotData, search_id: int, user_id: int, now: datetime) -> None:
    answer_days = data.settings.retention.still_looking_answer.days
    async with data.db.transaction() as db:
        await retention.mark_asked(db, search_id, now)
        await outbox.enqueue_message(
            db,
            user_id=user_id,
            kind=STILL_LOOKING,
            topic=Topic.ANNOUNCEMENTS,
            params={"search": search_id, "answer_days": answer_days},
            due_at=now,
            dedupe_key=f"still_looking:{search_id}:{now.date().isoformat()}",
            now=now,
        )


async def _end_case(data: BotData, user_id: int, now: datetime) -> None:
    """The bot ends the case of a household that stopped answering, before deleting it."""
    async with data.db.transaction() as db:
        case = await cases.get_case(db, user_id)
        if case is not None and is_open(case.status):
            target = status_when_abandoned(case.status)
            ended = replace(case, status=target, resume_status=None, status_since=now)
            await cases.save_status(db, ended, case.status, None, now)


# Rules that strip or delete rows, not people, each named as its period in Retention.
_PURGES: dict[str, Callable[[Db, datetime], Awaitable[int]]] = {
    "finished_appointment": retention.purge_finished_appointments,
    "closed_listing": retention.strip_closed_listings,
    "answered_question": retention.strip_answered_questions,
    "invite": retention.purge_invites,
    "audit": retention.purge_audit,
    "refused_attempt": retention.purge_refused_attempts,
}


async def apply_retention(data: BotData, now: datetime) -> dict[str, int]:
    """Every rule once; returns the count of each, as logged.

    Each household is asked, and each person deleted, in a short transaction of its own:
    thousands at once (the first run on old data) never hold up people's taps for long."""
    kept, counts = data.settings.retention, {}
    async with data.db.transaction() as db:
        counts["search_renewed"] = await retention.renew_active(db)
    inactive = await retention.inactive_searches(data.db, now - kept.inactive_search)
    for search_id, user_id in inactive:
        await _ask(data, search_id, user_id, now)
    counts["search_asked"] = len(inactive)
    unanswered = await retention.unanswered(data.db, now - kept.still_looking_answer)
    blocked = await retention.blocked_before(data.db, now - kept.blocked_user)
    for rule, people in (("search_unanswered", unanswered), ("blocked_user", blocked)):
        for user_id, _telegram_id in people:
            await _end_case(data, user_id, now)
            await menu.delete_person(data, user_id, now)
        counts[rule] = len(people)
        log.info("retention %s: %d people deleted %s", rule, len(people), [i for i, _ in people])
    async with data.db.transaction() as db:  # set-based statements, each one quick
        for rule, purge in _PURGES.items():
            counts[rule] = await purge(db, now - getattr(kept, rule))
    for rule in ("search_renewed", "search_asked", *_PURGES):
        log.info("retention %s: %d", rule, counts[rule])
    return counts


async def _retention_job(context: BotContext) -> None:
    await apply_retention(context.bot_data, context.bot_data.clock())


async def on_still_looking(update: Update, context: BotContext) -> None:
    answer, search_arg = parsed(update).args
    account = context.account
    if account is None or not is_registered(account):
        await answer_expired(update, context)
        return
    async with context.db.transaction() as db:
        own = await retention.keep_search(db, int(search_arg), account.id)
        await accounts.touch_account(db, account.telegram_id, context.now())  # activity
    if not own:
        await answer_expired(update, context)
        return
    if answer == "no":
        await menu.delete_and_confirm(update, context)
        return
    text = context.t("Thank you. We keep your housing search.")
    await show(update, context, text, [menu_row(context)])


def register(app: BotApp) -> None:
    register_renderer(app, STILL_LOOKING, render_still_looking, essential=True)
    app.add_handler(STILL_LOOKING_ANSWER.handler(on_still_looking))
    assert app.job_queue is not None
    app.job_queue.run_daily(
        _retention_job,
        time=RUN_AT.replace(tzinfo=app.bot_data.settings.tz),
        name="retention",
        job_kwargs={"misfire_grace_time": None, "coalesce": True, "max_instances": 1},
    )
