"""Nothing a user sent is lost: updates are journaled before Telegram is told they arrived."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from telegram import Update

from bot.app import build_application
from bot.context import BotApp
from bot.limits import UPDATE_IDS_KEPT
from bot.settings import Settings
from sandbox.bot_api import SANDBOX_TOKEN, BotApi
from sandbox.run import polling, serving
from sandbox.web import make_web_app
from tests.conftest import Harness
from tests.fakes import Call, Crash, message_update

USERS = range(501, 506)


def typed(harness: Harness, text: str, user_id: int) -> Update:
    return Update.de_json(message_update(text, user_id=user_id), harness.app.bot)


async def receive(harness: Harness, *updates: Update) -> None:
    """What the Updater does with a fetched batch, and the webhook before it answers 200."""
    for update in updates:
        await harness.app.update_queue.put(update)


async def handle_queued(harness: Harness) -> None:
    """The application's update fetcher handles everything queued, then stops."""
    await harness.app.start()
    await harness.app.stop()


def replies(harness: Harness, user_id: int) -> list[Call]:
    return [call for call in harness.rec.sent() if call.params.get("chat_id") == user_id]


def requests_to(harness: Harness, user_id: int) -> list[Call]:
    return [call for call in harness.rec.calls if call.params.get("chat_id") == user_id]


async def journal(harness: Harness) -> list[tuple[int, bool, bool]]:
    """(update_id, has content, handled) of every journal row."""
    return await harness.rows(
        "SELECT update_id, body IS NOT NULL, handled_at IS NOT NULL FROM update_journal"
        " ORDER BY update_id"
    )


async def test_updates_received_before_a_crash_are_answered_after_the_restart_once_each(
    harness: Harness,
):
    updates = [typed(harness, "/start", user_id) for user_id in USERS]
    await receive(harness, *updates)
    assert await journal(harness) == [(u.update_id, True, False) for u in updates]

    await harness.restart()  # the process died before handling any of them
    assert harness.rec.sent() == []
    await handle_queued(harness)

    for user_id in USERS:
        [answer] = replies(harness, user_id)
        assert answer.callback_data[0] == "lg:en"  # the answer to /start: the language
    assert await journal(harness) == [(u.update_id, False, True) for u in updates]


async def test_an_update_telegram_sends_again_is_handled_once(harness: Harness):
    update = typed(harness, "/start", 501)
    await receive(harness, update, update)  # the batch was not confirmed: it comes again
    await handle_queued(harness)
    await harness.restart()
    await receive(harness, Update.de_json(update.to_dict(), harness.app.bot))
    await handle_queued(harness)

    assert len(replies(harness, 501)) == 1
    assert await journal(harness) == [(update.update_id, False, True)]


async def test_an_update_whose_handler_failed_is_not_handled_again(harness: Harness):
    harness.rec.unreachable[501] = (403, "Forbidden: bot was blocked by the user")
    await receive(harness, typed(harness, "/start", 501))
    await handle_queued(harness)  # the handler raised, the error handler ran
    attempts = len(requests_to(harness, 501))
    assert attempts > 0

    await harness.restart()
    await handle_queued(harness)

    assert len(requests_to(harness, 501)) == attempts
    assert [handled for _, _, handled in await journal(harness)] == [True]


async def test_an_update_interrupted_halfway_is_handled_again_after_the_restart(
    harness: Harness,
):
    harness.rec.script[501] = [Crash()]  # the answer reaches Telegram, then the process dies
    await receive(harness, typed(harness, "/start", 501))
    with pytest.raises(asyncio.CancelledError):
        await harness.app.process_update(harness.app.update_queue.get_nowait())
    harness.rec.dead = False

    await harness.restart()
    await handle_queued(harness)

    assert len(replies(harness, 501)) == 2  # at least once: the one in flight comes twice
    assert [handled for _, _, handled in await journal(harness)] == [True]


