"""Statistics of lessons against the curriculum (duty 7): planned vs conducted, cancelled
and moved, by lesson kind; and the results — успеваемость, качество знаний, the average
and the distribution of marks — with a bar chart of planned vs conducted."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.grading.forecast import WeightedMark, forecast
from bot.presentation.translation import translator
from bot.reports.charts import BarChart
from bot.reports.common import day, safe_filename
from bot.reports.documents import Cell, Report, Section, Sheet, Table
from bot.reports.files import ReportFiles, render_files
from bot.reports.rules import Results, distribution, numeric_final, results
from bot.schools.settings import SchoolSettings
from db.models import FinalGradeStatus, LessonKind, LessonStatus, Period, School, SchoolClass
from db.repositories.reports import LessonCount
from db.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from aiogram.utils.i18n import I18n

CONDUCTED = (LessonStatus.CONDUCTED, LessonStatus.SUBSTITUTED)  # a substitute still taught it


@dataclass(frozen=True)
class SubjectStatistics:
    subject: str
    planned: int
    conducted: int
    cancelled: int
    moved: int
    by_kind: dict[LessonKind, int]  # conducted lessons per kind
    results: Results
    average: float | None
    marks: dict[int, int]  # result mark → students


@dataclass(frozen=True)
class CurriculumStatistics:
    subjects: list[SubjectStatistics]
    total: Results  # the class over all subjects
    filename_stem: str
    xlsx: bytes
    pdf: bytes
    chart_png: bytes


@dataclass(frozen=True)
class CurriculumDraft:
    """The statistics read from the database, their files not rendered yet."""

    subjects: list[SubjectStatistics]
    total: Results
    filename_stem: str
    files: ReportFiles


async def result_marks(
    uow: UnitOfWork, school: School, school_class: SchoolClass, period: Period
) -> dict[int, dict[int, int]]:
    """subject → student → the mark the results count: the final grade where it is set;
    the forecast of the current marks where it is not yet; nothing for a deferral, since
    that student is not assessed yet."""
    found: dict[int, dict[int, int]] = defaultdict(dict)
    decided: set[tuple[int, int]] = set()
    for row in await uow.reports.finals(school_class.id, period.id):
        decided.add((row.subject_id, row.student_id))
        mark = numeric_final(row.value) if row.status == FinalGradeStatus.FINAL else None
        if mark is not None:
            found[row.subject_id][row.student_id] = mark
    settings = SchoolSettings.of(school)
    thresholds, minimum = settings.thresholds, settings.forecast_minimum_marks
    students = [s.id for s in await uow.linking.students_of_class(school_class.id)]
    current: dict[tuple[int, int], list[WeightedMark]] = defaultdict(list)
    for mark_row in await uow.reports.marks(students, period.starts_on, period.ends_on):
        if mark_row.score is not None:
            current[(mark_row.subject_id, mark_row.student_id)].append(
                WeightedMark(mark_row.score, mark_row.weight)
            )
    for (subject_id, student_id), weighted in current.items():
        if (subject_id, student_id) in decided:
            continue
        predicted = forecast(weighted, thresholds=thresholds, minimum_marks=minimum).predicted
        if predicted is not None:
            found[subject_id][student_id] = predicted
    return found


async def curriculum_statistics(
    uow: UnitOfWork,
    i18n: I18n,
    locale: str,
    school: School,
    school_class: SchoolClass,
    period: Period,
) -> CurriculumStatistics:
    draft = await curriculum_draft(uow, i18n, locale, school, school_class, period)
    rendered = await render_files(draft.files)
    assert rendered.chart_png is not None  # the draft always has its chart
    return CurriculumStatistics(
        draft.subjects, draft.total, draft.filename_stem,
        rendered.xlsx, rendered.pdf, rendered.chart_png,
    )  # fmt: skip


async def curriculum_draft(
    uow: UnitOfWork,
    i18n: I18n,
    locale: str,
    school: School,
    school_class: SchoolClass,
    period: Period,
) -> CurriculumDraft:
    _ = translator(i18n, locale)
    planned = await uow.reports.planned(school_class.id, period.id)
    counts, names = await uow.reports.lesson_counts(
        school_class.id, period.starts_on, period.ends_on
    )
    names.update({sid: name for sid, (name, _n) in planned.items()})
    marks = await result_marks(uow, school, school_class, period)
    per_student: dict[int, list[int]] = defaultdict(list)
    subjects = [
        _subject_statistics(
            names[subject_id],
            planned.get(subject_id, ("", 0))[1],
            [c for c in counts if c.subject_id == subject_id],
            marks.get(subject_id, {}),
            per_student,
        )
        for subject_id in sorted(names, key=lambda sid: (names[sid], sid))
    ]
    total = results(per_student)
    title = _("Lessons against the curriculum: {class_name}, {period}").format(
        class_name=school_class.name, period=period.name
    )
    lessons, outcome = _tables(_, subjects, total)
    lines = (
        school.name,
        _("Period: {period} ({first} – {last})").format(
            period=period.name, first=day(period.starts_on), last=day(period.ends_on)
        ),
        _(
            "Results count the final grades; where none is set yet, the forecast of the "
            "current marks."
        ),
    )
    files = ReportFiles(
        Report(title=title, sections=[Section(title, lines, (lessons, outcome))], landscape=True),
        (Sheet(school_class.name, (title, *lines), lessons, (outcome,)),),
        chart=_chart(subjects, _("Planned"), _("Conducted"), title),
    )
    stem = safe_filename(f"curriculum-{school_class.name}-{period.external_id}")
    return CurriculumDraft(subjects, total, stem, files)


def _subject_statistics(
    subject: str,
    planned: int,
    own: list[LessonCount],
    subject_marks: dict[int, int],
    per_student: dict[int, list[int]],
) -> SubjectStatistics:
    """One subject's row; its marks are also added to ``per_student`` for the class total."""
    by_kind = {
        kind: sum(c.lessons for c in own if c.kind == kind and c.status in CONDUCTED)
        for kind in LessonKind
    }
    for student_id, mark in subject_marks.items():
        per_student[student_id].append(mark)
    values = list(subject_marks.values())
    return SubjectStatistics(
        subject=subject,
        planned=planned,
        conducted=sum(by_kind.values()),
        cancelled=sum(c.lessons for c in own if c.status == LessonStatus.CANCELLED),
        moved=sum(c.lessons for c in own if c.status == LessonStatus.MOVED),
        by_kind=by_kind,
        results=results({sid: [m] for sid, m in subject_marks.items()}),
        average=sum(values) / len(values) if values else None,
        marks=distribution(values),
    )


