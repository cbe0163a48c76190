"""The sandbox: its Bot API stand-in answers like Telegram, and the real bot runs against it."""

from __future__ import annotations

import asyncio
import html
from collections.abc import AsyncIterator
from datetime import time
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from hypothesis import given
from hypothesis import strategies as st
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)
from telegram.error import BadRequest

import bot.__main__
from bot.limits import MAX_CALLBACK_DATA, MAX_TEXT_LENGTH
from bot.settings import has_token
from domain.pacing import QuietHours
from sandbox.bot_api import BOT_USER, SANDBOX_TOKEN, BotApi, ChatMessage, Upload
from sandbox.personas import ADMIN, PERSONAS
from sandbox.refusals import html_errors, html_to_text
from sandbox.run import Sandbox, quiet_hours_note, running_sandbox, sandbox_settings, serving
from sandbox.web import make_web_app

PERSONA = {persona.key: persona for persona in PERSONAS}
SEEKER_UK, CARITAS, DRK = PERSONA["seeker-uk"], PERSONA["staff-caritas"], PERSONA["staff-drk"]
WAIT = 10  # seconds before a test gives up waiting for the bot; never reached when it works


def bot_messages(api: BotApi, user_id: int) -> list[ChatMessage]:
    return [m for m in api.chats[user_id].messages.values() if m.from_bot]


def last_buttons(api: BotApi, user_id: int) -> list[str]:
    messages = bot_messages(api, user_id)
    return button_data(messages[-1]) if messages else []


def button_data(message: ChatMessage) -> list[str]:
    rows = (message.inline_markup or {}).get("inline_keyboard", [])
    return [button.get("callback_data") for row in rows for button in row]


class StandIn:
    """The stand-in on a free loopback port, with a raw HTTP client and a PTB Bot for it."""

    def __init__(self, api: BotApi, url: str, http: aiohttp.ClientSession, bot: Bot) -> None:
        self.api, self.url, self.http, self.bot = api, url, http, bot

    async def call(self, method: str, token: str = SANDBOX_TOKEN, **params: Any) -> Any:
        async with self.http.post(f"{self.url}/bot{token}/{method}", json=params) as response:
            return response.status, await response.json()


@pytest.fixture
async def stand_in() -> AsyncIterator[StandIn]:
    api = BotApi(persona.telegram_user() for persona in PERSONAS)
    async with (
        serving(make_web_app(api, PERSONAS), port=0) as url,
        aiohttp.ClientSession() as http,
        Bot(SANDBOX_TOKEN, base_url=f"{url}/bot", base_file_url=f"{url}/file/bot") as bot,
    ):
        yield StandIn(api, url, http, bot)


@pytest.fixture
async def sandbox(tmp_path: Path) -> AsyncIterator[Sandbox]:
    async with running_sandbox({}, tmp_path / "sandbox.sqlite3") as running:
        yield running


# Telegram's answers and errors, on the wire.


async def test_send_message_answers_with_the_message(stand_in: StandIn):
    status, answer = await stand_in.call(
        "sendMessage", chat_id=SEEKER_UK.user_id, text="<b>Hi</b>", parse_mode="HTML"
    )
    assert status == 200 and answer["ok"] is True
    assert answer["result"]["text"] == "Hi"
    assert answer["result"]["chat"]["id"] == SEEKER_UK.user_id


@pytest.mark.parametrize(
    ("params", "description"),
    [
        ({"text": "x" * (MAX_TEXT_LENGTH + 1)}, "Bad Request: message is too long"),
        ({"text": ""}, "Bad Request: message text is empty"),
        (
            {"text": "<div>x</div>", "parse_mode": "HTML"},
            'Bad Request: can\'t parse entities: Unsupported start tag "div" at byte offset 0',
        ),
        (
            {"text": "ü <b>x", "parse_mode": "HTML"},
            "Bad Request: can't parse entities: Can't find end tag corresponding to start "
            'tag "b"',
        ),
        (
            {"text": "ü <b>x</i>", "parse_mode": "HTML"},
            "Bad Request: can't parse entities: Unmatched end tag at byte offset 7, "
            'expected "</b>", found "</i>"',
        ),
        (
            {
                "text": "x",
                # 33 two-byte letters: 66 bytes, though only 33 characters
                "reply_markup": {"inline_keyboard": [[{"text": "x", "callback_data": "ä" * 33}]]},
            },
            "Bad Request: BUTTON_DATA_INVALID",
        ),
    ],
)
async def test_what_telegram_refuses_gets_telegrams_error(
    stand_in: StandIn, params: dict[str, Any], description: str
):
    status, answer = await stand_in.call("sendMessage", chat_id=SEEKER_UK.user_id, **params)
    assert status == 400
    assert answer == {"ok": False, "error_code": 400, "description": description}
    assert len(stand_in.api.refused) == 1


