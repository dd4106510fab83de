"""How fast the delivery worker may send: Telegram's limits for one bot."""

from __future__ import annotations

import math
from dataclasses import dataclass

# aiogram's HTTP session opens at most 100 connections; more sends in flight would only queue.
MAX_IN_FLIGHT = 100


@dataclass
class RateLimits:
    """Telegram allows about 30 messages a second per bot (up to 1000 with paid broadcasts,
    charged in Stars) and one a second per chat."""

    per_second: float = 25.0
    per_chat_interval: float = 1.0
    paid_broadcast: bool = False
    # Sends awaiting Telegram's answer at once; by default enough for answers that take a
    # quarter of a second at ``per_second``.
    in_flight: int | None = None

    def max_in_flight(self) -> int:
        if self.in_flight is not None:
            return self.in_flight
        return max(4, min(MAX_IN_FLIGHT, math.ceil(self.per_second / 4)))
