"""Telegram's sending limits, kept on our side so the sender rarely meets a 429.

About 1 message a second to one private chat, 20 a minute to one group, 30 a second overall.
Messages to a group are also spaced evenly (3 s apart at 20 a minute): Telegram counts a sliding
window, so a burst of 20 at once would meet a 429 on the next message anyway. Every gap has a
1 % margin, so rounding never tips a message over a limit; the overall gap has 5 %, since it is
counted when a message leaves and messages reach Telegram a few milliseconds early or late (30
messages a second leave 50 ms of slack in every second). A private chat's 1 s runs from
Telegram's answer to its last message (``sent``), not from the moment it was sent: a request that
waited in a busy event loop reaches Telegram late, and the next one must not follow it closer than
the limit. A 429 from Telegram also blocks the chat for ``retry_after`` seconds.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

MARGIN = 1.01
GLOBAL_MARGIN = 1.05


class RateLimiter:
    def __init__(self, private_per_second: float = 1.0, group_per_minute: float = 20.0,
                 global_per_second: float = 30.0, clock: Callable[[], float] = time.monotonic):
        self.private_gap = MARGIN / private_per_second
        self.group_window, self.group_count = 60.0 * MARGIN, int(group_per_minute)
        self.group_gap = MARGIN * 60.0 / group_per_minute
        self.global_gap = GLOBAL_MARGIN / global_per_second
        self.clock = clock
        self._last_private: dict[int, float] = {}
        self._group_sends: dict[int, deque[float]] = {}
        self._last_global = -1e9
        self._blocked_until: dict[int, float] = {}
        if self.group_count < 1:
            raise ValueError("group_per_minute must allow at least one message")

    def wait(self, chat_id: int) -> float:
        """Seconds until a message to ``chat_id`` may go (0 when it may go now)."""
        now = self.clock()
        waits = [self._blocked_until.get(chat_id, 0.0) - now, self._last_global + self.global_gap - now]
        if chat_id < 0:  # groups and supergroups
            sent = self._group_sends.get(chat_id)
            if sent:
                while sent and sent[0] <= now - self.group_window:
                    sent.popleft()
                if sent:
                    waits.append(sent[-1] + self.group_gap - now)
                if len(sent) >= self.group_count:
                    waits.append(sent[0] + self.group_window - now)
        else:
            waits.append(self._last_private.get(chat_id, -1e9) + self.private_gap - now)
        return max(0.0, *waits)

    def record(self, chat_id: int) -> None:
        now = self.clock()
        self._last_global = now
        if chat_id < 0:
            self._group_sends.setdefault(chat_id, deque()).append(now)
        else:
            self._last_private[chat_id] = now
            if len(self._last_private) > 10_000:  # forget chats that are free again
                self._last_private = {c: t for c, t in self._last_private.items() if t > now - self.private_gap}

    def sent(self, chat_id: int) -> None:
        """Telegram answered for the message ``record`` counted: a private chat's gap runs from now.
        A group's messages need not wait for that: 3 s apart, they are far from its 1 a second,
        and the 21st of a minute comes 0.6 s after the first has left the window."""
        if chat_id > 0:
            self._last_private[chat_id] = self.clock()

    def block(self, chat_id: int, seconds: float) -> None:
        self._blocked_until[chat_id] = self.clock() + seconds
