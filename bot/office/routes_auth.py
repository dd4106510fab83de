"""Signing in and out, the account's sessions, and the page language: thin routes over
:mod:`bot.office.signing_in`."""

from __future__ import annotations

from aiohttp import web

from bot.office.signing_in import (
    end_other_session,
    link_is_live,
    open_session,
    open_sessions,
    secure_cookies,
    sign_out,
)
from bot.office.web import (
    COOKIE,
    LANGUAGE_COOKIE,
    LOCALES,
    Page,
    message_page,
    office_page,
    parse_id,
    render,
    see_other,
    services_of,
)
from bot.presentation.office_page import when_text

SESSION_COOKIE_AGE = 8 * 3600  # the browser forgets it when the server would anyway
_TOKEN_LENGTH = 43  # secrets.token_urlsafe(32)


def _token(request: web.Request) -> str | None:
    token = request.match_info["token"]
    if len(token) != _TOKEN_LENGTH or not token.isascii():
        return None
    return token


async def sign_in_page(request: web.Request) -> web.Response:
    """The link opens a page with a button, not a session: a link previewer or a mail
    scanner fetching the URL must not spend it."""
    services = services_of(request)
    token = _token(request)
    async with services.database.unit_of_work() as uow:
        live = token is not None and await link_is_live(
            uow, services.clock, services.secret_key, token
        )
    if not live:
        return message_page(request, 410, "link_dead_title", "link_dead")
    return render(request, "sign_in.html", {})


async def sign_in(request: web.Request) -> web.StreamResponse:
    services = services_of(request)
    token = _token(request)
    agent = request.headers.get("User-Agent", "")
    async with services.database.unit_of_work() as uow:
        session_token = token and await open_session(
            uow, services.clock, services.secret_key, token, agent
        )
    if not session_token:
        return message_page(request, 410, "link_dead_title", "link_dead")
    response = see_other("/office/")
    response.set_cookie(
        COOKIE,
        session_token,
        path="/office",
        httponly=True,
        samesite="Lax",
        secure=secure_cookies(services.settings),
        max_age=SESSION_COOKIE_AGE,
    )
    return response


def _signed_out(request: web.Request) -> web.StreamResponse:
    response = see_other("/office/signed-out")
    response.del_cookie(COOKIE, path="/office")
    return response


@office_page()
async def sign_out_here(page: Page) -> web.StreamResponse:
    await sign_out(page.uow, page.services.clock, page.visit, everywhere=False)
    return _signed_out(page.request)


@office_page()
async def sign_out_everywhere(page: Page) -> web.StreamResponse:
    await sign_out(page.uow, page.services.clock, page.visit, everywhere=True)
    return _signed_out(page.request)


async def signed_out(request: web.Request) -> web.Response:
    return message_page(request, 200, "signed_out_title", "signed_out")


@office_page()
async def sessions(page: Page) -> web.StreamResponse:
    timezone = page.staff.school.timezone
    rows = [
        {
            "id": session.id,
            "device": session.user_agent or "—",
            "since": when_text(session.created_at, timezone, page.locale),
            "seen": when_text(session.last_seen_at, timezone, page.locale),
            "this": session.id == page.visit.session.id,
        }
        for session in await open_sessions(page.uow, page.services.clock, page.staff.account_id)
    ]
    return page.render("sessions.html", {"sessions": rows})


@office_page()
async def end_session(page: Page) -> web.StreamResponse:
    session_id = parse_id(page.request.match_info["session_id"])
    if session_id is None or not await end_other_session(
        page.uow, page.services.clock, page.visit, session_id
    ):
        return message_page(page.request, 404, "not_found_title", "not_found")
    if session_id == page.visit.session.id:
        return _signed_out(page.request)
    return see_other("/office/sessions")


async def choose_language(request: web.Request) -> web.StreamResponse:
    """Only a preference, so a plain link may set it; it returns to a page of this console."""
    wanted = request.query.get("lang", "")
    back = request.query.get("next", "/office/")
    if not back.startswith("/office") or "//" in back or "\\" in back:
        back = "/office/"
    response = see_other(back)
    if wanted in LOCALES:
        response.set_cookie(
            LANGUAGE_COOKIE, wanted, path="/office", samesite="Lax", max_age=365 * 86400
        )
    return response


def add_auth_routes(app: web.Application) -> None:
    app.router.add_get("/office/sign-in/{token}", sign_in_page)
    app.router.add_post("/office/sign-in/{token}", sign_in)
    app.router.add_post("/office/sign-out", sign_out_here)
    app.router.add_post("/office/sign-out-everywhere", sign_out_everywhere)
    app.router.add_get("/office/signed-out", signed_out)
    app.router.add_get("/office/sessions", sessions)
    app.router.add_post("/office/sessions/{session_id}/end", end_session)
    app.router.add_get("/office/language", choose_language)
