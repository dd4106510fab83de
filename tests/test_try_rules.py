"""The try mode's pure parts: whom one can be, the movable clock, where a jump lands, the
flood limits the stand-in enforces, and how a bot message is made safe for a web page."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.clock import AdjustableClock
from bot.presentation.try_page import keyboard_view, telegram_html_for_page
from bot.standin.flood_control import FloodControl, FloodLimits
from bot.trying.cast import FamilyRow, choose_cast
from bot.trying.page import jump_target
from tests.doubles.clock import FakeClock

MOSCOW = ZoneInfo("Europe/Moscow")


def row(
    guardian: int, student: int, born: date | None, klass: int, teacher: int | None = 9
) -> FamilyRow:
    return FamilyRow(guardian, student, born, klass, teacher)


def test_the_cast_is_a_parent_of_two_with_the_elder_childs_class_teacher() -> None:
    rows = [
        row(1, 10, date(2018, 5, 1), klass=2, teacher=21),  # parent of two: younger child
        row(1, 11, date(2013, 3, 1), klass=7, teacher=27),  # ... and the elder one in 7
        row(2, 12, date(2013, 8, 1), klass=7, teacher=27),  # one child in 7: the newcomer
        row(3, 13, date(2009, 1, 1), klass=11, teacher=31),  # the eldest student
        row(4, 14, date(2018, 1, 1), klass=2, teacher=21),
    ]
    cast = choose_cast(rows)
    assert cast is not None
    assert cast.parent_id == 1
    assert cast.parent_children == (11, 10)  # the elder first
    assert cast.teacher_id == 27  # the elder child's class teacher
    assert cast.newcomer_id == 2  # of the same class, another family
    assert cast.student_id == 13


def test_no_cast_without_a_family_of_two_or_a_class_teacher() -> None:
    assert choose_cast([row(1, 10, None, 2), row(2, 11, None, 2)]) is None
    no_teacher = [row(1, 10, None, 2, None), row(1, 11, None, 3, None), row(2, 12, None, 2)]
    assert choose_cast(no_teacher) is None
    assert choose_cast([]) is None


def test_the_newcomer_is_never_of_the_parents_family() -> None:
    # Guardian 2 is the other parent of the same two children: not a newcomer.
    rows = [row(1, 10, date(2014, 1, 1), 7), row(1, 11, date(2018, 1, 1), 2),
            row(2, 10, date(2014, 1, 1), 7), row(3, 12, date(2014, 2, 1), 7)]  # fmt: skip
    cast = choose_cast(rows)
    assert cast is not None
    assert cast.newcomer_id == 3


def test_the_adjustable_clock_only_moves_ahead() -> None:
    base = FakeClock(datetime(2026, 12, 2, 7, 0, tzinfo=UTC))
    clock = AdjustableClock(base)
    assert clock.now() == base.now()
    clock.move_to(datetime(2026, 12, 2, 16, 0, tzinfo=UTC))
    assert clock.now() == datetime(2026, 12, 2, 16, 0, tzinfo=UTC)
    clock.move_to(datetime(2026, 12, 1, tzinfo=UTC))  # the past: nothing changes
    assert clock.now() == datetime(2026, 12, 2, 16, 0, tzinfo=UTC)
    base.advance(timedelta(minutes=5))  # the base clock still runs underneath
    assert clock.now() == datetime(2026, 12, 2, 16, 5, tzinfo=UTC)
    with pytest.raises(ValueError, match="timezone-aware"):
        clock.move_to(datetime(2026, 12, 3))  # noqa: DTZ001


@pytest.mark.parametrize(
    ("local_now", "jump", "lands"),
    [
        ((2, 10, 30), "hour", (2, 11, 30)),
        ((2, 10, 30), "day", (3, 10, 30)),
        ((2, 10, 30), "evening", (2, 19, 0)),
        ((2, 19, 0), "evening", (3, 19, 0)),
        ((2, 7, 59), "morning", (2, 8, 0)),
        ((2, 23, 30), "morning", (3, 8, 0)),
    ],
)
def test_a_jump_lands_at_the_schools_hour(
    local_now: tuple[int, int, int], jump: str, lands: tuple[int, int, int]
) -> None:
    """(day of December 2026, hour, minute) in Moscow."""
    now = datetime(2026, 12, *local_now, tzinfo=MOSCOW).astimezone(UTC)
    assert jump_target(now, jump, MOSCOW) == datetime(2026, 12, *lands, tzinfo=MOSCOW)


def test_flood_control_lets_a_burst_through_then_asks_to_wait() -> None:
    flood = FloodControl(FloodLimits(per_second=30, per_chat_per_second=1, chat_burst=3))
    assert [flood.retry_after(1, 0.0) for _ in range(3)] == [None, None, None]
    assert flood.retry_after(1, 0.0) == 1  # a fourth at once: wait a second
    assert flood.retry_after(2, 0.0) is None  # another chat is not held back
    assert flood.retry_after(1, 1.0) is None  # a second later one more passes


def test_flood_control_holds_the_bot_to_its_rate_across_chats() -> None:
    flood = FloodControl(FloodLimits(per_second=30, bot_burst=30))
    passed = [flood.retry_after(chat, 0.0) for chat in range(40)]
    assert passed.count(None) == 30
    assert all(wait == 1 for wait in passed[30:])
    # Paid broadcasts lift the bot's rate, not the per-chat rule.
    paid = FloodControl(FloodLimits(per_second=30, bot_burst=30, paid_per_second=1000))
    assert [paid.retry_after(chat, 0.0, paid=True) for chat in range(200)].count(None) == 200


def test_a_bots_html_is_cleaned_to_telegrams_tags() -> None:
    hostile = (
        "<b>Итог</b> <script>alert(1)</script><img src=x onerror=alert(2)>"
        '<a href="javascript:alert(3)">x</a> <a href="https://school.example/">сайт</a>'
        '<i onclick="alert(4)">курсив</i>'
    )
    cleaned = telegram_html_for_page(hostile, "HTML")
    assert "<b>Итог</b>" in cleaned
    for gone in ("<script", "alert(1)", "<img", "onerror", "onclick"):
        assert gone not in cleaned
    assert "javascript:" not in cleaned
    assert 'href="https://school.example/"' in cleaned
    assert "<i>курсив</i>" in cleaned


def test_plain_text_is_escaped_not_interpreted() -> None:
    assert telegram_html_for_page("<b>5</b> & 4", None) == "&lt;b&gt;5&lt;/b&gt; &amp; 4"


def test_a_reply_keyboard_becomes_rows_of_texts() -> None:
    markup = {"keyboard": [[{"text": "📊 Оценки"}, "📅 Расписание"]], "resize_keyboard": True}
    assert keyboard_view(markup) == [["📊 Оценки", "📅 Расписание"]]
    assert keyboard_view(None) is None
