"""One unit of work: a transaction over the repositories, committed in one place.

Each use case opens one::

    async with self.unit_of_work() as uow:
        case = await uow.cases.open_for(key)
        await uow.outbox.put(...)

On a clean exit the transaction is committed; on an exception it is rolled back. Nothing else
commits. After a commit that wrote to the outbox, the unit of work calls the outbox listeners
(the sender's ``wake``), so no use case has to remember to wake the sender.
"""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from db.connection import checkpoint, make_sessionmaker
from db.repositories.cases import CaseRepository
from db.repositories.conversations import ConversationRepository, FsmRepository, InboxRepository
from db.repositories.leases import LeaseRepository, TickRepository
from db.repositories.outbox import OutboxRepository
from db.repositories.reminders import ReminderRepository
from db.repositories.stats import StatsRepository


class UnitOfWork:
    session: AsyncSession
    conversations: ConversationRepository
    inbox: InboxRepository
    fsm: FsmRepository
    cases: CaseRepository
    outbox: OutboxRepository
    stats: StatsRepository
    leases: LeaseRepository
    ticks: TickRepository
    reminders: ReminderRepository

    def __init__(self, sessions: async_sessionmaker[AsyncSession], outbox_listeners: list[Callable[[], None]]):
        self._sessions = sessions
        self._outbox_listeners = outbox_listeners

    async def __aenter__(self) -> UnitOfWork:
        self.session = session = self._sessions()
        self.conversations = ConversationRepository(session)
        self.inbox = InboxRepository(session)
        self.fsm = FsmRepository(session)
        self.cases = CaseRepository(session)
        self.outbox = OutboxRepository(session)
        self.stats = StatsRepository(session)
        self.leases = LeaseRepository(session)
        self.ticks = TickRepository(session)
        self.reminders = ReminderRepository(session)
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        try:
            if exc_type is None:
                await self.session.commit()
            else:
                await self.session.rollback()
        finally:
            await self.session.close()
        if exc_type is None and self.outbox.added:
            for listener in self._outbox_listeners:
                listener()


class UnitsOfWork:
    """Makes a fresh unit of work per use case (one object each, so concurrent use cases never share)."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]):
        self.sessions = sessions
        self._outbox_listeners: list[Callable[[], None]] = []

    @classmethod
    def over(cls, db_engine: AsyncEngine) -> UnitsOfWork:
        return cls(make_sessionmaker(db_engine))

    def __call__(self) -> UnitOfWork:
        return UnitOfWork(self.sessions, self._outbox_listeners)

    async def settle_erasure(self) -> None:
        """Make an erasure final on disk (SQLite: checkpoint and truncate the write-ahead log)."""
        await checkpoint(self.sessions.kw["bind"])

    def on_outbox_written(self, listener: Callable[[], None]) -> None:
        """Call ``listener`` after every commit that added a message to the outbox."""
        self._outbox_listeners.append(listener)
