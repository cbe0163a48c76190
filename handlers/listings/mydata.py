"""/mydata's part of flat listings: the offers a household got and its answers."""

from __future__ import annotations

from bot.context import BotApp, BotContext
from bot.features import add_mydata_part
from domain.accounts import Account
from handlers.common.data_lines import block, typed
from storage.personal_data import Export, Record


def _listing_line(context: BotContext, row: Record) -> str:
    t = context.t
    answers = {
        "interested": t("interested"),
        "declined": t("not for me"),
        None: t("no answer yet"),
    }
    return t("Flat {number} in {quarter}: {answer}").format(
        number=context.i18n.number(row["listing_id"]),
        quarter=typed(context.i18n, row["quarter"]),
        answer=answers[row["answer"]],
    )


async def listing_answers(context: BotContext, account: Account, export: Export) -> list[str]:
    lines = [_listing_line(context, row) for row in export["listing_answers"]]
    return block(context.t("Flats offered to you:"), lines)


def register(app: BotApp) -> None:
    add_mydata_part(app, "listing_answers", listing_answers)
