"""/rentlimits: staff see the reasonable-rent tables (KdU) and add the city's new ones."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler

from bot.context import BotApp, BotContext
from domain.rent_limits import RentLimitTable, parse_new_table
from domain.user_input import Problem
from handlers.common.ui import menu_row, show
from handlers.staff.team import staff_only
from storage import consents, rent_limits


def describe_table(context: BotContext, table: RentLimitTable) -> str:
    i18n = context.i18n
    title = context.t("Rent limits (KdU) from {date}:").format(
        date=i18n.date(table.valid_from, "long")
    )
    lines = []
    for limit in table.limits:
        # TRANSLATORS: one row of the rent limits: persons, flat size and gross cold rent.
        row = context.tn(
            "{n} person: {area} m², {rent}", "{n} persons: {area} m², {rent}", limit.persons
        )
        lines.append(
            row.format(
                n=i18n.number(limit.persons),
                area=i18n.number(limit.area_m2),
                rent=i18n.money(limit.rent),
            )
        )
    lines.append(
        context.t("Each person more: +{area} m², +{rent}").format(
            area=i18n.number(table.extra_area_m2), rent=i18n.money(table.extra_rent)
        )
    )
    return "\n".join([f"<b>{title}</b>", *lines])


def _usage(context: BotContext) -> str:
    # TRANSLATORS: keep the command and the example values as they are.
    return context.t(
        "To add new limits, write the date from which they apply, the rent for 1, 2, 3, … "
        "persons and, with +, the rent for each person more. The sizes in m² stay as they "
        "are. For example:\n/rentlimits 2025-01-01 677 820 976 1139 1302 +163"
    )


@staff_only
async def on_rentlimits(update: Update, context: BotContext) -> None:
    args = context.args or []
    tables = await rent_limits.list_rent_limit_tables(context.db)
    latest = max(tables, key=lambda table: table.valid_from, default=None)
    if not args or latest is None:
        described = [describe_table(context, table) for table in tables]
        text = "\n\n".join([*described, _usage(context)])
        await show(update, context, text, [menu_row(context)])
        return
    table = parse_new_table(args, latest)
    if isinstance(table, Problem):
        problem = context.t("I could not read this.")
        if table is Problem.NOT_A_DATE:
            problem = context.t("Please write the date like 2025-01-01.")
        await show(update, context, f"{problem}\n\n{_usage(context)}")
        return
    assert update.effective_user is not None
    account = context.account
    async with context.db.transaction() as db:
        await rent_limits.save_rent_limit_table(db, table)
        await consents.record_audit(
            db,
            actor_telegram_id=update.effective_user.id,
            action="rentlimits.set",
            now=context.now(),
            carrier_id=account.carrier_id if account else None,  # admins have none
            detail=f"valid_from={table.valid_from.isoformat()}",
        )
    text = context.t("Saved. The housing search uses these limits from that day on.")
    await show(update, context, f"{text}\n\n{describe_table(context, table)}", [menu_row(context)])


def register(app: BotApp) -> None:
    app.add_handler(CommandHandler("rentlimits", on_rentlimits))
