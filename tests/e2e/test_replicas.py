"""Three webhook replicas on one PostgreSQL database, as behind a load balancer: 50 migrants whose
updates reach replicas at random, one replica killed with SIGKILL in the middle and started again.
Every update is handled once, each person's conversation stays in order, nobody is lost. In the
second test some of the migrants talk to a counsellor through the replicas: every relayed message
arrives once (apart from the crash window described there), in order, within Telegram's limits."""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import asyncpg
import pytest

from fakegram import FakeTelegram
from tests.services import postgres_database

from .harness import BotProcess, Person, PrivateRedis, free_port
from .inprocess import GROUP_ID

pytestmark = pytest.mark.slow
SECRET = "webhook_secret-for-replicas"
CHAT_KEY = "5e" * 32  # every replica seals and opens chat ids with the same key
MIGRANTS = 50
PATH = [("/start", "Choose your language"), ("English", "never asks your name"), ("OK, continue", "Are you in danger"),
        ("No", "Who is asking?"), ("I work or live in Kazakhstan", "What is your question about?"),
        ("Work permit", "Which country's passport"),
        ("Tajikistan", "Who do you work for"), ("A company", "the company itself must hold a permit")]


class Cluster:
    def __init__(self, tg: FakeTelegram, tmp_path: Path, database_url: str, n: int = 3, **env: str):
        self.tg = tg
        self.ports = [free_port() for _ in range(n)]
        public = f"http://127.0.0.1:{self.ports[0]}/telegram"  # where setWebhook points; the test spreads calls
        self.replicas = []
        for i, port in enumerate(self.ports):
            workdir = tmp_path / f"replica{i}"  # separate data folders: the identity must come from the secrets
            workdir.mkdir()
            self.replicas.append(BotProcess(
                tg.base_url, workdir, DATABASE_URL=database_url, PSEUDONYM_SECRET="one-secret-for-all-replicas",
                CHAT_KEY=CHAT_KEY, WEBHOOK_URL=public, WEBHOOK_SECRET=SECRET, WEBHOOK_HOST="127.0.0.1",
                WEBHOOK_PORT=str(port), **env))
        self.down: set[int] = set()

    def start(self) -> None:
        for bot in self.replicas:
            bot.start("--role", "webhook")

    async def ready(self) -> None:
        async with aiohttp.ClientSession() as http:
            for port in self.ports:
                for _ in range(1500):  # aiogram takes a while to import on a busy machine
                    try:
                        async with http.get(f"http://127.0.0.1:{port}/healthz") as resp:
                            if resp.status == 200:
                                break
                    except aiohttp.ClientError:
                        pass
                    await asyncio.sleep(0.1)
                else:
                    raise AssertionError(f"replica on {port} never answered /healthz\n{self.output()}")

    async def deliver(self, update: dict[str, Any]) -> None:
        """Like Telegram behind a load balancer: any live replica; a failed call is sent again."""
        for _ in range(200):
            i = random.choice([i for i in range(len(self.ports)) if i not in self.down])
            try:
                status = await self.tg.deliver_webhook(update, url=f"http://127.0.0.1:{self.ports[i]}/telegram")
                if status == 200:
                    return
            except (aiohttp.ClientError, TimeoutError, OSError):
                pass
            await asyncio.sleep(0.05)
        raise AssertionError(f"update {update['update_id']} was never accepted")

    def output(self) -> str:
        return "\n".join(bot.output()[-3000:] for bot in self.replicas)


def screens(tg: FakeTelegram, chat_id: int) -> list[int]:
    """The steps of PATH whose answer the person was shown, in the order the bot sent or edited them."""
    shown = []
    for call in tg.requests:
        if call.ok and call.method in ("sendMessage", "editMessageText") and call.params.get("chat_id") == chat_id:
            text = str(call.params.get("text", ""))
            shown += [i for i, (_action, reply) in enumerate(PATH) if reply in text]
    return shown


async def converse(cluster: Cluster, person: Person, path: list[tuple[str, str]] = PATH) -> None:
    for action, reply in path:
        update = person.send(action) if action.startswith("/") else person.press(action)
        await cluster.deliver(update)
        await person.expect(reply, timeout=60)


