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
The overall place is taken first and given back if a chat's window is full; a chat's places
taken before a later window refuses are simply spent, which only errs on the slow side.
The overall limit counts each message from the moment it leaves until a second after Telegram
answers it: at most 30 are counted at once, whichever replicas send them. Telegram sees a message
somewhere between those two moments, so no second can hold 31 however late or early each one
arrives. (A moving window counted when messages leave let 31 land in one second when the ones
sent first arrived late; a global 429 stops every chat for a second.) A message still counted as
on its way after ``IN_FLIGHT_SECONDS`` (its replica died) stops counting.
Chats are named by their outbox lane (a number taken from the person's pseudonym), never by a
Telegram id.
"""

from __future__ import annotations

import math
import time
import uuid

from limits import RateLimitItem, RateLimitItemPerMinute, RateLimitItemPerSecond
from limits.aio.storage import RedisStorage
from limits.aio.strategies import MovingWindowRateLimiter

PREFIX = "jol-limits"
MARGIN = 1.01
IN_FLIGHT_SECONDS = 15.0
# KEYS[1]: the sorted set of messages counted, scored by when each stops counting.
# ARGV: now, the limit, when a message on its way stops counting at the latest, its token.
# Returns 0 when the message is counted and may go, else the seconds until a place frees.
TAKE = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('ZADD', KEYS[1], ARGV[3], ARGV[4])
  redis.call('PEXPIRE', KEYS[1], 60000)
  return '0'
end
local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return tostring(tonumber(first[2]) - tonumber(ARGV[1]))
"""


class SharedLimits:
    def __init__(self, redis_url: str, private_per_second: float = 1.0, group_per_minute: float = 20.0,
                 global_per_second: float = 30.0):
        self.storage = RedisStorage(f"async+{redis_url}", implementation="redispy", key_prefix=PREFIX)
        self.windows = MovingWindowRateLimiter(self.storage)
        self.private = RateLimitItemPerSecond(max(1, int(private_per_second)))
        self.group = RateLimitItemPerMinute(max(1, int(group_per_minute)))
        self.group_spacing = RateLimitItemPerSecond(1, max(1, math.ceil(60 / max(1.0, group_per_minute))))
        self.overall_count = max(1, int(global_per_second))
        self.overall_key = f"{PREFIX}:overall"
        self._tokens: dict[int, list[str]] = {}  # the messages on their way to each chat, from this replica
        self.private_gap = 1.01 / private_per_second
        from redis.asyncio import Redis  # only with REDIS_URL: a bot on one machine never loads it

        self.redis = Redis.from_url(redis_url)

    def _answered(self, chat_id: int) -> str:
        return f"{PREFIX}:answered:{chat_id}"

    async def _mark(self, chat_id: int) -> None:
        await self.redis.set(self._answered(chat_id), repr(time.time()), px=int(self.private_gap * 1000) + 1000)

    async def take(self, chat_id: int) -> float:
        """Take a place for one message to ``chat_id``: 0 when it may go now, else seconds to wait
        before asking again. Call ``sent`` when Telegram has answered, or the request failed."""
        if chat_id > 0:
            last = await self.redis.get(self._answered(chat_id))
            if last is not None and (wait := float(last) + self.private_gap - time.time()) > 0:
                return wait
        token = uuid.uuid4().hex
        now = time.time()
        wait = float(await self.redis.eval(TAKE, 1, self.overall_key, repr(now), str(self.overall_count),
                                           repr(now + IN_FLIGHT_SECONDS), token))
        if wait > 0:
            return max(0.005, wait)
        chat = ("chat", str(chat_id))
        windows = [(self.group_spacing, ("spacing", str(chat_id))), (self.group, chat)] if chat_id < 0 \
            else [(self.private, chat)]
        for item, keys in windows:
            if not await self.windows.hit(item, *keys):
                await self.redis.zrem(self.overall_key, token)  # the overall place is given back
                return await self._wait(item, *keys)
        if chat_id > 0:
            await self._mark(chat_id)  # on its way: the next waits for this one's answer
        self._tokens.setdefault(chat_id, []).append(token)
        return 0.0

    async def close(self) -> None:
        await self.redis.aclose()

    async def sent(self, chat_id: int) -> None:
        """Telegram answered the message to ``chat_id`` (or it failed; Telegram may have counted it
        anyway): it counts in the overall limit for one more second, and the chat's next message
        waits a second from now."""
        waiting = self._tokens.get(chat_id)
        if waiting:  # a reply and the outbox may both be on their way to one person: oldest first
            token = waiting.pop(0)
            if not waiting:
                del self._tokens[chat_id]
            await self.redis.zadd(self.overall_key, {token: time.time() + MARGIN}, xx=True)
        if chat_id > 0:
            await self._mark(chat_id)

    async def _wait(self, item: RateLimitItem, *keys: str) -> float:
        stats = await self.windows.get_window_stats(item, *keys)
        return max(0.02, stats.reset_time - time.time())
