"""The closed sets of values stored in status columns. StrEnums: stored and compared as plain text."""

from __future__ import annotations

from enum import StrEnum


class CaseStatus(StrEnum):
    OPEN = "open"  # waiting for a counsellor
    CLAIMED = "claimed"  # a counsellor took it
    CLOSED = "closed"


class Urgency(StrEnum):
    NORMAL = "normal"
    URGENT = "urgent"


class InboxStatus(StrEnum):
    PENDING = "pending"  # stored, not yet handled
    APPLIED = "applied"  # its change is committed, its reply not yet confirmed
    DONE = "done"
    FAILED = "failed"  # given up, never applied
    UNSENT = "unsent"  # given up after it was applied: its reply was never confirmed


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    DEAD = "dead"  # given up: Telegram refused it, or it failed too often
