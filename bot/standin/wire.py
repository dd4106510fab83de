"""The Bot API's wire format as the stand-in needs it: requests decoded from a query, JSON,
urlencoded or multipart body; error answers shaped like Telegram's; recorded calls."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from aiohttp import web

# Form fields whose values are free text or opaque string ids: never JSON-decode them, or a
# message text like "42" or "[1, 2]" would come back as a number or list.
_TEXT_FIELDS = frozenset(
    {
        "text", "caption", "data", "description", "short_description", "title", "name",
        "query", "url", "secret_token", "question", "explanation", "message_text",
        "callback_query_id", "inline_query_id", "shipping_query_id", "pre_checkout_query_id",
        "web_app_query_id", "business_connection_id", "custom_emoji_id", "file_id",
        "message_effect_id", "language_code", "emoji", "payload", "start_parameter",
        "error_message", "result_id", "gift_id", "ip_address", "inline_message_id",
    }
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class UploadedFile:
    """A file part of a multipart request (aiogram uploads InputFile objects this way)."""

    filename: str | None
    content_type: str
    data: bytes


@dataclass(frozen=True, slots=True)
class RecordedCall:
    token: str
    method: str
    params: dict[str, Any]
    at: float  # time.monotonic() on arrival: compare calls with each other, not the wall clock


@dataclass(slots=True)
class Failure:
    error_code: int
    description: str
    retry_after: int | None
    migrate_to_chat_id: int | None
    remaining: int


class ApiError(Exception):
    """Raised inside method handlers to answer with a Telegram error."""

    def __init__(self, error_code: int, description: str) -> None:
        super().__init__(description)
        self.error_code = error_code
        self.description = description


def telegram_error(
    error_code: int,
    description: str,
    *,
    retry_after: int | None = None,
    migrate_to_chat_id: int | None = None,
) -> web.Response:
    """An error response shaped like Telegram's (the HTTP status equals error_code)."""
    payload: dict[str, Any] = {"ok": False, "error_code": error_code, "description": description}
    parameters: dict[str, int] = {}
    if retry_after is not None:
        parameters["retry_after"] = retry_after
    if migrate_to_chat_id is not None:
        parameters["migrate_to_chat_id"] = migrate_to_chat_id
    if parameters:
        payload["parameters"] = parameters
    return web.json_response(payload, status=error_code)


def decode_field(name: str, value: str) -> Any:
    """Form values are strings; Telegram reads numbers, booleans and objects out of them."""
    if name in _TEXT_FIELDS:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


def require(params: dict[str, Any], name: str, description: str) -> Any:
    value = params.get(name)
    if value is None or value == "":
        raise ApiError(400, description)
    return value


def inline_markup(params: dict[str, Any]) -> dict[str, Any] | None:
    # Only inline keyboards are echoed back in the Message object.
    markup = params.get("reply_markup")
    if isinstance(markup, dict) and "inline_keyboard" in markup:
        return markup
    return None


def replace_markup(message: dict[str, Any], params: dict[str, Any]) -> None:
    # An edit without reply_markup removes the inline keyboard, as on Telegram.
    markup = inline_markup(params)
    if markup is None:
        message.pop("reply_markup", None)
    else:
        message["reply_markup"] = markup


async def read_params(request: web.Request) -> dict[str, Any]:
    """Parameters from the query string and a JSON, urlencoded or multipart body."""
    params: dict[str, Any] = {key: decode_field(key, value) for key, value in request.query.items()}
    if not request.body_exists:
        return params
    if request.content_type == "application/json":
        body = await request.json()
        if isinstance(body, dict):
            params.update(body)
        return params
    form = await request.post()
    files: dict[str, UploadedFile] = {}
    for key, value in form.items():
        if isinstance(value, web.FileField):
            files[key] = UploadedFile(value.filename, value.content_type, value.file.read())
        elif isinstance(value, str):
            params[key] = decode_field(key, value)
        else:
            params[key] = decode_field(key, bytes(value).decode())
    # aiogram uploads a file as `document=attach://<random key>` plus a part named <key>;
    # substitute the file so tests see params["document"] instead of a random key.
    for key, value in list(params.items()):
        if isinstance(value, str) and value.startswith("attach://"):
            attached = files.pop(value.removeprefix("attach://"), None)
            if attached is not None:
                params[key] = attached
    params.update(files)
    return params
