"""Paper statements (выписки, duty 8): for every student whose family has no electronic
access — refused, withdrew consent, or never linked — one A4 section with the current
grades, averages and forecast, the coming week's homework, schedule changes and the
teachers' recommendations, and a line for the parent's signature. One PDF per class, for
the class teacher to print."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.grading.forecast import Forecast, WeightedMark, forecast, rounded_average
from bot.linking.rules import may_receive_data
from bot.presentation.translation import translator
from bot.reports.common import day, safe_filename, short_day
from bot.reports.documents import Report, Section, Table, render_pdf
from bot.reports.render_pool import in_render_pool
from bot.reports.rules import PaperReason, paper_reason
from bot.schools.settings import SchoolSettings
from db.models import Lesson, LessonStatus, School, SchoolClass, Student
from db.repositories.reports import MarkRow
from db.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from aiogram.utils.i18n import I18n

AHEAD = dt.timedelta(days=7)  # the "coming week" of homework and schedule changes
MARKS_PER_ROW = 12
CHANGED = (LessonStatus.SUBSTITUTED, LessonStatus.MOVED, LessonStatus.CANCELLED)


@dataclass(frozen=True)
class PaperStudent:
    student: Student
    reason: PaperReason


async def paper_students(uow: UnitOfWork, class_ids: Sequence[int]) -> list[PaperStudent]:
    """The students of these classes whose families get paper, by class and name; four
    queries whatever the number of classes."""
    students = await uow.reports.students_of_classes(class_ids)
    ids = [s.id for s in students]
    guardians = await uow.reports.guardians_of(ids)
    guardian_states, own_states = await uow.reports.consent_states(
        guardian_ids=sorted({g.id for _, g in guardians}), student_ids=ids
    )
    of_student: dict[int, list[int]] = defaultdict(list)
    for student_id, guardian in guardians:
        of_student[student_id].append(guardian.id)
    reading: set[int] = set()
    for student_id, guardian_id in await uow.reports.reader_links(ids):
        state = (
            own_states.get(student_id) if guardian_id is None else guardian_states.get(guardian_id)
        )
        if may_receive_data(state):
            reading.add(student_id)
    selected = []
    for student in students:
        states = [guardian_states.get(g) for g in of_student[student.id]]
        states.append(own_states.get(student.id))
        reason = paper_reason(states, linked_with_consent=student.id in reading)
        if reason is not None:
            selected.append(PaperStudent(student, reason))
    return selected


@dataclass(frozen=True)
class Statements:
    school_class: SchoolClass
    first: dt.date
    last: dt.date
    students: list[PaperStudent]
    filename: str
    pdf: bytes


@dataclass(frozen=True)
class StatementsDraft:
    """The class's statements read from the database, the PDF not rendered yet."""

    school_class: SchoolClass
    first: dt.date
    last: dt.date
    students: list[PaperStudent]
    filename: str
    report: Report

    async def rendered(self) -> Statements:
        """The PDF, laid out in a worker process (``render_pool``)."""
        pdf = await in_render_pool(render_pdf, self.report)
        return Statements(
            self.school_class, self.first, self.last, self.students, self.filename, pdf
        )


async def class_statements(
    uow: UnitOfWork,
    i18n: I18n,
    locale: str,
    school: School,
    school_class: SchoolClass,
    first: dt.date,
    last: dt.date,
    selected: Sequence[PaperStudent] | None = None,
) -> Statements:
    """The class's statements for the dates (a PDF with one section per selected student,
    or a single page saying nobody needs paper)."""
    draft = await statements_draft(uow, i18n, locale, school, school_class, first, last, selected)
    return await draft.rendered()


