"""The change pushes, the daily summary's heading, report captions and the weekly
monitoring summary, rendered from plain views: journal text stays literal, long captions
are cut as text."""

from __future__ import annotations

import datetime as dt

from aiogram.utils.i18n import I18n

from bot.presentation.change_pushes import (
    AdvicePush,
    HomeworkPush,
    LessonChange,
    LessonPush,
    MarkChange,
    MarksPush,
    render_change_push,
    render_summary_header,
)
from bot.presentation.monitoring import ReadingFamily, ReadingSummary, render_reading_summary
from bot.presentation.rendered import plain_text
from bot.presentation.reports import (
    CAPTION_LIMIT,
    ReportCaption,
    StatementsCaption,
    render_report_caption,
    render_report_question,
    render_statements_caption,
)
from bot.presentation.telegram import telegram_html
from bot.presentation.text import telegram_length
from bot.presentation.translation import translator
from bot.reports.kinds import ReportKind

HOSTILE = "<b>и</b> & co"
LITERAL = "&lt;b&gt;и&lt;/b&gt; &amp; co"


def test_marks_push_keeps_journal_text_literal(i18n: I18n) -> None:
    view = MarksPush(
        child="Иванов Пётр",
        changes=(
            MarkChange(HOSTILE, None, "5", work_type="к/р"),
            MarkChange("Физика", "3", "4"),
            MarkChange("Химия", "2", None, date="2026-09-07"),
        ),
    )
    assert telegram_html(render_change_push(view, translator(i18n, "en"))) == (
        "<b>Changes in marks: Иванов Пётр</b>\n"
        f"• {LITERAL}: <b>5</b> (к/р)\n"
        "• Физика: 3 → <b>4</b>\n"
        "• Химия: the mark 2 of 07.09 was removed"
    )


def test_lesson_homework_and_advice_pushes(i18n: I18n) -> None:
    _ = translator(i18n, "en")
    moved = LessonPush(
        child="Пётр",
        date="2026-09-07",
        number="3",
        subject="Физика",
        change=LessonChange.MOVED,
        moved_to_date="2026-09-09",
        moved_to_number="5",
    )
    assert plain_text(render_change_push(moved, _)) == (
        "🔁 Schedule change: Пётр, 07.09\n3. Физика — moved to 09.09, lesson 5"
    )
    homework = HomeworkPush("Пётр", "Физика", "not a date", HOSTILE)
    assert telegram_html(render_change_push(homework, _)) == (
        f"📚 <b>Homework for Пётр</b>\nФизика (due not a date): {LITERAL}"
    )
    advice = AdvicePush("Пётр", "Сидорова", "", "Читать вслух")
    assert telegram_html(render_change_push(advice, _)) == (
        "💬 <b>Recommendation for Пётр from Сидорова</b>\nЧитать вслух"
    )


def test_the_daily_summary_heading(i18n: I18n) -> None:
    header = render_summary_header(dt.date(2026, 9, 7), translator(i18n, "en"))
    assert telegram_html(header) == "🗒 <b>Daily summary for 07.09</b>"


def test_captions_are_escaped_and_cut_as_text(i18n: I18n) -> None:
    _ = translator(i18n, "en")
    title = render_report_caption(ReportCaption(ReportKind.MONITORING, HOSTILE, "I"), _)
    assert telegram_html(title) == f"Parent monitoring: {LITERAL}, I"
    long = StatementsCaption("&" * 2000, dt.date(2026, 9, 1), dt.date(2026, 9, 7), 3)
    text = plain_text(render_statements_caption(long, _))
    assert telegram_length(text) == CAPTION_LIMIT
    assert text.endswith("&…")
    assert telegram_html(render_statements_caption(long, _)).endswith("&amp;…")
    question = render_report_question(HOSTILE, _)
    assert telegram_html(question) == f"{LITERAL}: which report?"


def test_the_monitoring_summary(i18n: I18n) -> None:
    view = ReadingSummary(
        class_name="5А",
        first=dt.date(2026, 9, 7),
        last=dt.date(2026, 9, 13),
        enough=(ReadingFamily(HOSTILE, "Антон"),),
        fewer=(),
        never=(),
        no_access=(),
    )
    assert telegram_html(render_reading_summary(view, translator(i18n, "en"))) == (
        "<b>Parents reading the diary, 5А, 07.09.2026 – 13.09.2026</b>\n"
        "\n"
        "<b>At least twice a week: 1</b>\n"
        f"• {LITERAL} (Антон)\n"
        "\n"
        "<b>Less than twice: 0</b>\n"
        "\n"
        "<b>Never: 0</b>\n"
        "\n"
        "<b>No electronic access (paper statements): 0</b>"
    )
