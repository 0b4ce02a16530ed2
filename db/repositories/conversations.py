"""Repositories: reads and writes inside a session the caller owns. They never commit."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, delete, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Conversation, FsmRecord, InboxUpdate, utcnow
from db.statuses import InboxStatus


def _insert_ignoring_duplicates(session: AsyncSession, table: Any) -> Any:
    dialect = session.get_bind().dialect.name
    module = postgresql if dialect == "postgresql" else sqlite
    return module.insert(table)


# The state of a conversation and of aiogram's FSM is read and written on every update. Those
# statements are built once, as SQLAlchemy Core, and each write is one upsert: ORM objects
# (``session.get``, the identity map, the flush) cost about a third of the database's CPU per
# update for four one-row statements (bench/state_io.py compares the two).
CONVERSATIONS = Conversation.__table__
FSM = FsmRecord.__table__
GET_CONVERSATION = select(CONVERSATIONS).where(CONVERSATIONS.c.key == bindparam("key"))
GET_FSM = select(FSM.c.state, FSM.c.data).where(FSM.c.key == bindparam("key"))


@dataclass(frozen=True, slots=True)
class ConversationRecord:
    key: str
    state: str
    lang: str
    updated_at: dt.datetime
    last_update: int | None
    counted: bool
    campaign: str | None


@dataclass(frozen=True, slots=True)
class FsmState:
    state: str | None
    data: str


def _upsert(session: AsyncSession, table: Any, keep: Collection[str], values: dict[str, Any]) -> Any:
    """INSERT ``values``, or on a key already there UPDATE the columns given but those in ``keep``:
    the statement, built once for each shape, with the values to execute it with."""
    return _upsert_statement(session.get_bind().dialect.name, table, tuple(values), tuple(keep))


@functools.cache
def _upsert_statement(dialect: str, table: Any, columns: tuple[str, ...], keep: tuple[str, ...]) -> Any:
    module = postgresql if dialect == "postgresql" else sqlite
    stmt = module.insert(table).values({c: bindparam(c, type_=table.c[c].type) for c in columns})
    return stmt.on_conflict_do_update(index_elements=["key"],
                                      set_={c: stmt.excluded[c] for c in columns if c != "key" and c not in keep})


# Inbox statuses: pending -> applied (the state changed, the reply not yet confirmed) -> done.
# An update given up is "failed" (never applied) or "unsent" (applied, its reply never confirmed).
PENDING, APPLIED, DONE = InboxStatus.PENDING, InboxStatus.APPLIED, InboxStatus.DONE
FAILED, UNSENT = InboxStatus.FAILED, InboxStatus.UNSENT
UNFINISHED = (PENDING, APPLIED)
GIVEN_UP = (FAILED, UNSENT)


class ConversationRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def get(self, key: str) -> ConversationRecord | None:
        row = (await self.session.execute(GET_CONVERSATION, {"key": key})).first()
        return ConversationRecord(**row._mapping) if row is not None else None

    async def counted_among(self, keys: list[str]) -> set[str]:
        """Which of ``keys`` have a conversation and agreed to be counted in statistics."""
        if not keys:
            return set()
        rows = await self.session.execute(select(Conversation.key).where(
            Conversation.key.in_(keys), Conversation.counted.is_(True)))
        return set(rows.scalars())

    async def put(self, key: str, state: str, lang: str, *, update_id: int | None = None,
                  counted: bool | None = None, campaign: str | None = None, now: dt.datetime | None = None) -> None:
        """Write the conversation's state and language; ``update_id``, ``counted`` and ``campaign``
        change only when given (a new conversation is counted unless told otherwise)."""
        values: dict[str, Any] = {"key": key, "state": state, "lang": lang, "updated_at": now or utcnow(),
                                  "last_update": update_id, "counted": True if counted is None else counted,
                                  "campaign": campaign}
        keep = [name for name, given in (("last_update", update_id), ("counted", counted), ("campaign", campaign))
                if given is None]
        await self.session.execute(_upsert(self.session, CONVERSATIONS, keep, values), values)

    async def delete(self, key: str) -> None:
        await self.session.execute(delete(Conversation).where(Conversation.key == key))

    async def delete_idle(self, before: dt.datetime) -> int:
        result = await self.session.execute(delete(Conversation).where(Conversation.updated_at < before))
        return int(getattr(result, "rowcount", 0) or 0)

    async def count(self) -> int:
        return int((await self.session.execute(select(func.count()).select_from(Conversation))).scalar_one())


class InboxRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def add_many(self, rows: Sequence[tuple[int, str, str]]) -> int:
        """Store (update_id, key, payload) rows; ones already stored are ignored. Returns the new count."""
        return len(await self.add_new(rows))

    async def add_new(self, rows: Sequence[tuple[int, str, str]], attempts: int = 0) -> list[int]:
        """Store (update_id, key, payload) rows, ignoring the ones already stored; returns the
        update ids that were new. ``attempts`` counts a first attempt already begun."""
        if not rows:
            return []
        stmt = _insert_ignoring_duplicates(self.session, InboxUpdate).values(
            [{"update_id": u, "key": k, "payload": p, "status": PENDING, "attempts": attempts,
              "received_at": utcnow()}
             for u, k, p in rows]
        ).on_conflict_do_nothing(index_elements=["update_id"]).returning(InboxUpdate.update_id)
        return [int(row[0]) for row in (await self.session.execute(stmt)).all()]

    async def pending(self, limit: int = 500) -> list[InboxUpdate]:
        """Updates not finished yet, in the order they arrived (not by id: ids can start again, and
        webhook deliveries can come out of order)."""
        rows = await self.session.execute(
            select(InboxUpdate).where(InboxUpdate.status.in_(UNFINISHED))
            .order_by(InboxUpdate.received_at, InboxUpdate.update_id).limit(limit)
        )
        return list(rows.scalars())

    async def pending_keys(self, limit: int = 500) -> list[str]:
        """The people (pseudonyms) with updates not finished yet."""
        rows = await self.session.execute(
            select(InboxUpdate.key).where(InboxUpdate.status.in_(UNFINISHED)).group_by(InboxUpdate.key)
            .order_by(func.min(InboxUpdate.received_at)).limit(limit))
        return [row[0] for row in rows.all()]

    async def pending_of(self, keys: Collection[str], limit: int = 500) -> list[InboxUpdate]:
        """Unfinished updates of these people only, in the order they arrived."""
        if not keys:
            return []
        rows = await self.session.execute(
            select(InboxUpdate).where(InboxUpdate.status.in_(UNFINISHED), InboxUpdate.key.in_(list(keys)))
            .order_by(InboxUpdate.received_at, InboxUpdate.update_id).limit(limit))
        return list(rows.scalars())

    async def claim(self, update_id: int) -> bool:
        """Mark an update as applied, in the transaction that applies it.

        False when its row says it was applied before (a crash came between the commit and the
        reply): the caller changes nothing and shows where the conversation is. An update that
        is not in the inbox (the console, a test) is always applied.
        """
        result = await self.session.execute(update(InboxUpdate).where(
            InboxUpdate.update_id == update_id, InboxUpdate.status == PENDING).values(status=APPLIED))
        if getattr(result, "rowcount", 0):
            return True
        status = await self.session.scalar(select(InboxUpdate.status).where(InboxUpdate.update_id == update_id))
        return status is None

    async def failed(self, limit: int = 1000) -> list[InboxUpdate]:
        rows = await self.session.execute(
            select(InboxUpdate).where(InboxUpdate.status.in_(GIVEN_UP))
            .order_by(InboxUpdate.received_at, InboxUpdate.update_id).limit(limit))
        return list(rows.scalars())

    async def failed_count(self) -> int:
        return int(await self.session.scalar(
            select(func.count()).select_from(InboxUpdate).where(InboxUpdate.status.in_(GIVEN_UP))) or 0)

    async def replay(self, update_ids: Sequence[int] | None = None) -> int:
        """Put given-up updates back in line: one never applied is handled again, one applied
        whose reply was lost shows the person's current step."""
        count = 0
        for old, new in ((FAILED, PENDING), (UNSENT, APPLIED)):
            stmt = update(InboxUpdate).where(InboxUpdate.status == old, InboxUpdate.payload.is_not(None))
            if update_ids is not None:
                stmt = stmt.where(InboxUpdate.update_id.in_(list(update_ids)))
            result = await self.session.execute(stmt.values(status=new, attempts=0, received_at=utcnow()))
            count += int(getattr(result, "rowcount", 0) or 0)
        return count

    async def erase_payloads(self, key: str, update_id: int | None = None) -> None:
        """The person's handled updates (and ``update_id``) lose what is left of their content."""
        handled = InboxUpdate.status.not_in(UNFINISHED)
        mine = handled if update_id is None else or_(handled, InboxUpdate.update_id == update_id)
        await self.session.execute(update(InboxUpdate).where(InboxUpdate.key == key, mine,
                                                             InboxUpdate.payload.is_not(None)).values(payload=None))

    async def max_update_id(self) -> int | None:
        return (await self.session.execute(select(func.max(InboxUpdate.update_id)))).scalar_one_or_none()

    async def start_attempt(self, update_id: int) -> int:
        row = await self.session.get(InboxUpdate, update_id)
        if row is None:
            return 0
        row.attempts += 1
        return row.attempts

    async def start_attempts(self, update_ids: Sequence[int]) -> dict[int, int]:
        """Count an attempt for each update; returns the new attempt numbers."""
        if not update_ids:
            return {}
        await self.session.execute(update(InboxUpdate).where(InboxUpdate.update_id.in_(list(update_ids)))
                                   .values(attempts=InboxUpdate.attempts + 1))
        rows = await self.session.execute(select(InboxUpdate.update_id, InboxUpdate.attempts)
                                          .where(InboxUpdate.update_id.in_(list(update_ids))))
        return {int(u): int(a) for u, a in rows.all()}

    async def finish(self, update_id: int, status: str = DONE) -> None:
        await self.finish_many([update_id], status)

    async def finish_many(self, update_ids: Sequence[int], status: str = DONE) -> None:
        """Done: the payload is erased. Given up: the payload is kept for ``inbox failed --replay``
        (and erased with the row by the retention purge)."""
        if not update_ids:
            return
        ids = list(update_ids)
        if status == DONE:
            await self.session.execute(update(InboxUpdate).where(InboxUpdate.update_id.in_(ids))
                                       .values(status=DONE, payload=None))
            return
        # a given-up update that had been applied is "unsent": replaying it must not apply it twice
        await self.session.execute(update(InboxUpdate).where(InboxUpdate.update_id.in_(ids),
                                                             InboxUpdate.status == APPLIED).values(status=UNSENT))
        await self.session.execute(update(InboxUpdate).where(InboxUpdate.update_id.in_(ids),
                                                             InboxUpdate.status.in_(UNFINISHED)).values(status=status))

    async def status(self, update_id: int) -> str | None:
        row = await self.session.get(InboxUpdate, update_id)
        return row.status if row else None

    async def purge_handled(self, before: dt.datetime) -> int:
        result = await self.session.execute(
            delete(InboxUpdate).where(InboxUpdate.status.not_in(UNFINISHED), InboxUpdate.received_at < before)
        )
        return int(getattr(result, "rowcount", 0) or 0)


class FsmRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def get(self, key: str) -> FsmState | None:
        row = (await self.session.execute(GET_FSM, {"key": key})).first()
        return FsmState(row.state, row.data) if row is not None else None

    async def set_state(self, key: str, state: str | None) -> None:
        values = {"key": key, "state": state, "data": "{}", "updated_at": utcnow()}
        await self.session.execute(_upsert(self.session, FSM, ["data"], values), values)

    async def set_data(self, key: str, data: str) -> None:
        values = {"key": key, "state": None, "data": data, "updated_at": utcnow()}
        await self.session.execute(_upsert(self.session, FSM, ["state"], values), values)

    async def delete(self, key: str) -> None:
        await self.session.execute(delete(FsmRecord).where(FsmRecord.key == key))

    async def delete_idle(self, before: dt.datetime) -> int:
        result = await self.session.execute(delete(FsmRecord).where(FsmRecord.updated_at < before))
        return int(getattr(result, "rowcount", 0) or 0)
