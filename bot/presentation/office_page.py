"""The office console's words: every label a page shows, in the reader's language.

Templates only place these; keeping them here lets ``make messages`` extract them (Babel
reads Python, not the Jinja templates) and lets tests read them like any other text.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime

from bot.presentation.translation import Translator

Translate = Callable[[str], str]


def common_texts(_: Translate) -> dict[str, str]:
    """The frame every page shares: the menu, the language switch, sign-out."""
    return {
        "console": _("School office"),
        "nav_overview": _("Overview"),
        "nav_register": _("Consent register"),
        "nav_contacts": _("Contacts"),
        "nav_codes": _("Codes and letters"),
        "nav_reports": _("Reports"),
        "nav_settings": _("Settings"),
        "nav_audit": _("Audit trail"),
        "nav_sessions": _("Sessions"),
        "sign_out": _("Sign out"),
        "language": _("Language"),
        "admin": _("School administrator"),
        "class_teacher": _("Class teacher"),
        "class": _("Class"),
        "child": _("Child"),
        "guardian": _("Parent"),
        "choose": _("Show"),
        "nothing": _("Nothing here yet."),
        "back": _("Back"),
        "errors_above": _("Nothing was saved: please correct what is marked."),
    }


def sign_in_texts(_: Translate) -> dict[str, str]:
    return {
        "sign_in_title": _("Sign in to the school office"),
        "sign_in_intro": _(
            "This link signs you in on this device. It works once and for ten minutes."
        ),
        "sign_in_button": _("Sign in"),
        "link_dead_title": _("This link no longer works"),
        "link_dead": _(
            "A sign-in link works once and for ten minutes. Send /office to the bot for a new one."
        ),
        "signed_out_title": _("You are signed out"),
        "signed_out": _(
            "To sign in, send /office to the school's bot in Telegram and open the link it "
            "sends you."
        ),
        "forbidden_title": _("Not available to you"),
        "forbidden": _("This page belongs to another class or to the school's administrators."),
        "not_found_title": _("Not found"),
        "not_found": _("There is no such page in your school."),
        "csrf_title": _("The form has expired"),
        "csrf": _("Please go back, reload the page and send the form again."),
        "sessions_title": _("Your open sessions"),
        "sessions_intro": _(
            "Every device signed in to the office as you. End any you do not recognise."
        ),
        "session_device": _("Device"),
        "session_since": _("Signed in"),
        "session_seen": _("Last active"),
        "session_this": _("this device"),
        "session_end": _("End"),
        "sign_out_everywhere": _("Sign out everywhere"),
    }


def overview_texts(_: Translate) -> dict[str, str]:
    return {
        "overview_title": _("Overview"),
        "families_title": _("Families by class"),
        "linked": _("Linked in the bot"),
        "consented": _("Consent, no link yet"),
        "refused": _("Refused"),
        "withdrawn": _("Withdrawn"),
        "no_record": _("No record"),
        "delivery_title": _("Delivery"),
        "queue": _("Waiting in the queue"),
        "sent_day": _("Sent in the last 24 hours"),
        "dead_day": _("Failed for good in the last 24 hours"),
        "finals_title": _("Final grades not delivered within 24 hours"),
        "finals_none": _("Every family received its final grades within 24 hours."),
        "finals_hint": _("Please hand these families their final grades on paper."),
        "period": _("Period"),
        "reason": _("Reason"),
    }


def register_texts(_: Translate) -> dict[str, str]:
    return {
        "register_title": _("Consent register"),
        "register_intro": _(
            "Record the paper forms the families signed. Choose one family or several, the "
            "decision and the document; the register keeps every entry, nothing is overwritten."
        ),
        "state": _("Consent"),
        "recorded": _("Recorded"),
        "history": _("History"),
        "decision": _("Decision"),
        "granted_action": _("Consent given"),
        "refused_action": _("Consent refused"),
        "withdrawn_action": _("Consent withdrawn"),
        "form": _("Form"),
        "paper": _("paper"),
        "electronic": _("electronic"),
        "document_number": _("Document number"),
        "document_date": _("Document date"),
        "record_button": _("Record for the chosen families"),
        "history_title": _("Consent history"),
        "recorded_by": _("Recorded by"),
        "document": _("Document"),
        "text_version": _("Text version"),
        "when": _("When"),
        "children": _("Children"),
    }


def state_label(state: str | None, _: Translate) -> str:
    labels = {
        "linked": _("linked in the bot"),
        "consented": _("consent, no link yet"),
        "granted": _("consent given"),
        "refused": _("refused"),
        "withdrawn": _("withdrawn"),
        None: _("no record"),
    }
    return labels.get(state, state or "")


def form_label(form: str, _: Translate) -> str:
    return {"paper": _("paper"), "electronic": _("electronic")}.get(form, form)


def recorded_message(count: int, _: Translator) -> str:
    return _.ngettext(
        "Recorded for {count} family.", "Recorded for {count} families.", count
    ).format(count=count)


def when_text(moment: datetime, timezone: str, locale: str) -> str:
    """An instant in the school's time, as the reader's language writes it."""
    return format_datetime(moment.astimezone(ZoneInfo(timezone)), "short", locale=locale)


def day_text(day: date, locale: str) -> str:
    return format_date(day, "medium", locale=locale)