async def test_three_replicas_share_the_work_and_survive_a_sigkill(tg: FakeTelegram, tmp_path: Path) -> None:
    # Telegram's limits: the replies, sent at once, meet 429s in bursts and go again after retry_after.
    tg.set_rate_limits()
    async with postgres_database() as url:
        cluster = Cluster(tg, tmp_path, url)
        cluster.start()
        try:
            await cluster.ready()
            people = [Person(tg, user_id=8000 + i) for i in range(MIGRANTS)]
            talks = [asyncio.create_task(converse(cluster, p)) for p in people]
            await tg.wait_for(lambda: sum(len(tg.texts(p.chat_id)) for p in people) >= MIGRANTS * 3, 90,
                              what="a third of the conversations")
            victim = cluster.replicas[1]
            cluster.down.add(1)
            victim.kill()  # in the middle of the burst
            await asyncio.sleep(1)
            victim.start("--role", "webhook")
            cluster.down.discard(1)
            await asyncio.wait_for(asyncio.gather(*talks), timeout=240)
        finally:
            for bot in cluster.replicas:
                if bot.proc is not None and bot.proc.poll() is None:
                    await bot.stop()
        for person in people:
            shown = screens(tg, person.chat_id)
            # Each step's answer is shown in order, every step once, but for one step shown again after
            # the crash (an update handled on the killed replica, not yet marked done): the crash cut
            # at most one update of each person short.
            assert shown == sorted(shown), (person.chat_id, shown)
            assert sorted(set(shown)) == list(range(len(PATH))), (person.chat_id, shown)
            assert len(shown) - len(set(shown)) <= 1, (person.chat_id, shown)


# ------------------------------------------------------------------ a counsellor relaying through the replicas

CASES, EACH = 5, 3  # 5 of the 50 migrants open a case; 3 messages each way in each
COUNSELLING = {"COUNSELLOR_CHAT_ID": str(GROUP_ID), "COUNSELLOR_LANGUAGE": "en", "WORKING_HOURS": "00:00-23:59",
               "WORKING_DAYS": "mon,tue,wed,thu,fri,sat,sun"}
HANDOFF = [*PATH[:5], ("Work permit", "Which country"), ("Uzbekistan", "Who do you work for"),
           ("A family", "Do you already have"), ("Yes", "name the city or region"),
           ("No, I work somewhere else", "Connect you with a counsellor?"), ("Yes, connect me", "Your case number is")]


@dataclass
class Case:
    """One migrant's case: its topic, and what the migrant and the counsellor wrote in it."""

    person: Person
    thread: int = 0
    questions: list[str] = field(default_factory=list)  # the migrant's, in the order written
    answers: list[str] = field(default_factory=list)  # the counsellor's, in the order written
    updates: dict[str, tuple[int, float]] = field(default_factory=dict)  # text -> (its update, when written)

    def copies(self, tg: FakeTelegram) -> tuple[list[str], list[str]]:
        """(the questions copied into the topic, the answers copied to the migrant), in chat order."""
        topic = [str(m.get("text")) for m in tg.sent_messages(GROUP_ID)
                 if m.get("message_thread_id") == self.thread and str(m.get("text")).startswith("question ")]
        chat = [str(m.get("text")) for m in tg.sent_messages(self.person.chat_id)
                if str(m.get("text")).startswith("answer ")]
        return topic, chat


async def open_case(cluster: Cluster, case: Case) -> None:
    tg = cluster.tg
    await converse(cluster, case.person, HANDOFF)
    code = case.person.screen().split("case number is ", 1)[1][:6]
    await tg.wait_for(lambda: any(code in t.name for t in tg.topics.values()), 60, what=f"the topic of case {code}")
    case.thread = next(t.thread_id for t in tg.topics.values() if code in t.name)


async def relay(cluster: Cluster, counsellor: dict[str, Any], case: Case) -> None:
    """The migrant and the counsellor write in turns, each message right after the last was taken,
    without waiting for the copies."""
    tg = cluster.tg
    for k in range(EACH):
        for text, written, push in (
                (f"question {k} of migrant {case.person.chat_id}", case.questions, case.person.send),
                (f"answer {k} to migrant {case.person.chat_id}", case.answers,
                 lambda t: tg.push_message(counsellor, t, chat=tg.chats[GROUP_ID], message_thread_id=case.thread))):
            update = push(text)
            written.append(text)
            case.updates[text] = (update["update_id"], tg.now())
            await cluster.deliver(update)


async def settled(url: str) -> tuple[dict[int, tuple[str, int]], int]:
    """Wait until no update and no outbox message is left to handle or send. Returns each update's
    (status, attempts) and the number of outbox messages given up."""
    conn = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        for _ in range(1800):
            unhandled = await conn.fetchval("select count(*) from inbox where status in ('pending', 'applied')")
            unsent = await conn.fetchval("select count(*) from outbox where status = 'pending'")
            if unhandled == 0 and unsent == 0:
                break
            await asyncio.sleep(0.1)
        else:
            raise AssertionError(f"{unhandled} updates and {unsent} outbox messages still pending")
        inbox = {int(r["update_id"]): (str(r["status"]), int(r["attempts"]))
                 for r in await conn.fetch("select update_id, status, attempts from inbox")}
        return inbox, int(await conn.fetchval("select count(*) from outbox where status = 'dead'"))
    finally:
        await conn.close()


