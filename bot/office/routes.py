"""Every console route, registered on the server's one web application."""

from __future__ import annotations

from aiohttp import web

from bot.office.routes_audit import add_audit_routes
from bot.office.routes_auth import add_auth_routes
from bot.office.routes_codes import add_codes_routes
from bot.office.routes_contacts import add_contacts_routes
from bot.office.routes_register import add_register_routes
from bot.office.routes_reports import add_reports_routes
from bot.office.routes_settings import add_settings_routes
from bot.office.web import setup_office_templates


def add_office_routes(app: web.Application) -> None:
    setup_office_templates(app)
    add_auth_routes(app)
    add_register_routes(app)
    add_contacts_routes(app)
    add_codes_routes(app)
    add_reports_routes(app)
    add_settings_routes(app)
    add_audit_routes(app)
