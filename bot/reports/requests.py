"""Reports asked for in the bot (/reports): which reports a member of staff may ask for,
which class and period they cover, and the files to send. The handler only parses and
renders; the permission check is here, on every request, so a forged button gets nothing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.presentation.rendered import Rendered
from bot.presentation.reports import (
    ReportCaption,
    StatementsCaption,
    render_report_caption,
    render_statements_caption,
)
from bot.presentation.translation import N_, translator
from bot.reports.curriculum import curriculum_statistics
from bot.reports.kinds import ADMIN_ONLY, ReportKind
from bot.reports.monitoring import monitoring_report
from bot.reports.rules import statement_schedule
from bot.reports.statements import class_statements
from bot.reports.summary import summary_sheet
from bot.schools.settings import SchoolSettings
from bot.teachers.broadcasts import Sender
from db.models import Period, School, SchoolClass
from db.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from aiogram.utils.i18n import I18n

PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ReportRefused(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason  # a msgid for the requester


NOT_AVAILABLE = N_("This report is not available to you.")
NO_PERIOD = N_("There is no assessment period for this class in the journal yet.")


@dataclass(frozen=True)
class ReportFile:
    filename: str
    content_type: str
    content: bytes


@dataclass(frozen=True)
class RequestedReport:
    kind: ReportKind
    school_class: SchoolClass
    caption: Rendered  # in the requester's language, within Telegram's caption limit
    files: tuple[ReportFile, ...]  # PDF first; empty when there is nothing to print


def report_kinds(sender: Sender) -> list[ReportKind]:
    """The reports this member of staff may ask for, in the order the menu shows them."""
    return [kind for kind in ReportKind if sender.is_admin or kind not in ADMIN_ONLY]


def class_of(sender: Sender, class_id: int) -> SchoolClass:
    """The sender's own class by id (an admin's are every class of their school); anything
    else — another school's class, another teacher's, a made-up id — is refused."""
    found = next((c for c in sender.classes if c.id == class_id), None)
    if found is None:
        raise ReportRefused(NOT_AVAILABLE)
    return found


def kind_of(sender: Sender, value: str) -> ReportKind:
    try:
        kind = ReportKind(value)
    except ValueError as error:
        raise ReportRefused(NOT_AVAILABLE) from error
    if kind not in report_kinds(sender):
        raise ReportRefused(NOT_AVAILABLE)
    return kind


def statement_dates(settings: SchoolSettings, today: dt.date) -> tuple[dt.date, dt.date]:
    """The last week up to today, or the last fortnight where the school's statements are
    fortnightly — the same span the scheduled job covers."""
    weeks = statement_schedule(settings).every_weeks
    return today - dt.timedelta(days=7 * weeks - 1), today


async def sheet_period(
    uow: UnitOfWork, school: School, school_class: SchoolClass, today: dt.date
) -> Period | None:
    """For the summary sheet: the newest period with final grades, else the current one."""
    latest = await uow.finals.latest_final_period(school_class.id)
    return latest or await uow.diary.current_period(school.id, school_class.id, today)


async def running_period(
    uow: UnitOfWork, school: School, school_class: SchoolClass, today: dt.date
) -> Period | None:
    """For monitoring and the curriculum: the current period; between periods (holidays)
    the newest one with final grades."""
    current = await uow.diary.current_period(school.id, school_class.id, today)
    return current or await uow.finals.latest_final_period(school_class.id)


def local_today(school: School, now: dt.datetime) -> dt.date:
    return now.astimezone(ZoneInfo(school.timezone)).date()


async def requested_report(
    uow: UnitOfWork,
    i18n: I18n,
    locale: str,
    sender: Sender,
    class_id: int,
    kind_value: str,
    now: dt.datetime,
) -> RequestedReport:
    """Build the report the sender asked for, or raise ReportRefused (nothing is built).

    The reports carry children's personal data, so every one handed out is in the audit
    trail: who, which class, which report, when.
    """
    report = await _build(uow, i18n, locale, sender, class_id, kind_value, now)
    uow.audit.record(
        at=now,
        actor=f"telegram-account:{sender.account_id}",
        action="report.downloaded",
        school_id=sender.school.id,
        subject_type="school_class",
        subject_id=report.school_class.id,
        details={"report": report.kind.value, "files": [f.filename for f in report.files]},
    )
    await uow.commit()
    return report


async def _build(
    uow: UnitOfWork,
    i18n: I18n,
    locale: str,
    sender: Sender,
    class_id: int,
    kind_value: str,
    now: dt.datetime,
) -> RequestedReport:
    school_class = class_of(sender, class_id)
    kind = kind_of(sender, kind_value)
    school = sender.school
    today = local_today(school, now)
    _ = translator(i18n, locale)
    if kind == ReportKind.STATEMENTS:
        first, last = statement_dates(SchoolSettings.of(school), today)
        statements = await class_statements(uow, i18n, locale, school, school_class, first, last)
        view = StatementsCaption(school_class.name, first, last, len(statements.students))
        caption = render_statements_caption(view, _)
        if not statements.students:
            return RequestedReport(kind, school_class, caption, ())
        pdf_file = ReportFile(statements.filename, PDF, statements.pdf)
        return RequestedReport(kind, school_class, caption, (pdf_file,))
    if kind == ReportKind.SUMMARY:
        period = await sheet_period(uow, school, school_class, today)
    else:
        period = await running_period(uow, school, school_class, today)
    if period is None:
        raise ReportRefused(NO_PERIOD)
    if kind == ReportKind.SUMMARY:
        sheet = await summary_sheet(uow, i18n, locale, school, school_class, period)
        stem, xlsx, pdf = sheet.filename_stem, sheet.xlsx, sheet.pdf
    elif kind == ReportKind.MONITORING:
        report = await monitoring_report(uow, i18n, locale, school, school_class, period, today)
        stem, xlsx, pdf = report.filename_stem, report.xlsx, report.pdf
    else:
        statistics = await curriculum_statistics(uow, i18n, locale, school, school_class, period)
        stem, xlsx, pdf = statistics.filename_stem, statistics.xlsx, statistics.pdf
    caption = render_report_caption(ReportCaption(kind, school_class.name, period.name), _)
    return RequestedReport(
        kind,
        school_class,
        caption,
        (ReportFile(f"{stem}.pdf", PDF, pdf), ReportFile(f"{stem}.xlsx", XLSX, xlsx)),
    )
