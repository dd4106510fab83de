"""/start without a code, /help, and the answer to anything not understood."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, CommandStart
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from bot.handlers.commands import PUBLIC_COMMANDS, STAFF_COMMANDS
from bot.handlers.menu import menu_keyboard
from bot.handlers.teacher_menu import teacher_keyboard
from bot.presentation.text import escape
from bot.teachers.broadcasts import sender_of
from db.unit_of_work import UnitOfWork


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


async def show_help(message: Message, uow: UnitOfWork) -> None:
    staff = message.from_user is not None and await sender_of(uow, message.from_user.id)
    lines = [_("<b>Commands</b>")]
    lines += [f"/{spec.command} — {_(spec.description)}" for spec in PUBLIC_COMMANDS]
    if staff:
        lines += ["", _("<b>For class teachers and administrators</b>")]
        lines += [f"/{spec.command} — {_(spec.description)}" for spec in STAFF_COMMANDS]
    lines.append("")
    lines.append(
        _(
            "Everything I show comes from the school's electronic journal. If something there "
            "looks wrong, please ask the teacher."
        )
    )
    keyboard = teacher_keyboard() if staff else menu_keyboard()
    await message.answer("\n".join(lines), reply_markup=keyboard)


async def not_understood(message: Message) -> None:
    await message.answer(_("Sorry, I did not understand that. Send /help to see what I can do."))


# Routers are built per dispatcher: an aiogram router can belong to one parent only, and
# tests build many dispatchers in one process.
async def button_gone(query: CallbackQuery) -> None:
    # A button nobody handles any more (its conversation was cancelled or has expired, or
    # the data was made up): answer, so it stops spinning, and change nothing.
    await query.answer(_("This button no longer works. Please send the command again."))


def build_router() -> Router:
    router = Router(name="start")
    router.message.register(start, CommandStart())
    router.message.register(show_help, Command("help"))
    return router


def build_fallback_router() -> Router:
    """Answers any private message and any button press nobody else took; must be included
    last."""
    router = Router(name="fallback")
    router.message.register(not_understood, F.chat.type == "private")
    router.callback_query.register(button_gone)
    return router
