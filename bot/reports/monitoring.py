"""Parent monitoring (duty 9): per class and week, which guardians looked at current grades
at least twice, which fewer, which never, and which have no electronic access (they get
paper). A weekly summary to the class teacher, and a period report with the final-grade
acknowledgements (duty 6)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.accounts.settings import AccountSettings
from bot.clock import Clock
from bot.linking.rules import may_receive_data
from bot.presentation.monitoring import ReadingFamily, ReadingSummary, render_reading_summary
from bot.presentation.telegram import telegram_messages
from bot.presentation.translation import Translator, translator
from bot.reports.common import language_of, safe_filename
from bot.reports.delivery import class_recipients
from bot.reports.documents import Cell, Report, Section, Sheet, Table
from bot.reports.files import ReportFiles, render_files
from bot.reports.rules import ReadingCategory, monitoring_week_due, reading_category, weeks_between
from bot.schools.settings import SchoolSettings
from db.models import Period, School, SchoolClass
from db.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from aiogram.utils.i18n import I18n


@dataclass(frozen=True)
class FamilyReading:
    guardian: str
    student: str
    days: tuple[int, ...]  # days with a look at current grades, per week
    categories: tuple[ReadingCategory, ...]  # per week


async def class_reading(
    uow: UnitOfWork, school_class: SchoolClass, first: dt.date, last: dt.date
) -> tuple[list[tuple[dt.date, dt.date]], list[FamilyReading]]:
    """The weeks of the dates and each guardian's reading in them (five queries)."""
    students = {s.id: s for s in await uow.linking.students_of_class(school_class.id)}
    pairs = await uow.reports.guardians_of(list(students))
    states, _own = await uow.reports.consent_states(guardian_ids=sorted({g.id for _, g in pairs}))
    linked = {
        (student_id, guardian_id)
        for student_id, guardian_id in await uow.reports.reader_links(list(students))
        if guardian_id is not None and may_receive_data(states.get(guardian_id))
    }
    weeks = weeks_between(first, last)
    counted: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0] * len(weeks))
    for guardian_id, student_id, read_on in await uow.reports.reading_days(
        list(students), first, last
    ):
        index = next(i for i, (a, b) in enumerate(weeks) if a <= read_on <= b)
        counted[(guardian_id, student_id)][index] += 1
    rows = []
    for student_id, guardian in pairs:
        days = tuple(counted.get((guardian.id, student_id), [0] * len(weeks)))
        access = (student_id, guardian.id) in linked
        rows.append(
            FamilyReading(
                guardian.full_name,
                students[student_id].full_name,
                days,
                tuple(reading_category(d, has_access=access) for d in days),
            )
        )
    rows.sort(key=lambda r: (r.student, r.guardian))
    return weeks, rows


def week_split(
    rows: list[FamilyReading], week: int = 0
) -> dict[ReadingCategory, list[FamilyReading]]:
    split: dict[ReadingCategory, list[FamilyReading]] = {c: [] for c in ReadingCategory}
    for row in rows:
        split[row.categories[week]].append(row)
    return split


async def monitoring_summary_wanted(uow: UnitOfWork, telegram_user_id: int) -> bool:
    account = await uow.accounts.by_telegram_user(telegram_user_id)
    return AccountSettings.of(account).monitoring_summary


async def set_monitoring_summary(uow: UnitOfWork, telegram_user_id: int, enabled: bool) -> bool:
    """Switch the weekly monitoring summary for the account; False for an unknown account."""
    account = await uow.accounts.by_telegram_user(telegram_user_id)
    if account is None:
        return False
    # A new dict: SQLAlchemy does not see changes made inside a JSON value.
    account.settings = AccountSettings.updated(account.settings, {"monitoring_summary": enabled})
    await uow.commit()
    return True


async def weekly_monitoring(uow: UnitOfWork, clock: Clock, i18n: I18n, school: School) -> int:
    """Queue last week's reading summary to each class teacher who has not opted out."""
    now = clock.now()
    local = now.astimezone(ZoneInfo(school.timezone))
    monday = monitoring_week_due(SchoolSettings.of(school), local)
    if monday is None:
        return 0
    sunday = monday + dt.timedelta(days=6)
    queued = 0
    for school_class in await uow.teachers.classes_of_school(school.id):
        accounts = [
            account
            for account in await class_recipients(uow, school_class)
            if AccountSettings.of(account).monitoring_summary
        ]
        if not accounts:
            continue
        _weeks, rows = await class_reading(uow, school_class, monday, sunday)
        if not rows:
            continue
        summary = reading_summary(school_class, monday, sunday, rows)
        for account in accounts:
            rendered = render_reading_summary(summary, translator(i18n, language_of(account)))
            for index, part in enumerate(telegram_messages(rendered)):
                queued += await uow.outbox.queue(
                    account_id=account.id,
                    school_id=school.id,
                    kind="monitoring",
                    key=f"monitoring:{school_class.id}:{monday}:{account.id}:{index}",
                    text=part,
                    reply_markup=None,
                    due_at=now,
                    urgent=False,
                    now=now,
                )
    await uow.commit()
    return queued


