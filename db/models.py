"""Tables. Nothing here holds a Telegram id: people are known by keyed pseudonyms."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Boolean, Date, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base
from db.types import UTCDateTime


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Conversation(Base):
    """Where one migrant is in the flows (engine state as JSON), their language and choices."""

    __tablename__ = "conversations"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    state: Mapped[str] = mapped_column(Text)
    lang: Mapped[str] = mapped_column(String(16))
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    # The last Telegram update that changed this conversation: a redelivered one changes nothing.
    last_update: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    # False when the migrant chose not to be counted in statistics (privacy notice).
    counted: Mapped[bool] = mapped_column(Boolean, default=True)
    # The QR-poster code from /start CODE (a place, not a person), for the statistics.
    campaign: Mapped[str | None] = mapped_column(String(32), nullable=True)


class InboxUpdate(Base):
    """A Telegram update, stored before it is confirmed to Telegram and handled from here.

    The payload (which may hold a message's text) is erased once the update is handled; the row
    stays a while longer so that a redelivered update is recognised and ignored.
    """

    __tablename__ = "inbox"

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    key: Mapped[str] = mapped_column(String(64), index=True)
    payload: Mapped[str | None] = mapped_column(Text, nullable=True)
    status: Mapped[str] = mapped_column(String(8), default="pending", index=True)  # pending | done | failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class FsmRecord(Base):
    """aiogram's finite-state-machine storage (the Telegram side's own small state)."""

    __tablename__ = "fsm"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    state: Mapped[str | None] = mapped_column(String(128), nullable=True)
    data: Mapped[str] = mapped_column(Text, default="{}")
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class Case(Base):
    """A conversation handed to a counsellor. ``chat_sealed`` (the migrant's chat id, sealed with
    the chat key outside the database) is the one personal field: it is what the relay needs, and
    it is erased by /forget and by the retention purge. Timings stay, without content, for the
    statistics."""

    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    user_key: Mapped[str | None] = mapped_column(String(64), index=True, nullable=True)
    chat_sealed: Mapped[str | None] = mapped_column(String(96), nullable=True)
    lang: Mapped[str] = mapped_column(String(16))
    flow: Mapped[str] = mapped_column(String(32))
    node: Mapped[str] = mapped_column(String(32))
    category: Mapped[str] = mapped_column(String(32))
    urgency: Mapped[str] = mapped_column(String(8), default="normal")
    summary: Mapped[str | None] = mapped_column(Text, nullable=True)  # closed codes only, no free text
    status: Mapped[str] = mapped_column(String(8), default="open", index=True)  # open | claimed | closed
    forum_topic_id: Mapped[int | None] = mapped_column("topic_id", Integer, nullable=True, index=True)
    counsellor_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    counsellor_name: Mapped[str | None] = mapped_column(String(64), nullable=True)
    unreachable: Mapped[bool] = mapped_column(Boolean, default=False)
    rating: Mapped[int | None] = mapped_column(Integer, nullable=True)
    opened_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    first_response_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True, index=True)
    reminded_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)


class CaseMessage(Base):
    """One relayed message: where it came from and where its copy is (for replies, edits, /forget)."""

    __tablename__ = "case_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(Integer, index=True)
    direction: Mapped[str] = mapped_column(String(4))  # "in" (migrant -> group) | "out"
    src_chat: Mapped[int] = mapped_column(BigInteger)
    src_message: Mapped[int] = mapped_column(Integer)
    dst_chat: Mapped[int] = mapped_column(BigInteger)
    dst_message: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class OutboxMessage(Base):
    """A Telegram call that must happen: written with the change that needs it, sent by the sender.

    A message to a migrant carries their chat id sealed (``chat_sealed``); its ``chat_id`` is then
    a lane number taken from their pseudonym, which keeps their messages in order and paced.
    """

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    chat_sealed: Mapped[str | None] = mapped_column(String(96), nullable=True)
    method: Mapped[str] = mapped_column(String(32))
    payload: Mapped[str] = mapped_column(Text, default="{}")
    link_id: Mapped[int | None] = mapped_column(Integer, nullable=True)  # case_messages.id to complete
    status: Mapped[str] = mapped_column(String(8), default="pending", index=True)  # pending | sent | dead
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    not_before: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    error: Mapped[str | None] = mapped_column(String(200), nullable=True)


class CaseEvent(Base):
    """Content-free audit trail of a case: what happened and when, never what was said."""

    __tablename__ = "case_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(Integer, index=True)
    event: Mapped[str] = mapped_column(String(32))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class EnquiryFact(Base):
    """One anonymous fact about an enquiry: a topic opened, an answer reached, a handoff.

    Only closed codes and the day: no person key, no Telegram id, no free text, no typed date or
    amount. A person who asked not to be counted adds a row with ``kind='uncounted'`` and the day,
    nothing else.
    """

    __tablename__ = "enquiry_facts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    day: Mapped[dt.date] = mapped_column(Date, index=True)
    kind: Mapped[str] = mapped_column(String(10))  # started | outcome | handoff | case | uncounted
    flow: Mapped[str | None] = mapped_column(String(32), nullable=True)
    node: Mapped[str | None] = mapped_column(String(32), nullable=True)
    urgency: Mapped[str | None] = mapped_column(String(8), nullable=True)
    lang: Mapped[str | None] = mapped_column(String(16), nullable=True)
    campaign: Mapped[str | None] = mapped_column(String(32), nullable=True)


class FactCategory(Base):
    """An answer category of a fact, from a flow's ``stats`` list (e.g. citizenship=uz)."""

    __tablename__ = "fact_categories"

    fact_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[str] = mapped_column(String(32))


class Lease(Base):
    """Which replica works for a person (or an outbox lane) until when.

    Used only when several replicas share one database (PostgreSQL): a replica handles a person's
    updates only while it holds that person's lease, so their updates are handled one at a time,
    in order, by one replica. A replica that dies stops renewing; its leases expire and another
    replica takes over. The key is a pseudonym or an outbox lane, never a Telegram id.
    """

    __tablename__ = "leases"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    holder: Mapped[str] = mapped_column(String(64))
    until: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)


class Tick(Base):
    """One run of a scheduled job (a purge, the case reminders): the replica that inserts the row runs it."""

    __tablename__ = "ticks"

    job: Mapped[str] = mapped_column(String(32), primary_key=True)
    tick: Mapped[str] = mapped_column(String(32), primary_key=True)
    holder: Mapped[str] = mapped_column(String(64))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Reminder(Base):
    """One reminder before a deadline: when it is due, what ends and when, how to reach the person.

    Kept: the person's pseudonym (for /reminders, /forget and lookups), their chat id sealed, their
    language, the kind of deadline and its date, and the topic to offer again. No free text.
    The row is deleted when the reminder is sent, cancelled, or its date has passed.
    """

    __tablename__ = "reminders"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_key: Mapped[str] = mapped_column(String(64), index=True)
    chat_sealed: Mapped[str] = mapped_column(String(96))
    lang: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(16))  # stay_end | registration | permit_end | permit_payment
    deadline: Mapped[dt.date] = mapped_column(Date)
    flow: Mapped[str] = mapped_column(String(32))
    due_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), index=True)  # UTC instant
    # A process taking the reminder marks it with its own token in a conditional UPDATE, so two
    # processes never both take one; the row is deleted in the same transaction.
    claimed_by: Mapped[str | None] = mapped_column(String(32), nullable=True)
