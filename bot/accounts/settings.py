"""An account's settings (``telegram_account.settings``), read in one place. Pure: no I/O.

The account chooses them in /settings. The interface language is not here (it is the
``telegram_account.language`` column), nor the calendar feed (the ``calendar_feed`` table).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, PlainValidator, ValidationInfo

from bot.digests.preferences import PushPreferences
from bot.stored_settings import REPORT, Report, parse_stored, with_changes

if TYPE_CHECKING:
    from db.models import TelegramAccount


def _silent(key: str, value: object, must_be: str, default: object) -> None:
    """Validating a value to write: nothing stored falls back, nothing to log."""


def _pushes(value: object, info: ValidationInfo) -> PushPreferences:
    # Never fails: each part of the stored preferences falls back on its own (reported
    # through the context), so one bad hour does not reset every choice of the account.
    if isinstance(value, PushPreferences):
        return value
    report: Report = (info.context or {}).get(REPORT, _silent)
    return PushPreferences.from_stored(value, report)


def _stored_pushes(preferences: PushPreferences) -> dict[str, Any]:
    return preferences.to_stored()


Pushes = Annotated[
    PushPreferences,
    PlainValidator(_pushes),
    PlainSerializer(_stored_pushes, return_type=dict[str, Any]),
]


class AccountSettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    pushes: Pushes = Field(
        default_factory=PushPreferences,
        description="What the account is told and when: per kind of push at once, in the "
        "daily summary or not at all; the summary's and the evening brief's hour; quiet "
        "hours; the average under which a risk alert comes.",
        json_schema_extra={
            "allowed": "an object: modes (per kind: instant, summary or off), summary_hour "
            "and brief_hour (0 to 23), quiet (21-8, 22-7, 20-9 or off), risk_threshold "
            "(none, 3.0, 3.5, 4.0 or 4.5)"
        },
    )
    monitoring_summary: Annotated[bool, Field(strict=True)] = Field(
        True,
        description="A class teacher or an admin gets the weekly summary of how parents "
        "read the diary.",
        json_schema_extra={"allowed": "true or false"},
    )

    @classmethod
    def from_stored(cls, raw: object, *, account_id: int | None = None) -> AccountSettings:
        """The stored document, parsed once; a bad value falls back to its own default
        (logged once, naming the account, the key and the value)."""
        owner = f"account {account_id}" if account_id is not None else "a new account"
        return parse_stored(cls, raw, owner)

    @classmethod
    def of(cls, account: TelegramAccount | None) -> AccountSettings:
        """An account's settings; the defaults when there is no account yet."""
        if account is None:
            return cls()
        return cls.from_stored(account.settings, account_id=account.id)

    @classmethod
    def updated(cls, raw: object, changes: Mapping[str, object]) -> dict[str, Any]:
        """The stored document with ``changes`` (all valid, or SettingInvalid and none)."""
        return with_changes(cls, raw, changes)
