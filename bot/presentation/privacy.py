"""/privacy: what is stored about a person, and withdrawing their consent."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from bot.presentation.linking import LinkView, describe_link
from bot.presentation.rendered import Block, Bold, Bullets, Gap, Rendered, paragraph
from bot.presentation.translation import Translator


@dataclass(frozen=True)
class ConsentLine:
    """One entry of the consent register about the person."""

    state: str  # "granted", "refused" or "withdrawn"
    form: str  # "paper" or "electronic"
    recorded_on: date


@dataclass(frozen=True)
class ContactLine:
    """An e-mail address the school keeps for the person (their contact history)."""

    address: str
    recorded_on: date
    current: bool  # False: an earlier address the history still holds
    channel: str | None  # the agreed form ("telegram", "email", "both", "paper") if chosen
    evening_brief: bool = False  # the evening brief chosen by letter


@dataclass(frozen=True)
class PendingLine:
    """An address given in the bot, waiting for its link to be opened."""

    address: str
    until: datetime  # in the school's time zone


@dataclass(frozen=True)
class PrivacyView:
    telegram_user_id: int
    since: date  # with the bot since
    language: str  # the interface language (the chosen one, or the update's)
    links: tuple[LinkView, ...]
    consents: tuple[ConsentLine, ...]
    contacts: tuple[ContactLine, ...] = ()
    pending: tuple[PendingLine, ...] = ()


def render_nothing_stored(_: Translator) -> Rendered:
    text = _("Nothing is stored about you: you have not linked anyone or changed settings.")
    return Rendered((paragraph(text),))


def render_privacy(view: PrivacyView, _: Translator) -> Rendered:
    """The stored data; the withdraw button (:func:`withdraw_label`) goes under it when there
    is a consent to withdraw."""
    blocks: list[Block] = [
        paragraph(Bold(_("What is stored about you"))),
        paragraph(
            _("Telegram id {id}, with the bot since {date}.").format(
                id=view.telegram_user_id, date=view.since.strftime("%d.%m.%Y")
            )
        ),
        paragraph(_("Interface language: {language}.").format(language=view.language)),
    ]
    if view.links:
        blocks.append(Bullets(tuple((describe_link(link, _),) for link in view.links)))
    blocks += [paragraph(_consent_line(line, _)) for line in view.consents]
    blocks += [paragraph(text) for line in view.contacts for text in _contact_lines(line, _)]
    blocks += [
        paragraph(
            _("E-mail awaiting confirmation until {moment}: {address}.").format(
                moment=line.until.strftime("%d.%m %H:%M"), address=line.address
            )
        )
        for line in view.pending
    ]
    withdrawal = _(
        "You may withdraw your consent at any time. Deliveries stop at once; the data kept "
        "only for this channel (Telegram ids, the reading log) is erased within 30 days; the "
        "consent history stays with the school, as the law requires. E-mail addresses are "
        "erased within the same 30 days."
    )
    return Rendered((*blocks, Gap(), paragraph(withdrawal)))


def _consent_line(line: ConsentLine, _: Translator) -> str:
    states = {"granted": _("granted"), "refused": _("refused"), "withdrawn": _("withdrawn")}
    form = _("on paper") if line.form == "paper" else _("electronically")
    return _("Consent: {state}, {form}, {date}.").format(
        state=states.get(line.state, line.state),
        form=form,
        date=line.recorded_on.strftime("%d.%m.%Y"),
    )


def _contact_lines(line: ContactLine, _: Translator) -> list[str]:
    if not line.current:
        return [_("Earlier e-mail kept in the contact history: {address}.").format(
            address=line.address
        )]  # fmt: skip
    lines = [
        _("E-mail for the school's messages: {address} (recorded {date}).").format(
            address=line.address, date=line.recorded_on.strftime("%d.%m.%Y")
        )
    ]
    if line.channel is not None:
        forms = {
            "telegram": _("Telegram"),
            "email": _("e-mail"),
            "both": _("Telegram and e-mail"),
            "paper": _("paper statements"),
        }
        lines.append(
            _("Agreed form of delivery: {form}.").format(form=forms.get(line.channel, line.channel))
        )
    if line.evening_brief:
        lines.append(_("Chosen by e-mail: the evening letter about tomorrow."))
    return lines


def withdraw_label(_: Translator) -> str:
    return _("Withdraw consent")


def render_withdraw_question(_: Translator) -> Rendered:
    """Asked before withdrawing; answered with :func:`withdraw_answers`."""
    text = _(
        "Withdraw your consent? Nothing more will be sent here and your links end. "
        "The school will give you paper statements instead."
    )
    return Rendered((paragraph(text),))


def withdraw_answers(_: Translator) -> tuple[str, str]:
    """The labels of the two buttons under the question: confirm, cancel."""
    return _("Yes, withdraw"), _("Cancel")


def render_nothing_to_withdraw(_: Translator) -> Rendered:
    return Rendered((paragraph(_("There is no consent to withdraw.")),))


def render_withdrawn(_: Translator) -> Rendered:
    text = _(
        "Consent withdrawn. Nothing more will be sent here and your links have ended. "
        "Ask the class teacher for paper statements of the grades."
    )
    return Rendered((paragraph(text),))


def nothing_changed(_: Translator) -> str:
    """The alert when the withdrawal is cancelled."""
    return _("Nothing changed.")
