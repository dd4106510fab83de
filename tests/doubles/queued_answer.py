"""An answer queued for the recording session, as Telegram's JSON envelope."""

from __future__ import annotations

from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from aiogram.types import TelegramObject


@dataclass(frozen=True, slots=True)
class QueuedAnswer:
    result: Any
    error_code: int
    description: str | None
    retry_after: int | None
    migrate_to_chat_id: int | None

    @property
    def is_ok(self) -> bool:
        # The same success range BaseSession.check_response accepts.
        return HTTPStatus.OK <= self.error_code <= HTTPStatus.IM_USED

    def to_response(self) -> dict[str, Any]:
        """The Telegram response envelope for this answer."""
        if self.is_ok:
            return {"ok": True, "result": to_jsonable(self.result)}
        payload: dict[str, Any] = {
            "ok": False,
            "error_code": self.error_code,
            "description": self.description or _default_description(self.error_code),
        }
        parameters: dict[str, int] = {}
        if self.retry_after is not None:
            parameters["retry_after"] = self.retry_after
        if self.migrate_to_chat_id is not None:
            parameters["migrate_to_chat_id"] = self.migrate_to_chat_id
        if parameters:
            payload["parameters"] = parameters
        return payload


def _default_description(error_code: int) -> str:
    try:
        return f"{HTTPStatus(error_code).phrase}"
    except ValueError:
        return f"Error {error_code}"


def to_jsonable(value: Any) -> Any:
    """Convert aiogram objects (possibly nested in lists/dicts) to Telegram JSON."""
    if isinstance(value, TelegramObject):
        # by_alias: `from_user` is `from` on the wire; mode="json": datetimes become unix time.
        return value.model_dump(mode="json", by_alias=True, exclude_none=True, warnings=False)
    if isinstance(value, list | tuple):
        return [to_jsonable(item) for item in value]
    if isinstance(value, dict):
        return {key: to_jsonable(item) for key, item in value.items()}
    return value
