"""The try page's routes (``/try``): thin, as every web route here — parse, ask the
stand-in or the clock, answer with the presentation's views.

The page long-polls ``/try/api/chats/{person}`` for what changed in that person's chat since
the last change it saw; what the person types or presses goes to the stand-in as the
update Telegram would deliver, and the bot answers through the stand-in as it would answer
through Telegram.
"""

from __future__ import annotations

import math
import mimetypes
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

import aiohttp_jinja2
import jinja2
from aiohttp import web

from bot.presentation.translation import translator
from bot.presentation.try_page import (
    chat_entry_view,
    clock_label,
    keyboard_view,
    page_texts,
    persona_card,
)
from bot.scheduling import run_push_jobs_now
from bot.standin.telegram_objects import TelegramUser

if TYPE_CHECKING:
    from bot.trying.mode import TryMode

TRY_KEY = web.AppKey("try_mode", object)
TEMPLATES_KEY = web.AppKey("try_templates", jinja2.Environment)
LOCALES = ("ru", "en")
# Telegram's own limits on what a person sends: text and a button's data.
MAX_TEXT = 4096
MAX_CALLBACK_DATA = 64
LONGEST_POLL = 20.0
_HERE = Path(__file__).parent


def add_try_routes(app: web.Application, mode: TryMode) -> None:
    app[TRY_KEY] = mode
    aiohttp_jinja2.setup(
        app,
        loader=jinja2.FileSystemLoader(_HERE / "templates"),
        autoescape=jinja2.select_autoescape(default=True),
        app_key=TEMPLATES_KEY,
    )
    app.router.add_get("/try", try_page)
    app.router.add_static("/try/static", _HERE / "static", append_version=True)
    app.router.add_get("/try/api/chats/{person}", chat_changes)
    app.router.add_post("/try/api/chats/{person}/messages", send_message)
    app.router.add_post("/try/api/chats/{person}/buttons", press_button)
    app.router.add_post("/try/api/clock", move_clock)
    app.router.add_get("/try/files/{file_id}", sent_file)


def _mode(request: web.Request) -> TryMode:
    mode: TryMode = request.app[TRY_KEY]  # type: ignore[assignment]
    return mode


def _locale(request: web.Request) -> str:
    wanted = request.query.get("lang", "")
    if wanted in LOCALES:
        return wanted
    for part in request.headers.get("Accept-Language", "").split(","):
        language = part.split(";")[0].strip().lower()[:2]
        if language in LOCALES:
            return language
    return LOCALES[0]


def _person(request: web.Request) -> tuple[TryMode, TelegramUser, str]:
    mode = _mode(request)
    persona = mode.personas.get(request.match_info["person"])
    if persona is None:
        raise web.HTTPNotFound(text="no such person")
    locale = _locale(request)
    user = TelegramUser(persona.telegram_user_id, persona.first_name, language_code=locale)
    return mode, user, persona.key


async def try_page(request: web.Request) -> web.Response:
    mode = _mode(request)
    locale = _locale(request)
    _ = translator(mode.require_services().i18n, locale)
    context = {
        "locale": locale,
        "locales": LOCALES,
        "texts": page_texts(_),
        "personas": [persona_card(persona, _) for persona in mode.personas.values()],
        "now": clock_label(mode.clock.now(), mode.timezone, locale),
    }
    response = aiohttp_jinja2.render_template("try.html", request, context, app_key=TEMPLATES_KEY)
    # The page only talks to this server: nothing from elsewhere may run in it.
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "frame-ancestors 'none'"
    )
    return response


async def chat_changes(request: web.Request) -> web.Response:
    """What changed in the person's chat since ``since``, waiting up to ``wait`` seconds."""
    mode, user, key = _person(request)
    since = _int(request.query.get("since", "0"), "since")
    wait = min(max(_seconds(request.query.get("wait", "0")), 0.0), LONGEST_POLL)
    if since == 0:
        mode.greet(key, user)  # the first look at a chat: the person opens the bot
    chats = mode.standin.chats
    if not chats.changed_since(user.id, since) and chats.chat(user.id).keyboard_seq <= since:
        await chats.wait_for_change(since, wait)
    chat = chats.chat(user.id)
    return web.json_response(
        {
            "seq": chats.last_seq,
            "messages": [
                chat_entry_view(entry, lambda file_id: f"/try/files/{file_id}", mode.timezone)
                for entry in chats.changed_since(user.id, since)
            ],
            "keyboard": keyboard_view(chat.keyboard),
            "notices": [text for seq, text in chat.notices if seq > since],
            "now": clock_label(mode.clock.now(), mode.timezone, _locale(request)),
            "activity": mode.activity(),
        }
    )


