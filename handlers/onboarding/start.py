"""/start: language, then role, then consent, then the main menu of the role.

Until the user consents nothing is stored: the chosen language and role travel in the
buttons' callback data, so an old message still works after a restart or a week away.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler

from bot.context import BotApp, BotContext
from bot.i18n import N_
from domain.accounts import Role
from domain.locales import native_name
from handlers.common import commands, texts
from handlers.common.main_menu import ask_language, is_registered, show_main_menu
from handlers.common.routes import CHOOSE_LANGUAGE, LANGUAGE_LIST, parsed
from handlers.common.ui import Keyboard, language_rows, show
from handlers.onboarding.routes import CHOOSE_ROLE, CONSENT
from storage import accounts


async def on_start(update: Update, context: BotContext) -> None:
    user = update.effective_user
    assert user is not None
    if context.account is None and context.is_admin(user.id):
        async with context.db.transaction() as db:
            context.account = await accounts.create_account(
                db, user.id, Role.STAFF, context.i18n.locale, context.now()
            )
    if context.account is not None and is_registered(context.account):
        await commands.refresh_chat_commands(context, context.account)
        await show_main_menu(update, context)
        return
    await ask_language(update, context)


async def on_language_list(update: Update, context: BotContext) -> None:
    rows = language_rows()
    rows.append([LANGUAGE_LIST.button("❓ " + context.t("My language is not here"), "none")])
    if not is_registered(context.account):
        rows.append([CHOOSE_LANGUAGE.button("« " + context.t("Back"), context.i18n.locale)])
    if parsed(update).arg == "none":
        await _no_language(update, context, rows)
        return
    await show(update, context, context.t("Choose your language:"), rows)


async def _no_language(update: Update, context: BotContext, rows: Keyboard) -> None:
    """Simple English and German, whatever the user's language: a person can help."""
    english, german = (context.bot_data.catalogs.get(code) for code in ("en", "de"))
    # TRANSLATORS: shown in English and in German only; keep it very simple.
    msgid = N_(
        "Your language is not here? A caseworker can help you by phone or in person. "
        "You can also write to the bot in English or German."
    )
    route = await texts.offline_route(context)
    text = "\n\n".join((english.gettext(msgid), german.gettext(msgid), route))
    await show(update, context, text, rows)


def draft_notice(context: BotContext) -> str | None:
    """Once, when someone picks a language whose translation no native speaker has read."""
    if not context.bot_data.catalogs.is_draft(context.i18n.locale):
        return None
    return context.t(
        "This translation is new and a native speaker has not checked it yet. German words "
        "for offices and papers stay German. To change the language, send /language."
    )


async def on_language_chosen(update: Update, context: BotContext) -> None:
    cb = parsed(update)
    context.use_locale(cb.arg)
    account = context.account
    if not is_registered(account):
        await ask_role(update, context, draft_notice(context))
        return
    assert account is not None
    async with context.db.transaction() as db:
        await accounts.save_locale(db, account.telegram_id, cb.arg)
    await commands.refresh_chat_commands(context, account)
    # TRANSLATORS: {language} is the language's own name, e.g. "Українська".
    done = context.t("Done. I will write to you in {language}.").format(
        language=native_name(cb.arg)
    )
    intro = "\n\n".join(part for part in (done, draft_notice(context)) if part)
    await show_main_menu(update, context, intro)


async def ask_role(update: Update, context: BotContext, intro: str | None = None) -> None:
    t, locale = context.t, context.i18n.locale
    rows = [
        [CHOOSE_ROLE.button("🏠 " + t("I am looking for a flat"), Role.SEEKER, locale)],
        [
            CHOOSE_ROLE.button(
                "🤝 " + t("I am a volunteer and help others"), Role.VOLUNTEER, locale
            )
        ],
        [LANGUAGE_LIST.button("« " + t("Back"), "start")],
    ]
    text = "\n\n".join(part for part in (intro, t("Who are you?")) if part)
    await show(update, context, text, rows)


async def on_role_chosen(update: Update, context: BotContext) -> None:
    cb = parsed(update)
    role, locale = cb.args
    context.use_locale(locale)
    if is_registered(context.account):
        await show_main_menu(update, context)
        return
    t = context.t
    text = "\n\n".join((texts.privacy_notice(context), "<b>" + t("Do you agree?") + "</b>"))
    rows = [
        [CONSENT.button("✓ " + t("Yes, I agree"), "yes", role, locale)],
        [CONSENT.button("✗ " + t("No, I do not agree"), "no", role, locale)],
        [CHOOSE_LANGUAGE.button("« " + t("Back"), locale)],
    ]
    await show(update, context, text, rows)


async def on_consent(update: Update, context: BotContext) -> None:
    cb = parsed(update)
    answer, role, locale = cb.args
    context.use_locale(locale)
    assert update.effective_user is not None
    if is_registered(context.account):
        intro = context.t("You agreed already. To withdraw, delete your data with /delete.")
        await show_main_menu(update, context, intro)
        return
    if answer == "no":
        text = "\n\n".join(
            (
                context.t("All right. Nothing about you was stored."),
                await texts.offline_route(context),
                context.t("If you change your mind, send /start."),
            )
        )
        await show(update, context, text)
        return
    async with context.db.transaction() as db:
        context.account = await accounts.create_account(
            db, update.effective_user.id, Role(role), locale, context.now()
        )
    await commands.refresh_chat_commands(context, context.account)
    await show_main_menu(update, context, _next_step(context, Role(role)))


def _next_step(context: BotContext, role: Role) -> str:
    """Right after consent nothing is registered yet but the account: say what comes next."""
    if role is Role.VOLUNTEER:
        return context.t(
            "Thank you. Next, choose where you can help under “Go along with households”, "
            "or see the workshops. Questions to the caseworkers go through /ask."
        )
    return context.t(
        "Thank you. Next, tell us what flat you are looking for under “My housing search”: "
        "then flat offers that fit reach you here."
    )


def register(app: BotApp) -> None:
    app.add_handler(CommandHandler("start", on_start))
    for route, callback in (
        (LANGUAGE_LIST, on_language_list),
        (CHOOSE_LANGUAGE, on_language_chosen),
        (CHOOSE_ROLE, on_role_chosen),
        (CONSENT, on_consent),
    ):
        app.add_handler(route.handler(callback))
