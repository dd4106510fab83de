"""Telegram's updates in webhook mode: aiogram's request handler, except that a body which
is not a valid update is answered 400 and logged in one line, never a 500 with a traceback."""

from __future__ import annotations

import logging
from typing import Any

from aiogram import Bot
from aiogram.methods import TelegramMethod
from aiogram.types import Update
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web

log = logging.getLogger(__name__)


class TelegramWebhook(SimpleRequestHandler):
    async def _handle_request(self, bot: Bot, request: web.Request) -> web.Response:
        try:
            raw = await request.json(loads=bot.session.json_loads)
            update = Update.model_validate(raw, context={"bot": bot})
        except ValueError as error:  # not JSON, not UTF-8, or not an update (pydantic)
            first_line = str(error).strip().splitlines()[0] if str(error).strip() else ""
            log.warning(
                "webhook: refused a body that is not a Telegram update (%s: %s)",
                type(error).__name__, first_line[:200],
            )  # fmt: skip
            return web.json_response({"error": "not a Telegram update"}, status=400)
        result: TelegramMethod[Any] | None = await self.dispatcher.feed_webhook_update(
            bot, update, **self.data
        )
        return web.Response(body=self._build_response_writer(bot=bot, result=result))
