"""The remaining crash window: SIGKILL the real bot while 50 people send 200 updates, restart it,
and count replies that never came (and steps shown twice).

Run from the project root::

    python bench/crash_window.py [--runs 3] [--users 50]

Each person walks /start, a language, the privacy notice and "No" on the safety question (four
updates, each sent after the previous reply arrived, as people do). Once a random share of the
replies has arrived, the bot is killed with SIGKILL and started again. A reply is lost when the
person's next screen never comes; a step is shown twice when the bot showed it again after the
restart (the price of never losing one).

``--stop term --slow 3``: SIGTERM instead of SIGKILL while Telegram takes 3 s to answer each
message sent or edited, so that the shutdown timeout (5 s here) cuts updates off mid-reply.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fakegram import FakeTelegram
from tests.e2e.harness import TOKEN, BotProcess, Person

STEPS = (("/start", "Choose your language"), ("English", "never asks your name"),
         ("OK, continue", "Are you in danger now"), ("No", "Who is asking?"))


SLOW_METHODS = ("sendMessage", "editMessageText", "editMessageReplyMarkup", "answerCallbackQuery")


async def one_run(users: int, seed: int, verbose: bool = False, stop: str = "kill",
                  slow: float = 0.0) -> tuple[int, int, int]:
    rng = random.Random(seed)
    async with FakeTelegram(token=TOKEN) as tg:
        workdir = Path(tempfile.mkdtemp(prefix="jol-crash-"))
        print(f"  run {seed} in {workdir}", flush=True)
        bot = BotProcess(tg.base_url, workdir, SHUTDOWN_TIMEOUT="5")
        bot.start()
        replies = 0
        lost = 0
        kill_after = rng.randint(users, users * 3)

        async def person(uid: int) -> None:
            nonlocal replies, lost
            p = Person(tg, user_id=uid)
            await asyncio.sleep(rng.random() * 2)
            for action, expected in STEPS:
                if action.startswith("/"):
                    p.send(action)
                else:
                    p.press(action)
                try:
                    await p.expect(expected, timeout=600)
                except AssertionError:
                    lost += 1
                    if verbose:
                        print(f"    user {uid}: no {expected!r} after {action!r}; screen: {p.screen()[:60]!r}")
                    return
                replies += 1

        walkers = [asyncio.create_task(person(9000 + i)) for i in range(users)]
        while replies < kill_after and not all(w.done() for w in walkers):
            await asyncio.sleep(0.01)
        killed_at = replies
        if stop == "kill":
            bot.kill()
        else:
            for method in SLOW_METHODS if slow else ():
                tg.fail_next(method, delay=slow, count=10_000)  # Telegram slow from here on
            await asyncio.sleep(slow / 2)  # replies are on their way when the signal comes
            code = await bot.stop(120)
            tg._faults.clear()  # Telegram is quick again for the next start
            if code != 0:
                print(f"  the bot exited with {code} on SIGTERM", flush=True)
        bot.start()
        await asyncio.gather(*walkers)
        await bot.stop(60)
        twice = sum(max(0, sum(expected in t for t in tg.texts(9000 + i)) - 1)
                    for i in range(users) for _, expected in STEPS[1:])
        how = "killed" if stop == "kill" else "stopped"
        print(f"  run {seed}: {how} after {killed_at} replies; {replies} of {users * len(STEPS)} replies arrived, "
              f"{lost} lost, {twice} steps shown twice", flush=True)
        return replies, lost, twice


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--verbose", action="store_true", help="say which step each lost reply was")
    parser.add_argument("--stop", choices=("kill", "term"), default="kill", help="SIGKILL (default) or SIGTERM")
    parser.add_argument("--slow", type=float, default=0.0,
                        help="with --stop term: seconds Telegram takes to answer each message from the stop on")
    args = parser.parse_args()
    began = time.monotonic()
    results = [asyncio.run(one_run(args.users, seed, args.verbose, args.stop, args.slow))
               for seed in range(1, args.runs + 1)]
    total_lost = sum(r[1] for r in results)
    total_twice = sum(r[2] for r in results)
    signal = "SIGKILL" if args.stop == "kill" else f"SIGTERM (Telegram {args.slow:g} s slow)"
    print(f"{args.runs} runs, {args.users * len(STEPS)} updates each, one {signal} per run: {total_lost} replies "
          f"lost, {total_twice} steps shown twice ({time.monotonic() - began:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
