"""Throughput, latency and memory of the whole bot, next to a bare aiogram echo bot.

Run from the project root::

    python bench/throughput.py            # full run, under 2 minutes on 2 cores
    python bench/throughput.py --quick    # smoke run, about 25 s
    python bench/throughput.py --help     # --users, --updates, --rate, --conversations, --json ...

Two child processes are measured one after the other, each with its own local fake Bot API server
(``fakegram/``, 127.0.0.1 only) and the bot in the same process and event loop:

* ``echo``: a bare aiogram ``Dispatcher`` (MemoryStorage) run by ``dp.start_polling(bot,
  handle_as_tasks=True)``; it answers every text with ``message.answer(message.text)`` (plus a
  two-button keyboard, so that buttons can be pressed) and every press with answer + edit;
* ``pipeline``: the real Jol app as ``bot/telegram/run.py`` runs it in polling mode (``build_app`` +
  ``Poller`` + ``UpdateWorker``; no setMyCommands): getUpdates -> SQLite inbox -> worker ->
  Dispatcher -> middlewares and handlers -> engine + SQLite conversation state -> sendMessage /
  editMessageText / answerCallbackQuery.

Both get the same traffic from simulated migrants who, like people, wait for the answer before
the next step: first contact (``/start``, a language, the privacy notice, ``/menu``), then the
work-permit questions over and over, answered by pressing buttons or by typing ("2", "1",
"hello", a date, "no", ``/menu``).  An update is *handled* when the bot is done with it, its
replies sent (pipeline: the worker's handler returned; echo: the dispatcher returned).  Phases,
in each child:

1. closed loop: ``--users`` (500) people, each sending the next update as soon as the previous one
   is handled, until ``--updates`` (5,000) are handled or 15 s passed -> updates/s at saturation.
   (A burst of pre-pushed updates cannot contain button presses: a press needs the message the
   previous answer produced.)
2. open loop: updates offered at ``--rate`` (200/s) for 10 s, each by a user not waiting for an
   answer -> latency from the push to the first reply (sendMessage/editMessageText) the fake
   server records for that chat, p50/p99; an update never answered counts as infinitely late.
3. many users: ``--conversations`` (10,000) more people, each with a stored conversation (the
   pipeline's are inserted into its database first), each write one message, ``--users`` at a
   time, for at most 18 s -> updates/s over many distinct users, and peak RSS of the process.

Between phases, updates still being handled get a few seconds to finish.  The fake server's own
records are trimmed as the run goes (old messages, call logs), so both children carry the same
fake-server and driver overhead and the difference in RSS is the bots'.  Everything is bounded:
counts, time limits per phase, and the parent kills a child that overruns its budget.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import datetime as dt
import gc
import itertools
import json
import logging
import math
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from fakegram import FakeTelegram  # noqa: E402  (aiohttp only: the parent never imports aiogram)

TOKEN = "123456:BENCH-token-abcdefghijklmnopqrstuvwxyz"
TODAY = dt.date(2026, 11, 26)
RESULT_MARK = "BENCH-RESULT "
PAGE = os.sysconf("SC_PAGE_SIZE")

# What a migrant does: ("type", text) or ("press", button label).  The echo bot has no such
# buttons, so there a press takes its first button instead.
ONBOARDING: tuple[tuple[str, str], ...] = (
    ("type", "/start"), ("press", "English"), ("press", "OK, continue"), ("type", "/menu"),
)
CYCLE: tuple[tuple[str, str], ...] = (
    ("press", "Work permit"),   # menu -> which passport (edited in place)
    ("type", "2"),              # Uzbekistan -> an info message + who is the employer
    ("press", "A family"),      # -> do you have a permit
    ("type", "1"),              # Yes -> does it name your region
    ("press", "Yes"),           # -> how do you pay the tax
    ("press", "For several months at once"),  # -> last day of the permit (date input)
    ("type", "hello"),          # not a date -> asked again
    ("type", "31.12.2027"),     # -> changed employer?
    ("type", "no"),             # -> outcome
    ("type", "/menu"),          # -> the menu again
)
CROWD_TEXT = "no"  # what each of the many stored conversations' users writes (at the safety question)
REPLY_METHODS = frozenset({"sendMessage", "editMessageText"})
KEEP_MESSAGES = 8  # per chat, in the fake server; older ones are forgotten to keep memory flat


@dataclass
class Sizes:
    users: int
    updates: int
    rate: float
    latency_seconds: float
    conversations: int
    closed_limit: float  # seconds for the closed loop
    crowd_limit: float  # seconds for the many-users phase
    drain_limit: float  # seconds to wait for updates still being handled after a phase


FULL = Sizes(users=500, updates=5000, rate=200.0, latency_seconds=10.0, conversations=10_000,
             closed_limit=15.0, crowd_limit=18.0, drain_limit=5.0)
QUICK = Sizes(users=100, updates=1000, rate=200.0, latency_seconds=2.0, conversations=1_000,
              closed_limit=2.5, crowd_limit=2.0, drain_limit=1.5)


def rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * PAGE / 2**20


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def percentile(values: list[float], q: float) -> float | None:
    """Nearest-rank percentile."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered), math.ceil(q / 100 * len(ordered))) - 1)]


