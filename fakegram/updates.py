"""Updates on their way to the bot: getUpdates (long polling) and the webhook settings.

Telegram's rules kept here: an update stays pending until a getUpdates asks for a higher
offset (``confirmed_ids``); the limit is clamped to 1-100; a long poll ends early when an
update arrives; a second poller ends the first with 409, and so does a webhook that is set;
``allowed_updates`` filters out (and drops) updates of other kinds. Delivering an update to the
bot's webhook is in http_server.py (:meth:`~fakegram.http_server.HttpServer.deliver_webhook`).
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import re
from typing import Any

from fakegram.core import Core
from fakegram.errors import ApiError, bad_request
from fakegram.limits import _SECRET_RE, CONFLICT_POLL, CONFLICT_WEBHOOK, DEFAULT_ALLOWED_UPDATES, JSONDict
from fakegram.params import Params
from fakegram.records import _Reply


class Updates(Core):
    # ------------------------------------------------------------------ Bot API methods

    async def _api_get_updates(self, params: Params) -> list[JSONDict]:
        if self.webhook_url:
            raise ApiError(409, CONFLICT_WEBHOOK)
        offset = params.integer("offset") or 0
        limit = params.integer("limit")
        limit = 100 if limit is None else min(100, max(1, limit))
        timeout = max(0.0, params.number("timeout") or 0.0)
        self._set_allowed_updates(params.obj("allowed_updates"))
        self._confirm(offset)
        self._poll_generation += 1
        generation = self._poll_generation
        self._wake_pollers()  # an older long poll is terminated with 409
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            if generation != self._poll_generation:
                raise ApiError(409, CONFLICT_POLL)
            if self.webhook_url:
                raise ApiError(409, CONFLICT_WEBHOOK)
            batch = self._select_updates(limit)
            remaining = deadline - loop.time()
            if batch or remaining <= 0 or self._closing.is_set():
                break
            event = self._poll_event
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(event.wait(), remaining)
        for update in batch:
            uid = update["update_id"]
            self.deliveries[uid] = self.deliveries.get(uid, 0) + 1
        return copy.deepcopy(batch)

    async def _api_set_webhook(self, params: Params) -> _Reply:
        url = (params.text("url") or "").strip()
        secret = params.text("secret_token") or None
        if secret is not None and not _SECRET_RE.fullmatch(secret):
            raise bad_request("secret token contains unallowed characters")
        if url and not re.match(r"https?://[^/:?#]+(:\d+)?", url, re.IGNORECASE):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        max_connections = params.integer("max_connections")
        if max_connections is not None and not 1 <= max_connections <= 100:
            raise bad_request("invalid max_connections specified")
        self._set_allowed_updates(params.obj("allowed_updates"))
        if params.boolean("drop_pending_updates"):
            self.pending = []
        unchanged = url == self.webhook_url and secret == self.webhook_secret
        self.webhook_url = url
        self.webhook_secret = secret if url else None
        self._wake_pollers()
        if not url:
            return _Reply(True, "Webhook is already deleted" if unchanged else "Webhook was deleted")
        return _Reply(True, "Webhook is already set" if unchanged else "Webhook was set")

    async def _api_delete_webhook(self, params: Params) -> _Reply:
        if params.boolean("drop_pending_updates"):
            self.pending = []
        was_set = bool(self.webhook_url)
        self.webhook_url = ""
        self.webhook_secret = None
        return _Reply(True, "Webhook was deleted" if was_set else "Webhook is already deleted")

    # ------------------------------------------------------------------ helpers

    def _allowed(self, update: JSONDict) -> bool:
        allowed = self._allowed_updates or DEFAULT_ALLOWED_UPDATES
        kinds = [k for k in update if k != "update_id"]
        return not kinds or any(k in allowed for k in kinds)

    def _set_allowed_updates(self, raw: Any) -> None:
        if raw is None:
            return
        if not isinstance(raw, list):
            raise bad_request("can't parse allowed_updates JSON object")
        self._allowed_updates = frozenset(str(x) for x in raw) if raw else None

    def _confirm(self, offset: int) -> None:
        """Forget the updates below ``offset`` (a negative offset keeps only the last ones)."""
        if offset > 0:
            keep = [u for u in self.pending if u["update_id"] >= offset]
        elif offset < 0:
            keep = self.pending[offset:]
        else:
            return
        kept = {u["update_id"] for u in keep}
        self.confirmed_ids.update(u["update_id"] for u in self.pending if u["update_id"] not in kept)
        self.pending = keep

    def _select_updates(self, limit: int) -> list[JSONDict]:
        selected: list[JSONDict] = []
        keep: list[JSONDict] = []
        for update in self.pending:
            if not self._allowed(update):
                continue  # dropped, as Telegram drops updates of kinds the bot did not ask for
            keep.append(update)
            if len(selected) < limit:
                selected.append(update)
        self.pending = keep
        return selected
