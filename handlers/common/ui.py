"""Small rendering helpers shared by the handler modules."""

from __future__ import annotations

from contextlib import suppress

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest

from bot.context import BotContext
from bot.features import Keyboard
from bot.i18n import Translator
from bot.limits import MAX_CAPTION_LENGTH, MAX_TEXT_LENGTH, RECENT_SCREENS
from bot.telegram_html import fit_html, plain_text
from domain.locales import native_name, picker_order
from handlers.common.routes import CHOOSE_LANGUAGE, MAIN_MENU, Route


def menu_row(context: BotContext) -> list[InlineKeyboardButton]:
    """The main menu is always one tap away."""
    return menu_row_in(context.i18n)


def menu_row_in(tr: Translator) -> list[InlineKeyboardButton]:
    """The same for a message to someone else, in their language."""
    return [MAIN_MENU.button("🏠 " + tr.gettext("Main menu"), "home")]


def outbox_buttons(rows: Keyboard) -> tuple[tuple[tuple[str, str], ...], ...]:
    """The same keyboard as an outbox renderer returns it (domain.outbox.Rendered)."""
    return tuple(tuple((b.text, str(b.callback_data)) for b in row) for row in rows)


def outbox_menu_row(tr: Translator) -> tuple[tuple[str, str], ...]:
    """The main menu's button under a message of the outbox, in the recipient's language."""
    return outbox_buttons([menu_row_in(tr)])[0]


def pager_row(
    context: BotContext,
    route: Route,
    offset: int,
    page_size: int,
    *,
    shown: int,
    more: bool,
    before: tuple[str | int, ...] = (),
) -> list[InlineKeyboardButton]:
    """« Previous / Next » for lists shown `page_size` at a time from `offset`; `before` are
    the callback arguments ahead of the offset (e.g. the id of the list's owner)."""
    row = []
    if offset > 0:
        previous = max(0, offset - page_size)
        row.append(route.button("« " + context.t("Previous"), *before, previous))
    if more:
        row.append(route.button(context.t("Next") + " »", *before, offset + shown))
    return row


def fitting(header: str, lines: list[str], limit: int = MAX_TEXT_LENGTH) -> list[str]:
    """As many of `lines` as fit below `header` in one message."""
    size, kept = len(header), []
    for line in lines:
        size += 1 + len(line)
        if size > limit:
            break
        kept.append(line)
    return kept


def language_rows(per_row: int = 2) -> Keyboard:
    # Each language is named in itself, so a user finds theirs without reading ours; two
    # columns, the most spoken first, so all fit one screen of a small phone.
    buttons = [CHOOSE_LANGUAGE.button(native_name(code), code) for code in picker_order()]
    return [buttons[i : i + per_row] for i in range(0, len(buttons), per_row)]


async def show(
    update: Update, context: BotContext, text: str, rows: Keyboard | None = None
) -> None:
    """Answer a button press by editing its message, anything else with a new message.

    A pressed file (a calendar file, a photo) stays: the text becomes its caption if it fits
    one, else it comes as a new message. An edit that would change nothing is left out.
    """
    markup = InlineKeyboardMarkup(rows) if rows else None
    query = update.callback_query
    if query is None:
        await _send(update, context, text, markup)
        return
    with suppress(BadRequest):  # "query is too old" after a restart: the screen still comes
        await query.answer()
    pressed = query.message
    if not isinstance(pressed, Message):  # too old for Telegram to show it to the bot
        await _send(update, context, text, markup)
    elif pressed.text is not None:
        await _edit(context, query, pressed.text, text, markup, caption=False)
    elif len(text) <= MAX_CAPTION_LENGTH:
        await _edit(context, query, pressed.caption, text, markup, caption=True)
    else:
        await _send(update, context, text, markup)


async def _send(
    update: Update, context: BotContext, text: str, markup: InlineKeyboardMarkup | None
) -> None:
    assert update.effective_chat is not None
    await context.bot.send_message(
        update.effective_chat.id, fit_html(text, MAX_TEXT_LENGTH), reply_markup=markup
    )


async def _edit(
    context: BotContext,
    query: CallbackQuery,
    shown: str | None,
    text: str,
    markup: InlineKeyboardMarkup | None,
    *,
    caption: bool,
) -> None:
    """Edits the pressed message's text or caption to `text`, unless it shows that already:
    as the press saw it, or after the edit of a first tap the press could not see yet."""
    pressed = query.message
    assert isinstance(pressed, Message)
    screen, key = (plain_text(text), markup), (pressed.chat.id, pressed.message_id)
    recent = context.bot_data.recent_screens
    if screen in (((shown or "").strip(), pressed.reply_markup), recent.get(key)):
        return
    try:
        if caption:
            await query.edit_message_caption(
                fit_html(text, MAX_CAPTION_LENGTH), reply_markup=markup
            )
        else:
            await query.edit_message_text(fit_html(text, MAX_TEXT_LENGTH), reply_markup=markup)
    except BadRequest as error:
        # After a restart, the first tap's edit is not remembered.
        if "not modified" not in error.message:
            raise
    recent.pop(key, None)
    recent[key] = screen
    if len(recent) > RECENT_SCREENS:
        del recent[next(iter(recent))]  # the oldest


async def show_below(
    update: Update, context: BotContext, text: str, rows: Keyboard | None = None
) -> None:
    """Answer a button press with a new message under it, for buttons on messages that stay
    as they are: a calendar file (an edit would replace its caption), a reminder."""
    assert update.callback_query is not None
    await update.callback_query.answer()
    await _send(update, context, text, InlineKeyboardMarkup(rows) if rows else None)


async def remove_buttons(update: Update) -> None:
    """Takes the buttons off the pressed message and leaves its text as it is."""
    assert update.callback_query is not None
    pressed = update.callback_query.message
    if isinstance(pressed, Message) and pressed.reply_markup is None:
        return  # none left: an edit would change nothing
    try:
        await update.callback_query.edit_message_reply_markup(reply_markup=None)
    except BadRequest as error:
        if "not modified" not in error.message:  # pressed twice, before the first edit showed
            raise
