"""Which failures are worth trying again: the network, Telegram's 5xx and 429, a gateway's HTML
error page, the database or Redis away for a moment. Anything else is a bug or a refusal, and
trying again would only repeat it."""

from __future__ import annotations

import sys

from aiogram.exceptions import ClientDecodeError, TelegramNetworkError, TelegramRetryAfter, TelegramServerError
from sqlalchemy.exc import DBAPIError, DisconnectionError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

_TRANSIENT: tuple[type[BaseException], ...] = (
    TelegramNetworkError, TelegramServerError, TelegramRetryAfter, ClientDecodeError,
    OperationalError, DisconnectionError, PoolTimeout, ConnectionError, TimeoutError,
)


def _redis_away(exc: BaseException) -> bool:
    """Redis is optional and not imported without REDIS_URL (it costs memory): an error of its
    kind can only exist once it is loaded."""
    errors = sys.modules.get("redis.exceptions")
    return errors is not None and isinstance(exc, (errors.ConnectionError, errors.TimeoutError,
                                                   errors.BusyLoadingError))


def is_transient(exc: BaseException) -> bool:
    if isinstance(exc, _TRANSIENT) or _redis_away(exc):
        return True
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    cause = exc.__cause__ or exc.__context__
    return isinstance(cause, (ConnectionError, TimeoutError)) and not isinstance(exc, ValueError)


def wait_hint(exc: BaseException) -> float:
    """Seconds the other side asked us to wait (429's ``retry_after``), else 0."""
    return float(exc.retry_after) if isinstance(exc, TelegramRetryAfter) else 0.0
