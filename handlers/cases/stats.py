"""/stats and /export for staff: their own carrier's figures and cases, never another's.

/stats sends the numbers as text, then one PNG chart per figure. Each figure is a function
in STAT_SOURCES that returns a domain.stats.Chart; a new one (bookings and no-shows per week,
listings and interest) is one more function there. /export sends the carrier's cases as CSV
(case number, status, dates; no names) and is audited.
"""

from __future__ import annotations

import asyncio
import csv
import html
import io
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime, time, tzinfo

from telegram import InputFile, Update
from telegram.ext import CommandHandler

from bot.charts import bar_chart
from bot.context import BotApp, BotContext
from bot.features import MenuEntry, add_menu_entry
from bot.i18n import N_, Translator
from bot.limits import STATS_MONTHS, STATS_WEEKS, STATS_WEEKS_AHEAD
from domain.access import Action
from domain.accounts import Role
from domain.case_status import CaseStatus
from domain.stats import Chart, count_by_period, month_bounds, week_bounds
from domain.viewings import ViewingOutcome
from handlers.cases.routes import FIGURES
from handlers.common.case_texts import outcome_label, status_label
from handlers.common.guards import actor_of, requires
from handlers.common.routes import parsed
from handlers.common.ui import menu_row, show
from storage import accounts, cases, consents, viewings
from storage.cases import ExportRow
from storage.db import Db

# A figure: the carrier's data read from the database, told in the reader's words.
StatSource = Callable[[Db, Translator, int, datetime], Awaitable[Chart]]


async def households_per_status(db: Db, tr: Translator, carrier_id: int, now: datetime) -> Chart:
    counts = await cases.status_counts(db, carrier_id)
    return Chart(
        tr.gettext("Households per status"),
        tuple(status_label(tr, s) for s in CaseStatus),
        ((tr.gettext("Households"), tuple(counts.get(s, 0) for s in CaseStatus)),),
    )


async def moves_per_month(db: Db, tr: Translator, carrier_id: int, now: datetime) -> Chart:
    moved = await cases.status_reached(db, carrier_id, CaseStatus.MOVED)
    bounds = month_bounds(now, tr.tz, STATS_MONTHS)
    counts = count_by_period(moved.values(), bounds, tr.tz)
    return Chart(
        tr.gettext("Moves per month"),
        tuple(tr.date(start, "LLL yy") for start in bounds[:-1]),
        ((tr.gettext("Households moved"), tuple(counts)),),
    )


async def viewings_per_week(db: Db, tr: Translator, carrier_id: int, now: datetime) -> Chart:
    bounds = week_bounds(now, tr.tz, STATS_WEEKS, STATS_WEEKS_AHEAD)
    since = datetime.combine(bounds[0], time(0), tzinfo=tr.tz)
    found = await viewings.viewings_of_carrier(db, carrier_id, since)
    no_show = [v.starts_at for v in found if v.outcome is ViewingOutcome.NO_SHOW]
    return Chart(
        tr.gettext("Viewings per week"),
        tuple(tr.date(start, "short") for start in bounds[:-1]),
        (
            (
                tr.gettext("Viewings"),
                tuple(count_by_period([v.starts_at for v in found], bounds, tr.tz)),
            ),
            (
                outcome_label(tr, ViewingOutcome.NO_SHOW),
                tuple(count_by_period(no_show, bounds, tr.tz)),
            ),
        ),
    )


STAT_SOURCES: tuple[StatSource, ...] = (households_per_status, moves_per_month, viewings_per_week)


def figures_text(tr: Translator, charts: list[Chart]) -> str:
    """The numbers of every chart as lines of text, also for screen readers."""
    blocks = []
    for chart in charts:
        lines = [f"<b>{html.escape(chart.title)}</b>"]
        for name, values in chart.series:
            if len(chart.series) > 1:
                lines.append(f"<i>{html.escape(name)}</i>")
            lines += [
                # TRANSLATORS: one line of the figures, e.g. "Searching: 12".
                tr.gettext("{label}: {count}").format(label=html.escape(label), count=tr.number(n))
                for label, n in zip(chart.labels, values, strict=True)
            ]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


