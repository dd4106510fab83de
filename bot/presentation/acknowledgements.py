"""Acknowledging final grades: the class teacher's summary per class and period (/acks, and
the running message edited as parents acknowledge), and what a parent reads after
acknowledging."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from bot.finals.standing import FamilyLine, FamilyState
from bot.presentation.rendered import Block, Bold, Bullets, Gap, Rendered, paragraph
from bot.presentation.telegram import telegram_html
from bot.presentation.text import MESSAGE_LIMIT, telegram_length
from bot.presentation.translation import Translator

# Who still needs the teacher's attention first, the acknowledged last.
ORDER = (
    FamilyState.REMINDED,
    FamilyState.WAITING,
    FamilyState.UNDELIVERED,
    FamilyState.NO_ACCESS,
    FamilyState.ACKNOWLEDGED,
)
ICONS = {
    FamilyState.ACKNOWLEDGED: "✅",
    FamilyState.WAITING: "⏳",
    FamilyState.REMINDED: "⏰",
    FamilyState.UNDELIVERED: "❗",
    FamilyState.NO_ACCESS: "📄",
}


@dataclass(frozen=True)
class AcknowledgementsView:
    """A class's families and where each stands with a period's final grades."""

    class_name: str
    period_name: str
    families: tuple[FamilyLine, ...]
    timezone: str  # the school's, for the times shown


def _headings(_: Translator) -> dict[FamilyState, str]:
    return {
        FamilyState.ACKNOWLEDGED: _("Acknowledged"),
        FamilyState.WAITING: _("Not acknowledged yet"),
        FamilyState.REMINDED: _("Not acknowledged after the reminder"),
        FamilyState.UNDELIVERED: _("Not delivered yet (see the 24-hour report)"),
        FamilyState.NO_ACCESS: _("No access to the bot: a paper statement is needed"),
    }


def render_acknowledgements(view: AcknowledgementsView, _: Translator) -> Rendered:
    title = _("Acknowledgement of final grades: {class_name}, {period}").format(
        class_name=view.class_name, period=view.period_name
    )
    done = sum(1 for line in view.families if line.state is FamilyState.ACKNOWLEDGED)
    reachable = sum(1 for line in view.families if line.state is not FamilyState.NO_ACCESS)
    count = _("Acknowledged: {done} of {total}").format(done=done, total=reachable)
    blocks: list[Block] = [paragraph("📋 ", Bold(title)), paragraph(count)]
    headings = _headings(_)
    zone = ZoneInfo(view.timezone)
    for state in ORDER:
        group = [line for line in view.families if line.state is state]
        if not group:
            continue
        heading = paragraph(f"{ICONS[state]} ", Bold(headings[state]), f" ({len(group)})")
        items = []
        for line in group:
            when = f" — {line.at.astimezone(zone):%d.%m %H:%M}" if line.at else ""
            items.append((f"{line.guardian} ({line.child}){when}",))
        blocks += [Gap(), heading, Bullets(tuple(items))]
    return Rendered(tuple(blocks))


def render_acknowledgement_list(views: Sequence[AcknowledgementsView], _: Translator) -> Rendered:
    """/acks: every class's summary in full, an empty line between them."""
    blocks: list[Block] = []
    for view in views:
        blocks += [*([Gap()] if blocks else []), *render_acknowledgements(view, _).blocks]
    return Rendered(tuple(blocks))


def summary_message(view: AcknowledgementsView, _: Translator) -> str:
    """The running summary as one Telegram message. It is edited in place as parents
    acknowledge, and an edited message cannot be split: a list too long keeps its head
    (whole lines) and says where the rest is."""
    text = telegram_html(render_acknowledgements(view, _))
    if telegram_length(text) <= MESSAGE_LIMIT:
        return text
    tail = "\n" + telegram_html(Rendered((paragraph("…"), paragraph(_("The full list: /acks")))))
    while telegram_length(text) + telegram_length(tail) > MESSAGE_LIMIT:
        text = text[: text.rfind("\n")]
    return text + tail


def staff_only(_: Translator) -> str:
    return _("Only class teachers and administrators can see this.")


def nothing_published(_: Translator) -> str:
    return _("No final grades have been published for your classes yet.")


def button_not_available(_: Translator) -> str:
    return _("This button is not available to you.")


def already_acknowledged(_: Translator) -> str:
    return _("You have already acknowledged these final grades.")


def thanks_for_button(_: Translator) -> str:
    return _("Thank you! The class teacher will see your acknowledgement.")


def thanks_for_reply(relayed: bool, _: Translator) -> str:
    """``relayed``: the reply had a message beyond the acknowledgement, passed on."""
    if relayed:
        return _("Thank you! Your acknowledgement and your message went to the class teacher.")
    return _("Thank you! Your acknowledgement is recorded.")
