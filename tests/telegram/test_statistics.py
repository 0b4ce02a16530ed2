"""Statistics through the real bot: what is recorded, who may export, what the files hold."""

from __future__ import annotations

import datetime as dt
import io
import logging
import zipfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiogram.methods import SendDocument, SendPhoto
from sqlalchemy import text

from bot.config import Settings
from bot.engine.clock import Clock
from bot.logs import quiet_libraries
from bot.stats import build
from bot.stats.report import Breakdown
from bot.telegram.app import App, build_app

from .conftest import TODAY, Migrant
from .session import RecordingSession

ADMIN = 4242
CANARY = "CANARY-7788-zz"


@pytest.fixture
async def stats_app(tmp_path: Path) -> AsyncIterator[App]:
    settings = Settings(bot_token="123456:TEST-TOKEN-abcdefghijklmnopqrstuvwxyz",
                        database_url=f"sqlite+aiosqlite:///{tmp_path}/jol.sqlite", data_dir=tmp_path,
                        pseudonym_secret="test-secret-of-enough-length", admin_ids=[ADMIN], stats_min_cell=5,
                        _env_file=None)  # type: ignore[call-arg]
    built = await build_app(settings, Clock.fixed(TODAY))
    built.bot.session = RecordingSession()
    yield built
    await built.close()


async def walk(m: Migrant, counted: bool = True, campaign: str | None = None) -> None:
    await m.send("/start" + (f" {campaign}" if campaign else ""))
    await m.press_button("English")
    await m.press_button("OK, continue" if counted else "do not count me")
    await m.press_button("No")
    await m.press_button("I work or live in Kazakhstan")
    await m.press_button("Registration and stay")
    await m.press_button("Tajikistan")
    await m.press_button("None of these")
    await m.send(CANARY)  # free text where a date is expected
    await m.send("20.11.2026")
    await m.send(CANARY)  # and where earlier visits are expected
    await m.press_button("No other visits")
    await m.press_button("No")


async def dump(app: App) -> str:
    out = []
    async with app.runtime.db_engine.connect() as conn:
        for table in ("enquiry_facts", "fact_categories"):
            out += [str(r) for r in (await conn.execute(text(f"select * from {table}"))).all()]
    return "\n".join(out)


async def test_canary_and_id_never_reach_statistics_exports_or_logs(stats_app: App, caplog: Any) -> None:
    caplog.set_level(logging.DEBUG)
    quiet_libraries()  # the bot's own logging policy (bot/logs.py), at its most verbose
    session = stats_app.bot.session
    assert isinstance(session, RecordingSession)
    users = [Migrant(stats_app, session, user_id=987654300 + i, language_code="en", first_name=f"Canary{i}",
                     username=f"canary_{i}") for i in range(6)]
    for m in users:
        await walk(m, campaign="BORDER_7")
    recorded = await dump(stats_app)
    assert "register_howto" in recorded and "BORDER_7" in recorded and "citizenship" in recorded
    stats = stats_app.dispatcher["stats"]
    tr = stats_app.runtime.catalogs.get("en")
    csv_data = await build.export(stats, TODAY, TODAY, [Breakdown.parse("flow,language")], "csv", tr)
    xlsx_data = await build.export(stats, TODAY, TODAY, list(build.STANDARD), "xlsx", tr)
    lines = csv_data.decode("utf-8-sig").splitlines()
    assert lines[0] == "Topic,Language,Topics opened"
    assert "stay,en,6" in lines and "(all),(all),6" in lines
    with zipfile.ZipFile(io.BytesIO(xlsx_data)) as book:
        xlsx_text = "".join(book.read(name).decode("utf-8", "replace") for name in book.namelist())
    for blob in (recorded, csv_data.decode("utf-8-sig"), xlsx_text, caplog.text):
        assert CANARY not in blob
        assert "9876543" not in blob and "Canary" not in blob and "canary_" not in blob
        assert "2026-11-20" not in blob  # a typed date is not a statistic


async def test_people_who_decline_are_only_a_bare_total(stats_app: App) -> None:
    session = stats_app.bot.session
    assert isinstance(session, RecordingSession)
    await walk(Migrant(stats_app, session, user_id=555, language_code="en"), counted=False)
    async with stats_app.runtime.db_engine.connect() as conn:
        rows = (await conn.execute(text("select kind, flow, node, lang, campaign from enquiry_facts"))).all()
        categories = (await conn.execute(text("select count(*) from fact_categories"))).scalar_one()
    assert rows == [("uncounted", None, None, None, None)] and categories == 0


