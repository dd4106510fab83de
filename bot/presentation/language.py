"""/language: the question, the language buttons and the confirmation."""

from __future__ import annotations

from bot.presentation.rendered import Rendered, paragraph
from bot.presentation.translation import Translator


def language_label(name: str, *, current: bool) -> str:
    """A language button: the language's own name, ticked when it is the one in use."""
    return f"✓ {name}" if current else name


def render_language_question(_: Translator) -> Rendered:
    return Rendered((paragraph(_("Choose the interface language:")),))


def language_unavailable(_: Translator) -> str:
    """The alert on a forged or outdated language button."""
    return _("This language is not available.")


def language_chosen_alert(_: Translator) -> str:
    """``_`` is the translator of the language just chosen, not the update's."""
    return _("The interface language is now English.")


def render_language_chosen(_: Translator) -> Rendered:
    """In the language just chosen, replacing the question."""
    return Rendered(
        (paragraph(language_chosen_alert(_)), paragraph(_("Send /help to see what I can do.")))
    )
