"""The consent text (152-ФЗ art. 9 part 4): complete catalogs, every element, size, proof."""

from __future__ import annotations

import hashlib
from pathlib import Path
from string import Formatter

import pytest
from babel.messages.catalog import Catalog

from bot.linking import consent_text
from bot.linking.consent_text import (
    CONSENT_TEXT_VERSION,
    GUARDIAN_TEXT,
    LOCALES,
    MSGIDS,
    STUDENT_TEXT,
    TITLE,
    VERSIONS,
    ConsentKind,
    consent_catalog,
    consent_document,
    consent_labels,
    consent_summary,
    consent_template,
    covers_email,
    locales_dir,
)

# SHA-256 of the unfilled title and texts of each version, per locale. Append a version when
# the texts change; never edit the entry of a version that has been shown to anyone.
PINNED_TEMPLATE_HASHES: dict[str, dict[str, str]] = {
    "2026-11": {
        "ru/title": "1ee1e18f30f07ca89080a2d9b5c7e468e1f99c5123caf8852b9766ddf5081ec5",
        "ru/guardian": "75d9f862c6a5df2ad3bc54267093f5fc88f54658e07ecff62443cd6211bb7202",
        "ru/student": "f6ba5fcf47f1c12621ed4ad1e008961bc5a3ad010ef8d70e1f749870248b7ffa",
        "en/title": "5d412a4d80551ec33c441dd531e34a275099d1a9b1b3a0a83c44c4d6d461a3e0",
        "en/guardian": "797d3257af10fc83b34149eb2a534fc6fc7b0778ef42daf50aa0b01a1e40a6c3",
        "en/student": "4e8fb09a1b3811a61d5ebe9f7fb6b371eef2aeda3c123ccf45aa080718e8d584",
    },
    "2026-12": {
        "ru/title": "1ee1e18f30f07ca89080a2d9b5c7e468e1f99c5123caf8852b9766ddf5081ec5",
        "ru/guardian": "21a273547028b7371ee761827221d2fc0ce61aa4ff3b7425a753a64711cf0d69",
        "ru/student": "e5068ba49ed0a212800a7bbcbfd977dad8cf1a3a7985a97ae162443532adf8e6",
        "en/title": "5d412a4d80551ec33c441dd531e34a275099d1a9b1b3a0a83c44c4d6d461a3e0",
        "en/guardian": "8d0d80d0b8a5194b6838fdb4ffcb99192a960729bb0152d900b25fcee3108597",
        "en/student": "d6f0476a13ca863f53d532c3235f9333172914251284d301376b25e1c292c0dc",
    },
}
KINDS: tuple[ConsentKind, ...] = ("guardian", "student")
SCHOOL = "МБОУ СОШ № 30 им. Давлюченко И.В."
GUARDIAN = "Иванова Анна Петровна"
CHILD = "Иванов Пётр Сергеевич"
STUDENT = "Петров Павел Андреевич"
CLASS = "5А"
LONG = 300


def fields(template: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(template) if name is not None}


def names(kind: ConsentKind, length: int | None = None) -> dict[str, str]:
    def value(name: str) -> str:
        return name if length is None else (name * length)[:length]

    if kind == "guardian":
        return {"guardian": value(GUARDIAN), "child": value(CHILD), "class_name": value(CLASS)}
    return {"student": value(STUDENT), "class_name": value(CLASS)}


def document(kind: ConsentKind, locale: str = "ru", school: str = SCHOOL) -> str:
    return consent_document(kind, locale, school=school, **names(kind)).text


def template_hashes(version: str = CONSENT_TEXT_VERSION) -> dict[str, str]:
    hashes: dict[str, str] = {}
    for locale in LOCALES:
        title = consent_catalog(locale)[TITLE].string
        assert isinstance(title, str)
        hashes[f"{locale}/title"] = hashlib.sha256(title.encode()).hexdigest()
        for kind in KINDS:
            template = consent_template(kind, locale, version)
            hashes[f"{locale}/{kind}"] = hashlib.sha256(template.encode()).hexdigest()
    return hashes


@pytest.mark.parametrize("locale", LOCALES)
def test_every_message_is_translated_with_its_placeholders(locale: str) -> None:
    catalog = consent_catalog(locale)
    assert {message.id for message in catalog if message.id} == set(MSGIDS)
    for msgid in MSGIDS:
        message = catalog[msgid]
        assert isinstance(message.string, str)
        assert message.string.strip(), msgid
        assert not message.fuzzy, msgid
        assert fields(message.string) == fields(msgid), msgid
        assert "<" not in message.string, "consent texts are plain text"


def test_placeholders_are_the_documented_ones() -> None:
    assert fields(GUARDIAN_TEXT) == {"school", "guardian", "child", "class_name"}
    assert fields(STUDENT_TEXT) == {"school", "student", "class_name"}
    assert fields(TITLE) == set()


def test_the_english_text_says_the_russian_one_prevails() -> None:
    for kind in KINDS:
        assert "the Russian text prevails" in consent_template(kind, "en")
        assert "English" not in consent_template(kind, "ru")


