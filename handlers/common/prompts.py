"""The typed answers our flows wait for: one open question per user, in the database.

A flow asks with `prompts.ask` (storage) and registers a TextFlow whose `waiting` is
`waiting_for(its kinds)`; handlers/common/text_input.py then hands it the user's next text.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection
from datetime import datetime

from bot.context import BotContext
from domain.prompts import Prompt, PromptKind
from storage import prompts


async def current(context: BotContext, kinds: Collection[PromptKind]) -> Prompt | None:
    """The user's open question if it is one of `kinds`."""
    account = context.account
    if account is None:
        return None
    prompt = await prompts.get_prompt(context.db, account.id)
    return prompt if prompt is not None and prompt.kind in kinds else None


def waiting_for(
    kinds: Collection[PromptKind],
) -> Callable[[BotContext], Awaitable[datetime | None]]:
    async def waiting(context: BotContext) -> datetime | None:
        prompt = await current(context, kinds)
        return prompt.asked_at if prompt else None

    return waiting


async def clear(context: BotContext) -> None:
    """Nothing waits for the user's typed text any more (/cancel, or the question answered)."""
    if context.account is not None:
        async with context.db.transaction() as db:
            await prompts.clear_prompt(db, context.account.id)