# --------------------------------------------------------------------------- the fake server


class BenchTelegram(FakeTelegram):
    """The strict fake, reporting replies to the driver and forgetting what is no longer needed."""

    def __init__(self, on_reply: Callable[[int, float], None]) -> None:
        super().__init__(TOKEN, callback_ttl=600.0)
        self.on_reply = on_reply
        self.failed_calls: dict[str, int] = {}
        self.api_calls = 0  # every Bot API call but getUpdates

    async def _execute(self, name: str, handler: Any, raw: dict[str, Any], files: Any, *,
                       source: str = "http") -> tuple[int, dict[str, Any]]:
        status, body = await super()._execute(name, handler, raw, files, source=source)
        if name != "getUpdates":
            self.api_calls += 1
        if status != 200:
            key = f"{name} {status}"
            self.failed_calls[key] = self.failed_calls.get(key, 0) + 1
        elif name in REPLY_METHODS:
            chat_id = int(raw.get("chat_id", 0))
            self.on_reply(chat_id, time.perf_counter())
            if name == "sendMessage":
                self.forget_old(chat_id)
        if len(self.requests) > 500:
            del self.requests[:-50]
            del self.sent[:-50]
        if len(self.deliveries) > 2000:
            self.deliveries.clear()
            self.confirmed_ids.clear()
        return status, body

    def forget_old(self, chat_id: int) -> None:
        last = self._last_message_id.get(chat_id, 0)
        for message_id in range(last - KEEP_MESSAGES - 4, last - KEEP_MESSAGES + 1):
            self.messages.pop((chat_id, message_id), None)

    def keep_latest_buttons(self, chat_id: int, *, keep_none: bool = False) -> None:
        """Once an update is handled, only the message a user may press next needs to exist."""
        keep = None if keep_none else self.latest_with_buttons(chat_id)
        keep_id = keep["message_id"] if keep else None
        last = self._last_message_id.get(chat_id, 0)
        for message_id in range(last - KEEP_MESSAGES, last + 1):
            if message_id != keep_id:
                self.messages.pop((chat_id, message_id), None)

    def latest_with_buttons(self, chat_id: int) -> dict[str, Any] | None:
        last = self._last_message_id.get(chat_id, 0)
        for message_id in range(last, last - KEEP_MESSAGES, -1):
            message = self.messages.get((chat_id, message_id))
            if message and message.get("from", {}).get("id") == self.bot_id and self.button_data(message):
                return message
        return None

    def forget_history(self) -> None:
        self.deliveries.clear()
        self.confirmed_ids.clear()
        self.requests.clear()
        self.sent.clear()


# --------------------------------------------------------------------------- the simulated migrants


@dataclass
class Person:
    id: int
    pos: int = 0
    query_id: str | None = None
    busy: bool = False  # an update of theirs is not handled yet
    once: bool = False  # writes one message and is gone


@dataclass
class Sent:
    update_id: int
    person: Person
    pushed: float
    done: asyncio.Future[float]
    first_reply: float | None = None