async def statements_draft(
    uow: UnitOfWork,
    i18n: I18n,
    locale: str,
    school: School,
    school_class: SchoolClass,
    first: dt.date,
    last: dt.date,
    selected: Sequence[PaperStudent] | None = None,
) -> StatementsDraft:
    """What ``class_statements`` reads, for rendering later (classes side by side)."""
    _ = translator(i18n, locale)
    chosen = (
        list(selected) if selected is not None else await paper_students(uow, [school_class.id])
    )
    data = await _load(uow, _, school, school_class, [c.student.id for c in chosen], first, last)
    heading = (school.name, _("Dates: {first} – {last}").format(first=day(first), last=day(last)))
    sections = [
        _student_section(_, heading, school_class, item.student, data, SchoolSettings.of(school))
        for item in chosen
    ] or [
        Section(
            title=_("Paper statements: {class_name}").format(class_name=school_class.name),
            lines=(
                *heading,
                _("Every family of this class reads the diary in the bot; no paper needed."),
            ),
        )
    ]
    title = _("Paper statements: {class_name}").format(class_name=school_class.name)
    filename = safe_filename(f"statements-{school_class.name}-{first}-{last}.pdf")
    report = Report(title=title, sections=sections)
    return StatementsDraft(school_class, first, last, chosen, filename, report)


@dataclass(frozen=True)
class _ClassData:
    """What the class's statements show, loaded in a fixed number of queries."""

    period_name: str
    marks: dict[int, list[MarkRow]]  # per student, in the dates
    weighted: dict[tuple[int, str], list[WeightedMark]]  # per student and subject, the period
    advice: dict[int, list[tuple[str, str, str, str]]]
    homework_rows: list[tuple[str, str, str]]
    change_rows: list[tuple[str, int, str, str]]


async def _load(
    uow: UnitOfWork,
    _: Callable[[str], str],
    school: School,
    school_class: SchoolClass,
    ids: list[int],
    first: dt.date,
    last: dt.date,
) -> _ClassData:
    period = await uow.diary.current_period(school.id, school_class.id, last)
    marks: dict[int, list[MarkRow]] = defaultdict(list)
    for mark in await uow.reports.marks(ids, first, last) if ids else []:
        marks[mark.student_id].append(mark)
    weighted: dict[tuple[int, str], list[WeightedMark]] = defaultdict(list)
    if period is not None and ids:
        for mark in await uow.reports.marks(ids, period.starts_on, min(period.ends_on, last)):
            if mark.score is not None:
                key = (mark.student_id, mark.subject)
                weighted[key].append(WeightedMark(mark.score, mark.weight))
    advice: dict[int, list[tuple[str, str, str, str]]] = defaultdict(list)
    for recommendation, teacher, subject in (
        await uow.reports.recommendations(ids, first, last) if ids else []
    ):
        advice[recommendation.student_id].append(
            (day(recommendation.date), teacher, subject or "", recommendation.text)
        )
    homework = await uow.diary.homework_due(
        school_class.id, last + dt.timedelta(days=1), last + AHEAD
    )
    lessons = await uow.diary.lessons_between(school_class.id, first, last + AHEAD)
    return _ClassData(
        period_name=period.name if period is not None else "",
        marks=marks,
        weighted=weighted,
        advice=advice,
        homework_rows=[(day(h.due_on), subject, h.text) for h, subject in homework],
        change_rows=[
            (day(lesson.date), lesson.number, subject, _change(_, lesson, substitute))
            for lesson, subject, _teacher, substitute in lessons
            if lesson.status in CHANGED and first <= lesson.date <= last + AHEAD
        ],
    )


