"""The summary sheet (сводная ведомость, duty 7): a class's final grades of a period,
students × subjects, deferrals marked, with counts per student and per subject."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.presentation.translation import Translator, translator
from bot.reports.common import day, safe_filename
from bot.reports.documents import Cell, Report, Section, Sheet, Table
from bot.reports.files import ReportFiles, render_files
from bot.reports.rules import numeric_final
from db.models import FinalGradeStatus, Period, School, SchoolClass
from db.repositories.reports import FinalRow
from db.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from aiogram.utils.i18n import I18n

MARKS = (5, 4, 3, 2)


@dataclass(frozen=True)
class SummarySheet:
    subjects: list[str]
    rows: list[list[Cell]]  # the students' rows as in the document
    filename_stem: str
    xlsx: bytes
    pdf: bytes


@dataclass(frozen=True)
class SummaryDraft:
    """The sheet read from the database, its files not rendered yet."""

    subjects: list[str]
    rows: list[list[Cell]]
    filename_stem: str
    files: ReportFiles


async def summary_sheet(
    uow: UnitOfWork,
    i18n: I18n,
    locale: str,
    school: School,
    school_class: SchoolClass,
    period: Period,
) -> SummarySheet:
    draft = await summary_draft(uow, i18n, locale, school, school_class, period)
    rendered = await render_files(draft.files)
    return SummarySheet(
        draft.subjects, draft.rows, draft.filename_stem, rendered.xlsx, rendered.pdf
    )


async def summary_draft(
    uow: UnitOfWork,
    i18n: I18n,
    locale: str,
    school: School,
    school_class: SchoolClass,
    period: Period,
) -> SummaryDraft:
    _ = translator(i18n, locale)
    students = await uow.linking.students_of_class(school_class.id)
    finals = await uow.reports.finals(school_class.id, period.id)
    planned = await uow.reports.planned(school_class.id, period.id)
    names = {subject_id: name for subject_id, (name, _n) in planned.items()}
    names.update({row.subject_id: row.subject for row in finals})
    subject_ids = sorted(names, key=lambda sid: (names[sid], sid))
    grid = _grid(finals, _)
    student_ids = [student.id for student in students]
    rows: list[list[Cell]] = [
        [number, student.full_name, *grid.student_row(student.id, subject_ids)]
        for number, student in enumerate(students, start=1)
    ]
    subjects = [names[sid] for sid in subject_ids]
    title = _("Summary sheet of final grades: {class_name}, {period}").format(
        class_name=school_class.name, period=period.name
    )
    lines = (
        school.name,
        _("Period: {period} ({first} – {last})").format(
            period=period.name, first=day(period.starts_on), last=day(period.ends_on)
        ),
    )
    grades, counts = _tables(subjects, rows, grid.totals(student_ids, subject_ids, _), _)
    files = ReportFiles(
        Report(
            title=title,
            sections=[Section(title=title, lines=lines, tables=(grades, counts))],
            landscape=True,
        ),
        (Sheet(school_class.name, (title, *lines), grades, (counts,)),),
    )
    stem = safe_filename(f"summary-{school_class.name}-{period.external_id}")
    return SummaryDraft(subjects, rows, stem, files)


@dataclass
class _Grid:
    """The final grades of a class keyed by (student, subject): what each cell shows, the
    numeric mark it counts as and which are deferred."""

    cells: dict[tuple[int, int], str] = field(default_factory=dict)
    marks: dict[tuple[int, int], int | None] = field(default_factory=dict)
    deferred: set[tuple[int, int]] = field(default_factory=set)

    def student_row(self, student_id: int, subject_ids: list[int]) -> list[Cell]:
        own = [self.marks.get((student_id, sid)) for sid in subject_ids]
        counts = [sum(1 for mark in own if mark == wanted) for wanted in MARKS]
        waiting = sum(1 for sid in subject_ids if (student_id, sid) in self.deferred)
        return [*(self.cells.get((student_id, sid), "") for sid in subject_ids), *counts, waiting]

    def totals(
        self, student_ids: list[int], subject_ids: list[int], _: Translator
    ) -> list[list[Cell]]:
        totals: list[list[Cell]] = []
        for wanted in MARKS:
            per_subject = [
                sum(1 for s in student_ids if self.marks.get((s, sid)) == wanted)
                for sid in subject_ids
            ]
            totals.append(["", _("Marks «{mark}»").format(mark=wanted), *per_subject])
        deferred = [sum(1 for s in student_ids if (s, sid) in self.deferred) for sid in subject_ids]
        totals.append(["", _("Deferred"), *deferred])
        return totals


def _grid(finals: Sequence[FinalRow], _: Translator) -> _Grid:
    grid = _Grid()
    for row in finals:
        key = (row.student_id, row.subject_id)
        if row.status == FinalGradeStatus.DEFERRED:
            grid.deferred.add(key)
            text = _("deferred until {date}").format(
                date=day(row.deferred_until) if row.deferred_until else "—"
            )
            grid.cells[key] = f"{text} ({row.reason})" if row.reason else text
        else:
            grid.cells[key] = row.value or ""
            grid.marks[key] = numeric_final(row.value)
    return grid


def _tables(
    subjects: list[str], rows: list[list[Cell]], totals: list[list[Cell]], _: Translator
) -> tuple[Table, Table]:
    headings = (
        "№",
        _("Student"),
        *subjects,
        *(_("«{mark}»").format(mark=m) for m in MARKS),
        _("Deferred"),
    )
    widths = (0.8, 5, *(2.2 for _s in subjects), *(0.9 for _m in MARKS), 1.4)
    grades = Table(
        headings=headings,
        rows=rows,
        widths=widths,
        align_right_from=2 + len(subjects),
        key_columns=2,
    )
    counts = Table(
        title=_("Per subject"),
        headings=("", _("Count"), *subjects),
        rows=totals,
        widths=(0.8, 5, *(2.2 for _s in subjects)),
        align_right_from=2,
        key_columns=2,
    )
    return grades, counts
