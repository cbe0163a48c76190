"""The sandbox's web server: the Bot API stand-in for the bot, the chat page for people."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

from aiohttp import web

from bot.limits import MAX_FILE_UPLOAD, SANDBOX_LONG_POLL_SECONDS
from sandbox.bot_api import BOT_USER, ApiError, BotApi, Upload, bad_request
from sandbox.personas import Persona

STATIC_DIR = Path(__file__).parent / "static"
# Parameters the Bot API carries as JSON inside form fields; the rest are plain strings.
JSON_FIELDS = frozenset(
    {
        "reply_markup", "commands", "scope", "entities", "caption_entities", "allowed_updates",
        "link_preview_options", "reply_parameters", "show_alert", "disable_notification",
        "protect_content", "drop_pending_updates", "media",
    }
)  # fmt: skip
# Files the page may show inline; anything else is only downloaded.
VIEWABLE = ("image/png", "image/jpeg", "image/gif", "image/webp", "text/")
PAGE_POLICY = "default-src 'self'; img-src 'self'; object-src 'none'; base-uri 'none'"

API = web.AppKey("api", BotApi)
PERSONAS = web.AppKey("personas", dict)
ABOUT = web.AppKey("about", dict)


def make_web_app(
    api: BotApi, personas: Sequence[Persona], quiet_hours_note: str = ""
) -> web.Application:
    app = web.Application(client_max_size=MAX_FILE_UPLOAD)
    app[API] = api
    app[PERSONAS] = {persona.key: persona for persona in personas}
    # The bot's username makes its t.me links clickable on the page.
    app[ABOUT] = {"bot_username": BOT_USER["username"], "quiet_hours": quiet_hours_note}
    app.router.add_route("*", "/bot{token}/{method}", bot_api_method)
    app.router.add_get("/file/bot{token}/{file_id}", bot_file)
    app.router.add_get("/", page)
    app.router.add_static("/static/", STATIC_DIR)
    app.router.add_get("/api/about", about)
    app.router.add_get("/api/personas", list_personas)
    app.router.add_get("/api/chats/{persona}", chat_state)
    app.router.add_post("/api/chats/{persona}/messages", send_text)
    app.router.add_post("/api/chats/{persona}/presses", press_button)
    app.router.add_post("/api/chats/{persona}/files", send_file)
    app.router.add_get("/files/{file_id}", download)

    async def end_long_polls(app: web.Application) -> None:
        await app[API].close()

    app.on_shutdown.append(end_long_polls)
    return app


# The bot's side: Telegram's URLs, parameters and answers.


async def bot_api_method(request: web.Request) -> web.Response:
    api = request.app[API]
    try:
        if request.match_info["token"] != api.token:
            raise ApiError(401, "Unauthorized")
        result = await api.call(request.match_info["method"], await _bot_params(request))
    except ApiError as error:
        answer = {"ok": False, "error_code": error.code, "description": error.description}
        return web.json_response(answer, status=error.code)
    return web.json_response({"ok": True, "result": result})


async def _bot_params(request: web.Request) -> dict[str, Any]:
    """Query string, urlencoded or multipart form, or a JSON body, as Telegram accepts them."""
    if request.content_type == "application/json":
        body = await request.json()
        return body if isinstance(body, dict) else {}
    params: dict[str, Any] = {}
    for key, value in [*request.query.items(), *(await request.post()).items()]:
        if isinstance(value, web.FileField):
            params[key] = Upload(value.filename, value.content_type, value.file.read())
        elif key in JSON_FIELDS:
            try:
                params[key] = json.loads(value)
            except ValueError:
                raise bad_request(f"can't parse {key} JSON object") from None
        else:
            params[key] = value
    return params


async def bot_file(request: web.Request) -> web.Response:
    api = request.app[API]
    stored = api.files.get(request.match_info["file_id"])
    if request.match_info["token"] != api.token or stored is None:
        raise web.HTTPNotFound()
    return web.Response(body=stored.data, content_type=stored.mime_type)


# The people's side: the chat page and what it asks for.


async def page(request: web.Request) -> web.FileResponse:
    return web.FileResponse(
        STATIC_DIR / "index.html", headers={"Content-Security-Policy": PAGE_POLICY}
    )


def _persona(request: web.Request) -> Persona:
    persona: Persona | None = request.app[PERSONAS].get(request.match_info["persona"])
    if persona is None:
        raise web.HTTPNotFound(text="No such persona.")
    return persona


async def about(request: web.Request) -> web.Response:
    return web.json_response(request.app[ABOUT])


async def list_personas(request: web.Request) -> web.Response:
    return web.json_response([p.for_page() for p in request.app[PERSONAS].values()])


async def chat_state(request: web.Request) -> web.Response:
    """Long poll: answers once the chat changed after version `after` of this `run`, or after a
    while; at once to a page that saw another run, as versions restart with the process."""
    api, user = request.app[API], _persona(request).telegram_user()
    try:
        after = int(request.query.get("after", "-1"))
    except ValueError:
        raise web.HTTPBadRequest(text="after must be a number") from None
    if request.query.get("run") != api.run:
        after = -1
    chat = api.chat_of(user)
    await api.wait_for(lambda: chat.version > after, SANDBOX_LONG_POLL_SECONDS)
    return web.json_response(api.chat_view(user))


async def _json_body(request: web.Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise web.HTTPBadRequest(text="Send a JSON object.")
    return body


async def send_text(request: web.Request) -> web.Response:
    persona, body = _persona(request), await _json_body(request)
    text = str(body.get("text", "")).strip()
    if not text:
        raise web.HTTPBadRequest(text="Type a message first.")
    await request.app[API].user_sends(persona.telegram_user(), text)
    return web.json_response({"ok": True})


async def press_button(request: web.Request) -> web.Response:
    persona, body = _persona(request), await _json_body(request)
    try:
        await request.app[API].user_presses(
            persona.user_id, int(body["message_id"]), str(body["data"])
        )
    except (LookupError, ValueError, TypeError):
        raise web.HTTPNotFound(text="This button is not there any more.") from None
    return web.json_response({"ok": True})


async def send_file(request: web.Request) -> web.Response:
    persona = _persona(request)
    field = (await request.post()).get("file")
    if not isinstance(field, web.FileField):
        raise web.HTTPBadRequest(text="Choose a file first.")
    upload = Upload(field.filename, field.content_type, field.file.read())
    await request.app[API].user_uploads(persona.telegram_user(), upload)
    return web.json_response({"ok": True})


async def download(request: web.Request) -> web.Response:
    """A file in the chat: shown in the browser when harmless, else saved."""
    stored = request.app[API].files.get(request.match_info["file_id"])
    if stored is None:
        raise web.HTTPNotFound()
    viewable = stored.mime_type.startswith(VIEWABLE) and "download" not in request.query
    disposition = "inline" if viewable else "attachment"
    # Text files (.ics, .csv) are shown as text rather than handed to another program.
    content_type = "text/plain" if viewable and stored.mime_type.startswith("text/") else None
    return web.Response(
        body=stored.data,
        content_type=content_type or stored.mime_type,
        charset="utf-8" if content_type else None,
        headers={
            "Content-Disposition": f"{disposition}; filename*=UTF-8''{quote(stored.name)}",
            "X-Content-Type-Options": "nosniff",
        },
    )
