"""Signed links in letters: what they are for, for whom, until when, and an HMAC over it.

A letter's links must work without a login (the family has no account here, only an
address), so the link itself is the credential: ``<purpose>.<subject>.<expiry>.<mac>`` where
the MAC is HMAC-SHA256 under a key derived for the purpose (:func:`derive_secret`). A link
for one purpose is refused for another, a changed subject or expiry breaks the MAC, and
an expired link is refused. Nothing is stored: changing ``SECRET_KEY`` invalidates every
link sent, as it does the link codes.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import UTC, datetime

from bot.secret_key import derive_secret

UNSUBSCRIBE = "unsub"  # a family switching from e-mail to another form (RFC 8058)
ACKNOWLEDGE = "ack"  # a parent acknowledging final grades from a letter
CONFIRM = "confirm"  # a parent confirming an address they gave in the bot
SETTINGS = "settings"  # a family choosing what comes by letter (the evening brief)
PURPOSES = (UNSUBSCRIBE, ACKNOWLEDGE, CONFIRM, SETTINGS)
_TOKEN = re.compile(
    r"^(unsub|ack|confirm|settings)\.([gs][0-9]{1,19})\.([0-9]{1,12})\.([A-Za-z0-9_-]{22,64})$"
)
MAC_BYTES = 18  # 144 bits: far beyond guessing, and the link stays short


@dataclass(frozen=True)
class SignedSubject:
    purpose: str
    # "g<guardian id>" or "s<student id>" (unsubscribe, settings), "g<notice id>" (acknowledge),
    # "g<confirmation id>" (confirm).
    subject: str
    expires_at: datetime


def sign(secret_key: str, purpose: str, subject: str, expires_at: datetime) -> str:
    if purpose not in PURPOSES:
        raise ValueError(f"unknown link purpose {purpose!r}")
    if not re.fullmatch(r"[gs][0-9]{1,19}", subject):
        raise ValueError(f"not a link subject: {subject!r}")
    expiry = str(int(expires_at.timestamp()))
    return f"{purpose}.{subject}.{expiry}.{_mac(secret_key, purpose, subject, expiry)}"


def verify(secret_key: str, purpose: str, token: str, now: datetime) -> SignedSubject | None:
    """The link's subject, or None when it is forged, for another purpose, or expired."""
    found = _TOKEN.match(token)
    if found is None or found.group(1) != purpose:
        return None
    _purpose, subject, expiry, mac = found.groups()
    if not hmac.compare_digest(mac, _mac(secret_key, purpose, subject, expiry)):
        return None
    expires_at = datetime.fromtimestamp(int(expiry), UTC)
    if now >= expires_at:
        return None
    return SignedSubject(purpose, subject, expires_at)


def _mac(secret_key: str, purpose: str, subject: str, expiry: str) -> str:
    key = derive_secret(secret_key, f"mail-link:{purpose}").encode()
    digest = hmac.new(key, f"{purpose}.{subject}.{expiry}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:MAC_BYTES]).decode().rstrip("=")
