"""Signing in to the console without passwords: a one-time link (from ``/office`` in the
bot or ``ediary admin login-link``) opens a server-side session.

Links last ten minutes and work once; sessions end after eight idle hours or when revoked.
Only keyed hashes of both tokens are stored, and a form's CSRF token is derived from the
session's token, so nothing more needs keeping.
"""

from __future__ import annotations

import hmac
import ipaddress
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.clock import Clock
from bot.config import Settings
from bot.office.staff import Staff, staff_in_school
from bot.secret_key import keyed_hash
from db.models import OfficeSession, OfficeSignInLink
from db.unit_of_work import UnitOfWork

LINK_LIFETIME = timedelta(minutes=10)
IDLE_LIMIT = timedelta(hours=8)
# A request within this long of the last one does not write: reading a page stays a read.
TOUCH_EVERY = timedelta(minutes=1)
SIGN_IN_PATH = "/office/sign-in/"
_LINK_PURPOSE = "office-sign-in"
_SESSION_PURPOSE = "office-session"
_CSRF_PURPOSE = "office-csrf"
USER_AGENT_LENGTH = 200


@dataclass(frozen=True)
class SignInLink:
    url: str
    expires_at: datetime


@dataclass(frozen=True)
class Visit:
    """A request from a signed-in browser: its session and who is behind it."""

    session: OfficeSession
    staff: Staff
    token: str  # the cookie's value, which the CSRF token is derived from


def console_base_url(settings: Settings) -> str:
    """Where a browser reaches the console: PUBLIC_URL, else this server's own address."""
    if settings.public_base_url is not None:
        return settings.public_base_url
    host = settings.http_host
    if _unspecified(host):  # listening everywhere: this machine is one of the places
        host = "127.0.0.1"
    return f"http://{host}:{settings.http_port}"


def _unspecified(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_unspecified
    except ValueError:
        return not host


def secure_cookies(settings: Settings) -> bool:
    return (settings.public_base_url or "").startswith("https://")


async def issue_sign_in_link(
    uow: UnitOfWork, clock: Clock, secret_key: str, settings: Settings, staff: Staff, *, actor: str
) -> SignInLink:
    """A new link for this staff member in this school (earlier ones stay valid until they
    expire: each works once anyway)."""
    now = clock.now()
    token = secrets.token_urlsafe(32)
    expires = now + LINK_LIFETIME
    uow.office.add_sign_in_link(
        OfficeSignInLink(
            token_hash=keyed_hash(secret_key, _LINK_PURPOSE, token),
            account_id=staff.account_id,
            school_id=staff.school.id,
            issued_at=now,
            expires_at=expires,
        )
    )
    uow.audit.record(
        at=now,
        actor=actor,
        action="office.link_issued",
        school_id=staff.school.id,
        details={"telegram_user_id": staff.telegram_user_id},
    )
    await uow.commit()
    return SignInLink(f"{console_base_url(settings)}{SIGN_IN_PATH}{token}", expires)


async def link_is_live(uow: UnitOfWork, clock: Clock, secret_key: str, token: str) -> bool:
    """Whether the link would still sign in (the page before the button says so)."""
    link = await uow.office.sign_in_link(keyed_hash(secret_key, _LINK_PURPOSE, token))
    return link is not None and link.used_at is None and link.expires_at > clock.now()


async def open_session(
    uow: UnitOfWork, clock: Clock, secret_key: str, link_token: str, user_agent: str
) -> str | None:
    """Spend the link and open a session; the session's token, or None (and nothing
    changed) for an unknown, used or expired link or a person no longer on the staff."""
    now = clock.now()
    link = await uow.office.claim_sign_in_link(
        keyed_hash(secret_key, _LINK_PURPOSE, link_token), now
    )
    staff = await staff_in_school(uow, link.account_id, link.school_id) if link else None
    if staff is None:
        await uow.rollback()
        return None
    token = secrets.token_urlsafe(32)
    uow.office.add_session(
        OfficeSession(
            token_hash=keyed_hash(secret_key, _SESSION_PURPOSE, token),
            account_id=staff.account_id,
            school_id=staff.school.id,
            created_at=now,
            last_seen_at=now,
            user_agent=user_agent[:USER_AGENT_LENGTH],
        )
    )
    uow.audit.record(
        at=now, actor=staff.actor, action="office.signed_in", school_id=staff.school.id
    )
    await uow.commit()
    return token


async def current_visit(
    uow: UnitOfWork, clock: Clock, secret_key: str, token: str | None
) -> Visit | None:
    """The session behind the cookie, if open and not idle too long, with its staff member
    re-read (a link ended since sign-in ends the access)."""
    if not token:
        return None
    now = clock.now()
    session = await uow.office.session_by_hash(keyed_hash(secret_key, _SESSION_PURPOSE, token))
    if session is None or session.revoked_at is not None:
        return None
    if now - session.last_seen_at > IDLE_LIMIT:
        return None
    staff = await staff_in_school(uow, session.account_id, session.school_id)
    if staff is None:
        return None
    if now - session.last_seen_at > TOUCH_EVERY:
        session.last_seen_at = now
        await uow.commit()
    return Visit(session, staff, token)


def csrf_token(secret_key: str, session_token: str) -> str:
    return keyed_hash(secret_key, _CSRF_PURPOSE, session_token)


def csrf_matches(secret_key: str, session_token: str, given: str | None) -> bool:
    return given is not None and hmac.compare_digest(csrf_token(secret_key, session_token), given)


async def open_sessions(uow: UnitOfWork, clock: Clock, account_id: int) -> list[OfficeSession]:
    return await uow.office.open_sessions(account_id, clock.now() - IDLE_LIMIT)


async def sign_out(uow: UnitOfWork, clock: Clock, visit: Visit, *, everywhere: bool) -> int:
    """End this session, or every session of the account (a lost phone, a shared computer)."""
    now = clock.now()
    ended = await uow.office.revoke_sessions(
        visit.staff.account_id, now, session_id=None if everywhere else visit.session.id
    )
    uow.audit.record(
        at=now,
        actor=visit.staff.actor,
        action="office.signed_out_everywhere" if everywhere else "office.signed_out",
        school_id=visit.staff.school.id,
        details={"sessions": ended},
    )
    await uow.commit()
    return ended


async def end_other_session(uow: UnitOfWork, clock: Clock, visit: Visit, session_id: int) -> bool:
    """End one of the account's own sessions by id; False for anyone else's."""
    now = clock.now()
    ended = await uow.office.revoke_sessions(visit.staff.account_id, now, session_id=session_id)
    if not ended:
        await uow.rollback()
        return False
    uow.audit.record(
        at=now,
        actor=visit.staff.actor,
        action="office.session_ended",
        school_id=visit.staff.school.id,
        subject_type="office_session",
        subject_id=session_id,
    )
    await uow.commit()
    return True


def expires_in_minutes(link: SignInLink, now: datetime) -> int:
    return max(1, round((link.expires_at - now).total_seconds() / 60))
