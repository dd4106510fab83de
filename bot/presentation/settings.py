"""/settings: what an account is told when, as a message and the labels of its buttons.

Each button shows the current state of its setting; pressing it switches to the next choice
(the handler decides which), so a label reads as the state, not as the action.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.digests.preferences import QUIET_PRESETS, PushKind, PushMode, PushPreferences
from bot.presentation.placeholders import fill
from bot.presentation.rendered import Bold, Bullets, Code, Gap, Rendered, paragraph
from bot.presentation.translation import Translator


@dataclass(frozen=True)
class SettingsView:
    preferences: PushPreferences
    calendar: bool = False  # has a calendar link
    staff: bool = False  # a class teacher or an admin
    monitoring: bool = True  # wants the weekly reading summary (staff only)
    family: bool = False  # linked as a guardian or a student: e-mail and the form of delivery


@dataclass(frozen=True)
class SettingsLabels:
    """The labels of the buttons under /settings, one per setting."""

    modes: tuple[tuple[PushKind, str], ...]  # every kind, in PushKind's order
    summary_hour: str
    brief_hour: str
    quiet: str
    threshold: str
    calendar: str
    revoke: str | None  # only with a calendar link
    monitoring: str | None  # only for staff


def kind_label(kind: PushKind, _: Translator) -> str:
    labels = {
        PushKind.GRADES: _("Marks"),
        PushKind.LESSONS: _("Schedule changes"),
        PushKind.HOMEWORK: _("New homework"),
        PushKind.RECOMMENDATIONS: _("Recommendations"),
        PushKind.FORECAST: _("Weekly forecast"),
        PushKind.RISK: _("Risk alerts"),
        PushKind.BRIEF: _("Evening brief about tomorrow"),
    }
    return labels[kind]


def mode_label(mode: PushMode, kind: PushKind, _: Translator) -> str:
    if kind is PushKind.BRIEF and mode is PushMode.INSTANT:
        return _("on")
    labels = {
        PushMode.INSTANT: _("at once"),
        PushMode.SUMMARY: _("in the daily summary"),
        PushMode.OFF: _("off"),
    }
    return labels[mode]


def quiet_label(preset: str, _: Translator) -> str:
    window = QUIET_PRESETS.get(preset)
    if window is None:
        return _("none")
    return f"{window[0]:%H:%M}–{window[1]:%H:%M}"


def threshold_label(value: str, _: Translator) -> str:
    if value == "none":
        return _("Risk alerts for a predicted 2 only")
    return _("Risk alerts under an average of {threshold}").format(threshold=value)


def _mode_line(kind: PushKind, preferences: PushPreferences, _: Translator) -> str:
    return f"{kind_label(kind, _)}: {mode_label(preferences.mode(kind), kind, _)}"


def _quiet_hours(preferences: PushPreferences, _: Translator) -> str:
    return _("Quiet hours: {window}").format(window=quiet_label(preferences.quiet, _))


def render_settings(view: SettingsView, _: Translator) -> Rendered:
    preferences = view.preferences
    modes = tuple((_mode_line(kind, preferences, _),) for kind in PushKind)
    lines = (
        _("Daily summary at {hour}:00").format(hour=f"{preferences.summary_hour:02d}"),
        _("Evening brief at {hour}:00").format(hour=f"{preferences.brief_hour:02d}"),
        _quiet_hours(preferences, _),
        threshold_label(preferences.risk_threshold, _),
        _(
            "During quiet hours only urgent news (schedule changes for today and tomorrow, "
            "final grades) is sent; the rest comes in the morning. Tap a button to change it."
        ),
    )
    return Rendered(
        (
            paragraph(Bold(_("Settings"))),
            # The language buttons come first under the message: this line is their title.
            paragraph(_("Interface language:")),
            Gap(),
            paragraph(Bold(_("Notifications"))),
            Bullets(modes),
            *(paragraph(line) for line in lines),
        )
    )


def settings_labels(view: SettingsView, _: Translator) -> SettingsLabels:
    preferences = view.preferences
    modes = tuple((kind, _mode_line(kind, preferences, _)) for kind in PushKind)
    monitoring = None
    if view.staff:
        state = _("on") if view.monitoring else _("off")
        monitoring = "📊 " + _("Diary reading summary: {state}").format(state=state)
    return SettingsLabels(
        modes=modes,
        summary_hour=_("Summary at {hour}:00").format(hour=f"{preferences.summary_hour:02d}"),
        brief_hour=_("Brief at {hour}:00").format(hour=f"{preferences.brief_hour:02d}"),
        quiet=_quiet_hours(preferences, _),
        threshold=threshold_label(preferences.risk_threshold, _),
        calendar="📅 " + (_("New calendar link") if view.calendar else _("Calendar link")),
        revoke=("🚫 " + _("Revoke the calendar link")) if view.calendar else None,
        monitoring=monitoring,
    )


def setting_unavailable(_: Translator) -> str:
    """The alert on a forged or outdated settings button."""
    return _("This setting is not available.")


def saved(_: Translator) -> str:
    return _("Saved.")


def calendar_revoked(revoked: bool, _: Translator) -> str:
    """The alert on «Revoke the calendar link»."""
    return _("The calendar link no longer works.") if revoked else _("There was no link.")


def link_a_child_first(_: Translator) -> str:
    """The alert on «Calendar link» for an account with nobody linked."""
    return _("Link a child first.")


def render_calendar_link(url: str | None, _: Translator) -> Rendered:
    """The private calendar address, or why there is none (no public address configured)."""
    if url is None:
        text = _("The calendar needs the server's public address; please ask the school.")
        return Rendered((paragraph(text),))
    warning = _(
        "Add it in your phone's calendar as a subscription. Anyone with the link sees your "
        "children's tests and holidays: do not share it; you can revoke it in /settings."
    )
    return Rendered(
        (
            paragraph(*fill(_("Your private calendar link: {url}"), url=Code(url))),
            paragraph(warning),
        )
    )
