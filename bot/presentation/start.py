"""/start without a code, /help, and the answers to what nobody understood."""

from __future__ import annotations

from collections.abc import Sequence

from bot.presentation.placeholders import fill
from bot.presentation.rendered import Block, Bold, Code, Gap, Rendered, paragraph
from bot.presentation.translation import Translator

# What a code looks like in the letter; the same in every language.
SAMPLE_CODE = "K7QF-M2XD-9HTB"


def render_start(first_name: str, _: Translator) -> Rendered:
    intro = _(
        "I am the Telegram channel of your school's electronic diary. Parents and students "
        "see grades here, the schedule with substitutions and moved lessons, homework, tests, "
        "holidays, teachers' recommendations, the forecast and final grades, and receive the "
        "class teacher's announcements."
    )
    steps = (
        _(
            "1. The school gives you a letter with a one-time code, on paper or electronically, "
            "together with the consent to the processing of personal data."
        ),
        _(
            "2. Scan the QR code in the letter, or send me the code as a message, for example "
            "{code}."
        ),
        _("3. Once linked, you will see your child's diary here."),
    )
    return Rendered(
        (
            paragraph(*fill(_("Hello, {name}!"), name=Bold(first_name))),
            Gap(),
            paragraph(intro),
            Gap(),
            paragraph(Bold(_("How to get linked"))),
            paragraph(steps[0]),
            paragraph(*fill(steps[1], code=Code(SAMPLE_CODE))),
            paragraph(steps[2]),
            Gap(),
            paragraph(_("No code yet? Ask your class teacher.")),
            Gap(),
            paragraph(_("/help — what I can do · /language — change the language")),
        )
    )


def render_help(
    _: Translator, *, public: Sequence[tuple[str, str]], staff: Sequence[tuple[str, str]] = ()
) -> Rendered:
    """The commands as (command, description msgid); the staff's only for class teachers
    and administrators."""
    blocks: list[Block] = [paragraph(Bold(_("Commands")))]
    blocks += [paragraph(f"/{command} — {_(about)}") for command, about in public]
    if staff:
        blocks += [Gap(), paragraph(Bold(_("For class teachers and administrators")))]
        blocks += [paragraph(f"/{command} — {_(about)}") for command, about in staff]
    source = _(
        "Everything I show comes from the school's electronic journal. If something there "
        "looks wrong, please ask the teacher."
    )
    return Rendered((*blocks, Gap(), paragraph(source)))


def render_not_understood(_: Translator) -> Rendered:
    return Rendered(
        (paragraph(_("Sorry, I did not understand that. Send /help to see what I can do.")),)
    )


def button_gone_alert(_: Translator) -> str:
    """The alert on a button nobody handles any more."""
    return _("This button no longer works. Please send the command again.")
