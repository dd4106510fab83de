"""The e-mail address check: what a family writes on a statement passes, normalised; anything
that could become a header, a second recipient or a look-alike domain is refused."""

from __future__ import annotations

import pytest

from bot.contacts.addresses import ADDRESS_MAX, InvalidEmail, parse_email


@pytest.mark.parametrize(
    ("written", "stored", "ascii"),
    [
        ("maria.ivanova@mail.ru", "maria.ivanova@mail.ru", "maria.ivanova@mail.ru"),
        # The domain is case-insensitive and lower-cased; the local part is kept as written.
        ("Maria.Ivanova+school@Mail.RU", "Maria.Ivanova+school@mail.ru",
         "Maria.Ivanova+school@mail.ru"),
        # Plain spaces from copying are trimmed.
        ("  petrov@yandex.ru ", "petrov@yandex.ru", "petrov@yandex.ru"),
        # A Cyrillic domain is stored as written (normalised) and sent in IDNA ASCII.
        ("mama@ПОЧТА.РФ", "mama@почта.рф", "mama@xn--80a1acny.xn--p1ai"),
        ("mama@xn--80a1acny.xn--p1ai", "mama@почта.рф", "mama@xn--80a1acny.xn--p1ai"),
        ("a@münchen.de", "a@münchen.de", "a@xn--mnchen-3ya.de"),
        # Full-width letters and the ideographic full stop fold to their plain forms.
        ("a@ｅｘａｍｐｌｅ.com", "a@example.com", "a@example.com"),
        ("a@example\u3002com", "a@example.com", "a@example.com"),
        ("o'brien!#$%&*/=?^_`{|}~-@x.org", "o'brien!#$%&*/=?^_`{|}~-@x.org",
         "o'brien!#$%&*/=?^_`{|}~-@x.org"),
    ],
)  # fmt: skip
def test_an_acceptable_address_is_normalised(written: str, stored: str, ascii: str) -> None:
    parsed = parse_email(written)
    assert (parsed.address, parsed.ascii) == (stored, ascii)


@pytest.mark.parametrize(
    ("written", "reason"),
    [
        # Header injection: a line break anywhere, never cleaned away.
        ("maria@mail.ru\r\nBcc: all@evil.example", "control character"),
        ("maria@mail.ru\n", "control character"),
        ("maria@mail.ru\x00", "control character"),
        ("maria@mail.ru\u2028", "control character"),
        ("maria@mail.ru\u0085", "control character"),
        ("\u202emaria@mail.ru", "control character"),  # a bidirectional override
        ("maria@ma\u200bil.ru", "control character"),  # a zero-width space
        ("maria\t@mail.ru", "control character"),
        ("maria @mail.ru", "no spaces"),
        ("maria\u00a0@mail.ru", "no spaces"),
        # Shape.
        ("", "empty"),
        ("   ", "empty"),
        ("maria.mail.ru", "exactly one @"),
        ("maria@x@mail.ru", "exactly one @"),
        ("@mail.ru", "nothing before the @"),
        ("maria@", "nothing after the @"),
        ('"maria ivanova"@mail.ru', "no spaces"),
        ('"maria"@mail.ru', "cannot contain"),
        ("maria(comment)@mail.ru", "cannot contain"),
        ("maria,petr@mail.ru", "cannot contain"),
        ("<maria@mail.ru>", "cannot contain"),
        (".maria@mail.ru", "dot"),
        ("maria.@mail.ru", "dot"),
        ("ma..ria@mail.ru", "dot"),
        ("мария@почта.рф", "SMTPUTF8"),
        # The domain.
        ("maria@localhost", "needs a dot"),
        ("maria@[10.0.0.1]", "address literal"),
        ("maria@10.0.0.1", "cannot end in a number"),
        ("maria@mail.ru.", "ends with a dot"),
        ("maria@mail..ru", "not a valid name"),
        ("maria@-mail.ru", "letters, digits, hyphens"),
        ("maria@mail-.ru", "letters, digits, hyphens"),
        ("maria@ma_il.ru", "letters, digits, hyphens"),
        ("maria@mail.ru:25", "letters, digits, hyphens"),
        ("maria@xn--zz.ru", "broken xn--"),
        ("maria@straße.de", "ß or ς"),
        # Lengths (RFC 5321).
        ("m" * 65 + "@mail.ru", "longer than 64"),
        ("maria@" + "d" * 64 + ".ru", "not a valid name"),
        ("m" * 64 + "@" + ("d" * 60 + ".") * 3 + "d" * 10 + ".ru", f"longer than {ADDRESS_MAX}"),
        ("m@" + ("d" * 63 + ".") * 4 + "ru", "domain is longer than 253"),
        ("m" * 5000 + "@mail.ru", "too long"),
    ],
)
def test_a_refused_address_says_why(written: str, reason: str) -> None:
    with pytest.raises(InvalidEmail) as refused:
        parse_email(written)
    assert reason in str(refused.value)
    assert "\n" not in str(refused.value)  # one line, whatever the input held


def test_the_longest_acceptable_address_passes() -> None:
    longest = "m" * 64 + "@" + ("d" * 61 + ".") * 3 + "d" * 3  # 64 + 1 + 189 = 254
    assert len(longest) == ADDRESS_MAX
    assert parse_email(longest).ascii == longest