def test_the_russian_guardian_text_has_every_element_of_article_9() -> None:
    text = document("guardian")
    required = [
        "152-ФЗ",
        # the subject, the representative relation and the child
        f"Я, {GUARDIAN}",
        "законным представителем",
        CHILD,
        CLASS,
        # the operator
        f"оператору — {SCHOOL}",
        # the purpose
        "Цель обработки: информирование меня и обучающегося о ходе и результатах обучения",
        "электронного дневника",
        "Telegram",
        "регламентом",
        # the list of data
        "фамилия, имя, отчество",
        "класс",
        "идентификатор пользователя и идентификатор чата в Telegram",
        "язык интерфейса",
        "итоговые оценки",
        "расписание",
        "домашние задания",
        "контрольные работы",
        "рекомендации педагогов",
        "журнал просмотра",
        "сообщения классному руководителю",
        "подтверждения ознакомления с итоговыми оценками",
        # the actions
        "сбор, запись, систематизация, накопление, хранение, уточнение",
        "использование",
        "передача (предоставление) в мессенджер Telegram",
        "удаление, уничтожение",
        # the means
        "автоматизированная обработка",
        # the term
        "Срок действия: до выбытия ребёнка",
        "до отзыва согласия",
        # withdrawal
        "отозвать согласие в любой момент",
        "/privacy",
        "«Отозвать согласие»",
        "письменным заявлением",
        "прекращается сразу",
        "в течение 30 дней",
        "История согласий хранится",
        # refusal has no consequences; paper statements
        "не влечёт последствий для обучения",
        "бумажные выписки",
    ]
    assert [phrase for phrase in required if phrase not in text] == []


def test_the_russian_student_text_is_for_an_adult_consenting_for_themself() -> None:
    text = document("student")
    required = [
        f"Я, {STUDENT}",
        CLASS,
        "18 лет",
        f"оператору — {SCHOOL}",
        "Цель обработки",
        "фамилия, имя, отчество",
        "сбор, запись",
        "автоматизированная обработка",
        "Срок действия: до моего выбытия",
        "отозвать согласие в любой момент",
        "в течение 30 дней",
        "не влечёт последствий для моего обучения",
        "бумажные выписки",
    ]
    assert [phrase for phrase in required if phrase not in text] == []
    assert "законн" not in text


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("kind", KINDS)
def test_a_filled_text_fits_one_telegram_message_even_with_long_names(
    kind: ConsentKind, locale: str
) -> None:
    school = ("Муниципальное бюджетное общеобразовательное учреждение " * 10)[:LONG]
    filled = consent_document(kind, locale, school=school, **names(kind, LONG))
    assert len(filled.full_text) < 4000
    # The template itself leaves room for the names.
    assert len(consent_template(kind, locale)) < 3500


def test_the_summary_and_labels_are_short() -> None:
    for locale in LOCALES:
        summary = consent_summary(locale, school="Ш" * LONG)
        assert summary.startswith("Ш" * LONG)
        assert 3 <= summary.count(". ") + 1 <= 5
        assert len(summary) < 1000
        labels = consent_labels(locale)
        assert max(len(labels.agree), len(labels.refuse)) <= 20


def test_the_russian_labels() -> None:
    labels = consent_labels("ru")
    assert (labels.agree, labels.refuse) == ("Согласен", "Не согласен")
    assert labels.agreed == "Согласие записано. Спасибо!"
    assert "выписки" in labels.refused


def test_the_hash_is_of_title_and_text_and_stable() -> None:
    first = consent_document("guardian", "ru", school=SCHOOL, **names("guardian"))
    again = consent_document("guardian", "ru", school=SCHOOL, **names("guardian"))
    assert first == again
    assert first.sha256 == hashlib.sha256(f"{first.title}\n\n{first.text}".encode()).hexdigest()
    assert first.full_text == f"{first.title}\n\n{first.text}"
    assert first.version == CONSENT_TEXT_VERSION
    assert (first.locale, first.title) == ("ru", "Согласие на обработку персональных данных")
    assert "{" not in first.text


def test_the_hash_changes_with_the_school_the_names_the_kind_and_the_locale() -> None:
    base = consent_document("guardian", "ru", school=SCHOOL, **names("guardian"))
    other_school = consent_document("guardian", "ru", school="МБОУ ООШ № 21", **names("guardian"))
    other_child = consent_document(
        "guardian", "ru", school=SCHOOL, guardian=GUARDIAN, child="Иванова Мария", class_name=CLASS
    )
    english = consent_document("guardian", "en", school=SCHOOL, **names("guardian"))
    student = consent_document("student", "ru", school=SCHOOL, **names("student"))
    digests = {d.sha256 for d in (base, other_school, other_child, english, student)}
    assert len(digests) == 5


