"""/profile: a volunteer's first name, districts (Veedel), languages and topics of interest.

Only volunteers who consented at /start have one; /delete removes it with everything else.
District names stay German (proper names); languages are named in the reader's language.
"""

from __future__ import annotations

import html
from dataclasses import replace

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.context import BotApp, BotContext
from bot.i18n import N_
from domain.accounts import Account, Role
from domain.locales import language_name
from domain.profiles import (
    PROFILE_LANGUAGES,
    NameProblem,
    Profile,
    read_first_name,
    with_district,
    with_language,
    with_topic,
)
from domain.prompts import PromptKind
from domain.workshops import WorkshopTopic
from handlers.common import callback_data, prompts, text_input
from handlers.common.callback_data import parsed
from handlers.common.guards import answer_expired
from handlers.common.ui import Keyboard, MenuEntry, add_menu_entry, button, menu_row, show
from handlers.onboarding.start import is_registered, show_main_menu
from handlers.volunteers.workshop_texts import TOPIC_LABELS
from storage import profiles
from storage import prompts as prompt_storage

NAMING = frozenset({PromptKind.FIRST_NAME})
NAME_PROBLEMS = {
    NameProblem.EMPTY: N_("Please write a first name."),
    NameProblem.TOO_LONG: N_(
        "That is too long for a first name. Please write only the first name."
    ),
    NameProblem.NOT_A_NAME: N_("Please write only a first name, in letters."),
}


def _volunteer(context: BotContext) -> Account | None:
    account = context.account
    if account is None or not is_registered(account) or account.role is not Role.VOLUNTEER:
        return None
    return account


def summary(context: BotContext, profile: Profile) -> str:
    """The profile in a few lines; also part of /mydata."""
    t, i18n = context.t, context.i18n
    none = "—"
    districts = i18n.join(sorted(profile.districts)) if profile.districts else none
    languages = sorted(language_name(code, i18n.locale) for code in profile.languages)
    topics = [t(TOPIC_LABELS[topic]) for topic in WorkshopTopic if topic in profile.topics]
    # TRANSLATORS: a volunteer's profile; Veedel is Cologne's word for a neighbourhood.
    return t(
        "First name: {name}\nVeedel (districts): {districts}\nLanguages you speak: {languages}\n"
        "Topics that interest you: {topics}"
    ).format(
        name=i18n.isolate(html.escape(profile.first_name)) if profile.first_name else none,
        districts=districts,
        languages=i18n.join(languages) if languages else none,
        topics=i18n.join(topics) if topics else none,
    )


async def _show_profile(update: Update, context: BotContext, note: str = "") -> None:
    volunteer = _volunteer(context)
    if volunteer is None:
        if not is_registered(context.account):
            await show_main_menu(update, context)
            return
        text = context.t("The profile is for volunteers.")
        await show(update, context, text, [menu_row(context)])
        return
    t = context.t
    profile = await profiles.get_profile(context.db, volunteer.id)
    text = "\n\n".join(
        part
        for part in (
            note,
            "👤 <b>" + t("Your profile") + "</b>",
            summary(context, profile),
            t(
                "Caseworkers see your first name when you register for a workshop. "
                "What would you like to change?"
            ),
        )
        if part
    )
    rows = [
        [
            button("✏️ " + t("First name"), "fp", "name"),
            button("📍 " + t("Districts"), "fp", "districts"),
        ],
        [
            button("🗣 " + t("Languages"), "fp", "languages"),
            button("📚 " + t("Topics"), "fp", "topics"),
        ],
        menu_row(context),
    ]
    await show(update, context, text, rows)


