"""Messages between a family and the class teacher through the bot: what each side reads,
and the prompts and answers while writing one."""

from __future__ import annotations

from dataclasses import dataclass

from bot.presentation.rendered import Block, Bold, Button, Gap, Rendered, paragraph
from bot.presentation.translation import Translator
from bot.teachers.buttons import RelayReply


@dataclass(frozen=True)
class FamilyMessage:
    """A family's message as the class teacher reads it."""

    thread_id: int
    child: str
    class_name: str
    guardian: str | None  # None: the student writes
    acknowledging: str | None  # the period whose final grades the message acknowledges
    text: str
    by_letter: bool = False  # a reply to a letter: the teacher's answer goes by e-mail


@dataclass(frozen=True)
class TeacherReply:
    """The class teacher's reply as the family reads it."""

    thread_id: int
    teacher: str
    child: str
    text: str


def render_family_message(view: FamilyMessage, _: Translator) -> Rendered:
    if view.guardian is not None:
        sender = _("Message from {person}, parent of {child} ({class_name})").format(
            person=view.guardian, child=view.child, class_name=view.class_name
        )
    else:
        sender = _("Message from the student {child} ({class_name})").format(
            child=view.child, class_name=view.class_name
        )
    blocks: list[Block] = [paragraph("✉️ ", Bold(sender))]
    if view.acknowledging:
        about = _("Acknowledged the final grades of {period}").format(period=view.acknowledging)
        blocks.append(paragraph(f"🎓 {about}"))
    if view.by_letter:
        how = _("Written in reply to a letter; your answer will be sent by e-mail.")
        blocks.append(paragraph(f"📧 {how}"))
    blocks += [Gap(), *_text_lines(view.text)]
    return Rendered(tuple(blocks), ((_reply_button(view.thread_id, _),),))


def render_teacher_reply(view: TeacherReply, _: Translator) -> Rendered:
    title = teacher_reply_subject(_, view.teacher)
    blocks = (paragraph("✉️ ", Bold(title)), paragraph(view.child), Gap(), *_text_lines(view.text))
    return Rendered(blocks, ((_reply_button(view.thread_id, _),),))


def teacher_reply_subject(_: Translator, teacher: str) -> str:
    return _("Reply from the class teacher {teacher}").format(teacher=teacher)


def _reply_button(thread_id: int, _: Translator) -> Button:
    return Button("↩️ " + _("Reply"), callback_data=RelayReply(thread=thread_id).pack())


def _text_lines(text: str) -> list[Block]:
    return [paragraph(line) for line in text.split("\n")]


def writing_unavailable(_: Translator) -> str:
    return _("Writing to the class teacher is not available.")


def write_to_teacher_prompt(_: Translator) -> str:
    return _(
        "Write your message to the class teacher in one message. They will not see "
        "your Telegram account. /cancel — do not send."
    )


def conversation_unavailable(_: Translator) -> str:
    return _("This conversation is not available to you.")


def write_reply_prompt(_: Translator) -> str:
    return _("Write your reply in one message. /cancel — do not send.")


def refusal(reason: str, _: Translator) -> str:
    """Why the message cannot go: a msgid the service marked with ``N_``."""
    return _(reason)


def sent(_: Translator) -> str:
    return _("Sent. The answer will come here.")


def nothing_to_cancel(_: Translator) -> str:
    return _("There is nothing to cancel.")


def cancelled(_: Translator) -> str:
    return _("Cancelled; nothing was sent.")
