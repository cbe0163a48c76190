"""Issue 3's "done when": the real Application in polling mode, over HTTP on loopback."""

from __future__ import annotations

from pathlib import Path

from bot.app import build_application
from bot.settings import Settings
from sandbox.bot_api import SANDBOX_TOKEN, BotApi
from sandbox.run import polling, serving
from sandbox.web import make_web_app

UKRAINIAN = {"id": 380_501, "is_bot": False, "first_name": "Olena", "language_code": "uk-UA"}


async def test_polling_bot_answers_start_from_a_ukrainian_user_in_ukrainian(tmp_path: Path):
    api = BotApi([])
    async with serving(make_web_app(api, ()), port=0) as url:
        settings = Settings.from_env(
            {
                "BOT_TOKEN": SANDBOX_TOKEN,
                "TELEGRAM_BASE_URL": f"{url}/bot",
                "DATABASE_PATH": str(tmp_path / "bot.sqlite3"),
            }
        )
        async with polling(build_application(settings)):
            await api.user_sends(UKRAINIAN, "/start")
            chat = api.chats[UKRAINIAN["id"]]
            answered = await api.wait_for(lambda: len(chat.messages) > 1, within=10)
    assert answered, "the bot did not answer /start within 10 seconds"
    reply = list(chat.messages.values())[-1]
    assert reply.from_bot and reply.html and "Продовжимо цією мовою?" in reply.body
    first_button = reply.inline_markup["inline_keyboard"][0][0]
    assert first_button == {"text": "✓ Українська", "callback_data": "lg:uk"}
    assert "uk" in {language for _, _, language in api.commands}  # its command menu, too
    assert api.refused == [], "the bot made requests Telegram would refuse"
