"""A burst of reminders due at the same minute (10:00 in Almaty): how long until the last one
arrives, against the time Telegram's limits allow.

Sets ``--count`` reminders (5,000 by default) for different people, all due at 10:00 on one day,
moves the clock there, and runs what the bot runs: the reminder check, which moves due reminders
into the outbox in batches, and the real OutboxSender, against the fake Bot API with Telegram's
limits enforced (30 messages a second overall, 1 a second per chat), scaled up by ``--scale`` so
the run takes seconds. The ideal is count / (30 x scale) seconds; the ratio is ideal / measured.

    python bench/reminders.py               # 5,000 reminders at 4x Telegram's pace, about a minute
    python bench/reminders.py --scale 1     # at Telegram's real pace, about three minutes
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer

from bot.config import Settings
from bot.conversation.reminders import ReminderService
from bot.conversation.runtime import open_runtime
from bot.engine.clock import Clock, zone_for
from bot.telegram.outbox.rate_limits import RateLimiter
from bot.telegram.outbox.sender import OutboxSender
from db.models import Reminder
from db.repositories.reminders import ReminderRepository
from fakegram import FakeTelegram

TOKEN = "123456:BENCH-reminders-abcdefghijklmnopqrstuvwxyz"
DAY = dt.date(2026, 12, 24)
FIRST_CHAT = 600_000_000


class Hands:
    """The benchmark moves the clock's hands."""

    def __init__(self, moment: dt.datetime):
        self.moment = moment


async def main(args: argparse.Namespace) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        async with FakeTelegram(token=TOKEN) as tg:
            for i in range(args.count):
                tg.register_chat(tg.user(FIRST_CHAT + i))
            settings = Settings(database_url=f"sqlite+aiosqlite:///{tmp}/bench.sqlite", data_dir=Path(tmp),
                                _env_file=None)  # type: ignore[call-arg]
            runtime = await open_runtime(settings)
            hands = Hands(dt.datetime(2026, 12, 1, 6, 0, tzinfo=dt.UTC))
            clock = Clock(zone_for("Asia/Almaty"), lambda: hands.moment)
            reminders = ReminderService(runtime.unit_of_work, runtime.catalogs, runtime.sealer, clock)
            due = dt.datetime.combine(DAY, dt.time(10), clock.zone).astimezone(dt.UTC)
            async with runtime.unit_of_work.sessions() as session, session.begin():
                await ReminderRepository(session).add_all([
                    Reminder(user_key=f"bench-{i:05d}", chat_sealed=runtime.sealer.seal(FIRST_CHAT + i),
                             lang=("ru", "uz", "tg", "ky", "kk", "en")[i % 6], kind="permit_end",
                             deadline=DAY + dt.timedelta(days=7), flow="work_permit", due_at=due)
                    for i in range(args.count)])
            tg.set_rate_limits(per_chat_per_sec=1, per_group_per_min=20, global_per_sec=30, scale=args.scale)
            limiter = RateLimiter(1.0 * args.scale, 20.0 * args.scale, 30.0 * args.scale)
            bot = Bot(TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(tg.base_url)))
            sender = OutboxSender(bot, runtime.unit_of_work, None, limiter, runtime.sealer, on_sent=reminders.sent)
            stop = asyncio.Event()
            try:
                hands.moment = due  # 10:00 in Almaty: everything is due at once
                task = asyncio.create_task(sender.run(stop))
                started = time.perf_counter()
                queued = await reminders.queue_due(on_batch=sender.wake)
                queue_seconds = time.perf_counter() - started
                while sender.delivered + sender.dead < queued and time.perf_counter() - started < args.timeout:
                    await asyncio.sleep(0.01)
                seconds = time.perf_counter() - started
                stop.set()
                await task
            finally:
                await bot.session.close()
                await runtime.close()
            arrived = {m["chat"]["id"] for m in tg.sent if str(m.get("text", "")).strip()}
            allowed = 30.0 * args.scale
            ideal = args.count / allowed
            print(f"A burst of {args.count:,} reminders due at 10:00 (Asia/Almaty), limits scaled x{args.scale:g} "
                  f"(fake Bot API on 127.0.0.1)")
            print(f"  queued into the outbox     {queue_seconds:8.2f} s  ({queued:,} reminders, batches of 500)")
            print(f"  last one delivered after   {seconds:8.2f} s  ({sender.delivered:,} delivered, "
                  f"{len(arrived):,} people, {sender.dead} undelivered)")
            print(f"  ideal at {allowed:g} msg/s          {ideal:8.2f} s")
            print(f"  ratio ideal / measured     {ideal / seconds:8.2f}")
            print(f"  429 answers: {tg.rate_limited}, sends before retry_after: {len(tg.retry_after_violations)}")
            at_real_pace = args.count / 30.0
            print(f"  at Telegram's real pace the ideal is {at_real_pace:.0f} s ({at_real_pace / 60:.1f} min); "
                  f"this run's ratio puts the burst at {at_real_pace / (ideal / seconds) / 60:.1f} min")
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=5000, help="reminders due at the same minute")
    parser.add_argument("--scale", type=float, default=4.0,
                        help="how many times faster than Telegram's limits (30/s x scale must stay within what "
                             "one process sends locally: about 400/s on two cores)")
    parser.add_argument("--timeout", type=float, default=900.0)
    sys.exit(asyncio.run(main(parser.parse_args())))
