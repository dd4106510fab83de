"""The diary's sections rendered from plain views: journal text stays text, the keyboard's
layout, and both languages, without a database or a bot."""

from __future__ import annotations

import datetime as dt

from aiogram.utils.i18n import I18n

from bot.diary.sections import GRADES_PERIOD
from bot.diary.views import ChildRef, DiaryContext, FinalLine, FinalPeriod, HomeworkLine
from bot.presentation.diary_homework import render_homework
from bot.presentation.diary_lists import render_finals
from bot.presentation.diary_navigation import NavigationView, render_navigation
from bot.presentation.rendered import plain_text
from bot.presentation.telegram import telegram_html
from bot.presentation.translation import translator

HOSTILE = "<b>5А</b> & «Физика»"
CHILD = ChildRef(1, "Иванов Пётр", "5А")
CONTEXT = DiaryContext(CHILD, (CHILD,), 1, 1, dt.date(2026, 9, 1), ())


def test_homework_shows_journal_text_literally(i18n: I18n) -> None:
    task = HomeworkLine(HOSTILE, 7, f"№ 5 {HOSTILE}", dt.date(2026, 9, 1), dt.date(2026, 9, 2))
    html = telegram_html(
        render_homework(CONTEXT, dt.date(2026, 9, 2), [task], translator(i18n, "ru"))
    )
    assert html.split("\n") == [
        "<b>Домашнее задание</b> · Иванов Пётр, 5А",
        "На ср, 2 сентября",
        "",
        "<b>&lt;b&gt;5А&lt;/b&gt; &amp; «Физика»</b>",
        "№ 5 &lt;b&gt;5А&lt;/b&gt; &amp; «Физика»",
    ]


def test_final_grades_in_english(i18n: I18n) -> None:
    periods = [
        FinalPeriod(
            "Term 1",
            [
                FinalLine("Maths", "5", None, None),
                FinalLine("Russian", None, dt.date(2027, 1, 20), "<illness>"),
            ],
            dt.datetime(2026, 11, 2, 7, 30, tzinfo=dt.UTC),
        ),
        FinalPeriod("Term 2", [FinalLine("Maths", "4", None, None)], None),
    ]
    rendered = render_finals(CONTEXT, periods, translator(i18n, "en"))
    assert plain_text(rendered).split("\n") == [
        "Final grades · Иванов Пётр, 5А",
        "",
        "Term 1",
        "• Maths — 5",
        "• Russian — deferred until 20.01.2027 (<illness>)",
        "☑️ You acknowledged them on 02.11.2026 10:30",
        "",
        "Term 2",
        "• Maths — 4",
    ]
    assert "(&lt;illness&gt;)" in telegram_html(rendered)


def test_the_navigation_rows(i18n: I18n) -> None:
    view = NavigationView(
        pages=("back", "today", "forward"),
        toggle=(GRADES_PERIOD, "period"),
        subjects=(("Математика", "m"), ("Русский язык", "r"), ("Физика", "f")),
        chart=None,
        children=(("Петрова Анна", "anna"),),
    )
    rows = render_navigation(view, translator(i18n, "ru"))
    assert [[(b.text, b.callback_data) for b in row] for row in rows] == [
        [("«", "back"), ("Сегодня", "today"), ("»", "forward")],
        [("За период", "period")],
        [("🔎 Математика", "m"), ("🔎 Русский язык", "r")],
        [("🔎 Физика", "f")],
        [("Петрова Анна", "anna")],
    ]
