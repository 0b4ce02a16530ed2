"""The state reads and writes of one update: ORM objects against the Core statements now used.

Run from the project root::

    python bench/state_io.py [--updates 3000]

Each update of a migrant reads aiogram's FSM row and the conversation, then writes the
conversation (and often the FSM data). Both ways run here in the same process, on the same
SQLite file, in the same units of work, one after the other, three rounds each:

* ``orm``: ``session.get`` of the ORM objects, attributes set on them, flushed at commit
  (what ``db/repositories/conversations.py`` did until 2026-12-02);
* ``core``: the repositories as they are (statements built once, one upsert per write).

It prints the CPU time per update of each (best round) and their ratio.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from db.migrate import upgrade
from db.models import Conversation, FsmRecord, utcnow
from db.unit_of_work import UnitOfWork, UnitsOfWork

STATE = '{"v": 1, "flow": "work_permit", "node": "permit_end", "answers": {"citizenship": "uz"}}'
PEOPLE = 200


async def orm_update(uow: UnitOfWork, key: str, n: int) -> None:
    session = uow.session
    fsm = await session.get(FsmRecord, f"fsm-{key}")
    conversation = await session.get(Conversation, key)
    assert conversation is not None and fsm is not None
    conversation.state, conversation.updated_at, conversation.last_update = STATE, utcnow(), n
    fsm.data, fsm.updated_at = '{"stored_language": "uz"}', utcnow()


async def core_update(uow: UnitOfWork, key: str, n: int) -> None:
    fsm = await uow.fsm.get(f"fsm-{key}")
    conversation = await uow.conversations.get(key)
    assert conversation is not None and fsm is not None
    await uow.conversations.put(key, STATE, conversation.lang, update_id=n)
    await uow.fsm.set_data(f"fsm-{key}", '{"stored_language": "uz"}')


async def run(updates: int) -> None:
    from db.connection import make_db_engine

    folder = Path(tempfile.mkdtemp(prefix="jol-state-io-"))
    db_engine = make_db_engine(f"sqlite+aiosqlite:///{folder}/state.sqlite")
    await upgrade(db_engine)
    units = UnitsOfWork.over(db_engine)
    async with units() as uow:
        for i in range(PEOPLE):
            await uow.conversations.put(f"k{i}", STATE, "uz")
            await uow.fsm.set_data(f"fsm-k{i}", "{}")
    best: dict[str, float] = {}
    for _round in range(3):
        for name, step in (("orm", orm_update), ("core", core_update)):
            started = time.process_time()
            for n in range(updates):
                async with units() as uow:
                    await step(uow, f"k{n % PEOPLE}", n)
            per_update = (time.process_time() - started) / updates * 1000
            best[name] = min(best.get(name, per_update), per_update)
    await db_engine.dispose()
    print(f"state reads and writes of one update, SQLite, best of 3 rounds of {updates:,} updates")
    print(f"  ORM objects (before)     {best['orm']:.3f} ms CPU")
    print(f"  Core statements (now)    {best['core']:.3f} ms CPU")
    print(f"  ratio now / before       {best['core'] / best['orm']:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=int, default=3000)
    asyncio.run(run(parser.parse_args().updates))


if __name__ == "__main__":
    main()
