"""Leases (who works for a person or an outbox lane, until when) and ticks of scheduled jobs.

Only replicas sharing a PostgreSQL database use these; a single process on SQLite needs neither.
Reads and writes only; the caller's unit of work commits.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from sqlalchemy import delete, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Lease, Tick


class LeaseRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def acquire(self, keys: Collection[str], holder: str, until: dt.datetime, now: dt.datetime) -> set[str]:
        """Take the leases on ``keys`` that are free, expired or already ours; return the ones we hold."""
        if not keys:
            return set()
        values = pg_insert(Lease).values([{"key": k, "holder": holder, "until": until} for k in sorted(keys)])
        stmt = values.on_conflict_do_update(
            index_elements=["key"], set_={"holder": holder, "until": until},
            where=(Lease.holder == holder) | (Lease.until < now),
        ).returning(Lease.key)
        return {row[0] for row in (await self.session.execute(stmt)).all()}

    async def holders(self, keys: Collection[str], now: dt.datetime) -> dict[str, str]:
        """Who holds an unexpired lease on each of ``keys`` (keys nobody holds are left out)."""
        if not keys:
            return {}
        rows = await self.session.execute(select(Lease.key, Lease.holder).where(
            Lease.key.in_(list(keys)), Lease.until >= now))
        return {key: holder for key, holder in rows.all()}

    async def renew(self, keys: Collection[str], holder: str, until: dt.datetime) -> None:
        if keys:
            await self.session.execute(update(Lease).where(Lease.key.in_(list(keys)), Lease.holder == holder)
                                       .values(until=until))

    async def release(self, keys: Collection[str], holder: str) -> None:
        if keys:
            await self.session.execute(delete(Lease).where(Lease.key.in_(list(keys)), Lease.holder == holder))

    async def purge_expired(self, now: dt.datetime) -> None:
        await self.session.execute(delete(Lease).where(Lease.until < now))


class TickRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def take(self, job: str, tick: str, holder: str) -> bool:
        """True for the one replica that claims this run of ``job``; False for every other."""
        stmt = pg_insert(Tick).values(job=job, tick=tick, holder=holder).on_conflict_do_nothing(
            index_elements=["job", "tick"]).returning(Tick.job)
        return (await self.session.execute(stmt)).first() is not None

    async def forget_before(self, job: str, tick: str) -> None:
        await self.session.execute(delete(Tick).where(Tick.job == job, Tick.tick < tick))
