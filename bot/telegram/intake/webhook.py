"""Webhook mode: an aiohttp server that stores each update before it answers Telegram.

The secret token is required: a request without the right ``X-Telegram-Bot-Api-Secret-Token``
gets 401 and is not stored. A 200 goes back only after the update is committed to the inbox,
so Telegram re-sends anything the bot did not keep. ``/healthz`` answers for load balancers:
503 when a background task has died.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import re
from typing import Any

from aiohttp import web

from bot.telegram.intake.inbox import BadUpdate, Inbox
from bot.telegram.intake.worker import UpdateWorker
from bot.telegram.liveness import Liveness

log = logging.getLogger("jol.webhook")
SECRET_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_BODY = 1024 * 1024  # an update is a few kilobytes; Telegram's largest are far below this
BODY_TIMEOUT = 10.0  # seconds to send a body once the headers are in


class WebhookConfigError(Exception):
    pass


def check_secret(secret: str | None) -> str:
    if not secret:
        raise WebhookConfigError("WEBHOOK_SECRET is required in webhook mode (1-256 characters of A-Z a-z 0-9 _ -); "
                                 "without it anyone who finds the URL could send fake updates.")
    if not SECRET_PATTERN.match(secret):
        raise WebhookConfigError("WEBHOOK_SECRET may only use A-Z, a-z, 0-9, _ and -, at most 256 characters.")
    return secret


def webhook_app(inbox: Inbox, worker: UpdateWorker, secret: str, path: str,
                liveness: Liveness | None = None) -> web.Application:
    secret = check_secret(secret)

    async def receive(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), secret.encode()):
            return web.Response(status=401, text="unauthorized")
        try:
            body = await asyncio.wait_for(request.read(), timeout=BODY_TIMEOUT)
            raw = json.loads(body)
        except (ValueError, RecursionError) as exc:  # not JSON, not UTF-8, or nested too deep
            log.warning("webhook body rejected: not a JSON update (%s, %d bytes)", type(exc).__name__,
                        request.content_length or 0)
            return web.Response(status=400, text="bad update")
        try:
            inbox.check(raw)
        except BadUpdate as bad:  # only the id and the reason are logged, never the content
            log.warning("webhook update %s rejected: %s", bad.update_id, bad.reason)
            return web.Response(status=400, text="bad update")
        await worker.take([raw])  # raises (500, Telegram retries) if it cannot be stored
        return web.Response(text="ok")

    async def healthz(_request: web.Request) -> web.Response:
        if liveness is None:
            return web.json_response({"ok": True})
        return web.json_response(liveness.snapshot(), status=200 if liveness.live else 503)

    app = web.Application(client_max_size=MAX_BODY)
    app.router.add_post(path, receive)
    app.router.add_get("/healthz", healthz)
    return app



def server_limits(header_timeout: float = 15.0) -> dict[str, Any]:
    """aiohttp's request-handler limits for the webhook server (``web.AppRunner(app, **limits)``).

    aiohttp starts its keep-alive timer when a connection opens, so ``keepalive_timeout`` is also
    the time a client has to send a whole request head: a connection that dribbles its headers
    (or sends nothing) is closed after ``header_timeout`` seconds instead of the default hour.
    Request lines and header fields are capped, and so is their number.
    """
    return {"keepalive_timeout": header_timeout, "max_line_size": 8190, "max_field_size": 8190, "max_headers": 64}
