"""Alerts when a child is slipping in a subject (issue #9), once per change of state.

Hourly per school: every child's current period (linked in Telegram, or with a family or
the adult student themself on e-mail), per subject and reader (readers may choose their
own threshold), through the pure rules of :mod:`bot.grading.risk`. The state told is
stored in the transaction that queues the alert, so a re-run never repeats it and a
recovery followed by a relapse alerts again.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.digests.audience import Reader, readers_with_mail, students_in_reach
from bot.digests.outbox import queue_for_reader
from bot.digests.preferences import PushKind
from bot.grading.forecast import Forecast, WeightedMark, forecast
from bot.grading.risk import RiskState, recovery, risk_state, should_alert
from bot.presentation.rendered import Rendered
from bot.presentation.risk_alert import RiskAlertView, render_risk_alert
from bot.presentation.telegram import telegram_html
from bot.presentation.translation import translator
from bot.schools.settings import SchoolSettings
from db.models import RiskAlertState, School
from db.repositories.alerts import RiskKey, StudentMark
from db.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from aiogram.utils.i18n import I18n

Marks = list[tuple[str, WeightedMark]]  # (the mark as written, its score and weight)


@dataclass(frozen=True)
class _Subject:
    """One child's subject in the current period, with its marks and forecast."""

    student_id: int
    period_id: int
    period_ends_on: dt.date
    subject_id: int
    name: str
    marks: Marks
    outlook: Forecast


async def risk_alerts(uow: UnitOfWork, clock: Clock, i18n: I18n, school: School) -> int:
    """Load every linked child's subjects (a few queries per class, none per child), decide
    per subject and reader, queue what changed; returns how many alerts were queued."""
    now = clock.now()
    today = now.astimezone(ZoneInfo(school.timezone)).date()
    settings = SchoolSettings.of(school)
    # Linked children and those whose family is on e-mail, even with no link at all (their
    # readers have no account: the state told is kept per guardian).
    students = await students_in_reach(uow, school.id)
    audience = await readers_with_mail(uow, set(students), now)
    names, _subjects, _teachers = await uow.changes.names(
        students=students, subjects=[], teachers=[]
    )
    subjects = await _subjects_of(
        uow, school.id, today, [s for s in students if audience.get(s)], settings
    )
    everyone = [r for s in students for r in audience.get(s, [])]
    by_letter = {r.mail_to.key for r in everyone if r.mail_to is not None}
    told = await uow.alerts.risk_states(
        sorted({r.account_id for r in everyone if r.mail_to is None}),
        sorted({subject.period_id for subject in subjects}),
        sorted(i for role, i in by_letter if role == "g"),
        sorted(i for role, i in by_letter if role == "s"),
    )
    queued = 0
    for subject in subjects:
        for reader in audience[subject.student_id]:
            state = risk_state(
                subject.outlook, today=today, period_ends_on=subject.period_ends_on,
                threshold=reader.preferences.threshold,
            )  # fmt: skip
            key = (_reader_key(reader), subject.student_id, subject.subject_id, subject.period_id)
            stored = told.get(key)
            if stored is not None and stored.state == state.value:
                continue
            if should_alert(RiskState(stored.state) if stored else None, state):
                view = _view(subject, names.get(subject.student_id, ""), state, reader, settings)
                rendered = render_risk_alert(view, translator(i18n, reader.language))
                queued += await _queue(uow, i18n, school, reader, subject, state, rendered, now)
            _remember(uow, told, key, state, now)
    await uow.commit()
    return queued


