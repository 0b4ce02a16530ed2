"""LOG_FORMAT=json: one JSON object a line for log collectors, redacted like the text format."""

from __future__ import annotations

import io
import json
import logging

import pytest

from bot.logs import make_handler

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"


@pytest.mark.parametrize("json_format", [True, False])
def test_json_and_text_logs_never_hold_the_token(json_format: bool) -> None:
    stream = io.StringIO()
    log = logging.getLogger(f"test.json.{json_format}")
    log.addHandler(make_handler(TOKEN, json_format=json_format, stream=stream))
    log.setLevel(logging.INFO)
    try:
        log.info("polling as %s", "jol_bot")
        try:
            raise ConnectionError(f"cannot reach https://api.telegram.org/bot{TOKEN}/getUpdates")
        except ConnectionError:
            log.exception("request to %s failed", f"https://api.telegram.org/bot{TOKEN}/sendMessage")
        log.warning("another bot 987654321:ZZHdqTcvCH1vGWJxfSeofSAs0K5PALDxyz leaked, «юникод» kept")
    finally:
        log.handlers.clear()
    output = stream.getvalue()
    assert "AAHdqTcv" not in output and "ZZHdqTcv" not in output
    if not json_format:
        return
    records = [json.loads(line) for line in output.splitlines()]  # every line is one JSON object
    assert [r["level"] for r in records] == ["INFO", "ERROR", "WARNING"]
    assert records[0]["message"] == "polling as jol_bot" and records[0]["logger"] == "test.json.True"
    assert records[0]["time"].endswith("+00:00")
    assert "[redacted]" in records[1]["message"] and "ConnectionError" in records[1]["exception"]
    assert "[redacted]" in records[1]["exception"]
    assert "«юникод»" in records[2]["message"]
