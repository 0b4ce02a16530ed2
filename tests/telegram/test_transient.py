"""Which failures the worker tries again: Redis away for a moment is one, a bug is not."""

from __future__ import annotations

import pytest

from bot.telegram.transient import is_transient


def test_redis_away_for_a_moment_is_tried_again() -> None:
    errors = pytest.importorskip("redis.exceptions", reason="redis is not installed (pip install -e '.[dev]')")
    assert is_transient(errors.ConnectionError("Error 111 connecting to 127.0.0.1:6379"))
    assert is_transient(errors.TimeoutError("Timeout reading from socket"))
    assert is_transient(errors.BusyLoadingError("Redis is loading the dataset in memory"))
    assert not is_transient(errors.ResponseError("WRONGTYPE Operation against a key"))


def test_a_bug_is_not_tried_again() -> None:
    assert not is_transient(KeyError("lang"))
    assert not is_transient(ValueError("a Telegram id is an integer"))
