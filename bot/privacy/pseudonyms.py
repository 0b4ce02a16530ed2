"""Keyed pseudonyms: how the database knows a person without holding their Telegram id.

HMAC-SHA256 with a secret kept outside the database (``PSEUDONYM_SECRET`` or a key file under
the data folder). A plain hash of a Telegram id would be reversible by trying every id; a keyed
one is not without the key.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path


class Pseudonymizer:
    def __init__(self, secret: bytes):
        if len(secret) < 16:
            raise ValueError("the pseudonym secret must be at least 16 bytes")
        self._secret = secret

    def __call__(self, kind: str, *parts: object) -> str:
        message = ":".join([kind, *(str(p) for p in parts)]).encode()
        return hmac.new(self._secret, message, hashlib.sha256).hexdigest()[:40]

    def user(self, user_id: int) -> str:
        return self("user", user_id)


def load_or_create_secret(configured: str | None, key_file: Path) -> bytes:
    """The configured secret, else the one in ``key_file``, else a new one written there (mode 600)."""
    if configured:
        return configured.encode()
    if key_file.exists():
        return key_file.read_bytes().strip()
    key_file.parent.mkdir(mode=0o700, parents=True, exist_ok=True)  # the data folder: the bot's user only
    value = secrets.token_hex(32).encode()
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(value)
    return value
