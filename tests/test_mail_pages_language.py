"""The pages a letter's links open speak the family's language, on both databases: the
language the link's person chose for their linked Telegram account, else the browser's
(``Accept-Language`` with its weights) among our catalogs, else Russian. A refused link
answers in the browser's language only, so it tells nothing of whom it names."""

from __future__ import annotations

from aiogram import Dispatcher
from aiogram.utils.i18n import I18n
from aiohttp import web
from aiohttp.test_utils import TestClient

from bot.app import build_web_app
from bot.handlers.language import LanguageChoice
from bot.services import Services
from bot.web.accept_language import browser_locale, preferred_languages
from db.database import Database
from db.models import DeliveryChannel
from tests.conftest import ClientFactory
from tests.doubles.clock import FakeClock
from tests.doubles.conversation import BotConversation
from tests.doubles.recording_session import RecordingBot
from tests.finals_fixtures import deliver_all, final, publish, school_with_teacher
from tests.mail_fixtures import (
    PUBLIC_URL,
    Received,
    RunningSink,
    address,
    grant,
    mail_worker,
    send_all,
    smtp_sink,
)
from tests.test_change_pushes import FATHER
from tests.test_mail_finals import ack_path

__all__ = ["smtp_sink"]  # the fixture, used by name
MOTHER = "maria@example.ru"
FATHER_MAIL = "sergey@example.ru"
ENGLISH = {"Accept-Language": "en-GB,en;q=0.9"}


def test_accept_language_is_read_by_its_weights() -> None:
    assert preferred_languages("ru;q=0.1, en;q=0.5, de") == ["de", "en", "ru"]
    assert preferred_languages("fr;q=0.9, en;q=0.9, ru;q=0") == ["fr", "en"]  # ties keep order
    # A malformed weight, a weight above 1, a broken tag and the wildcard choose nothing.
    assert preferred_languages("en;q=abc, en;q=1.5, <script>, *, ru;q=0.2") == ["ru"]
    assert browser_locale("de-DE, fr;q=0.9, ru;q=0.3, en;q=0.2") == "ru"
    assert browser_locale("EN-us") == "en"
    assert browser_locale("ru;q=0, en;q=0.1") == "en"  # q=0: not wanted at all
    assert browser_locale("de, fr") is None
    assert browser_locale("") is None
    assert browser_locale(None) is None


async def letters_to_both(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock,
    i18n: I18n, sink: RunningSink,
) -> dict[str, Received]:  # fmt: skip
    """The father (g2) chose English in the bot and e-mail besides Telegram; the mother (g1)
    is known only by her address. Final grades are published and both letters sent."""
    school, _father, _teacher = await school_with_teacher(dispatcher, bot, database, clock)
    father = BotConversation(dispatcher, bot, FATHER)
    await father.send("/settings")
    await father.click(LanguageChoice(code="en"))
    await address(database, clock, school, "g2", FATHER_MAIL, DeliveryChannel.BOTH)
    await grant(database, clock, school, "g1")
    await address(database, clock, school, "g1", MOTHER)
    await publish(database, clock, i18n, school, [final("f1", "math", "5")])
    await deliver_all(database, bot, clock)
    assert (await send_all(mail_worker(database, clock, i18n, sink))).sent == 2
    return {letter.recipients[0]: letter for letter in sink.sink.received}


def unsubscribe_path(letter: Received) -> str:
    return letter.header("List-Unsubscribe").strip("<>").removeprefix(PUBLIC_URL)


def forged(path: str) -> str:
    head, mac = path.rsplit(".", 1)
    return f"{head}.{'A' if mac[0] != 'A' else 'B'}{mac[1:]}"


async def page(
    client: TestClient[web.Request, web.Application],
    method: str,
    path: str,
    headers: dict[str, str] | None = None,
) -> tuple[int, str]:
    response = await client.request(method, path, headers=headers or {})
    return response.status, await response.text()


