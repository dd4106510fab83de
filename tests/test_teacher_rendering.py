"""The teachers' messages rendered from plain views: announcements, relayed messages, the
acknowledgement summary and the teacher menu; journal and user text stays literal."""

from __future__ import annotations

from datetime import UTC, datetime

from aiogram.utils.i18n import I18n

from bot.finals.standing import FamilyLine, FamilyState
from bot.presentation.acknowledgements import (
    AcknowledgementsView,
    render_acknowledgement_list,
    summary_message,
)
from bot.presentation.broadcasts import (
    AnnouncementView,
    PreviewView,
    render_announcement,
    render_preview,
)
from bot.presentation.relay import FamilyMessage, render_family_message
from bot.presentation.rendered import plain_text
from bot.presentation.teacher_menu import teacher_menu_rows
from bot.presentation.telegram import telegram_html, telegram_keyboard, telegram_messages
from bot.presentation.text import telegram_length
from bot.presentation.translation import translator
from bot.teachers.audience import Audience
from bot.teachers.buttons import BroadcastRead, RelayReply

HOSTILE = "<b>5А</b> & «Физика»"


def test_an_announcement_keeps_its_text_literal_and_has_the_read_button(i18n: I18n) -> None:
    view = AnnouncementView("Школа", HOSTILE, "Смирнова", "Собрание <завтра>\nв 18:00", 7)
    rendered = render_announcement(view, translator(i18n, "en"))
    assert telegram_html(rendered) == (
        "📣 <b>&lt;b&gt;5А&lt;/b&gt; &amp; «Физика»: class teacher Смирнова</b>\n\n"
        "Собрание &lt;завтра&gt;\nв 18:00"
    )
    assert telegram_keyboard(rendered) == {
        "inline_keyboard": [
            [{"text": "👍 Read", "callback_data": BroadcastRead(broadcast=7).pack()}]
        ]
    }


def test_the_preview_of_an_administration_announcement(i18n: I18n) -> None:
    view = PreviewView(AnnouncementView("Школа", None, None, "Завтра"), 3, Audience.BOTH)
    assert plain_text(render_preview(view, translator(i18n, "en"))) == (
        "Preview\n\n📣 Школа: announcement of the administration\n\nЗавтра\n\n"
        "Recipients: 3 (Parents and students)"
    )


def test_a_family_message_as_the_teacher_reads_it(i18n: I18n) -> None:
    view = FamilyMessage(5, "Пётр", "5А", None, "I четверть", "Вопрос <b>по</b> русскому")
    rendered = render_family_message(view, translator(i18n, "en"))
    assert telegram_html(rendered) == (
        "✉️ <b>Message from the student Пётр (5А)</b>\n"
        "🎓 Acknowledged the final grades of I четверть\n\n"
        "Вопрос &lt;b&gt;по&lt;/b&gt; русскому"
    )
    keyboard = telegram_keyboard(rendered)
    assert keyboard is not None
    assert keyboard["inline_keyboard"][0][0]["callback_data"] == RelayReply(thread=5).pack()


def _crowded_class() -> AcknowledgementsView:
    at = datetime(2026, 9, 1, 7, 0, tzinfo=UTC)
    families = tuple(
        FamilyLine(f"Родитель {n:03} <Иванов>", f"Ребёнок {n:03}", FamilyState.ACKNOWLEDGED, at)
        for n in range(120)
    )
    return AcknowledgementsView("5А", "I четверть", families, "Europe/Moscow")


def test_the_running_summary_is_one_message_cut_between_lines(i18n: I18n) -> None:
    text = summary_message(_crowded_class(), translator(i18n, "en"))
    assert telegram_length(text) <= 4096
    assert text.endswith("\n…\nThe full list: /acks")
    assert "• Родитель 000 &lt;Иванов&gt; (Ребёнок 000) — 01.09 10:00" in text
    assert "Родитель 119" not in text


def test_acks_shows_every_family_over_several_messages(i18n: I18n) -> None:
    views = [_crowded_class(), _crowded_class()]
    messages = telegram_messages(render_acknowledgement_list(views, translator(i18n, "en")))
    assert len(messages) > 2
    assert all(telegram_length(message) <= 4096 for message in messages)
    assert sum(message.count("Родитель 119") for message in messages) == 2
    assert "The full list" not in "".join(messages)


def test_the_teacher_menu_in_russian(i18n: I18n) -> None:
    assert teacher_menu_rows(translator(i18n, "ru")) == [
        ["📣 Объявление", "📬 Объявления"],
        ["✅ Ознакомление", "📄 Отчёты"],
    ]
