"""Test doubles: a Bot API that records every call and refuses what Telegram would refuse."""

from __future__ import annotations

import asyncio
import itertools
import json
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from telegram.request import BaseRequest, RequestData

from sandbox.refusals import QUERY_TOO_OLD, edit_problems, html_to_text, inline_buttons, validate

BOT_ID = 4242
TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"  # the shape of BotFather's tokens
BOT_USER = {"id": BOT_ID, "is_bot": True, "first_name": "Auszug", "username": "auszug_test_bot"}


class FakeClock:
    def __init__(self, start: datetime | None = None) -> None:
        self.moment = start or datetime(2026, 11, 25, 11, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.moment

    def advance(self, delta: timedelta) -> None:
        self.moment += delta

    async def sleep(self, seconds: float) -> None:
        """Stands in for asyncio.sleep: time passes at once, tasks still take turns."""
        await asyncio.sleep(0)  # what was started before the sleep runs at the current time
        self.advance(timedelta(seconds=seconds))
        await asyncio.sleep(0)


@dataclass
class Call:
    endpoint: str
    params: dict[str, Any]
    at: datetime | None = None  # the fake clock's time of the request, if the fake has one
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)  # name → (filename, data)
    message_id: int | None = None  # of the message sent or edited, once answered

    @property
    def text(self) -> str:
        return str(self.params.get("text") or self.params.get("caption") or "")

    @property
    def uploads(self) -> dict[str, bytes]:
        """Uploaded files by their file name."""
        return dict(self.files.values())

    @property
    def buttons(self) -> list[dict[str, Any]]:
        return inline_buttons(self.params)

    @property
    def callback_data(self) -> list[str]:
        return [b["callback_data"] for b in self.buttons if "callback_data" in b]


class Crash(asyncio.CancelledError):
    """Stands in for kill -9: the request reached Telegram, its sender never hears back.

    A CancelledError passes PTB's wrapping and ends the sending task without a result.
    """


# A scripted answer: (HTTP code, description, retry_after or None), or Crash: the process
# dies during this request, and no request goes out until the test sets `dead = False`.
Scripted = tuple[int, str, int | None] | Crash


class InProcessRequest(BaseRequest):
    """A Bot API in this process: nothing to open or close; subclasses answer do_request."""

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    @property
    def read_timeout(self) -> float | None:
        return 1.0


