"""/start without a code, /help, and the answer to anything not understood."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, CommandStart
from aiogram.types import Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot.handlers.commands import PUBLIC_COMMANDS
from bot.presentation.text import escape

router = Router(name="start")
# Registered last by the application so that every specific handler wins over it.
fallback_router = Router(name="fallback")


@router.message(CommandStart())
async def start(message: Message) -> None:
    name = message.from_user.first_name if message.from_user else ""
    greeting = _("Hello, <b>{name}</b>!").format(name=escape(name))
    intro = _(
        "I am the Telegram channel of your school's electronic diary. Parents and students "
        "see grades here, the schedule with substitutions and moved lessons, homework, tests, "
        "holidays, teachers' recommendations, the forecast and final grades, and receive the "
        "class teacher's announcements."
    )
    how_to_link = _(
        "<b>How to get linked</b>\n"
        "1. The school gives you a letter with a one-time code, on paper or electronically, "
        "together with the consent to the processing of personal data.\n"
        "2. Scan the QR code in the letter, or send me the code as a message, for example "
        "<code>K7QF-M2XD-9HTB</code>.\n"
        "3. Once linked, you will see your child's diary here.\n\n"
        "No code yet? Ask your class teacher."
    )
    footer = _("/help — what I can do · /language — change the language")
    await message.answer(f"{greeting}\n\n{intro}\n\n{how_to_link}\n\n{footer}")


@router.message(Command("help"))
async def show_help(message: Message, i18n: I18n) -> None:
    lines = [_("<b>Commands</b>")]
    lines += [f"/{spec.command} — {_(spec.description)}" for spec in PUBLIC_COMMANDS]
    lines.append("")
    lines.append(
        _(
            "Everything I show comes from the school's electronic journal. If something there "
            "looks wrong, please ask the teacher."
        )
    )
    await message.answer("\n".join(lines))


@fallback_router.message(F.chat.type == "private")
async def not_understood(message: Message) -> None:
    await message.answer(_("Sorry, I did not understand that. Send /help to see what I can do."))
