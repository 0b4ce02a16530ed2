"""``python -m bot run``: the bot on Telegram, by long polling or webhook, until SIGTERM.

On SIGTERM or Ctrl-C: stop taking updates, let the ones being handled finish (within
SHUTDOWN_TIMEOUT), then close. Whatever was not finished is still in the inbox for the next start.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import fcntl
import gc
import logging
import os
import signal
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import TypeVar

from aiogram.exceptions import TelegramNotFound, TelegramUnauthorizedError
from aiohttp import web

from bot.config import Settings
from bot.privacy.retention import purge
from bot.telegram.app import App, build_app
from bot.telegram.health import add_routes, health_app
from bot.telegram.intake.polling import ALLOWED_UPDATES, Poller, PollingStopped
from bot.telegram.intake.webhook import check_secret, server_limits, webhook_app
from bot.telegram.transient import is_transient

log = logging.getLogger("jol")
T = TypeVar("T")
LONGEST_START_WAIT = 60.0  # seconds between tries while Telegram cannot be reached at start


class StartRefused(Exception):
    """Telegram refuses the bot at start (the token, or the Bot API address); the message is one line."""


async def _at_start(settings: Settings, what: str, call: Callable[[], Awaitable[T]], stop: asyncio.Event) -> T | None:
    """A start-up call to Telegram, tried until it answers. The network or Telegram away while the
    server boots is transient, and nothing restarts a bot that exits (``make run``); a token or an
    address that Telegram refuses is not, and is said in one line. None if stopped meanwhile."""
    delay = 1.0
    while not stop.is_set():
        request = asyncio.ensure_future(call())  # the request's own retries (RetryMiddleware) come first
        stopping = asyncio.ensure_future(stop.wait())
        await asyncio.wait({request, stopping}, return_when=asyncio.FIRST_COMPLETED)
        stopping.cancel()
        if not request.done():  # SIGTERM while waiting for Telegram
            request.cancel()
            return None
        try:
            return request.result()
        except TelegramUnauthorizedError:
            token = settings.bot_token.get_secret_value() if settings.bot_token else ""
            raise StartRefused(f"BOT_TOKEN=(hidden, {len(token)} characters) is refused by Telegram (401 "
                               "Unauthorized): expected the token @BotFather gave this bot (/mybots, API Token)") \
                from None
        except TelegramNotFound:
            raise StartRefused(f"BOT_API_URL={settings.bot_api_url or 'https://api.telegram.org'!r} answers 404 to "
                               f"{what}: expected the address of a Bot API server (unset for api.telegram.org) and "
                               "the token @BotFather gave this bot") from None
        except Exception as exc:
            if not is_transient(exc):
                raise
            log.warning("Telegram cannot be reached at start (%s: %s: %s); trying again in %.0f s", what,
                        type(exc).__name__, str(exc)[:160], delay)
        try:
            await asyncio.wait_for(stop.wait(), timeout=delay)
        except TimeoutError:
            pass
        delay = min(LONGEST_START_WAIT, delay * 2)
    return None


@contextlib.contextmanager
def single_instance(lock_file: Path) -> Iterator[None]:
    """Only one bot per data folder: a second one would compete for the same updates."""
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_file, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RuntimeError(f"another copy of the bot is running with {lock_file.parent}/ (lock {lock_file})") \
                from None
        yield
    finally:
        os.close(fd)


ROLES = ("all", "poller", "worker", "webhook")


async def _my_turn(app: App, job: str, tick: str) -> bool:
    """With several replicas, one runs each tick of a scheduled job; alone, this process always does."""
    if app.replica is None:
        return True
    async with app.runtime.unit_of_work() as uow:
        return await uow.ticks.take(job, tick, app.replica.name)


def _minute(app: App, offset: int = 0) -> str:
    """This minute (plus ``offset`` minutes) as a sortable tick name."""
    return f"{int(app.runtime.clock.now().timestamp()) // 60 + offset:012d}"


async def _purge_daily(app: App, stop: asyncio.Event) -> None:
    while not stop.is_set():
        if await _my_turn(app, "purge", app.runtime.clock.today().isoformat()):
            await _purge(app)
        try:  # alone: once a day from the start; with replicas: each replica asks every hour who purges today
            await asyncio.wait_for(stop.wait(), timeout=24 * 3600 if app.replica is None else 3600)
        except TimeoutError:
            pass


async def _purge(app: App) -> None:
    result = await purge(app.runtime.unit_of_work, app.settings.conversation_retention_days,
                         app.runtime.clock.now())
    log.info("retention: deleted %d idle conversations, %d old states, %d handled updates",
             result.conversations, result.fsm, result.updates)
    if app.counselling is not None:
        erased = await app.counselling.housekeeping.purge(dt.timedelta(days=app.settings.case_retention_days))
        log.info("retention: erased %d closed cases", erased)
    await app.runtime.unit_of_work.settle_erasure()  # nothing purged is left in the write-ahead log
    if app.replica is not None:
        async with app.runtime.unit_of_work() as uow:
            await uow.leases.purge_expired(app.runtime.clock.now())
            await uow.ticks.forget_before("remind", _minute(app, -1440))


async def _remind(app: App, stop: asyncio.Event) -> None:
    """Announce again the cases nobody has taken, every CASE_REMIND_MINUTES."""
    assert app.counselling is not None
    housekeeping = app.counselling.housekeeping
    after = dt.timedelta(minutes=app.settings.case_remind_minutes)
    while not stop.is_set():
        if await _my_turn(app, "remind", _minute(app)):  # one replica a minute
            await housekeeping.remind(after)
        try:
            await asyncio.wait_for(stop.wait(), timeout=60)
        except TimeoutError:
            pass


async def _reminders(app: App, stop: asyncio.Event) -> None:
    """Queue the reminders that are due (REMINDER_HOUR in TIMEZONE on their day) into the outbox.
    With several replicas each may run this: a conditional UPDATE gives each reminder to one."""
    assert app.reminders is not None and app.sender is not None
    sender = app.sender
    every = app.settings.reminder_check_seconds
    while not stop.is_set():
        queued = await app.reminders.queue_due(on_batch=sender.wake)
        if queued:
            log.info("reminders: %d queued", queued)
        pause = every
        nxt = await app.reminders.seconds_to_next()
        if nxt is not None:
            pause = min(every, max(nxt, 0.05))
        try:
            await asyncio.wait_for(stop.wait(), timeout=pause)
        except TimeoutError:
            pass


async def _serve(app: App, webhook: bool, stop: asyncio.Event, role: str = "all") -> None:
    """``role``: all (intake and handling in one process), poller (only stores polled updates),
    worker (only handles what others stored), webhook (takes webhook calls and handles)."""
    settings = app.settings
    webhook = webhook or role == "webhook"
    tasks = app.tasks  # each one logs its errors and starts again; one that dies fails /healthz
    health = app.health
    assert health is not None
    runners: list[web.AppRunner] = []
    reached = False  # Telegram answered at start
    try:
        if settings.health_port is not None and not (webhook and settings.health_port == settings.webhook_port):
            runners.append(await _listen(health_app(health), settings.health_host, settings.health_port))
            log.info("health and metrics on http://%s:%s/ (healthz, readyz, metrics)", settings.health_host,
                     settings.health_port)
        # Telegram first: while it cannot be reached, handling stored updates or sending the outbox
        # would only use up their retries; a token it refuses stops the start in one line.
        await _at_start(settings, "setMyCommands", app.set_commands, stop)
        me = await _at_start(settings, "getMe", app.bot.get_me, stop)
        if me is None:
            return  # stopped while waiting for Telegram
        reached = True
        polling = not webhook and role in ("all", "poller")

        def start_worker() -> None:
            tasks.start("update worker", app.worker.run, stop)

        if role != "poller":
            if not polling:
                start_worker()
            tasks.start("daily purge", lambda stop: _purge_daily(app, stop), stop)
            if app.sender is not None:
                tasks.start("outbox sender", app.sender.run, stop)
            if app.counselling is not None:
                tasks.start("case reminders", lambda stop: _remind(app, stop), stop)
            if app.reminders is not None and app.sender is not None:
                tasks.start("deadline reminders", lambda stop: _reminders(app, stop), stop)
        if role == "worker":
            log.info("@%s: handling the updates other replicas store", me.username)
            health.ready = True
            await stop.wait()
        elif webhook:
            secret = check_secret(settings.webhook_secret.get_secret_value() if settings.webhook_secret else None)
            if not settings.webhook_url:
                raise RuntimeError("WEBHOOK_URL is required in webhook mode (the public https address of this server)")
            server = webhook_app(app.inbox, app.worker, secret, settings.webhook_path, app.liveness)
            add_routes(server, health, healthz=False)  # webhook_app has /healthz
            runners.append(await _listen(server, settings.webhook_host, settings.webhook_port))
            url = settings.webhook_url
            await _at_start(settings, "setWebhook", lambda: app.bot.set_webhook(
                url, secret_token=secret, allowed_updates=list(ALLOWED_UPDATES)), stop)
            log.info("@%s is receiving updates by webhook on port %s", me.username, settings.webhook_port)
            health.ready = True
            await stop.wait()
        else:
            await _at_start(settings, "deleteWebhook", lambda: app.bot.delete_webhook(drop_pending_updates=False), stop)
            log.info("@%s is polling for updates", me.username)
            health.ready = True
            # The worker starts once what Telegram held is stored: an update a crash left unfinished
            # then knows whether its person has acted since (and need not show its step again).
            await Poller(app.bot, app.inbox, app.worker, timeout=settings.polling_timeout).run(
                stop, caught_up=start_worker if role == "all" else None)
    finally:
        health.ready = False
        stop.set()  # no new updates are taken from here on
        await tasks.wait()
        finished = await app.worker.drain(settings.shutdown_timeout)
        if not finished:
            log.warning("stopped with updates still being handled; at the next start each shows its person "
                        "the current step")
        if reached and app.sender is not None and not await app.sender.flush(settings.shutdown_timeout / 2):
            log.warning("stopped with messages still in the outbox; they will be sent at the next start")
        for runner in runners:
            await runner.cleanup()


async def _listen(server: web.Application, host: str, port: int) -> web.AppRunner:
    runner = web.AppRunner(server, access_log=None, **server_limits())  # slow or idle connections are cut off
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    return runner


async def run_bot(settings: Settings, webhook: bool, role: str = "all") -> int:
    if role not in ROLES:
        raise RuntimeError(f"--role {role}: expected one of {', '.join(ROLES)}")
    if role != "all" and not settings.shared_database:
        raise RuntimeError(f"--role {role} needs a database several processes can share (PostgreSQL); "
                           "with SQLite one process does everything (--role all)")
    app = await build_app(settings)
    # Everything loaded so far lives as long as the process: keep it out of the garbage
    # collector's full passes, which otherwise pause the bot for a few hundred milliseconds.
    gc.collect()
    gc.freeze()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    try:
        # SQLite: one process per data folder. PostgreSQL: leases let any number of replicas share the work.
        with single_instance(settings.data_dir / "jol.lock") if app.replica is None else contextlib.nullcontext():
            await _serve(app, webhook, stop, role)
    except PollingStopped as exc:
        log.error("%s", exc)
        return 3
    finally:
        await app.close()
    log.info("stopped")
    return 0
