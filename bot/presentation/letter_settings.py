"""The words of the letter settings page (``/mail/settings/…``): what a family on e-mail
chose to receive by letter, as a choice of two answers."""

from __future__ import annotations

from dataclasses import dataclass

from bot.presentation.mail import PageTexts
from bot.presentation.translation import Translator

ON = "on"
OFF = "off"


@dataclass(frozen=True)
class ChoiceOption:
    value: str
    label: str
    checked: bool


@dataclass(frozen=True)
class Choice:
    """One question of the page's form, answered with one of its options."""

    name: str
    legend: str
    options: tuple[ChoiceOption, ...]
    error: str = ""


def brief_state(_: Translator, chosen: bool) -> str:
    return _("sent every school evening") if chosen else _("not sent")


def letter_settings_page(
    _: Translator, *, name: str, evening_brief: bool, saved: bool = False, refused: bool = False
) -> tuple[PageTexts, Choice]:
    """The page: its texts and the question. ``saved``: after a change; ``refused``: the
    answer sent was none of the options (nothing changed)."""
    if saved:
        body = _("Saved. The evening letter about tomorrow: {state}.").format(
            state=brief_state(_, evening_brief)
        )
    else:
        body = _(
            "The school's other messages come by letter as before. Besides, the school can "
            "send an evening letter about tomorrow: the lessons with their changes, the "
            "homework due and the tests coming up."
        )
    texts = PageTexts(
        _("Letter settings"),
        _("Letters to {name}").format(name=name),
        body,
        _("Save"),
    )
    choice = Choice(
        name="evening_brief",
        legend=_("Evening letter about tomorrow (at 19:00)"),
        options=(
            ChoiceOption(ON, _("Send it every school evening"), evening_brief),
            ChoiceOption(OFF, _("Do not send it"), not evening_brief),
        ),
        error=_("Choose one of the two answers.") if refused else "",
    )
    return texts, choice
