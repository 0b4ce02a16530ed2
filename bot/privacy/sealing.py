"""Chat ids sealed at rest: AES-256-GCM under a key kept outside the database.

A chat id is what the bot needs to write to someone first (a reminder, a counsellor's reply), so it
cannot be a one-way pseudonym. It is stored sealed: a fresh 96-bit nonce and the AES-GCM
ciphertext, as URL-safe base64 text. Without the key (``CHAT_KEY`` or ``chat.key`` in the data
folder, mode 0600, handled like the pseudonym key) the database alone reveals no chat id.
Lookups never need to open a sealed value: rows are found by the person's pseudonym.
"""

from __future__ import annotations

import base64
import os
import secrets
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

PREFIX = "g1."  # the format version: AES-GCM, 12-byte nonce
_AAD = b"jol:chat"


class SealError(ValueError):
    """A sealed value that this key cannot open (another key, or damaged)."""


class ChatSealer:
    def __init__(self, key: bytes):
        if len(key) != 32:
            raise ValueError("the chat key must be 32 bytes (64 hex characters)")
        self._aead = AESGCM(key)

    def seal(self, chat_id: int) -> str:
        nonce = os.urandom(12)
        body = self._aead.encrypt(nonce, str(int(chat_id)).encode(), _AAD)
        return PREFIX + base64.urlsafe_b64encode(nonce + body).decode().rstrip("=")

    def open(self, sealed: str) -> int:
        if not sealed.startswith(PREFIX):
            raise SealError("not a sealed chat id")
        raw = sealed[len(PREFIX):]
        data = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4))
        try:
            return int(self._aead.decrypt(data[:12], data[12:], _AAD).decode())
        except (InvalidTag, ValueError) as exc:
            raise SealError("this key cannot open the sealed chat id") from exc


def parse_key(text: str) -> bytes:
    value = text.strip()
    try:
        key = bytes.fromhex(value)
    except ValueError:
        raise ValueError("CHAT_KEY must be 64 hex characters (32 bytes)") from None
    if len(key) != 32:
        raise ValueError("CHAT_KEY must be 64 hex characters (32 bytes)")
    return key


def load_or_create_key(configured: str | None, key_file: Path) -> bytes:
    """The configured key, else the one in ``key_file``, else a new one written there (mode 600)."""
    if configured:
        return parse_key(configured)
    if key_file.exists():
        return parse_key(key_file.read_text())
    key_file.parent.mkdir(mode=0o700, parents=True, exist_ok=True)  # the data folder: the bot's user only
    value = secrets.token_hex(32)
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(value)
    return bytes.fromhex(value)


def sealer_for(configured: str | None, data_dir: Path) -> ChatSealer:
    return ChatSealer(load_or_create_key(configured, data_dir / "chat.key"))
