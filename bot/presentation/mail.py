"""What letters say besides the messages they carry: subjects, the footer with the letter
settings and unsubscribe links, the acknowledgement link, and what the class teacher hears
of an address refused or a family unsubscribed; the texts of the acknowledgement page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.mail.signed_links import ACKNOWLEDGE, CONFIRM, SETTINGS, UNSUBSCRIBE
from bot.presentation.rendered import Bold, Button, Gap, Link, Rendered, paragraph
from bot.presentation.translation import Translator


def letter_subject(_: Translator, school: str, subjects: list[str]) -> str:
    """One part: its own subject; several: how many, from whom."""
    if len(subjects) == 1:
        return subjects[0]
    count = len(subjects)
    return _.ngettext(
        "{school}: {count} message from the electronic diary",
        "{school}: {count} messages from the electronic diary",
        count,
    ).format(school=school, count=count)


def final_grades_subject(_: Translator, child: str, period: str) -> str:
    return _("Final grades: {child}, {period}").format(child=child, period=period)


def push_subject(_: Translator, kind: str) -> str:
    """A letter part's subject by the kind of news it carries."""
    subjects = {
        "grades": _("New marks"),
        "lesson": _("Changes in the timetable"),
        "homework": _("Homework"),
        "recommendation": _("A teacher's recommendation"),
        "forecast_digest": _("Forecast of the period's grades"),
        "risk": _("A subject needs attention"),
        "evening_brief": _("Tomorrow at school"),
    }
    return subjects.get(str(kind), _("News from the electronic diary"))


def announcement_subject(_: Translator, sender: str) -> str:
    return _("Announcement: {sender}").format(sender=sender)


def statement_subject(_: Translator, child: str, first: date, last: date) -> str:
    return _("Statement of grades: {child}, {first} – {last}").format(
        child=child, first=f"{first:%d.%m.%Y}", last=f"{last:%d.%m.%Y}"
    )


def render_statement_letter(_: Translator, child: str, first: date, last: date) -> Rendered:
    text = _(
        "The statement of current grades of {child} for {first} – {last} is attached (PDF), "
        "instead of the paper one handed out at school."
    ).format(child=child, first=f"{first:%d.%m.%Y}", last=f"{last:%d.%m.%Y}")
    return Rendered((paragraph(text),))


def render_letter_footer(
    _: Translator,
    school: str,
    unsubscribe_url: str | None,
    settings_url: str | None = None,
    *,
    replies: bool = False,
) -> Rendered:
    why = _(
        "{school} sends you the electronic diary by e-mail, as you agreed with the school."
    ).format(school=school)
    blocks = [paragraph(why)]
    if replies:
        blocks.append(paragraph(_("A reply to this letter reaches the class teacher.")))
    if settings_url is not None:
        blocks.append(
            paragraph(
                _("An evening letter about tomorrow's lessons, homework and tests: "),
                Link(_("letter settings"), settings_url),
            )
        )
    if unsubscribe_url is not None:
        blocks.append(
            paragraph(
                _("To receive it in another form: "),
                Link(_("unsubscribe from these letters"), unsubscribe_url),
            )
        )
    return Rendered(tuple(blocks))


def render_acknowledge_link(_: Translator, url: str) -> Rendered:
    text = _("Please open the link and confirm that you have seen the final grades.")
    return Rendered((Gap(), paragraph(text)), ((Button(_("Open and acknowledge"), url=url),),))


def render_address_refused(_: Translator, *, person: str, children: str, detail: str) -> Rendered:
    title = _("An e-mail address does not take letters")
    body = _(
        "The mail server refused the address of {person} ({children}) for good: {detail}. "
        "Nothing more is sent to it; the family gets paper until the school records a new "
        "address (ediary contacts set)."
    ).format(person=person, children=children, detail=detail)
    return Rendered((paragraph("✉️ ", Bold(title)), paragraph(body)))


def render_unsubscribed(_: Translator, *, person: str, children: str, channel: str) -> Rendered:
    title = _("A family unsubscribed from e-mail")
    body = _(
        "{person} ({children}) pressed «unsubscribe» in a letter. Their deliveries now go: "
        "{channel}."
    ).format(person=person, children=children, channel=channel)
    return Rendered((paragraph("✉️ ", Bold(title)), paragraph(body)))


def channel_name(_: Translator, channel: str) -> str:
    names = {
        "telegram": _("in Telegram"),
        "email": _("by e-mail"),
        "both": _("in Telegram and by e-mail"),
        "paper": _("on paper"),
    }
    return names.get(channel, channel)


@dataclass(frozen=True)
class PageTexts:
    """The words of the pages a letter's links open."""

    title: str
    heading: str
    body: str
    button: str = ""


def acknowledgement_page(
    _: Translator, *, child: str, period: str, acknowledged: str | None
) -> PageTexts:
    heading = _("Final grades: {child}").format(child=child)
    if acknowledged is not None:
        body = _("Acknowledged {moment}. Thank you!").format(moment=acknowledged)
        return PageTexts(_("Final grades"), heading, body)
    body = _("{period}. Please confirm that you have seen them.").format(period=period)
    return PageTexts(_("Final grades"), heading, body, "✅ " + _("I have seen them"))


def link_refused_page(_: Translator, purpose: str) -> PageTexts:
    """The refusal of a link of ``purpose`` (:mod:`bot.mail.signed_links`): what to do
    instead of that link, and nothing about whom it names."""
    what_next = {
        ACKNOWLEDGE: _(
            "It has expired or was changed. Ask the class teacher for the final grades."
        ),
        UNSUBSCRIBE: _(
            "It has expired or was changed. Use the link in a newer letter, or ask the class "
            "teacher to change how you receive the diary."
        ),
        CONFIRM: _(
            "It has expired or was changed. Give the address again in the bot's /settings to "
            "get a new link."
        ),
        SETTINGS: _(
            "It has expired or was changed. Every new letter carries a fresh link to the letter "
            "settings."
        ),
    }
    return PageTexts(
        _("Link not valid"),
        _("This link is not valid"),
        what_next.get(purpose) or _("It has expired or was changed."),
    )


def unsubscribe_page(_: Translator) -> PageTexts:
    return PageTexts(
        _("Unsubscribe"),
        _("Unsubscribe from the diary's letters?"),
        _("Your deliveries will go in Telegram if you use the bot, else on paper."),
        _("Unsubscribe"),
    )


def unsubscribed_page(_: Translator, channel: str) -> PageTexts:
    return PageTexts(
        _("Unsubscribed"),
        _("You will receive no more letters"),
        _("Your deliveries now go: {channel}. The class teacher has been told.").format(
            channel=channel
        ),
    )