def reading_summary(
    school_class: SchoolClass, first: dt.date, last: dt.date, rows: list[FamilyReading]
) -> ReadingSummary:
    """The first week of the rows, split by how often each family read."""
    split = {
        category: tuple(ReadingFamily(r.guardian, r.student) for r in items)
        for category, items in week_split(rows).items()
    }
    return ReadingSummary(
        class_name=school_class.name,
        first=first,
        last=last,
        enough=split[ReadingCategory.ENOUGH],
        fewer=split[ReadingCategory.FEWER],
        never=split[ReadingCategory.NEVER],
        no_access=split[ReadingCategory.NO_ACCESS],
    )


@dataclass(frozen=True)
class MonitoringReport:
    rows: list[FamilyReading]
    filename_stem: str
    xlsx: bytes
    pdf: bytes


@dataclass(frozen=True)
class MonitoringDraft:
    """The report read from the database, its files not rendered yet."""

    rows: list[FamilyReading]
    filename_stem: str
    files: ReportFiles


async def monitoring_report(
    uow: UnitOfWork,
    i18n: I18n,
    locale: str,
    school: School,
    school_class: SchoolClass,
    period: Period,
    today: dt.date,
) -> MonitoringReport:
    """The period up to today: every week's reading per guardian, and the acknowledgements
    of the period's final grades."""
    draft = await monitoring_draft(uow, i18n, locale, school, school_class, period, today)
    rendered = await render_files(draft.files)
    return MonitoringReport(draft.rows, draft.filename_stem, rendered.xlsx, rendered.pdf)


async def monitoring_draft(
    uow: UnitOfWork,
    i18n: I18n,
    locale: str,
    school: School,
    school_class: SchoolClass,
    period: Period,
    today: dt.date,
) -> MonitoringDraft:
    _ = translator(i18n, locale)
    weeks, rows = await class_reading(
        uow, school_class, period.starts_on, min(period.ends_on, today)
    )
    reading = _reading_table(weeks, rows, _)
    acks = await _acknowledgements_table(uow, school, school_class, period, _)
    title = _("Parent monitoring: {class_name}, {period}").format(
        class_name=school_class.name, period=period.name
    )
    lines = (school.name, _("Parents must check current grades at least twice a week."))
    files = ReportFiles(
        Report(title, [Section(title, lines, (reading, acks))], landscape=len(weeks) > 6),
        (Sheet(school_class.name, (title, *lines), reading, (acks,)),),
    )
    stem = safe_filename(f"monitoring-{school_class.name}-{period.external_id}")
    return MonitoringDraft(rows, stem, files)


def _reading_table(
    weeks: Sequence[tuple[dt.date, dt.date]], rows: Sequence[FamilyReading], _: Translator
) -> Table:
    reading_rows: list[list[Cell]] = [
        [
            row.student,
            row.guardian,
            *(row.days[i] if row.categories[i] != ReadingCategory.NO_ACCESS else "—"
              for i in range(len(weeks))),
            sum(1 for c in row.categories if c == ReadingCategory.ENOUGH),
        ]
        for row in rows
    ]  # fmt: skip
    return Table(
        title=_("Days with a look at current grades, per week"),
        headings=(
            _("Student"),
            _("Parent"),
            *(f"{first:%d.%m}–{last:%d.%m}" for first, last in weeks),
            _("Weeks with two or more"),
        ),
        rows=reading_rows,
        widths=(4, 4, *(1.3 for _w in weeks), 1.8),
        align_right_from=2,
        key_columns=2,  # a year's weeks continue on further pages beside the names
    )


async def _acknowledgements_table(
    uow: UnitOfWork, school: School, school_class: SchoolClass, period: Period, _: Translator
) -> Table:
    students = {s.id: s.full_name for s in await uow.linking.students_of_class(school_class.id)}
    guardians = {g.id: g.full_name for _s, g in await uow.reports.guardians_of(list(students))}
    zone = ZoneInfo(school.timezone)
    return Table(
        title=_("Acknowledgements of the final grades"),
        headings=(_("Student"), _("Parent"), _("When"), _("How")),
        rows=[
            [
                students.get(a.student_id, ""),
                guardians.get(a.guardian_id, ""),
                a.acknowledged_at.astimezone(zone).strftime("%d.%m.%Y %H:%M"),
                a.text or a.via,
            ]
            for a in await uow.reports.acknowledgements(school_class.id, period.id)
        ],
        widths=(4, 4, 2.5, 5),
        empty=_("Nobody has acknowledged final grades of this period yet."),
    )
