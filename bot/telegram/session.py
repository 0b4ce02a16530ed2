"""The HTTP session to the Bot API, reading a gateway's HTML error page as the server error it is.

A proxy or load balancer in front of the Bot API answers 502/503/504 with an HTML page; aiogram
cannot decode it and raises ``ClientDecodeError``, which nobody retries. Here a body that is not
JSON with a 5xx or 429 status becomes ``TelegramServerError``, so it is retried like any 5xx.
"""

from __future__ import annotations

from typing import Any

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import ClientDecodeError, TelegramServerError
from aiogram.methods import TelegramMethod
from aiogram.methods.base import Response, TelegramType


class BotApiSession(AiohttpSession):
    def check_response(self, bot: Bot, method: TelegramMethod[TelegramType], status_code: int,
                       content: str) -> Response[TelegramType]:
        try:
            return super().check_response(bot, method, status_code, content)
        except ClientDecodeError:
            if status_code >= 500 or status_code == 429:
                raise TelegramServerError(method=method, message=f"HTTP {status_code} with a body that is not JSON "
                                                                 "(a gateway's error page)") from None
            raise


def bot_api_session(base_url: str | None, **kwargs: Any) -> BotApiSession:
    if base_url:
        return BotApiSession(api=TelegramAPIServer.from_base(base_url), **kwargs)
    return BotApiSession(**kwargs)
