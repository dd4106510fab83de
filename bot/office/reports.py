"""Reports from the console: the class, the period (or the dates of paper statements) and
the file chosen by the staff member; the files are the command line's, and every download
is in the audit trail."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.office.staff import Staff, class_of_staff
from bot.presentation.translation import N_
from bot.reports.common import ReportError, check_range
from bot.reports.curriculum import curriculum_statistics
from bot.reports.kinds import ADMIN_ONLY, ReportKind
from bot.reports.monitoring import monitoring_report
from bot.reports.requests import PDF, XLSX, ReportFile
from bot.reports.statements import class_statements
from bot.reports.summary import summary_sheet
from db.models import Period, SchoolClass
from db.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from aiogram.utils.i18n import I18n

FORMATS = ("pdf", "xlsx")
NOTHING_TO_PRINT = N_(
    "Every family of this class reads the diary in the bot: there are no paper statements."
)


def report_kinds(staff: Staff) -> list[ReportKind]:
    return [kind for kind in ReportKind if staff.is_admin or kind not in ADMIN_ONLY]


@dataclass(frozen=True)
class ReportChoice:
    kind: ReportKind
    school_class: SchoolClass
    period: Period | None  # every report but the statements
    first: dt.date | None  # the statements' dates
    last: dt.date | None
    file_format: str


class ReportRefused(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason  # a msgid


async def report_choice(
    uow: UnitOfWork, staff: Staff, fields: Mapping[str, str]
) -> ReportChoice | dict[str, str]:
    """The report asked for, or the problems by field (msgids); a class that is not the
    staff member's is NotFound/Forbidden, as everywhere."""
    errors: dict[str, str] = {}
    kind = next((k for k in report_kinds(staff) if k.value == fields.get("kind")), None)
    if kind is None:
        errors["kind"] = N_("Choose a report.")
    class_id = fields.get("class", "")
    if not class_id.isdigit():
        return {**errors, "class": N_("Choose a class.")}
    school_class = await class_of_staff(uow, staff, int(class_id))
    file_format = fields.get("format", "")
    if file_format not in FORMATS or (kind == ReportKind.STATEMENTS and file_format != "pdf"):
        errors["format"] = N_("Paper statements are a PDF; the other reports a PDF or XLSX.")
    period = first = last = None
    if kind == ReportKind.STATEMENTS:
        first, last = _date(fields.get("first")), _date(fields.get("last"))
        if first is None or last is None:
            errors["dates"] = N_("Write both dates.")
        else:
            try:
                check_range(first, last)
            except ReportError:
                errors["dates"] = N_("The first day must be before the last, at most a year apart.")
    elif kind is not None:
        period = await uow.reports.period(staff.school.id, fields.get("period", ""))
        if period is None:
            errors["period"] = N_("Choose a period.")
    if errors or kind is None:
        return errors
    return ReportChoice(kind, school_class, period, first, last, file_format)


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value or "")
    except ValueError:
        return None


async def build_report(
    uow: UnitOfWork, i18n: I18n, locale: str, clock: Clock, staff: Staff, choice: ReportChoice
) -> ReportFile:
    """The file, written to the audit trail (reports carry children's personal data)."""
    file = await _file(uow, i18n, locale, clock, staff, choice)
    uow.audit.record(
        at=clock.now(),
        actor=staff.actor,
        action="report.downloaded",
        school_id=staff.school.id,
        subject_type="school_class",
        subject_id=choice.school_class.id,
        details={
            "report": choice.kind.value,
            "period": choice.period.name if choice.period else None,
            "from": choice.first.isoformat() if choice.first else None,
            "to": choice.last.isoformat() if choice.last else None,
            "files": [file.filename],
        },
    )
    await uow.commit()
    return file


async def _file(
    uow: UnitOfWork, i18n: I18n, locale: str, clock: Clock, staff: Staff, choice: ReportChoice
) -> ReportFile:
    school, school_class = staff.school, choice.school_class
    if choice.kind == ReportKind.STATEMENTS:
        assert choice.first is not None
        assert choice.last is not None
        statements = await class_statements(
            uow, i18n, locale, school, school_class, choice.first, choice.last
        )
        if not statements.students:
            raise ReportRefused(NOTHING_TO_PRINT)
        return ReportFile(statements.filename, PDF, statements.pdf)
    period = choice.period
    assert period is not None
    if choice.kind == ReportKind.SUMMARY:
        sheet = await summary_sheet(uow, i18n, locale, school, school_class, period)
        stem, xlsx, pdf = sheet.filename_stem, sheet.xlsx, sheet.pdf
    elif choice.kind == ReportKind.MONITORING:
        today = clock.now().astimezone(ZoneInfo(school.timezone)).date()
        report = await monitoring_report(uow, i18n, locale, school, school_class, period, today)
        stem, xlsx, pdf = report.filename_stem, report.xlsx, report.pdf
    else:
        statistics = await curriculum_statistics(uow, i18n, locale, school, school_class, period)
        stem, xlsx, pdf = statistics.filename_stem, statistics.xlsx, statistics.pdf
    if choice.file_format == "xlsx":
        return ReportFile(f"{stem}.xlsx", XLSX, xlsx)
    return ReportFile(f"{stem}.pdf", PDF, pdf)
