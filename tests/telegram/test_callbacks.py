"""Button payloads: typed on our side, the same bytes Telegram already holds in sent buttons."""

from __future__ import annotations

from dataclasses import replace

from bot.counselling.actions import CaseAction as Act
from bot.engine.inputs import Choose, Jump, Nav
from bot.i18n.catalogs import Catalogs
from bot.telegram.callbacks import Go, OpenFlow, Pick, engine_button
from bot.telegram.keyboards import CaseKeyboards
from bot.telegram.routers.counsellor import ACTIONS
from tests.conftest import ROOT


def test_engine_inputs_survive_the_round_trip_through_a_button() -> None:
    for inp in (Choose(2), Nav("back"), Nav("counsellor"), Jump("stay")):
        packed = engine_button(inp, step=7).pack()
        kind = {"o": Pick, "n": Go, "t": OpenFlow}[packed.split(":", 1)[0]]
        assert kind.unpack(packed).to_input() == replace(inp, step=7)


def test_buttons_already_sent_keep_working() -> None:
    """Payloads stored in messages sent before the typed classes must still parse the same way."""
    assert engine_button(Choose(1), 3).pack() == "o:1:3"
    assert engine_button(Nav("menu"), 3).pack() == "n:menu:3"
    assert engine_button(Jump("work_permit"), 3).pack() == "t:work_permit:3"
    keyboards = CaseKeyboards(Catalogs(ROOT / "content" / "locales").get("en"))
    case = [b["callback_data"] for row in keyboards.case(5)["inline_keyboard"] for b in row]
    assert case == ["k:claim:5", "k:close:5", "k:canned:5", "k:hotlines:5"]
    assert [row[0]["callback_data"] for row in keyboards.rating(5)["inline_keyboard"]] == \
        ["r:5:5", "r:5:4", "r:5:3", "r:5:2", "r:5:1"]


def test_every_counsellor_action_is_a_command_and_a_button() -> None:
    assert set(ACTIONS) == set(Act)