class Driver:
    """Pushes the migrants' updates into the fake server and notices when they are handled."""

    def __init__(self) -> None:
        self.tg = BenchTelegram(self.on_reply)
        self.inflight: dict[int, Sent] = {}
        self._awaiting_reply: dict[int, Sent] = {}
        self.script_misses = 0
        self.not_ok = 0

    def people(self, first_id: int, count: int, *, once: bool = False) -> list[Person]:
        for uid in range(first_id, first_id + count):
            self.tg.user(uid, "Migrant", language_code="en")
            self.tg.register_chat(uid)
        return [Person(uid, once=once) for uid in range(first_id, first_id + count)]

    def on_reply(self, chat_id: int, at: float) -> None:
        sent = self._awaiting_reply.pop(chat_id, None)
        if sent is not None:
            sent.first_reply = at

    def on_done(self, update_id: int, ok: bool = True) -> None:
        if not ok:
            self.not_ok += 1
        sent = self.inflight.pop(update_id, None)
        if sent is not None:
            sent.person.busy = False
            self.tg.keep_latest_buttons(sent.person.id, keep_none=sent.person.once)
            self._awaiting_reply.pop(sent.person.id, None)
            if not sent.done.done():
                sent.done.set_result(time.perf_counter())

    def act(self, person: Person, text: str | None = None) -> Sent:
        """The person's next step (or ``text``); returns what to wait for."""
        tg = self.tg
        if person.busy:
            raise RuntimeError(f"user {person.id} still waits for an answer")
        if person.query_id is not None:  # the previous press was handled: forget it
            tg.callback_queries.pop(person.query_id, None)
            person.query_id = None
        if text is None:
            kind, value = ONBOARDING[person.pos] if person.pos < len(ONBOARDING) else \
                CYCLE[(person.pos - len(ONBOARDING)) % len(CYCLE)]
            person.pos += 1
        else:
            kind, value = "type", text
        update: dict[str, Any]
        message = tg.latest_with_buttons(person.id) if kind == "press" else None
        if kind == "press" and message is not None:
            buttons = [b for row in message["reply_markup"]["inline_keyboard"] for b in row]
            found = [b["callback_data"] for b in buttons if value in str(b.get("text", ""))]
            if not found:
                self.script_misses += 1
            update = tg.press_button(person.id, message, found[0] if found else tg.button_data(message)[0])
            person.query_id = update["callback_query"]["id"]
        else:
            if kind == "press":
                self.script_misses += 1
            update = tg.push_message(person.id, value)
            tg.forget_old(person.id)
        sent = Sent(int(update["update_id"]), person, time.perf_counter(), asyncio.get_running_loop().create_future())
        person.busy = True
        self.inflight[sent.update_id] = sent
        self._awaiting_reply[person.id] = sent
        return sent


class BotDied(Exception):
    pass


async def wait_handled(sent: Sent, deadline: float, bot_task: asyncio.Task[Any]) -> bool:
    if bot_task.done():
        raise BotDied(repr(bot_task.exception()) if not bot_task.cancelled() else "cancelled")
    remaining = deadline - time.perf_counter()
    if remaining <= 0:
        return sent.done.done()
    try:
        await asyncio.wait_for(asyncio.shield(sent.done), remaining)
    except TimeoutError:
        return False
    return True


async def drain(driver: Driver, limit: float, bot_task: asyncio.Task[Any]) -> int:
    """Wait (at most ``limit`` s) until every pushed update is handled; returns how many were not."""
    deadline = time.perf_counter() + limit
    for sent in list(driver.inflight.values()):
        if not await wait_handled(sent, deadline, bot_task):
            break
    return len(driver.inflight)


# --------------------------------------------------------------------------- the two bots


class EchoBot:
    kind = "echo"

    async def start(self, base_url: str, driver: Driver) -> asyncio.Task[Any]:
        from aiogram import Bot, Dispatcher, F, Router
        from aiogram.client.session.aiohttp import AiohttpSession
        from aiogram.client.telegram import TelegramAPIServer
        from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update

        keyboard = InlineKeyboardMarkup(inline_keyboard=[[
            InlineKeyboardButton(text="A", callback_data="a"), InlineKeyboardButton(text="B", callback_data="b"),
        ]])
        router = Router()
        presses = itertools.count(1)

        @router.message(F.text)
        async def echo(message: Message) -> None:
            await message.answer(message.text or "", reply_markup=keyboard)

        @router.callback_query()
        async def pressed(query: CallbackQuery) -> None:
            await query.answer()
            if isinstance(query.message, Message):
                await query.message.edit_text(f"pressed {query.data} #{next(presses)}", reply_markup=keyboard)

        async def handled(handler: Callable[[Any, dict[str, Any]], Awaitable[Any]], event: Update,
                          data: dict[str, Any]) -> Any:
            try:
                return await handler(event, data)
            finally:
                driver.on_done(event.update_id)

        self.dispatcher = Dispatcher()
        self.dispatcher.update.outer_middleware(handled)
        self.dispatcher.include_router(router)
        self.bot = Bot(TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(base_url)))
        return asyncio.create_task(self.dispatcher.start_polling(
            self.bot, handle_as_tasks=True, handle_signals=False, polling_timeout=10,
        ))

    async def seed(self, people: list[Person]) -> None:
        return None

    async def stop(self, task: asyncio.Task[Any]) -> dict[str, Any]:
        if not task.done():
            await self.dispatcher.stop_polling()
        await asyncio.wait_for(task, 10)
        return {}


