"""The school's settings as a form: one field per typed setting (its meaning, allowed
values and default from :class:`SchoolSettings`), values written as on the command line
(JSON when it parses, else text), each checked on its own so a problem shows next to its
field; then stored through :func:`change_settings`, all or none, with its audit event."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.clock import Clock
from bot.office.staff import Staff
from bot.schools.service import change_settings
from bot.schools.settings import SchoolSettings
from bot.stored_settings import SettingInvalid, describe, shown, validated_value
from db.unit_of_work import UnitOfWork

VALUE_LENGTH = 200


@dataclass(frozen=True)
class SettingField:
    key: str
    value: str  # as the form shows it: JSON
    default: str
    allowed: str  # a msgid
    meaning: str  # a msgid
    is_flag: bool  # true/false: a choice, not a text box


def setting_fields(staff: Staff, entered: Mapping[str, str] | None = None) -> list[SettingField]:
    """The form's fields, with what was typed where the form is shown again."""
    values = SchoolSettings.of(staff.school).model_dump(mode="json")
    return [
        SettingField(
            info.key,
            entered[info.key] if entered and info.key in entered else shown(values[info.key]),
            shown(info.default),
            info.allowed,
            info.meaning,
            isinstance(info.default, bool),
        )
        for info in describe(SchoolSettings)
    ]


def parse_value(text: str) -> Any:
    """A value as the command line reads it: JSON when it parses, else the text."""
    try:
        return json.loads(text)
    except ValueError:
        return text


def changed_values(
    staff: Staff, entered: Mapping[str, str]
) -> tuple[dict[str, Any], dict[str, str]]:
    """The settings whose typed value differs from the current one, and the invalid ones
    by key (their allowed values' msgid). Unchanged fields are left alone, so a school's
    defaults stay defaults and a bad stored value of another key is not touched."""
    current = {field.key: field.value for field in setting_fields(staff)}
    allowed = {info.key: info.allowed for info in describe(SchoolSettings)}
    changes: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for key, before in current.items():
        text = entered.get(key, before).strip()
        if len(text) > VALUE_LENGTH:
            errors[key] = allowed[key]
            continue
        value = parse_value(text)
        try:
            stored = validated_value(SchoolSettings, key, value)
        except SettingInvalid:
            errors[key] = allowed[key]
            continue
        if shown(stored) != before:
            changes[key] = stored
    return changes, errors


async def save_settings(
    uow: UnitOfWork, clock: Clock, staff: Staff, changes: Mapping[str, Any]
) -> dict[str, tuple[Any, Any]]:
    if not changes:
        return {}
    return await change_settings(uow, clock, staff.school, changes, actor=staff.actor)
