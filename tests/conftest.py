"""Shared fixtures: the shipped flows, an engine with a fixed clock, the golden-file flag."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bot.engine.registry import Registry, load_registry
from bot.engine.runner import Engine

ROOT = Path(__file__).resolve().parent.parent
FIXED_TODAY = dt.date(2026, 11, 26)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", help="rewrite golden flow cases from the engine")


@pytest.fixture(scope="session")
def registry() -> Registry:
    return load_registry(ROOT / "flows", ROOT / "content")


@pytest.fixture
def engine(registry: Registry) -> Engine:
    return Engine(registry, lambda: FIXED_TODAY)
