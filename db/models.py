"""Tables. Nothing here holds a Telegram id: people are known by keyed pseudonyms."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Boolean, DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Conversation(Base):
    """Where one migrant is in the flows (engine state as JSON), their language and choices."""

    __tablename__ = "conversations"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    state: Mapped[str] = mapped_column(Text)
    lang: Mapped[str] = mapped_column(String(16))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    # The last Telegram update that changed this conversation: a redelivered one changes nothing.
    last_update: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    # False when the migrant chose not to be counted in statistics (privacy notice).
    counted: Mapped[bool] = mapped_column(Boolean, default=True)


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
    received_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)


class FsmRecord(Base):
    """aiogram's finite-state-machine storage (the Telegram door's own small state)."""

    __tablename__ = "fsm"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    state: Mapped[str | None] = mapped_column(String(128), nullable=True)
    data: Mapped[str] = mapped_column(Text, default="{}")
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
