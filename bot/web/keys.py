"""The one application key every route reads its services from."""

from __future__ import annotations

from aiohttp import web

from bot.services import Services

SERVICES_KEY = web.AppKey("services", Services)
