"""What counsellors can do to a case: one table for their commands and their buttons."""

from __future__ import annotations

from enum import StrEnum


class CaseAction(StrEnum):
    CLAIM = "claim"
    CLOSE = "close"
    REOPEN = "reopen"
    CANNED = "canned"  # pick a ready answer
    HOTLINES = "hotlines"  # send the emergency and help-line cards


HOTLINE_CARDS = ("emergency", "helpline", "egov")