class PipelineBot:
    kind = "pipeline"

    async def start(self, base_url: str, driver: Driver) -> asyncio.Task[Any]:
        from bot.config import Settings
        from bot.engine.clock import Clock
        from bot.telegram.app import build_app
        from bot.telegram.intake.polling import Poller

        self.dir = Path(tempfile.mkdtemp(prefix="jol-bench-"))
        settings = Settings(  # type: ignore[call-arg]
            bot_token=TOKEN, bot_api_url=base_url, database_url=f"sqlite+aiosqlite:///{self.dir}/jol.sqlite",
            data_dir=self.dir, pseudonym_secret="bench-secret-long-enough-for-hmac-sha256", _env_file=None,
            # The fake server here enforces no sending limits and the echo bot keeps none, so the
            # pipeline's pacing is lifted too (its bookkeeping still runs on every message).
            rate_private_per_second=1e6, rate_group_per_minute=1e6, rate_global_per_second=1e6,
        )
        self.app = app = await build_app(settings, Clock.fixed(TODAY))
        handle = app.worker.handle

        async def handled(payload: dict[str, Any]) -> None:
            """An update is handled when its handler has finished (the inbox marks it done in batches)."""
            try:
                await handle(payload)
            except Exception:
                driver.on_done(int(payload["update_id"]), ok=False)
                raise
            driver.on_done(int(payload["update_id"]), ok=True)

        app.worker.handle = handled
        self.stop_event = asyncio.Event()
        poller = Poller(app.bot, app.inbox, app.worker, timeout=10)

        async def serve() -> None:  # like bot/telegram/run.py in polling mode, without setMyCommands
            await asyncio.gather(app.worker.run(self.stop_event), poller.run(self.stop_event))

        return asyncio.create_task(serve())

    async def seed(self, people: list[Person]) -> None:
        """Stored conversations for ``people``, as ``/start`` + consent leaves them (at the first question).

        One multi-row INSERT per 1,000 (the repository's put() costs a SELECT per row); should the
        table grow a column the INSERT does not know, the repository's put() is used instead.
        """
        from sqlalchemy import insert
        from sqlalchemy.exc import SQLAlchemyError

        from db.models import Conversation, utcnow

        state, _ = self.app.runtime.engine.start()
        as_json = state.to_json()
        key = self.app.inbox.pseudonymize.user
        for first in range(0, len(people), 1000):
            batch = people[first:first + 1000]
            rows = [{"key": key(p.id), "state": as_json, "lang": "en", "updated_at": utcnow(), "last_update": None,
                     "counted": True} for p in batch]
            try:
                async with self.app.runtime.unit_of_work() as uow:
                    await uow.session.execute(insert(Conversation), rows)
            except SQLAlchemyError:
                async with self.app.runtime.unit_of_work() as uow:
                    with uow.session.no_autoflush:
                        for person in batch:
                            await uow.conversations.put(key(person.id), as_json, "en", counted=True)

    async def stop(self, task: asyncio.Task[Any]) -> dict[str, Any]:
        self.stop_event.set()
        await asyncio.wait_for(task, 10)
        await self.app.worker.drain(1)
        async with self.app.runtime.unit_of_work() as uow:
            conversations = await uow.conversations.count()
        extra = {"failed": self.app.worker.failed, "conversations": conversations}
        await self.app.close()
        extra["db_mb"] = sum(p.stat().st_size for p in self.dir.glob("jol.sqlite*")) / 2**20
        shutil.rmtree(self.dir, ignore_errors=True)
        return extra


# --------------------------------------------------------------------------- the phases


async def closed_loop(driver: Driver, people: list[Person], walkers: int, total: int, limit: float,
                      bot_task: asyncio.Task[Any], text: str | None = None) -> dict[str, Any]:
    """``walkers`` users at a time, each sending the next update once the previous one is handled.

    With ``text`` every person of ``people`` sends it once (``walkers`` of them at a time); without,
    the first ``walkers`` people follow their script until ``total`` updates were sent.
    """
    queue = iter(people) if text is not None else None
    remaining = total
    handled: list[float] = []
    timeouts = 0
    start = time.perf_counter()
    deadline = start + limit
    cpu, loop_cpu = cpu_seconds(), time.thread_time()

    async def walk(own: Person) -> None:
        nonlocal remaining, timeouts
        while remaining > 0 and time.perf_counter() < deadline:
            person = own if queue is None else next(queue, None)
            if person is None:
                return
            remaining -= 1
            sent = driver.act(person, text)
            if not await wait_handled(sent, deadline, bot_task):
                timeouts += 1
                return
            handled.append(sent.done.result())

    await asyncio.gather(*(walk(p) for p in people[:walkers]))
    seconds = (max(handled) if handled else time.perf_counter()) - start
    return {"updates": len(handled), "seconds": seconds, "rate": len(handled) / seconds if seconds else 0.0,
            "cpu_ms_per_update": 1000 * (cpu_seconds() - cpu) / max(1, len(handled)),
            "loop_cpu_ms_per_update": 1000 * (time.thread_time() - loop_cpu) / max(1, len(handled)),
            "in_flight_at_limit": timeouts, "complete": len(handled) == total}


