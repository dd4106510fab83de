"""The pages a letter's links open: acknowledging final grades (``/mail/ack/{token}``),
one-click unsubscribing (``/mail/unsubscribe/{token}``, RFC 8058), confirming an address
given in the bot (``/mail/confirm/{token}``) and the letter settings
(``/mail/settings/{token}``: the evening brief by letter). Thin: parse, ask the
service, answer with the presentation's words.

A page is in the language of the person the link is about when their linked Telegram
account chose one (their letters are in it), else in the browser's (``Accept-Language``)
among our catalogs, else in Russian; a refused link only in the browser's.

A GET only shows; only a POST acts. Mail scanners, antivirus gateways and link previews
fetch every link of a letter, and must neither acknowledge grades nor unsubscribe anyone.
The pages load nothing from elsewhere and run no script (a strict Content-Security-Policy),
and tell robots and referrers nothing: the link is a credential.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import aiohttp_jinja2
import jinja2
from aiohttp import web

from bot.contacts.own import confirm_address, confirmation_to_show
from bot.finals.mail_acknowledgement import NoticeView, acknowledge_by_mail, notice_view
from bot.i18n import DEFAULT_LOCALE
from bot.mail.contact_entries import unsubscribe, unsubscribe_subject
from bot.mail.letter_settings import LetterSettings, choose_by_letter, letter_settings
from bot.mail.link_language import link_language
from bot.mail.signed_links import ACKNOWLEDGE, CONFIRM, SETTINGS, UNSUBSCRIBE
from bot.presentation.contact_settings import confirm_page, confirmed_page
from bot.presentation.letter_settings import OFF, ON, letter_settings_page
from bot.presentation.mail import (
    PageTexts,
    acknowledgement_page,
    channel_name,
    link_refused_page,
    unsubscribe_page,
    unsubscribed_page,
)
from bot.presentation.translation import Translator, translator
from bot.services import Services
from bot.web.accept_language import browser_locale
from bot.web.keys import SERVICES_KEY
from db.unit_of_work import UnitOfWork

T = TypeVar("T")
MAIL_TEMPLATES_KEY = web.AppKey("mail_templates", jinja2.Environment)
STATIC = "/mail/static"
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'self'; form-action 'self'; base-uri 'none'; "
    "frame-ancestors 'none'"
)
_HERE = Path(__file__).parent


def add_mail_routes(app: web.Application) -> None:
    aiohttp_jinja2.setup(
        app,
        loader=jinja2.FileSystemLoader(_HERE / "mail_templates"),
        autoescape=jinja2.select_autoescape(default=True),
        app_key=MAIL_TEMPLATES_KEY,
    )
    app.router.add_static(STATIC, _HERE / "mail_static", name="mail_static")
    app.router.add_get("/mail/ack/{token}", show_acknowledgement)
    app.router.add_post("/mail/ack/{token}", record_acknowledgement)
    app.router.add_get("/mail/unsubscribe/{token}", show_unsubscribe)
    app.router.add_post("/mail/unsubscribe/{token}", one_click_unsubscribe)
    app.router.add_get("/mail/confirm/{token}", show_confirmation)
    app.router.add_post("/mail/confirm/{token}", confirm)
    app.router.add_get("/mail/settings/{token}", show_letter_settings)
    app.router.add_post("/mail/settings/{token}", change_letter_settings)


def _browser_locale(request: web.Request) -> str:
    return browser_locale(request.headers.get("Accept-Language")) or DEFAULT_LOCALE


async def _link_locale(request: web.Request, uow: UnitOfWork, purpose: str) -> str:
    """The page's language once its link was found valid: the person's chosen one, else
    the browser's, else Russian."""
    services = request.app[SERVICES_KEY]
    chosen = await link_language(
        uow, services.clock, services.secret_key, purpose, request.match_info["token"]
    )
    return chosen or _browser_locale(request)


def _translator(request: web.Request, locale: str) -> Translator:
    return translator(request.app[SERVICES_KEY].i18n, locale)


def _page(
    request: web.Request, locale: str, texts: PageTexts, *, status: int = 200, **context: Any
) -> web.Response:
    response = aiohttp_jinja2.render_template(
        "page.html",
        request,
        {"locale": locale, "texts": texts, "stylesheet": f"{STATIC}/mail.css",
         "action": request.path, "lines": [], "choice": None, **context},
        app_key=MAIL_TEMPLATES_KEY,
        status=status,
    )  # fmt: skip
    response.headers["Content-Language"] = locale
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _refused(request: web.Request, purpose: str) -> web.Response:
    # The same answer for forged, expired and withdrawn, in the browser's language: nothing
    # to learn from it, not even the language the link's person chose. What to do instead
    # depends only on the route (the link's purpose).
    locale = _browser_locale(request)
    texts = link_refused_page(_translator(request, locale), purpose)
    return _page(request, locale, texts, status=404)


