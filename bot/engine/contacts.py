"""Hotline and office cards (``content/contacts.yaml``), shown by outcomes and handoffs.

Only numbers with a source go into the file; an unverified number is simply absent.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field


class ContactLine(BaseModel):
    """A number to call, or (without ``number``) an office and where it is."""

    model_config = ConfigDict(extra="forbid")
    number: str | None = None
    text: str = Field(min_length=1)
    # The content brief says that calling this number is free. Only then may a text call it free
    # (``bot/engine/claims.py``); set it for no other number.
    free: bool = False


class ContactCard(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: str = Field(min_length=1)
    lines: list[ContactLine] = Field(min_length=1)
    sources: list[str] = Field(min_length=1)
    verified_on: dt.date


class ContactsFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    cards: dict[str, ContactCard]


def load_contacts(path: Path) -> dict[str, ContactCard]:
    if not path.exists():
        return {}
    return dict(ContactsFile.model_validate(yaml.safe_load(path.read_text(encoding="utf-8"))).cards)