async def open_loop(driver: Driver, people: list[Person], rate: float, duration: float, patience: float,
                    bot_task: asyncio.Task[Any]) -> dict[str, Any]:
    """Offer ``rate`` updates/s for ``duration`` s, each from a user who is not waiting for an answer."""
    count = int(rate * duration)
    idle = deque(p for p in people if not p.busy)
    records: list[Sent] = []
    waiting: set[asyncio.Task[None]] = set()
    saturated = 0.0
    start = time.perf_counter()
    stop_offering = start + duration * 1.5
    give_up = stop_offering + patience + 1.0

    async def handled(sent: Sent) -> None:
        if await wait_handled(sent, give_up, bot_task):
            idle.append(sent.person)

    i = 0
    while i < count and time.perf_counter() < stop_offering:
        due = start + i / rate
        now = time.perf_counter()
        if now < due:
            await asyncio.sleep(due - now)
        if not idle:  # everyone is still waiting for an answer: the bot is saturated
            await asyncio.sleep(0.005)
            saturated += 0.005
            continue
        sent = driver.act(idle.popleft())
        records.append(sent)
        task = asyncio.create_task(handled(sent))
        waiting.add(task)
        task.add_done_callback(waiting.discard)
        i += 1
    offered_for = time.perf_counter() - start
    if waiting:
        await asyncio.wait(set(waiting), timeout=patience)
    for task in list(waiting):
        task.cancel()
    inf = float("inf")
    reply = [1000 * (s.first_reply - s.pushed) if s.first_reply is not None else inf for s in records]
    done = [1000 * (s.done.result() - s.pushed) if s.done.done() else inf for s in records]
    return {
        "offered": len(records), "seconds": offered_for, "offered_rate": len(records) / offered_for,
        "saturated_seconds": saturated, "unanswered": sum(1 for r in reply if r == inf),
        "patience_s": patience,
        "reply_p50_ms": percentile(reply, 50), "reply_p99_ms": percentile(reply, 99),
        "done_p50_ms": percentile(done, 50), "done_p99_ms": percentile(done, 99),
    }


class GcPauses:
    """Time spent in the cyclic garbage collector, per generation (a source of latency spikes)."""

    def __init__(self) -> None:
        self.started = 0.0
        self.count = [0, 0, 0]
        self.total = [0.0, 0.0, 0.0]
        self.longest = [0.0, 0.0, 0.0]

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self.started = time.perf_counter()
            return
        generation = info["generation"]
        took = time.perf_counter() - self.started
        self.count[generation] += 1
        self.total[generation] += took
        self.longest[generation] = max(self.longest[generation], took)

    def summary(self) -> dict[str, Any]:
        return {"count": self.count, "total_ms": [round(1000 * t, 1) for t in self.total],
                "longest_ms": [round(1000 * t, 1) for t in self.longest]}


class WarningCounter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0
        self.first: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1
        if len(self.first) < 5:
            self.first.append(f"{record.name}: {record.getMessage()}"[:300])


