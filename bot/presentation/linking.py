"""What a family or a teacher reads when entering a link code, and in /children."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.presentation.placeholders import fill
from bot.presentation.rendered import Bold, Bullets, Gap, Rendered, paragraph
from bot.presentation.translation import Translator

GUARDIAN, STUDENT, TEACHER, ADMIN = "guardian", "student", "teacher", "admin"


@dataclass(frozen=True)
class LinkView:
    """One link of an account: whose diary (or which teacher), where."""

    role: str  # GUARDIAN, STUDENT, TEACHER or ADMIN
    person: str  # the child (guardian and student links) or the teacher
    school: str
    class_name: str | None
    teacher_classes: tuple[str, ...] = ()


def render_linked(view: LinkView, _: Translator, *, already: bool = False) -> Rendered:
    """The answer to a code that linked the account (or had linked it before)."""
    person = Bold(view.person)
    if already:
        text = _("{person} is already linked to your account.")
        return Rendered((paragraph(*fill(text, person=person)),))
    if view.role == GUARDIAN:
        text = _("Done! You are linked to the diary of {person}, class {class_name}, {school}.")
    elif view.role == STUDENT:
        text = _("Done! You are linked to your diary: {person}, class {class_name}, {school}.")
    elif view.teacher_classes:
        text = _(
            "Done! You are linked as a teacher: {person}, {school}. Class teacher of: {classes}."
        )
    else:
        text = _("Done! You are linked as a teacher: {person}, {school}.")
    names = {
        "class_name": view.class_name or "",
        "school": view.school,
        "classes": ", ".join(view.teacher_classes),
    }
    return Rendered(
        (
            paragraph(*fill(text, person=person, **names)),
            Gap(),
            paragraph(_("Send /help to see what I can do.")),
        )
    )


def minutes_until(until: datetime, now: datetime) -> int:
    """Whole minutes left, rounded up, and never 0 (a wait of «0 minutes» reads as none)."""
    return max(1, int((until - now).total_seconds() + 59) // 60)


def render_code_entry_paused(
    _: Translator, *, until: datetime, now: datetime, everyone: bool
) -> Rendered:
    """Too many wrong codes: this account's own, or a crowd's (``everyone``)."""
    minutes = minutes_until(until, now)
    if everyone:
        text = _.ngettext(
            "Too many wrong codes have been entered recently, so entering codes is paused "
            "for a while. Please try again in {minutes} minute.",
            "Too many wrong codes have been entered recently, so entering codes is paused "
            "for a while. Please try again in {minutes} minutes.",
            minutes,
        )
    else:
        text = _.ngettext(
            "Too many wrong codes. Please try again in {minutes} minute.",
            "Too many wrong codes. Please try again in {minutes} minutes.",
            minutes,
        )
    return Rendered((paragraph(text.format(minutes=minutes)),))


def render_code_rejected(attempts_left: int, _: Translator) -> Rendered:
    left = _.ngettext("{count} attempt left.", "{count} attempts left.", attempts_left)
    text = _(
        "This code was not accepted. Check it and try again, or ask the class teacher "
        "for a new one: a code works once and for a limited time."
    )
    return Rendered((paragraph(text + " " + left.format(count=attempts_left)),))


def render_consent_refused_before(_: Translator) -> Rendered:
    text = _(
        "Consent to the processing of personal data was refused or withdrawn, so the "
        "diary cannot be shown here. To change that, contact the school; until then the "
        "school gives you paper statements."
    )
    return Rendered((paragraph(text),))


def request_expired(_: Translator) -> str:
    """The consent buttons of a code no longer pending (an alert, and a message)."""
    return _("This request has expired. Send the code again.")


def render_request_expired(_: Translator) -> Rendered:
    return Rendered((paragraph(request_expired(_)),))


def describe_link(view: LinkView, _: Translator) -> str:
    """One line of /children and /privacy."""
    if view.role == TEACHER:
        return _("{person} (teacher), {school}").format(person=view.person, school=view.school)
    if view.role == ADMIN:
        return _("administrator of {school}").format(school=view.school)
    return _("{person}, class {class_name}, {school}").format(
        person=view.person, class_name=view.class_name or "", school=view.school
    )


def render_children(links: Sequence[LinkView], _: Translator) -> Rendered:
    """/children: the account's links (the unlink buttons are :func:`unlink_label`)."""
    if not links:
        text = _("Nobody is linked yet. Send me the code from the school's letter to link a child.")
        return Rendered((paragraph(text),))
    items = tuple((describe_link(link, _),) for link in links)
    return Rendered((paragraph(Bold(_("Linked to your account"))), Bullets(items)))


def unlink_label(link: LinkView, _: Translator) -> str:
    return _("Unlink: {person}").format(person=link.person)


def not_your_link(_: Translator) -> str:
    """An unlink button for someone else's link, or a stale one (an alert)."""
    return _("This link is not yours or has already ended.")


def unlinked(_: Translator) -> str:
    """The alert on the unlink button."""
    return _("Unlinked.")


def render_unlinked(_: Translator) -> Rendered:
    return Rendered(
        (paragraph(_("Unlinked. You can link again with a new code from the school.")),)
    )