async def send_message(request: web.Request) -> web.Response:
    mode, user, _key = _person(request)
    body = await _json(request)
    text = body.get("text")
    if not isinstance(text, str) or not text.strip():
        raise web.HTTPBadRequest(text="the message is empty")
    if len(text) > MAX_TEXT:
        raise web.HTTPBadRequest(text=f"the message is longer than {MAX_TEXT} characters")
    update = mode.standin.send_as(user, text)
    return web.json_response({"update_id": update["update_id"]})


async def press_button(request: web.Request) -> web.Response:
    mode, user, _key = _person(request)
    body = await _json(request)
    message_id, data = body.get("message_id"), body.get("data")
    if not isinstance(message_id, int) or not isinstance(data, str):
        raise web.HTTPBadRequest(text="a button press needs message_id and data")
    if len(data.encode()) > MAX_CALLBACK_DATA:
        raise web.HTTPBadRequest(text="a button's data is at most 64 bytes")
    update = mode.standin.press_button(user, message_id, data)
    if update is None:
        raise web.HTTPNotFound(text="no such message of the bot in this chat")
    return web.json_response({"update_id": update["update_id"]})


JUMPS = ("hour", "evening", "morning", "day")


async def move_clock(request: web.Request) -> web.Response:
    """Move the clock on and run the scheduled pushes due by then."""
    mode = _mode(request)
    jump = (await _json(request)).get("jump")
    if jump not in JUMPS:
        raise web.HTTPBadRequest(text=f"jump is one of {', '.join(JUMPS)}")
    mode.clock.move_to(jump_target(mode.clock.now(), str(jump), ZoneInfo(mode.timezone)))
    await run_push_jobs_now(mode.require_services())
    now = clock_label(mode.clock.now(), mode.timezone, _locale(request))
    return web.json_response({"now": now})


def jump_target(now: datetime, jump: str, zone: ZoneInfo) -> datetime:
    """Where a jump lands: an hour or a day on, or the next 19:00 or 08:00 school time."""
    if jump == "hour":
        return now + timedelta(hours=1)
    if jump == "day":
        return now + timedelta(days=1)
    local = now.astimezone(zone)
    hour = 19 if jump == "evening" else 8
    target = datetime.combine(local.date(), time(hour), tzinfo=zone)
    if target <= local:
        target += timedelta(days=1)
    return target


async def sent_file(request: web.Request) -> web.Response:
    mode = _mode(request)
    sent = mode.standin.chats.file(request.match_info["file_id"])
    if sent is None:
        raise web.HTTPNotFound(text="no such file")
    content_type = _content_type(sent.data, sent.filename, sent.content_type)
    headers = {"X-Content-Type-Options": "nosniff"}
    if not content_type.startswith("image/"):
        name = _quoted(sent.filename or request.match_info["file_id"])
        headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{name}"
    return web.Response(body=sent.data, content_type=content_type, headers=headers)


def _quoted(name: str) -> str:
    return quote(name, safe="")


def _content_type(data: bytes, filename: str | None, declared: str) -> str:
    # aiogram uploads everything as application/octet-stream; the page needs the real type.
    if data.startswith(b"\x89PNG"):
        return "image/png"
    if data.startswith(b"\xff\xd8"):
        return "image/jpeg"
    guessed = mimetypes.guess_type(filename or "")[0]
    return guessed or declared


async def _json(request: web.Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError:
        raise web.HTTPBadRequest(text="the body is not JSON") from None
    if not isinstance(body, dict):
        raise web.HTTPBadRequest(text="the body is not a JSON object")
    return body


def _int(value: str, name: str) -> int:
    try:
        return max(int(value), 0)
    except ValueError:
        raise web.HTTPBadRequest(text=f"{name} is not a number") from None


def _seconds(value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        seconds = math.nan
    if not math.isfinite(seconds):
        raise web.HTTPBadRequest(text="wait is not a number of seconds")
    return seconds
