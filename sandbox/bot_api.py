"""A stand-in of the Telegram Bot API: the methods the bot uses, answering as Telegram does.

The bot talks to it over HTTP exactly as to Telegram (see `sandbox.web`); the web chat page plays
the users. Chats, messages and files live in memory and, given a `ChatStore`, in its file too, so
a restart keeps them as Telegram would; the bot's own database is a separate file.
"""

from __future__ import annotations

import asyncio
import logging
import mimetypes
import re
import time
import uuid
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from bot.limits import MAX_UPDATES_PER_POLL, SANDBOX_LONG_POLL_SECONDS
from sandbox.refusals import QUERY_TOO_OLD, edit_problems, html_to_text, validate
from sandbox.store import ChatStore, CommandScope, Saved

SANDBOX_TOKEN = "7000000001:sandbox-not-a-telegram-token"
BOT_USER = {
    "id": 7000000001,
    "is_bot": True,
    "first_name": "Auszug (sandbox)",
    "username": "auszug_sandbox_bot",
    "can_join_groups": False,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}
COMMAND = re.compile(r"/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]+)?")
# Methods that change nothing a user could see here; they get Telegram's plain "ok".
HARMLESS_METHODS = (
    "deleteWebhook",
    "sendChatAction",
    "setMyDescription",
    "setMyShortDescription",
    "setMyName",
    "setChatMenuButton",
    "close",
    "logOut",
)
_log = logging.getLogger(__name__)


class ApiError(Exception):
    """An answer with ok=false: Telegram's error code and description."""

    def __init__(self, code: int, description: str) -> None:
        super().__init__(description)
        self.code = code
        self.description = description


def bad_request(description: str) -> ApiError:
    return ApiError(400, f"Bad Request: {description}")


@dataclass(frozen=True, slots=True)
class Upload:
    """A file in a request (multipart/form-data) or sent from the web page."""

    filename: str
    content_type: str | None
    data: bytes

    @property
    def mime_type(self) -> str:
        if self.content_type and self.content_type != "application/octet-stream":
            return self.content_type
        return mimetypes.guess_type(self.filename)[0] or "application/octet-stream"


@dataclass(frozen=True, slots=True)
class StoredFile:
    file_id: str
    name: str
    mime_type: str
    data: bytes

    def telegram(self, kind: str) -> Any:
        described: dict[str, Any] = {
            "file_id": self.file_id,
            "file_unique_id": self.file_id,
            "file_size": len(self.data),
        }
        if kind == "photo":  # Telegram sends one PhotoSize per size it made
            return [{**described, "width": 0, "height": 0}]
        return {**described, "file_name": self.name, "mime_type": self.mime_type}


@dataclass
class ChatMessage:
    message_id: int
    date: int
    from_bot: bool
    body: str = ""  # text or caption as sent: HTML when `html`
    html: bool = False
    inline_markup: dict[str, Any] | None = None
    file: StoredFile | None = None
    file_kind: str | None = None  # "document" or "photo"
    edited: bool = False

    def saved(self) -> dict[str, Any]:
        """What the ChatStore keeps; the file by its id, as it is stored once."""
        return {
            "message_id": self.message_id,
            "date": self.date,
            "from_bot": self.from_bot,
            "body": self.body,
            "html": self.html,
            "inline_markup": self.inline_markup,
            "file_id": self.file.file_id if self.file else None,
            "file_kind": self.file_kind,
            "edited": self.edited,
        }

    @classmethod
    def restored(cls, saved: dict[str, Any], files: dict[str, StoredFile]) -> ChatMessage:
        file_id = saved.pop("file_id")
        return cls(**saved, file=files.get(file_id) if file_id else None)

    def telegram(self, chat: Chat) -> dict[str, Any]:
        """The message as Telegram hands it to the bot."""
        message: dict[str, Any] = {
            "message_id": self.message_id,
            "date": self.date,
            "chat": {"id": chat.user_id, "type": "private", "first_name": chat.first_name},
            "from": BOT_USER if self.from_bot else chat.user,
        }
        plain = html_to_text(self.body) if self.html else self.body
        if self.file is not None and self.file_kind is not None:
            message[self.file_kind] = self.file.telegram(self.file_kind)
            if plain:
                message["caption"] = plain
        elif plain:
            message["text"] = plain
            command = None if self.from_bot else COMMAND.match(plain)
            if command:
                message["entities"] = [
                    {"type": "bot_command", "offset": 0, "length": command.end()}
                ]
        if self.inline_markup:
            message["reply_markup"] = self.inline_markup
        if self.edited:
            message["edit_date"] = self.date
        return message

    def for_page(self) -> dict[str, Any]:
        shown: dict[str, Any] = {
            "id": self.message_id,
            "from": "bot" if self.from_bot else "user",
            "body": self.body,
            "html": self.html,
            "buttons": (self.inline_markup or {}).get("inline_keyboard", []),
            "edited": self.edited,
        }
        if self.file is not None:
            shown["file"] = {
                "url": f"/files/{self.file.file_id}",
                "name": self.file.name,
                "mime_type": self.file.mime_type,
                "kind": self.file_kind,
            }
        return shown


