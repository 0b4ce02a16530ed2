"""How close the outbox sender gets to Telegram's limits, and whether it respects them.

Runs the real OutboxSender (bot/telegram/outbox/sender.py) against the fake Bot API server with Telegram's limits
enforced (1 msg/s per private chat, 20 msg/min per group, 30 msg/s overall), all scaled up by
--scale so the run takes seconds. Two bursts:

* group-bound: many case messages into one counsellors' group, where 20/min is the limit;
* migrant-bound: replies to many migrants at once, where 30/s overall is the limit.

For each it prints the delivered rate, the rate the limits allow, their ratio, and the 429s
the server gave (every one must be waited out: "violations" counts sends before retry_after).

    python bench/outbox.py            # about 20 seconds
    python bench/outbox.py --group-scale 30 --group 300 --migrants 60 --replies 20
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer

from bot.config import Settings
from bot.conversation.runtime import open_runtime
from bot.counselling.cases import CaseRequest
from bot.counselling.service import Counselling
from bot.telegram.keyboards import CaseKeyboards
from bot.telegram.outbox.rate_limits import RateLimiter
from bot.telegram.outbox.sender import OutboxSender
from fakegram import FakeTelegram

TOKEN = "123456:BENCH-outbox-abcdefghijklmnopqrstuvwxyz"
GROUP = -1009876543210


async def drain(sender: OutboxSender, expected: int, timeout: float) -> float:
    """Run the sender until ``expected`` more messages are delivered; seconds taken."""
    target = sender.delivered + expected
    stop = asyncio.Event()
    task = asyncio.create_task(sender.run(stop))
    started = time.perf_counter()
    while sender.delivered < target and time.perf_counter() - started < timeout:
        await asyncio.sleep(0.005)
    elapsed = time.perf_counter() - started
    stop.set()
    await task
    return elapsed


async def main(args: argparse.Namespace) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        async with FakeTelegram(token=TOKEN) as tg:
            tg.supergroup(GROUP, "Counsellors", is_forum=True)
            migrants = [tg.user(8000 + i) for i in range(args.migrants)]
            for person in migrants:
                tg.register_chat(person)
            settings = Settings(database_url=f"sqlite+aiosqlite:///{tmp}/bench.sqlite", data_dir=Path(tmp),
                                _env_file=None)  # type: ignore[call-arg]
            runtime = await open_runtime(settings)
            counselling = Counselling.build(runtime.unit_of_work, runtime.registry, runtime.catalogs, GROUP, "en",
                                            {}, runtime.sealer, keyboards=CaseKeyboards(runtime.catalogs.get("en")))
            limiter = RateLimiter(1e6, 1e6, 1e6)  # set per burst below
            bot = Bot(TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(tg.base_url)))
            sender = OutboxSender(bot, runtime.unit_of_work, counselling.view, limiter, runtime.sealer)
            try:
                case_ids = []
                for i, person in enumerate(migrants):
                    case, _ = await counselling.cases.open_case(f"bench-{i}", person["id"], "en",
                                                                CaseRequest("work_permit", "permit_expired",
                                                                            "permit_expired", "normal", {}))
                    case_ids.append(case.id)
                # Topics and summaries first, without limits, so the bursts below start clean.
                await drain(sender, 2 * len(case_ids), 120)
                results = []

                def limits(scale: float) -> None:
                    tg.set_rate_limits(per_chat_per_sec=1, per_group_per_min=20, global_per_sec=30, scale=scale)
                    sender.limiter = RateLimiter(1.0 * scale, 20.0 * scale, 30.0 * scale)

                limits(args.group_scale)
                tg.reset_counters()

                async with runtime.unit_of_work() as uow:
                    for n in range(args.group):
                        await uow.outbox.put(GROUP, "sendMessage", {"text": f"case message {n}", "thread": True},
                                         case_id=case_ids[n % len(case_ids)])
                seconds = await drain(sender, args.group, 300)
                allowed = 20.0 * args.group_scale / 60
                results.append(("group-bound", args.group, seconds, allowed, args.group_scale))
                limited = tg.rate_limited
                limits(args.scale)

                async with runtime.unit_of_work() as uow:
                    for n in range(args.replies):
                        for case_id, person in zip(case_ids, migrants, strict=True):
                            await uow.outbox.put(person["id"], "sendMessage", {"text": f"reply {n}"}, case_id=case_id)
                total = args.replies * len(migrants)
                seconds = await drain(sender, total, 300)
                allowed = min(30.0 * args.scale, 1.0 * args.scale * len(migrants))
                results.append(("migrant-bound", total, seconds, allowed, args.scale))
                limited += tg.rate_limited
            finally:
                await bot.session.close()
                await runtime.close()

            print("Outbox sender against Telegram's limits, scaled up (fake Bot API on 127.0.0.1)")
            print(f"{'burst':15} {'scale':>5} {'messages':>8} {'seconds':>8} {'delivered/s':>12} {'allowed/s':>10} "
                  f"{'ratio':>6}")
            worst = 1.0
            for name, count, seconds, allowed, scale in results:
                rate = count / seconds
                worst = min(worst, rate / allowed)
                print(f"{name:15} {scale:5g} {count:8d} {seconds:8.2f} {rate:12.1f} {allowed:10.1f} "
                      f"{rate / allowed:6.2f}")
            print(f"429 answers: {limited}, sends before retry_after: {len(tg.retry_after_violations)}, "
                  f"undelivered: {sender.dead}")
            print(f"target >= 0.95 of the allowed rate: {'met' if worst >= 0.95 else 'missed'} (worst {worst:.2f})")
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--group-scale", type=float, default=60.0,
                        help="how many times faster than Telegram's limits, for the group-bound burst")
    parser.add_argument("--scale", type=float, default=2.0,
                        help="the same for the migrant-bound burst (30/s x scale must stay within what one "
                             "process sends locally: about 400/s on two cores)")
    parser.add_argument("--group", type=int, default=200, help="messages in the group-bound burst")
    parser.add_argument("--migrants", type=int, default=40, help="migrants (cases) in the migrant-bound burst")
    parser.add_argument("--replies", type=int, default=8, help="replies per migrant")
    sys.exit(asyncio.run(main(parser.parse_args())))
