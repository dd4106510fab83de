"""Printable link-code letters: one page each, real Cyrillic text, a QR that scans."""

from __future__ import annotations

import dataclasses
import datetime
import io
import logging

import pytest
import zxingcpp
from aiogram.utils.i18n import I18n
from pypdf import PdfReader

from bot.linking.consent_text import consent_summary
from bot.linking.issuing import IssuedCode
from bot.linking.letter_texts import letter_for
from bot.linking.letters import Letter, LetterTexts, render_letters
from db.models import AccountRole

SCHOOL = "МБОУ СОШ № 7"
CREATED = datetime.datetime(2026, 9, 1, 9, 0, tzinfo=datetime.UTC)

GUARDIAN = Letter(
    school_name=SCHOOL,
    recipient_name="Иванова Мария Николаевна",
    role="guardian",
    child_name="Иванов Пётр Сергеевич",
    class_name="7Б",
    code="K7QF-M2XD-9HTB",
    expires_on=datetime.date(2026, 12, 23),
    deep_link="https://t.me/ediary_school7_bot?start=K7QFM2XD9HTB",
)
STUDENT = dataclasses.replace(
    GUARDIAN,
    recipient_name="Иванов Пётр Сергеевич",
    role="student",
    code="P3RT-8WQA-ZC4N",
    deep_link="https://t.me/ediary_school7_bot?start=P3RT8WQAZC4N",
)
TEACHER = Letter(
    school_name=SCHOOL,
    recipient_name="Смирнова Ольга Владимировна",
    role="teacher",
    child_name=None,
    class_name=None,
    code="T9XK-4MHE-7LUQ",
    expires_on=datetime.date(2026, 12, 23),
    deep_link="https://t.me/ediary_school7_bot?start=T9XK4MHE7LUQ",
    teacher_classes=("7А", "7Б"),
)


def texts(recipient: str) -> LetterTexts:
    return LetterTexts(
        title="Подключение к электронному дневнику в Telegram",
        greeting=f"Уважаемый(ая) {recipient}!",
        body=(
            "Школа передаёт оценки, расписание и домашние задания в Telegram. "
            "Наведите камеру телефона на QR-код или отправьте код боту.\n\n"
            "Код привязывает ваш аккаунт Telegram к электронному дневнику."
        ),
        code_label="Ваш код:",
        expires="Код действует до 23.12.2026 и подходит только один раз.",
        consent_summary=(
            "Оператор персональных данных — школа. Данные обрабатываются только для "
            "доставки сведений электронного дневника. Согласие можно отозвать в любой момент."
        ),
        footer="Если вы не хотите пользоваться Telegram, школа выдаст бумажную выписку.",
        recipient_label="Кому:",
        child_label="Ученик:",
        class_label="Класс:",
    )


def three_letters() -> list[tuple[Letter, LetterTexts]]:
    return [(letter, texts(letter.recipient_name)) for letter in (GUARDIAN, STUDENT, TEACHER)]


@pytest.fixture(scope="module")
def pdf() -> PdfReader:
    return PdfReader(io.BytesIO(render_letters(three_letters(), created_at=CREATED)))


def decoded_links(reader: PdfReader, page: int) -> list[str]:
    image = reader.pages[page].images[0].image
    assert image is not None
    return [barcode.text for barcode in zxingcpp.read_barcodes(image)]


def test_one_page_per_letter(pdf: PdfReader) -> None:
    assert len(pdf.pages) == 3


def test_cyrillic_is_real_text(pdf: PdfReader) -> None:
    text = pdf.pages[0].extract_text()
    for expected in ("K7QF-M2XD-9HTB", "Иванов Пётр Сергеевич", SCHOOL, "привязывает", "7Б"):
        assert expected in text
    assert "\x00" not in text
    assert "\N{REPLACEMENT CHARACTER}" not in text