async def test_the_limits_themselves_are_accepted(stand_in: StandIn):
    button = {"text": "x", "callback_data": "ä" * (MAX_CALLBACK_DATA // 2)}
    status, _ = await stand_in.call(
        "sendMessage",
        chat_id=SEEKER_UK.user_id,
        text="x" * MAX_TEXT_LENGTH,
        reply_markup={"inline_keyboard": [[button]]},
    )
    assert status == 200
    assert stand_in.api.refused == []


async def test_unknown_chat_wrong_token_and_unknown_method(stand_in: StandIn):
    assert await stand_in.call("sendMessage", chat_id=1, text="x") == (
        400,
        {"ok": False, "error_code": 400, "description": "Bad Request: chat not found"},
    )
    status, answer = await stand_in.call("getMe", token="1:wrong")
    assert (status, answer["description"]) == (401, "Unauthorized")
    status, answer = await stand_in.call("sendTelepathy")
    assert (status, answer["description"]) == (404, "Not Found")


async def test_ptb_sees_the_errors_as_telegram_errors(stand_in: StandIn):
    with pytest.raises(BadRequest, match="Message is too long"):
        await stand_in.bot.send_message(SEEKER_UK.user_id, "x" * (MAX_TEXT_LENGTH + 1))
    sent = await stand_in.bot.send_message(SEEKER_UK.user_id, "Hi")
    with pytest.raises(BadRequest, match="not modified"):
        await stand_in.bot.edit_message_text("Hi", SEEKER_UK.user_id, sent.message_id)
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await stand_in.bot.edit_message_text("Hi", SEEKER_UK.user_id, 999_999)
    with pytest.raises(BadRequest, match="Query is too old"):
        await stand_in.bot.answer_callback_query("no-such-query")


async def test_a_file_has_a_caption_to_edit_and_no_text(stand_in: StandIn):
    calendar = InputFile(b"BEGIN:VCALENDAR", filename="termin.ics")
    sent = await stand_in.bot.send_document(SEEKER_UK.user_id, calendar, caption="📅 Termin")
    with pytest.raises(BadRequest, match="no text in the message to edit"):
        await stand_in.bot.edit_message_text("New", SEEKER_UK.user_id, sent.message_id)
    edited = await stand_in.bot.edit_message_caption(
        SEEKER_UK.user_id, sent.message_id, caption="New"
    )
    assert isinstance(edited, Message) and edited.caption == "New" and edited.document
    text = await stand_in.bot.send_message(SEEKER_UK.user_id, "Hi")
    with pytest.raises(BadRequest, match="no caption in the message to edit"):
        await stand_in.bot.edit_message_caption(SEEKER_UK.user_id, text.message_id, caption="x")


async def test_long_polling_hands_out_updates_until_confirmed(stand_in: StandIn):
    await stand_in.api.user_sends(SEEKER_UK.telegram_user(), "/start")
    first = await stand_in.bot.get_updates(timeout=0)
    assert [u.message.text for u in first if u.message] == ["/start"]
    assert first[0].message.entities[0].type == "bot_command"
    assert len(await stand_in.bot.get_updates(timeout=0)) == 1  # not yet confirmed
    assert await stand_in.bot.get_updates(offset=first[0].update_id + 1, timeout=0) == ()


async def test_a_button_press_reaches_the_bot_and_its_answer_the_page(stand_in: StandIn):
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Yes", callback_data="cs:yes")]])
    sent = await stand_in.bot.send_message(SEEKER_UK.user_id, "Agree?", reply_markup=markup)
    with pytest.raises(LookupError):  # only buttons the bot sent can be pressed
        await stand_in.api.user_presses(SEEKER_UK.user_id, sent.message_id, "cs:forged")
    await stand_in.api.user_presses(SEEKER_UK.user_id, sent.message_id, "cs:yes")
    (update,) = await stand_in.bot.get_updates(timeout=0)
    assert update.callback_query.data == "cs:yes"
    assert update.callback_query.message.text == "Agree?"
    await stand_in.bot.answer_callback_query(update.callback_query.id, "This button has expired.")
    notice = stand_in.api.chat_view(SEEKER_UK.telegram_user())["notice"]
    assert (notice["text"], notice["alert"]) == ("This button has expired.", False)
    await stand_in.api.user_presses(SEEKER_UK.user_id, sent.message_id, "cs:yes")
    (_, again) = await stand_in.bot.get_updates(timeout=0)
    await stand_in.bot.answer_callback_query(again.callback_query.id, "Saved.", show_alert=True)
    # Each answer has its own id: the page shows an alert once, however often it re-renders.
    shown = stand_in.api.chat_view(SEEKER_UK.telegram_user())["notice"]
    assert shown["alert"] and shown["id"] != notice["id"]


async def test_documents_can_be_downloaded_and_text_files_viewed(stand_in: StandIn):
    calendar = b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"
    await stand_in.bot.send_document(
        SEEKER_UK.user_id, InputFile(calendar, filename="Sprechstunde.ics"), caption="<b>Hi</b>"
    )
    (message,) = stand_in.api.chat_view(SEEKER_UK.telegram_user())["messages"]
    assert message["file"]["name"] == "Sprechstunde.ics"
    assert message["file"]["mime_type"] == "text/calendar"
    assert message["body"] == "<b>Hi</b>"
    async with stand_in.http.get(stand_in.url + message["file"]["url"]) as viewed:
        assert await viewed.read() == calendar
        assert viewed.content_type == "text/plain"
        assert viewed.headers["Content-Disposition"].startswith("inline")
    async with stand_in.http.get(stand_in.url + message["file"]["url"] + "?download=1") as saved:
        assert saved.content_type == "text/calendar"
        assert saved.headers["Content-Disposition"].startswith("attachment")


async def test_the_command_menu_follows_telegrams_order_of_scopes(stand_in: StandIn):
    await stand_in.bot.set_my_commands([BotCommand("start", "Start")])
    await stand_in.bot.set_my_commands([BotCommand("start", "Почати")], language_code="uk")
    assert stand_in.api.menu_commands(SEEKER_UK.telegram_user())[0]["description"] == "Почати"
    assert stand_in.api.menu_commands(CARITAS.telegram_user())[0]["description"] == "Start"
    await stand_in.bot.set_my_commands(
        [BotCommand("staff", "Staff menu")], scope=BotCommandScopeChat(CARITAS.user_id)
    )
    assert stand_in.api.menu_commands(CARITAS.telegram_user())[0]["command"] == "staff"
    await stand_in.bot.delete_my_commands(scope=BotCommandScopeChat(CARITAS.user_id))
    assert stand_in.api.menu_commands(CARITAS.telegram_user())[0]["command"] == "start"


async def test_the_page_and_its_api(stand_in: StandIn):
    async with stand_in.http.get(stand_in.url + "/") as page:
        assert "Content-Security-Policy" in page.headers
        assert "/static/app.js" in await page.text()
    async with stand_in.http.get(stand_in.url + "/api/personas") as personas:
        assert {p["key"] for p in await personas.json()} >= {"seeker-uk", "seeker-ar"}
    chat = f"{stand_in.url}/api/chats/seeker-uk"
    async with stand_in.http.post(chat + "/messages", json={"text": "  "}) as empty:
        assert empty.status == 400
    async with stand_in.http.post(chat + "/presses", json={"message_id": 1}) as bad:
        assert bad.status == 404
    async with stand_in.http.get(f"{stand_in.url}/api/chats/nobody") as nobody:
        assert nobody.status == 404


@given(st.text())
def test_escaped_text_is_valid_telegram_html_and_reads_as_itself(text: str):
    escaped = html.escape(text)
    assert html_errors(f"<b>{escaped}</b>") == []
    assert html_to_text(f"<b>{escaped}</b>") == text


# The real bot in the sandbox.


async def test_staff_personas_are_staff_and_the_admin_persona_is_admin(sandbox: Sandbox):
    assert sandbox.app.bot_data.settings.admin_ids == frozenset({ADMIN.user_id})
    await sandbox.api.user_sends(CARITAS.telegram_user(), "/staff")
    assert await sandbox.api.wait_for(
        lambda: bool(bot_messages(sandbox.api, CARITAS.user_id)), WAIT
    )
    assert "Caritas" in bot_messages(sandbox.api, CARITAS.user_id)[0].body
    assert sandbox.api.refused == []


async def test_the_caritas_persona_finds_a_demo_listing_ready_to_publish(sandbox: Sandbox):
    await sandbox.api.user_sends(CARITAS.telegram_user(), "/listing")
    assert await sandbox.api.wait_for(
        lambda: "ld:1:publish" in last_buttons(sandbox.api, CARITAS.user_id), WAIT
    )
    assert "Kalk" in bot_messages(sandbox.api, CARITAS.user_id)[-1].body
    assert sandbox.api.refused == []


async def test_the_stand_in_sends_an_album_of_stored_photos(sandbox: Sandbox):
    stored = await sandbox.api.store_file(Upload("flat.png", "image/png", b"\x89PNG"))
    album = [
        {"type": "photo", "media": stored.file_id, "caption": "Kalk"},
        {"type": "photo", "media": stored.file_id},
    ]
    sent = await sandbox.api.call("sendMediaGroup", {"chat_id": CARITAS.user_id, "media": album})
    assert [message["caption"] for message in sent[:1]] == ["Kalk"]
    assert all("photo" in message for message in sent) and len(sent) == 2


async def test_the_sandbox_database_survives_a_restart_and_seeding_twice(tmp_path: Path):
    database = tmp_path / "sandbox.sqlite3"
    user_id = SEEKER_UK.user_id
    async with running_sandbox({}, database) as first:
        api = first.api
        await api.user_sends(SEEKER_UK.telegram_user(), "/start")
        for data in ("lg:uk", "rl:seeker:uk", "cs:yes:seeker:uk"):
            assert await api.wait_for(lambda d=data: d in last_buttons(api, user_id), WAIT)
            await api.user_presses(user_id, bot_messages(api, user_id)[-1].message_id, data)
        assert await api.wait_for(lambda: "mn:help" in last_buttons(api, user_id), WAIT)
    async with running_sandbox({}, database) as second:
        staff = "SELECT telegram_id FROM users JOIN staff_members ON user_id = users.id"
        assert sorted(await rows(second, staff)) == [(CARITAS.user_id,), (DRK.user_id,)]
        seeker = "SELECT role, locale FROM users WHERE telegram_id = ?"
        assert await rows(second, seeker, user_id) == [("seeker", "uk")]
        assert await rows(second, "SELECT quarter, status FROM listings") == [("Kalk", "draft")]
        # Demo consultation hours, once: 6 Sprechstunden, 4 weeks of 4 Beratung, 2 small ones.
        per_carrier = "SELECT carrier_id, count(*) FROM slots GROUP BY carrier_id"
        assert await rows(second, per_carrier) == [(1, 6), (2, 16), (3, 2)]
    assert first.api.refused == second.api.refused == []


async def rows(sandbox: Sandbox, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    async with sandbox.app.bot_data.db.conn.execute(sql, params) as cur:
        return [tuple(row) for row in await cur.fetchall()]


# `python -m bot` without a token.


def test_without_a_token_python_m_bot_opens_the_sandbox():
    assert not has_token({})
    assert not has_token({"BOT_TOKEN": "  "})
    assert has_token({"BOT_TOKEN": "123:abc"})


def test_a_bad_sandbox_port_stops_with_one_line(monkeypatch, capsys):
    monkeypatch.delenv("BOT_TOKEN", raising=False)
    monkeypatch.setenv("SANDBOX_PORT", "eighty")
    assert bot.__main__.main() == 2
    assert "SANDBOX_PORT must be a TCP port number" in capsys.readouterr().err


async def test_a_photo_sent_from_the_page_reaches_the_bot_as_a_photo(sandbox: Sandbox):
    form = aiohttp.FormData()
    form.add_field("file", b"\x89PNG\r\n\x1a\n", filename="pass.png", content_type="image/png")
    async with (
        aiohttp.ClientSession() as http,
        http.post(f"{sandbox.url}/api/chats/seeker-uk/files", data=form) as response,
    ):
        assert response.status == 200
    (sent,) = sandbox.api.chats[SEEKER_UK.user_id].messages.values()
    assert sent.telegram(sandbox.api.chats[SEEKER_UK.user_id])["photo"][0]["file_size"] == 8
    # Not registered yet: the bot leads the user back into /start, in their language.
    assert await sandbox.api.wait_for(lambda: "lg:uk" in last_buttons(sandbox.api, 7100001), WAIT)


async def test_reply_keyboards_show_until_removed_and_messages_can_be_deleted(stand_in: StandIn):
    user = SEEKER_UK.telegram_user()
    keyboard = ReplyKeyboardMarkup([["1", "2"], ["3"]], one_time_keyboard=True)
    sent = await stand_in.bot.send_message(SEEKER_UK.user_id, "How many?", reply_markup=keyboard)
    assert stand_in.api.chat_view(user)["keyboard"]["keyboard"][1] == [{"text": "3"}]
    await stand_in.api.user_sends(user, "3")
    assert stand_in.api.chat_view(user)["keyboard"] is None  # one-time keyboards hide
    await stand_in.bot.send_message(SEEKER_UK.user_id, "Again?", reply_markup=keyboard)
    await stand_in.bot.send_message(
        SEEKER_UK.user_id, "Thanks.", reply_markup=ReplyKeyboardRemove()
    )
    assert stand_in.api.chat_view(user)["keyboard"] is None
    assert await stand_in.bot.delete_message(SEEKER_UK.user_id, sent.message_id)
    texts = [m["body"] for m in stand_in.api.chat_view(user)["messages"]]
    assert texts == ["3", "Again?", "Thanks."]
    with pytest.raises(BadRequest, match="Message to delete not found"):
        await stand_in.bot.delete_message(SEEKER_UK.user_id, sent.message_id)


async def test_malformed_parameters_get_a_bad_request_not_a_crash(stand_in: StandIn):
    status, answer = await stand_in.call(
        "deleteMessage", chat_id=SEEKER_UK.user_id, message_id="x"
    )
    assert status == 400 and answer["description"].startswith("Bad Request: wrong parameters")


# Restarts: what Telegram would keep, the stand-in keeps.

PNG = b"\x89PNG\r\n\x1a\n"


async def test_chats_and_files_survive_a_restart_and_new_messages_still_arrive(tmp_path: Path):
    database, user = tmp_path / "sandbox.sqlite3", SEEKER_UK.telegram_user()
    async with running_sandbox({}, database) as first:
        await first.api.user_sends(user, "/start")
        assert await first.api.wait_for(lambda: "lg:uk" in last_buttons(first.api, 7100001), WAIT)
        photo = await first.app.bot.send_photo(
            SEEKER_UK.user_id, InputFile(PNG, filename="flat.png"), caption="Kalk"
        )
        before = first.api.chat_view(user)["messages"]
    async with running_sandbox({}, database) as second:
        assert second.api.chat_view(user)["messages"] == before
        # The file_id the bot stored (a listing's photo) still works.
        again = await second.app.bot.send_photo(SEEKER_UK.user_id, photo.photo[-1].file_id)
        assert (await again.photo[-1].get_file()).file_size == len(PNG)
        # New ids go on from the old ones, so the bot's update journal takes the new /start.
        await second.api.user_sends(user, "/start")
        assert await second.api.wait_for(lambda: len(language_questions(second.api)) == 2, WAIT)
        ids = [m["id"] for m in second.api.chat_view(user)["messages"]]
        assert ids == sorted(ids) and len(set(ids)) == len(ids)
    assert first.api.refused == second.api.refused == []


def language_questions(api: BotApi) -> list[ChatMessage]:
    return [m for m in bot_messages(api, SEEKER_UK.user_id) if "lg:uk" in button_data(m)]


async def test_deleting_the_database_starts_the_chats_afresh_too(tmp_path: Path):
    database, user = tmp_path / "sandbox.sqlite3", SEEKER_UK.telegram_user()
    async with running_sandbox({}, database) as first:
        await first.api.user_sends(user, "/start")
    database.unlink()
    async with running_sandbox({}, database) as second:
        assert second.api.chat_view(user)["messages"] == []


async def test_a_page_that_saw_another_run_gets_the_chat_at_once(sandbox: Sandbox):
    chat = f"{sandbox.url}/api/chats/seeker-uk"
    async with aiohttp.ClientSession() as http:
        async with http.get(chat) as fresh:
            state = await fresh.json()
        # A version far ahead, from the run before the restart: no waiting for a change.
        stale = http.get(chat, params={"after": str(state["version"] + 100), "run": "before"})
        async with asyncio.timeout(WAIT), stale as answer:
            assert (await answer.json())["run"] == state["run"] == sandbox.api.run


# Quiet hours: off in the sandbox unless asked for.


def test_the_sandbox_runs_without_quiet_hours_unless_quiet_hours_is_set(tmp_path: Path):
    url, database = "http://127.0.0.1:1", tmp_path / "sandbox.sqlite3"
    assert sandbox_settings({}, url, database).quiet_hours is None
    assert "Quiet hours are off" in quiet_hours_note(None)
    quiet = sandbox_settings({"QUIET_HOURS": "22:00-07:00"}, url, database).quiet_hours
    assert quiet == QuietHours(time(22), time(7))
    assert "arrive at 07:00" in quiet_hours_note(quiet)


async def test_the_page_tells_whether_quiet_hours_apply(tmp_path: Path):
    async with (
        running_sandbox({}, tmp_path / "sandbox.sqlite3") as running,
        aiohttp.ClientSession() as http,
        http.get(f"{running.url}/api/about") as answer,
    ):
        about = await answer.json()
    assert running.app.bot_data.settings.quiet_hours is None
    assert about == {"bot_username": BOT_USER["username"], "quiet_hours": quiet_hours_note(None)}
