"""/languages for coordinators: every language, its state (locales/STATUS.toml) and how many of
its strings are missing or not yet read by a native speaker."""

from __future__ import annotations

import asyncio

from telegram import Update

from bot.context import BotContext
from bot.i18n import N_, catalog_counts
from domain.access import Action
from domain.locales import PICKER_ORDER, CatalogState, LanguageStatus, language_name
from handlers.common.guards import requires
from handlers.common.ui import menu_row, show

STATE_LABELS = {
    CatalogState.REVIEWED: N_("reviewed by a native speaker"),
    CatalogState.COMPLETE: N_("complete, corrected after a native review"),
    CatalogState.DRAFT: N_("draft, not yet reviewed by a native speaker"),
}


@requires(Action.LIST_STAFF)
async def on_languages(update: Update, context: BotContext) -> None:
    statuses = context.bot_data.catalogs.status
    codes = [code for code in PICKER_ORDER if code in statuses]
    # Reading 14 catalogs takes a moment: off the event loop, so others are answered meanwhile.
    counts = await asyncio.to_thread(lambda: [catalog_counts(code) for code in codes])
    lines = [
        _line(context, statuses[code], count) for code, count in zip(codes, counts, strict=True)
    ]
    head = context.t("The bot's languages ({n}), the most spoken in the shelters first:").format(
        n=context.i18n.number(len(codes))
    )
    await show(update, context, "\n".join((head, "", *lines)), [menu_row(context)])


def _line(context: BotContext, status: LanguageStatus, count: tuple[int, int] | None) -> str:
    t, i18n = context.t, context.i18n
    name = f"<b>{i18n.isolate(language_name(status.code, i18n.locale))}</b> ({status.code})"
    state = t(STATE_LABELS[status.state])
    if count is None:
        return t("{language}: {state}; no catalog yet.").format(language=name, state=state)
    total, missing = count
    unreviewed = total if status.is_draft else 0
    since = i18n.date(status.reviewed_on, "medium") if status.reviewed_on else "—"
    # TRANSLATORS: one line per language in the staff's language overview.
    return t(
        "{language}: {state} (last review: {since}); {missing} of {total} strings missing, "
        "{unreviewed} not yet reviewed."
    ).format(
        language=name,
        state=state,
        since=since,
        missing=i18n.number(missing),
        total=i18n.number(total),
        unreviewed=i18n.number(unreviewed),
    )
