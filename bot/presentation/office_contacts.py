"""The office console's contacts page: its words, the forms of delivery and statements by
name, and the register's refusals worded for the field they are about."""

from __future__ import annotations

from bot.contacts import register
from bot.presentation.office_page import Translate


def contacts_texts(_: Translate) -> dict[str, str]:
    return {
        "contacts_title": _("Contacts and form of delivery"),
        "contacts_intro": _(
            "Record the e-mail address and the form of delivery a family gave in its "
            "statement, with the statement's number and date. Only under a granted consent; "
            "every entry is kept, nothing is overwritten."
        ),
        "person": _("Family"),
        "consent": _("Consent"),
        "address": _("E-mail address"),
        "chosen": _("Chosen form"),
        "effective": _("Deliveries go"),
        "statement": _("Statement"),
        "change": _("Change"),
        "in_telegram": _("linked in the bot"),
        "adult_student": _("adult student, own contact data"),
        "keep_channel": _("keep as it is"),
        "statement_form": _("Statement received"),
        "statement_ref": _("Statement number and date"),
        "record_contact": _("Record"),
        "remove_address": _("Remove the address"),
        "saved_contact": _("Saved"),
        "evening_brief": _("Evening letter about tomorrow (by e-mail, at 19:00)"),
        "brief_chosen": _("+ evening letter about tomorrow"),
        "none": _("none"),
        "not_chosen": _("not chosen"),
    }


def channel_label(channel: str | None, _: Translate) -> str:
    labels = {
        "telegram": _("Telegram"),
        "email": _("E-mail"),
        "both": _("Telegram and e-mail"),
        "paper": _("Paper"),
    }
    return labels.get(channel or "", _("not chosen"))


def statement_label(form: str | None, _: Translate) -> str:
    labels = {
        "paper": _("paper"),
        "electronic": _("electronic"),
        "bot": _("in the bot, confirmed by link"),
    }
    return labels.get(form or "", "")


def contact_refusal(reason: str, _: Translate) -> str:
    """A refusal of :mod:`bot.contacts.register`, for the field it is about."""
    texts = {
        register.NOTHING_GIVEN: _(
            "Write the address, choose the form of delivery or change the evening letter."
        ),
        register.NO_CONSENT: _(
            "Contact data is kept only under a granted consent: record the consent first."
        ),
        register.NO_ADDRESS: _("E-mail needs an address on record: write the address."),
        register.BAD_ADDRESS: _(
            "This is not an e-mail address the school can use (one @, Latin letters before "
            "it, no spaces or hidden characters)."
        ),
        register.BAD_DOCUMENT: _("The statement's reference contains a hidden character."),
        register.LONG_DOCUMENT: _("The statement's reference is at most 200 characters."),
        register.NOTHING_TO_REMOVE: _("There is no address on record to remove."),
    }
    return texts.get(reason, _("There is no such family in your classes."))