def _grade_rows(
    _: Callable[[str], str], student_id: int, data: _ClassData, settings: SchoolSettings
) -> list[tuple[str, str, str, str]]:
    """Per subject: the marks in the dates, the period's average and forecast."""
    thresholds = settings.thresholds
    subjects = sorted(
        {m.subject for m in data.marks[student_id]}
        | {s for (sid, s) in data.weighted if sid == student_id}
    )
    rows: list[tuple[str, str, str, str]] = []
    for subject in subjects:
        shown = [m for m in data.marks[student_id] if m.subject == subject]
        result = forecast(
            data.weighted.get((student_id, subject), []),
            thresholds=thresholds,
            minimum_marks=settings.forecast_minimum_marks,
        )
        average = (
            rounded_average(result.average, thresholds=thresholds)
            if result.average is not None
            else "—"
        )
        # A row never grows beyond a few lines, so a table always breaks between rows:
        # fpdf2 cannot split one row across two pages.
        chunks = [shown[i : i + MARKS_PER_ROW] for i in range(0, len(shown), MARKS_PER_ROW)]
        for index, chunk in enumerate(chunks or [[]]):
            marks_text = "; ".join(_mark_text(m) for m in chunk)
            if index == 0:
                rows.append((subject, marks_text, average, _forecast_text(_, result)))
            else:
                rows.append(("", marks_text, "", ""))
    return rows


def _student_section(
    _: Callable[[str], str],
    heading: tuple[str, str],
    school_class: SchoolClass,
    student: Student,
    data: _ClassData,
    settings: SchoolSettings,
) -> Section:
    school_name, dates = heading
    student_line = _("Student: {name}, class {class_name}").format(
        name=student.full_name, class_name=school_class.name
    )
    return Section(
        title=_("Statement from the electronic diary"),
        lines=(school_name, student_line, dates),
        tables=(
            Table(
                title=_("Current grades"),
                headings=(
                    _("Subject"),
                    _("Marks (date, work type)"),
                    _("Average for the period"),
                    _("Forecast: {period}").format(period=data.period_name),
                ),
                rows=_grade_rows(_, student.id, data, settings),
                widths=(3, 8, 2, 2.4),
                empty=_("No marks in these dates."),
            ),
            Table(
                title=_("Homework for the coming week"),
                headings=(_("Due"), _("Subject"), _("Task")),
                rows=data.homework_rows,
                widths=(2, 3, 10),
                empty=_("No homework set for the coming week."),
            ),
            *_changes_and_advice(_, data.change_rows, data.advice[student.id]),
        ),
        closing=(
            _("I have read this statement."),
            _("Parent (legal representative): ____________________  Date: ___________"),
        ),
    )


def _changes_and_advice(
    _: Callable[[str], str],
    change_rows: list[tuple[str, int, str, str]],
    advice: list[tuple[str, str, str, str]],
) -> tuple[Table, Table]:
    return (
        Table(
            title=_("Schedule changes"),
            headings=(_("Date"), _("Lesson"), _("Subject"), _("Change")),
            rows=change_rows,
            widths=(2, 1.2, 3, 8),
            empty=_("No substitutions, moves or cancellations."),
        ),
        Table(
            title=_("Teachers' recommendations"),
            headings=(_("Date"), _("Teacher"), _("Subject"), _("Recommendation")),
            rows=advice,
            widths=(2, 3.5, 3, 7),
            empty=_("No recommendations in these dates."),
        ),
    )


def _mark_text(mark: MarkRow) -> str:
    details = [mark.work_type] if mark.work_type else []
    if mark.weight != 1:
        details.append(f"×{mark.weight:g}")
    suffix = f" ({', '.join(details)})" if details else ""
    return f"{short_day(mark.date)} {mark.value}{suffix}"


def _forecast_text(_: Callable[[str], str], result: Forecast) -> str:
    if result.predicted is None:
        return _("not enough marks")
    return str(result.predicted)


def _change(_: Callable[[str], str], lesson: Lesson, substitute: str | None) -> str:
    if lesson.status == LessonStatus.CANCELLED:
        return _("cancelled")
    if lesson.status == LessonStatus.SUBSTITUTED:
        return _("substitution: {teacher}").format(teacher=substitute or "—")
    if lesson.moved_to_date is None:
        return _("moved")
    return _("moved to {date}, lesson {number}").format(
        date=day(lesson.moved_to_date), number=lesson.moved_to_number
    )
