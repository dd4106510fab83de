"""The modes ``make run`` starts: the demo school on an empty database, and — with no bot
token — the try mode, where the real bot (the same dispatcher, outbox, delivery worker and
scheduler) talks to the built-in Telegram stand-in and people chat in a browser page.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from aiohttp import web
from pydantic import SecretStr

from bot.clock import AdjustableClock, Clock
from bot.config import Settings
from bot.exchange.demo import load_demo
from bot.exchange.demo_school import DEMO_SCHOOL_NAME
from bot.runtime import serve
from bot.services import Services, build_services
from bot.standin.flood_control import FloodControl
from bot.standin.server import TelegramStandIn
from bot.standin.telegram_objects import TelegramUser
from bot.trying.cast import Persona
from bot.trying.personas import ACTOR, TryModeUnavailable, prepare_personas
from db.models import School

log = logging.getLogger(__name__)
# Not a real token: the stand-in accepts only this one, and Telegram would refuse it.
TRY_TOKEN = "7000000:TRY-MODE-stand-in-not-a-telegram-token"  # noqa: S105
TRY_USERNAME = "ediary_try_bot"
TRY_BOT_NAME = "eDiary"


class DemoWhenEmpty:
    """``ediary run --demo``: load the demo school when the database has no school yet."""

    async def prepare(self, services: Services) -> None:
        async with services.database.unit_of_work() as uow:
            if await uow.schools.all():
                return
            outcome = await load_demo(uow, services.clock, services.secret_key, actor=ACTOR)
        log.info("the database was empty: loaded the demo school (id %s)", outcome.school_id)

    def extend(self, app: web.Application) -> None:
        return None

    async def started(self) -> None:
        return None


@dataclass
class TryMode:
    """The stand-in, the movable clock and the demo school's people, for the try page."""

    standin: TelegramStandIn
    clock: AdjustableClock
    announce: Callable[[str], None]
    url: str
    services: Services | None = None
    school: School | None = None
    personas: dict[str, Persona] = field(default_factory=dict)
    greeted: set[str] = field(default_factory=set)

    def require_services(self) -> Services:
        assert self.services is not None, "the try mode is not prepared"
        return self.services

    @property
    def timezone(self) -> str:
        return self.school.timezone if self.school is not None else "UTC"

    def greet(self, key: str, user: TelegramUser) -> None:
        """The first time the page opens a person's chat, they open the bot: ``/start``, or
        the codes of their letters (as its QR code would)."""
        if key in self.greeted:
            return
        self.greeted.add(key)
        for text in self.personas[key].start_texts:
            self.standin.send_as(user, text)

    def activity(self) -> dict[str, int]:
        """Each person's chat's last change, so the page marks chats with something new."""
        chats = self.standin.chats
        return {
            key: max((e.seq for e in chats.chat(p.telegram_user_id).entries.values()), default=0)
            for key, p in self.personas.items()
        }

    async def prepare(self, services: Services) -> None:
        self.services = services
        await DemoWhenEmpty().prepare(services)
        async with services.database.unit_of_work() as uow:
            schools = await uow.schools.all()
            others = [school.name for school in schools if school.name != DEMO_SCHOOL_NAME]
            if others:
                raise TryModeUnavailable(
                    f"this database holds other schools ({', '.join(others[:3])}): the try "
                    "mode runs on a database of its own; set DATABASE_URL to another one"
                )
            school = next(school for school in schools if school.name == DEMO_SCHOOL_NAME)
            personas = await prepare_personas(uow, services.clock, services.secret_key, school)
        self.school = school
        self.personas = {persona.key: persona for persona in personas}

    def extend(self, app: web.Application) -> None:
        from bot.trying.page import add_try_routes

        add_try_routes(app, self)

    async def started(self) -> None:
        self.announce(
            f"try mode: no BOT_TOKEN, so the bot talks to a built-in Telegram stand-in; "
            f"open {self.url} to chat with it as a parent, a student or a teacher"
        )


async def run_try(
    settings: Settings,
    *,
    clock: Clock,
    announce: Callable[[str], None],
    stop: asyncio.Event | None = None,
) -> None:
    """``ediary run --try``: until SIGINT or SIGTERM (or ``stop``)."""
    adjustable = AdjustableClock(clock)
    # Telegram's limits, so the page shows real pacing; calls are not kept (it runs for long).
    standin = TelegramStandIn(
        TRY_TOKEN,
        username=TRY_USERNAME,
        first_name=TRY_BOT_NAME,
        now=adjustable.now,
        flood=FloodControl(),
        record_calls=False,
        max_poll_wait=25.0,
    )
    base_url = await standin.start()
    try:
        settings = settings.model_copy(
            update={
                "bot_token": SecretStr(TRY_TOKEN),
                "bot_username": TRY_USERNAME,
                "telegram_api_url": base_url,
                "telegram_api_local": False,
                "webhook_url": None,
            }
        )
        host = "127.0.0.1" if settings.http_host in ("0.0.0.0", "::") else settings.http_host  # noqa: S104
        url = f"http://{host}:{settings.http_port}/try"
        mode = TryMode(standin, adjustable, announce, url)
        services = build_services(settings, clock=adjustable)
        await serve(services, addon=mode, stop=stop)
    finally:
        await standin.stop()
