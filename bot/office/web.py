"""What every console page shares: the templates, the session cookie, the CSRF check, the
reader's language and the answers for refusals. Routes stay thin: each is a function of a
:class:`Page`, wrapped by :func:`office_page`, which signs the request in first."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from functools import wraps
from pathlib import Path
from typing import Any

import aiohttp_jinja2
import jinja2
from aiohttp import web
from multidict import MultiDictProxy

from bot.office.signing_in import Visit, csrf_matches, csrf_token, current_visit
from bot.office.staff import Forbidden, NotFound, Staff
from bot.presentation.office_page import common_texts, sign_in_texts
from bot.presentation.translation import Translator, translator
from bot.services import Services
from bot.web.keys import SERVICES_KEY
from db.unit_of_work import UnitOfWork

TEMPLATES_KEY = web.AppKey("office_templates", jinja2.Environment)
COOKIE = "ediary_office"
LANGUAGE_COOKIE = "ediary_office_language"
LOCALES = ("ru", "en")
_HERE = Path(__file__).parent
# Plain forms and a stylesheet from this server: nothing else may run or load in a page.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'none'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)


def setup_office_templates(app: web.Application) -> None:
    aiohttp_jinja2.setup(
        app,
        loader=jinja2.FileSystemLoader(_HERE / "templates"),
        autoescape=jinja2.select_autoescape(default=True),
        undefined=jinja2.StrictUndefined,
        app_key=TEMPLATES_KEY,
    )
    app.router.add_static(
        "/office/static", _HERE / "static", append_version=True, name="office_static"
    )


def services_of(request: web.Request) -> Services:
    return request.app[SERVICES_KEY]


def locale_of(request: web.Request) -> str:
    chosen = request.cookies.get(LANGUAGE_COOKIE, "")
    if chosen in LOCALES:
        return chosen
    for part in request.headers.get("Accept-Language", "").split(","):
        language = part.split(";")[0].strip().lower()[:2]
        if language in LOCALES:
            return language
    return LOCALES[0]


def translator_of(request: web.Request) -> Translator:
    return translator(services_of(request).i18n, locale_of(request))


def render(
    request: web.Request,
    template: str,
    context: dict[str, Any],
    *,
    status: int = 200,
) -> web.Response:
    _ = translator_of(request)
    full = {
        "locale": locale_of(request),
        "locales": LOCALES,
        "t": {**common_texts(_), **sign_in_texts(_), **context.pop("texts", {})},
        "visit": None,
        "csrf": "",
        "path": request.path,
        **context,
    }
    response = aiohttp_jinja2.render_template(
        template, request, full, app_key=TEMPLATES_KEY, status=status
    )
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"  # the sign-in link is in the URL
    response.headers["Cache-Control"] = "no-store"
    return response


def message_page(request: web.Request, status: int, title_key: str, body_key: str) -> web.Response:
    """A page that only says something: signed out, not found, not yours."""
    return render(
        request, "message.html", {"title_key": title_key, "body_key": body_key}, status=status
    )


@dataclass
class Page:
    """One signed-in request: its unit of work, who made it, and their language."""

    request: web.Request
    uow: UnitOfWork
    visit: Visit
    _: Translator
    form: MultiDictProxy[Any] | None = None  # a POST's fields, after the CSRF check
    notices: list[str] = field(default_factory=list)

    @property
    def services(self) -> Services:
        return services_of(self.request)

    @property
    def staff(self) -> Staff:
        return self.visit.staff

    @property
    def locale(self) -> str:
        return locale_of(self.request)

    def render(self, template: str, context: dict[str, Any], *, status: int = 200) -> web.Response:
        secret = self.services.secret_key
        return render(
            self.request,
            template,
            {
                "visit": self.visit,
                "staff": self.visit.staff,
                "csrf": csrf_token(secret, self.visit.token),
                "notices": self.notices,
                **context,
            },
            status=status,
        )

    def field(self, name: str) -> str:
        assert self.form is not None
        value = self.form.get(name, "")
        return value.strip() if isinstance(value, str) else ""

    def fields(self, name: str) -> list[str]:
        assert self.form is not None
        return [value for value in self.form.getall(name, []) if isinstance(value, str)]

    def query_int(self, name: str) -> int | None:
        return parse_id(self.request.query.get(name))


Handler = Callable[[Page], Awaitable[web.StreamResponse]]


def parse_id(value: str | None) -> int | None:
    """A database id from a query or a form, or None: anything else is nobody's id."""
    if value is None or not value.isascii() or not value.isdigit() or len(value) > 18:
        return None
    return int(value)


def office_page(*, admin_only: bool = False) -> Callable[[Handler], Callable[..., Any]]:
    """Signs the request in (401 without a live session), checks the role, checks a POST's
    CSRF token (403), and answers NotFound/Forbidden from the services as 404/403."""

    def wrap(handler: Handler) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
        @wraps(handler)
        async def handle(request: web.Request) -> web.StreamResponse:
            services = services_of(request)
            async with services.database.unit_of_work() as uow:
                visit = await current_visit(
                    uow, services.clock, services.secret_key, request.cookies.get(COOKIE)
                )
                if visit is None:
                    return message_page(request, 401, "signed_out_title", "signed_out")
                page = Page(request, uow, visit, translator_of(request))
                if request.method == "POST":
                    page.form = await request.post()
                    given = page.form.get("csrf")
                    secret = services.secret_key
                    if not csrf_matches(
                        secret, visit.token, given if isinstance(given, str) else None
                    ):
                        return message_page(request, 403, "csrf_title", "csrf")
                try:
                    if admin_only and not visit.staff.is_admin:
                        raise Forbidden
                    return await handler(page)
                except NotFound:
                    return message_page(request, 404, "not_found_title", "not_found")
                except Forbidden:
                    return message_page(request, 403, "forbidden_title", "forbidden")

        return handle

    return wrap


def see_other(location: str) -> web.Response:
    """After a form: the browser asks for the page again instead of re-sending the form."""
    return web.Response(status=303, headers={"Location": location})


def iterate_form_ids(values: list[str]) -> Iterator[int]:
    for value in values:
        parsed = parse_id(value)
        if parsed is not None:
            yield parsed
