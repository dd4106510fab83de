"""A realistic demo school as a sync document (the format of ``../shared/EXCHANGE.md``).

The generator lives in the package ``bot.exchange.demo_builder``; see its ``document`` module
for which dates the demo covers and how it stays stable from day to day. This module keeps the
import path its users know.
"""

from bot.exchange.demo_builder.document import demo_document
from bot.exchange.demo_builder.school import DEMO_SCHOOL_NAME, DEMO_TIMEZONE
from bot.exchange.demo_builder.texts import HTML_HOSTILE_HOMEWORK

__all__ = ["DEMO_SCHOOL_NAME", "DEMO_TIMEZONE", "HTML_HOSTILE_HOMEWORK", "demo_document"]
