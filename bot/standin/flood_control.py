"""Telegram's flood limits as the stand-in enforces them (a pure rule: no I/O, time given).

Telegram answers 429 with ``retry_after`` when a bot sends more than about 30 messages a
second in all, or keeps sending more than one a second to one chat (a short burst in a
private chat is tolerated). Token buckets model both: a bucket holds ``burst`` sends and
refills at ``rate`` a second; a send needs one token from the bot's bucket and one from the
chat's.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

# The methods Telegram counts against the limits: what puts or changes a message in a chat.
COUNTED_METHODS = frozenset(
    {
        "sendmessage",
        "senddocument",
        "sendphoto",
        "sendmediagroup",
        "sendvideo",
        "sendaudio",
        "sendvoice",
        "sendanimation",
        "sendsticker",
        "copymessage",
        "forwardmessage",
        "editmessagetext",
        "editmessagecaption",
        "editmessagereplymarkup",
    }
)


@dataclass(frozen=True, slots=True)
class FloodLimits:
    per_second: float = 30.0
    bot_burst: float = 30.0
    per_chat_per_second: float = 1.0
    chat_burst: float = 5.0
    # Paid broadcasts lift the bot's rate to 1000 a second (the per-chat rule stays).
    paid_per_second: float = 1000.0


@dataclass(slots=True)
class _Bucket:
    tokens: float
    at: float

    def refill(self, now: float, rate: float, capacity: float) -> None:
        self.tokens = min(capacity, self.tokens + (now - self.at) * rate)
        self.at = now

    def wait(self, rate: float) -> float:
        """Seconds until one token is there (0 when one is there now)."""
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / rate


@dataclass(slots=True)
class FloodControl:
    """Decides whether a send passes, or how long (whole seconds) to retry after."""

    limits: FloodLimits = field(default_factory=FloodLimits)
    _bot: _Bucket | None = None
    _chats: dict[object, _Bucket] = field(default_factory=dict)

    def retry_after(self, chat_id: object, now: float, *, paid: bool = False) -> int | None:
        """None when the send passes (and takes its tokens); else the seconds to wait."""
        limits = self.limits
        rate = limits.paid_per_second if paid else limits.per_second
        capacity = max(limits.bot_burst, rate) if paid else limits.bot_burst
        whole = self._bot = self._bot or _Bucket(capacity, now)
        whole.refill(now, rate, capacity)
        chat = self._chats.setdefault(chat_id, _Bucket(limits.chat_burst, now))
        chat.refill(now, limits.per_chat_per_second, limits.chat_burst)
        wait = max(whole.wait(rate), chat.wait(limits.per_chat_per_second))
        if wait > 0:
            # Telegram's retry_after is whole seconds, never 0.
            return max(1, math.ceil(wait))
        whole.tokens -= 1
        chat.tokens -= 1
        return None
