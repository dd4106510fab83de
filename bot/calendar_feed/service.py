"""Issuing, revoking and rendering an account's private calendar feed.

The URL carries an unguessable token (256 bits from ``secrets``); only its keyed hash is
stored, so the database alone cannot be turned into working URLs. The feed shows what the
diary would show the account now: a revoked token, an ended link or a withdrawn consent
make it disappear.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from bot.clock import Clock
from bot.linking.access import linked_roles, may_see_student
from bot.presentation.translation import Translator, translator
from bot.secret_key import keyed_hash
from db.models import Assessment, CalendarFeed, Holiday, Lesson, LessonStatus
from db.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from aiogram.utils.i18n import I18n

PURPOSE = "calendar-feed"
PAST = dt.timedelta(days=60)
AHEAD = dt.timedelta(days=240)


def feed_path(token: str) -> str:
    return f"/calendar/{token}.ics"


async def issue_feed(
    uow: UnitOfWork, clock: Clock, secret_key: str, telegram_user_id: int
) -> str | None:
    """A new token for the account (any earlier one stops working); None when the account
    has no children to show."""
    account = await uow.accounts.by_telegram_user(telegram_user_id)
    roles = await linked_roles(uow, telegram_user_id)
    if account is None or not any(role.student_id for role in roles):
        return None
    now = clock.now()
    await uow.alerts.revoke_feeds(account.id, now)
    token = secrets.token_urlsafe(32)
    uow.alerts.add_feed(
        CalendarFeed(
            account_id=account.id,
            token_hash=keyed_hash(secret_key, PURPOSE, token),
            created_at=now,
        )
    )
    await uow.commit()
    return token


async def revoke_feed(uow: UnitOfWork, clock: Clock, telegram_user_id: int) -> bool:
    account = await uow.accounts.by_telegram_user(telegram_user_id)
    if account is None:
        return False
    revoked = await uow.alerts.revoke_feeds(account.id, clock.now())
    await uow.commit()
    return revoked > 0


async def has_feed(uow: UnitOfWork, telegram_user_id: int) -> bool:
    account = await uow.accounts.by_telegram_user(telegram_user_id)
    return account is not None and await uow.alerts.active_feed(account.id) is not None


async def render_feed(
    uow: UnitOfWork, clock: Clock, i18n: I18n, secret_key: str, token: str
) -> bytes | None:
    """The iCalendar document behind a token in the account's language, or None (unknown,
    revoked, or nobody left to show)."""
    if not token or len(token) > 100:
        return None
    feed = await uow.alerts.feed_by_hash(keyed_hash(secret_key, PURPOSE, token))
    if feed is None:
        return None
    account = await uow.outbox.account(feed.account_id)
    if account is None or not account.is_active:
        return None
    students = await _visible_students(uow, account.telegram_user_id)
    if not students:
        return None
    _ = translator(i18n, account.language or "ru")
    calendar = Calendar()
    calendar.add("prodid", "-//ediary-bot//calendar feed//RU")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", _("School diary"))
    events = _Events(calendar, clock.now(), _)
    schools_done: set[int] = set()
    for student_id in sorted(students):
        found = await uow.diary.student_and_class(student_id)
        if found is None:
            continue
        student, school_class = found
        school = await uow.schools.get(student.school_id)
        today = events.now.astimezone(ZoneInfo(school.timezone)).date()
        first, last = today - PAST, today + AHEAD
        child = f"{student.full_name} ({school_class.name})"
        for test, subject in await uow.diary.assessments_between(school_class.id, first, last):
            events.test(test, subject, child, student_id)
        for lesson, subject, _t, _s in await uow.diary.lessons_between(
            school_class.id, first, last
        ):
            events.moved(lesson, subject, child, student_id)
        if school.id not in schools_done:
            schools_done.add(school.id)
            for holiday in await uow.diary.holidays(school.id):
                if holiday.ends_on >= first:
                    events.holiday(holiday, school.name)
    return bytes(calendar.to_ical())


async def _visible_students(uow: UnitOfWork, telegram_user_id: int) -> set[int]:
    """The children the account may see now (a withdrawn consent or ended link hides one)."""
    return {
        role.student_id
        for role in await linked_roles(uow, telegram_user_id)
        if role.student_id is not None
        and await may_see_student(uow, telegram_user_id, role.student_id)
    }


class _Events:
    """The feed's events, titled in the reader's language."""

    def __init__(self, calendar: Calendar, now: dt.datetime, _: Translator) -> None:
        self.calendar, self.now, self._ = calendar, now, _

    def test(self, test: Assessment, subject: str, child: str, student_id: int) -> None:
        title = "{}: {} — {}".format(self._("Test"), subject, test.kind)
        detail = "\n".join(part for part in (child, test.topic or "") if part)
        self._add(f"test-{test.id}-{student_id}", test.date, test.date, title, detail)

    def moved(self, lesson: Lesson, subject: str, child: str, student_id: int) -> None:
        if lesson.status != LessonStatus.MOVED or lesson.moved_to_date is None:
            return
        detail = self._("{child}: moved here from {day} (lesson {number})").format(
            child=child,
            day=lesson.date.strftime("%d.%m.%Y"),
            number=lesson.moved_to_number or lesson.number,
        )
        on = lesson.moved_to_date
        title = "{}: {}".format(self._("Moved lesson"), subject)
        self._add(f"moved-{lesson.id}-{student_id}", on, on, title, detail)

    def holiday(self, holiday: Holiday, school_name: str) -> None:
        title = "{}: {}".format(self._("Holidays"), holiday.name)
        self._add(f"holiday-{holiday.id}", holiday.starts_on, holiday.ends_on, title, school_name)

    def _add(self, uid: str, first: dt.date, last: dt.date, summary: str, detail: str) -> None:
        _add(self.calendar, uid, first, last, summary, detail, self.now)


def _add(
    calendar: Calendar,
    uid: str,
    first: dt.date,
    last: dt.date,
    summary: str,
    description: str,
    now: dt.datetime,
) -> None:
    event = Event()
    # Stable ids: a calendar app updates the event instead of adding a copy on each refresh.
    event.add("uid", f"{uid}@ediary-bot")
    event.add("dtstamp", now)
    event.add("dtstart", first)
    event.add("dtend", last + dt.timedelta(days=1))  # all-day events end the day after
    event.add("summary", summary)
    if description:
        event.add("description", description)
    calendar.add_component(event)