async def test_each_family_opens_its_links_in_its_own_language(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock,
    i18n: I18n, smtp_sink: RunningSink, services: Services, client_for: ClientFactory,
) -> None:  # fmt: skip
    letters = await letters_to_both(dispatcher, bot, database, clock, i18n, smtp_sink)
    client = await client_for(build_web_app(services))
    russian_browser = {"Accept-Language": "ru-RU,ru;q=0.9"}

    # The father chose English: his pages are English whatever his browser says.
    father_ack = ack_path(letters[FATHER_MAIL])
    status, text = await page(client, "GET", father_ack, russian_browser)
    assert status == 200
    assert '<html lang="en">' in text
    assert "Final grades: Иванов Пётр Сергеевич" in text
    assert "I have seen them" in text
    status, text = await page(client, "POST", father_ack, russian_browser)
    assert (status, '<html lang="en">' in text) == (200, True)
    assert "Acknowledged " in text
    father_unsubscribe = unsubscribe_path(letters[FATHER_MAIL])
    status, text = await page(client, "GET", father_unsubscribe, russian_browser)
    assert (status, '<html lang="en">' in text) == (200, True)
    assert "Unsubscribe from the diary&#39;s letters?" in text  # escaped by the template

    # The mother chose nothing: her browser's language, else Russian.
    mother_ack = ack_path(letters[MOTHER])
    status, text = await page(client, "GET", mother_ack)
    assert (status, '<html lang="ru">' in text) == (200, True)
    assert "Итоговые оценки: Иванов Пётр Сергеевич" in text
    status, text = await page(client, "GET", mother_ack, ENGLISH)
    assert (status, '<html lang="en">' in text) == (200, True)
    assert "Final grades: Иванов Пётр Сергеевич" in text
    weighted = {"Accept-Language": "de;q=1, en;q=0.2, ru;q=0.7"}
    status, text = await page(client, "GET", mother_ack, weighted)
    assert (status, '<html lang="ru">' in text) == (200, True)
    status, text = await page(client, "POST", unsubscribe_path(letters[MOTHER]), ENGLISH)
    assert (status, '<html lang="en">' in text) == (200, True)
    assert "Your deliveries now go: on paper." in text


async def test_a_refused_link_tells_nothing_through_its_language(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock,
    i18n: I18n, smtp_sink: RunningSink, services: Services, client_for: ClientFactory,
) -> None:  # fmt: skip
    letters = await letters_to_both(dispatcher, bot, database, clock, i18n, smtp_sink)
    client = await client_for(build_web_app(services))
    # Forged copies of the father's links: Russian (no browser language), not his English.
    for path in (ack_path(letters[FATHER_MAIL]), unsubscribe_path(letters[FATHER_MAIL])):
        for method in ("GET", "POST"):
            status, text = await page(client, method, forged(path))
            assert status == 404, (method, path)
            assert '<html lang="ru">' in text
            assert "Ссылка недействительна" in text
            status, text = await page(client, method, forged(path), ENGLISH)
            assert (status, '<html lang="en">' in text) == (404, True)
            assert "This link is not valid" in text
    # Nothing was unsubscribed by the forged POSTs: the father's real link still asks.
    status, text = await page(client, "GET", unsubscribe_path(letters[FATHER_MAIL]))
    assert (status, '<html lang="en">' in text) == (200, True)


# What a refused link's page says to do instead, by the link's purpose (its route).
REFUSED = {
    "/mail/ack/x": (
        "Узнайте итоговые оценки у классного руководителя.",
        "Ask the class teacher for the final grades.",
    ),
    "/mail/unsubscribe/x": (
        "Воспользуйтесь ссылкой из более нового письма",
        "Use the link in a newer letter",
    ),
    "/mail/confirm/x": ("укажите адрес ещё раз в /settings", "Give the address again in the bot"),
    "/mail/settings/x": (
        "В каждом новом письме есть свежая ссылка на настройки писем.",
        "Every new letter carries a fresh link to the letter settings.",
    ),
}


async def test_a_refused_link_says_what_to_do_for_its_own_purpose(
    services: Services, client_for: ClientFactory
) -> None:
    client = await client_for(build_web_app(services))
    for path, (russian, english) in REFUSED.items():
        others = [words for other, pair in REFUSED.items() if other != path for words in pair]
        for method in ("GET", "POST"):
            status, text = await page(client, method, path)
            assert (status, russian in text) == (404, True), (method, path)
            assert "Срок её действия истёк или она изменена." in text
            status, text = await page(client, method, path, ENGLISH)
            assert (status, english in text) == (404, True), (method, path)
            assert not [words for words in others if words in text]
