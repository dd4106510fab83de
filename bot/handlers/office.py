"""/office: a staff member asks for a one-time sign-in link to the office console."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import Message

from bot.clock import Clock
from bot.linking.service import actor_of
from bot.office.signing_in import issue_sign_in_link
from bot.office.staff import staff_schools
from bot.presentation.office_link import (
    OfficeLinkView,
    render_office_links,
    render_office_refused,
)
from bot.presentation.telegram import telegram_html
from bot.presentation.translation import update_translator
from bot.services import Services
from db.unit_of_work import UnitOfWork


async def office_link(message: Message, uow: UnitOfWork, clock: Clock, services: Services) -> None:
    if message.from_user is None:
        return
    _ = update_translator()
    staff = await staff_schools(uow, message.from_user.id)
    if not staff:
        await message.answer(telegram_html(render_office_refused(_)))
        return
    views = []
    for member in staff:  # one link per school they work in (usually one)
        link = await issue_sign_in_link(
            uow,
            clock,
            services.secret_key,
            services.settings,
            member,
            actor=actor_of(message.from_user.id),
        )
        views.append(OfficeLinkView(member.school.name, link.url))
    await message.answer(telegram_html(render_office_links(views, _)))


def build_router() -> Router:
    router = Router(name="office")
    router.message.register(office_link, Command("office"))
    return router
