"""The pieces of receiving replies to letters, without a database: reply addresses (signed,
lower-case, at most 64 characters, refused when forged, changed or expired), what is read
out of a reply (quotes cut, HTML turned into words, charsets decoded), what counts as an
automatic message, and the MAIL_INBOUND setting."""

from __future__ import annotations

import base64
import email
from datetime import UTC, datetime, timedelta
from email import policy
from email.header import Header
from email.message import EmailMessage

import pytest

from bot.config import ConfigurationError, load_settings
from bot.mail.relay import parse_sender
from bot.mail.reply_addresses import (
    LOCAL_MAX,
    REPLY_VALID,
    ReplyAddresses,
    check_reply_base,
    parse_listen_address,
)
from bot.mail.reply_text import automatic_reason, html_to_text, reply_text, strip_quoted
from tests.conftest import SECRET_KEY

NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
REPLIES = ReplyAddresses(parse_sender("МБОУ СОШ № 7 <diary@school7.example.ru>"), SECRET_KEY)


def parsed(raw: bytes) -> EmailMessage:
    message = email.message_from_bytes(raw, policy=policy.default)
    assert isinstance(message, EmailMessage)
    return message


@pytest.mark.parametrize("subject", ["g1", "s42", "t7", "g9223372036854775807"])
def test_a_reply_address_names_its_subject_until_it_expires(subject: str) -> None:
    address = REPLIES.address_for(subject, NOW)
    assert address.domain == "school7.example.ru"
    assert address.display_name == "МБОУ СОШ № 7"
    assert address.username.startswith("diary+")
    assert len(address.username) <= LOCAL_MAX
    assert address.username == address.username.lower()
    assert REPLIES.subject_of(address.addr_spec, NOW) == subject
    # Mail servers may fold the case of an address: it still reads.
    assert REPLIES.subject_of(address.addr_spec.upper(), NOW) == subject
    assert REPLIES.subject_of(address.addr_spec, NOW + REPLY_VALID - timedelta(seconds=1))
    assert REPLIES.subject_of(address.addr_spec, NOW + REPLY_VALID) is None


def test_forged_changed_or_foreign_reply_addresses_name_nobody() -> None:
    good = REPLIES.address_for("g12", NOW).addr_spec
    local, domain = good.split("@")
    base, token = local.split("+")
    kind_id, expiry, mac = token.split(".")
    forged = [
        f"{base}+g13.{expiry}.{mac}@{domain}",  # another guardian
        f"{base}+s{kind_id[1:]}.{expiry}.{mac}@{domain}",  # another kind
        f"{base}+{kind_id}.{expiry}z.{mac}@{domain}",  # a later expiry
        f"{base}+{kind_id}.{expiry}.{'a' * 20}@{domain}",  # a made-up MAC
        f"{base}+{kind_id}.{expiry}.{mac[:-1]}@{domain}",  # a shortened MAC
        f"office+{token}@{domain}",  # another mailbox
        f"{local}@school8.example.ru",  # another domain
        f"{base}@{domain}",  # the plain mailbox
        f"{local}",
        "",
    ]
    for address in forged:
        assert REPLIES.subject_of(address, NOW) is None, address
    other_key = ReplyAddresses(REPLIES.base, "another-secret-key-" + "x" * 32)
    assert other_key.subject_of(good, NOW) is None
    assert REPLIES.is_ours(good)
    assert not REPLIES.is_ours("someone@example.org")


def test_a_long_mailbox_name_cannot_make_reply_addresses() -> None:
    check_reply_base(parse_sender("a" * 20 + "@school.ru"))
    with pytest.raises(ValueError, match="longer than 20 characters"):
        check_reply_base(parse_sender("a" * 21 + "@school.ru"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [("0.0.0.0:2525", ("0.0.0.0", 2525)), ("localhost:25", ("localhost", 25)),  # noqa: S104
     ("[::1]:2525", ("::1", 2525)), (" 127.0.0.1:2525 ", ("127.0.0.1", 2525))],
)  # fmt: skip
def test_the_listening_address_is_host_and_port(text: str, expected: tuple[str, int]) -> None:
    assert parse_listen_address(text) == expected


@pytest.mark.parametrize("text", ["2525", "0.0.0.0:0", "host:70000", "a b:25", ":25", "x"])
def test_a_bad_listening_address_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="not host:port"):
        parse_listen_address(text)


def test_the_quoted_letter_and_the_signature_are_cut() -> None:
    gmail = (
        "Спасибо, всё видим.\n> not a quote of ours\nВопрос по математике.\n\n"
        "On Tue, 3 Dec 2026 at 12:00, МБОУ СОШ № 7 <\n"
        "diary+g1.abc.def@school7.example.ru> wrote:\n> Итоговые оценки\n> 5"
    )
    assert strip_quoted(gmail) == "Спасибо, всё видим.\nВопрос по математике."
    yandex = 'Хорошо\n\n03.12.2026, 12:00, "МБОУ СОШ № 7" <diary@school7.example.ru>:\nтекст'
    assert strip_quoted(yandex) == "Хорошо"
    russian = "В пятницу приду.\nпн, 3 дек. 2026 г. в 12:00, Школа пишет:\n> текст"
    assert strip_quoted(russian) == "В пятницу приду."
    outlook = "Понятно.\r\n\r\nFrom: МБОУ СОШ № 7 <diary@school7.example.ru>\r\nSent: вчера"
    assert strip_quoted(outlook) == "Понятно."
    separator = "Да.\n-----Original Message-----\nFrom: school"
    assert strip_quoted(separator) == "Да."
    signed = "Спасибо!\n-- \nМария, тел. +7 900 000-00-00"
    assert strip_quoted(signed) == "Спасибо!"
    # Words that only look like the start of a quote are the family's.
    own = "From: мама Пети\nВопрос: когда собрание?"
    assert strip_quoted(own) == own