@dataclass
class RecordingRequest(InProcessRequest):
    """Answers like Telegram, records `(endpoint, parameters)` and keeps what it refused.

    `unreachable` answers every request to a chat with (code, description). `script` answers
    the next requests to a chat, one entry each, then normally again. With a `clock`, calls
    are stamped and a 429 is enforced like Telegram: any request before retry_after has
    passed is refused and counted in `invalid`. Like Telegram it keeps the messages it sent
    (`held`): an edit must fit what the message is (a text, or a file with a caption) and
    change something, and a button press is answered once. `failing` is the share of requests
    (any endpoint, seeded) answered 502 Bad Gateway without being carried out; they are kept
    in `failed`, not in `calls`.
    """

    calls: list[Call] = field(default_factory=list)
    invalid: list[str] = field(default_factory=list)
    unreachable: dict[int, tuple[int, str]] = field(default_factory=dict)
    script: dict[int, list[Scripted]] = field(default_factory=dict)
    clock: FakeClock | None = None
    paused_until: datetime | None = None
    dead: bool = False
    held: dict[tuple[int, int], Held] = field(default_factory=dict)  # (chat, message) → …
    answered: set[str] = field(default_factory=set)  # callback query ids: "too old" if again
    failing: float = 0.0
    failed: list[str] = field(default_factory=list)
    chance: random.Random = field(default_factory=lambda: random.Random(19))
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(100))

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        if self.dead:
            raise Crash
        endpoint = url.rsplit("/", 1)[-1]
        if self.failing and self.chance.random() < self.failing:
            self.failed.append(endpoint)
            return _error(502, "Bad Gateway")
        params = request_data.parameters if request_data else {}
        now = self.clock() if self.clock else None
        call = Call(endpoint, params, now, _files(request_data))
        if endpoint != "getUpdates":
            self.calls.append(call)
        problems = validate(endpoint, params) + self._refused_by_state(endpoint, params)
        if problems:
            self.invalid.extend(f"{endpoint}: {problem}" for problem in problems)
            return _error(400, "Bad Request: " + "; ".join(problems))
        if now is not None and self.paused_until is not None and now < self.paused_until:
            self.invalid.append(f"{endpoint}: sent during a 429 pause")
            return _flood(self.paused_until - now)
        chat_id = params.get("chat_id")
        if isinstance(chat_id, int) and chat_id in self.unreachable:
            return _error(*self.unreachable[chat_id])
        if isinstance(chat_id, int) and self.script.get(chat_id):
            return self._scripted(self.script[chat_id].pop(0), now)
        result = self._result(endpoint, params)
        if isinstance(result, dict):
            call.message_id = result.get("message_id")
        return 200, json.dumps({"ok": True, "result": result}).encode()

    def _refused_by_state(self, endpoint: str, params: dict[str, Any]) -> list[str]:
        if endpoint == "answerCallbackQuery":
            query_id = str(params.get("callback_query_id"))
            if query_id in self.answered:
                return [QUERY_TOO_OLD]
            self.answered.add(query_id)
            return []
        held = self.held.get(_message_key(params))
        if not endpoint.startswith("edit") or held is None:
            return []  # a message the tests made up: any edit fits it
        body = held.body if endpoint == "editMessageReplyMarkup" else _body(params)
        unchanged = (held.body, held.markup) == (body, _inline_markup(params))
        return edit_problems(endpoint, has_file=held.has_file, unchanged=unchanged)

    def _scripted(self, answer: Scripted, now: datetime | None) -> tuple[int, bytes]:
        if isinstance(answer, Crash):
            self.dead = True
            raise answer
        code, description, retry_after = answer
        if retry_after is None:
            return _error(code, description)
        if now is not None:
            self.paused_until = now + timedelta(seconds=retry_after)
        return _flood(timedelta(seconds=retry_after))

    def _result(self, endpoint: str, params: dict[str, Any]) -> Any:
        if endpoint == "getMe":
            return BOT_USER
        if endpoint == "getUpdates":
            return []
        if endpoint == "sendMediaGroup":
            chat = {"chat_id": params.get("chat_id", 1)}
            return [self._message("sendPhoto", {**item, **chat}) for item in params["media"]]
        if endpoint.startswith(("send", "edit")):
            return self._message(endpoint, params)
        return True

    def _message(self, endpoint: str, params: dict[str, Any]) -> dict[str, Any]:
        """The message as Telegram holds it after this request, kept in `held`."""
        key = _message_key(params)
        before = self.held.get(key)
        message: dict[str, Any] = {
            "message_id": key[1] or next(self._ids),
            "date": int(datetime.now(UTC).timestamp()),
            "chat": {"id": key[0], "type": "private"},
            "from": BOT_USER,
        }
        file_id = f"file-{message['message_id']}"
        if before is not None and before.has_file:
            message.update(
                {k: before.message[k] for k in ("document", "photo") if k in before.message}
            )
        elif endpoint == "sendDocument" or (endpoint == "editMessageCaption" and before is None):
            message["document"] = {"file_id": file_id, "file_unique_id": file_id}
        elif endpoint == "sendPhoto":
            size = {"file_id": file_id, "file_unique_id": file_id, "width": 9, "height": 9}
            message["photo"] = [size]
        body = before.body if before and endpoint == "editMessageReplyMarkup" else _body(params)
        shown = html_to_text(body) if params.get("parse_mode") == "HTML" else body
        if shown:
            message["caption" if "document" in message or "photo" in message else "text"] = shown
        markup = _inline_markup(params)
        if markup is not None:
            message["reply_markup"] = markup
        self.held[(key[0], message["message_id"])] = Held(message, body, markup)
        return message

    # What tests read.
    def sent(self) -> list[Call]:
        """Messages shown to users: new ones and edited ones, in order."""
        shown = ("sendMessage", "editMessageText", "editMessageCaption")
        return [c for c in self.calls if c.endpoint in shown]

    def last(self) -> Call:
        return self.sent()[-1]

    def answers(self) -> list[Call]:
        return [c for c in self.calls if c.endpoint == "answerCallbackQuery"]

    def clear(self) -> None:
        self.calls.clear()