async def run_child(kind: str, sizes: Sizes, profile: str | None, freeze: bool) -> dict[str, Any]:
    warnings = WarningCounter()
    logging.basicConfig(level=logging.WARNING, handlers=[warnings])
    driver = Driver()
    base_url = await driver.tg.start()
    runner: EchoBot | PipelineBot = EchoBot() if kind == "echo" else PipelineBot()
    bot_task = await runner.start(base_url, driver)
    result: dict[str, Any] = {"kind": kind, "sizes": asdict(sizes), "gc_freeze": freeze}
    gc.collect()
    if freeze:
        gc.freeze()
    result["rss_start_mb"] = rss_mb()
    pauses = GcPauses()
    gc.callbacks.append(pauses)
    try:
        people = driver.people(1_000_001, sizes.users)
        profiler = cProfile.Profile() if profile else None
        calls = driver.tg.api_calls
        if profiler:
            profiler.enable()
        result["closed"] = await closed_loop(driver, people, sizes.users, sizes.updates, sizes.closed_limit, bot_task)
        if profiler:
            profiler.disable()
            profiler.dump_stats(profile)
        result["closed"]["api_calls_per_update"] = (driver.tg.api_calls - calls) / max(1, result["closed"]["updates"])
        result["closed"]["left_after_drain"] = await drain(driver, sizes.drain_limit, bot_task)
        result["latency"] = await open_loop(driver, people, sizes.rate, sizes.latency_seconds, sizes.drain_limit,
                                            bot_task)
        crowd = driver.people(5_000_001, sizes.conversations, once=True)
        driver.tg.forget_history()
        gc.collect()
        result["rss_before_conversations_mb"] = rss_mb()
        result["peak_before_conversations_mb"] = peak_rss_mb()
        seeding = time.perf_counter()
        await runner.seed(crowd)
        result["seed_seconds"] = time.perf_counter() - seeding
        result["crowd"] = await closed_loop(driver, crowd, sizes.users, len(crowd), sizes.crowd_limit, bot_task,
                                            text=CROWD_TEXT)
        result["peak_mb"] = peak_rss_mb()
        gc.collect()
        result["rss_end_mb"] = rss_mb()
        result["gc"] = pauses.summary()
        result["warnings"] = warnings.count
        result["first_warnings"] = warnings.first[:]
    finally:
        if pauses in gc.callbacks:
            gc.callbacks.remove(pauses)
        result.update(await runner.stop(bot_task))
        await driver.tg.stop()
    result["script_misses"] = driver.script_misses
    result["not_ok"] = driver.not_ok
    result["failed_calls"] = driver.tg.failed_calls
    result["fake_errors"] = [repr(e) for e in driver.tg.internal_errors[:5]]
    result["shutdown_warnings"] = warnings.count - result.get("warnings", 0)
    result.setdefault("warnings", warnings.count)
    result.setdefault("first_warnings", warnings.first)
    return result


# --------------------------------------------------------------------------- the parent: run both, print


