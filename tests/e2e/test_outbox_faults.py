"""A burst of relayed messages survives 429s, 5xx errors and a SIGKILL: all arrive, in order, once."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.config import Settings
from bot.conversation.runtime import open_runtime
from bot.counselling.cases import CaseRequest
from bot.counselling.service import Counselling
from bot.privacy.pseudonyms import Pseudonymizer
from bot.telegram.keyboards import CaseKeyboards
from fakegram import FakeTelegram

from .harness import BotProcess
from .inprocess import GROUP_ID

pytestmark = pytest.mark.slow
SECRET = "e2e-secret-long-enough-for-hmac"
MIGRANTS, MESSAGES = 12, 5


async def open_cases(tmp_path: Path, users: list[int]) -> None:
    """Cases opened as if each migrant had asked for a counsellor (their topics not yet made)."""
    runtime = await open_runtime(Settings(database_url=f"sqlite+aiosqlite:///{tmp_path}/jol.sqlite", data_dir=tmp_path,
                                    _env_file=None))  # type: ignore[call-arg]
    try:
        cases = Counselling.build(runtime.unit_of_work, runtime.registry, runtime.catalogs, GROUP_ID, "en", {},
                                  runtime.sealer, keyboards=CaseKeyboards(runtime.catalogs.get("en"))).cases
        names = Pseudonymizer(SECRET.encode())
        for user in users:
            await cases.open_case(names.user(user), user, "ru", CaseRequest("work_permit", "permit_expired",
                                                                         "permit_expired", "normal", {}))
    finally:
        await runtime.close()


async def test_burst_with_faults_and_a_crash_arrives_complete_in_order(tg: FakeTelegram, tmp_path: Path) -> None:
    tg.supergroup(GROUP_ID, "Jol counsellors", is_forum=True)
    users = [7100 + i for i in range(MIGRANTS)]
    people = [tg.user(u, language_code="ru") for u in users]
    for person in people:
        tg.register_chat(person)
    await open_cases(tmp_path, users)
    tg.set_rate_limits(per_chat_per_sec=1, per_group_per_min=20, global_per_sec=30, scale=20)
    bot = BotProcess(tg.base_url, tmp_path, COUNSELLOR_CHAT_ID=str(GROUP_ID), COUNSELLOR_LANGUAGE="en",
                     WORKING_HOURS="00:00-23:59", WORKING_DAYS="mon,tue,wed,thu,fri,sat,sun",
                     RATE_PRIVATE_PER_SECOND="20", RATE_GROUP_PER_MINUTE="400", RATE_GLOBAL_PER_SECOND="600")
    tg.fail_next("createForumTopic", status=502, count=2)
    tg.fail_next("copyMessage", status=500, count=3)
    bot.start()
    try:
        await tg.wait_for(lambda: len([t for t in tg.topics.values() if not t.deleted]) == MIGRANTS, 120,
                          what="every case topic")  # start-up included: aiogram imports slowly on a busy machine
        for j in range(MESSAGES):
            for person in people:
                tg.push_message(person, f"message {person['id']}-{j}")
        # Halfway through, Telegram says "slow down" for a while, and the bot is killed meanwhile.
        await tg.wait_for(lambda: len([c for c in tg.calls("copyMessage") if c.ok]) >= MIGRANTS * MESSAGES // 2,
                          60, what="half of the burst")
        tg.fail_next("copyMessage", status=429, retry_after=3)
        await tg.wait_for(lambda: any(c.method == "copyMessage" and c.error_code == 429 for c in tg.requests), 10,
                          what="a 429")
        await asyncio.sleep(0.3)  # the sender is now waiting out retry_after: nothing is in flight
        bot.kill()
        bot.start()
        await tg.wait_for(lambda: len([c for c in tg.calls("copyMessage") if c.ok]) >= MIGRANTS * MESSAGES, 90,
                          what="every message")
        assert await bot.stop() == 0
    finally:
        if bot.proc is not None and bot.proc.poll() is None:
            bot.kill()
    topics = {t.thread_id: t for t in tg.topics.values() if not t.deleted}
    for person in people:
        thread = next(tid for tid, t in topics.items()
                      if any(f"message {person['id']}-" in str(m.get("text", "")) for m in tg.bot_messages(GROUP_ID)
                             if m.get("message_thread_id") == tid))
        got = [m["text"] for m in sorted(tg.bot_messages(GROUP_ID), key=lambda m: m["message_id"])
               if m.get("message_thread_id") == thread and str(m.get("text", "")).startswith("message ")]
        assert got == [f"message {person['id']}-{j}" for j in range(MESSAGES)], got
    assert not tg.retry_after_violations
    assert "refused by Telegram" not in bot.output()
