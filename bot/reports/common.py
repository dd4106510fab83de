"""What every report shares: which class, whose request, dates and languages."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.i18n import DEFAULT_LOCALE, LOCALES
from db.models import School, SchoolClass, TelegramAccount
from db.unit_of_work import UnitOfWork


class ReportError(Exception):
    """A request that cannot be served (unknown class, bad dates); the message says why."""


def day(value: dt.date) -> str:
    return value.strftime("%d.%m.%Y")


def short_day(value: dt.date) -> str:
    return value.strftime("%d.%m")


def language_of(account: TelegramAccount) -> str:
    return account.language if account.language in LOCALES else DEFAULT_LOCALE


@dataclass(frozen=True)
class ClassRef:
    school: School
    school_class: SchoolClass


async def class_of_school(uow: UnitOfWork, school: School, name: str) -> SchoolClass:
    found = await uow.linking.class_by_name(school.id, name)
    if found is None:
        raise ReportError(f"no class {name!r} in school {school.name!r}")
    return found


def check_range(first: dt.date, last: dt.date) -> None:
    if first > last:
        raise ReportError(f"--from {first} is after --to {last}")
    if (last - first).days > 366:
        raise ReportError("the dates span more than a year; choose a shorter range")


def safe_filename(text: str) -> str:
    return "".join(char if char.isalnum() or char in "-_." else "_" for char in text)
