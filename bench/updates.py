"""Updates per second through the full application vs. a bare PTB reply handler.

Both run in this process against the same in-memory Bot API (no network), so the ratio shows
what our layers cost (locale resolution, one database read, translation, keyboards), not the
machine. Run: python bench/updates.py [updates-per-round]
"""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
import time
from pathlib import Path

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CommandHandler

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.app import build_application
from domain.accounts import Role
from tests.conftest import make_settings
from tests.fakes import BOT_USER, InProcessRequest, callback_update, message_update

ROUNDS = 5
_MESSAGE = {"message_id": 1, "date": 0, "chat": {"id": 111, "type": "private"}, "from": BOT_USER}


class InstantRequest(InProcessRequest):
    """A Bot API that answers at once and checks nothing, so only the bot's own work counts."""

    async def do_request(self, url: str, *args: object, **kwargs: object) -> tuple[int, bytes]:
        endpoint = url.rsplit("/", 1)[-1]
        result = (
            BOT_USER if endpoint == "getMe" else _MESSAGE if endpoint == "sendMessage" else True
        )
        return 200, json.dumps({"ok": True, "result": result}).encode()


async def _rate(app: Application, updates: list[dict]) -> float:
    parsed = [Update.de_json(data, app.bot) for data in updates]
    started = time.perf_counter()
    for update in parsed:
        await app.process_update(update)
    return len(parsed) / (time.perf_counter() - started)


async def _bare_app(*, buttons: int) -> Application:
    """PTB's echo-style handler: no database, no translation; a keyboard of `buttons` buttons
    built per reply, one per row like our menu (none: text only)."""
    request = InstantRequest()
    app = Application.builder().token("4242:TEST").request(request).build()

    async def reply(update: Update, _context: object) -> None:
        assert update.effective_message is not None
        rows = [
            [InlineKeyboardButton(f"Item {i}", callback_data=f"it:{i}")] for i in range(buttons)
        ]
        markup = InlineKeyboardMarkup(rows) if rows else None
        await update.effective_message.reply_text("Hello", reply_markup=markup)

    app.add_handler(CommandHandler("start", reply))
    await app.initialize()
    return app


async def main(per_round: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        full = build_application(make_settings(Path(tmp)), request=InstantRequest())
        await full.initialize()
        await full.post_init(full)
        # A registered seeker, so /start reads the account once and shows the main menu.
        await full.process_update(Update.de_json(message_update("/start"), full.bot))
        await full.process_update(Update.de_json(callback_update("cs:yes:seeker:en"), full.bot))
        menu = [e for e in full.bot_data.menu_entries if Role.SEEKER in e.roles]
        size = len(menu) + 2  # the features' entries, then Help and Settings
        apps = {
            "bare reply, text only": await _bare_app(buttons=0),
            f"bare reply, same {size}-button keyboard": await _bare_app(buttons=size),
            "full application /start": full,
        }
        starts = [message_update("/start") for _ in range(per_round)]
        rates: dict[str, list[float]] = {name: [] for name in apps}
        for _ in range(ROUNDS):  # interleaved, so drift on a shared machine hits all alike
            for name, app in apps.items():
                rates[name].append(await _rate(app, starts))
        for app in apps.values():
            await app.shutdown()
        await full.post_shutdown(full)
    best = {name: max(values) for name, values in rates.items()}
    for name, rate in best.items():
        print(f"{name}: {rate:,.0f} updates/s (best of {ROUNDS} x {per_round})")
    for name in list(best)[:2]:
        ratio = best["full application /start"] / best[name]
        print(f"ratio full / {name}: {ratio:.2f} (goal >= 0.5)")


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000))
