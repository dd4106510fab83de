"""E-mail address validation: pure, strict and documented (no library: ``email-validator`` is
not among the dependencies, and a register of addresses needs a small, known rule more than
a permissive one).

What is accepted, and why:

* ``local@domain`` with exactly one ``@``. The local part is an RFC 5322 *dot-atom* of ASCII
  letters, digits and ``!#$%&'*+/=?^_`{|}~-``; dots neither first, last nor doubled. Quoted
  local parts (``"a b"@x``) and comments are refused: nobody writes them on a paper
  statement, and they are where header and command injection hide.
* Non-ASCII local parts (``иван@…``) are refused: they need SMTPUTF8 (RFC 6531) end to end,
  which a school's relay cannot be assumed to offer; the answer says so.
* The domain may be Unicode (``школа.рф``): it is normalised (NFC, IDNA nameprep, lower
  case) and must convert to ASCII with the IDNA codec (``xn--…``). Each ASCII label is
  1-63 letters, digits or hyphens, not starting or ending with a hyphen; there are at least
  two labels and the last is not all digits. Address literals (``user@[10.0.0.1]``) are
  refused: a family's mailbox is never one. The standard library's codec is IDNA 2003,
  which maps ``ß`` and final ``ς`` to ``ss`` and ``σ`` where IDNA 2008 keeps them (a
  different domain): those two letters are refused rather than silently changed.
* Lengths (RFC 5321 section 4.5.3.1): the local part at most 64 octets, the domain at most
  253 in ASCII, the whole address at most 254 in ASCII.
* Hostile input: any control or format character anywhere (CR, LF, NUL, tab, NEL, the
  Unicode line and paragraph separators, bidirectional overrides, zero-width characters)
  and any whitespace inside the address are refused, never cleaned away: an address with
  ``\\r\\nBcc:`` in it is an attack on the later mail headers, not a typo. Only plain spaces
  around the address (from copying it) are trimmed.

The stored form keeps the domain in Unicode (what the family wrote, normalised) and
:attr:`EmailAddress.ascii` is what goes into an SMTP envelope.
"""

from __future__ import annotations

import re
import string
import unicodedata
from dataclasses import dataclass

LOCAL_MAX = 64
DOMAIN_MAX = 253
ADDRESS_MAX = 254
LABEL_MAX = 63
# Refused before any work: no real address is anywhere near this long.
INPUT_MAX = 1000

_ATEXT = frozenset(string.ascii_letters + string.digits + "!#$%&'*+/=?^_`{|}~-")
_LOCAL_CHARACTERS = _ATEXT | {"."}  # a dot-atom: atext and the dots between
_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
# Categories never part of an address: controls, format characters (bidi overrides,
# zero-width), line and paragraph separators, unassigned and private-use code points.
_FORBIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cn", "Co", "Cs"})
# Mapped differently by IDNA 2003 (this codec) and IDNA 2008 (the registries).
_DEVIATIONS = frozenset("ßẞς")


class InvalidEmail(ValueError):
    """The address is refused; ``str()`` says why in one line, for the person entering it."""


@dataclass(frozen=True)
class EmailAddress:
    address: str  # what is stored and shown: the local part and the Unicode domain
    ascii: str  # the same address with the domain in IDNA ASCII, for the SMTP envelope


def parse_email(text: str) -> EmailAddress:
    """The address in ``text``, normalised; :class:`InvalidEmail` if it is not acceptable."""
    if len(text) > INPUT_MAX:
        raise InvalidEmail("the e-mail address is too long")
    _refuse_hidden_characters(text)
    candidate = text.strip(" ")
    if not candidate:
        raise InvalidEmail("the e-mail address is empty")
    if any(character.isspace() for character in candidate):
        raise InvalidEmail("an e-mail address has no spaces")
    if candidate.count("@") != 1:
        raise InvalidEmail("an e-mail address has exactly one @")
    local, domain = candidate.split("@")
    _check_local(local)
    unicode_domain, ascii_domain = _domain_forms(domain)
    ascii_address = f"{local}@{ascii_domain}"
    if len(ascii_address) > ADDRESS_MAX:
        raise InvalidEmail(f"the e-mail address is longer than {ADDRESS_MAX} characters")
    return EmailAddress(f"{local}@{unicode_domain}", ascii_address)


def _refuse_hidden_characters(text: str) -> None:
    for character in text:
        if unicodedata.category(character) in _FORBIDDEN_CATEGORIES:
            name = unicodedata.name(character, f"U+{ord(character):04X}")
            raise InvalidEmail(f"the e-mail address contains a control character ({name})")


def _check_local(local: str) -> None:
    if not local:
        raise InvalidEmail("nothing before the @ of the e-mail address")
    if not local.isascii():
        raise InvalidEmail(
            "letters other than Latin before the @ need SMTPUTF8, which mail relays do not "
            "all support: ask the family for a Latin address"
        )
    if len(local) > LOCAL_MAX:
        raise InvalidEmail(f"the part before the @ is longer than {LOCAL_MAX} characters")
    if local.startswith(".") or local.endswith(".") or ".." in local:
        raise InvalidEmail("a dot cannot start, end or be doubled before the @")
    wrong = sorted({character for character in local if character not in _LOCAL_CHARACTERS})
    if wrong:
        raise InvalidEmail(f"the part before the @ cannot contain {''.join(wrong)!r}")


def _domain_forms(domain: str) -> tuple[str, str]:
    """The domain in Unicode (normalised) and in IDNA ASCII."""
    if not domain:
        raise InvalidEmail("nothing after the @ of the e-mail address")
    if domain.startswith("["):
        raise InvalidEmail("an address literal ([…]) is not a family's mailbox: give a domain")
    if domain.endswith("."):
        raise InvalidEmail("the domain of the e-mail address ends with a dot")
    if _DEVIATIONS & set(domain):
        raise InvalidEmail("the domain contains ß or ς, which mail systems spell differently")
    try:
        # The IDNA 2003 codec of the standard library: nameprep (case folding and NFKC),
        # each label checked and converted to its xn-- form.
        ascii_domain = unicodedata.normalize("NFC", domain).encode("idna").decode("ascii")
    except UnicodeError as error:
        raise InvalidEmail("the domain of the e-mail address is not a valid name") from error
    ascii_domain = ascii_domain.lower()
    labels = ascii_domain.split(".")
    if len(labels) < 2:
        raise InvalidEmail("the domain of the e-mail address needs a dot (example.ru)")
    if len(ascii_domain) > DOMAIN_MAX:
        raise InvalidEmail(f"the domain is longer than {DOMAIN_MAX} characters")
    if not all(len(label) <= LABEL_MAX and _LABEL.fullmatch(label) for label in labels):
        raise InvalidEmail(
            "the domain may hold only letters, digits, hyphens and dots, each part starting "
            "and ending with a letter or digit"
        )
    if labels[-1].isdigit():
        raise InvalidEmail("the domain of the e-mail address cannot end in a number")
    return _unicode_domain(ascii_domain), ascii_domain


def _unicode_domain(ascii_domain: str) -> str:
    """The Unicode form of an ASCII domain; a written ``xn--`` label must be real Punycode
    that converts back to itself, or two spellings would name one mailbox."""
    try:
        unicode_domain = ascii_domain.encode("ascii").decode("idna")
        round_trip = unicode_domain.encode("idna").decode("ascii")
    except UnicodeError as error:
        raise InvalidEmail("the domain of the e-mail address has a broken xn-- part") from error
    if round_trip != ascii_domain:
        raise InvalidEmail("the domain of the e-mail address has a broken xn-- part")
    return unicode_domain
