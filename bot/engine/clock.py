"""The one clock: "now" as an instant, and "today" as the date in Kazakhstan (``TIMEZONE``).

Built once from the settings and passed down to everything that needs the time: the engine's
day counts, the console, counsellors' working hours, the days of the statistics, the daily
purge. Nothing else asks the system for the date, because the server's date (often UTC) is a day
behind Kazakhstan between 00:00 and 05:00 there, always on the unsafe side: a permit that ended
yesterday would still "end today".

Kazakhstan has used UTC+5 everywhere since 1 March 2024 (BRIEF K.1). An old tz database may
still give UTC+6 for Asia/Almaty; for a Kazakh zone that does, the clock uses a fixed UTC+5.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from zoneinfo import ZoneInfo

log = logging.getLogger(__name__)

KAZAKHSTAN_OFFSET = dt.timedelta(hours=5)
KAZAKHSTAN_ZONES = frozenset({"Asia/Almaty", "Asia/Qostanay", "Asia/Qyzylorda", "Asia/Aqtobe", "Asia/Aqtau",
                              "Asia/Atyrau", "Asia/Oral"})
_SINCE_UNIFIED = dt.datetime(2025, 1, 15, 12, tzinfo=dt.UTC)  # any moment after 1 March 2024


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def zone_for(name: str, zone: dt.tzinfo | None = None) -> dt.tzinfo:
    """The zone called ``name``; a Kazakh zone that is not UTC+5 (old tzdata) becomes a fixed UTC+5."""
    zone = zone or ZoneInfo(name)
    if name in KAZAKHSTAN_ZONES and _SINCE_UNIFIED.astimezone(zone).utcoffset() != KAZAKHSTAN_OFFSET:
        log.warning("the tz database gives %s a UTC offset other than +5; using a fixed UTC+5 (BRIEF K.1)", name)
        return dt.timezone(KAZAKHSTAN_OFFSET, "UTC+05")
    return zone


class Clock:
    """``now()`` (an aware UTC instant), ``today()`` (the local date) and conversions between them."""

    def __init__(self, zone: dt.tzinfo, now: Callable[[], dt.datetime] = utc_now):
        self.zone = zone
        self._now = now

    @classmethod
    def for_zone(cls, name: str, now: Callable[[], dt.datetime] = utc_now) -> Clock:
        return cls(zone_for(name), now)

    @classmethod
    def fixed(cls, day: dt.date, zone: str = "Asia/Almaty") -> Clock:
        """A clock stopped at noon of ``day`` in ``zone`` (for ``--today`` and tests)."""
        tz = zone_for(zone)
        noon = dt.datetime.combine(day, dt.time(12), tz).astimezone(dt.UTC)
        return cls(tz, lambda: noon)

    def now(self) -> dt.datetime:
        moment = self._now()
        return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)

    def today(self) -> dt.date:
        return self.date_of(self.now())

    def date_of(self, moment: dt.datetime) -> dt.date:
        """The local date of an instant (a naive one is read as UTC, as the database stores them)."""
        aware = moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment
        return aware.astimezone(self.zone).date()

    def start_of(self, day: dt.date) -> dt.datetime:
        """The instant (UTC) the local ``day`` begins."""
        return dt.datetime.combine(day, dt.time(), self.zone).astimezone(dt.UTC)
