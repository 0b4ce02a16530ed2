"""Logging that never writes the bot token (it can appear in URLs inside network errors), nor what
people write (the database drivers' SQL parameters).

``LOG_FORMAT=json`` writes one JSON object per line for log collectors (time, level, logger,
message, and the traceback if any), after the same redaction as the text format.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from typing import TextIO

_TOKEN = re.compile(r"\d{5,}:[A-Za-z0-9_-]{20,}")


class RedactTokens(logging.Filter):
    def __init__(self, *secrets: str):
        super().__init__()
        self.secrets = [s for s in secrets if s]

    def _clean(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "[redacted]")
        return _TOKEN.sub("[redacted]", text)

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = self._clean(record.getMessage())
        record.args = None
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = self._clean(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True


# Database drivers log SQL parameters at DEBUG, which would put message texts in the log; they
# stay at WARNING whatever LOG_LEVEL says.
QUIET = {"aiosqlite": logging.WARNING, "sqlalchemy": logging.WARNING, "alembic": logging.WARNING,
         "asyncio": logging.WARNING}


def quiet_libraries() -> None:
    for name, level in QUIET.items():
        logging.getLogger(name).setLevel(level)


class JsonFormatter(logging.Formatter):
    """One JSON object per record. Runs after ``RedactTokens``, so it sees the cleaned text."""

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, object] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            out["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            out["exception"] = record.exc_text
        return json.dumps(out, ensure_ascii=False)


def make_handler(*secrets: str, json_format: bool = False, stream: TextIO | None = None) -> logging.Handler:
    handler: logging.Handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter() if json_format else
                         logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactTokens(*secrets))
    return handler


def setup_logging(level: str, *secrets: str, json_format: bool = False) -> None:
    handler = make_handler(*secrets, json_format=json_format)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    quiet_libraries()