def relayed_once(copies: list[str], written: list[str], case: Case, inbox: dict[int, tuple[str, int]],
                 killed_at: float) -> list[str]:
    """Check that each message written arrived, in the order written, and exactly once apart from
    the crash window. Returns the messages copied twice although handled once (the outbox's part
    of the window, see the test).

    A message may arrive twice when the replica killed had handled it, but not yet written that
    it had (the "done" marks are written at the worker's next look at the inbox): the replica
    that takes over the person handles it again, and queues a second copy. Such an update was
    written before the kill, and was begun twice (its attempts in the inbox)."""
    first = list(dict.fromkeys(copies))
    assert first == written, (case.person.chat_id, copies, written)  # nothing lost, in order
    outboxed = []
    for text in first:
        extra = copies.count(text) - 1
        update, when = case.updates[text]
        handled = inbox[update][1]
        if extra and handled > 1:
            assert when < killed_at and extra <= handled - 1, (text, copies, handled)
        elif extra:  # the killed replica was sending it, so it was written before the kill
            assert extra == 1 and when < killed_at, (text, copies)
            i = copies.index(text)
            assert copies[i + 1] == text, (text, copies)  # sent again in its place: its lane waited for it
            outboxed.append(text)
    return outboxed


def refused(tg: FakeTelegram) -> list[tuple[str, object, float]]:
    """Every 429 the fake answered: the method, the chat and when. Replies to a migrant's own taps
    and everything the outbox sends are paced within Telegram's limits, counted for all replicas
    together in Redis, so there must be none."""
    return [(c.method, c.params.get("chat_id"), c.time) for c in tg.requests if c.error_code == 429]


async def test_a_counsellor_relays_both_ways_through_three_replicas_and_a_sigkill(tg: FakeTelegram,
                                                                                   tmp_path: Path) -> None:
    """50 migrants on three webhook replicas, 5 of them in a case with a counsellor who answers in
    the case topics; one replica is killed with SIGKILL while messages are relayed both ways.

    Every relayed message arrives, in the order written within each case and chat, and once,
    apart from the crash window, which is at most:
    * the updates the killed replica had handled but not yet marked done (written at its worker's
      next look at the inbox, within a quarter of a second): each may be relayed once more by the
      replica that takes over the person, once its lease has run out;
    * one outbox message in the whole run: the killed replica's sender sends one message at a
      time, and the one Telegram had accepted but the replica had not yet recorded as sent is sent
      again, in its place in its lane, by the replica that takes the lane over.
    Telegram's limits hold for everything the bot sends, replies and outbox alike, across the three
    replicas (counted together in Redis): the fake Bot API answers 429 when they are exceeded, and
    none comes."""
    tg.set_rate_limits()  # Telegram's own: 1 a second per chat, 20 a minute per group, 30 a second overall
    tg.supergroup(GROUP_ID, "Jol counsellors", is_forum=True)
    counsellor = tg.user(900, first_name="Aigul")
    tg.set_member(GROUP_ID, counsellor, "member")
    redis = PrivateRedis(tmp_path)  # the replicas' shared limits, which no other test may flush meanwhile
    redis.start()
    try:
        async with postgres_database() as url:
            cluster = Cluster(tg, tmp_path, url, REDIS_URL=redis.url, **COUNSELLING)
            cluster.start()
            try:
                await cluster.ready()
                cases = [Case(Person(tg, user_id=7000 + i)) for i in range(CASES)]
                await asyncio.wait_for(asyncio.gather(*(open_case(cluster, c) for c in cases)), timeout=180)
                browsing = [Person(tg, user_id=8000 + i) for i in range(MIGRANTS - CASES)]
                talks = [asyncio.create_task(converse(cluster, p)) for p in browsing]
                talks += [asyncio.create_task(relay(cluster, counsellor, c)) for c in cases]
                await tg.wait_for(lambda: sum(len(t) for c in cases for t in c.copies(tg)) >= 2 * CASES * EACH // 3,
                                  120, what="a third of the messages relayed")
                killed_at = tg.now()
                cluster.down.add(1)
                cluster.replicas[1].kill()  # while messages are relayed both ways and migrants talk to the bot
                await asyncio.sleep(1)
                cluster.replicas[1].start("--role", "webhook")
                cluster.down.discard(1)
                await asyncio.wait_for(asyncio.gather(*talks), timeout=240)
                inbox, dead = await settled(url)
            finally:
                for bot in cluster.replicas:
                    if bot.proc is not None and bot.proc.poll() is None:
                        await bot.stop()
    finally:
        redis.stop()
    assert {status for status, _ in inbox.values()} == {"done"} and dead == 0  # nothing given up
    outboxed = []
    for case in cases:
        in_topic, in_chat = case.copies(tg)
        outboxed += relayed_once(in_topic, case.questions, case, inbox, killed_at)
        outboxed += relayed_once(in_chat, case.answers, case, inbox, killed_at)
    assert len(outboxed) <= 1, outboxed
    for person in browsing:  # as in the test above
        shown = screens(tg, person.chat_id)
        assert shown == sorted(shown), (person.chat_id, shown)
        assert sorted(set(shown)) == list(range(len(PATH))), (person.chat_id, shown)
        assert len(shown) - len(set(shown)) <= 1, (person.chat_id, shown)
    assert not refused(tg)
