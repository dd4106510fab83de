"""The linking, consent, /start and /settings messages rendered from their views: names
are text (escaped), the markup is the renderer's, and the texts read as they did."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from aiogram.utils.i18n import I18n

from bot.digests.preferences import PushKind, PushPreferences
from bot.linking.consent_text import consent_document
from bot.presentation.consent import render_consent, render_consent_answer
from bot.presentation.linking import (
    GUARDIAN,
    TEACHER,
    LinkView,
    render_children,
    render_code_entry_paused,
    render_linked,
)
from bot.presentation.placeholders import fill
from bot.presentation.rendered import Bold, Code, Rendered, paragraph, plain_text
from bot.presentation.settings import SettingsView, render_settings, settings_labels
from bot.presentation.start import render_help, render_start
from bot.presentation.telegram import telegram_html, telegram_messages
from bot.presentation.text import escape
from bot.presentation.translation import translator

HOSTILE = "<b>Пётр</b> & {class_name}"


def test_a_placeholder_can_be_an_inline_part() -> None:
    assert fill("Hello, {name}!", name=Bold("Анна")) == ("Hello, ", Bold("Анна"), "!")
    assert fill("{n:02d}:00 {who}", n=7, who="{x}") == ("07:00 {x}",)
    assert fill("{code}", code=Code("A-B")) == (Code("A-B"),)
    assert telegram_html(Rendered((paragraph("see ", Code("<1&2>")),))) == (
        "see <code>&lt;1&amp;2&gt;</code>"
    )
    assert plain_text(Rendered((paragraph("see ", Code("x")),))) == "see x"


def test_the_consent_text_is_escaped_and_keeps_its_paragraphs() -> None:
    document = consent_document(
        "guardian", "ru", school=HOSTILE, guardian="<i>Мама</i>", child=HOSTILE, class_name="5А"
    )
    html = telegram_html(render_consent(document.title, document.text))
    # Exactly what the handler sent before the rendering moved here.
    assert html == f"<b>{escape(document.title)}</b>\n\n{escape(document.text)}"
    assert "<i>" not in html
    assert "&lt;i&gt;Мама&lt;/i&gt;" in html
    assert all(len(part) <= 4096 for part in telegram_messages(render_consent("T", "x\n" * 3000)))


def test_the_answer_to_consent_comes_before_the_link() -> None:
    linked = Rendered((paragraph("linked"),))
    assert telegram_html(render_consent_answer("<ok>", linked)) == "&lt;ok&gt;\n\nlinked"
    assert telegram_html(render_consent_answer("no")) == "no"


def test_linked_names_are_text(i18n: I18n) -> None:
    view = LinkView(role=GUARDIAN, person=HOSTILE, school="Школа & лицей", class_name="5<А>")
    html = telegram_html(render_linked(view, translator(i18n, "en")))
    assert html == (
        "Done! You are linked to the diary of "
        "<b>&lt;b&gt;Пётр&lt;/b&gt; &amp; {class_name}</b>, class 5&lt;А&gt;, Школа &amp; лицей."
        "\n\nSend /help to see what I can do."
    )
    already = telegram_html(render_linked(view, translator(i18n, "ru"), already=True))
    assert already.startswith("<b>&lt;b&gt;Пётр")


def test_children_list_and_the_pause(i18n: I18n) -> None:
    tr = translator(i18n, "en")
    teacher = LinkView(role=TEACHER, person="Анна Ивановна", school="№ 5", class_name=None)
    assert plain_text(render_children([teacher], tr)) == (
        "Linked to your account\n• Анна Ивановна (teacher), № 5"
    )
    now = datetime(2026, 9, 1, 9, 0, tzinfo=UTC)
    paused = render_code_entry_paused(
        translator(i18n, "ru"), until=now + timedelta(seconds=61), now=now, everyone=False
    )
    assert plain_text(paused) == "Слишком много неверных кодов. Попробуйте снова через 2 минуты."


def test_start_reads_as_before(i18n: I18n) -> None:
    html = telegram_html(render_start("<Анна>", translator(i18n, "ru")))
    assert html.startswith("Здравствуйте, <b>&lt;Анна&gt;</b>!\n\n")
    assert "\n\n<b>Как подключиться</b>\n1. Школа выдаёт письмо" in html
    assert "например <code>K7QF-M2XD-9HTB</code>.\n3. После подключения" in html
    assert html.endswith("\n\n/help — что я умею · /language — сменить язык")


def test_help_shows_the_staff_commands_only_to_staff(i18n: I18n) -> None:
    tr = translator(i18n, "en")
    public = [("help", "What the bot can do")]
    families = plain_text(render_help(tr, public=public))
    assert families.splitlines()[:2] == ["Commands", "/help — What the bot can do"]
    assert "For class teachers" not in families
    staff = plain_text(render_help(tr, public=public, staff=[("acks", "x")]))
    assert "\nFor class teachers and administrators\n/acks — x\n" in staff


def test_settings_and_their_buttons(i18n: I18n) -> None:
    tr = translator(i18n, "en")
    view = SettingsView(PushPreferences(), calendar=True, staff=True, monitoring=False)
    text = plain_text(render_settings(view, tr))
    assert text.startswith("Settings\nInterface language:\n\nNotifications\n• Marks: ")
    labels = settings_labels(view, tr)
    assert [kind for kind, _label in labels.modes] == list(PushKind)
    assert labels.revoke == "🚫 Revoke the calendar link"
    assert labels.monitoring == "📊 Diary reading summary: off"
    assert settings_labels(SettingsView(PushPreferences()), tr).revoke is None
