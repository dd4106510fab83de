"""What a person reads around the diary's sections: the buttons under them (pages, the
other view, subjects to drill into, the chart, the other children), the reply-keyboard
menu, and the short refusals.

Translated with the translator it is given (the reader's language). Callback data comes
packed from the handler: what a button does is not a presentation matter, how it reads is.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.diary.sections import (
    FINALS,
    FORECAST,
    GRADES,
    GRADES_PERIOD,
    HOLIDAYS,
    HOMEWORK,
    RECOMMENDATIONS,
    SCHEDULE,
    SCHEDULE_WEEK,
    TEACHERS,
    TESTS,
    Section,
)
from bot.presentation.rendered import Button
from bot.presentation.translation import N_, Translator

# (label msgid, section), in the order of the reply keyboard, two per row.
MENU: tuple[tuple[str, Section], ...] = (
    (N_("📊 Grades"), GRADES),
    (N_("📅 Schedule"), SCHEDULE),
    (N_("📚 Homework"), HOMEWORK),
    (N_("📈 Forecast"), FORECAST),
    (N_("📝 Tests"), TESTS),
    (N_("🏁 Final grades"), FINALS),
    (N_("👩‍🏫 Teachers"), TEACHERS),
    (N_("💬 Recommendations"), RECOMMENDATIONS),
    (N_("🏖 Holidays"), HOLIDAYS),
)
NOT_LINKED = N_("Nobody is linked yet. Send me the code from the school's letter to link a child.")
# The other view each toggle button leads to, by what it shows.
TOGGLE_LABELS = {
    GRADES_PERIOD: N_("For the period"),
    GRADES: N_("For the week"),
    SCHEDULE_WEEK: N_("Week"),
    SCHEDULE: N_("Day"),
}


@dataclass(frozen=True)
class NavigationView:
    """The buttons under a section, each as the callback data it carries."""

    pages: tuple[str, str, str] | None  # a step back, today, a step forward
    toggle: tuple[Section, str] | None  # the other view of the same thing
    subjects: tuple[tuple[str, str], ...]  # (subject, callback data) to drill into
    chart: str | None
    children: tuple[tuple[str, str], ...]  # (another child's name, callback data)


def render_navigation(view: NavigationView, _: Translator) -> tuple[tuple[Button, ...], ...]:
    """Rows: the pages, the toggle, the subjects two a row, the chart, a child a row."""
    rows: list[tuple[Button, ...]] = []
    if view.pages is not None:
        back, today, forward = view.pages
        rows.append((Button("«", back), Button(_("Today"), today), Button("»", forward)))
    if view.toggle is not None:
        other, data = view.toggle
        rows.append((Button(_(TOGGLE_LABELS[other]), data),))
    subjects = [Button(f"🔎 {name}", data) for name, data in view.subjects]
    rows += [tuple(subjects[i : i + 2]) for i in range(0, len(subjects), 2)]
    if view.chart is not None:
        rows.append((Button(_("📈 Chart"), view.chart),))
    rows += [(Button(name, data),) for name, data in view.children]
    return tuple(rows)


def back_label(to_homework: bool, _: Translator) -> str:
    """The button back from a subject to the section it was opened from."""
    return _("« Back to the homework") if to_homework else _("« Back to the grades")


def menu_labels(_: Translator) -> list[str]:
    """The reply keyboard's labels in the reader's language, in the order of :data:`MENU`."""
    return [_(label) for label, _section in MENU]


def render_not_linked(_: Translator) -> str:
    return _(NOT_LINKED)


def render_unavailable(_: Translator) -> str:
    """A forged or stale button (another family's child, a bad date)."""
    return _("This diary is not available to you.")


def render_no_marks(_: Translator) -> str:
    """The chart has nothing to draw."""
    return _("No marks in this period yet.")