def _choices(context: BotContext, profile: Profile, section: str) -> tuple[str, Keyboard]:
    t = context.t
    if section == "districts":
        text = t("Which districts (Veedel) are you active in? Tap to choose or unchoose.")
        options = [
            (d.name in profile.districts, d.name, "fd", d.number)
            for d in context.bot_data.city.districts
        ]
    elif section == "languages":
        text = t("Which languages do you speak? Tap to choose or unchoose.")
        options = [
            (code in profile.languages, language_name(code, context.i18n.locale), "fl", code)
            for code in PROFILE_LANGUAGES
        ]
    else:
        text = t("Which workshop topics interest you? Tap to choose or unchoose.")
        options = [
            (topic in profile.topics, t(TOPIC_LABELS[topic]), "ft", topic.value)
            for topic in WorkshopTopic
        ]
    buttons = [
        button(f"{'✅' if chosen else '▫️'} {label}", prefix, value)
        for chosen, label, prefix, value in options
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    rows.append([button("✓ " + t("Done"), "fp", "show")])
    return text, rows


async def on_profile(update: Update, context: BotContext) -> None:
    await _show_profile(update, context)


async def on_section(update: Update, context: BotContext) -> None:
    section = parsed(update).arg
    volunteer = _volunteer(context)
    if section == "show" or volunteer is None:
        await _show_profile(update, context)
        return
    t, now = context.t, context.now()
    async with context.db.transaction() as db:
        profile = await profiles.get_profile(db, volunteer.id)
        if section == "name":
            await prompt_storage.ask(db, volunteer.id, PromptKind.FIRST_NAME, None, now)
        elif section == "clearname" and profile.first_name:
            await profiles.save_profile(db, replace(profile, first_name=None), now)
    if section == "clearname":
        await _show_profile(update, context, t("Your first name is deleted."))
    elif section == "name":
        await _ask_name(update, context, profile)
    else:
        await show(update, context, *_choices(context, profile, section))


async def _ask_name(update: Update, context: BotContext, profile: Profile, note: str = "") -> None:
    t = context.t
    text = t("Please write your first name, only the first name. /cancel stops.")
    rows = [[button("« " + t("Back"), "fp", "show")]]
    if profile.first_name:
        rows.insert(0, [button("🗑 " + t("Delete my first name"), "fp", "clearname")])
    await show(update, context, f"{note}\n\n{text}" if note else text, rows)


async def on_toggle(update: Update, context: BotContext) -> None:
    cb = parsed(update)
    volunteer = _volunteer(context)
    if volunteer is None:
        await answer_expired(update, context)
        return
    section = {"fd": "districts", "fl": "languages", "ft": "topics"}[cb.prefix]
    async with context.db.transaction() as db:
        profile = await profiles.get_profile(db, volunteer.id)
        changed = _toggled(context, profile, cb.prefix, cb.arg)
        if changed is not None:
            await profiles.save_profile(db, changed, context.now())
    if changed is None:  # not a district, language or topic we offer
        await answer_expired(update, context)
        return
    await show(update, context, *_choices(context, changed, section))


def _toggled(context: BotContext, profile: Profile, prefix: str, value: str) -> Profile | None:
    if prefix == "fd":
        district = context.bot_data.city.district_by_number(int(value))
        return with_district(profile, district.name) if district else None
    if prefix == "fl":
        return with_language(profile, value) if value in PROFILE_LANGUAGES else None
    topics = {topic.value: topic for topic in WorkshopTopic}
    return with_topic(profile, topics[value]) if value in topics else None


async def on_name(update: Update, context: BotContext) -> None:
    assert update.message is not None and update.message.text is not None
    volunteer = _volunteer(context)
    if volunteer is None:
        await show_main_menu(update, context)
        return
    name = read_first_name(update.message.text)
    async with context.db.transaction() as db:
        profile = await profiles.get_profile(db, volunteer.id)
        if not isinstance(name, NameProblem):
            await profiles.save_profile(db, replace(profile, first_name=name), context.now())
            await prompt_storage.clear_prompt(db, volunteer.id)
    if isinstance(name, NameProblem):
        await _ask_name(update, context, profile, context.t(NAME_PROBLEMS[name]))
        return
    await _show_profile(update, context, context.t("Saved."))


async def on_cancel(update: Update, context: BotContext) -> None:
    await prompts.clear(context)
    await _show_profile(update, context, context.t("Stopped. Nothing was changed."))


async def on_other(update: Update, context: BotContext) -> None:
    volunteer = _volunteer(context)
    if volunteer is None:
        await show_main_menu(update, context)
        return
    profile = await profiles.get_profile(context.db, volunteer.id)
    await _ask_name(update, context, profile, context.t(NAME_PROBLEMS[NameProblem.NOT_A_NAME]))


VOLUNTEERS = frozenset({Role.VOLUNTEER})


def register(app: BotApp) -> None:
    app.add_handler(CommandHandler("profile", on_profile))
    app.add_handler(CallbackQueryHandler(on_section, pattern=callback_data.matches("fp")))
    for prefix in ("fd", "fl", "ft"):
        app.add_handler(CallbackQueryHandler(on_toggle, pattern=callback_data.matches(prefix)))
    add_menu_entry(app, MenuEntry(N_("My profile"), "👤", ("fp", "show"), VOLUNTEERS, order=50))
    text_input.add_flow(
        app, text_input.TextFlow(prompts.waiting_for(NAMING), on_name, on_cancel, on_other)
    )
