"""'Words you will hear' (/words, and a button under /help): the German terms of the process,
explained in the reader's language.
They stay German everywhere in the bot because letters, offices and landlords use them."""

from __future__ import annotations

from telegram import Update

from bot.context import BotContext
from bot.i18n import N_, Translator
from domain.searches import DOCUMENT_NAMES, Document
from handlers.common.ui import menu_row, show

PROCESS_WORDS = (
    ("Sprechstunde", N_("a carrier's open hours for advice: you come and wait your turn.")),
    ("Beratungsgespräch", N_("a conversation with a caseworker alone, at a booked time.")),
    ("Jobcenter", N_("the office that pays rent and living costs if you may work (SGB II).")),
    (
        "Sozialamt",
        N_("the city office that pays rent and living costs under AsylbLG or SGB XII."),
    ),
    ("Bürgeramt", N_("the city office where you register your address.")),
    ("Anmeldung", N_("registering your new address at the Bürgeramt, within two weeks.")),
    ("WBS", N_("Wohnberechtigungsschein: a paper that lets you rent a subsidised flat.")),
    ("KdU", N_("Kosten der Unterkunft: the highest rent the office pays for your household.")),
    (
        "Bruttokaltmiete",
        N_("the rent with the service costs (Nebenkosten), without heating and hot water."),
    ),
    ("Kaution", N_("the deposit for the landlord; the office can lend it to you.")),
    ("Mietvertrag", N_("the rental contract: sign it only after the rent was approved.")),
)
DOCUMENT_WORDS = {
    Document.RESIDENCE: N_(
        "your residence permit, or the paper you have during the asylum procedure."
    ),
    Document.WOHNSITZAUFLAGE: N_("the rule in your papers about the city where you must live."),
    Document.SCHUFA: N_("a credit report landlords ask for; you can get one copy free of charge."),
    Document.RENT_DEBT: N_("a paper saying that you owe no rent; the shelter gives it to you."),
    Document.INCOME: N_("proof of your income, or the letter of the office that pays for you."),
    Document.DEPOSIT: N_("the office's promise to pay or lend the deposit (Kaution)."),
}
AFTER_MOVE_WORDS = (
    (
        "Wohnungsgeberbestätigung",
        N_("the landlord's paper that you moved in; you need it for the Anmeldung."),
    ),
)


def glossary_lines(tr: Translator) -> list[str]:
    """Each German word in bold, isolated in right-to-left text, with its meaning."""
    entries = [
        *PROCESS_WORDS,
        *((DOCUMENT_NAMES[document], meaning) for document, meaning in DOCUMENT_WORDS.items()),
        *AFTER_MOVE_WORDS,
    ]
    # TRANSLATORS: {word} is a German term (kept German), {meaning} its explanation.
    line = tr.gettext("<b>{word}</b>: {meaning}")
    return [
        line.format(word=tr.isolate(word), meaning=tr.gettext(meaning))
        for word, meaning in entries
    ]


async def on_words(update: Update, context: BotContext) -> None:
    intro = context.t(
        "Words you will hear: offices, landlords and letters use these German words. "
        "They stay German in this bot too."
    )
    text = "\n\n".join((intro, "\n".join(glossary_lines(context.i18n))))
    await show(update, context, text, [menu_row(context)])
