"""The review pack in a real browser: Debian's Chromium, driven by Playwright, offline.

Skips with the reason when Chromium (scripts/install-browser.sh) or the playwright package
(the dev extras) is missing. Never downloads a browser.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from bot.engine.registry import Registry
from bot.i18n import tools
from bot.i18n.review.apply import apply_marks
from bot.i18n.review.pack import build_pack, render_html

from .test_i18n import ROOT, copy_project

pytestmark = pytest.mark.slow

CHROMIUM = os.environ.get("JOL_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def browser() -> Any:
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        pytest.skip(f"Chromium is not installed at {CHROMIUM}; run scripts/install-browser.sh (as root)")
    sync_api = pytest.importorskip("playwright.sync_api",
                                   reason="the playwright package is not installed (pip install -e '.[dev]')")
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page_file(tmp_path: Path, registry: Registry) -> Path:
    msgids = [str(m.id if isinstance(m.id, str) else m.id[0]) for m in tools._read(tools.Paths(ROOT).template) if m.id]
    out = tmp_path / "review-uz.html"
    out.write_text(render_html(build_pack(registry, ROOT / "content/locales", "uz", dt.date(2026, 11, 26), msgids)),
                   encoding="utf-8")
    return out


def _open(browser: Any, path: Path, requests: list[str]) -> Any:
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    page = context.new_page()

    def guard(route: Any) -> None:  # the pack must not need the network: refuse and remember
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            requests.append(route.request.url)
            route.abort()

    page.route("**/*", guard)
    page.goto(path.as_uri())
    return page


def test_every_diagram_renders_with_its_nodes(browser: Any, page_file: Path, registry: Registry,
                                             tmp_path: Path) -> None:
    requests: list[str] = []
    page = _open(browser, page_file, requests)
    drawn = page.evaluate("""() => Array.from(document.querySelectorAll('svg.flow-diagram')).map(svg => {
        const r = svg.getBoundingClientRect();
        const nodes = Array.from(svg.querySelectorAll('g.node rect')).map(n => n.getBBox());
        return {flow: svg.dataset.flow, width: r.width, height: r.height, nodes: nodes.length,
                empty: nodes.filter(b => !(b.width > 0 && b.height > 0)).length,
                texts: Array.from(svg.querySelectorAll('g.node text')).filter(t => t.getBBox().width > 0).length};
    })""")
    assert {d["flow"] for d in drawn} == set(registry.flows)
    for d in drawn:
        flow = registry.flows[d["flow"]]
        assert d["width"] > 100 and d["height"] > 100, d
        assert d["nodes"] == len(flow.nodes) + 1 and d["empty"] == 0, d   # every node, plus the title
        assert d["texts"] == d["nodes"], d
    diagram = page.locator("#t-work_permit svg.flow-diagram")
    diagram.scroll_into_view_if_needed()
    shot = tmp_path / "work_permit.png"
    page.screenshot(path=str(shot))
    assert shot.stat().st_size > 20_000   # a drawn page, not a blank one
    artifacts = os.environ.get("JOL_ARTIFACTS")
    if artifacts:
        Path(artifacts).mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, Path(artifacts) / "review-uz-work_permit.png")
    assert requests == []


def test_ticking_a_box_and_exporting_gives_the_csv(browser: Any, page_file: Path, tmp_path: Path) -> None:
    requests: list[str] = []
    page = _open(browser, page_file, requests)
    row = page.locator("#e-work_permit-citizenship")
    row.locator("input.check").check()
    row.locator("textarea.note").fill('Say "fuqaroligingiz", it is shorter')
    row.locator("textarea.correction").fill("Qaysi davlat pasporti sizda?")
    assert "1 of" in page.locator("#progress").inner_text()
    with page.expect_download() as info:
        page.locator("#export").click()
    download = info.value
    assert download.suggested_filename == "review-uz.csv"
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows == [{"msgid": "Which country's passport do you have?", "language": "uz", "checked": "yes",
                     "note": 'Say "fuqaroligingiz", it is shorter', "correction": "Qaysi davlat pasporti sizda?"}]
    assert page.locator("#csv-output").input_value().replace("\r\n", "\n") == text.replace("\r\n", "\n")
    # the marks stay in the browser: reopening the file shows them again
    page.reload()
    assert page.locator("#e-work_permit-citizenship input.check").is_checked()
    assert requests == []
    # the downloaded file is what a maintainer applies: the correction lands in both Uzbek catalogues
    root = copy_project(tmp_path / "project")
    result = apply_marks(root, Path(download.path()).read_text(encoding="utf-8"))
    assert result.corrected == [("uz", "Which country's passport do you have?")] and result.refused == []
    cyrillic = (root / "content/locales/uz_Cyrl/LC_MESSAGES/messages.po").read_text(encoding="utf-8")
    assert 'msgstr "Қайси давлат паспорти сизда?"' in cyrillic
