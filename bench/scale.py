"""Updates handled per second by 1, 2 and 3 worker processes sharing one PostgreSQL database.

The set-up of a scaled-out bot (deploy/README.md): updates are already stored in the inbox (as a
poller or the webhook replicas store them), and N processes of ``python -m bot run --role worker``
handle them, each holding leases on the people it works for. Every update is a ``/start`` from one
of ``--people`` people (a conversation each, with a reply each), sent to a local fake Bot API.

For each N the table gives the updates handled per second (from the first to the last one done)
and the ratio to one process, measured in the same run. Nothing is timed inside the workers: the
parent watches the inbox in PostgreSQL.

    python bench/scale.py                   # 1, 2, 3 workers, 1,500 updates each
    python bench/scale.py --updates 3000 --workers 1 2 4

Needs PostgreSQL (JOL_TEST_PG, default postgres@127.0.0.1:5432/test); each run uses a fresh
database that is dropped afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fakegram import FakeTelegram  # noqa: E402

TOKEN = "123456:BENCH-scale-abcdefghijklmnopqrstuvwxyz"
SECRET = "bench-scale-secret-for-every-replica"
PG = os.environ.get("JOL_TEST_PG", "postgres@127.0.0.1:5432/test")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def fresh_database() -> tuple[str, str]:
    import asyncpg

    admin = await asyncpg.connect(f"postgresql://{PG}")
    name = f"jol_scale_{uuid.uuid4().hex[:8]}"
    await admin.execute(f'CREATE DATABASE "{name}"')
    await admin.close()
    return name, f"postgresql+asyncpg://{PG.rsplit('/', 1)[0]}/{name}"


async def drop_database(name: str) -> None:
    import asyncpg

    admin = await asyncpg.connect(f"postgresql://{PG}")
    await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    await admin.close()


async def ready(ports: list[int], seconds: float = 180) -> None:
    import aiohttp

    deadline = time.monotonic() + seconds
    async with aiohttp.ClientSession() as http:
        for port in ports:
            while True:
                try:
                    async with http.get(f"http://127.0.0.1:{port}/readyz") as resp:
                        if resp.status == 200:
                            break
                except aiohttp.ClientError:
                    pass
                if time.monotonic() > deadline:
                    raise SystemExit(f"a worker did not get ready within {seconds:.0f} s")
                await asyncio.sleep(0.2)


async def measure(workers: int, updates: int, people: int) -> float:
    from bot.privacy.pseudonyms import Pseudonymizer
    from bot.telegram.intake.inbox import Inbox
    from db.connection import make_db_engine
    from db.migrate import upgrade
    from db.unit_of_work import UnitsOfWork

    name, url = await fresh_database()
    db_engine = make_db_engine(url)
    procs: list[subprocess.Popen[bytes]] = []
    try:
        await upgrade(db_engine)
        async with FakeTelegram(token=TOKEN) as tg:
            users = [tg.user(9_000_000 + i, language_code="en") for i in range(people)]
            ports = [free_port() for _ in range(workers)]
            with tempfile.TemporaryDirectory() as tmp:
                for i, port in enumerate(ports):
                    env = dict(os.environ, BOT_TOKEN=TOKEN, BOT_API_URL=tg.base_url, DATABASE_URL=url,
                               PSEUDONYM_SECRET=SECRET, CHAT_KEY="5e" * 32, DATA_DIR=f"{tmp}/w{i}",
                               HEALTH_PORT=str(port), LOG_LEVEL="WARNING",
                               # the fake enforces no sending limits here: the workers' pacing is lifted
                               RATE_PRIVATE_PER_SECOND="1000000", RATE_GROUP_PER_MINUTE="1000000",
                               RATE_GLOBAL_PER_SECOND="1000000")
                    procs.append(subprocess.Popen([sys.executable, "-m", "bot", "run", "--role", "worker"],
                                                  cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                                                  stderr=subprocess.DEVNULL))
                await ready(ports)
                inbox = Inbox(UnitsOfWork.over(db_engine), Pseudonymizer(SECRET.encode()))
                batch = [tg.push_message(users[i % people], "/start") for i in range(updates)]
                started = time.monotonic()
                await inbox.store(batch)  # as the poller or the webhook replicas would have stored them
                from sqlalchemy import text

                waiting = text("select count(*) from inbox where status not in ('done', 'failed', 'unsent')")
                while True:
                    async with db_engine.connect() as conn:
                        left = (await conn.execute(waiting)).scalar_one()
                    if left == 0:
                        break
                    if time.monotonic() - started > 600:
                        raise SystemExit(f"{left} updates still waiting after 10 minutes")
                    await asyncio.sleep(0.05)
                return updates / (time.monotonic() - started)
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
        await db_engine.dispose()
        await drop_database(name)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--updates", type=int, default=1500)
    parser.add_argument("--people", type=int, default=500)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 3])
    args = parser.parse_args()
    print(f"Jol on PostgreSQL: {args.updates} stored updates from {args.people} people, handled by N "
          f"'--role worker' processes ({os.cpu_count()} cores)\n")
    print(f"{'workers':>8} {'updates/s':>10} {'ratio to 1':>11}")
    base = None
    for n in args.workers:
        rate = await measure(n, args.updates, args.people)
        base = base or rate
        print(f"{n:>8} {rate:>10.1f} {rate / base:>10.2f}x", flush=True)


if __name__ == "__main__":
    asyncio.run(main())
