"""Channel-neutral rendering: a Rendered becomes Telegram HTML with every text escaped, is
split within Telegram's limit, and reads the same as plain text."""

from __future__ import annotations

from datetime import datetime
from fractions import Fraction
from zoneinfo import ZoneInfo

from aiogram.utils.i18n import I18n

from bot.grading.risk import Recovery, RecoveryKind, RiskState
from bot.presentation.code_entry import EntryLockAlert, render_entry_lock_alert
from bot.presentation.rendered import (
    Bold,
    Bullets,
    Button,
    Gap,
    Link,
    Rendered,
    paragraph,
    plain_text,
)
from bot.presentation.risk_alert import RiskAlertView, render_risk_alert
from bot.presentation.telegram import telegram_html, telegram_keyboard, telegram_messages
from bot.presentation.translation import translator

HOSTILE = "<b>5А</b> & «Физика» <script>"


def test_every_piece_of_text_is_escaped_and_only_markup_is_markup() -> None:
    rendered = Rendered(
        (
            paragraph("⚠️ ", Bold(HOSTILE)),
            Gap(),
            paragraph("See ", Link(HOSTILE, 'https://example.org/?a=1&b="2"')),
            Bullets(((HOSTILE,), ("plain", Bold("bold")))),
        )
    )
    assert telegram_html(rendered) == (
        "⚠️ <b>&lt;b&gt;5А&lt;/b&gt; &amp; «Физика» &lt;script&gt;</b>\n"
        "\n"
        'See <a href="https://example.org/?a=1&amp;b=&quot;2&quot;">'
        "&lt;b&gt;5А&lt;/b&gt; &amp; «Физика» &lt;script&gt;</a>\n"
        "• &lt;b&gt;5А&lt;/b&gt; &amp; «Физика» &lt;script&gt;\n"
        "• plain<b>bold</b>"
    )
    assert plain_text(rendered) == (f"⚠️ {HOSTILE}\n\nSee {HOSTILE}\n• {HOSTILE}\n• plainbold")


def test_a_long_rendering_is_split_between_lines_within_the_limit() -> None:
    rendered = Rendered(tuple(paragraph(Bold(f"line {n}"), " " + "х" * 90) for n in range(100)))
    messages = telegram_messages(rendered)
    assert len(messages) == 3
    assert all(len(message) <= 4096 for message in messages)
    assert "\n".join(messages) == telegram_html(rendered)  # nothing lost, no tag cut
    assert all(message.count("<b>") == message.count("</b>") for message in messages)


def test_buttons_become_the_outbox_keyboard() -> None:
    rendered = Rendered(
        (paragraph("text"),),
        buttons=((Button("👍", callback_data="read:1"), Button("site", url="https://x.org")),),
    )
    assert telegram_keyboard(rendered) == {
        "inline_keyboard": [
            [{"text": "👍", "callback_data": "read:1"}, {"text": "site", "url": "https://x.org"}]
        ]
    }
    assert telegram_keyboard(Rendered((paragraph("no buttons"),))) is None


def test_the_risk_alert_in_both_languages(i18n: I18n) -> None:
    view = RiskAlertView(
        child="Иванов Пётр",
        subject="<Физика>",
        state=RiskState.BELOW_THRESHOLD,
        average=3.25,
        marks=("3", "4-"),
        threshold=Fraction(7, 2),
        recovery=Recovery(RecoveryKind.FIVES_TO_THRESHOLD, 2),
    )
    assert telegram_html(render_risk_alert(view, translator(i18n, "ru"))).startswith(
        "⚠️ <b>&lt;Физика&gt;: Иванов Пётр"
    )
    english = plain_text(render_risk_alert(view, translator(i18n, "en")))
    assert english == (
        "⚠️ <Физика>: Иванов Пётр is slipping\n"
        "The average is under your threshold of 3.5.\n"
        "Average: 3.25\n"
        "Marks: 3, 4-\n"
        "To get back over 3.5: 2 more five(s)."
    )


def test_the_code_entry_alert(i18n: I18n) -> None:
    until = datetime(2026, 9, 1, 9, 10, tzinfo=ZoneInfo("Europe/Moscow"))
    text = plain_text(
        render_entry_lock_alert(EntryLockAlert(201, until, True), translator(i18n, "en"))
    )
    assert text.splitlines()[:3] == [
        "🚨 Many wrong link codes",
        "201 wrong codes were entered in the last 10 minutes.",
        "Entering link codes is paused for everyone until 09:10.",
    ]


def test_the_translator_has_plurals(i18n: I18n) -> None:
    tr = translator(i18n, "ru")
    forms = [
        tr.ngettext("{count} attempt left.", "{count} attempts left.", n).format(count=n)
        for n in (1, 3, 5)
    ]
    assert forms == ["Осталась 1 попытка.", "Осталось 3 попытки.", "Осталось 5 попыток."]
