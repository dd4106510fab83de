"""The office console's words for its working pages: codes and letters, reports, settings
and the audit trail (the frame and the register are in :mod:`office_page`)."""

from __future__ import annotations

from collections.abc import Callable

from bot.presentation.translation import Translator

Translate = Callable[[str], str]


def codes_texts(_: Translate) -> dict[str, str]:
    return {
        "codes_title": _("Codes and letters"),
        "codes_intro": _(
            "A letter holds a family's one-time code and the link to the bot. Print the PDF "
            "and hand each family its page. Families who refused or withdrew consent get no "
            "code."
        ),
        "for_class": _("Letters for the whole class"),
        "letter_language": _("Language of the letters"),
        "issue_class": _("Issue codes and download the letters"),
        "issue_family": _("Issue a letter"),
        "reissue_family": _("Issue again (the old code stops working)"),
        "reissue_warning": _(
            "Some families hold a code that still works. Issuing again revokes it: the old "
            "letter stops working."
        ),
        "reissue_confirm": _("I understand: the earlier codes stop working"),
        "code": _("Code"),
        "code_open": _("a code that works"),
        "code_none": _("no working code"),
        "paper_only": _("paper statements"),
        "state": _("Consent"),
    }


def skipped_message(count: int, _: Translator) -> str:
    return _.ngettext(
        "No code was issued: {count} family refused or withdrew consent.",
        "No code was issued: {count} families refused or withdrew consent.",
        count,
    ).format(count=count)


def reports_texts(_: Translate) -> dict[str, str]:
    return {
        "reports_title": _("Reports"),
        "reports_intro": _(
            "Choose the report, the class and the period (or the dates for paper statements). "
            "Every download is written to the audit trail."
        ),
        "report": _("Report"),
        "statements": _("Paper statements"),
        "summary": _("Summary sheet of final grades"),
        "monitoring": _("Parents reading the diary"),
        "curriculum": _("Lessons against the curriculum"),
        "period": _("Period"),
        "first_day": _("From"),
        "last_day": _("To"),
        "dates_hint": _("Only paper statements use the dates; the other reports use the period."),
        "file_format": _("File"),
        "download": _("Download"),
    }


def settings_texts(_: Translate) -> dict[str, str]:
    return {
        "settings_title": _("School settings"),
        "settings_intro": _(
            "Each setting with what it means, what it allows and its default. Values are "
            "written as on the command line: numbers, true or false, a list in brackets."
        ),
        "allowed": _("Allowed"),
        "default": _("Default"),
        "save": _("Save"),
        "saved": _("Settings saved."),
        "unchanged": _("Nothing changed."),
    }


def setting_problem(allowed: str, _: Translate) -> str:
    return _("Must be {allowed}.").format(allowed=_(allowed))


def audit_texts(_: Translate) -> dict[str, str]:
    return {
        "audit_title": _("Audit trail"),
        "audit_intro": _("Who did what and when in this school, newest first (at most 200)."),
        "family": _("Family"),
        "any_family": _("every family"),
        "kind": _("Kind"),
        "any_kind": _("every kind"),
        "kind_consent": _("consents"),
        "kind_contacts": _("contact data"),
        "kind_codes": _("codes"),
        "kind_reports": _("reports"),
        "kind_settings": _("settings"),
        "kind_office": _("office sign-ins"),
        "kind_admins": _("administrators"),
        "kind_links": _("links in the bot"),
        "since": _("From"),
        "until": _("To"),
        "filter": _("Filter"),
        "when": _("When"),
        "who": _("Who"),
        "what": _("What"),
        "details": _("Details"),
        "bad_date": _("Write a date, or leave it empty."),
        "bad_family": _("Choose a family from the list."),
        "bad_kind": _("Choose a kind from the list."),
        "dates_reversed": _("The first day is after the last."),
    }
