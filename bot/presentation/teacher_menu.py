"""The teacher's reply keyboard: its labels, in the reader's language."""

from __future__ import annotations

from bot.presentation.translation import N_, Translator

ANNOUNCE, ANNOUNCEMENTS, ACKS, REPORTS = (
    N_("📣 Announcement"),
    N_("📬 Announcements"),
    N_("✅ Acknowledgements"),
    N_("📄 Reports"),
)
ROWS = ((ANNOUNCE, ANNOUNCEMENTS), (ACKS, REPORTS))


def menu_label(label: str, _: Translator) -> str:
    """One of the labels above as the reader sees it (and as their tap comes back)."""
    return _(label)


def teacher_menu_rows(_: Translator) -> list[list[str]]:
    return [[menu_label(label, _) for label in row] for row in ROWS]
