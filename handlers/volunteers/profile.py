"""/profile: a volunteer's first name, districts (Veedel), languages and topics of interest.

Only volunteers who consented at /start have one; /delete removes it with everything else.
District names stay German (proper names); languages are named in the reader's language.
"""

from __future__ import annotations

import html
from dataclasses import replace

from telegram import Update
from telegram.ext import CommandHandler

from bot.context import BotApp, BotContext
from bot.features import MenuEntry, TextFlow, add_flow, add_menu_entry
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
from handlers.common import prompts
from handlers.common.guards import answer_expired
from handlers.common.main_menu import is_registered, show_main_menu
from handlers.common.routes import parsed
from handlers.common.ui import Keyboard, menu_row, show
from handlers.volunteers.routes import (
    PROFILE,
    PROFILE_DISTRICT,
    PROFILE_LANGUAGE,
    PROFILE_TOPIC,
)
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
            PROFILE.button("✏️ " + t("First name"), "name"),
            PROFILE.button("📍 " + t("Districts"), "districts"),
        ],
        [
            PROFILE.button("🗣 " + t("Languages"), "languages"),
            PROFILE.button("📚 " + t("Topics"), "topics"),
        ],
        menu_row(context),
    ]
    await show(update, context, text, rows)


def _choices(context: BotContext, profile: Profile, section: str) -> tuple[str, Keyboard]:
    t = context.t
    if section == "districts":
        text = t("Which districts (Veedel) are you active in? Tap to choose or unchoose.")
        options = [
            (d.name in profile.districts, d.name, PROFILE_DISTRICT, d.number)
            for d in context.bot_data.city.districts
        ]
    elif section == "languages":
        text = t("Which languages do you speak? Tap to choose or unchoose.")
        options = [
            (
                code in profile.languages,
                language_name(code, context.i18n.locale),
                PROFILE_LANGUAGE,
                code,
            )
            for code in PROFILE_LANGUAGES
        ]
    else:
        text = t("Which workshop topics interest you? Tap to choose or unchoose.")
        options = [
            (topic in profile.topics, t(TOPIC_LABELS[topic]), PROFILE_TOPIC, topic.value)
            for topic in WorkshopTopic
        ]
    buttons = [
        route.button(f"{'✅' if chosen else '▫️'} {label}", value)
        for chosen, label, route, value in options
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    rows.append([PROFILE.button("✓ " + t("Done"), "show")])
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
    rows = [[PROFILE.button("« " + t("Back"), "show")]]
    if profile.first_name:
        rows.insert(0, [PROFILE.button("🗑 " + t("Delete my first name"), "clearname")])
    await show(update, context, f"{note}\n\n{text}" if note else text, rows)


_SECTIONS = {
    PROFILE_DISTRICT.prefix: "districts",
    PROFILE_LANGUAGE.prefix: "languages",
    PROFILE_TOPIC.prefix: "topics",
}


async def on_toggle(update: Update, context: BotContext) -> None:
    cb = parsed(update)
    volunteer = _volunteer(context)
    if volunteer is None:
        await answer_expired(update, context)
        return
    section = _SECTIONS[cb.prefix]
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
    if prefix == PROFILE_DISTRICT.prefix:
        district = context.bot_data.city.district_by_number(int(value))
        return with_district(profile, district.name) if district else None
    if prefix == PROFILE_LANGUAGE.prefix:
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
    app.add_handler(PROFILE.handler(on_section))
    for route in (PROFILE_DISTRICT, PROFILE_LANGUAGE, PROFILE_TOPIC):
        app.add_handler(route.handler(on_toggle))
    add_menu_entry(
        app, MenuEntry(N_("My profile"), "👤", PROFILE.data("show"), VOLUNTEERS, order=50)
    )
    add_flow(app, TextFlow(prompts.waiting_for(NAMING), on_name, on_cancel, on_other))
