"""The pure parts of e-mail: SMTP_URL and MAIL_FROM read (bad ones refused with a clear
line), signed links, the e-mail renderer, and the relay's answers classified."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.config import ConfigurationError, load_settings
from bot.mail.relay import Delivery, _answer_of, parse_sender, parse_smtp_url
from bot.mail.signed_links import ACKNOWLEDGE, UNSUBSCRIBE, sign, verify
from bot.presentation.email import email_document, email_html, email_text
from bot.presentation.rendered import Bold, Button, Code, Link, Rendered, Struck, paragraph
from tests.conftest import SECRET_KEY

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)


def test_smtp_urls_for_starttls_implicit_tls_and_a_local_sink() -> None:
    starttls = parse_smtp_url("smtp://diary%40school.ru:p%3Ass@mail.school.ru")
    assert (starttls.host, starttls.port, starttls.implicit_tls) == ("mail.school.ru", 587, False)
    assert (starttls.username, starttls.password) == ("diary@school.ru", "p:ss")
    assert not starttls.local
    implicit = parse_smtp_url("smtps://u:p@mail.school.ru")
    assert (implicit.port, implicit.implicit_tls) == (465, True)
    sink = parse_smtp_url("smtp://127.0.0.1:2525")
    assert (sink.port, sink.local, sink.username) == (2525, True, None)


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("http://mail.school.ru", "not an smtp"),
        ("smtp://", "no host"),
        ("smtp://mail.school.ru:99999", "port"),
        ("smtp://mail.school.ru/inbox", "only a user"),
        ("smtp://mail.school.ru?tls=no", "only a user"),
    ],
)
def test_a_wrong_smtp_url_is_refused_with_the_reason(url: str, why: str) -> None:
    with pytest.raises(ValueError, match=why):
        parse_smtp_url(url)
    with pytest.raises(ConfigurationError, match=r"^SMTP_URL: .*smtps://"):
        load_settings(None, smtp_url=url)


def test_the_sender_with_a_cyrillic_name_and_an_idn_domain() -> None:
    sender = parse_sender("Школа № 30 <diary@школа30.рф>")
    assert sender.display_name == "Школа № 30"
    assert sender.addr_spec == "diary@xn--30-6kc3bfr2e.xn--p1ai"
    assert parse_sender("diary@school.ru").addr_spec == "diary@school.ru"


@pytest.mark.parametrize(
    "sender",
    ["", "Школа", "a@b.ru, c@d.ru", "Школа <diary@school.ru>\r\nBcc: x@y.ru", "<@school.ru>"],
)
def test_a_wrong_sender_is_refused(sender: str) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 (each gives its own reason)
        parse_sender(sender)
    with pytest.raises(ConfigurationError, match=r"^MAIL_FROM: "):
        load_settings(None, mail_from=sender or "x")


def test_the_mail_settings_default_and_the_rate_is_bounded() -> None:
    settings = load_settings(None)
    assert (settings.smtp_url, settings.mail_from, settings.mail_rate) == (None, None, 5.0)
    assert load_settings(None, mail_rate="50").mail_rate == 50.0
    for rate in ("0", "-1", "5000"):
        with pytest.raises(ConfigurationError, match=r"^MAIL_RATE: "):
            load_settings(None, mail_rate=rate)


def test_a_signed_link_is_refused_forged_for_another_purpose_or_expired() -> None:
    until = NOW + timedelta(days=1)
    token = sign(SECRET_KEY, ACKNOWLEDGE, "g42", until)
    found = verify(SECRET_KEY, ACKNOWLEDGE, token, NOW)
    assert found is not None
    assert (found.subject, found.expires_at) == ("g42", until)
    assert verify(SECRET_KEY, UNSUBSCRIBE, token, NOW) is None
    assert verify("another-key-" + "x" * 32, ACKNOWLEDGE, token, NOW) is None
    assert verify(SECRET_KEY, ACKNOWLEDGE, token.replace("g42", "g43"), NOW) is None
    assert verify(SECRET_KEY, ACKNOWLEDGE, token, until) is None
    assert verify(SECRET_KEY, ACKNOWLEDGE, token + "x", NOW) is None
    assert verify(SECRET_KEY, ACKNOWLEDGE, "", NOW) is None
    with pytest.raises(ValueError, match="subject"):
        sign(SECRET_KEY, ACKNOWLEDGE, "g1.2", until)
    with pytest.raises(ValueError, match="purpose"):
        sign(SECRET_KEY, "login", "g1", until)


def test_the_relays_answers() -> None:
    assert _answer_of(250, "ok").delivery is Delivery.SENT
    assert _answer_of(451, "later").delivery is Delivery.TEMPORARY
    refused = _answer_of(550, "no such user")
    assert (refused.delivery, refused.detail) == (Delivery.PERMANENT, "550 no such user")


def test_both_parts_come_from_the_same_rendered_message() -> None:
    rendered = Rendered(
        (
            paragraph(Bold("Итоги"), " ", Struck("урок"), " ", Code("A1")),
            paragraph(Link("ссылка", "https://x.ru/?a=1&b=2"), Link("плохо", "javascript:x")),
        ),
        ((Button("Открыть", url="https://x.ru/o"), Button("Кнопка бота", callback_data="x")),),
    )
    text = email_text(rendered)
    assert text == "Итоги урок A1\nссылка (https://x.ru/?a=1&b=2)плохо\nОткрыть: https://x.ru/o"
    html = email_html(rendered)
    assert "<b>Итоги</b> <s>урок</s> <code>A1</code>" in html
    assert '<a href="https://x.ru/?a=1&amp;b=2">ссылка</a>плохо' in html
    assert 'href="https://x.ru/o"' in html
    assert "Кнопка бота" not in html
    assert "Кнопка бота" not in text
    page = email_document("<Тема>", [html], Rendered((paragraph("подвал"),)), "ru")
    assert page.startswith("<!DOCTYPE html>")
    assert "<title>&lt;Тема&gt;</title>" in page
    assert '<html lang="ru">' in page