def fmt(value: float | None, unit: str = "", digits: int = 0) -> str:
    if value is None:
        return "n/a"
    if value == float("inf"):
        return "no answer"
    return f"{value:,.{digits}f}{unit}"


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def report(echo: dict[str, Any], jol: dict[str, Any], sizes: Sizes, quick: bool) -> list[str]:
    cores = os.cpu_count() or 1
    freeze = ", gc.freeze() after start-up" if echo.get("gc_freeze") else ""
    lines = [
        f"Jol throughput benchmark (fake Bot API on 127.0.0.1, SQLite, {cores} cores{', --quick' if quick else ''})",
        f"Python {platform.python_version()}, aiogram {version('aiogram')}; echo = bare aiogram "
        f"start_polling(handle_as_tasks=True), MemoryStorage{freeze}",
        "",
        f"{'':38}{'echo bot':>12}{'Jol pipeline':>15}{'ratio':>8}   target",
    ]

    def row(label: str, e: str, j: str, ratio: str = "", target: str = "") -> None:
        lines.append(f"{label:38}{e:>12}{j:>15}{ratio:>8}   {target}".rstrip())

    ce, cj = echo["closed"], jol["closed"]
    ratio = cj["rate"] / ce["rate"] if ce["rate"] else 0.0
    row(f"updates/s ({sizes.users} users, closed loop)", fmt(ce["rate"]), fmt(cj["rate"]), f"{ratio:.2f}",
        f">= 0.50  {verdict(ratio >= 0.5)}")
    we, wj = echo["crowd"], jol["crowd"]
    crowd_ratio = wj["rate"] / we["rate"] if we["rate"] else 0.0
    row(f"updates/s ({sizes.conversations:,} users, 1 message each)", fmt(we["rate"]), fmt(wj["rate"]),
        f"{crowd_ratio:.2f}")
    row("CPU per update (whole process)", fmt(ce["cpu_ms_per_update"], " ms", 2),
        fmt(cj["cpu_ms_per_update"], " ms", 2), f"{cj['cpu_ms_per_update'] / ce['cpu_ms_per_update']:.1f}x")
    row("  of it in the event-loop thread", fmt(ce["loop_cpu_ms_per_update"], " ms", 2),
        fmt(cj["loop_cpu_ms_per_update"], " ms", 2))
    row("Bot API calls per update", fmt(ce["api_calls_per_update"], digits=2),
        fmt(cj["api_calls_per_update"], digits=2))
    le, lj = echo["latency"], jol["latency"]
    at = f"@{sizes.rate:.0f}/s"
    row(f"p50 latency {at} (first reply)", fmt(le["reply_p50_ms"], " ms", 1), fmt(lj["reply_p50_ms"], " ms", 1))
    p99 = lj["reply_p99_ms"]
    met_b = p99 is not None and p99 <= 50
    row(f"p99 latency {at} (first reply)", fmt(le["reply_p99_ms"], " ms", 1), fmt(p99, " ms", 1), "",
        f"<= 50 ms {verdict(met_b)}")
    row(f"p99 until fully handled {at}", fmt(le["done_p99_ms"], " ms", 1), fmt(lj["done_p99_ms"], " ms", 1))
    row("load actually offered", fmt(le["offered_rate"], "/s"), fmt(lj["offered_rate"], "/s"))
    row("longest GC pause (generation 2)", fmt(echo["gc"]["longest_ms"][2], " ms"),
        fmt(jol["gc"]["longest_ms"][2], " ms"))
    row("RSS after start-up", fmt(echo["rss_start_mb"], " MB", 1), fmt(jol["rss_start_mb"], " MB", 1))
    row("peak RSS", fmt(echo["peak_mb"], " MB", 1), fmt(jol["peak_mb"], " MB", 1))
    extra = jol["peak_mb"] - echo["peak_mb"]
    row(f"  pipeline - echo, {sizes.conversations:,} conversations", "", f"{extra:+.1f} MB", "",
        f"<= +50 MB {verdict(extra <= 50)}")
    row(f"  RSS growth in the {sizes.conversations:,}-user phase",
        f"{echo['rss_end_mb'] - echo['rss_before_conversations_mb']:+.1f} MB",
        f"{jol['rss_end_mb'] - jol['rss_before_conversations_mb']:+.1f} MB")
    lines.append("")
    lines.append(f"(a) throughput >= 0.5 x echo bot:           {verdict(ratio >= 0.5)} ({ratio:.2f})")
    lines.append(f"(b) p99 latency <= 50 ms at {sizes.rate:.0f} updates/s:  {verdict(met_b)} ({fmt(p99, ' ms', 1)})")
    note = "" if sizes.conversations >= 10_000 else f"; this run stored only {sizes.conversations:,}"
    lines.append(f"(c) 10,000 conversations <= +50 MB RSS:     {verdict(extra <= 50)} ({extra:+.1f} MB{note})")
    lines.append("")
    handled = [f"{r['kind']} {r['closed']['updates']:,}/{r['latency']['offered']:,}/{r['crowd']['updates']:,}"
               for r in (echo, jol)]
    lines.append(f"Updates handled (closed loop/latency/crowd): {', '.join(handled)}.")
    lines.append(f"Pipeline database at the end: {jol.get('conversations', 0):,} conversations, "
                 f"{jol.get('db_mb', 0):.1f} MB on disk.")
    notes = []
    for result in (echo, jol):
        name = result["kind"]
        for phase, wanted in (("closed", sizes.updates), ("crowd", sizes.conversations)):
            if not result[phase]["complete"]:
                notes.append(f"{name} {phase}: time limit reached after {result[phase]['updates']:,} of {wanted:,}")
        latency = result["latency"]
        if latency["saturated_seconds"] > 0.05:
            notes.append(f"{name}: saturated at {sizes.rate:.0f}/s: for {latency['saturated_seconds']:.1f} s all "
                         f"{sizes.users} users were waiting for an answer, so less load could be offered")
        if latency["unanswered"]:
            notes.append(f"{name}: {latency['unanswered']} of {latency['offered']} offered updates unanswered "
                         f"{latency['patience_s']:.0f} s after the last offer (count as infinite latency)")
        if result["script_misses"] and name == "pipeline":
            notes.append(f"{name}: {result['script_misses']} steps did not find the expected button")
        if result["failed_calls"]:
            notes.append(f"{name}: failed Bot API calls {result['failed_calls']}")
        if result["fake_errors"] or result["not_ok"] or result.get("failed"):
            notes.append(f"{name}: fake server errors {result['fake_errors']}, "
                         f"failed updates {max(result['not_ok'], result.get('failed', 0))}")
        if result["warnings"]:
            notes.append(f"{name}: {result['warnings']} log warnings, e.g. {result['first_warnings'][:2]}")
    echo_p99 = echo["latency"]["reply_p99_ms"]
    if echo_p99 is not None and echo_p99 > 50:
        notes.append(f"the echo bot's p99 is above 50 ms too: garbage-collector pauses (up to "
                     f"{echo['gc']['longest_ms'][2]:.0f} ms) in a process that also runs the fake server; "
                     "compare --gc-freeze")
    lines += [f"Note: {n}" for n in notes]
    return lines


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="a ~25 s smoke run with smaller numbers")
    parser.add_argument("--users", type=int, help="simulated users in the closed and open loops (default 500)")
    parser.add_argument("--updates", type=int, help="updates handled in the closed loop (default 5000)")
    parser.add_argument("--rate", type=float, help="offered load of the latency phase, updates/s (default 200)")
    parser.add_argument("--latency-seconds", type=float, help="length of the latency phase (default 10)")
    parser.add_argument("--conversations", type=int,
                        help="stored conversations, whose users then write once each (default 10000)")
    parser.add_argument("--gc-freeze", action="store_true",
                        help="gc.freeze() after start-up in both bots (shows what GC pauses cost)")
    parser.add_argument("--only", choices=("echo", "pipeline"), help="measure one bot and print its raw JSON")
    parser.add_argument("--profile", metavar="DIR", help="write cProfile stats of the closed loop to DIR")
    parser.add_argument("--json", metavar="FILE", help="also write both raw results to FILE")
    parser.add_argument("--child", choices=("echo", "pipeline"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    for name in ("users", "updates", "rate", "latency_seconds", "conversations"):
        value = getattr(args, name)
        if value is not None and value <= 0:
            parser.error(f"--{name.replace('_', '-')} must be positive")
    return args


def sizes_from(args: argparse.Namespace) -> Sizes:
    base = QUICK if args.quick else FULL
    sizes = Sizes(**asdict(base))
    for name in ("users", "updates", "rate", "latency_seconds", "conversations"):
        if getattr(args, name) is not None:
            setattr(sizes, name, type(getattr(base, name))(getattr(args, name)))
    sizes.users = min(sizes.users, 100_000)
    sizes.conversations = min(sizes.conversations, 200_000)
    return sizes


def child_args(args: argparse.Namespace) -> list[str]:
    out = ["--quick"] if args.quick else []
    if args.gc_freeze:
        out.append("--gc-freeze")
    for name in ("users", "updates", "rate", "latency_seconds", "conversations"):
        if getattr(args, name) is not None:
            out += [f"--{name.replace('_', '-')}", str(getattr(args, name))]
    return out


def run_in_child(kind: str, args: argparse.Namespace, sizes: Sizes) -> dict[str, Any]:
    command = [sys.executable, str(Path(__file__).resolve()), "--child", kind, *child_args(args)]
    if args.profile:
        command += ["--profile", args.profile]
    budget = 60.0 + sizes.closed_limit + sizes.latency_seconds * 2.5 + sizes.crowd_limit + 3 * sizes.drain_limit
    started = time.perf_counter()
    print(f"measuring the {kind} bot ...", file=sys.stderr, flush=True)
    try:
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=budget)
    except subprocess.TimeoutExpired as exc:
        raise SystemExit(f"the {kind} child did not finish within {budget:.0f} s\n{exc.stderr or ''}") from None
    for line in done.stdout.splitlines():
        if line.startswith(RESULT_MARK):
            result: dict[str, Any] = json.loads(line[len(RESULT_MARK):])
            result["wall_seconds"] = time.perf_counter() - started
            return result
    raise SystemExit(f"the {kind} child failed (exit {done.returncode}):\n{done.stdout[-3000:]}\n{done.stderr[-5000:]}")


def child_main(args: argparse.Namespace) -> None:
    sizes = sizes_from(args)
    profile = None
    if args.profile and args.child:
        Path(args.profile).mkdir(parents=True, exist_ok=True)
        profile = str(Path(args.profile) / f"{args.child}.prof")
    result = asyncio.run(run_child(args.child, sizes, profile, args.gc_freeze))
    print(RESULT_MARK + json.dumps(result), flush=True)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if args.child:
        child_main(args)
        return
    sizes = sizes_from(args)
    if args.only:
        print(json.dumps(run_in_child(args.only, args, sizes), indent=2))
        return
    echo = run_in_child("echo", args, sizes)
    jol = run_in_child("pipeline", args, sizes)
    if args.json:
        Path(args.json).write_text(json.dumps({"echo": echo, "pipeline": jol}, indent=2))
    print("\n".join(report(echo, jol, sizes, args.quick)))
    print(f"(measured in {echo['wall_seconds'] + jol['wall_seconds']:.0f} s)", file=sys.stderr)
    if args.profile:
        print(f"cProfile of the closed loop: {args.profile}/echo.prof, {args.profile}/pipeline.prof "
              "(python -m pstats)", file=sys.stderr)


if __name__ == "__main__":
    main()