def test_html_becomes_words_without_markup() -> None:
    html = (
        "<html><head><style>p{color:red}</style><title>t</title></head><body>"
        "<p>Здравствуйте,&nbsp;Ольга&nbsp;Петровна!</p><div>Будем&nbsp;в&nbsp;четверг"
        "<br/>в&nbsp;18:00 &lt;точно&gt;</div><script>alert(1)</script>"
        '<div class="gmail_quote">On Tue, Школа wrote:<blockquote>Итоговые оценки'
        "</blockquote></div></body></html>"
    )
    text = html_to_text(html)
    assert "alert" not in text
    assert "color" not in text
    assert "Итоговые" not in text
    assert strip_quoted(text) == (
        "Здравствуйте, Ольга Петровна!\n\nБудем в четверг\nв 18:00 <точно>"
    )


def test_the_plain_part_is_preferred_and_charsets_are_decoded() -> None:
    subject = Header("Re: Итоговые оценки", "koi8-r").encode()
    assert subject.startswith("=?koi8-r?b?")
    body = base64.encodebytes("Спасибо, получили.\n\n> Итоговые оценки\n".encode("koi8-r"))
    raw = (
        f"Subject: {subject}\r\nContent-Type: text/plain; charset=koi8-r\r\n"
        "Content-Transfer-Encoding: base64\r\n\r\n"
    ).encode() + body
    message = parsed(raw)
    assert message["Subject"] == "Re: Итоговые оценки"
    assert reply_text(message) == "Спасибо, получили."
    both = EmailMessage()
    both.set_content("Текстом")
    both.add_alternative("<p>Разметкой</p>", subtype="html")
    assert reply_text(parsed(both.as_bytes())) == "Текстом"
    nothing = EmailMessage()
    nothing.set_content(b"%PDF", maintype="application", subtype="pdf")
    assert reply_text(parsed(nothing.as_bytes())) == ""


@pytest.mark.parametrize(
    ("headers", "sender", "reason"),
    [
        ("", "<>", "null sender (a bounce)"),
        ("Auto-Submitted: auto-replied\r\n", "m@example.ru", "Auto-Submitted: auto-replied"),
        ("Precedence: bulk\r\n", "m@example.ru", "Precedence: bulk"),
        ("Precedence: junk\r\n", "m@example.ru", "Precedence: junk"),
        ("Precedence: list\r\n", "m@example.ru", "Precedence: list"),
        ("X-Autoreply: yes\r\n", "m@example.ru", "X-Autoreply"),
        ("Content-Type: multipart/report; report-type=delivery-status; boundary=x\r\n",
         "m@example.ru", "a delivery report"),
    ],
)  # fmt: skip
def test_bounces_and_auto_replies_are_recognised(headers: str, sender: str, reason: str) -> None:
    message = parsed(f"From: m@example.ru\r\n{headers}\r\nЯ в отпуске".encode())
    assert automatic_reason(message, sender) == reason


def test_a_persons_reply_is_not_automatic() -> None:
    message = parsed(b"From: m@example.ru\r\nAuto-Submitted: no\r\n\r\nhello")
    assert automatic_reason(message, "m@example.ru") is None


@pytest.mark.parametrize(
    ("values", "expected_start"),
    [
        ({"MAIL_INBOUND": "2525"}, "MAIL_INBOUND: not host:port"),
        ({"MAIL_INBOUND": "0.0.0.0:2525"}, "MAIL_INBOUND: needs SMTP_URL"),
        ({"MAIL_INBOUND": "0.0.0.0:2525", "SMTP_URL": "smtp://127.0.0.1:25"},
         "MAIL_INBOUND: needs MAIL_FROM"),
        ({"MAIL_INBOUND": "0.0.0.0:2525", "SMTP_URL": "smtp://127.0.0.1:25",
          "MAIL_FROM": "a-very-long-mailbox-name@school.ru"},
         "MAIL_INBOUND: the mailbox name 'a-very-long-mailbox-name' is longer than 20"),
    ],
)  # fmt: skip
def test_a_bad_mail_inbound_setting_is_one_line_with_a_fix(
    monkeypatch: pytest.MonkeyPatch, values: dict[str, str], expected_start: str
) -> None:
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ConfigurationError) as caught:
        load_settings(None)
    message = str(caught.value)
    assert message.startswith(expected_start)
    assert "\n" not in message
    assert "use host:port to receive replies" in message


def test_mail_inbound_is_read_with_the_reply_address(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MAIL_INBOUND", " 0.0.0.0:2525 ")
    monkeypatch.setenv("SMTP_URL", "smtp://127.0.0.1:25")
    monkeypatch.setenv("MAIL_FROM", "diary@school.ru")
    monkeypatch.setenv("MAIL_REPLY_TO", "Канцелярия <office@school.ru>")
    assert load_settings(None).mail_inbound == "0.0.0.0:2525"
    monkeypatch.setenv("MAIL_INBOUND", "")
    assert load_settings(None).mail_inbound is None