def _ack_page(request: web.Request, locale: str, view: NoticeView) -> web.Response:
    _ = _translator(request, locale)
    moment = None
    if view.acknowledged_at is not None:
        local: datetime = view.acknowledged_at.astimezone(ZoneInfo(view.timezone))
        moment = f"{local:%d.%m.%Y %H:%M}"
    texts = acknowledgement_page(_, child=view.child, period=view.period, acknowledged=moment)
    lines = [{"subject": line.subject, "value": line.value or "—"} for line in view.lines]
    return _page(request, locale, texts, lines=lines)


async def _through_link(
    request: web.Request,
    purpose: str,
    act: Callable[[UnitOfWork, Services, str], Awaitable[T | None]],
) -> tuple[str, T] | None:
    """The page's language and what ``act`` made of the link's token, in one unit of work;
    None when the link is refused (forged, expired, withdrawn: ``act`` said None)."""
    services = request.app[SERVICES_KEY]
    async with services.database.unit_of_work() as uow:
        found = await act(uow, services, request.match_info["token"])
        if found is None:
            return None
        return await _link_locale(request, uow, purpose), found


async def show_acknowledgement(request: web.Request) -> web.Response:
    found = await _through_link(request, ACKNOWLEDGE, lambda uow, services, token: notice_view(
        uow, services.clock, services.secret_key, token))  # fmt: skip
    return _refused(request, ACKNOWLEDGE) if found is None else _ack_page(request, *found)


async def record_acknowledgement(request: web.Request) -> web.Response:
    found = await _through_link(request, ACKNOWLEDGE, lambda uow, services, token: (
        acknowledge_by_mail(uow, services.clock, services.secret_key, token)))  # fmt: skip
    return _refused(request, ACKNOWLEDGE) if found is None else _ack_page(request, *found)


async def show_unsubscribe(request: web.Request) -> web.Response:
    """Only asks; the POST (RFC 8058's one click) unsubscribes."""
    found = await _through_link(request, UNSUBSCRIBE, lambda uow, services, token: (
        unsubscribe_subject(uow, services.clock, services.secret_key, token)))  # fmt: skip
    if found is None:
        return _refused(request, UNSUBSCRIBE)
    locale = found[0]
    return _page(request, locale, unsubscribe_page(_translator(request, locale)))


async def one_click_unsubscribe(request: web.Request) -> web.Response:
    found = await _through_link(request, UNSUBSCRIBE, lambda uow, services, token: unsubscribe(
        uow, services.clock, services.i18n, services.secret_key, token))  # fmt: skip
    if found is None:
        return _refused(request, UNSUBSCRIBE)
    locale, channel = found
    _ = _translator(request, locale)
    return _page(request, locale, unsubscribed_page(_, channel_name(_, channel.value)))


async def show_confirmation(request: web.Request) -> web.Response:
    """Shows the address and a button; only the POST confirms (mail scanners open links)."""
    found = await _through_link(request, CONFIRM, lambda uow, services, token: (
        confirmation_to_show(uow, services.clock, services.secret_key, token)))  # fmt: skip
    if found is None:
        return _refused(request, CONFIRM)
    locale, pending = found
    return _page(request, locale, confirm_page(_translator(request, locale), pending.email))


async def confirm(request: web.Request) -> web.Response:
    found = await _through_link(request, CONFIRM, lambda uow, services, token: confirm_address(
        uow, services.clock, services.secret_key, token))  # fmt: skip
    if found is None:
        return _refused(request, CONFIRM)
    locale, address = found
    return _page(request, locale, confirmed_page(_translator(request, locale), address))


def _settings_page(
    request: web.Request,
    locale: str,
    shown: LetterSettings,
    *,
    saved: bool = False,
    refused: bool = False,
) -> web.Response:
    texts, choice = letter_settings_page(
        _translator(request, locale), name=shown.name, evening_brief=shown.evening_brief,
        saved=saved, refused=refused,
    )  # fmt: skip
    return _page(request, locale, texts, status=400 if refused else 200, choice=choice)


async def show_letter_settings(request: web.Request) -> web.Response:
    """The current choice and the form; only the POST changes it (mail scanners open links)."""
    found = await _through_link(request, SETTINGS, lambda uow, services, token: letter_settings(
        uow, services.clock, services.secret_key, token))  # fmt: skip
    return _refused(request, SETTINGS) if found is None else _settings_page(request, *found)


async def change_letter_settings(request: web.Request) -> web.Response:
    answer = (await request.post()).get("evening_brief")
    valid = answer in (ON, OFF)

    async def act(uow: UnitOfWork, services: Services, token: str) -> LetterSettings | None:
        if not valid:  # none of the answers: nothing changes, the page asks again
            return await letter_settings(uow, services.clock, services.secret_key, token)
        return await choose_by_letter(
            uow, services.clock, services.secret_key, token, evening_brief=answer == ON
        )

    found = await _through_link(request, SETTINGS, act)
    if found is None:
        return _refused(request, SETTINGS)
    return _settings_page(request, *found, saved=valid, refused=not valid)
