"""The reports staff can ask for in the bot; pure, so the menu's labels are rendered in
``presentation/`` without importing the services that build the files."""

from __future__ import annotations

from enum import StrEnum


class ReportKind(StrEnum):
    STATEMENTS = "statements"
    SUMMARY = "summary"
    MONITORING = "monitoring"
    CURRICULUM = "curriculum"


ADMIN_ONLY = frozenset({ReportKind.CURRICULUM})  # issue 8: curriculum statistics for admins
