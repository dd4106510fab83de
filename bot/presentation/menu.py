"""The labels of the reply keyboard: the diary's sections one tap away."""

from __future__ import annotations

from collections.abc import Sequence

from bot.presentation.translation import N_, Translator

# The handlers pair each with its section, in the order of the keyboard.
GRADES, SCHEDULE, HOMEWORK = N_("📊 Grades"), N_("📅 Schedule"), N_("📚 Homework")
FORECAST, TESTS, FINALS = N_("📈 Forecast"), N_("📝 Tests"), N_("🏁 Final grades")
TEACHERS, RECOMMENDATIONS = N_("👩‍🏫 Teachers"), N_("💬 Recommendations")
HOLIDAYS = N_("🏖 Holidays")


def menu_rows(labels: Sequence[str], _: Translator) -> list[list[str]]:
    """The labels in the reader's language, two per row."""
    shown = [_(label) for label in labels]
    return [shown[i : i + 2] for i in range(0, len(shown), 2)]


def menu_label(label: str, _: Translator) -> str:
    """One label in the reader's language: what the button sends back as text."""
    return _(label)
