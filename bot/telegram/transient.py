"""Which failures are worth trying again: the network, Telegram's 5xx and 429, a gateway's HTML
error page, the database or Redis away for a moment. Anything else is a bug or a refusal, and
trying again would only repeat it."""

from __future__ import annotations

from aiogram.exceptions import ClientDecodeError, TelegramNetworkError, TelegramRetryAfter, TelegramServerError
from sqlalchemy.exc import DBAPIError, DisconnectionError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

_TRANSIENT: tuple[type[BaseException], ...] = (
    TelegramNetworkError, TelegramServerError, TelegramRetryAfter, ClientDecodeError,
    OperationalError, DisconnectionError, PoolTimeout, ConnectionError, TimeoutError,
)
try:  # Redis is optional
    from redis.exceptions import BusyLoadingError
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError

    _TRANSIENT += (RedisConnectionError, RedisTimeoutError, BusyLoadingError)
except ImportError:  # pragma: no cover
    pass


def is_transient(exc: BaseException) -> bool:
    if isinstance(exc, _TRANSIENT):
        return True
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    cause = exc.__cause__ or exc.__context__
    return isinstance(cause, (ConnectionError, TimeoutError)) and not isinstance(exc, ValueError)


def wait_hint(exc: BaseException) -> float:
    """Seconds the other side asked us to wait (429's ``retry_after``), else 0."""
    return float(exc.retry_after) if isinstance(exc, TelegramRetryAfter) else 0.0
