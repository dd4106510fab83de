"""Creating schools, managing their exchange API tokens, changing their settings."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.clock import Clock
from bot.schools.settings import SchoolSettings
from bot.secret_key import keyed_hash
from db.models import School
from db.unit_of_work import UnitOfWork

TOKEN_PREFIX = "edb_"  # noqa: S105 - a label, not a secret
TOKEN_PURPOSE = "exchange-api-token"  # noqa: S105


class SchoolError(Exception):
    """A request about schools that cannot be done; ``str()`` says why."""


def new_api_token() -> str:
    # 256 bits from the OS; the prefix makes a leaked token easy to recognise in logs.
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def hash_api_token(secret_key: str, token: str) -> str:
    return keyed_hash(secret_key, TOKEN_PURPOSE, token)


async def create_school(
    uow: UnitOfWork, clock: Clock, secret_key: str, *, name: str, timezone: str, actor: str
) -> tuple[School, str]:
    name = name.strip()
    if not name:
        raise SchoolError("the school needs a name")
    if len(name) > 300:
        raise SchoolError("the name is longer than 300 characters")
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise SchoolError(f"unknown time zone {timezone!r}; use e.g. Europe/Moscow") from error
    token = new_api_token()
    school = await uow.schools.add(
        School(
            name=name,
            timezone=timezone,
            api_token_hash=hash_api_token(secret_key, token),
            settings={},
            created_at=clock.now(),
        )
    )
    uow.audit.record(
        at=clock.now(),
        actor=actor,
        action="school.created",
        school_id=school.id,
        subject_type="school",
        subject_id=school.id,
        details={"name": name},
    )
    await uow.commit()
    return school, token


async def find_school(uow: UnitOfWork, reference: str) -> School:
    """A school by its number or its exact name (case-insensitive)."""
    reference = reference.strip()
    if reference.isdigit():
        school = await uow.schools.by_id(int(reference))
        if school is None:
            raise SchoolError(f"no school with id {reference}; see `ediary school list`")
        return school
    matches = await uow.schools.by_name(reference)
    if not matches:
        raise SchoolError(f"no school named {reference!r}; see `ediary school list`")
    if len(matches) > 1:
        ids = ", ".join(str(school.id) for school in matches)
        raise SchoolError(f"several schools are named {reference!r} (ids {ids}); use the id")
    return matches[0]


async def rotate_token(
    uow: UnitOfWork, clock: Clock, secret_key: str, school: School, *, actor: str
) -> str:
    """A new token; the old one stops working at once."""
    token = new_api_token()
    school.api_token_hash = hash_api_token(secret_key, token)
    uow.audit.record(
        at=clock.now(),
        actor=actor,
        action="school.token_rotated",
        school_id=school.id,
        subject_type="school",
        subject_id=school.id,
    )
    await uow.commit()
    return token


async def list_schools(uow: UnitOfWork) -> list[School]:
    return await uow.schools.all()


async def school_for_token(uow: UnitOfWork, secret_key: str, token: str) -> School | None:
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    return await uow.schools.by_token_hash(hash_api_token(secret_key, token))


async def change_settings(
    uow: UnitOfWork, clock: Clock, school: School, changes: Mapping[str, object], *, actor: str
) -> dict[str, tuple[Any, Any]]:
    """Store ``changes`` to the school's settings — all of them, or SettingInvalid and none —
    with an audit event in the same transaction. Returns ``{key: (before, after)}`` as
    stored (before is None where the key was not stored: it had its default) for the keys
    whose stored value changed; nothing is written when none did."""
    locked = await uow.schools.locked(school.id)
    if locked is None:
        raise SchoolError(f"no school with id {school.id}; see `ediary school list`")
    stored = dict(locked.settings or {})
    document = SchoolSettings.updated(stored, changes)
    changed = {
        key: (stored.get(key), document[key])
        for key in changes
        if key not in stored or stored[key] != document[key]
    }
    if not changed:
        return changed
    locked.settings = document
    uow.audit.record(
        at=clock.now(),
        actor=actor,
        action="school.settings_changed",
        school_id=locked.id,
        subject_type="school",
        subject_id=locked.id,
        details={
            "before": {key: before for key, (before, _after) in changed.items()},
            "after": {key: after for key, (_before, after) in changed.items()},
        },
    )
    await uow.commit()
    return changed
