"""The whole bot in one event loop against the fake Bot API, when things go wrong on the way."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fake_telegram import FakeTelegram

from .harness import Person
from .inprocess import running

pytestmark = pytest.mark.slow


async def test_an_html_gateway_page_on_get_updates_does_not_stop_polling(tg: FakeTelegram, tmp_path: Path) -> None:
    tg.fail_next("getUpdates", status=502, html=True)
    async with running(tg, tmp_path):
        await tg.wait_for(lambda: any(c.error_code == 502 for c in tg.calls("getUpdates")), 10,
                          what="the gateway page")
        person = Person(tg, user_id=8101)
        person.send("/start")
        await person.expect("Choose your language")


async def test_an_html_gateway_page_on_send_message_is_retried(tg: FakeTelegram, tmp_path: Path) -> None:
    async with running(tg, tmp_path):
        person = Person(tg, user_id=8102)
        tg.fail_next("sendMessage", status=502, html=True)
        person.send("/start")
        await person.expect("Choose your language")
        assert any(c.error_code == 502 for c in tg.calls("sendMessage"))


async def test_a_polled_update_with_a_lone_surrogate_is_skipped_and_its_id_logged(
        tg: FakeTelegram, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    async with running(tg, tmp_path):
        broken = Person(tg, user_id=8103)
        bad = broken.send("hello \ud800")
        person = Person(tg, user_id=8104)
        person.send("/start")
        await person.expect("Choose your language")
        await tg.wait_for(lambda: bad["update_id"] in tg.confirmed_ids, 10, what="the broken update confirmed")
    assert f"update {bad['update_id']} skipped" in caplog.text
    assert "\ud800" not in caplog.text and "8103" not in caplog.text
