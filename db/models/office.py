"""The office console's sign-in: one-time links and the sessions they open.

Only keyed hashes of the link and session tokens are stored: a copy of the database opens
no session.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, BigId


class OfficeSignInLink(Base):
    """A sign-in link sent to a staff member (``/office``) or printed by the CLI: valid for
    minutes, spent by ``used_at``, good for one account in one school."""

    __tablename__ = "office_sign_in_link"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("telegram_account.id", ondelete="CASCADE"), index=True
    )
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id", ondelete="CASCADE"))
    issued_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class OfficeSession(Base):
    """A browser signed in to the console; ends when idle too long or revoked."""

    __tablename__ = "office_session"
    __table_args__ = (Index(None, "account_id", "revoked_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("telegram_account.id", ondelete="CASCADE"))
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id", ondelete="CASCADE"))
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    # What the browser called itself, so the list of sessions says which one is which.
    user_agent: Mapped[str] = mapped_column(String(200))
    revoked_at: Mapped[datetime | None]
