"""Every path of every flow, in every language: translated, filled in, within Telegram's limits."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from bot.conversation.screens import Presenter
from bot.engine.registry import Registry
from bot.engine.runner import Engine
from bot.engine.state import State
from bot.i18n.catalogs import Catalogs
from bot.i18n.languages import LANGUAGES

from .conftest import FIXED_TODAY, ROOT
from .engine.golden import GOLDEN_DIR, load_case, to_input

CATALOGS = Catalogs(ROOT / "content" / "locales")
CASES = sorted(GOLDEN_DIR.glob("*.yaml"))
ENGLISH = re.compile(r"\b(the|you|your|and|with|for|not|this)\b", re.IGNORECASE)


def test_every_language_has_a_catalogue() -> None:
    assert set(LANGUAGES) - {"en"} <= set(CATALOGS.available())


def walk(case: dict, registry: Registry):  # type: ignore[no-untyped-def]
    today = case.get("today") or FIXED_TODAY
    if isinstance(today, str):
        today = dt.date.fromisoformat(today)
    engine = Engine(registry, lambda: today)
    state: State | None = None
    for step in case["steps"]:
        inp = to_input(step["do"])
        if inp is None or state is None:
            state, events = engine.start(case.get("flow", "start"))
        else:
            state, events = engine.advance(state, inp)
        yield events


@pytest.mark.parametrize("lang", [lang for lang in LANGUAGES if lang != "en"])
def test_every_golden_path_renders_translated(lang: str, registry: Registry) -> None:
    tr = CATALOGS.get(lang)
    presenter = Presenter(registry.contacts)
    sources = {f"• {s}" for f in registry.flows.values() for n in f.nodes for s in getattr(n, "sources", [])}
    for path in CASES:
        for events in walk(load_case(path), registry):
            for screen in presenter.screens(events, tr):
                body = screen.text
                assert "{" not in body and "}" not in body, f"{path.name}: unfilled placeholder ({lang}): {body[:80]}"
                assert len(body) <= 4096
                prose = "\n".join(line for line in body.splitlines() if line not in sources)
                assert not ENGLISH.search(prose), f"{path.name}: English left in {lang}: {prose[:200]}"
                for button in screen.options + screen.nav:
                    assert len(button.label) <= 40, f"{lang}: {button.label}"
