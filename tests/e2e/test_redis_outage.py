"""Redis stopped for a few seconds in the middle of traffic, with two replicas on PostgreSQL: the
bot waits for it, carries on when it is back, and loses nobody's conversation."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from fakegram import FakeTelegram
from tests.services import postgres_database

from .harness import Person, PrivateRedis
from .test_replicas import PATH, Cluster, converse, screens

pytestmark = pytest.mark.slow
MIGRANTS = 20


async def test_redis_away_for_a_few_seconds_loses_nothing(tg: FakeTelegram, tmp_path: Path) -> None:
    redis = PrivateRedis(tmp_path)
    redis.start()
    try:
        async with postgres_database() as url:
            cluster = Cluster(tg, tmp_path, url, n=2, REDIS_URL=redis.url)
            cluster.start()
            try:
                await cluster.ready()
                people = [Person(tg, user_id=8500 + i) for i in range(MIGRANTS)]
                talks = [asyncio.create_task(converse(cluster, p)) for p in people]
                await tg.wait_for(lambda: sum(len(tg.texts(p.chat_id)) for p in people) >= MIGRANTS * 2, 90,
                                  what="the conversations under way")
                redis.stop()
                await asyncio.sleep(4)  # updates keep arriving and are stored; handling waits for Redis
                redis.start()
                await asyncio.wait_for(asyncio.gather(*talks), timeout=240)
            finally:
                for bot in cluster.replicas:
                    if bot.proc is not None and bot.proc.poll() is None:
                        await bot.stop()
    finally:
        redis.stop()  # also when PostgreSQL is absent and the test is skipped
    for person in people:
        shown = screens(tg, person.chat_id)
        assert sorted(set(shown)) == list(range(len(PATH))), (person.chat_id, shown)
        assert shown == sorted(shown), (person.chat_id, shown)