async def _subjects_of(
    uow: UnitOfWork,
    school_id: int,
    today: dt.date,
    student_ids: list[int],
    settings: SchoolSettings,
) -> list[_Subject]:
    """Per child, the subjects of the class's current period (taught ones count even
    without marks) with the marks so far and their forecast; by child, then subject name."""
    classes = await uow.alerts.classes_of_students(student_ids)
    members: dict[int, list[int]] = {}
    for student_id in student_ids:
        if student_id in classes:
            members.setdefault(classes[student_id], []).append(student_id)
    found: list[_Subject] = []
    for class_id, children in members.items():
        period = await uow.diary.current_period(school_id, class_id, today)
        if period is None:
            continue
        taught = await uow.alerts.curriculum_subjects(class_id, period.id)
        marks = await uow.alerts.marks_of_students(
            children, period.starts_on, min(period.ends_on, today)
        )
        of_student: dict[int, list[StudentMark]] = {}
        for mark in marks:  # grouped once, not scanned again for every child
            of_student.setdefault(mark.student_id, []).append(mark)
        for student_id in children:
            per_subject: dict[int, tuple[str, Marks]] = {i: (n, []) for i, n in taught.items()}
            for mark in of_student.get(student_id, []):
                bucket = per_subject.setdefault(mark.subject_id, (mark.subject, []))[1]
                if mark.score is not None:
                    bucket.append((mark.value, WeightedMark(mark.score, mark.weight)))
            for subject_id, (name, scored) in sorted(per_subject.items(), key=lambda i: i[1][0]):
                outlook = forecast(
                    [m for _, m in scored], thresholds=settings.thresholds,
                    minimum_marks=settings.forecast_minimum_marks,
                )  # fmt: skip
                found.append(_Subject(student_id, period.id, period.ends_on, subject_id, name,
                                      scored, outlook))  # fmt: skip
    return found


def _view(
    subject: _Subject, child: str, state: RiskState, reader: Reader, settings: SchoolSettings
) -> RiskAlertView:
    threshold = reader.preferences.threshold
    return RiskAlertView(
        child=child,
        subject=subject.name,
        state=state,
        average=subject.outlook.average,
        marks=tuple(value for value, _mark in subject.marks),
        threshold=threshold,
        recovery=recovery(
            state,
            subject.outlook,
            [mark for _value, mark in subject.marks],
            threshold=threshold,
            minimum_marks=settings.forecast_minimum_marks,
        ),
    )


async def _queue(
    uow: UnitOfWork,
    i18n: I18n,
    school: School,
    reader: Reader,
    subject: _Subject,
    state: RiskState,
    rendered: Rendered,
    now: dt.datetime,
) -> int:
    who, reader_id = _reader_key(reader)
    return await queue_for_reader(
        uow, i18n, reader, school_id=school.id, timezone=school.timezone, kind=PushKind.RISK,
        key=f"risk:{subject.period_id}:{subject.student_id}:{subject.subject_id}:"
        f"{'' if who == 'a' else who}{reader_id}:{state.value}:{now.isoformat()}",
        text=telegram_html(rendered), now=now, student_id=subject.student_id,
        rendered=rendered,
    )  # fmt: skip


def _reader_key(reader: Reader) -> tuple[str, int]:
    """Whom the state told belongs to: the account, or the guardian (or adult student)
    told by letter."""
    if reader.mail_to is not None:
        return reader.mail_to.key
    return ("a", reader.account_id)


def _remember(
    uow: UnitOfWork,
    told: dict[RiskKey, RiskAlertState],
    key: RiskKey,
    state: RiskState,
    now: dt.datetime,
) -> None:
    """The state told (or not worth telling) is stored, so a re-run never repeats it."""
    stored = told.get(key)
    if stored is not None:
        stored.state, stored.changed_at = state.value, now
        return
    (who, reader_id), student_id, subject_id, period_id = key
    stored = RiskAlertState(
        account_id=reader_id if who == "a" else None,
        guardian_id=reader_id if who == "g" else None,
        reader_student_id=reader_id if who == "s" else None, student_id=student_id,
        subject_id=subject_id, period_id=period_id, state=state.value, changed_at=now,
    )  # fmt: skip
    uow.alerts.add_risk_state(stored)
    told[key] = stored