def _percent(value: float | None) -> Cell:
    return None if value is None else round(value, 1)


def _tables(
    _: Callable[[str], str], subjects: list[SubjectStatistics], total: Results
) -> tuple[Table, Table]:
    return _lessons_table(_, subjects), _results_table(_, subjects, total)


def _lessons_table(_: Callable[[str], str], subjects: list[SubjectStatistics]) -> Table:
    kinds = list(LessonKind)
    kind_names = {
        LessonKind.LESSON: _("lessons"),
        LessonKind.TEST: _("tests"),
        LessonKind.LAB: _("labs"),
        LessonKind.PRACTICE: _("practice"),
        LessonKind.EXAM: _("exams"),
    }
    rows: list[list[Cell]] = [
        [s.subject, s.planned, s.conducted, s.cancelled, s.moved, *(s.by_kind[k] for k in kinds)]
        for s in subjects
    ]
    return Table(
        title=_("Lessons"),
        headings=(
            _("Subject"),
            _("Planned"),
            _("Conducted"),
            _("Cancelled"),
            _("Moved"),
            *(kind_names[k] for k in kinds),
        ),
        rows=rows,
        widths=(4, 1.6, 1.6, 1.6, 1.6, *(1.5 for _k in kinds)),
        align_right_from=1,
    )


def _results_table(
    _: Callable[[str], str], subjects: list[SubjectStatistics], total: Results
) -> Table:
    rows: list[list[Cell]] = [
        [
            s.subject,
            s.results.students,
            _percent(s.results.success_percent),
            _percent(s.results.quality_percent),
            None if s.average is None else round(s.average, 2),
            *(s.marks[m] for m in (5, 4, 3, 2)),
        ]
        for s in subjects
    ]
    whole = _("Whole class, all subjects")
    success, quality = _percent(total.success_percent), _percent(total.quality_percent)
    rows.append([whole, total.students, success, quality, None, None, None, None, None])
    return Table(
        title=_("Results"),
        headings=(
            _("Subject"),
            _("Students assessed"),
            _("Success rate, %"),
            _("Quality of knowledge, %"),
            _("Average mark"),
            "«5»",
            "«4»",
            "«3»",
            "«2»",
        ),
        rows=rows,
        widths=(4, 1.8, 1.8, 1.8, 1.6, 1, 1, 1, 1),
        align_right_from=1,
    )


def _chart(subjects: list[SubjectStatistics], planned: str, conducted: str, title: str) -> BarChart:
    return BarChart(
        title=title,
        categories=tuple(s.subject for s in subjects),
        first_label=planned,
        first=tuple(s.planned for s in subjects),
        second_label=conducted,
        second=tuple(s.conducted for s in subjects),
    )
