"""The 24-hour report: the families the class teacher and the admins must hand final
grades to on paper, and why they were not reached."""

from __future__ import annotations

from collections.abc import Sequence

from bot.finals.undelivered import Reason, Undelivered
from bot.presentation.rendered import Block, Bold, Bullets, Gap, Inline, Rendered, paragraph
from bot.presentation.translation import Translator


def reason_text(item: Undelivered, _: Translator) -> str:
    texts = {
        Reason.NO_CONSENT: _("no consent to electronic delivery"),
        Reason.NOT_LINKED: _("not linked to the bot"),
        Reason.BLOCKED: _("has blocked the bot"),
        Reason.FAILED: _("delivery failed"),
        Reason.PENDING: _("still not delivered"),
        Reason.ADDRESS_INVALID: _("the e-mail address was refused"),
    }
    text = texts[item.reason]
    return f"{text}: {item.error}" if item.error else text


def render_undelivered_report(items: Sequence[Undelivered], _: Translator) -> Rendered:
    """Grouped by class and period, in the order given."""
    blocks: list[Block] = [
        paragraph("❗ ", Bold(_("Final grades not delivered within 24 hours"))),
        paragraph(_("Please hand these families their final grades on paper.")),
    ]
    group: list[tuple[Inline, ...]] = []
    current: tuple[int, int] | None = None
    for item in items:
        if (item.class_id, item.period_id) != current:
            if group:
                blocks.append(Bullets(tuple(group)))
                group = []
            current = (item.class_id, item.period_id)
            blocks += [Gap(), paragraph(Bold(f"{item.class_name} · {item.period_name}"))]
        group.append((f"{item.guardian} ({item.child}) — {reason_text(item, _)}",))
    if group:
        blocks.append(Bullets(tuple(group)))
    return Rendered(tuple(blocks))
