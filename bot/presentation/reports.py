"""What staff read around reports: the /reports menu, the refusals, and the caption that
comes with each report's files (or instead of them when there is nothing to print)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.presentation.rendered import Rendered, paragraph, plain_text
from bot.presentation.text import telegram_length
from bot.presentation.translation import Translator
from bot.reports.kinds import ReportKind

# Telegram's limit for a document's caption, counted in the text after its markup is parsed.
CAPTION_LIMIT = 1024


@dataclass(frozen=True)
class StatementsCaption:
    class_name: str
    first: dt.date
    last: dt.date
    count: int  # students whose families get paper


@dataclass(frozen=True)
class ReportCaption:
    kind: ReportKind  # the summary sheet, monitoring or the curriculum
    class_name: str
    period: str


def render_statements_caption(view: StatementsCaption, _: Translator) -> Rendered:
    first, last = f"{view.first:%d.%m.%Y}", f"{view.last:%d.%m.%Y}"
    if not view.count:
        text = _(
            "Paper statements for {class_name}, {first} – {last}: every family of this "
            "class reads the diary in the bot; nothing to print."
        ).format(class_name=view.class_name, first=first, last=last)
    else:
        text = _(
            "Paper statements for {class_name}, {first} – {last}: {count} students without "
            "the electronic diary. Print them and hand them to the families."
        ).format(class_name=view.class_name, first=first, last=last, count=view.count)
    return within_caption(Rendered((paragraph(text),)))


def render_report_caption(view: ReportCaption, _: Translator) -> Rendered:
    if view.kind == ReportKind.SUMMARY:
        text = _("Summary sheet of final grades: {class_name}, {period}")
    elif view.kind == ReportKind.MONITORING:
        text = _("Parent monitoring: {class_name}, {period}")
    else:
        text = _("Lessons against the curriculum: {class_name}, {period}")
    title = text.format(class_name=view.class_name, period=view.period)
    return within_caption(Rendered((paragraph(title),)))


def within_caption(rendered: Rendered) -> Rendered:
    """The rendering, or its text cut to the caption limit with an ellipsis. The text is
    cut before it becomes HTML, so the cut never falls inside an escaped character."""
    text = plain_text(rendered)
    if telegram_length(text) <= CAPTION_LIMIT:
        return rendered
    cut = text[: CAPTION_LIMIT - 1]
    while telegram_length(cut) > CAPTION_LIMIT - 1:
        cut = cut[:-1]
    return Rendered((paragraph(cut + "…"),))


def report_label(kind: ReportKind, _: Translator) -> str:
    """The report's button in the menu."""
    return {
        ReportKind.STATEMENTS: _("📝 Paper statements"),
        ReportKind.SUMMARY: _("📋 Summary sheet of final grades"),
        ReportKind.MONITORING: _("👀 Parent monitoring"),
        ReportKind.CURRICULUM: _("📊 Curriculum statistics"),
    }[kind]


def not_for_you(_: Translator) -> str:
    return _(
        "Reports are for class teachers and the school's administration. The diary itself "
        "is in /help."
    )


def class_question(_: Translator) -> str:
    return _("Which class is the report for?")


def render_report_question(class_name: str, _: Translator) -> Rendered:
    return Rendered((paragraph(_("{class_name}: which report?").format(class_name=class_name)),))


def refusal(reason: str, _: Translator) -> str:
    """A refused request as an alert; ``reason`` is one of the services' msgids."""
    return _(reason)
