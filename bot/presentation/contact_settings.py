"""/settings → e-mail and the form of delivery: a parent's (or an adult student's) own
contact data, the prompts for typing an address, the confirmation letter and the pages its
link opens."""

from __future__ import annotations

from bot.contacts.own import OwnContact
from bot.presentation.mail import PageTexts, channel_name
from bot.presentation.rendered import Block, Bold, Button, Gap, Rendered, paragraph
from bot.presentation.translation import Translator
from db.models import DeliveryChannel

CHANNELS = (
    DeliveryChannel.TELEGRAM,
    DeliveryChannel.EMAIL,
    DeliveryChannel.BOTH,
    DeliveryChannel.PAPER,
)


def contact_menu_label(_: Translator) -> str:
    return "✉️ " + _("E-mail and form of delivery")


def render_own_contact(view: OwnContact, _: Translator) -> Rendered:
    address = view.address or _("none")
    blocks: list[Block] = [paragraph(Bold(_("E-mail and form of delivery")))]
    blocks.append(paragraph(_("E-mail address: {address}").format(address=address)))
    if view.refused:
        blocks.append(paragraph(_("The mail server refused this address: give another one.")))
    if view.pending is not None:
        blocks.append(
            paragraph(
                _(
                    "Waiting for confirmation: {address}. Open the link in the letter sent to "
                    "it; until then the address above stays in use."
                ).format(address=view.pending)
            )
        )
    chosen = channel_name(_, view.chosen.value) if view.chosen else _("not chosen")
    blocks.append(paragraph(_("Chosen form of delivery: {form}").format(form=chosen)))
    blocks.append(
        paragraph(_("Deliveries go now: {form}").format(form=channel_name(_, view.effective.value)))
    )
    if view.consent_granted and not view.consent_covers_email:
        blocks.append(Gap())
        blocks.append(
            paragraph(
                _(
                    "Your consent does not cover e-mail yet: ask the school for the new "
                    "consent text to receive letters."
                )
            )
        )
    return Rendered(tuple(blocks))


def address_button_label(view: OwnContact, _: Translator) -> str:
    return "✏️ " + (_("Change the address") if view.address else _("Add an address"))


def channel_button_label(channel: DeliveryChannel, view: OwnContact, _: Translator) -> str:
    names = {
        DeliveryChannel.TELEGRAM: _("Telegram"),
        DeliveryChannel.EMAIL: _("E-mail"),
        DeliveryChannel.BOTH: _("Telegram and e-mail"),
        DeliveryChannel.PAPER: _("Paper"),
    }
    return ("✓ " if view.chosen == channel else "") + names[channel]


def ask_for_address(_: Translator) -> str:
    return _("Send your e-mail address in one message (or /cancel).")


def confirmation_sent(_: Translator, address: str) -> str:
    return _(
        "A letter with a confirmation link has gone to {address}. Open it within 48 hours "
        "and press «Confirm»; until then the address on record stays in use."
    ).format(address=address)


def refusal_text(reason: str, _: Translator) -> str:
    texts = {
        "not_linked": _(
            "Only a linked parent or an adult student can give an e-mail address here."
        ),
        "minor_student": _(
            "You are under 18, so the school sends the diary's letters to your parents' "
            "address. You can give your own address here once you turn 18."
        ),
        "no_birth_date": _(
            "The school has no date of birth on record for you, so the diary's letters go to "
            "your parents' address. If you are 18 or over, ask the school to add your date "
            "of birth."
        ),
        "unknown_form": _("This form of delivery cannot be chosen."),
        "no_consent": _("Contact data is kept only under a granted consent."),
        "bad_address": _(
            "This does not look like an e-mail address. Check it and send it again, or /cancel."
        ),
        "same_address": _("This address is already on record."),
        "no_address": _("Add and confirm an e-mail address first."),
        "consent_without_email": _(
            "Your consent does not cover e-mail: ask the school for the new consent text."
        ),
        "no_public_url": _("Confirming an address by e-mail is not set up on this bot."),
    }
    return texts.get(reason, texts["no_consent"])


def form_saved(_: Translator) -> str:
    return _("Saved")


def confirmation_subject(_: Translator, school: str) -> str:
    return _("{school}: confirm your e-mail address").format(school=school)


def render_confirmation_letter(_: Translator, school: str) -> Rendered:
    return Rendered(
        (
            paragraph(
                _(
                    "This address was given in the electronic diary's Telegram bot of "
                    "{school} for the diary's letters."
                ).format(school=school)
            ),
            paragraph(
                _(
                    "To confirm it, open the link below within 48 hours and press «Confirm». "
                    "If it was not you, ignore this letter: nothing will be sent here."
                )
            ),
        )
    )


def render_confirm_link(_: Translator, url: str) -> Rendered:
    return Rendered((Gap(),), ((Button(_("Open and confirm the address"), url=url),),))


def confirm_page(_: Translator, address: str) -> PageTexts:
    return PageTexts(
        _("Confirm the address"),
        _("Confirm the e-mail address"),
        _("Receive the electronic diary's letters at {address}?").format(address=address),
        "✅ " + _("Confirm"),
    )


def confirmed_page(_: Translator, address: str) -> PageTexts:
    return PageTexts(
        _("Address confirmed"),
        _("The address is confirmed"),
        _(
            "{address} is now on record. Choose in the bot's /settings how the diary's news "
            "reaches you."
        ).format(address=address),
    )
