"""Announcements: what families read, and what the class teacher or admin reads while
writing one (/broadcast) and when looking back at the figures (/broadcasts)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.presentation.rendered import Block, Bold, Button, Gap, Rendered, paragraph
from bot.presentation.translation import Translator
from bot.teachers.audience import WHOLE_SCHOOL, Audience
from bot.teachers.buttons import BroadcastAudience, BroadcastClass, BroadcastConfirm, BroadcastRead

CLASSES_PER_ROW = 3
SNIPPET = 60  # characters of an announcement shown in /broadcasts


@dataclass(frozen=True)
class AnnouncementView:
    school: str
    class_name: str | None  # None: the whole school
    teacher: str | None  # the class teacher who writes; None: the administration
    text: str
    broadcast_id: int | None = None  # once sent: the «👍 Read» button under it


@dataclass(frozen=True)
class PreviewView:
    announcement: AnnouncementView
    recipients: int
    audience: Audience


@dataclass(frozen=True)
class BroadcastFigures:
    """A sent announcement with its delivery and read counts."""

    created_at: datetime  # UTC
    class_name: str | None  # None: the whole school
    text: str
    recipients: int
    delivered: int
    failed: int
    waiting: int
    read: int


def render_announcement(view: AnnouncementView, _: Translator) -> Rendered:
    if view.class_name is None:
        title = _("{school}: announcement of the administration").format(school=view.school)
    elif view.teacher is None:
        title = _("{class_name}: announcement of the administration").format(
            class_name=view.class_name
        )
    else:
        title = _("{class_name}: class teacher {teacher}").format(
            class_name=view.class_name, teacher=view.teacher
        )
    blocks = (paragraph("📣 ", Bold(title)), Gap(), *_text_lines(view.text))
    if view.broadcast_id is None:
        return Rendered(blocks)
    return Rendered(blocks, ((_read_button(view.broadcast_id, _, read=False),),))


def render_read_mark(broadcast_id: int, _: Translator) -> Rendered:
    """Only the buttons: the «👍 Read» button once pressed, ticked."""
    return Rendered((), ((_read_button(broadcast_id, _, read=True),),))


def _read_button(broadcast_id: int, _: Translator, *, read: bool) -> Button:
    label = "👍 " + _("Read") + (" ✓" if read else "")
    return Button(label, callback_data=BroadcastRead(broadcast=broadcast_id).pack())


def _text_lines(text: str) -> list[Block]:
    return [paragraph(line) for line in text.split("\n")]


def audience_label(audience: Audience, _: Translator) -> str:
    return {
        Audience.GUARDIANS: _("Parents"),
        Audience.STUDENTS: _("Students"),
        Audience.BOTH: _("Parents and students"),
    }[audience]


def render_class_choice(
    classes: Sequence[tuple[int, str]], whole_school: bool, _: Translator
) -> Rendered:
    """``classes`` as (id, name); ``whole_school`` adds the admin's «The whole school»."""
    buttons = [
        Button(name, callback_data=BroadcastClass(class_id=id_).pack()) for id_, name in classes
    ]
    if whole_school:
        everyone = BroadcastClass(class_id=WHOLE_SCHOOL).pack()
        buttons.append(Button(_("The whole school"), callback_data=everyone))
    rows = tuple(
        tuple(buttons[i : i + CLASSES_PER_ROW]) for i in range(0, len(buttons), CLASSES_PER_ROW)
    )
    return Rendered((paragraph(_("Whom is the announcement for? Choose the class:")),), rows)


def render_audience_choice(_: Translator) -> Rendered:
    rows = tuple(
        (Button(audience_label(a, _), callback_data=BroadcastAudience(audience=a.value).pack()),)
        for a in Audience
    )
    return Rendered((paragraph(_("Who should receive it?")),), rows)


def write_prompt(_: Translator) -> str:
    return _(
        "Write the announcement in one message, or forward one here. You will see a "
        "preview before it is sent. /cancel — do not send."
    )


def render_preview(view: PreviewView, _: Translator) -> Rendered:
    count = _("Recipients: {count} ({audience})").format(
        count=view.recipients, audience=audience_label(view.audience, _)
    )
    announcement = render_announcement(view.announcement, _)
    buttons = (
        Button("✅ " + _("Send"), callback_data=BroadcastConfirm(go=True).pack()),
        Button("✖️ " + _("Cancel"), callback_data=BroadcastConfirm(go=False).pack()),
    )
    blocks = (paragraph(Bold(_("Preview"))), Gap(), *announcement.blocks, Gap(), paragraph(count))
    return Rendered(blocks, (buttons,))


def render_sent(recipients: int, _: Translator) -> Rendered:
    done = _("Sent to {count} recipients. /broadcasts shows delivery and reads.")
    return Rendered((paragraph(done.format(count=recipients)),))


def render_cancelled(_: Translator) -> Rendered:
    return Rendered((paragraph(_("Cancelled; nothing was sent.")),))


def render_broadcast_list(items: Sequence[BroadcastFigures], _: Translator) -> Rendered:
    blocks: list[Block] = [paragraph(Bold(_("Recent announcements")))]
    for item in items:
        where = item.class_name or _("The whole school")
        snippet = item.text if len(item.text) <= SNIPPET else item.text[: SNIPPET - 1] + "…"
        figures = _(
            "recipients {total} · delivered {delivered} · failed {failed} · "
            "waiting {waiting} · read {read}"
        ).format(
            total=item.recipients,
            delivered=item.delivered,
            failed=item.failed,
            waiting=item.waiting,
            read=item.read,
        )
        blocks += [
            Gap(),
            paragraph(Bold(f"{item.created_at:%d.%m %H:%M} UTC · {where}")),
            paragraph(snippet),
            paragraph(figures),
        ]
    return Rendered(tuple(blocks))


def no_broadcasts(_: Translator) -> str:
    return _("No announcements yet. /broadcast — write one.")


def staff_only(_: Translator) -> str:
    return _("Only class teachers and administrators can send announcements.")


def cannot_address(_: Translator) -> str:
    return _("You cannot address this class.")


def nobody_would_receive(_: Translator) -> str:
    return _("Nobody would receive it: no linked families there yet.")


def button_not_available(_: Translator) -> str:
    return _("This button is not available to you.")


def refusal(reason: str, _: Translator) -> str:
    """Why the announcement cannot go: a msgid the service marked with ``N_``."""
    return _(reason)


def read_thanks(_: Translator) -> str:
    return _("Thank you! The teacher will see that you have read it.")
