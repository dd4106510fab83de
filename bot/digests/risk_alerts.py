"""Alerts when a child is slipping in a subject (issue #9), once per change of state.

Hourly per school: every linked child's current period, per subject and reader (readers
may choose their own threshold), through the pure rules of :mod:`bot.grading.risk`. The
state told is stored in the transaction that queues the alert, so a re-run never repeats
it and a recovery followed by a relapse alerts again.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from zoneinfo import ZoneInfo

from aiogram.utils.i18n import I18n

from bot.clock import Clock
from bot.digests.audience import readers
from bot.digests.outbox import queue_for_reader
from bot.digests.preferences import PushKind
from bot.grading.forecast import Forecast, WeightedMark, fives_needed, forecast, rounded_average
from bot.grading.risk import RiskState, risk_state, should_alert
from bot.presentation.text import escape
from bot.presentation.translation import translator
from bot.schools.settings import SchoolSettings
from db.models import RiskAlertState, School
from db.unit_of_work import UnitOfWork


async def risk_alerts(uow: UnitOfWork, clock: Clock, i18n: I18n, school: School) -> int:
    now = clock.now()
    today = now.astimezone(ZoneInfo(school.timezone)).date()
    settings = SchoolSettings.of(school)
    thresholds, minimum = settings.thresholds, settings.forecast_minimum_marks
    students = await uow.changes.linked_students(school.id)
    audience = await readers(uow, set(students))
    names, _subjects, _teachers = await uow.changes.names(
        students=students, subjects=[], teachers=[]
    )
    work: list[tuple[int, int, dt.date, dict[int, tuple[str, list[tuple[str, WeightedMark]]]]]] = []
    for student_id in students:
        if not audience.get(student_id):
            continue
        found = await uow.diary.student_and_class(student_id)
        if found is None:
            continue
        student, school_class = found
        period = await uow.diary.current_period(school.id, school_class.id, today)
        if period is None:
            continue
        subjects: dict[int, tuple[str, list[tuple[str, WeightedMark]]]] = {
            subject_id: (name, [])
            for subject_id, name in (
                await uow.alerts.curriculum_subjects(school_class.id, period.id)
            ).items()
        }
        for grade, name in await uow.diary.grades_between(
            student.id, period.starts_on, min(period.ends_on, today)
        ):
            bucket = subjects.setdefault(grade.subject_id, (name, []))[1]
            if grade.score is not None:
                bucket.append((grade.value, WeightedMark(grade.score, grade.weight)))
        work.append((student_id, period.id, period.ends_on, subjects))
    told = await uow.alerts.risk_states(
        sorted({r.account_id for s in students for r in audience.get(s, [])}),
        sorted({period_id for _, period_id, _, _ in work}),
    )
    queued = 0
    for student_id, period_id, ends_on, subjects in work:
        for subject_id, (subject, marks) in sorted(subjects.items(), key=lambda i: i[1][0]):
            outlook = forecast([m for _, m in marks], thresholds=thresholds, minimum_marks=minimum)
            for reader in audience[student_id]:
                threshold = reader.preferences.threshold
                state = risk_state(
                    outlook, today=today, period_ends_on=ends_on, threshold=threshold
                )
                key = (reader.account_id, student_id, subject_id, period_id)
                stored = told.get(key)
                if stored is not None and stored.state == state.value:
                    continue
                if should_alert(RiskState(stored.state) if stored else None, state):
                    text = alert_text(
                        i18n,
                        reader.language,
                        child=names.get(student_id, ""),
                        subject=subject,
                        state=state,
                        outlook=outlook,
                        marks=marks,
                        threshold=threshold,
                        minimum=minimum,
                    )
                    queued += await queue_for_reader(
                        uow,
                        i18n,
                        reader,
                        school_id=school.id,
                        timezone=school.timezone,
                        kind=PushKind.RISK,
                        key=f"risk:{period_id}:{student_id}:{subject_id}:{reader.account_id}:"
                        f"{state.value}:{now.isoformat()}",
                        text=text,
                        now=now,
                        student_id=student_id,
                    )
                if stored is None:
                    stored = RiskAlertState(
                        account_id=reader.account_id,
                        student_id=student_id,
                        subject_id=subject_id,
                        period_id=period_id,
                        state=state.value,
                        changed_at=now,
                    )
                    uow.alerts.add_risk_state(stored)
                    told[key] = stored
                else:
                    stored.state, stored.changed_at = state.value, now
    await uow.commit()
    return queued


def alert_text(
    i18n: I18n,
    locale: str,
    *,
    child: str,
    subject: str,
    state: RiskState,
    outlook: Forecast,
    marks: list[tuple[str, WeightedMark]],
    threshold: Fraction | None,
    minimum: int,
) -> str:
    _ = translator(i18n, locale)
    title = _("{subject}: {child} is slipping").format(subject=subject, child=child)
    if state is RiskState.FAILING:
        body = [_("Predicted final mark: 2.")]
    elif state is RiskState.NOT_ASSESSED:
        body = [_("Too few marks to be assessed, and the period ends soon.")]
    else:
        body = [
            _("The average is under your threshold of {threshold}.").format(
                threshold=f"{float(threshold or 0):.1f}"
            )
        ]
    if outlook.average is not None:
        body.append(_("Average: {average}").format(average=rounded_average(outlook.average)))
    shown = ", ".join(value for value, _mark in marks)
    body.append(_("Marks: {marks}").format(marks=shown) if marks else _("No marks yet."))
    body.append(recovery_text(i18n, locale, state, outlook, marks, threshold, minimum))
    return "\n".join([f"⚠️ <b>{escape(title)}</b>", *(escape(line) for line in body)])


def recovery_text(
    i18n: I18n,
    locale: str,
    state: RiskState,
    outlook: Forecast,
    marks: list[tuple[str, WeightedMark]],
    threshold: Fraction | None,
    minimum: int,
) -> str:
    """What it takes to recover, in fives of weight 1 or in marks still needed."""
    _ = translator(i18n, locale)
    if state is RiskState.NOT_ASSESSED:
        missing = max(minimum - outlook.marks, 1)
        return _("To be assessed: {count} more mark(s) needed.").format(count=missing)
    if state is RiskState.FAILING and outlook.fives_to_next is not None:
        return _("To reach a 3: {count} more five(s).").format(count=outlook.fives_to_next)
    if state is RiskState.BELOW_THRESHOLD and threshold is not None and marks:
        total = sum(
            (Fraction(repr(m.score)) * Fraction(repr(m.weight)) for _v, m in marks), Fraction()
        )
        weight = sum((Fraction(repr(m.weight)) for _v, m in marks), Fraction())
        count = fives_needed(total, weight, threshold)
        return _("To get back over {threshold}: {count} more five(s).").format(
            threshold=f"{float(threshold):.1f}", count=count
        )
    return _("Please talk to the teacher about how to catch up.")