def test_names_are_stripped_and_inserted_as_given() -> None:
    padded = consent_document(
        "guardian",
        "ru",
        school=f"  {SCHOOL}\n",
        guardian=f"\t{GUARDIAN} ",
        child=f" {CHILD}",
        class_name=f"{CLASS}  ",
    )
    assert padded == consent_document("guardian", "ru", school=SCHOOL, **names("guardian"))
    braces = consent_document(
        "student", "ru", school="{school} & <b>", student="{0} {student} {", class_name="}"
    )
    assert "оператору — {school} & <b> (далее" in braces.text
    assert "Я, {0} {student} {, " in braces.text


@pytest.mark.parametrize("locale", ["de", "", "RU", "en-GB", "xx"])
def test_an_unknown_locale_falls_back_to_russian(locale: str) -> None:
    for kind in KINDS:
        fallback = consent_document(kind, locale, school=SCHOOL, **names(kind))
        assert fallback == consent_document(kind, "ru", school=SCHOOL, **names(kind))
        assert fallback.locale == "ru"
    assert consent_summary(locale, school=SCHOOL) == consent_summary("ru", school=SCHOOL)
    assert consent_labels(locale) == consent_labels("ru")


def test_english_is_english() -> None:
    english = consent_document("student", "en", school=SCHOOL, **names("student"))
    assert english.locale == "en"
    assert english.title == "Consent to the processing of personal data"
    assert "withdraw this consent at any time" in english.text
    assert consent_labels("en").agree == "I agree"
    assert consent_labels("en").refuse == "I do not agree"


@pytest.mark.parametrize(
    ("kind", "given"),
    [
        ("guardian", {"child": CHILD, "class_name": CLASS}),
        ("guardian", {"guardian": GUARDIAN, "class_name": CLASS}),
        ("guardian", {"guardian": GUARDIAN, "child": CHILD}),
        ("guardian", {"guardian": "   ", "child": CHILD, "class_name": CLASS}),
        ("student", {"class_name": CLASS}),
        ("student", {"student": STUDENT}),
        ("student", {"student": "", "class_name": CLASS}),
        # a name the kind does not use is a mistake of the caller
        ("student", {"student": STUDENT, "class_name": CLASS, "child": CHILD}),
        ("guardian", {**names("guardian"), "student": STUDENT}),
    ],
)
def test_missing_or_stray_names_raise(kind: ConsentKind, given: dict[str, str]) -> None:
    with pytest.raises(ValueError, match="consent text"):
        consent_document(kind, "ru", school=SCHOOL, **given)


def test_a_blank_school_raises() -> None:
    with pytest.raises(ValueError, match="school"):
        consent_document("student", "ru", school=" ", **names("student"))
    with pytest.raises(ValueError, match="school"):
        consent_summary("ru", school="")


def test_an_unknown_kind_raises() -> None:
    with pytest.raises(ValueError, match="kind"):
        consent_document("teacher", "ru", school=SCHOOL)  # type: ignore[arg-type]


def test_a_fuzzy_or_missing_translation_is_an_error_not_the_msgid(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    broken = Catalog(locale="ru", domain="consent")
    broken.add(TITLE, "Согласие", flags=["fuzzy"])
    monkeypatch.setattr(consent_text, "consent_catalog", lambda locale: broken)
    with pytest.raises(LookupError, match="no translation"):
        consent_document("student", "ru", school=SCHOOL, **names("student"))
    with pytest.raises(LookupError, match="no translation"):
        consent_labels("ru")


def test_the_catalogs_are_read_from_the_checkout_once_and_never_compiled() -> None:
    top = Path(__file__).resolve().parent.parent / "locales"
    assert locales_dir() == top
    assert consent_catalog("ru") is consent_catalog("ru")
    assert list(top.rglob("consent.mo")) == []


def test_consent_text_changes_bump_the_version() -> None:
    pinned = PINNED_TEMPLATE_HASHES.get(CONSENT_TEXT_VERSION)
    assert pinned == template_hashes(), (
        "consent text changed: bump CONSENT_TEXT_VERSION and update the pinned hash"
    )


def test_every_version_ever_shown_is_still_the_same_text() -> None:
    # A record keeps its version: its hash must stay checkable against the text it names.
    assert set(VERSIONS) == set(PINNED_TEMPLATE_HASHES)
    for version, pinned in PINNED_TEMPLATE_HASHES.items():
        assert template_hashes(version) == pinned, version


def test_only_the_new_version_names_the_address_and_e_mail_distribution() -> None:
    current = document("guardian")
    assert "адрес электронной почты" in current
    assert "рассылка по электронной почте" in current
    assert "почтовому серверу оператора" in current
    assert "адрес электронной почты" in consent_template("student", "ru")
    old = consent_document("guardian", "ru", school=SCHOOL, version="2026-11", **names("guardian"))
    assert old.version == "2026-11"
    assert "электронной почт" not in old.text
    assert covers_email(CONSENT_TEXT_VERSION)
    assert not covers_email("2026-11")
    assert not covers_email(None)
    assert not covers_email("2099-01")


def test_an_unknown_version_is_refused() -> None:
    with pytest.raises(ValueError, match="version"):
        consent_document("student", "ru", school=SCHOOL, version="1999-01", **names("student"))
