"""/days in the counsellors' group: at once, and walked through, with the stay flow's calculator."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from bot.engine.clock import Clock
from bot.engine.stay_calc import Visit, calculate
from fakegram import FakeTelegram

from .inprocess import GROUP_ID, running
from .test_counsellors import Counsellor, group_messages


def _dates() -> tuple[dt.date, dt.date, dt.date, dt.date]:
    today = Clock.for_zone("Asia/Almaty").today()  # the running bot counts in Kazakhstan's date too
    entry = today - dt.timedelta(days=6)
    return today, entry, today - dt.timedelta(days=80), today - dt.timedelta(days=51)


async def _answer(tg: FakeTelegram, contains: str, seen: int) -> dict[str, Any]:
    await tg.wait_for(lambda: len([m for m in group_messages(tg) if contains in m.get("text", "")]) > seen, 10,
                      what=f"a group message with {contains!r}")
    return [m for m in group_messages(tg) if contains in m.get("text", "")][-1]


async def test_days_at_once_and_walked_through(tg: FakeTelegram, tmp_path: Path) -> None:
    tg.supergroup(GROUP_ID, "Jol counsellors", is_forum=True)
    today, entry, first, last = _dates()
    expected = calculate("kg", [Visit(first, last)], entry, today)
    counsellor = Counsellor(tg)
    async with running(tg, tmp_path):
        counsellor.write(None, f"/days kg {entry:%d.%m.%Y} {first:%d.%m.%Y}-{last:%d.%m.%Y}")  # type: ignore[arg-type]
        at_once = await _answer(tg, "In Kazakhstan in the 180 days", 0)
        assert f"{expected.days_used} days (the limit is 90)" in at_once["text"]
        assert "both count as full days" in at_once["text"] and "no 30-day limit" in at_once["text"]

        counsellor.write(None, "/days uz yesterday")  # type: ignore[arg-type]
        await _answer(tg, "Write it like this: /days uz", 0)

        counsellor.write(None, "/days")  # type: ignore[arg-type]
        ask = await _answer(tg, "Which passport does the person have?", 0)
        counsellor.press(ask, "Kyrgyzstan")
        await _answer(tg, "last enter Kazakhstan?", 0)
        counsellor.write(None, "31.02.2026")  # type: ignore[arg-type]
        await _answer(tg, "Please write a date like", 0)
        counsellor.write(None, f"{entry:%d.%m.%Y}")  # type: ignore[arg-type]
        await _answer(tg, "Earlier visits in the last 180 days", 0)
        counsellor.write(None, f"{first:%d.%m.%Y}-{entry + dt.timedelta(days=1):%d.%m.%Y}")  # type: ignore[arg-type]
        await _answer(tg, "Please write a visit as two dates", 0)  # it ends after the entry: refused
        counsellor.write(None, f"{first:%d.%m.%Y}-{last:%d.%m.%Y}")  # type: ignore[arg-type]
        added = await _answer(tg, "Added", 0)
        counsellor.press(added, "Count")
        walked = await _answer(tg, "In Kazakhstan in the 180 days", 1)
        assert walked["text"] == at_once["text"]