def test_teacher_letter_lists_classes_and_no_child(pdf: PdfReader) -> None:
    text = pdf.pages[2].extract_text()
    assert "Смирнова Ольга Владимировна" in text
    assert "7А, 7Б" in text
    assert "Ученик:" not in text


def test_qr_decodes_to_the_deep_link(pdf: PdfReader) -> None:
    for page, letter in enumerate((GUARDIAN, STUDENT, TEACHER)):
        assert decoded_links(pdf, page) == [letter.deep_link]
        assert letter.deep_link in pdf.pages[page].extract_text()


def test_metadata(pdf: PdfReader) -> None:
    assert pdf.metadata is not None
    assert pdf.metadata.title == "Подключение к электронному дневнику в Telegram"
    assert pdf.metadata.creator == "ediary-bot"


def test_overlong_text_still_fits_one_page() -> None:
    long_letter = dataclasses.replace(GUARDIAN, recipient_name="Ф" * 300)
    long_texts = dataclasses.replace(
        texts(long_letter.recipient_name),
        consent_summary=("Согласие на обработку персональных данных. " * 70)[:3000],
        body="Инструкция по подключению. " * 200,
    )
    reader = PdfReader(io.BytesIO(render_letters([(long_letter, long_texts), *three_letters()])))
    assert len(reader.pages) == 4
    text = reader.pages[0].extract_text()
    assert "K7QF-M2XD-9HTB" in text  # the code is never cut
    assert "…" in text  # the cut is visible
    assert decoded_links(reader, 0) == [GUARDIAN.deep_link]


def test_symbols_outside_the_fonts_do_not_crash(caplog: pytest.LogCaptureFixture) -> None:
    emoji = dataclasses.replace(
        GUARDIAN, recipient_name="Мария 🦄\u200d👩 Иванова", child_name="Пётр 🧑‍🎓\x07"
    )
    with caplog.at_level(logging.WARNING):
        data = render_letters([(emoji, texts(emoji.recipient_name))])
    text = PdfReader(io.BytesIO(data)).pages[0].extract_text()
    assert "Мария Иванова" in text
    assert "Пётр" in text
    assert "🦄" not in text
    assert not [r for r in caplog.records if "missing" in r.getMessage()]


def test_equal_input_gives_equal_output() -> None:
    first = render_letters(three_letters(), created_at=CREATED)
    second = render_letters(three_letters(), created_at=CREATED)
    assert first == second
    texts_of = [[p.extract_text() for p in PdfReader(io.BytesIO(d)).pages] for d in (first, second)]
    assert texts_of[0] == texts_of[1]
    assert len(texts_of[0]) == 3


def test_no_letters_is_an_error() -> None:
    with pytest.raises(ValueError, match="no letters"):
        render_letters([])


@pytest.mark.parametrize("locale", ["ru", "en"])
def test_a_teacher_letter_states_staff_duties_not_the_family_consent(
    i18n: I18n, locale: str
) -> None:
    def issued(role: AccountRole, child: str | None) -> IssuedCode:
        expires = datetime.datetime(2026, 12, 31, tzinfo=datetime.UTC)
        return IssuedCode(
            code="K7QF-M2XD-9HTB", compact="K7QFM2XD9HTB", role=role, recipient="Смирнова О. В.",
            child=child, class_name="7Б", expires_at=expires,
        )  # fmt: skip

    _staff, teacher = letter_for(i18n, locale, SCHOOL, issued(AccountRole.TEACHER, None), "bot")
    _family, guardian = letter_for(
        i18n, locale, SCHOOL, issued(AccountRole.GUARDIAN, "Иванов Пётр"), "bot"
    )
    assert teacher.consent_summary != guardian.consent_summary
    assert guardian.consent_summary == consent_summary(locale, school=SCHOOL)
    assert "152" in teacher.consent_summary
    assert teacher.footer != guardian.footer
    assert "paper" not in teacher.footer
    assert "бумаж" not in teacher.footer
