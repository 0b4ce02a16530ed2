"""Faults a test injects (:meth:`Faults.fail_next`) and Telegram's flood limits (429 with
``retry_after``), opt-in with :meth:`Faults.set_rate_limits`.

Time scale: ``set_rate_limits(..., scale=10)`` makes every window ten times shorter.
``retry_after`` is then reported in *scaled* seconds (always an integer >= 1, as Telegram does);
a client that waits the reported number of real seconds is always compliant, and a request
arriving before ``retry_after / scale`` real seconds is recorded in ``retry_after_violations``.
"""

from __future__ import annotations

import math
from collections import deque

from fakegram.core import Core
from fakegram.errors import ApiError, _default_description, too_many_requests
from fakegram.limits import JSONDict
from fakegram.records import _CURRENT_CALL, Call, Fault, RateLimits


class Faults(Core):
    # ------------------------------------------------------------------ set up by tests

    def set_rate_limits(
        self,
        per_chat_per_sec: float = 1.0,
        per_group_per_min: float = 20,
        global_per_sec: float = 30,
        scale: float = 1.0,
    ) -> None:
        """Enable Telegram-like flood limits for message-creating methods.

        ``scale`` divides every window (scale=10: 10 msg/s per chat).  Only
        successful sends count.
        """
        if scale <= 0:
            raise ValueError("scale must be positive")
        self._rate = RateLimits(per_chat_per_sec, per_group_per_min, global_per_sec, scale)
        self._send_log.clear()
        self._flood_until.clear()

    def fail_next(
        self,
        method: str,
        *,
        status: int | None = None,
        count: int = 1,
        retry_after: int | None = None,
        description: str | None = None,
        delay: float | None = None,
        html: bool = False,
    ) -> None:
        """Make the next ``count`` calls of ``method`` (``"*"``: any method) fail.

        ``status`` defaults to 500 unless only ``delay`` is given, in which case
        the call is answered normally after ``delay`` seconds (a slow server /
        client timeout; the action still happens, like on the real server).
        429 answers carry ``retry_after`` (default 1). ``html=True`` answers with
        a gateway's HTML error page instead of JSON (``502 Bad Gateway`` from nginx).
        """
        if count < 1:
            raise ValueError("count must be >= 1")
        if status is None and delay is None:
            status = 500
        fault = Fault(status, count, retry_after, description, delay, html)
        key = "*" if method == "*" else method.lower()
        self._faults.setdefault(key, deque()).append(fault)

    # ------------------------------------------------------------------ used on every call

    def _take_fault(self, name: str) -> Fault | None:
        for key in (name.lower(), "*"):
            queue = self._faults.get(key)
            if queue:
                fault = queue[0]
                fault.remaining -= 1
                if fault.remaining <= 0:
                    queue.popleft()
                return fault
        return None

    def _fault_error(self, name: str, params: JSONDict, fault: Fault) -> ApiError:
        status = fault.status or 500
        if status == 429:
            retry_after = max(1, int(fault.retry_after or 1))
            key = f"fault:{name.lower()}:{params.get('chat_id', '')}"
            scale = self._rate.scale if self._rate is not None else 1.0
            self._flood_until[key] = self.now() + retry_after / scale
            error = too_many_requests(retry_after)
            if fault.description:
                error.description = fault.description
            return error
        parameters = {"retry_after": fault.retry_after} if fault.retry_after else None
        if fault.html:
            return ApiError(status, fault.description or "Bad Gateway", None, html=True)
        return ApiError(status, fault.description or _default_description(status), parameters)

    def _check_fault_flood(self, name: str, params: JSONDict, call: Call) -> None:
        """Record a call that comes back sooner than an injected 429 allowed."""
        key = f"fault:{name.lower()}:{params.get('chat_id', '')}"
        until = self._flood_until.get(key)
        if until is None:
            return
        if self.now() < until:
            self.retry_after_violations.append(call)
        else:
            del self._flood_until[key]

    def _rate_limit(self, chat: JSONDict) -> None:
        """Raise 429 if sending into ``chat`` now exceeds a limit; else count it."""
        limits = self._rate
        if limits is None:
            return
        now = self.now()
        cid = int(chat["id"])
        scopes: list[tuple[str, float, float]] = [
            ("global", limits.global_per_sec, 1.0),
            (f"chat:{cid}", limits.per_chat_per_sec, 1.0),
        ]
        if chat.get("type") in {"group", "supergroup"}:
            scopes.append((f"group:{cid}", limits.per_group_per_min, 60.0))
        for key, _, _ in scopes:
            until = self._flood_until.get(key)
            if until is not None and now < until:
                call = _CURRENT_CALL.get()
                if call is not None:
                    self.retry_after_violations.append(call)
                raise too_many_requests(max(1, math.ceil((until - now) * limits.scale - 1e-9)))
        for key, limit, window in scopes:
            if limit <= 0:
                continue
            count = max(1, math.floor(limit))
            span = window * count / limit / limits.scale
            log = self._send_log.setdefault(key, deque())
            while log and log[0] <= now - span:
                log.popleft()
            if len(log) >= count:
                wait = log[0] + span - now
                retry_after = max(1, math.ceil(wait * limits.scale - 1e-9))
                self._flood_until[key] = now + retry_after / limits.scale
                raise too_many_requests(retry_after)
        for key, _, _ in scopes:
            self._send_log.setdefault(key, deque()).append(now)
