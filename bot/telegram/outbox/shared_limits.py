"""Telegram's sending limits counted in Redis, for all replicas together.

Each replica's own ``RateLimiter`` paces what that replica sends. With several replicas, their
sums could still pass Telegram's limits (30 messages a second overall, 1 a second to one chat, 20
a minute to one group), so every replica also takes a place in shared moving windows in Redis
before each send. The counting is the ``limits`` library's (atomic Lua scripts in Redis).
A group's messages are also spaced as the local limiter spaces them (3 s apart at 20 a minute):
the 1 a second of any chat holds for a group too, and messages of different cases to the group are
sent by different replicas. The wide spacing also leaves room for the moment between taking a
place and the message reaching Telegram.
A private chat's second runs from Telegram's answer to its last message, as in the local limiter:
one person's replies may come from different replicas in turn, and a window counted when each
message leaves let the next one follow a slow answer by less than a second. So each replica writes
the moment of the answer (``sent``), and of the departure meanwhile, under the chat's key.
A chat's places are taken first; if a later window is full, the places taken are simply spent,
which only errs on the slow side.
Chats are named by their outbox lane (a number taken from the person's pseudonym), never by a
Telegram id.
"""

from __future__ import annotations

import math
import time

from limits import RateLimitItem, RateLimitItemPerMinute, RateLimitItemPerSecond
from limits.aio.storage import RedisStorage
from limits.aio.strategies import MovingWindowRateLimiter

PREFIX = "jol-limits"


class SharedLimits:
    def __init__(self, redis_url: str, private_per_second: float = 1.0, group_per_minute: float = 20.0,
                 global_per_second: float = 30.0):
        self.storage = RedisStorage(f"async+{redis_url}", implementation="redispy", key_prefix=PREFIX)
        self.windows = MovingWindowRateLimiter(self.storage)
        self.private = RateLimitItemPerSecond(max(1, int(private_per_second)))
        self.group = RateLimitItemPerMinute(max(1, int(group_per_minute)))
        self.group_spacing = RateLimitItemPerSecond(1, max(1, math.ceil(60 / max(1.0, group_per_minute))))
        self.overall = RateLimitItemPerSecond(max(1, int(global_per_second)))
        self.private_gap = 1.01 / private_per_second
        from redis.asyncio import Redis  # only with REDIS_URL: a bot on one machine never loads it

        self.redis = Redis.from_url(redis_url)

    def _answered(self, chat_id: int) -> str:
        return f"{PREFIX}:answered:{chat_id}"

    async def _mark(self, chat_id: int) -> None:
        await self.redis.set(self._answered(chat_id), repr(time.time()), px=int(self.private_gap * 1000) + 1000)

    async def take(self, chat_id: int) -> float:
        """Take a place for one message to ``chat_id``: 0 when it may go now, else seconds to wait."""
        if chat_id > 0:
            last = await self.redis.get(self._answered(chat_id))
            if last is not None and (wait := float(last) + self.private_gap - time.time()) > 0:
                return wait
        chat = ("chat", str(chat_id))
        windows = [(self.group_spacing, ("spacing", str(chat_id))), (self.group, chat)] if chat_id < 0 \
            else [(self.private, chat)]
        for item, keys in [*windows, (self.overall, ("all",))]:
            if not await self.windows.hit(item, *keys):
                return await self._wait(item, *keys)
        if chat_id > 0:
            await self._mark(chat_id)  # on its way: the next waits for this one's answer
        return 0.0

    async def close(self) -> None:
        await self.redis.aclose()

    async def sent(self, chat_id: int) -> None:
        """Telegram answered the message to ``chat_id``: the chat's next message waits a second from now."""
        if chat_id > 0:
            await self._mark(chat_id)

    async def _wait(self, item: RateLimitItem, *keys: str) -> float:
        stats = await self.windows.get_window_stats(item, *keys)
        return max(0.02, stats.reset_time - time.time())
