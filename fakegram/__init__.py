"""A strict, local fake of the Telegram Bot API, for the tests and the benchmarks (see fakegram.server)."""

from fakegram.errors import ApiError, EntityParseError
from fakegram.formatting import parse_html
from fakegram.records import Call
from fakegram.server import FakeTelegram

__all__ = ["ApiError", "Call", "EntityParseError", "FakeTelegram", "parse_html"]