async def test_only_admins_export(stats_app: App) -> None:
    session = stats_app.bot.session
    assert isinstance(session, RecordingSession)
    for i in range(5):
        await walk(Migrant(stats_app, session, user_id=600 + i, language_code="en"))
    outsider = Migrant(stats_app, session, user_id=601, language_code="en")
    await outsider.send("/export")
    await outsider.send("/stats")
    assert session.texts()[-2:] == ["This command is for the bot's administrators."] * 2
    assert not [r for r in session.requests if isinstance(r, (SendDocument, SendPhoto))]

    admin = Migrant(stats_app, session, user_id=ADMIN, language_code="en")
    await admin.send("/export 2026-11-01 2026-11-30")
    document = next(r for r in session.requests if isinstance(r, SendDocument))
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(document.document.data))  # type: ignore[union-attr]
    assert book.sheetnames[0] == "Notes"
    assert "enquiries by flow, language" in book.sheetnames and "Cases" in book.sheetnames
    sheet = book["enquiries by flow, language"]
    assert [c.value for c in sheet[1]] == ["Topic", "Language", "Topics opened"]
    values = {(r[0], r[1]): r[2] for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert values[("stay", "en")] == 5
    notes = " ".join(str(r[0]) for r in book["Notes"].iter_rows(values_only=True))
    assert "2026-11-01 to 2026-11-30" in notes and "below 5" in notes

    await admin.send("/stats")
    photo = next(r for r in session.requests if isinstance(r, SendPhoto))
    data = photo.photo.data  # type: ignore[union-attr]
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000
    assert "5 topics opened" in (photo.caption or "")


async def test_who_is_asking_is_counted_and_suppressed_like_the_topic(stats_app: App) -> None:
    session = stats_app.bot.session
    assert isinstance(session, RecordingSession)
    for i, who, topic in [*((i, "I am a migrant's family member", "Lost contact with a relative") for i in range(5)),
                          *((i, "I plan to go to work abroad", "Before I leave: agencies, job offers")
                            for i in range(5, 7))]:
        m = Migrant(stats_app, session, user_id=700 + i, language_code="en")
        await m.send("/start")
        await m.press_button("English")
        await m.press_button("OK, continue")
        await m.press_button("No")
        await m.press_button(who)
        await m.press_button(topic)
    stats = stats_app.dispatcher["stats"]
    tr = stats_app.runtime.catalogs.get("en")
    lines = (await build.export(stats, TODAY, TODAY, [Breakdown.parse("asker,flow")], "csv", tr)
             ).decode("utf-8-sig").splitlines()
    assert lines[0] == "Who is asking,Topic,Topics opened"
    assert "family,lost_contact,5" in lines
    assert "leaving,departure,<5" in lines  # two people: hidden, like any small count
    xlsx_data = await build.export(stats, TODAY, TODAY, list(build.STANDARD), "xlsx", tr)
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(xlsx_data))
    assert "enquiries by asker, flow" in book.sheetnames and "handoffs by asker, urgency" in book.sheetnames


@pytest.mark.parametrize("command", ["/stats 0001-01-01 9999-12-31", "/export 0001-01-01 9999-12-31",
                                     "/stats 2026-12-01 2026-01-01"])
async def test_a_period_out_of_range_gets_a_clear_refusal(stats_app: App, command: str) -> None:
    session = stats_app.bot.session
    assert isinstance(session, RecordingSession)
    await Migrant(stats_app, session, user_id=ADMIN, language_code="en").send(command)
    assert "The period must be" in session.texts()[-1]
    assert not [r for r in session.requests if isinstance(r, (SendDocument, SendPhoto))]


async def test_stats_summary_says_next_years_official_values_are_missing(tmp_path: Path) -> None:
    settings = Settings(bot_token="123456:TEST-TOKEN-abcdefghijklmnopqrstuvwxyz",
                        database_url=f"sqlite+aiosqlite:///{tmp_path}/jol.sqlite", data_dir=tmp_path,
                        pseudonym_secret="test-secret-of-enough-length", admin_ids=[ADMIN], stats_min_cell=5,
                        stats_language="ru", _env_file=None)  # type: ignore[call-arg]
    app = await build_app(settings, Clock.fixed(dt.date(2026, 12, 1)))  # no 2027 MRP in content/reference.yaml
    app.bot.session = session = RecordingSession()
    try:
        await Migrant(app, session, user_id=ADMIN, language_code="en").send("/stats")
    finally:
        await app.close()
    photo = next(r for r in session.requests if isinstance(r, SendPhoto))
    assert "Официальные значения на 2027 год (min_wage, mrp) ещё не внесены" in (photo.caption or "")
    assert "по значениям 2026 года" in (photo.caption or "")


async def test_only_listed_campaign_codes_are_kept_the_rest_count_as_unknown(stats_app: App) -> None:
    session = stats_app.bot.session
    assert isinstance(session, RecordingSession)
    await walk(Migrant(stats_app, session, user_id=801, language_code="en"), campaign="77011234567")  # a phone
    await walk(Migrant(stats_app, session, user_id=802, language_code="en"), campaign="BORDER_7")  # listed
    async with stats_app.runtime.db_engine.connect() as conn:
        kept = {r[0] for r in (await conn.execute(text("select campaign from enquiry_facts"))).all()}
        stored = {r[0] for r in (await conn.execute(text("select campaign from conversations"))).all()}
    assert kept == stored == {"unknown", "BORDER_7"}
