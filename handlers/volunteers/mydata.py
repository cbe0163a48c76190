"""/mydata's parts for volunteers: workshop places, the volunteer profile and the questions
to caseworkers with their answers.
"""

from __future__ import annotations

from bot.context import BotApp, BotContext
from bot.features import add_mydata_part
from domain.accounts import Account
from handlers.common.data_lines import at, block, typed
from handlers.volunteers.profile import summary
from storage import profiles
from storage.personal_data import Export, Record


def _workshop_line(context: BotContext, row: Record) -> str:
    registered = row["seat"] == "registered"
    text = (
        context.t("{date}: {title}. You have a place, under the name {name}.")
        if registered
        else context.t("{date}: {title}. You are on the waitlist, under the name {name}.")
    )
    i18n = context.i18n
    return text.format(
        date=at(i18n, row["starts_at"]),
        title=typed(i18n, row["title"]),
        name=typed(i18n, row["first_name"]),
    )


async def workshop_places(context: BotContext, account: Account, export: Export) -> list[str]:
    lines = [_workshop_line(context, row) for row in export["workshop_places"]]
    return block(context.t("Workshops:"), lines)


async def profile(context: BotContext, account: Account, export: Export) -> list[str]:
    if not export["volunteer_profile"]:
        return []
    saved = await profiles.get_profile(context.db, account.id)
    return ["\n".join((context.t("Your volunteer profile:"), summary(context, saved)))]


async def questions(context: BotContext, account: Account, export: Export) -> list[str]:
    t, i18n = context.t, context.i18n
    paragraphs = []
    for ticket in export["questions"]:
        lines = [
            t("Question of {date} to {carrier}: {question}").format(
                date=at(i18n, ticket["created_at"]),
                carrier=typed(i18n, ticket["carrier"]) if ticket["carrier"] else t("all carriers"),
                question=typed(i18n, ticket["question"]),
            )
        ]
        if ticket["household"]:
            name = typed(i18n, ticket["household"])
            lines.append(t("About the household of: {name}").format(name=name))
        for message in export["question_messages"]:
            if message["ticket_id"] != ticket["id"]:
                continue
            text = (
                t("Answer of {date}: {text}")
                if message["author"] == "staff"
                else t("Your reply of {date}: {text}")
            )
            lines.append(
                text.format(date=at(i18n, message["sent_at"]), text=typed(i18n, message["body"]))
            )
        paragraphs.append("\n".join(lines))
    return block(t("Your questions to caseworkers:"), paragraphs)


def register(app: BotApp) -> None:
    add_mydata_part(app, "workshop_places", workshop_places)
    add_mydata_part(app, "profile", profile)
    add_mydata_part(app, "questions", questions)
