"""/mydata's part of consultation hours: the person's bookings, in the reader's words."""

from __future__ import annotations

from bot.context import BotApp, BotContext
from bot.features import add_mydata_part
from bot.i18n import Translator
from domain.accounts import Account
from domain.appointments import BookingStatus, SlotKind
from handlers.appointments.texts import kind_name, when_short
from handlers.common.data_lines import block, typed
from storage.db import from_db
from storage.personal_data import Export, Record


def _booking_status(tr: Translator, status: BookingStatus) -> str:
    return {
        BookingStatus.BOOKED: tr.pgettext("booking", "booked"),
        BookingStatus.WAITING: tr.pgettext("booking", "on the waitlist"),
        BookingStatus.OFFERED: tr.pgettext("booking", "a place is offered to you"),
        BookingStatus.CANCELLED: tr.pgettext("booking", "cancelled"),
        BookingStatus.DECLINED: tr.pgettext("booking", "you let the offered place go"),
        BookingStatus.EXPIRED: tr.pgettext("booking", "the offered place expired"),
        BookingStatus.ATTENDED: tr.pgettext("booking", "you came"),
        BookingStatus.NO_SHOW: tr.pgettext("booking", "you did not come"),
    }[status]


def _booking_line(context: BotContext, row: Record) -> str:
    i18n = context.i18n
    starts_at, ends_at = from_db(row["starts_at"]), from_db(row["ends_at"])
    assert starts_at is not None and ends_at is not None
    return context.t("{date}: {kind} at {carrier}, {place}. Status: {status}.").format(
        date=when_short(i18n, starts_at, ends_at),
        kind=kind_name(i18n, SlotKind(row["kind"])),
        carrier=typed(i18n, row["carrier"]),
        place=typed(i18n, row["address"]),
        status=_booking_status(i18n, BookingStatus(row["status"])),
    )


async def bookings(context: BotContext, account: Account, export: Export) -> list[str]:
    lines = [_booking_line(context, row) for row in export["bookings"]]
    return block(context.t("Your appointments:"), lines)


def register(app: BotApp) -> None:
    add_mydata_part(app, "bookings", bookings)