@requires(Action.VIEW_STATS)
async def on_stats(update: Update, context: BotContext) -> None:
    actor, now = actor_of(update, context), context.now()
    assert actor.carrier_id is not None and update.effective_chat is not None
    carrier = await accounts.get_carrier(context.db, actor.carrier_id)
    assert carrier is not None
    # Charts cannot draw right-to-left scripts: staff who read Arabic or Farsi get them in
    # German, the language of the programme; the numbers below come in their own language.
    catalogs, i18n = context.bot_data.catalogs, context.i18n
    chart_tr = catalogs.get("de") if i18n.rtl else i18n
    texts = [await source(context.db, i18n, carrier.id, now) for source in STAT_SOURCES]
    charts = (
        texts
        if chart_tr is i18n
        else [await source(context.db, chart_tr, carrier.id, now) for source in STAT_SOURCES]
    )
    headline = context.t("📊 <b>Figures of {carrier}</b>, {date}").format(
        carrier=html.escape(carrier.name), date=i18n.datetime(now, "short")
    )
    await show(update, context, f"{headline}\n\n{figures_text(i18n, texts)}", [menu_row(context)])
    for chart in charts:
        if chart.is_empty:
            continue
        png = await asyncio.to_thread(bar_chart, chart)  # CPU work off the event loop
        await context.bot.send_photo(
            update.effective_chat.id,
            InputFile(png, filename="figures.png"),
            caption=html.escape(chart.title),
        )


def cases_csv(
    header: tuple[str, ...], rows: list[ExportRow], labels: Mapping[str, str], tz: tzinfo
) -> bytes:
    """The export as a file: the status in the reader's words, days in the programme's zone."""

    def day(stored: str | None) -> str:
        return datetime.fromisoformat(stored).astimezone(tz).date().isoformat() if stored else ""

    out = io.StringIO()
    # Semicolons: what spreadsheet programs in German expect when they open a CSV file.
    writer = csv.writer(out, delimiter=";")
    writer.writerow(header)
    writer.writerows(
        (number, labels[status], day(opened), day(since), day(moved))
        for number, status, opened, since, moved in rows
    )
    # UTF-8 with a byte order mark, so spreadsheet programs show the umlauts right.
    return out.getvalue().encode("utf-8-sig")


@requires(Action.EXPORT_CASES)
async def on_export(update: Update, context: BotContext) -> None:
    actor, now, t = actor_of(update, context), context.now(), context.t
    assert actor.carrier_id is not None and update.effective_chat is not None
    if update.callback_query is not None:
        await update.callback_query.answer()
    async with context.db.transaction() as db:
        found = await cases.export_rows(db, actor.carrier_id, CaseStatus.MOVED)
        await consents.record_audit(
            db,
            actor_telegram_id=actor.telegram_id,
            action=Action.EXPORT_CASES,
            now=now,
            carrier_id=actor.carrier_id,
            detail=f"rows={len(found)}",
        )
        carrier = await accounts.get_carrier(db, actor.carrier_id)
    assert carrier is not None
    header = (t("Case number"), t("Status"), t("Case opened"), t("Status since"), t("Moved on"))
    labels = {status.value: status_label(context.i18n, status) for status in CaseStatus}
    # Thousands of rows: written in a thread, so other users are answered meanwhile.
    data = await asyncio.to_thread(cases_csv, header, found, labels, context.settings.tz)
    name = f"cases-{carrier.code}-{now.astimezone(context.settings.tz).date().isoformat()}.csv"
    caption = context.tn(
        "{count} case of {carrier}. No names: only case numbers, statuses and dates.",
        "{count} cases of {carrier}. No names: only case numbers, statuses and dates.",
        len(found),
    ).format(count=context.i18n.number(len(found)), carrier=html.escape(carrier.name))
    await context.bot.send_document(
        update.effective_chat.id, InputFile(data, filename=name), caption=caption
    )


async def on_button(update: Update, context: BotContext) -> None:
    items = {"stats": on_stats, "export": on_export}
    await items[parsed(update).arg](update, context)


STAFF = frozenset({Role.STAFF})


def register(app: BotApp) -> None:
    app.add_handler(CommandHandler("stats", on_stats))
    app.add_handler(CommandHandler("export", on_export))
    app.add_handler(FIGURES.handler(on_button))
    add_menu_entry(app, MenuEntry(N_("Figures"), "📊", FIGURES.data("stats"), STAFF, order=50))
    add_menu_entry(
        app, MenuEntry(N_("Export cases (CSV)"), "📤", FIGURES.data("export"), STAFF, order=51)
    )