@dataclass
class Held:
    """A message as Telegram keeps it: what the bot gets in a button press, and what an edit
    is compared with (the text or caption as sent, the inline keyboard)."""

    message: dict[str, Any]
    body: str
    markup: dict[str, Any] | None

    @property
    def has_file(self) -> bool:
        return "document" in self.message or "photo" in self.message


def _message_key(params: dict[str, Any]) -> tuple[int, int]:
    """(chat, message) an edit names; a new message has 0 until it gets its id."""
    chat_id = params.get("chat_id", 1)
    return int(chat_id) if str(chat_id).lstrip("-").isdigit() else 1, int(
        params.get("message_id") or 0
    )


def _body(params: dict[str, Any]) -> str:
    return str(params.get("text") or params.get("caption") or "")


def _inline_markup(params: dict[str, Any]) -> dict[str, Any] | None:
    markup = params.get("reply_markup") or None
    if isinstance(markup, str):
        markup = json.loads(markup)
    return markup if markup and "inline_keyboard" in markup else None


def _files(request_data: RequestData | None) -> dict[str, tuple[str, bytes]]:
    """Uploaded files (a document, a photo) as (filename, content) by field name."""
    multipart = request_data.multipart_data if request_data else None
    return {name: (part[0], part[1]) for name, part in (multipart or {}).items()}


def _error(code: int, description: str) -> tuple[int, bytes]:
    return code, json.dumps({"ok": False, "error_code": code, "description": description}).encode()


def _flood(wait: timedelta) -> tuple[int, bytes]:
    seconds = max(1, round(wait.total_seconds()))
    body = {
        "ok": False,
        "error_code": 429,
        "description": f"Too Many Requests: retry after {seconds}",
        "parameters": {"retry_after": seconds},
    }
    return 429, json.dumps(body).encode()


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file's bytes and modification time, and every folder's time, under `folder`."""
    return {
        str(p): (b"" if p.is_dir() else p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
    }


def max_in_window(moments: list[Any], window: Any = timedelta(seconds=1)) -> int:
    """The most moments that fall into any half-open window [t, t + window).

    Datetimes with a timedelta window, or seconds (floats) with a float window.
    """
    ordered, most, first = sorted(moments), 0, 0
    for last, moment in enumerate(ordered):
        while ordered[first] + window <= moment:
            first += 1
        most = max(most, last - first + 1)
    return most


_update_ids = itertools.count(1)


def user(user_id: int = 111, lang: str | None = "en", first_name: str = "Olena") -> dict[str, Any]:
    data: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name}
    if lang is not None:
        data["language_code"] = lang
    return data


def message_update(text: str | None = None, *, user_id: int = 111, lang: str | None = "en",
                   chat_type: str = "private", first_name: str = "Olena",
                   **content: Any) -> dict[str, Any]:  # fmt: skip
    """A new message; `text` starting with / becomes a command. Other content via kwargs."""
    message: dict[str, Any] = {
        "message_id": next(_update_ids),
        "date": int(datetime.now(UTC).timestamp()),
        "chat": {"id": user_id if chat_type == "private" else -1000 - user_id, "type": chat_type},
        "from": user(user_id, lang, first_name),
        **content,
    }
    if text is not None:
        message["text"] = text
        if text.startswith("/"):
            length = len(text.split()[0])
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
    return {"update_id": next(_update_ids), "message": message}


def callback_update(data: str, *, user_id: int = 111, lang: str | None = "en",
                    message_id: int = 77,
                    first_name: str = "Olena") -> dict[str, Any]:  # fmt: skip
    """A press of a button on a text message; Harness.press puts in the message as it is."""
    return {
        "update_id": next(_update_ids),
        "callback_query": {
            "id": str(next(_update_ids)),
            "from": user(user_id, lang, first_name),
            "chat_instance": "ci",
            "data": data,
            "message": {
                "message_id": message_id,
                "date": int(datetime.now(UTC).timestamp()),
                "chat": {"id": user_id, "type": "private"},
                "from": BOT_USER,
                "text": "earlier message",
                # A press comes from a message that shows the button.
                "reply_markup": {"inline_keyboard": [[{"text": "…", "callback_data": data}]]},
            },
        },
    }