@dataclass
class Chat:
    user: dict[str, Any]
    messages: dict[int, ChatMessage] = field(default_factory=dict)
    keyboard: dict[str, Any] | None = None  # the reply keyboard shown instead of the letters
    notice: dict[str, Any] | None = None  # the last callback answer with text
    version: int = 0

    @property
    def user_id(self) -> int:
        return int(self.user["id"])

    @property
    def first_name(self) -> str:
        return str(self.user.get("first_name", ""))


Method = Callable[[dict[str, Any]], Awaitable[Any]]


class BotApi:
    def __init__(
        self,
        users: Iterable[dict[str, Any]],
        token: str = SANDBOX_TOKEN,
        store: ChatStore | None = None,
    ) -> None:
        self.token = token
        self.chats = {int(user["id"]): Chat(user) for user in users}
        self.updates: list[dict[str, Any]] = []
        self.files: dict[str, StoredFile] = {}
        self.refused: list[str] = []  # every request answered with an error, for tests and logs
        self.commands: dict[CommandScope, list[dict[str, Any]]] = {}
        # Chat versions restart with the process; a page that saw another run reloads at once.
        self.run = uuid.uuid4().hex
        self._store = store
        self._last_id = 0  # one counter for every id: each unique and increasing, across runs
        self._callbacks: dict[str, int] = {}  # unanswered callback query id -> user id
        self._changed = asyncio.Condition()
        self._closed = False
        self._methods: dict[str, Method] = {
            "getMe": self._get_me,
            "getUpdates": self._get_updates,
            "getWebhookInfo": self._get_webhook_info,
            "sendMessage": self._send_message,
            "editMessageText": self._edit_message_text,
            "editMessageCaption": self._edit_message_caption,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "deleteMessage": self._delete_message,
            "answerCallbackQuery": self._answer_callback_query,
            "sendDocument": self._send_document,
            "sendPhoto": self._send_photo,
            "sendMediaGroup": self._send_media_group,
            "setMyCommands": self._set_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "getMyCommands": self._get_my_commands,
            "getFile": self._get_file,
            **dict.fromkeys(HARMLESS_METHODS, self._ok),
        }
        # Telegram reads method names case-insensitively.
        self._names = {name.lower(): name for name in self._methods}

    async def load(self) -> None:
        """What the store kept from earlier runs; call once, before serving."""
        if self._store is None:
            return
        saved: Saved = await self._store.load()
        self._last_id = saved.last_id
        for file_id, name, mime_type, data in saved.files:
            self.files[file_id] = StoredFile(file_id, name, mime_type, data)
        for user, keyboard in saved.chats.values():
            self.chat_of(user).keyboard = keyboard
        for user_id, message in saved.messages:
            restored = ChatMessage.restored(message, self.files)
            self.chats[user_id].messages[restored.message_id] = restored
        self.commands.update(saved.menus)

    async def _new_id(self) -> int:
        self._last_id += 1
        if self._store is not None:
            await self._store.save_last_id(self._last_id)
        return self._last_id

    async def _keep(self, chat: Chat, message: ChatMessage | None = None) -> None:
        """Writes the chat (and a new or changed message) to the store, then shows it."""
        if self._store is not None:
            await self._store.save_chat(chat.user, chat.keyboard)
            if message is not None:
                await self._store.save_message(chat.user_id, message.message_id, message.saved())
        await self._touch(chat)

    # The bot's side.

    async def call(self, method: str, params: dict[str, Any]) -> Any:
        """One Bot API request: its result, or ApiError with Telegram's code and description."""
        name = self._names.get(method.lower(), method)
        try:
            return await self._answer(name, params)
        except ApiError as error:
            chat = params.get("chat_id", "-")
            self.refused.append(f"{name} to chat {chat}: {error.description}")
            _log.warning("Telegram would refuse %s to chat %s: %s", name, chat, error.description)
            raise

    async def _answer(self, name: str, params: dict[str, Any]) -> Any:
        handler = self._methods.get(name)
        if handler is None:
            raise ApiError(404, "Not Found")
        try:
            problems = validate(name, params)
            if problems:
                raise bad_request(problems[0])
            return await handler(params)
        except (KeyError, ValueError, TypeError, AttributeError) as error:
            # A missing or malformed parameter: Telegram refuses those with 400 as well.
            raise bad_request(f"wrong parameters: {error!r}") from None

    async def _ok(self, params: dict[str, Any]) -> bool:
        return True

    async def _get_me(self, params: dict[str, Any]) -> dict[str, Any]:
        return BOT_USER

    async def _get_webhook_info(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"url": "", "has_custom_certificate": False, "pending_update_count": 0}

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        limit = min(int(params.get("limit") or MAX_UPDATES_PER_POLL), MAX_UPDATES_PER_POLL)
        timeout = min(float(params.get("timeout") or 0), SANDBOX_LONG_POLL_SECONDS)
        if offset > 0:  # the bot confirms everything before offset
            self.updates = [u for u in self.updates if u["update_id"] >= offset]
        elif offset < 0:
            self.updates = self.updates[offset:]
        await self.wait_for(lambda: bool(self.updates), timeout)
        return self.updates[:limit]

    def _chat(self, params: dict[str, Any]) -> Chat:
        chat_id = str(params.get("chat_id"))
        chat = self.chats.get(int(chat_id)) if chat_id.lstrip("-").isdigit() else None
        if chat is None:
            raise bad_request("chat not found")
        return chat

    async def _post(self, chat: Chat, message: ChatMessage, params: dict[str, Any]) -> Any:
        self._apply_markup(chat, message, params.get("reply_markup"))
        chat.messages[message.message_id] = message
        await self._keep(chat, message)
        return message.telegram(chat)

    def _apply_markup(self, chat: Chat, message: ChatMessage, markup: Any) -> None:
        markup = markup or {}
        if "inline_keyboard" in markup:
            message.inline_markup = markup
        elif "keyboard" in markup:
            chat.keyboard = markup
        elif markup.get("remove_keyboard"):
            chat.keyboard = None

    async def _new_message(self, *, from_bot: bool, **content: Any) -> ChatMessage:
        return ChatMessage(await self._new_id(), int(time.time()), from_bot, **content)

    async def _send_message(self, params: dict[str, Any]) -> Any:
        chat = self._chat(params)
        message = await self._new_message(
            from_bot=True, body=str(params["text"]), html=params.get("parse_mode") == "HTML"
        )
        return await self._post(chat, message, params)

    async def _send_file(self, params: dict[str, Any], kind: str) -> Any:
        chat = self._chat(params)
        message = await self._new_message(
            from_bot=True,
            body=str(params.get("caption") or ""),
            html=params.get("parse_mode") == "HTML",
            file=await self._file(params, kind),
            file_kind=kind,
        )
        return await self._post(chat, message, params)

    async def _send_document(self, params: dict[str, Any]) -> Any:
        return await self._send_file(params, "document")

    async def _send_photo(self, params: dict[str, Any]) -> Any:
        return await self._send_file(params, "photo")

    async def _send_media_group(self, params: dict[str, Any]) -> Any:
        """An album: one message per photo, the caption on the first, as Telegram shows it."""
        chat = self._chat(params)
        sent = []
        for item in params["media"]:
            message = await self._new_message(
                from_bot=True,
                body=str(item.get("caption") or ""),
                html=item.get("parse_mode") == "HTML",
                file=await self._file({**params, "photo": item["media"]}, "photo"),
                file_kind="photo",
            )
            sent.append(await self._post(chat, message, {}))
        return sent

    async def _file(self, params: dict[str, Any], kind: str) -> StoredFile:
        value = params.get(kind)
        if isinstance(value, str) and value.startswith("attach://"):
            value = params.get(value.removeprefix("attach://"))
        if isinstance(value, Upload):
            return await self.store_file(value)
        if isinstance(value, str) and value in self.files:
            return self.files[value]  # sent again by its file_id
        raise bad_request("wrong file identifier/HTTP URL specified")

    async def store_file(self, upload: Upload) -> StoredFile:
        file_id = f"sandbox-file-{await self._new_id()}"
        stored = StoredFile(file_id, upload.filename, upload.mime_type, upload.data)
        if self._store is not None:
            await self._store.save_file(file_id, stored.name, stored.mime_type, stored.data)
        self.files[file_id] = stored
        return stored

    def _message_to_edit(self, params: dict[str, Any]) -> tuple[Chat, ChatMessage]:
        chat = self._chat(params)
        message = chat.messages.get(int(params.get("message_id") or 0))
        if message is None:
            raise bad_request("message to edit not found")
        if not message.from_bot:
            raise bad_request("message can't be edited")
        return chat, message

    async def _edit(
        self,
        chat: Chat,
        message: ChatMessage,
        params: dict[str, Any],
        edit: tuple[str, str, bool],
    ) -> Any:
        endpoint, body, html = edit
        markup = params.get("reply_markup") or None
        unchanged = (message.body, message.html, message.inline_markup) == (body, html, markup)
        problems = edit_problems(endpoint, has_file=message.file is not None, unchanged=unchanged)
        if problems:
            raise bad_request(problems[0])
        message.body, message.html, message.inline_markup = body, html, markup
        message.edited = True
        await self._keep(chat, message)
        return message.telegram(chat)

    async def _edit_message_text(self, params: dict[str, Any]) -> Any:
        chat, message = self._message_to_edit(params)
        html = params.get("parse_mode") == "HTML"
        edit = ("editMessageText", str(params["text"]), html)
        return await self._edit(chat, message, params, edit)

    async def _edit_message_caption(self, params: dict[str, Any]) -> Any:
        chat, message = self._message_to_edit(params)
        html = params.get("parse_mode") == "HTML"
        edit = ("editMessageCaption", str(params.get("caption") or ""), html)
        return await self._edit(chat, message, params, edit)

    async def _edit_message_reply_markup(self, params: dict[str, Any]) -> Any:
        chat, message = self._message_to_edit(params)
        edit = ("editMessageReplyMarkup", message.body, message.html)
        return await self._edit(chat, message, params, edit)

    async def _delete_message(self, params: dict[str, Any]) -> bool:
        chat, message_id = self._chat(params), int(params.get("message_id") or 0)
        if chat.messages.pop(message_id, None) is None:
            raise bad_request("message to delete not found")
        if self._store is not None:
            await self._store.delete_message(message_id)
        await self._touch(chat)
        return True

    async def _answer_callback_query(self, params: dict[str, Any]) -> bool:
        user_id = self._callbacks.pop(str(params.get("callback_query_id")), None)
        if user_id is None:
            raise bad_request(QUERY_TOO_OLD)
        if params.get("text"):
            chat = self.chats[user_id]
            chat.notice = {
                "id": await self._new_id(),  # the page shows each notice once
                "text": params["text"],
                "alert": bool(params.get("show_alert")),
            }
            await self._touch(chat)
        return True

    @staticmethod
    def _command_key(params: dict[str, Any]) -> tuple[str, int | None, str]:
        scope = params.get("scope") or {"type": "default"}
        chat_id = scope.get("chat_id")
        language = str(params.get("language_code") or "")
        return str(scope["type"]), int(chat_id) if chat_id is not None else None, language

    async def _set_my_commands(self, params: dict[str, Any]) -> bool:
        await self._set_menu(self._command_key(params), list(params["commands"]))
        return True

    async def _delete_my_commands(self, params: dict[str, Any]) -> bool:
        await self._set_menu(self._command_key(params), None)
        return True

    async def _set_menu(self, scope: CommandScope, commands: list[dict[str, Any]] | None) -> None:
        if commands is None:
            self.commands.pop(scope, None)
        else:
            self.commands[scope] = commands
        if self._store is not None:
            await self._store.save_menu(scope, commands)
        await self._touch(*self.chats.values())  # every open page shows the new menu

    async def _get_my_commands(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        return self.commands.get(self._command_key(params), [])

    async def _get_file(self, params: dict[str, Any]) -> dict[str, Any]:
        stored = self.files.get(str(params.get("file_id")))
        if stored is None:
            raise bad_request("wrong file_id or the file is temporarily unavailable")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_id,
            "file_size": len(stored.data),
            "file_path": stored.file_id,
        }

    # The users' side, played by the web page and by tests.

    def chat_of(self, user: dict[str, Any]) -> Chat:
        """A user who writes to the bot has a chat with it, as on Telegram."""
        return self.chats.setdefault(int(user["id"]), Chat(user))

    async def _from_user(self, chat: Chat, message: ChatMessage) -> None:
        chat.messages[message.message_id] = message
        if chat.keyboard and chat.keyboard.get("one_time_keyboard"):
            chat.keyboard = None
        update = {"update_id": await self._new_id(), "message": message.telegram(chat)}
        self.updates.append(update)
        await self._keep(chat, message)

    async def user_sends(self, user: dict[str, Any], text: str) -> None:
        message = await self._new_message(from_bot=False, body=text)
        await self._from_user(self.chat_of(user), message)

    async def user_uploads(self, user: dict[str, Any], upload: Upload) -> None:
        kind = "photo" if upload.mime_type.startswith("image/") else "document"
        stored = await self.store_file(upload)
        message = await self._new_message(from_bot=False, file=stored, file_kind=kind)
        await self._from_user(self.chat_of(user), message)

    async def user_presses(self, user_id: int, message_id: int, data: str) -> None:
        """A tap on an inline button; only buttons the bot really sent can be pressed."""
        chat = self.chats[user_id]
        message = chat.messages.get(message_id)
        buttons = (message.inline_markup or {}).get("inline_keyboard", []) if message else []
        if message is None or data not in [b.get("callback_data") for row in buttons for b in row]:
            raise LookupError(f"no button {data!r} on message {message_id}")
        query_id = str(await self._new_id())
        self._callbacks[query_id] = user_id
        chat.notice = None
        query = {
            "id": query_id,
            "from": chat.user,
            "chat_instance": str(user_id),
            "message": message.telegram(chat),
            "data": data,
        }
        self.updates.append({"update_id": await self._new_id(), "callback_query": query})
        await self._touch(chat)

    def menu_commands(self, user: dict[str, Any]) -> list[dict[str, Any]]:
        """The command menu a private chat shows, in Telegram's order of scopes."""
        user_id, language = int(user["id"]), str(user.get("language_code") or "")
        for key in (
            ("chat", user_id, language),
            ("chat", user_id, ""),
            ("all_private_chats", None, language),
            ("all_private_chats", None, ""),
            ("default", None, language),
            ("default", None, ""),
        ):
            if key in self.commands:
                return self.commands[key]
        return []

    def chat_view(self, user: dict[str, Any]) -> dict[str, Any]:
        chat = self.chat_of(user)
        return {
            "run": self.run,
            "version": chat.version,
            "messages": [message.for_page() for message in chat.messages.values()],
            "keyboard": chat.keyboard,
            "notice": chat.notice,
            "commands": self.menu_commands(user),
        }

    # Waiting for changes: the bot's long polling, the page's and the tests'.

    async def wait_for(self, predicate: Callable[[], bool], within: float) -> bool:
        """True once `predicate` holds; False after `within` seconds or when closing."""
        async with self._changed:
            try:
                await asyncio.wait_for(
                    self._changed.wait_for(lambda: self._closed or predicate()), within
                )
            except TimeoutError:
                return False
        return not self._closed

    async def close(self) -> None:
        """Ends every long poll at once, so the server stops without waiting for them."""
        self._closed = True
        await self._touch()

    async def _touch(self, *chats: Chat) -> None:
        for chat in chats:
            chat.version += 1
        async with self._changed:
            self._changed.notify_all()
