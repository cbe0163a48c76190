"""Test doubles: a Bot API that records every call and refuses what Telegram would refuse."""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from telegram.request import BaseRequest, RequestData

from sandbox.refusals import inline_buttons, validate

BOT_ID = 4242
BOT_USER = {"id": BOT_ID, "is_bot": True, "first_name": "Auszug", "username": "auszug_test_bot"}


class FakeClock:
    def __init__(self, start: datetime | None = None) -> None:
        self.moment = start or datetime(2026, 11, 25, 11, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.moment

    def advance(self, delta: timedelta) -> None:
        self.moment += delta


@dataclass
class Call:
    endpoint: str
    params: dict[str, Any]

    @property
    def text(self) -> str:
        return str(self.params.get("text") or self.params.get("caption") or "")

    @property
    def buttons(self) -> list[dict[str, Any]]:
        return inline_buttons(self.params)

    @property
    def callback_data(self) -> list[str]:
        return [b["callback_data"] for b in self.buttons if "callback_data" in b]


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
    """Answers like Telegram, records `(endpoint, parameters)` and keeps what it refused."""

    calls: list[Call] = field(default_factory=list)
    invalid: list[str] = field(default_factory=list)
    unreachable: dict[int, tuple[int, str]] = field(default_factory=dict)
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
        endpoint = url.rsplit("/", 1)[-1]
        params = request_data.parameters if request_data else {}
        if endpoint != "getUpdates":
            self.calls.append(Call(endpoint, params))
        problems = validate(endpoint, params)
        if problems:
            self.invalid.extend(f"{endpoint}: {problem}" for problem in problems)
            return _error(400, "Bad Request: " + "; ".join(problems))
        chat_id = params.get("chat_id")
        if isinstance(chat_id, int) and chat_id in self.unreachable:
            return _error(*self.unreachable[chat_id])
        return 200, json.dumps({"ok": True, "result": self._result(endpoint, params)}).encode()

    def _result(self, endpoint: str, params: dict[str, Any]) -> Any:
        if endpoint == "getMe":
            return BOT_USER
        if endpoint == "getUpdates":
            return []
        if endpoint.startswith(("send", "edit")):
            chat_id = params.get("chat_id", 1)
            message = {
                "message_id": params.get("message_id") or next(self._ids),
                "date": int(datetime.now(UTC).timestamp()),
                "chat": {"id": chat_id, "type": "private"},
                "from": BOT_USER,
            }
            if "text" in params:
                message["text"] = params["text"]
            return message
        return True

    # What tests read.
    def sent(self) -> list[Call]:
        """Messages shown to users: new ones and edited ones, in order."""
        return [c for c in self.calls if c.endpoint in ("sendMessage", "editMessageText")]

    def last(self) -> Call:
        return self.sent()[-1]

    def answers(self) -> list[Call]:
        return [c for c in self.calls if c.endpoint == "answerCallbackQuery"]

    def clear(self) -> None:
        self.calls.clear()


def _error(code: int, description: str) -> tuple[int, bytes]:
    return code, json.dumps({"ok": False, "error_code": code, "description": description}).encode()


_update_ids = itertools.count(1)


def user(user_id: int = 111, lang: str | None = "en", first_name: str = "Olena") -> dict[str, Any]:
    data: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name}
    if lang is not None:
        data["language_code"] = lang
    return data


def message_update(text: str | None = None, *, user_id: int = 111, lang: str | None = "en",
                   chat_type: str = "private", **content: Any) -> dict[str, Any]:  # fmt: skip
    """A new message; `text` starting with / becomes a command. Other content via kwargs."""
    message: dict[str, Any] = {
        "message_id": next(_update_ids),
        "date": int(datetime.now(UTC).timestamp()),
        "chat": {"id": user_id if chat_type == "private" else -1000 - user_id, "type": chat_type},
        "from": user(user_id, lang),
        **content,
    }
    if text is not None:
        message["text"] = text
        if text.startswith("/"):
            length = len(text.split()[0])
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
    return {"update_id": next(_update_ids), "message": message}


def callback_update(data: str, *, user_id: int = 111, lang: str | None = "en",
                    message_id: int = 77) -> dict[str, Any]:  # fmt: skip
    return {
        "update_id": next(_update_ids),
        "callback_query": {
            "id": str(next(_update_ids)),
            "from": user(user_id, lang),
            "chat_instance": "ci",
            "data": data,
            "message": {
                "message_id": message_id,
                "date": int(datetime.now(UTC).timestamp()),
                "chat": {"id": user_id, "type": "private"},
                "from": BOT_USER,
                "text": "earlier message",
            },
        },
    }