async def test_a_handled_update_keeps_only_its_id_and_that_for_a_day(harness: Harness):
    first = typed(harness, "/start", 501)
    await receive(harness, first)
    await handle_queued(harness)
    assert await journal(harness) == [(first.update_id, False, True)]

    harness.clock.advance(UPDATE_IDS_KEPT - timedelta(minutes=1))
    await receive(harness, first)  # still recognised
    second = typed(harness, "/start", 502)
    await receive(harness, second)
    await handle_queued(harness)
    assert len(replies(harness, 501)) == 1
    assert [row[0] for row in await journal(harness)] == [first.update_id, second.update_id]

    harness.clock.advance(timedelta(minutes=2))
    third = typed(harness, "/start", 503)
    await receive(harness, third)
    await handle_queued(harness)
    assert await journal(harness) == [
        (second.update_id, False, True),
        (third.update_id, False, True),
    ]


async def test_updates_handled_directly_leave_no_journal_rows(harness: Harness):
    await harness.send("/start")
    assert await journal(harness) == []


async def test_polling_confirms_updates_only_once_they_are_journaled(tmp_path: Path):
    api = BotApi([])
    users = [{"id": user_id, "is_bot": False, "first_name": "Olena"} for user_id in USERS]
    async with serving(make_web_app(api, ()), port=0) as url:
        settings = Settings.from_env(
            {
                "BOT_TOKEN": SANDBOX_TOKEN,
                "TELEGRAM_BASE_URL": f"{url}/bot",
                "DATABASE_PATH": str(tmp_path / "bot.sqlite3"),
            }
        )
        for user in users:
            await api.user_sends(user, "/start")
        sent = [update["update_id"] for update in api.updates]
        app = build_application(settings)
        journaled_at_confirmation = await _crash_after_confirmation(app, api, sent[-1])
        assert journaled_at_confirmation == sent
        assert api.updates == []  # Telegram will not send them again
        assert all(len(api.chats[user["id"]].messages) == 1 for user in users)  # unanswered

        async with polling(build_application(settings)):
            answered = await api.wait_for(
                lambda: all(len(api.chats[user["id"]].messages) > 1 for user in users), 10
            )
    assert answered, "the updates left by the crash were not handled within 10 seconds"
    assert all(len(api.chats[user["id"]].messages) == 2 for user in users)  # each answered once
    assert api.refused == []


async def _crash_after_confirmation(app: BotApp, api: BotApi, last_update_id: int) -> list[int]:
    """Polls without handling until Telegram hears the batch arrived; the journal's ids then."""
    confirmed = asyncio.Event()
    journaled: list[int] = []
    answer = api.call

    async def call(method: str, params: dict[str, Any]) -> Any:
        offset = int(params.get("offset") or 0)
        if method == "getUpdates" and offset > last_update_id and not confirmed.is_set():
            async with app.bot_data.db.conn.execute("SELECT update_id FROM update_journal") as cur:
                journaled.extend(row[0] for row in await cur.fetchall())
            confirmed.set()
        return await answer(method, params)

    api.call = call  # type: ignore[method-assign]
    assert app.post_init and app.post_stop and app.post_shutdown and app.updater
    await app.initialize()
    await app.post_init(app)
    try:
        await app.updater.start_polling(poll_interval=0)  # the application does not handle them
        await asyncio.wait_for(confirmed.wait(), 10)
        await app.updater.stop()
        await app.post_stop(app)
    finally:
        await app.shutdown()
        await app.post_shutdown(app)
        api.call = answer  # type: ignore[method-assign]
    return journaled


async def test_the_webhook_answers_200_only_once_the_update_is_journaled(
    harness: Harness, tmp_path: Path
):
    assert harness.app.updater is not None
    socket_path = tmp_path / "webhook.sock"
    await harness.app.updater.start_webhook(
        url_path="hook", webhook_url="https://bot.example.org/hook", unix=socket_path
    )
    update = message_update("/start", user_id=501)
    try:
        async with httpx.AsyncClient(
            transport=httpx.AsyncHTTPTransport(uds=str(socket_path))
        ) as client:
            for _ in range(2):  # Telegram sends it again when it missed the first 200
                response = await client.post("http://bot/hook", json=update)
                assert response.status_code == 200
                assert await journal(harness) == [(update["update_id"], True, False)]
    finally:
        await harness.app.updater.stop()
    await handle_queued(harness)

    assert len(replies(harness, 501)) == 1
    assert await journal(harness) == [(update["update_id"], False, True)]
